"""LLM-written /match advice and JD responsibilities (issue 16): shown only when every claim checks against the
facts, else the deterministic text. Fake generators: one rewords faithfully, others invent."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from recruta.api.models import JDInput, MaxTokens, Temperature
from recruta.rag.generators import GenerationInput, Sampling
from recruta.screening import advice_llm
from recruta.screening.screener import Screener
from tests.test_jd import DATA, FakeIndex, full_request

ROOT = Path(__file__).resolve().parents[1]
CV = """Ana Souza
Engenheira de dados

Experiência
Banco Azul – 2019 a 2024
- Desenvolvi pipelines de dados em Python e Airflow para o time de crédito
- Administrei bancos PostgreSQL com backup e tuning de consultas SQL

Formação
Bacharelado em Ciência da Computação

Idiomas
Inglês avançado
"""
JOB = """Engenheiro de Dados Pleno

Requisitos:
- Experiência com Python e Airflow
- SQL avançado e PostgreSQL
- Kafka e Spark
"""


class FakeLLM:
    """Replies with ``reply(cv_line)`` (the line the prompt asks to reword), records what it was asked."""

    def __init__(self, reply: Callable[[str], str] | Exception, name: str = "fake-llm") -> None:
        self.name, self.reply, self.seen = name, reply, []

    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str:
        self.seen.append((inp, max_new_tokens))
        if isinstance(self.reply, Exception):
            raise self.reply
        content = inp.messages[-1]["content"]
        line = content.split("CV line: ", 1)[1] if "CV line: " in content else content
        return self.reply(line)

    def stream(self, inp: GenerationInput, *, max_new_tokens: int) -> Iterator[str]:
        yield self.generate(inp, max_new_tokens=max_new_tokens)


def run(reply: Callable[[str], str] | Exception, **kw: Any) -> tuple[dict[str, Any], FakeLLM]:
    llm = FakeLLM(reply)
    return Screener(store=None, embedder=None, generator=llm).match(cv_text=CV, job_text=JOB, **kw), llm


def deterministic() -> list[str]:
    return Screener(store=None, embedder=None).match(cv_text=CV, job_text=JOB)["advice"]


def faithful(line: str) -> str:
    return "Responsável por: " + line[0].lower() + line[1:] + ", com entregas para a área de negócio"


def test_faithful_rewordings_quote_cv_lines_and_keep_the_deterministic_advice():
    result, llm = run(faithful)
    assert result["advice_source"] == "llm" and llm.seen
    rewordings = result["advice"][: len(result["advice"]) - len(deterministic())]
    assert rewordings and result["advice"][len(rewordings) :] == deterministic()
    cv_lines = {ln.strip("- ").strip() for ln in CV.splitlines()}
    for text in rewordings:
        quote, rewrite = re.match(r"Reescreva “(.+)” assim: “(.+)”$", text).groups()  # type: ignore[union-attr]
        assert quote in cv_lines and rewrite == faithful(quote)
    assert result["score"] == Screener(store=None, embedder=None).match(cv_text=CV, job_text=JOB)["score"]


@pytest.mark.parametrize(
    "reply",
    [
        lambda line: line + " e também com Kafka e Spark em produção",  # a gap of the job: invented experience
        lambda line: line + ", reduzindo custos em 35%",  # a number the CV does not have
        lambda line: "Adicione ao CV que você tem experiência com " + line,  # a suggestion to claim
        lambda line: line,  # no rewording at all
        lambda line: "I love working with data and teams",  # not that line, not its language
        lambda line: "",
    ],
    ids=["invented-skill", "invented-number", "claim", "unchanged", "off-line", "empty"],
)
def test_unfaithful_rewordings_fall_back_to_the_deterministic_advice(reply):
    result, llm = run(reply)
    assert llm.seen  # it was asked
    assert result["advice_source"] == "template" and result["advice"] == deterministic()


def test_invented_skills_are_named_by_the_check():
    cv = Screener(store=None, embedder=None).cv(cv_text=CV)[0]
    line = "Desenvolvi pipelines de dados em Python e Airflow para o time de crédito"
    reason, invented = advice_llm.check(line + " usando Kafka", line=line, cv=cv)
    assert reason == "invented_skill" and "kafka" in invented
    assert advice_llm.check(faithful(line), line=line, cv=cv) == ("ok", ())


def test_a_broken_llm_keeps_the_deterministic_advice():
    result, _ = run(RuntimeError("LLM down"))
    assert result["advice_source"] == "template" and result["advice"] == deterministic()


def test_extractive_or_no_generator_never_calls_a_model():
    llm = FakeLLM(faithful, name="extractive")
    result = Screener(store=None, embedder=None, generator=llm).match(cv_text=CV, job_text=JOB)
    assert not llm.seen and result["advice_source"] == "template"


def test_temperature_and_max_tokens_reach_the_model():
    _, llm = run(faithful, sampling=Sampling(temperature=0.7, max_tokens=40))
    assert {(inp.temperature, n) for inp, n in llm.seen} == {(0.7, 40)}
    _, llm = run(faithful)  # the default 256, cut to what a rewording of that line can need
    assert {inp.temperature for inp, _ in llm.seen} == {0.0}
    assert all(n == advice_llm.token_budget(inp.question, 256) < 256 for inp, n in llm.seen)


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        (Temperature, 0, True),
        (Temperature, 2.0, True),
        (Temperature, -0.1, False),
        (Temperature, 2.5, False),
        (MaxTokens, 1, True),
        (MaxTokens, 1024, True),
        (MaxTokens, 0, False),
        (MaxTokens, 5000, False),
    ],
)
def test_sampling_limits_are_pydantic_constraints(kind, value, ok):
    adapter = TypeAdapter(kind)
    if ok:
        adapter.validate_python(value)
    else:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
    if ok:
        Sampling(**({"temperature": value} if kind is Temperature else {"max_tokens": value}))
    else:
        with pytest.raises(ValueError):
            Sampling(**({"temperature": value} if kind is Temperature else {"max_tokens": value}))


def test_jd_input_takes_sampling_and_keeps_it_out_of_the_domain_request():
    inp = JDInput.model_validate({"title": "Engenheiro de Dados", "temperature": 0.3, "max_tokens": 64})
    assert inp.sampling() == Sampling(temperature=0.3, max_tokens=64)
    assert inp.to_domain().title == "Engenheiro de Dados"
    with pytest.raises(ValidationError):
        JDInput.model_validate({"title": "x", "temperature": 3})


# --------------------------------------------------------------------------- JD responsibilities
@pytest.fixture(scope="module")
def index() -> FakeIndex:
    """The JD tests' fake index over the project's sample vagas (tests/test_jd.py)."""
    from recruta.ingest.documents import vaga_documents
    from recruta.ingest.schema import Vaga
    from recruta.ingest.store import Hit

    vagas = json.loads((DATA / "vagas.json").read_text(encoding="utf-8"))
    return FakeIndex(
        [
            Hit(id=d.id, text=d.text, metadata=dict(d.metadata), score=0.0)
            for vid in sorted(vagas)
            for d in vaga_documents(vid, Vaga.model_validate(vagas[vid]), size=800, overlap=100)
        ]
    )


@pytest.fixture
def jd_setup(tmp_path: Path) -> Any:
    from recruta.core.db import make_sessionmaker

    return make_sessionmaker(f"sqlite:///{tmp_path}/db.sqlite"), full_request


class JDLLM:
    """Summary requests get the template back (rejected: unchanged is fine); the responsibilities request gets
    ``items``."""

    name = "fake-llm"

    def __init__(self, items: list[str]) -> None:
        self.items, self.seen = items, []

    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str:
        self.seen.append((inp, max_new_tokens))
        if "responsibilities section" in inp.messages[0]["content"]:
            return "\n".join(f"- {x}" for x in self.items)
        return inp.question

    def stream(self, inp: GenerationInput, *, max_new_tokens: int) -> Iterator[str]:
        yield self.generate(inp, max_new_tokens=max_new_tokens)


GOOD = [
    "Administrar bancos SQL Server e Oracle, com rotinas de backup e restore",
    "Fazer tuning de performance de consultas e procedures em PL/SQL",
    "Construir relatórios e painéis em Power BI para as áreas de negócio",
    "Documentar os bancos SQL Server e apoiar as equipes de desenvolvimento",
]


def _jd(items: list[str], jd_setup: Any, index: Any, **kw: Any) -> tuple[dict[str, Any], JDLLM]:
    from recruta.jd import JDService

    sessions, full_request = jd_setup
    llm = JDLLM(items)
    svc = JDService(sessionmaker=sessions, retrieve=index.retrieve, generator=llm)
    return svc.generate(full_request("pt", salary_min=None, salary_max=None, benefits=[]), **kw), llm


def _composed(jd_setup: Any, index: Any) -> list[str]:
    from recruta.jd import JDService

    sessions, full_request = jd_setup
    svc = JDService(sessionmaker=sessions, retrieve=index.retrieve)
    return svc.generate(full_request("pt", salary_min=None, salary_max=None, benefits=[]))["sections"][
        "responsibilities"
    ]


def test_jd_responsibilities_written_by_the_llm_when_every_item_checks(jd_setup, index):
    jd, llm = _jd(GOOD, jd_setup, index, sampling=Sampling(temperature=0.2, max_tokens=100))
    assert jd["responsibilities_source"] == "llm" and jd["sections"]["responsibilities"] == GOOD
    assert len(jd["line_sources"]["responsibilities"]) == len(GOOD)
    assert all(x in jd["markdown"] for x in GOOD)
    assert {(inp.temperature, n) for inp, n in llm.seen} == {(0.2, 100)}


@pytest.mark.parametrize(
    "bad",
    [
        "Desenvolver microsserviços em Kotlin e Kubernetes",  # skills no field and no similar vaga names
        "Atender 40 chamados por dia",  # a number nobody gave
        "Receber vale-refeição e plano de saúde",  # a benefit
        "Manage the database team and the budget",  # not the JD's language
        "Cuidar de tudo o que for preciso no dia a dia",  # grounded in nothing given or retrieved
        GOOD[1] + " e consultas",  # the same item again (a small model loops)
        "Apoiar a diretoria com relatórios e painéis em Power BI para as áreas de negócio",  # a run looping back
    ],
)
def test_jd_responsibilities_fall_back_when_an_item_fails(jd_setup, index, bad):
    jd, _ = _jd([bad, *GOOD[:3]], jd_setup, index)
    assert jd["responsibilities_source"] == "template"
    assert jd["sections"]["responsibilities"] == _composed(jd_setup, index)


def test_jd_edited_responsibilities_are_not_rewritten(jd_setup, index):
    from recruta.jd import JDService

    sessions, full_request = jd_setup
    svc = JDService(sessionmaker=sessions, retrieve=index.retrieve, generator=JDLLM(GOOD))
    jd = svc.generate(full_request("pt", salary_min=None, salary_max=None, benefits=[]))
    again = svc.regenerate(jd["id"], section="responsibilities", content=["Cuidar dos bancos SQL Server"])
    assert again["responsibilities_source"] == "edited"
    assert again["sections"]["responsibilities"] == ["Cuidar dos bancos SQL Server"]


@pytest.mark.server
def test_sampling_beyond_the_limits_is_a_clear_400(served):
    import httpx

    url, _ = served
    for body, field in (
        ({"cv_text": CV, "job_text": JOB, "temperature": 2.5}, "temperature"),
        ({"cv_text": CV, "job_text": JOB, "max_tokens": 5000}, "max_tokens"),
        ({"title": "Engenheiro de Dados", "temperature": -1}, "temperature"),
    ):
        route = "/generate_jd" if "title" in body else "/match"
        r = httpx.post(f"{url}{route}", json=body, timeout=60)
        assert r.status_code == 400 and r.json()["error"]["field"] == field, r.text
    ok = httpx.post(
        f"{url}/match", json={"cv_text": CV, "job_text": JOB, "temperature": 0.5, "max_tokens": 64}, timeout=60
    )
    assert ok.status_code == 200 and ok.json()["advice_source"] == "template"  # the served champion is extractive


def test_who_writes_prose_follows_the_llm_writes_setting() -> None:
    """The packaged SmolLM2 passed 0 of 44 advice checks (BENCHMARKS.md): by default it writes no advice or JD prose;
    an endpoint or hub model does; ``always``/``never`` override; the extractive generator never writes."""
    from types import SimpleNamespace

    from recruta.core.settings import Settings
    from recruta.rag.generators import writes_prose

    smol, endpoint, extractive = (SimpleNamespace(name=n) for n in ("smollm2", "openai:llama-3.1-8b", "extractive"))
    assert Settings().llm_writes == "auto"
    assert [writes_prose(g, "auto") for g in (smol, endpoint, extractive)] == [False, True, False]
    assert [writes_prose(g, "always") for g in (smol, endpoint, extractive)] == [True, True, False]
    assert [writes_prose(g, "never") for g in (smol, endpoint, extractive)] == [False, False, False]
