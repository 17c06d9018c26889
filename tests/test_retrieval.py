"""Hybrid retrieval: the FTS5 lexical index beside the text table, kept in step with the index, fused with the
dense ranking (recruta/rag/retrieval.py)."""

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from ingestion import ingest, open_index
from recruta.core.settings import Settings
from recruta.ingest.embeddings import embedder_for
from recruta.ingest.store import Store, fts_query
from recruta.rag.retrieval import LEXICAL_WEIGHT, fuse, search


@pytest.fixture(scope="module")
def indexed(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    settings = Settings(
        home=tmp_path_factory.mktemp("hybrid") / "home", embedder="hash", generator="extractive", chunk_size=600
    )
    ingest(data_dir=small_data, settings=settings, progress=False)
    return settings, open_index(settings, embedder_for(settings), create=False)


def _vagas(data: Path) -> dict[str, dict]:
    return json.loads((data / "vagas.json").read_text())


def _question(v: dict) -> str:
    b = v["informacoes_basicas"]
    return f"Quais os requisitos da vaga de {b['titulo_vaga']} na {b['cliente']}?"


def _every_word(store: Store) -> str:
    """A question every chunk matches (each indexed word once)."""
    return " ".join(sorted({w for t in store.get()["documents"] for w in fts_query(t).replace('"', "").split(" OR ")}))


def _in_sync(store: Store) -> None:
    assert store.texts is not None and store.lexical
    texts, indexed = store.texts.counts()
    assert texts == indexed == store.count()


def test_fts_query_is_content_words_quoted():
    assert (
        fts_query('Vaga de "Analista" SAP (São Paulo) NOT x_y*') == '"analista" OR "sap" OR "sao" OR "paulo" OR "not"'
    )
    assert fts_query("qual a vaga?") == ""


def test_lexical_index_follows_upsert_delete_and_prune(small_data, settings, tmp_path):
    data = tmp_path / "d"
    shutil.copytree(small_data, data)
    ingest(data_dir=data, settings=settings, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    _in_sync(store)
    vagas = _vagas(data)
    first, second = list(vagas)[:2]
    hit = store.lexical_query(_question(vagas[first]), k=5, where={"type": "vaga"})[0]
    assert hit.metadata["vaga_id"] == first and hit.text == store.texts.get([hit.id])[0]
    # Upsert: a changed text is found by its new words, and no longer by what it lost.
    vagas[first]["informacoes_basicas"]["titulo_vaga"] = "Zeladoria quântica xilofonista"
    (data / "vagas.json").write_text(json.dumps(vagas, ensure_ascii=False))
    ingest(data_dir=data, settings=settings, progress=False)
    _in_sync(store)
    got = store.lexical_query("xilofonista quantica", k=5)
    assert got and {h.metadata["vaga_id"] for h in got} == {first}
    # Delete + prune: the pruned vaga leaves the lexical index with its texts and vectors.
    title = vagas[second]["informacoes_basicas"]["titulo_vaga"]
    del vagas[second]
    (data / "vagas.json").write_text(json.dumps(vagas, ensure_ascii=False))
    report = ingest(data_dir=data, settings=settings, prune=True, progress=False)
    assert report.pruned > 0
    _in_sync(store)
    assert all(h.metadata.get("vaga_id") != second for h in store.lexical_query(title, k=50, where={"type": "vaga"}))


def test_resumed_and_migrated_indexes_are_complete(small_data, settings, monkeypatch):
    """A run killed between the text and the vector write resumes with the lexical rows complete; a text table
    from before the lexical index gets one, built once, when the store opens."""
    calls = {"n": 0}
    real_upsert = Store.upsert

    def upsert_then_die(self, docs, embeddings):
        calls["n"] += 1
        if calls["n"] == 2:
            self.texts.put([d.id for d in docs], [d.text for d in docs])  # no metadata yet
            raise KeyboardInterrupt("killed between the two writes")
        real_upsert(self, docs, embeddings)

    monkeypatch.setattr(Store, "upsert", upsert_then_die)
    with pytest.raises(KeyboardInterrupt):
        ingest(data_dir=small_data, settings=settings, batch_size=64, progress=False)
    monkeypatch.setattr(Store, "upsert", real_upsert)
    ingest(data_dir=small_data, settings=settings, batch_size=64, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    _in_sync(store)
    vagas = store.lexical_query(_every_word(store), k=100_000, where={"type": "vaga"})
    assert len({h.metadata["vaga_id"] for h in vagas}) == len(_vagas(small_data))  # every row has its metadata
    before = [h.id for h in store.lexical_query("analista java", k=10)]
    db = store.texts._db
    db.execute("DELETE FROM lex_rows")
    db.execute("DELETE FROM lex")
    reopened = open_index(settings, embedder_for(settings), create=False)
    _in_sync(reopened)
    assert [h.id for h in reopened.lexical_query("analista java", k=10)] == before


@pytest.mark.parametrize(
    "where",
    [
        {"type": "vaga"},
        {"type": {"$ne": "vaga"}},
        {"type": {"$in": ["candidato", "prospect"]}},
        {"outcome": {"$ne": "hired"}},  # Chroma: chunks without the key match $ne
        {"outcome": {"$nin": ["hired", "withdrew"]}},
        {"hired": True},
        {"chunk": {"$gte": 1}},
        {"$or": [{"type": "vaga"}, {"outcome": "hired"}]},
        {"type": "prospect", "outcome": "not_approved"},
    ],
)
def test_lexical_filters_mean_what_chromas_mean(indexed, where):
    _, store = indexed
    allowed = set(store.get(where=where)["ids"])
    # A query every chunk matches: the lexical result within the filter is exactly Chroma's answer to it.
    got = {h.id for h in store.lexical_query(_every_word(store), k=100_000, where=where)}
    assert allowed and got == allowed


def test_filtered_search_stays_inside_the_filter(indexed, small_data):
    settings, store = indexed
    vid = next(iter(_vagas(small_data)))
    q = "analista desenvolvedor java sap inglês"
    vector = embedder_for(settings).embed([q])[0]
    for method in ("dense", "lexical", "hybrid"):
        hits = search(store, q, vector=vector, k=5, where={"vaga_id": vid}, method=method)
        assert hits and all(h.metadata["vaga_id"] == vid for h in hits)
        assert all(-1.0 <= h.score <= 1.0 for h in hits)  # cosines, whichever ranking found them


def test_a_vaga_asked_by_title_and_client_is_found_where_dense_misses_it(indexed, small_data):
    """With the hash embedder, dense retrieval misses vagas asked by title and client; fused with BM25 they are in
    the top 5 (and better overall than dense alone)."""
    settings, store = indexed
    embedder = embedder_for(settings)
    ranks = {"dense": [], "hybrid": []}
    rescued = []
    for vid, v in _vagas(small_data).items():
        q = _question(v)
        vector = embedder.embed([q])[0]
        found = {}
        for method in ranks:
            top = search(store, q, vector=vector, k=5, where=None, method=method)
            found[method] = any(h.metadata.get("type") == "vaga" and h.metadata["vaga_id"] == vid for h in top)
            ranks[method].append(found[method])
        if found["hybrid"] and not found["dense"]:
            rescued.append(vid)
    assert rescued  # some vaga dense-only misses, hybrid finds
    assert np.mean(ranks["hybrid"]) >= 0.9 > np.mean(ranks["dense"])


def test_fusion_ranks_by_reciprocal_rank_and_keeps_the_dense_hit():
    from recruta.ingest.store import Hit

    def h(i: str, score: float) -> Hit:
        return Hit(id=i, text=i, metadata={}, score=score)

    dense = [h("a", 0.9), h("b", 0.8), h("c", 0.7)]
    lexical = [h("c", 12.0), h("d", 11.0), h("a", 3.0)]
    out = fuse([dense, lexical], k=3, rrf_k=60)
    assert [x.id for x in out] == ["a", "c", "b"]  # a = c = 1/61 + 1/63 (ties keep the dense order) > b = d = 1/62
    assert out[1].score == 0.7  # the dense hit (a cosine), not the BM25 one
    # As search() fuses: K = 5, lexical twice the dense weight. c = 1/8 + 2/6 > a = 1/6 + 2/8 > d = 2/7 > b = 1/7
    assert [x.id for x in fuse([dense, lexical], k=4, weights=(1.0, LEXICAL_WEIGHT))] == ["c", "a", "d", "b"]


def test_agent_search_follows_the_setting(indexed, monkeypatch):
    from recruta.core import settings as settings_mod
    from recruta.rag.agent import RAGAgent, RAGConfig
    from recruta.rag.generators import make_generator

    settings, store = indexed
    embedder = embedder_for(settings)
    agent = RAGAgent(
        config=RAGConfig(embedder="hash", generator="extractive"),
        store=store,
        embedder=embedder,
        generator=make_generator("extractive", cache_dir=settings.llm_cache),
    )
    q = "xilofonista analista java"
    vector = embedder.embed([q])[0]
    seen = {}
    for method in ("dense", "lexical", "hybrid"):
        monkeypatch.setenv("RECRUTA_RETRIEVAL", method)
        settings_mod.get_settings.cache_clear()
        seen[method] = [x.id for x in agent.search(q, vector=vector, k=5, where=None)]
    settings_mod.get_settings.cache_clear()
    assert seen["dense"] == [x.id for x in store.query(vector, k=5)]
    assert seen["lexical"] == [x.id for x in store.lexical_query(q, k=5)]
    assert seen["hybrid"] != seen["dense"]


def test_without_a_lexical_index_hybrid_is_dense_and_says_so(tmp_path, caplog):
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "old"))
    old = client.get_or_create_collection(
        "decision-old", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )
    old.add(
        ids=["a", "b"],
        embeddings=np.eye(2, 8, dtype=np.float32),
        documents=["texto a", "texto b"],
        metadatas=[{"type": "vaga"}, {"type": "vaga"}],
    )
    store = Store(client, "decision-old", create=False)
    assert not store.lexical
    with caplog.at_level(logging.INFO, logger="recruta.rag.retrieval"):
        hits = search(store, "texto b", vector=np.eye(1, 8, dtype=np.float32)[0], k=1, where=None, method="hybrid")
    assert [x.id for x in hits] == ["a"] and "dense only" in caplog.text


def test_snapshot_round_trip_carries_the_lexical_index(indexed, tmp_path):
    from model import export_snapshot
    from recruta.rag.agent import materialise_snapshot

    settings, store = indexed
    snap = export_snapshot(store, tmp_path / "snap")
    fresh = settings.model_copy(update={"home": tmp_path / "fresh"})
    served = materialise_snapshot(snap, settings=fresh, name=store.name)
    _in_sync(served)

    def ranking(s: Store, q: str) -> list[tuple[float, str]]:  # BM25 ties fall in rowid order: compare by score
        return sorted((-round(h.score, 9), h.id) for h in s.lexical_query(q, k=100_000))

    for q in ("analista java", "gerente de projetos inglês fluente"):
        assert ranking(served, q) == ranking(store, q) and ranking(store, q)
    # Loaded again (a restart): reused as it is.
    again = materialise_snapshot(snap, settings=fresh, name=store.name)
    _in_sync(again)
    assert again.texts is not None and again.texts.path == served.texts.path
