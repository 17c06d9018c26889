"""The address audit (recruta/ingest/audit.py): no structured street address, and no street-and-number shape,
in the documents, the index or a bundled snapshot — on the sample and on the real Decision records."""

import json
from pathlib import Path

from ingestion import ingest, open_index
from model import export_snapshot
from recruta.ingest.audit import address_needles, audit, document_texts, main, snapshot_texts
from recruta.ingest.embeddings import HashEmbedder
from tests.conftest import DECISION, ROOT, needs_shared


def test_the_audit_finds_a_planted_address(tmp_path: Path) -> None:
    (tmp_path / "applicants.json").write_text(
        json.dumps(
            {
                "1": {
                    "informacoes_pessoais": {"endereco": "rua dos girassóis, 263 - alto da colina, rio de janeiro - rj"}
                },
                "2": {"informacoes_pessoais": {"endereco": "são paulo"}},  # a city is not an address
            }
        )
    )
    needles = address_needles(tmp_path)
    assert [(n.codigo, n.street, n.number) for n in needles] == [("1", "dos girassois", "263")]
    texts = [
        ("candidato:1:0", "e-mail: [EMAIL] dos Girassóis,  263 - [CEP]"),
        ("candidato:3:0", "mora na avenida paulista, 1000"),
        ("candidato:4:0", "experiência de 263 dias em girassóis"),
        ("vaga:9:0", "Rua: não informada"),
    ]
    found = audit(texts, needles, where="t")
    assert {(leak.record_id, leak.codigo) for leak in found} == {
        ("candidato:1:0", "1"),
        ("candidato:1:0", ""),
        ("candidato:3:0", ""),
    }


def test_no_address_in_the_sample_documents_index_or_snapshot(settings, tmp_path: Path) -> None:
    data = ROOT / "data"
    needles = address_needles(data)
    assert len(needles) > 300  # the sample has street addresses to look for
    assert audit(document_texts(data), needles, where="documents") == []
    embedder = HashEmbedder(64)
    ingest(data_dir=data, settings=settings, embedder=embedder, progress=False)
    store = open_index(settings, embedder)
    got = store.get(ids=store.all_ids())
    assert audit(zip(got["ids"], got["documents"], strict=True), needles, where="index") == []
    snapshot = export_snapshot(store, tmp_path / "snapshot")
    assert audit(snapshot_texts(snapshot), needles, where="snapshot") == []


@needs_shared
def test_no_address_in_the_real_records(capsys) -> None:
    assert main(["--data-dir", str(DECISION), "--no-index"]) == 0
    assert "0 found" in capsys.readouterr().out
