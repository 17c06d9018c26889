"""Filtered search from the vector matrix beside the text table (recruta/ingest/matrix.py): the exact filtered top-k
for every filter kind (a record type, an outcome, a type plus a field), an index from before the matrix still
answering as before, and a re-run or an update writing rows in place, never adding them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_prefilter import exact, same

from ingestion import ingest, open_index
from recruta.core.settings import Settings
from recruta.ingest import matrix as matrix_module
from recruta.ingest.embeddings import embedder_for
from recruta.ingest.matrix import Codes, VectorMatrix, nearest_rows
from recruta.ingest.store import Store, normalize_filter

QUESTIONS = ("analista desenvolvedor java sap inglês", "quem foi contratado", "gerente de projetos avançado")


def settings_at(home: Path) -> Settings:
    return Settings(home=home, embedder="hash", generator="extractive", chunk_size=600)


@pytest.fixture(scope="module")
def indexed(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    settings = settings_at(tmp_path_factory.mktemp("matrix") / "home")
    ingest(data_dir=small_data, settings=settings, progress=False)
    return settings, open_index(settings, embedder_for(settings), create=False)


def filters(data: Path) -> dict[str, dict[str, Any]]:
    vagas = json.loads((data / "vagas.json").read_text())
    vid = next(iter(vagas))
    client = vagas[vid]["informacoes_basicas"]["cliente"]
    return {
        "type vaga": {"type": "vaga"},
        "type candidato": {"type": "candidato"},
        "type prospect": {"type": "prospect"},
        "outcome hired": {"outcome": "hired"},
        "outcome not hired": {"outcome": {"$in": ["not_approved", "withdrew", "in_process"]}},
        "type + client": {"type": "vaga", "client": client},
        "type + outcome": {"type": "prospect", "outcome": "hired"},
        "type + vaga": {"type": "prospect", "vaga_id": vid},
        "one vaga": {"vaga_id": {"$in": [vid, "no-such-vaga"]}},
        "or": {"$or": [{"type": "vaga"}, {"outcome": "hired"}]},
        "ne (keeps chunks without the key)": {"outcome": {"$ne": "hired"}},
        "nin": {"type": {"$nin": ["vaga", "prospect"]}},
        "nothing": {"vaga_id": "no-such-vaga"},
    }


def test_every_filter_kind_gets_the_exact_filtered_top_k(indexed: tuple[Settings, Store], small_data: Path) -> None:
    settings, store = indexed
    assert store.texts is not None and store.texts.keeps_vectors
    embedder = embedder_for(settings)
    sizes = {}
    for name, where in filters(small_data).items():
        inside = store.get(where=where, include_embeddings=True)  # the filter's chunks, by Chroma's own filter
        sizes[name] = len(inside["ids"])
        for question in QUESTIONS:
            vector = np.asarray(embedder.embed([question])[0], np.float32)
            for k in (1, 5, 50):
                ranked = store.texts.nearest(vector, k=k, where=normalize_filter(where))
                assert ranked is not None, (name, "not answered by the matrix")
                got = store.query(vector, k=k, where=where)
                assert [h.id for h in got] == [i for i, _, _ in ranked]  # the store's own path takes the matrix
                assert len(got) == min(k, sizes[name])
                same(got, exact(inside, vector, k=k))
                assert [h.score for h in got] == sorted((h.score for h in got), reverse=True)
    assert sizes["nothing"] == 0 and sizes["type + vaga"] < sizes["type prospect"]
    assert min(v for n, v in sizes.items() if n != "nothing") > 0


def test_the_filter_codes_keep_the_rows_the_table_lists(indexed: tuple[Settings, Store], small_data: Path) -> None:
    _, store = indexed
    assert store.texts is not None
    for where in filters(small_data).values():
        norm = normalize_filter(where)
        listed = set(store.texts.matching(norm, limit=10**6))
        got = store.get(where=where)
        assert listed == set(got["ids"])  # the table's SQL and Chroma's filter agree …
        ranked = store.texts.nearest(np.ones(256, np.float32), k=10**6, where=norm)
        assert ranked is not None and {i for i, _, _ in ranked} == listed  # … and so do the in-memory codes
    # a comparison is not something the codes answer: the route before the matrix does
    assert store.texts.nearest(np.ones(256, np.float32), k=5, where=normalize_filter({"chunk": {"$gte": 1}})) is None


def test_an_index_from_before_the_matrix_answers_as_before(small_data: Path, tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "home")
    ingest(data_dir=small_data, settings=settings, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    assert store.texts is not None
    vector = np.asarray(embedder_for(settings).embed([QUESTIONS[0]])[0], np.float32)
    want = {name: store.query(vector, k=5, where=where) for name, where in filters(small_data).items()}
    with sqlite3.connect(store.texts.path) as db:  # what a text table from before the matrix looks like
        db.execute("DROP TABLE vec_info")
    old = open_index(settings, embedder_for(settings), create=False)
    assert old.texts is not None and not old.texts.keeps_vectors and old.prefilter
    for name, where in filters(small_data).items():
        assert old.texts.nearest(vector, k=5, where=normalize_filter(where)) is None
        same(old.query(vector, k=5, where=where), want[name])
    # writing to it does not start a matrix that would miss the older rows
    docs = old.get(limit=3, include_embeddings=True)
    old.texts.put(docs["ids"], docs["documents"], docs["metadatas"], np.asarray(docs["embeddings"], np.float32))
    assert not open_index(settings, embedder_for(settings), create=False).texts.keeps_vectors  # type: ignore[union-attr]


def test_a_re_run_and_an_update_write_rows_in_place(small_data: Path, tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "home")
    ingest(data_dir=small_data, settings=settings, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    assert store.texts is not None
    table = store.texts
    texts_path = table.path
    stem = matrix_module.stem_for(texts_path)
    with sqlite3.connect(texts_path) as db:
        (dim,) = db.execute("SELECT dim FROM vec_info").fetchone()
    first = VectorMatrix(stem, dim)
    count, present, size = store.count(), first.present(), stem.with_name(stem.name + ".f32").stat().st_size
    assert present == count == table.counts()[1]
    again = ingest(data_dir=small_data, settings=settings, progress=False)
    assert again.embedded == 0
    # every document embedded again and written (a forced re-write): the same rows, overwritten
    reopened = open_index(settings, embedder_for(settings), create=False)
    assert reopened.texts is not None
    got = reopened.get(include_embeddings=True)
    reopened.texts.put(got["ids"], got["documents"], got["metadatas"], np.asarray(got["embeddings"], np.float32) * 2)
    after = VectorMatrix(stem, dim)
    assert after.present() == count == reopened.count() == reopened.texts.counts()[1]
    assert stem.with_name(stem.name + ".f32").stat().st_size == size
    vector = np.asarray(embedder_for(settings).embed([QUESTIONS[1]])[0], np.float32)
    where = {"type": "prospect"}
    same(
        reopened.query(vector, k=5, where=where), exact(reopened.get(where=where, include_embeddings=True), vector, k=5)
    )


def test_missing_and_deleted_vectors(small_data: Path, tmp_path: Path) -> None:
    settings = settings_at(tmp_path / "home")
    ingest(data_dir=small_data, settings=settings, progress=False)
    store = open_index(settings, embedder_for(settings), create=False)
    assert store.texts is not None
    vector = np.asarray(embedder_for(settings).embed(["vaga"])[0], np.float32)
    where = {"type": "vaga"}
    before = store.query(vector, k=5, where=where)
    store.delete([before[0].id])
    after = store.query(vector, k=5, where=where)
    assert before[0].id not in {h.id for h in after} and [h.id for h in after[:4]] == [h.id for h in before[1:]]
    # a text written without its vector (a run killed between the writes): the matrix does not answer for it
    hit = after[0]
    store.texts.put([hit.id], [hit.text], [hit.metadata])
    assert store.texts.nearest(vector, k=5, where=normalize_filter(where)) is None
    same(store.query(vector, k=5, where=where), after)  # answered by the route before the matrix


def test_nearest_rows_is_a_brute_force_top_k(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3 * matrix_module.BLOCK + 17, 8)).astype(np.float32)
    vectors[5] = 0  # a zero vector scores 0, as the prefilter's ranking has it
    m = VectorMatrix(tmp_path / "vectors-x", 8)
    m.write(np.arange(1, len(vectors) + 1), vectors)
    q = rng.normal(size=8).astype(np.float32)
    cos = (
        (vectors @ q)
        / np.where(np.linalg.norm(vectors, axis=1) == 0, 1, np.linalg.norm(vectors, axis=1))
        / np.linalg.norm(q)
    )
    for rows in (np.arange(len(vectors)), np.arange(0, len(vectors), 97), np.array([5, 6, 9000, 20000])):
        for k in (1, 3, 10):
            got = sorted(nearest_rows(m.vectors, m.norms, rows, q, k=k), key=lambda r: -r[1])[:k]
            want = rows[np.argsort(-cos[rows], kind="stable")[:k]]
            assert [r for r, _ in got] == list(want)
            assert np.allclose([s for _, s in got], cos[want], atol=1e-6)
    m.clear(np.array([7]))
    with pytest.raises(LookupError):
        nearest_rows(m.vectors, m.norms, np.array([6]), q, k=1)


def test_codes_follow_chromas_semantics() -> None:
    codes = Codes.build(("type", "outcome"), [(1, "vaga", None), (2, "prospect", "hired"), (4, "prospect", "withdrew")])

    def rows(where: dict[str, Any]) -> list[int]:
        mask = codes.mask(normalize_filter(where))
        assert mask is not None
        return [int(i) + 1 for i in np.flatnonzero(mask)]

    assert rows({"type": "prospect"}) == [2, 4]
    assert rows({"outcome": {"$ne": "hired"}}) == [1, 4]  # row 3 is not in the table
    assert rows({"outcome": {"$nin": ["hired", "withdrew"]}}) == [1]
    assert rows({"outcome": {"$in": ["nope"]}}) == []
    assert rows({"$or": [{"type": "vaga"}, {"outcome": "withdrew"}]}) == [1, 4]
    assert rows({"type": "prospect", "outcome": "hired"}) == [2]
    assert codes.mask(normalize_filter({"vaga_id": "1"})) is None  # a key without codes
