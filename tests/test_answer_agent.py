"""The planner inside the agent: plan first, retrieval for the rest (saying so); example questions plan to their
intents; a language model's plan proposals pass the plan schema or are dropped."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from ingestion import ingest
from model import RAGAgent, RAGConfig
from recruta.answer.answerer import Answerer
from recruta.answer.examples import load_examples, nearest_example
from recruta.answer.llm import validate_proposal
from recruta.answer.plan import InvalidPlan, Plan
from recruta.answer.table import table_path
from recruta.i18n import message
from recruta.ingest.embeddings import get_embedder


@pytest.fixture(scope="module")
def built(small_data, tmp_path_factory):
    from recruta.core.settings import Settings

    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", generator="extractive", chunk_size=600)
    report = ingest(data_dir=small_data, settings=settings, embedder=get_embedder("hash"), progress=False)
    return settings, report


@pytest.fixture
def agent(built):
    settings, _ = built
    return RAGAgent.from_config(RAGConfig.from_settings(settings, generator="extractive", top_k=4), settings=settings)


def vagas_of(small_data) -> dict[str, Any]:
    return json.loads((small_data / "vagas.json").read_text())


def test_ingestion_writes_the_records_table_beside_the_index(built, agent):
    settings, report = built
    assert report.table == str(table_path(agent.store, settings=settings)) and report.table_seconds > 0
    assert agent.answerer is not None and agent.answerer.table.counts()["vagas"] == report.read["vagas"]


def test_the_agent_plans_first_and_says_when_it_falls_back(agent, small_data):
    vagas = vagas_of(small_data)
    vid = next(
        v
        for v in vagas
        if sum(
            x["informacoes_basicas"]["cliente"] == vagas[v]["informacoes_basicas"]["cliente"] for x in vagas.values()
        )
        == 1
    )
    b = vagas[vid]["informacoes_basicas"]
    planned = agent.answer(f"Qual o analista responsável pela vaga de {b['titulo_vaga']} da {b['cliente']}?")
    assert planned.route == "plan:vaga_field" and planned.sources[0]["id"] == f"vaga:{vid}"
    assert b["analista_responsavel"] in planned.answer
    fallback = agent.answer("Existe algum comentário sobre disponibilidade para viagens?")
    assert fallback.route == "fallback" and fallback.answer.startswith(message("answers", "fallback", "pt"))
    assert fallback.sources and list(fallback.timings_ms) == ["embed", "search", "prompt", "generate"]
    english = agent.answer("Is there any comment about availability to travel?")
    assert english.answer.startswith(message("answers", "fallback", "en"))
    filtered = agent.answer(f"Qual o nível de inglês da vaga {vid}?", filters={"type": "vaga"})
    assert filtered.route == "retrieval" and not filtered.answer.startswith(message("answers", "fallback", "pt"))


def test_every_example_question_plans_to_its_intent(agent, small_data):
    """The examples (recruta/answer/examples.jsonl) filled with the sample's own values."""
    vagas = vagas_of(small_data)
    prospects = json.loads((small_data / "prospects.json").read_text())
    vid = next(iter(vagas))
    b, city = vagas[vid]["informacoes_basicas"], vagas[vid]["perfil_vaga"]["cidade"]
    people = [p for p in prospects[vid]["prospects"]][:2]
    fill = {"title": b["titulo_vaga"], "client": b["cliente"], "city": city, "recruiter": people[0]["recrutador"]}
    assert agent.answerer is not None
    wrong = []
    for intent, _, question, skeleton in load_examples():
        names = iter(p["nome"] for p in people)
        text = question
        while "{candidate}" in text:
            text = text.replace("{candidate}", next(names), 1)
        plan = agent.answerer.plan(text.format(**fill))
        expected = {"intent": intent, **{k: v for k, v in skeleton.items() if k != "op"}}
        got = {"intent": plan.intent, **{k: getattr(plan, k) for k in skeleton if k != "op"}}
        if got != expected:
            wrong.append((text, expected, got))
    assert not wrong, wrong
    assert len({row[1] for row in load_examples()}) == 3  # pt, en, es


@dataclass
class FakeLLM:
    """An "openai:" generator that answers every plan request with ``reply``."""

    reply: str
    name: str = "openai:fake"
    seen: list[Any] = field(default_factory=list)

    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        self.seen.append(inp)
        return self.reply

    def stream(self, inp: Any, *, max_new_tokens: int) -> Any:
        yield self.reply


def test_an_llm_may_propose_a_plan_that_the_schema_validates(agent, small_data):
    assert agent.answerer is not None
    vagas = vagas_of(small_data)
    clients = sorted({v["informacoes_basicas"]["cliente"] for v in vagas.values()})
    reply = json.dumps({"intent": "count", "measure": "vagas", "filters": {"client": clients[0]}})
    llm = FakeLLM(reply=f"Here is the plan:\n{reply}")
    answerer = Answerer(agent.answerer.table, generator=llm)
    question = "Me conta aí o tamanho da carteira de vagas daquele cliente, por favor"
    assert answerer.planner.plan(question)[0].intent == "retrieval"  # the rules do not plan it
    got = answerer.answer(question, lang="pt")
    expected = sum(v["informacoes_basicas"]["cliente"] == clients[0] for v in vagas.values())
    assert got is not None and got.plan.source == "llm" and got.text.startswith(f"Há {expected} vaga")
    assert llm.seen and "JSON" in llm.seen[0].messages[0]["content"]
    assert answerer.answer("Quantos candidatos foram contratados em 2022?", lang="pt").plan.source == "rules"
    assert len(llm.seen) == 1  # a question the rules plan never reaches the model


@pytest.mark.parametrize(
    "reply",
    [
        "SELECT * FROM applicants",
        '{"intent": "count", "sql": "DROP TABLE vagas"}',
        '{"intent": "count", "measure": "cpf"}',
        '{"intent": "delete_everything"}',
        '{"intent": "count", "n": 1000000}',
        '{"intent": "count", "filters": {"client": "' + "x" * 500 + '"}}',
        '{"intent": "vaga_field", "vaga": {"ids": ["1 OR 1=1"]}}',
        '{"intent": "count", "filters": {"year": "2022; DROP"}}',
        '{"intent": "retrieval"}',
        "[1, 2, 3]",
        "",
    ],
)
def test_invalid_or_hostile_proposals_are_dropped(reply, agent):
    assert validate_proposal(reply) is None
    assert agent.answerer is not None
    answerer = Answerer(agent.answerer.table, generator=FakeLLM(reply=reply))
    assert answerer.answer("Me conta aí o tamanho da carteira de vagas daquele cliente", lang="pt") is None


def test_the_plan_schema_rejects_what_it_does_not_name():
    ok = Plan.from_dict({"intent": "ranking", "measure": "hires", "group_by": "recruiter", "n": 3})
    assert ok.intent == "ranking" and ok.n == 3 and ok.source == "rules"
    for bad in (
        {"intent": "count", "group_by": "cpf"},
        {"intent": "count", "filters": {"english": "C2"}},
        {"intent": "count", "candidates": ["a"] * 20},
        {"measure": "vagas"},
        {"intent": "count", "n": True},
    ):
        with pytest.raises(InvalidPlan):
            Plan.from_dict(bad)


def test_a_close_example_lends_its_plan_when_no_rule_fires(agent, small_data, monkeypatch):
    from recruta.answer import planner as planner_mod
    from recruta.answer.entities import words

    assert agent.answerer is not None
    embedder = agent.answerer.planner.embedder
    for intent, _, question, skeleton in load_examples():  # each example is its own nearest example
        (got, got_skeleton), score = nearest_example(embedder, " ".join(words(question)))
        assert score > 0.99 and (got, got_skeleton) == (intent, skeleton)
    # no rule: "a fatia maior" is no ranking cue ("o maior volume de vagas", the question here before, ranks by rule
    # since the Portuguese paraphrases of tests/data/lang_paraphrases_pt.json)
    question = "Quais clientes tiveram a fatia maior de vagas?"
    rules_only = planner_mod.Planner(gazetteer=agent.answerer.gazetteer, vagas=agent.answerer.vagas)
    assert rules_only.plan(question)[0].intent == "retrieval"
    monkeypatch.setattr(planner_mod, "SIMILARITY_MIN", 0.6)  # the hash embedder's similarities run low
    plan = agent.answerer.plan(question)
    assert (plan.intent, plan.measure, plan.group_by, plan.source) == ("ranking", "vagas", "client", "examples")
    vagas = vagas_of(small_data)
    top = Counter(v["informacoes_basicas"]["cliente"] for v in vagas.values()).most_common(1)[0][1]
    assert (
        agent.answer(question).answer.startswith("Clientes com mais vagas: ")
        and f"({top})" in agent.answer(question).answer
    )


def test_the_answer_speaks_the_questions_language_not_its_place_names(agent):
    ans = agent.answer("¿Cuántas vacantes hay en São Paulo?")
    assert ans.route == "plan:count" and ans.language == "es" and ans.answer.startswith("Hay ")
    ans = agent.answer("How many jobs are there in São Paulo?")
    assert ans.language == "en" and ans.answer.startswith("There are ")


def test_agent_on_a_chroma_server_plans_over_the_table_of_the_served_index(tmp_path, monkeypatch):
    """A served champion on a Chroma server queries the server's index, which ingestion keeps up to date (the
    ingestion RayJob in deploy/ included): its records table in RECRUTA_RECORDS_DIR is the one to plan over; the
    champion's snapshot table only until there is one. Without a server the snapshot's table is the index's."""
    import recruta.rag.agent as agent_module
    from recruta.answer.table import TABLE_FILE
    from recruta.core.settings import Settings

    loaded: list[Any] = []
    monkeypatch.setattr(Answerer, "load", classmethod(lambda cls, path, **kw: loaded.append(path)))

    @dataclass
    class ServerStore:  # the Chroma server's collection, as table_path sees it (its client has no local folder)
        client: Any
        name: str
        create: bool = True
        first_pass: bool = True

    monkeypatch.setattr(agent_module, "Store", ServerStore)
    monkeypatch.setattr(agent_module, "make_client", lambda settings: None)
    config = RAGConfig(embedder="hash", generator="extractive")
    snapshot = tmp_path / "champion"
    s = Settings(home=tmp_path / "home", chroma_host="127.0.0.1", records_dir=tmp_path / "records")
    RAGAgent.from_config(config, settings=s, snapshot=snapshot)
    assert loaded[-1] == snapshot / TABLE_FILE  # nothing ingested into the shared folder yet
    live = tmp_path / "records" / f"table-{config.index_name}.sqlite3"
    live.parent.mkdir()
    live.write_bytes(b"")
    RAGAgent.from_config(config, settings=s, snapshot=snapshot)
    assert loaded[-1] == live
    RAGAgent.from_config(config, settings=s.model_copy(update={"records_dir": None}), snapshot=snapshot)
    assert loaded[-1] == snapshot / TABLE_FILE  # another folder: no table of this index there
