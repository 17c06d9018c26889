"""Vagas for a CV (recruta/screening/suggest.py, Screener.suggest): the right vaga first, /match's scores, limits,
bad input, and the pool's cache. Fakes only: the hash embedder over an index of the generated sample's vagas."""

from __future__ import annotations

import json
import pickle
import shutil
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from recruta.core.errors import InvalidInput
from recruta.core.settings import DEFAULT_HIRED, Settings
from recruta.ingest.embeddings import get_embedder
from recruta.screening.matching import (
    job_focus_text,
    lexical_similarity,
    lexical_vectors,
    match,
    paragraphs,
    profile,
)
from recruta.screening.pool import job_from_store
from recruta.screening.screener import Screener
from recruta.screening.suggest import VagaPool, exhaustive, suggest_vagas

EMB = get_embedder("hash")


@pytest.fixture(scope="module")
def vagas(small_data: Path) -> dict[str, Any]:
    return json.loads((small_data / "vagas.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An index of the sample's vagas only (what suggestions read)."""
    from ingestion import ingest, open_index

    folder = tmp_path_factory.mktemp("vagas-only")
    shutil.copy(small_data / "vagas.json", folder / "vagas.json")
    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", generator="extractive", chunk_size=600)
    ingest(data_dir=folder, settings=settings, embedder=EMB, progress=False)
    return open_index(settings, EMB, create=False)


@pytest.fixture(scope="module")
def screener(store: Any, tmp_path_factory: pytest.TempPathFactory) -> Screener:
    return Screener(store=store, embedder=EMB, profile_cache=tmp_path_factory.mktemp("cache") / "profiles.pkl")


def planted_cv(record: dict[str, Any]) -> str:
    """A CV written for one vaga: its title, its activities and competencies as the candidate's experience, its
    city, English level and education."""
    b, p = record["informacoes_basicas"], record["perfil_vaga"]
    lines = [
        line.strip("-• ").strip()
        for line in (p["principais_atividades"] + "\n" + p["competencia_tecnicas_e_comportamentais"]).splitlines()
        if line.strip("-• ").strip() and not line.rstrip().endswith(":")
    ]
    return "\n\n".join(
        [
            f"{b['titulo_vaga']}\n{p['cidade']}",
            "Experiência profissional\n2014 - 2024 Empresa Exemplo Ltda.\n" + "\n".join(f"- {x}" for x in lines),
            f"Formação\n{p['nivel_academico']}",
            f"Idiomas\nInglês {p['nivel_ingles']}\nEspanhol {p['nivel_espanhol']}",
        ]
    )


def hired_vagas(small_data: Path, vagas: dict[str, Any]) -> list[str]:
    """Vagas with a hire whose title no other vaga of the sample has (two vagas "Product Owner" can be equally good
    for a CV written for one of them)."""
    prospects = json.loads((small_data / "prospects.json").read_text(encoding="utf-8"))
    titles = Counter(v["informacoes_basicas"]["titulo_vaga"] for v in vagas.values())
    return [
        vid
        for vid, rec in prospects.items()
        if any(p["situacao_candidado"] in DEFAULT_HIRED for p in rec["prospects"])
        and titles[vagas[vid]["informacoes_basicas"]["titulo_vaga"]] == 1
    ]


# ---------------------------------------------------------------------------------------------- ranking
def test_the_hired_vaga_of_a_planted_cv_ranks_first(
    screener: Screener, small_data: Path, vagas: dict[str, Any]
) -> None:
    chosen = hired_vagas(small_data, vagas)
    assert len(chosen) >= 5
    for vid in chosen[:8]:
        got = screener.suggest(cv_text=planted_cv(vagas[vid]), limit=5)
        assert got["vagas"][0]["vaga_id"] == vid, (vid, [(v["vaga_id"], v["score"]) for v in got["vagas"]])
        assert got["vagas"][0]["score"] > got["vagas"][1]["score"]
        assert got["vagas"][0]["title"] == vagas[vid]["informacoes_basicas"]["titulo_vaga"]
        assert got["vagas"][0]["client"] == vagas[vid]["informacoes_basicas"]["cliente"]
        assert got["vagas"][0]["city"] == vagas[vid]["perfil_vaga"]["cidade"]


def test_scores_strengths_and_gaps_are_those_of_match(screener: Screener, vagas: dict[str, Any]) -> None:
    cvs = [
        planted_cv(vagas["1006"]),
        planted_cv(vagas["1000"]),
        "Recepcionista com 2 anos de atendimento ao cliente.\nEnsino médio completo.\nInglês básico.\nFortaleza",
    ]
    for cv in cvs:
        got = screener.suggest(cv_text=cv, limit=8)
        assert [v["score"] for v in got["vagas"]] == sorted((v["score"] for v in got["vagas"]), reverse=True)
        for v in got["vagas"]:
            m = screener.match(cv_text=cv, vaga_id=v["vaga_id"])
            assert v["score"] == m["score"]
            assert v["strengths"] == m["strengths"] and v["gaps"] == m["gaps"] and v["verdict"] == m["verdict"]
            assert v["signals"] == {k: s["value"] for k, s in m["signals"].items()}
    # an uploaded file: the same suggestions as its text
    text = planted_cv(vagas["1028"])
    by_file = screener.suggest(data=text.encode(), filename="cv.txt", limit=4)
    assert by_file["cv"]["kind"] == "txt"
    assert [(v["vaga_id"], v["score"]) for v in by_file["vagas"]] == [
        (v["vaga_id"], v["score"]) for v in screener.suggest(cv_text=text, limit=4)["vagas"]
    ]


def test_two_stages_keep_the_exhaustive_top(screener: Screener, vagas: dict[str, Any]) -> None:
    """With few finalists the cheap stage decides who is scored; the best vagas still come out on top."""
    pool = screener.vaga_pool
    for vid in ("1006", "1011", "1028"):
        cv = profile(planted_cv(vagas[vid]), is_job=False)
        full = exhaustive(cv, pool)
        assert len(full) == len(pool) == 30
        top = suggest_vagas(cv, pool, limit=3, candidates=10)
        assert top.n_scored == 10 and top.n_vagas == 30
        assert [v["score"] for v in top.vagas] == [s for _, s in full[:3]]
        assert top.vagas[0]["vaga_id"] == full[0][0] == vid


def test_limit_and_sizes(screener: Screener, vagas: dict[str, Any]) -> None:
    cv = planted_cv(vagas["1015"])
    for limit in (1, 3, 30):
        got = screener.suggest(cv_text=cv, limit=limit)
        assert len(got["vagas"]) == limit
        assert got["n_vagas"] == 30 and got["n_scored"] == 30  # fewer vagas than finalists: every one scored
        assert set(got["timings_ms"]) == {"embed", "candidates", "score", "total"}
    assert len(screener.suggest(cv_text=cv, limit=50)["vagas"]) == 30  # no more than the index holds
    ids = [v["vaga_id"] for v in screener.suggest(cv_text=cv, limit=30)["vagas"]]
    assert sorted(ids) == sorted(vagas)
    for bad in (0, 51, -1, True, "3", 2.5):
        with pytest.raises(InvalidInput, match="limit"):
            screener.suggest(cv_text=cv, limit=bad)  # type: ignore[arg-type]


def test_bad_input_is_a_clear_error(screener: Screener, store: Any, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cv_text"):
        screener.suggest(cv_text="   ")
    with pytest.raises(InvalidInput, match="envie o CV"):
        screener.suggest()
    with pytest.raises(InvalidInput, match="cv_file"):
        screener.suggest(data=b"%PDF-1.4 this is not a PDF", filename="cv.pdf")
    from ingestion import open_index

    empty = Screener(store=open_index(Settings(home=tmp_path, embedder="hash"), EMB), embedder=EMB)
    got = empty.suggest(cv_text="Desenvolvedor Java")  # an index without vagas: nothing to suggest, no error
    assert got["vagas"] == [] and got["n_vagas"] == 0 and got["n_scored"] == 0


def test_without_an_embedder_it_scores_like_match_without_one(store: Any, vagas: dict[str, Any]) -> None:
    plain = Screener(store=store, embedder=None)
    cv = planted_cv(vagas["1004"])
    got = plain.suggest(cv_text=cv, limit=5)
    assert got["vagas"][0]["vaga_id"] == "1004"
    for v in got["vagas"]:
        assert "semantic" not in v["signals"]
        assert v["score"] == plain.match(cv_text=cv, vaga_id=v["vaga_id"])["score"]


# ---------------------------------------------------------------------------------------------- the pool
def test_pool_holds_what_match_reads(store: Any) -> None:
    pool = VagaPool(store, embedder=EMB)
    assert [e.vaga_id for e in pool.entries] == [str(n) for n in range(1000, 1030)]
    cv = profile(
        planted_cv(
            {
                "informacoes_basicas": {"titulo_vaga": "Analista"},
                "perfil_vaga": {
                    "principais_atividades": "- SQL e Power BI",
                    "cidade": "São Paulo",
                    "competencia_tecnicas_e_comportamentais": "- Python",
                    "nivel_academico": "",
                    "nivel_ingles": "",
                    "nivel_espanhol": "",
                },
            }
        ),
        is_job=False,
    )
    cv_lexical = cv.text
    for row, e in enumerate(pool.entries):
        job = job_from_store(store, e.vaga_id)
        assert e.profile == job  # the very profile /match reads
        assert (pool.vectors[row] == EMB.embed([job_focus_text(job)[:2000]])[0]).all()
        mine = float((lexical_vectors([cv_lexical]) @ pool.lexical[[row]].T).toarray()[0, 0])
        assert mine == lexical_similarity(cv.text, job.text)  # to the last bit
        assert (
            match(cv, job, embedder=EMB).score
            == match(
                cv,
                e.profile,
                embedder=EMB,
                cv_vectors=EMB.embed(paragraphs(cv.text)),
                job_vector=pool.vectors[row],
                lexical=mine,
            ).score
        )


def test_candidate_stage_estimates_the_score(store: Any, vagas: dict[str, Any]) -> None:
    """Without an embedder every signal of the estimate is the match's own (skills by the same formula, lexical and
    the facts' signals exact), so it is the score before rounding. If the matcher's skills rules change, this says
    the candidate stage no longer mirrors them."""
    pool = VagaPool(store, embedder=None)
    for vid in ("1006", "1027"):
        cv = profile(planted_cv(vagas[vid]), is_job=False)
        cheap = pool.candidate_scores(cv, None)
        scores = [match(cv, e.profile, embedder=None).score for e in pool.entries]
        assert max(abs(100 * c - s) for c, s in zip(cheap.tolist(), scores, strict=True)) <= 0.5 + 1e-6
        assert int(cheap.argmax()) == pool.by_id[vid]
    nothing = profile("Sem competências", is_job=False)
    assert pool.candidate_scores(nothing, None).max() < 0.5
    # the facts' signals are computed once per distinct set of facts, not once per vaga
    assert len(pool.facts) < len(pool)
    for row, e in enumerate(pool.entries):
        facts = pool.facts[pool.fact_of[row]]
        assert (facts.years, facts.seniority, facts.education, facts.locations, facts.salary, facts.languages) == (
            e.profile.years,
            e.profile.seniority,
            e.profile.education,
            e.profile.locations,
            e.profile.salary,
            e.profile.languages,
        )
    # with vectors, the semantic signal joins: the vaga a CV was written for still comes first
    with_vectors = VagaPool(store, embedder=EMB)
    prof = profile(planted_cv(vagas["1028"]), is_job=False)
    scores = with_vectors.candidate_scores(prof, EMB.embed(paragraphs(prof.text)))
    assert int(scores.argmax()) == with_vectors.by_id["1028"]


def test_pool_cache_survives_restarts_and_is_dropped_when_stale(
    store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recruta.screening import suggest

    cache = tmp_path / "vagas.pkl"
    vectors = tmp_path / "vagas-vectors.pkl"
    first = VagaPool(store, embedder=EMB, cache=cache)
    assert first.profiles_extracted == len(first) == 30 and first.vectors_embedded == 30
    assert cache.exists() and vectors.exists()
    calls: list[str] = []
    monkeypatch.setattr(suggest, "job_from_store", lambda *a, **k: calls.append("profile"))
    monkeypatch.setattr(suggest, "lexical_vectors", lambda *a, **k: calls.append("lexical"))
    second = VagaPool(store, embedder=EMB, cache=cache)  # a restart: profiles, n-grams and vectors from the cache
    assert second.profiles_extracted == 0 and second.vectors_embedded == 0 and not calls
    assert [e.profile for e in second.entries] == [e.profile for e in first.entries]
    assert (second.vectors == first.vectors).all() and (second.lexical != first.lexical).nnz == 0
    monkeypatch.undo()
    version, known = pickle.loads(cache.read_bytes())
    cache.write_bytes(pickle.dumps((version, {**known, "gone": "a vaga no longer in the index"})))
    assert VagaPool(store, embedder=EMB, cache=cache).profiles_extracted == 0
    assert set(pickle.loads(cache.read_bytes())[1]) == set(known)  # what a build does not use is dropped
    _, known = pickle.loads(cache.read_bytes())
    cache.write_bytes(pickle.dumps(("older-code", known)))  # profiles of another version of the code are not used
    assert VagaPool(store, embedder=EMB, cache=cache).profiles_extracted == 30
    other = get_embedder("hash128")  # vectors of another embedder are not used either
    assert VagaPool(store, embedder=other, cache=cache).vectors_embedded == 30
    cache.write_bytes(b"not a pickle")
    assert VagaPool(store, embedder=EMB, cache=cache).profiles_extracted == 30


def test_vagas_are_read_in_pages(store: Any) -> None:
    """A full Decision index holds more vaga chunks than one Chroma query returns: the pool reads them in pages."""
    from recruta.screening.suggest import _vaga_chunks

    whole = store.get(where={"type": "vaga"})
    assert len(whole["ids"]) > 30
    key = lambda pair: (pair[0]["vaga_id"], pair[0]["chunk"], pair[1])  # noqa: E731
    paged = _vaga_chunks(store, page=7)
    assert sorted(paged, key=key) == sorted(zip(whole["metadatas"], whole["documents"], strict=True), key=key)
    assert len(paged) == len(whole["ids"])


# ---------------------------------------------------------------------------------------------- warm-up
def test_warm_up_builds_each_pool_once_and_a_request_waits_for_it(
    store: Any, vagas: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """service.py warms both pools at start: a /suggest_vagas that comes during the build waits for that build
    (one build, in the warm-up thread), and gets the same suggestions as a screener built on demand."""
    from recruta.screening import screener as screener_module

    built: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow_pool(*args: Any, **kwargs: Any) -> VagaPool:
        built.append(threading.current_thread().name)
        started.set()
        release.wait(10)  # the request below arrives while this build runs
        return VagaPool(*args, **kwargs)

    monkeypatch.setattr(screener_module, "VagaPool", slow_pool)
    s = Screener(store=store, embedder=EMB)
    threads = s.warm_up()
    assert started.wait(10)
    box: dict[str, Any] = {}
    request = threading.Thread(target=lambda: box.update(got=s.suggest(cv_text=planted_cv(vagas["1006"]), limit=3)))
    request.start()
    time.sleep(0.2)
    assert request.is_alive() and "got" not in box  # waiting for the warm-up's build, not building its own
    release.set()
    request.join(30)
    for thread in threads:
        thread.join(30)
    assert built == ["vaga-pool"]
    assert box["got"]["vagas"][0]["vaga_id"] == "1006"
    assert len(s.pool) == 0 and len(s.vaga_pool) == 30  # the candidate pool was warmed too (no candidates here)


def test_a_failed_warm_up_is_logged_and_retried_by_the_first_request(
    store: Any, vagas: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    class Flaky:
        """The index, unreadable during the warm-up."""

        def __init__(self) -> None:
            self.down = True

        def get(self, **kwargs: Any) -> Any:
            if self.down:
                raise ConnectionError("index not ready")
            return store.get(**kwargs)

    flaky = Flaky()
    s = Screener(store=flaky, embedder=EMB)
    with caplog.at_level("ERROR", logger="recruta.screening.screener"):
        for thread in s.warm_up():
            thread.join(30)  # no exception escapes the warm-up (a thread's would only be printed; start-up goes on)
    failed = [r.getMessage() for r in caplog.records]
    assert any("vaga pool" in m for m in failed) and any("pool" in m and "vaga" not in m for m in failed), failed
    with pytest.raises(ConnectionError):
        s.suggest(cv_text="Analista", limit=1)  # the first request tries again, and says why not
    flaky.down = False
    assert s.suggest(cv_text=planted_cv(vagas["1006"]), limit=1)["vagas"][0]["vaga_id"] == "1006"


def test_candidate_stage_counts_a_lines_alternatives_once_as_the_match_does(
    store: Any, vagas: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A line's alternatives ("Java ou Spring") are one requirement, met by the best credit of any of them
    (matching.requirement_groups). The sample's vagas have no such line, so here every vaga's first three skills
    are read as one: the estimate must still be the match's skills signal before rounding."""
    from recruta.screening import matching, suggest

    def grouped(job: Any) -> list[tuple[str, ...]]:
        names = list(job.skills)
        return [tuple(names[:3]), *((n,) for n in names[3:])] if names else []

    monkeypatch.setattr(matching, "requirement_groups", grouped)
    monkeypatch.setattr(suggest, "requirement_groups", grouped)
    pool = VagaPool(store, embedder=None)
    assert len(pool.alt_rows) > 10
    for vid in ("1006", "1027"):
        cv = profile(planted_cv(vagas[vid]), is_job=False)
        cheap = pool.candidate_scores(cv, None)
        scores = [match(cv, e.profile, embedder=None).score for e in pool.entries]
        assert max(abs(100 * c - s) for c, s in zip(cheap.tolist(), scores, strict=True)) <= 0.5 + 1e-6
