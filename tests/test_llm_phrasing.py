"""A language model may reword a planned answer, and the checker decides: every number, name and id of its text
must be among the facts and the key facts must still be there; otherwise the template answer is used."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ingestion import ingest
from model import RAGAgent, RAGConfig
from recruta.answer.check import check, numbers_in
from recruta.answer.phrasing import key_facts, phrase_with_llm
from recruta.answer.result import Result
from recruta.ingest.embeddings import get_embedder
from recruta.rag.generators import ExtractiveGenerator, is_llm
from recruta.text.fold import fold

FACTS = [
    "Ana Lima (código 10023) foi contratada para a vaga 1271 (Programador Java Sr, Horizonte Seguros, "
    "São Paulo) — Contratado pela Decision, atualizado em 03/02/2022.",
    "1271",
    "10023",
    "Ana Lima",
]


# ------------------------------------------------------------------------------------------- the checker
@pytest.mark.parametrize(
    "text",
    [
        "A vaga 1271 da Horizonte Seguros contratou Ana Lima (código 10023) em 03/02/2022.",
        "Ana Lima, código 10023, foi a contratada da vaga 1271.",
        "ANA LIMA (codigo 10023) foi contratada para a vaga 1.271 em 3/2/2022.",  # case, accents, number formats
        "Job 1271 at Horizonte Seguros hired Ana Lima (code 10023) on 2022-02-03.",
        "La vacante 1271 de Horizonte Seguros contrató a Ana Lima (código 10023) en 2022.",
        "Unfortunately, vaga 1271 hired only Ana Lima (10023).",  # a capitalised first word is no name
    ],
)
def test_a_faithful_rewording_passes(text):
    verdict = check(text, facts=FACTS, keys=["1271", "Ana Lima"], lang="")
    assert verdict.ok, verdict


@pytest.mark.parametrize(
    ("text", "invented"),
    [
        ("A vaga 1271 contratou Ana Lima (código 10024).", "10024"),  # a wrong id
        ("A vaga 1272 contratou Ana Lima.", "1272"),  # a wrong vaga
        ("A vaga 1271 contratou 2 pessoas, entre elas Ana Lima.", "2"),  # a count nobody gave
        (
            "Três candidatas foram contratadas na vaga 1271, entre elas Ana Lima.",
            "tres",
        ),  # in words, though a date has a 3
        ("A vaga 1271 contratou Ana Lima e Pedro Souza.", "Pedro"),  # an invented person
        ("Ana Lima foi contratada pela Ipê Roxo Bank para a vaga 1271.", "Ipe"),  # an invented client
        ("Ana Lima foi contratada para a vaga 1271 em 05/02/2022.", "05/02/2022"),  # a wrong date
        ("Ana Lima earned 5,000 in job 1271.", "5,000"),  # a salary from nowhere
    ],
)
def test_an_invented_number_name_or_id_fails(text, invented):
    verdict = check(text, facts=FACTS, keys=["1271", "Ana Lima"], lang="pt")
    assert not verdict.ok
    assert any(fold(x).startswith(fold(invented)[:3]) for x in verdict.invented), verdict


@pytest.mark.parametrize(
    "text",
    [
        "Ana Lima foi contratada.",  # the vaga left out
        "A vaga 1271 teve uma contratação.",  # the person left out
        "",
    ],
)
def test_a_key_fact_left_out_fails(text):
    verdict = check(text, facts=FACTS, keys=["1271", "Ana Lima"], lang="pt")
    assert not verdict.ok and verdict.missing


def test_numbers_are_read_in_any_format():
    assert [n.whole for n in numbers_in("1.234 e 1,234 e 1234 e 0042")] == ["1234", "1234", "1234", "42"]
    assert {n.whole for n in numbers_in("three, tres, três", lang="")} == {"3"}
    assert [n.whole for n in numbers_in("dos candidatos", lang="pt")] == []  # Portuguese "dos" is "of the"
    assert [n.whole for n in numbers_in("dos candidatos", lang="es")] == ["2"]


# ----------------------------------------------------------------------------------- with the records
@pytest.fixture(scope="module")
def agent(small_data, tmp_path_factory):
    from recruta.core.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", generator="extractive", chunk_size=600)
    ingest(data_dir=small_data, settings=settings, embedder=get_embedder("hash"), progress=False)
    return RAGAgent.from_config(RAGConfig.from_settings(settings, generator="extractive", top_k=4), settings=settings)


@dataclass
class Scripted:
    """A language model that rewords the template given to it with ``edit`` (and records what it was sent)."""

    edit: Callable[[str], str]
    name: str = "scripted-llm"
    seen: list[Any] = field(default_factory=list)

    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        self.seen.append(inp)
        template = re.search(r"Exact answer: (.*)\nReworded answer:", inp.messages[-1]["content"], re.S)
        return self.edit(template.group(1) if template else "")

    def stream(self, inp: Any, *, max_new_tokens: int) -> Iterator[str]:
        yield self.generate(inp, max_new_tokens=max_new_tokens)


class Broken(Scripted):
    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        raise ConnectionError("endpoint down")


def vaga_question(small_data) -> tuple[str, str, dict[str, Any]]:
    vagas = json.loads((small_data / "vagas.json").read_text())
    vid = next(v for v in vagas if vagas[v]["perfil_vaga"].get("nivel_ingles"))
    return vid, f"Qual o nível de inglês exigido para a vaga {vid}?", vagas[vid]


def test_the_agent_rewords_planned_answers_only_when_the_check_passes(agent, small_data, monkeypatch):
    vid, question, vaga = vaga_question(small_data)
    template = agent.answer(question)
    assert template.route == "plan:vaga_field" and "llm_phrase" not in template.timings_ms  # no LLM: as before
    assert not is_llm(agent.generator) and not is_llm(ExtractiveGenerator())

    good = Scripted(edit=lambda t: f"Resumindo: {t}")
    monkeypatch.setattr(agent, "generator", good)
    ans = agent.answer(question)
    assert ans.route == "plan:vaga_field+llm" and ans.answer == f"Resumindo: {template.answer}"
    assert ans.sources == template.sources and "llm_phrase" in ans.timings_ms
    sent = good.seen[0].messages
    assert "Portuguese" in sent[0]["content"] and template.answer in sent[1]["content"]

    for bad in (
        lambda t: t.replace(vid, str(int(vid) + 1)),  # another vaga
        lambda t: t + " Contratado: Pedro Souza.",  # a person from nowhere
        lambda t: f"A vaga {vid} pede inglês.",  # the level left out
        lambda t: t + " São 7 candidatos.",
    ):  # a count from nowhere
        monkeypatch.setattr(agent, "generator", Scripted(edit=bad))
        got = agent.answer(question)
        assert got.route == "plan:vaga_field+template" and got.answer == template.answer

    monkeypatch.setattr(agent, "generator", Broken(edit=str))
    got = agent.answer(question)
    assert got.route == "plan:vaga_field+template" and got.answer == template.answer


def test_long_answers_keep_the_template_without_asking_the_model(agent, monkeypatch):
    question = "Which clients had the most open positions?"
    template = agent.answer(question)
    llm = Scripted(edit=lambda t: t)
    monkeypatch.setattr(agent, "generator", llm)
    ans = agent.answer(question)
    if len(template.answer) > 500 or template.answer.count("\n") >= 3:
        assert ans.route.endswith("+template") and not llm.seen
    else:
        assert ans.route.endswith("+llm") and llm.seen and "English" in llm.seen[0].messages[0]["content"]
    assert ans.answer == template.answer


def test_key_facts_are_the_templates_numbers_people_and_value(agent, small_data):
    vid, question, vaga = vaga_question(small_data)
    assert agent.answerer is not None
    planned = agent.answerer.answer(question, lang="pt")
    assert planned is not None and isinstance(planned.result, Result)
    keys = key_facts(planned.result, planned.text, "pt")
    assert vid in keys
    level = vaga["perfil_vaga"]["nivel_ingles"]
    assert any(k.casefold() == level.casefold() for k in keys) or level.casefold() in ("nenhum", "-")
    verdict = phrase_with_llm(
        Scripted(edit=lambda t: t), question=question, result=planned.result, template=planned.text, lang="pt"
    )
    assert verdict.by == "llm" and verdict.text == planned.text


def test_a_rewording_keeps_what_the_records_lack(agent, monkeypatch):
    """ "Acme Corp" is the answer to a question about a client nobody has: a rewording without it fails the check."""
    assert agent.answerer is not None
    question = "Quantas vagas a Acme Corp abriu?"
    planned = agent.answerer.answer(question, lang="pt")
    assert planned is not None and planned.kind == "not_on_file" and planned.result is not None
    assert "Acme Corp" in key_facts(planned.result, planned.text, "pt")
    dropped = phrase_with_llm(
        Scripted(edit=lambda t: "Não encontrei esse nome nos registros."),
        question=question,
        result=planned.result,
        template=planned.text,
        lang="pt",
    )
    assert dropped.by == "template" and dropped.text == planned.text
    kept = phrase_with_llm(
        Scripted(
            edit=lambda t: "A Acme Corp não aparece nos registros: nenhum cliente, cidade ou vaga se chama assim."
        ),
        question=question,
        result=planned.result,
        template=planned.text,
        lang="pt",
    )
    assert kept.by == "llm"
