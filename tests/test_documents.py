import json

from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.documents import build_documents, chunk_text, record_id
from recruta.ingest.loaders import load_dataset
from recruta.text.redact import find_pii
from tests.conftest import DECISION, needs_shared


def test_chunks_respect_size_and_overlap():
    text = " ".join(f"palavra{i}" for i in range(400))
    chunks = chunk_text(text, size=200, overlap=40)
    assert all(len(c) <= 200 for c in chunks)
    assert len(chunks) > 10
    assert chunks[0].split()[-1] in chunks[1]  # overlap carries the boundary word
    assert " ".join(chunks).count("palavra399") >= 1


def test_chunking_keeps_field_lines():
    assert chunk_text("Inglês: Avançado\nEspanhol: Básico", size=100, overlap=10) == [
        "Inglês: Avançado\nEspanhol: Básico"
    ]


def test_documents_have_stable_ids_types_and_filterable_metadata(small_data):
    ds = load_dataset(small_data, hired_statuses=DEFAULT_HIRED)
    docs = list(build_documents(ds, chunk_size=600, chunk_overlap=80))
    again = list(build_documents(ds, chunk_size=600, chunk_overlap=80))
    assert [(d.id, d.content_hash) for d in docs] == [(d.id, d.content_hash) for d in again]
    assert len({d.id for d in docs}) == len(docs)
    types = {d.metadata["type"] for d in docs}
    assert types == {"vaga", "candidato", "prospect"}
    vagas = {record_id(d.id) for d in docs if d.metadata["type"] == "vaga"}
    assert vagas == {f"vaga:{v}" for v in ds.vagas}
    hired = [d for d in docs if d.metadata["type"] == "prospect" and d.metadata["outcome"] == "hired"]
    assert hired and all(d.metadata["hired"] for d in hired)
    assert all(isinstance(v, (str, int, float, bool)) for d in docs for v in d.metadata.values())


@needs_shared
def test_structured_pii_never_enters_documents():
    raw = json.loads((DECISION / "applicants.json").read_text())
    ds = load_dataset(DECISION, hired_statuses=DEFAULT_HIRED)
    text = "\n".join(
        d.text + json.dumps(d.metadata, ensure_ascii=False)
        for d in build_documents(ds, chunk_size=800, chunk_overlap=100)
    )
    assert find_pii(text) == {}
    for rec in raw.values():
        p = rec["informacoes_pessoais"]
        for value in (p.get("email"), p.get("telefone_celular"), p.get("cpf"), p.get("url_linkedin")):
            if value and len(value) > 8:
                assert value not in text
        # "endereco" is often only a city (kept as location); a street address has a number
        address = p.get("endereco", "")
        if any(ch.isdigit() for ch in address):
            assert address not in text
