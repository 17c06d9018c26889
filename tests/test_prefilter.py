"""Filtered search narrowed by the text table's metadata indexes (recruta/ingest/prefilter.py) returns what Chroma's
own filtered query returns (the same chunks, scores, texts and metadata) wherever Chroma's is exact, and the exact
filtered top-k always."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ingestion import ingest, open_index
from recruta.core.settings import Settings
from recruta.ingest import prefilter
from recruta.ingest.embeddings import embedder_for
from recruta.ingest.store import INDEXED_KEYS, Hit, Store, make_client, normalize_filter


@pytest.fixture(scope="module")
def indexed(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    settings = Settings(
        home=tmp_path_factory.mktemp("prefilter") / "home", embedder="hash", generator="extractive", chunk_size=600
    )
    ingest(data_dir=small_data, settings=settings, progress=False)
    return settings, open_index(settings, embedder_for(settings), create=False)


def _ids(data: Path) -> tuple[str, str]:
    vagas = json.loads((data / "vagas.json").read_text())
    client = next(iter(vagas.values()))["informacoes_basicas"]["cliente"]
    return next(iter(vagas)), client


def filters(data: Path) -> list[dict[str, Any]]:
    vid, client = _ids(data)
    return [
        {"type": "vaga"},
        {"outcome": "hired"},
        {"type": "prospect", "vaga_id": vid},
        {"type": "vaga", "client": client},
        {"vaga_id": {"$in": [vid, "no-such-vaga"]}},
        {"$or": [{"type": "vaga"}, {"outcome": "hired"}]},
        {"outcome": {"$ne": "hired"}},  # chunks without the key match $ne, as in Chroma
        {"type": {"$nin": ["vaga", "prospect"]}},
        {"vaga_id": "no-such-vaga"},
    ]


QUESTIONS = ("analista desenvolvedor java sap inglês", "quem foi contratado", "gerente de projetos avançado")


def chromas(store: Store, vector: np.ndarray, *, k: int, where: dict[str, Any]) -> list[Hit]:
    """The plain filtered Chroma query: the store with its prefilter off."""
    was, store.prefilter = store.prefilter, False
    try:
        return store.query(vector, k=k, where=where)
    finally:
        store.prefilter = was


def same(a: list[Hit], b: list[Hit]) -> None:
    """Equal results: the same scores in order and the same chunks (texts, metadata) at each score. Chunks of equal
    score (copies of a text) may come in any order, and at the cut-off any of them may be the one kept."""
    assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-5)
    if not a:
        return
    last = round(a[-1].score, 5)

    def above(hits: list[Hit]) -> list[tuple[float, str, str, str]]:
        rows = [(round(h.score, 5), h.id, h.text, json.dumps(h.metadata, sort_keys=True)) for h in hits]
        return sorted(r for r in rows if r[0] > last)

    assert above(a) == above(b)
    cut_a = {h.id: h for h in a if round(h.score, 5) == last}
    cut_b = {h.id: h for h in b if round(h.score, 5) == last}
    assert len(cut_a) == len(cut_b)
    for i in set(cut_a) & set(cut_b):
        assert (cut_a[i].text, cut_a[i].metadata) == (cut_b[i].text, cut_b[i].metadata)


def test_filtered_results_equal_the_plain_filtered_chroma_query(
    indexed: tuple[Settings, Store], small_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, store = indexed
    assert store.prefilter  # the ingested table lists every chunk
    monkeypatch.setattr(prefilter, "EXACT_MAX", 100_000)  # every filter of the small sample goes the exact route
    embedder = embedder_for(settings)
    agree = 0
    for where in filters(small_data):
        norm = normalize_filter(where)
        inside = store.get(where=where, include_embeddings=True)  # the filter's chunks, by Chroma's own filter
        for question in QUESTIONS:
            vector = embedder.embed([question])[0]
            for k in (1, 5, 50):
                got = prefilter.prefiltered_query(store, np.asarray(vector, np.float32), k=k, where=norm)
                assert got is not None, (where, "answered by Chroma's filter, not the prefilter")
                same(got, exact(inside, vector, k=k))  # what the filtered search means
                same(store.query(vector, k=k, where=where), got)  # the store's own path takes the prefilter
                want = chromas(store, vector, k=k, where=where)
                assert len(want) == len(got) == min(k, len(inside["ids"]))
                try:
                    same(got, want)
                    agree += 1
                except AssertionError:  # Chroma's filtered HNSW walk is approximate for broad filters and large k:
                    assert got[-1].score >= want[-1].score - 1e-5  # it missed closer chunks, the prefilter did not
                    assert k == 50, (where, k)
    assert agree >= 0.9 * len(filters(small_data)) * len(QUESTIONS) * 3


def exact(inside: dict[str, Any], vector: np.ndarray, *, k: int) -> list[Hit]:
    """Brute-force cosine top-k over ``inside`` (a store.get answer with embeddings)."""
    if not inside["ids"]:
        return []
    m = np.asarray(inside["embeddings"], dtype=np.float32)
    q = np.asarray(vector, dtype=np.float32)
    scores = (m @ q) / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    order = np.lexsort((np.asarray(inside["ids"]), -scores))[:k]
    return [
        Hit(id=inside["ids"][i], text=inside["documents"][i], metadata=inside["metadatas"][i], score=float(scores[i]))
        for i in order
    ]


def test_keys_without_an_index_and_incomplete_tables_use_chromas_filter(
    indexed: tuple[Settings, Store], tmp_path: Path
) -> None:
    settings, store = indexed
    vector = np.asarray(embedder_for(settings).embed(["analista"])[0], np.float32)
    for where in ({"level": "Sênior"}, {"type": "vaga", "english": "Avançado"}, {"chunk": {"$gte": 1}}):
        assert not prefilter.filter_keys(normalize_filter(where)) <= set(INDEXED_KEYS)
        assert prefilter.prefiltered_query(store, vector, k=5, where=normalize_filter(where)) is None
        same(store.query(vector, k=5, where=where), chromas(store, vector, k=5, where=where))
    # chunks written to Chroma behind the table's back: it no longer lists every chunk, so it narrows nothing
    other = Store(make_client(settings, path=tmp_path / "chroma"), "partial")
    got = store.get(include_embeddings=True)
    other.collection.add(ids=got["ids"], embeddings=np.asarray(got["embeddings"]), metadatas=got["metadatas"])
    reopened = Store(make_client(settings, path=tmp_path / "chroma"), "partial")
    assert not reopened.prefilter
    assert prefilter.prefiltered_query(reopened, vector, k=5, where={"type": "vaga"}) is None
    # a broad filter (more matches than EXACT_MAX) is Chroma's too
    assert store.texts is not None and len(store.texts.matching({"type": "candidato"}, limit=0)) == 1
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(prefilter, "EXACT_MAX", 0)
        assert prefilter.prefiltered_query(store, vector, k=5, where={"type": "candidato"}) is None
        same(
            store.query(vector, k=5, where={"type": "candidato"}),
            chromas(store, vector, k=5, where={"type": "candidato"}),
        )
    assert len(reopened.query(vector, k=5, where={"type": "vaga"})) == 5


def test_deleted_chunks_leave_filtered_results(small_data: Path, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", embedder="hash", generator="extractive", chunk_size=600)
    ingest(data_dir=small_data, settings=settings, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    vid, _ = _ids(small_data)
    where = {"vaga_id": vid}
    vector = embedder_for(settings).embed(["vaga"])[0]
    before = store.query(vector, k=50, where=where)
    assert before
    store.delete([before[0].id])
    after = store.query(vector, k=50, where=where)
    assert [h.id for h in after] == [h.id for h in before[1:]]
    same(after, chromas(store, vector, k=50, where=where))
    assert store.texts is not None and store.texts.counts()[1] == store.count()


def test_the_agent_finds_named_records_through_the_table_as_through_chroma(
    indexed: tuple[Settings, Store], small_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model import RAGAgent, RAGConfig
    from recruta.rag.generators import ExtractiveGenerator

    settings, store = indexed
    agent = RAGAgent(
        config=RAGConfig(embedder="hash", top_k=5),
        store=store,
        embedder=embedder_for(settings),
        generator=ExtractiveGenerator(),
    )
    vagas = list(json.loads((small_data / "vagas.json").read_text()))[:4]
    listed: list[dict[str, Any]] = []
    real = Store.listed
    monkeypatch.setattr(
        Store, "listed", lambda self, where, *, limit: listed.append(where) or real(self, where, limit=limit)
    )
    for vid in vagas:
        for question in (f"Quais os requisitos da vaga {vid}?", f"Quem foi contratado para a vaga {vid}?"):
            through_table = agent.retrieve(question)
            store.prefilter = False
            try:
                through_chroma = agent.retrieve(question)
            finally:
                store.prefilter = True
            assert through_table and [h.id for h in through_table] == [h.id for h in through_chroma]
            assert all(vid == h.metadata.get("vaga_id") for h in through_table[:2])
    assert listed  # the routed passes asked the table
