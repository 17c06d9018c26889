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
from recruta.ingest.matrix import Codes, FirstPass, MatrixState, VectorMatrix, nearest_rows
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


# The float16 first pass (issue #17 part 3, broad filters at 500k chunks): the same top-k as the exact float32
# ranking, and the route chosen by how large a share of its record types' rows a filter keeps.


def clustered(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    """Rows around a few centres, some exact copies and some nudged by less than float16's resolution, and a zero
    row: many float16 scores tie or sit within the margin of the k-th."""
    centres = rng.normal(size=(4, dim)).astype(np.float32)
    rows = centres[rng.integers(0, 4, n)] + rng.normal(0, 0.05, (n, dim)).astype(np.float32)
    rows[10:40] = rows[9]  # copies: ties
    rows[40:80] = rows[9] + rng.normal(0, 1e-4, (40, dim)).astype(np.float32)  # closer than float16 tells apart
    rows[3] = 0
    return (rows * rng.uniform(0.5, 3, (n, 1))).astype(np.float32)  # norms other than 1


def equal_top(got: list[tuple[int, float]], want: list[tuple[int, float]], *, k: int) -> None:
    """The same top-k: the same ``k`` best scores (within float32 rounding: a sum over gathered rows may round its
    last bit otherwise than over a contiguous slice, so rows tied at the k-th may be kept in other numbers) and the
    same rows above the k-th score."""
    best = [sorted((s for _, s in found), reverse=True)[:k] for found in (got, want)]
    assert len(best[0]) == len(best[1]) == min(k, len(want))
    assert np.allclose(best[0], best[1], rtol=0, atol=1e-6)
    if want:
        cut = best[1][-1] + 1e-6
        assert {r for r, s in got if s > cut} == {r for r, s in want if s > cut}


def with_types(n: int, types: list[str]) -> Codes:
    return Codes.build(("type",), [(i + 1, types[i % len(types)]) for i in range(n)])


@pytest.fixture
def first_pass_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matrix_module, "FIRST_PASS_MIN", 0)
    monkeypatch.setattr(matrix_module, "RERANK", 3)  # few rows ranked before the margin: the margin must do the rest


def test_the_first_pass_gets_the_exact_top_k(tmp_path: Path, first_pass_everywhere: None) -> None:
    rng = np.random.default_rng(1)
    vectors = clustered(rng, 3000)
    m = VectorMatrix(tmp_path / "vectors-x", vectors.shape[1])
    m.write(np.arange(1, len(vectors) + 1), vectors)
    codes = with_types(len(vectors), ["vaga", "prospect", "prospect", "candidato"])
    fp = FirstPass.build(m, codes)
    assert fp is not None and sorted(fp.parts) == [0, 1, 2]
    type_column = codes.columns["type"]
    queries = [vectors[9], vectors[50] * 7, rng.normal(size=vectors.shape[1]).astype(np.float32), -vectors[9]]
    selections = {
        "a whole type": np.flatnonzero(type_column == codes.values["type"]["prospect"]),
        "part of a type": np.flatnonzero(type_column == codes.values["type"]["prospect"])[::3],
        "two types, one of them whole": np.flatnonzero(type_column != codes.values["type"]["candidato"]),
        "parts of every type": np.arange(0, len(vectors), 2),
        "a few": np.array([3, 9, 11, 2999]),
    }
    for rows in selections.values():
        reach = fp.reach(type_column, rows)
        for q in queries:
            for k in (1, 5, 40, 100):
                want = nearest_rows(m.vectors, m.norms, rows, q, k=k)
                got = fp.nearest(m, reach, rows, q, k=k)
                equal_top(got, want, k=k)


def test_the_route_is_chosen_by_the_filters_share_of_its_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    vectors = clustered(rng, 4000)
    m = VectorMatrix(tmp_path / "vectors-x", vectors.shape[1])
    m.write(np.arange(1, len(vectors) + 1), vectors)
    codes = with_types(len(vectors), ["vaga", "prospect", "prospect", "prospect"])
    monkeypatch.setattr(matrix_module, "FIRST_PASS_MIN", 100)
    passes: list[int] = []
    real = FirstPass.nearest

    def spy(self: FirstPass, *args: Any, **kw: Any) -> list[tuple[int, float]]:
        passes.append(len(args[2]))
        return real(self, *args, **kw)

    monkeypatch.setattr(FirstPass, "nearest", spy)
    state = MatrixState(matrix=m, codes=codes)
    prospects = np.flatnonzero(codes.columns["type"] == codes.values["type"]["prospect"])
    q = vectors[9]
    share = matrix_module.FIRST_PASS_SHARE
    cases = {
        "a whole type": (prospects, True),
        "half of a type": (prospects[::2], True),
        "a share just above the threshold": (prospects[: int(share * len(prospects)) + 1], True),
        "a share below it": (prospects[: int(share * len(prospects)) - 1], False),
        "fewer rows than the minimum": (prospects[:99], False),
    }
    for name, (rows, first) in cases.items():
        passes.clear()
        got = state.nearest(m, codes, rows, q, k=5)
        assert bool(passes) == first, name
        equal_top(got, nearest_rows(m.vectors, m.norms, rows, q, k=5), k=5)
    state.use_first_pass = False
    passes.clear()
    state.nearest(m, codes, prospects, q, k=5)
    assert not passes


def test_a_first_pass_off_its_margin_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    vectors = clustered(rng, 500)
    m = VectorMatrix(tmp_path / "vectors-x", vectors.shape[1])
    m.write(np.arange(1, len(vectors) + 1), vectors)
    codes = with_types(len(vectors), ["vaga", "prospect"])
    assert FirstPass.build(m, codes) is not None
    real = FirstPass.scores
    monkeypatch.setattr(FirstPass, "scores", lambda self, at, q: real(self, at, q) + matrix_module.MARGIN)
    assert FirstPass.build(m, codes) is None  # a kernel less precise than the margin assumes: exact float32 only
    monkeypatch.setattr(matrix_module, "FIRST_PASS_MIN", 0)
    state = MatrixState(matrix=m, codes=codes)
    rows = np.arange(len(vectors))
    equal_top(
        state.nearest(m, codes, rows, vectors[0], k=5), nearest_rows(m.vectors, m.norms, rows, vectors[0], k=5), k=5
    )
    assert state.first_pass is None and state.first_pass_tried
    m.clear(np.array([7]))  # a row without its vector: no first pass either, and the exact route says so
    assert FirstPass.build(m, codes) is None


def test_every_filter_kind_through_the_first_pass(
    indexed: tuple[Settings, Store], small_data: Path, first_pass_everywhere: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, store = indexed
    assert store.texts is not None
    monkeypatch.setattr(matrix_module, "FIRST_PASS_SHARE", 0.0)  # every filter through it
    embedder = embedder_for(settings)
    store.texts.matrix_state.first_pass, store.texts.matrix_state.first_pass_tried = None, False
    used = 0
    for where in filters(small_data).values():
        inside = store.get(where=where, include_embeddings=True)
        for question in QUESTIONS:
            vector = np.asarray(embedder.embed([question])[0], np.float32)
            for k in (1, 5, 50):
                same(store.query(vector, k=k, where=where), exact(inside, vector, k=k))
        used += store.texts.matrix_state.first_pass is not None
    assert used == len(filters(small_data))


def test_the_setting_switches_the_first_pass_off_for_an_opened_index_and_the_agent(
    indexed: tuple[Settings, Store],
) -> None:
    settings, _ = indexed
    on = open_index(settings, embedder_for(settings), create=False)
    off = open_index(settings.model_copy(update={"filter_first_pass": False}), embedder_for(settings), create=False)
    assert on.texts is not None and off.texts is not None
    assert on.texts.matrix_state.use_first_pass and not off.texts.matrix_state.use_first_pass
    # the served agent opens its index itself: the setting reaches it too
    from model import RAGAgent, RAGConfig

    for flag in (True, False):
        s = settings.model_copy(update={"filter_first_pass": flag})
        agent = RAGAgent.from_config(RAGConfig.from_settings(s), settings=s)
        assert agent.store.texts is not None and agent.store.texts.matrix_state.use_first_pass is flag
