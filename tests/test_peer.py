"""bench.peer's LlamaIndex side keeps working: our chunks in, answers with sources out (extractive, no LLM)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.real


def test_llamaindex_peer_indexes_the_same_slice_and_answers_with_sources(tmp_path: Path) -> None:
    from bench.harness import tiny_sample
    from bench.peer.llamaindex_rag import LlamaIndexRAG, PeerConfig, local_embedding, use_local_models
    from bench.peer.slicing import make_slice, pick_questions
    from recruta.core.settings import Settings
    from recruta.ingest.documents import build_documents, record_id
    from recruta.ingest.embeddings import minilm_path
    from recruta.ingest.loaders import load_dataset
    from recruta.rag import evalset

    data = tiny_sample(tmp_path / "data", n_vagas=4, n_applicants=8, n_prospects=12, n_questions=10)
    dev = [i for i in evalset.load(data.evalset) if i.split == "dev"]
    picked = pick_questions(dev, 3)
    assert len({i.kind for i in picked}) == len(picked) == min(3, len({i.kind for i in dev}))

    settings = Settings(home=tmp_path / "home")
    part = make_slice(data.data_dir, tmp_path / "slice", items=picked, target_chunks=15, parts=2, settings=settings)
    docs = [
        d
        for folder in part.parts
        for d in build_documents(
            load_dataset(folder, hired_statuses=settings.hired_statuses),
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
        )
    ]
    assert len(docs) == part.chunks >= 15
    records = {record_id(d.id) for d in docs}
    assert all(r in records for i in picked for r in i.record_ids)  # every picked question can be answered

    use_local_models(
        embed_model=local_embedding(batch_size=settings.embed_batch_size), llm=None, tokenizer_folder=minilm_path()
    )
    config = PeerConfig.from_settings(settings)
    rag = LlamaIndexRAG(persist_dir=tmp_path / "llamaindex", config=config)
    assert sum(rag.ingest(folder) for folder in part.parts) == rag.count() == part.chunks

    question = picked[0].question
    answer = rag.answer(question, mode="extractive")
    assert answer.answer.strip()
    ids = [s["id"] for s in answer.sources]
    assert len(ids) == config.top_k and set(ids) <= {d.id for d in docs}
    assert ids == [n.node.node_id for n in rag.retrieve(question)]
    assert all(s["snippet"] and s["metadata"]["type"] == s["type"] for s in answer.sources)
    with pytest.raises(ValueError, match="needs an llm"):
        rag.answer(question, mode="llm")


def test_ingestion_order_puts_every_system_in_every_position_equally() -> None:
    from itertools import permutations

    from bench.peer.passes import part_orders
    from bench.peer.systems import PEER, SHIPPED, SYSTEMS

    assert part_orders(["A", "B"], 4) == [["A", "B"], ["B", "A"], ["B", "A"], ["A", "B"]]  # ABBA, as before
    orders = part_orders(["A", "B", "C"], 6)
    assert sorted(map(tuple, orders)) == sorted(permutations("ABC"))
    follows = [(o[i], o[i + 1]) for o in orders for i in range(2)]
    assert all(follows.count(pair) == 2 for pair in permutations("ABC", 2))
    assert SYSTEMS[0] == SHIPPED and SYSTEMS[-1] == PEER


def test_shipped_system_reads_the_project_defaults() -> None:
    from bench.peer.systems import SHIPPED_BACKEND, SHIPPED_DTYPE
    from recruta.core.settings import Settings

    assert Settings.model_fields["embedder_backend"].default == SHIPPED_BACKEND
    assert Settings.model_fields["llm_dtype"].default == SHIPPED_DTYPE


def test_aim_is_computed_from_speed_ratios_and_paired_quality() -> None:
    from bench.peer.systems import OURS, PEER, SHIPPED, aim

    def rows(ranks: list[int | None], rouge: list[float]) -> list[dict[str, object]]:
        return [{"rank": r, "rougeL": x} for r, x in zip(ranks, rouge, strict=True)]

    ingestion = {"ratio": {SHIPPED: 3.0, OURS: 0.98}}
    latency = {"retrieval": {SHIPPED: {"p50_ms": 5.0}, OURS: {"p50_ms": 8.0}, PEER: {"p50_ms": 10.0}}}
    answers = {
        "extractive": {
            SHIPPED: rows([1, 1, 2, 1], [0.5, 0.4, 0.3, 0.5]),
            OURS: rows([1, None, None, None], [0.1, 0.0, 0.0, 0.1]),
            PEER: rows([1, 2, 1, 3], [0.5, 0.4, 0.3, 0.5]),
        },
        "llm": {
            SHIPPED: rows([1, 1], [0.0, 0.3]),
            OURS: rows([1, 1], [0.0, 0.3]),
            PEER: rows([None, None], [0.3, 0.0]),
        },
    }
    shipped = aim(SHIPPED, ingestion=ingestion, latency=latency, rows=answers, k=5)
    assert shipped["speed"] == {"ingestion": 3.0, "retrieval": 2.0}
    assert shipped["met"] and not shipped["slower"] and not shipped["lower"]
    assert shipped["quality"]["llm rougeL"]["diff"] == 0.0  # same answers, other order: paired, not pooled
    ours = aim(OURS, ingestion=ingestion, latency=latency, rows=answers, k=5)
    assert not ours["met"] and ours["slower"] == ["ingestion"]
    assert set(ours["lower"]) == {"extractive rougeL", "extractive hit_at_k", "extractive mrr"}
