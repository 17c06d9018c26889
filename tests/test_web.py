"""The recruiters' page app (recruta/web) without a server: offline assets, vaga search, record lookup."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ingestion import ingest, open_index
from recruta.ingest.documents import chunk_text
from recruta.ingest.embeddings import get_embedder
from recruta.ingest.store import StoreUnavailable
from recruta.web.app import PAGE_HEADERS, STATIC, VagaEntry, create_app, merge_chunks, search_vagas

# Anything the browser could fetch from elsewhere: absolute or protocol-relative URLs, CSS imports.
EXTERNAL = re.compile(r"""(?:https?:)?//[\w.-]+\.\w+|@import""", re.I)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def test_static_assets_fetch_nothing_from_elsewhere():
    files = sorted(p for p in STATIC.rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".html", ".js", ".css"}
    for path in files:
        text = path.read_text(encoding="utf-8").replace(SVG_NAMESPACE, "")
        found = EXTERNAL.findall(text)
        assert not found, f"{path.name} references {found}"


@pytest.fixture(scope="module")
def indexed(small_data: Path, tmp_path_factory: pytest.TempPathFactory):
    from recruta.core.settings import Settings

    settings = Settings(
        home=tmp_path_factory.mktemp("web"), embedder="hash", generator="extractive", chunk_size=300, chunk_overlap=60
    )
    embedder = get_embedder("hash")
    ingest(data_dir=small_data, settings=settings, embedder=embedder, progress=False)
    return open_index(settings, embedder)


@pytest.fixture(scope="module")
def client(indexed) -> TestClient:
    return TestClient(create_app(lambda: indexed))


def test_page_is_served_with_a_closed_content_security_policy(client):
    r = client.get("/")
    assert r.status_code == 200 and "<title>recruta" in r.text
    assert r.headers["content-security-policy"] == PAGE_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/static/main.js").status_code == 200


def test_vaga_search_by_id_title_and_client_ignores_accents(client, small_data):
    import json

    vagas = json.loads((small_data / "vagas.json").read_text())
    vid, rec = next(iter(vagas.items()))
    title = rec["informacoes_basicas"]["titulo_vaga"]
    by_id = client.get("/api/vagas", params={"q": vid}).json()
    assert by_id["vagas"][0]["vaga_id"] == vid and by_id["vagas"][0]["title"] == title
    word = max(title.split(), key=len)
    folded = word.upper().replace("Ê", "E").replace("Á", "A").replace("Ç", "C")
    found = client.get("/api/vagas", params={"q": folded}).json()["vagas"]
    assert vid in {v["vaga_id"] for v in found} and all(word.casefold() in v["title"].casefold() for v in found)
    everything = client.get("/api/vagas", params={"limit": 50}).json()
    assert everything["total"] == len(vagas) and len(everything["vagas"]) == min(50, len(vagas))


def error_of(r) -> dict:
    """The one error shape of the service: {"error": {status, code, message, field}, "request_id"}."""
    body = r.json()
    assert set(body) == {"error", "request_id"} and set(body["error"]) == {"status", "code", "message", "field"}
    assert body["error"]["status"] == r.status_code and body["error"]["message"].strip()
    return body["error"]


@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        ("0", "range.min", "limit: deve ser no mínimo 1."),
        ("51", "range.max", "limit: deve ser no máximo 50."),
        ("x", "type.integer", "limit: deve ser um número inteiro."),
    ],
)
def test_vaga_search_rejects_bad_limits(client, limit, code, message):
    r = client.get("/api/vagas", params={"limit": limit})
    assert r.status_code == 400
    assert error_of(r) == {"status": 400, "code": code, "message": message, "field": "limit"}
    english = error_of(client.get("/api/vagas", params={"limit": limit}, headers={"accept-language": "en-US,en;q=0.9"}))
    assert english["code"] == code and english["message"].startswith("limit: must be")


def test_search_orders_exact_id_first():
    entries = [
        VagaEntry(vaga_id=i, title=t, client="", level="", location="")
        for i, t in (("1100", "Analista 100"), ("100", "Dev"), ("1000", "QA"))
    ]
    assert [e.vaga_id for e in search_vagas(entries, "100")] == ["100", "1000", "1100"]


def test_record_merges_every_chunk_back_into_the_whole_text(client, indexed):
    got = indexed.get(where={"type": "candidato"})
    counts: dict[str, int] = {}
    for meta in got["metadatas"]:
        counts[meta["candidate_id"]] = counts.get(meta["candidate_id"], 0) + 1
    code = max(counts, key=counts.get)
    assert counts[code] >= 3, "the fixture's chunk size should split a CV into several chunks"
    r = client.get("/api/record", params={"id": f"candidato:{code}:2"}).json()  # any chunk id opens the record
    assert r["id"] == f"candidato:{code}" and r["type"] == "candidato"
    assert "content_hash" not in r["metadata"] and "chunk" not in r["metadata"]
    chunks = sorted(
        (int(m["chunk"]), d)
        for m, d in zip(got["metadatas"], got["documents"], strict=True)
        if m["candidate_id"] == code
    )
    first = chunks[0][1]
    prefix = f"Candidato {r['metadata']['name']} ({code}) | "
    assert all(d.startswith(prefix) for _, d in chunks[1:])
    words = " ".join(r["text"].split())
    for _, doc in chunks:  # every chunk's text appears, in order, exactly once
        piece = " ".join(doc.removeprefix(prefix).split())
        assert words.count(piece) == 1, piece[:80]
    assert words.startswith(" ".join(first.split()))


def test_merge_chunks_undoes_chunking():
    text = " ".join(f"palavra{i}" for i in range(400))
    pieces = chunk_text(text, size=300, overlap=60)
    assert len(pieces) > 5
    assert merge_chunks(pieces) == text


@pytest.mark.parametrize(
    ("doc_id", "status", "code", "fragment"),
    [
        ("vaga:999999", 404, "not_found.record", "Registro 'vaga:999999' não encontrado no índice."),
        ("outro:1", 400, "record.bad_id", "formato desconhecido 'outro:1'"),
        ("", 400, "record.bad_id", "use vaga:…, candidato:… ou prospect:…"),
    ],
)
def test_record_errors(client, doc_id, status, code, fragment):
    r = client.get("/api/record", params={"id": doc_id})
    assert r.status_code == status
    error = error_of(r)
    assert error["code"] == code and error["field"] == "id" and fragment in error["message"]


def test_store_down_is_a_503_with_retry_after():
    def down():
        raise StoreUnavailable("down")

    c = TestClient(create_app(down))
    for path in ("/api/vagas", "/api/record?id=vaga:1"):
        r = c.get(path)
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
        error = error_of(r)
        assert error["code"] == "unavailable" and "indisponível" in error["message"] and error["field"] is None
        r = c.get(path, headers={"accept-language": "es"})
        assert error_of(r)["message"] == "El índice (Chroma) no está disponible; inténtelo de nuevo en unos instantes."
