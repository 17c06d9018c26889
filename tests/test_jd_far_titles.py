"""JDs for roles far from every vaga of the sample borrow nothing foreign, and every borrowed line cites its vaga.

The set (``tests/data/jd_far_titles.json``) was written apart from the code, with its own measure ("about"): a
line of responsibilities/requirements/nice-to-have is foreign when it holds one of the item's foreign markers
outside the values the recruiter gave; the share of foreign lines must be 0. The JDs are generated through
:class:`JDService` over a realistic retrieval: the project sample's vagas chunked as ingestion does, embedded and
stored in Chroma, queried through ``RAGAgent.retrieve`` — with the fake "hash" embedder here, with MiniLM under
``-m real``. Titles that the sample does hold must still borrow (:func:`bench.jd_quality.borrowing`), so the fix is
not "borrowing turned off"; and the threshold is checked against the similarity distributions it was chosen from.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.jd_quality import borrowing, far_titles, load_far_titles, own_lines, sample_requests
from recruta.core.db import make_sessionmaker
from recruta.i18n import message
from recruta.ingest.documents import vaga_documents
from recruta.ingest.embeddings import get_embedder
from recruta.ingest.schema import Vaga
from recruta.jd import JDRequest, JDService
from recruta.jd.fit import MIN_SIMILARITY

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FAR = ROOT / "tests" / "data" / "jd_far_titles.json"


def _quantiles(values: list[float]) -> list[float]:
    """min, p10, p25, median, p75, p90, max."""
    xs = sorted(values)
    return [round(xs[int(q * (len(xs) - 1))], 3) for q in (0, 0.1, 0.25, 0.5, 0.75, 0.9, 1)] if xs else []


@pytest.fixture(scope="module", params=["hash", pytest.param("minilm", marks=pytest.mark.real)])
def agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``RAGAgent`` over a Chroma collection of the sample's vaga chunks, embedded by the parametrised embedder."""
    from model import RAGAgent, RAGConfig
    from recruta.core.settings import Settings
    from recruta.ingest.store import Store, collection_name, make_client
    from recruta.rag.generators import ExtractiveGenerator

    spec: str = request.param
    home = tmp_path_factory.mktemp(f"jd-far-{spec}")
    settings = Settings(home=home, embedder=spec, generator="extractive")
    raw = json.loads((DATA / "vagas.json").read_text(encoding="utf-8"))
    docs = [
        d
        for vid in sorted(raw)
        for d in vaga_documents(
            vid, Vaga.model_validate(raw[vid]), size=settings.chunk_size, overlap=settings.chunk_overlap
        )
    ]
    embedder = get_embedder(spec)
    config = RAGConfig(embedder=spec, chunk_size=settings.chunk_size, generator="extractive")
    store = Store(make_client(settings), collection_name(config.collection, embedder.name, config.chunk_size))
    store.upsert(docs, embedder.embed([d.text for d in docs]))
    yield RAGAgent(config=config, store=store, embedder=embedder, generator=ExtractiveGenerator())


@pytest.fixture
def service(agent: Any, tmp_path: Path) -> JDService:
    return JDService(sessionmaker=make_sessionmaker(f"sqlite:///{tmp_path}/jd.sqlite"), retrieve=agent.retrieve)


@pytest.fixture(scope="module")
def far_items() -> list[dict[str, Any]]:
    items = load_far_titles(FAR)
    assert len(items) == 23 and {i["request"]["language"] for i in items} == {"pt", "en", "es"}
    return items


def test_far_titles_have_no_foreign_line(
    service: JDService, far_items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    report = far_titles(service, far_items)
    with capsys.disabled():
        print(
            f"\nfar titles ({service.retrieve.__self__.embedder.name}): "  # type: ignore[attr-defined]
            f"foreign share {report['foreign_share']:.3f} over {report['lines']} lines, role-marker share "
            f"{report['role_share']:.3f}, borrowed/JD {report['borrowed_per_jd']:.2f}"
        )
    assert report["n"] == 23 and report["lines"] >= 23
    foreign = {i["id"]: i["foreign"] for i in report["items"] if i["foreign"]}
    assert report["foreign_share"] == 0.0, foreign
    assert report["uncited"] == 0


def test_below_the_threshold_a_jd_says_so_and_uses_only_the_given_fields(
    service: JDService, far_items: list[dict[str, Any]]
) -> None:
    requests = [JDRequest.model_validate(i["request"]) for i in far_items] + sample_requests(DATA, n=20, seed=2)
    without = 0
    for req in requests:
        jd = service.generate(req)
        assert jd["source_vaga_ids"], req.title  # retrieval always answers; similarity decides
        similar = [v for v, s in jd["vaga_similarity"].items() if s >= MIN_SIMILARITY]
        assert jd["similar_history"] is bool(similar), (req.title, jd["vaga_similarity"])
        if similar:
            assert jd["history_note"] is None and set(jd["used_vaga_ids"]) <= set(similar)
            continue
        without += 1
        assert jd["history_note"] == message("jd", "history.none", req.language)
        assert jd["used_vaga_ids"] == []
        own = own_lines(req)
        assert all(
            line in own
            for name in ("responsibilities", "requirements", "nice_to_have")
            for line in jd["sections"][name]
        ), (req.title, jd["sections"])
    assert without >= 20  # most far titles have no similar history (the check above is not vacuous)


def test_every_borrowed_line_cites_its_vaga(service: JDService, far_items: list[dict[str, Any]]) -> None:
    """Over titles the sample holds and far ones: each borrowed item names a retrieved, similar vaga whose record
    holds it verbatim; each item without a source is a given value or a catalogue sentence filled with them."""
    raw = json.loads((DATA / "vagas.json").read_text(encoding="utf-8"))
    requests = sample_requests(DATA, n=30, seed=1) + [JDRequest.model_validate(i["request"]) for i in far_items]
    cited = 0
    for req in requests:
        jd = service.generate(req)
        own = own_lines(req)
        for name in ("responsibilities", "requirements", "nice_to_have"):
            items, sources = jd["sections"][name], jd["line_sources"][name]
            assert len(items) == len(sources)
            for line, vid in zip(items, sources, strict=True):
                if vid is None:
                    assert line in own, (req.title, name, line)
                    continue
                cited += 1
                assert vid in jd["source_vaga_ids"], (req.title, line, vid)
                assert jd["vaga_similarity"][vid] >= MIN_SIMILARITY, (req.title, line, vid)
                assert line in json.dumps(raw[vid], ensure_ascii=False), (req.title, line, vid)
        assert jd["used_vaga_ids"] == [
            v for v in jd["source_vaga_ids"] if any(v in ids for ids in jd["line_sources"].values())
        ]
    assert cited >= 60  # the sample's own titles borrow: the check is not vacuous


def test_titles_in_the_sample_still_borrow(service: JDService, capsys: pytest.CaptureFixture[str]) -> None:
    result = borrowing(service, sample_requests(DATA, n=60, seed=1))
    with capsys.disabled():
        print(f"\nsample titles ({service.retrieve.__self__.embedder.name}): {result}")  # type: ignore[attr-defined]
    # Measured: 4.5 lines per JD (9 in pt, 2.3 in en/es), 90% of JDs borrow; 5.4-5.7 before the gates.
    assert result["borrowed_per_jd"] >= 3.5 and result["jds_borrowing_share"] >= 0.8
    assert result["borrowed_per_jd_by_language"]["pt"] >= 7
    assert result["uncited"] == 0


def test_threshold_separates_far_titles_from_titles_in_the_sample(
    service: JDService, far_items: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """The similarity the gate uses separates the two kinds of titles; the retrieval's cosine does not."""

    def best(req: JDRequest) -> tuple[float, float]:
        jd = service.generate(req)
        return max(jd["vaga_similarity"].values()), max(
            h.score
            for h in service.retrieve(  # type: ignore[misc]
                " ".join([req.title, *req.skills]), k=5, filters={"type": "vaga"}
            )
        )

    far = [best(JDRequest.model_validate(i["request"])) for i in far_items]
    near = [best(r) for r in sample_requests(DATA, n=60, seed=1)]
    with capsys.disabled():
        name = service.retrieve.__self__.embedder.name  # type: ignore[attr-defined]
        print(
            f"\nsimilarity ({name}) far {_quantiles([s for s, _ in far])} sample {_quantiles([s for s, _ in near])}"
            f"\ncosine     ({name}) far {_quantiles([c for _, c in far])} sample {_quantiles([c for _, c in near])}"
        )
    # The set's own notes say the sample holds a few of its roles ("Business Partner de RH"): those may reach it.
    assert statistics.mean(s >= MIN_SIMILARITY for s, _ in far) <= 0.15
    assert statistics.mean(s >= MIN_SIMILARITY for s, _ in near) >= 0.9
