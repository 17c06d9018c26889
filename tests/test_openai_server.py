"""The OpenAI-compatible path against a real HTTP server: recruta's own (``python -m recruta.rag.openai_server``)
serving the packaged SmolLM2 on 127.0.0.1. The agent with ``openai:smollm2`` rewords planned answers (checked:
never a number the records do not hold), a model's plan proposal goes through the plan schema, and
``bentoml serve`` with RECRUTA_GENERATOR set answers with that generator and says so in /info."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.servers import ROOT, env_for, free_port, serve, stop, wait_http

pytestmark = [pytest.mark.server, pytest.mark.real]
MAX_TOKENS = 24


@pytest.fixture(scope="module")
def llm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``python -m recruta.rag.openai_server`` on a free port of 127.0.0.1 (SmolLM2 converted once into its
    home), stopped after the module."""
    home = tmp_path_factory.mktemp("llm-server")
    port = free_port()
    with open(home / "server.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "recruta.rag.openai_server", "--port", str(port)],
            cwd=ROOT,
            env=env_for(home),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/v1/models", timeout=600, proc=proc)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            stop(proc)


def test_the_server_speaks_the_openai_chat_api(llm_url):
    from recruta.rag.generators import GenerationInput, OpenAIGenerator

    models = httpx.get(f"{llm_url}/models", timeout=30).json()
    assert models["object"] == "list" and models["data"][0]["id"] == "smollm2"
    gen = OpenAIGenerator("smollm2", base_url=llm_url, api_key=None, timeout=600)
    inp = GenerationInput(
        question="Say hello.",
        hits=[],
        messages=[{"role": "user", "content": "Say hello to the recruiter in one sentence."}],
    )
    whole = gen.generate(inp, max_new_tokens=MAX_TOKENS)
    pieces = list(gen.stream(inp, max_new_tokens=MAX_TOKENS))
    assert whole and len(pieces) > 1 and "".join(pieces).strip() == whole  # greedy: the same words, streamed
    body = httpx.post(
        f"{llm_url}/chat/completions", json={"model": "smollm2", "messages": inp.messages, "max_tokens": 4}, timeout=600
    ).json()
    assert body["object"] == "chat.completion" and body["choices"][0]["message"]["role"] == "assistant"
    for bad in (
        {"messages": []},
        {"messages": [{"role": "robot", "content": "x"}]},
        {"messages": inp.messages, "max_tokens": -1},
    ):
        r = httpx.post(f"{llm_url}/chat/completions", json=bad, timeout=30)
        assert r.status_code == 400 and "message" in r.json()["error"]


@dataclass
class Recording:
    """Delegates to a generator and keeps what it answered (to judge the plan proposals it made)."""

    inner: Any
    replies: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.inner.name)

    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        self.replies.append("")  # "" stays for a call that failed (a timeout on a loaded machine)
        reply: str = self.inner.generate(inp, max_new_tokens=max_new_tokens)
        self.replies[-1] = reply
        return reply

    def stream(self, inp: Any, *, max_new_tokens: int) -> Iterator[str]:
        yield self.generate(inp, max_new_tokens=max_new_tokens)


def questions(small_data: Path) -> list[str]:
    """Ten planned questions over the sample, in pt/en/es: fields, hires, counts, rankings, a search."""
    vagas = json.loads((small_data / "vagas.json").read_text())
    prospects = json.loads((small_data / "prospects.json").read_text())
    ids = list(vagas)
    b = vagas[ids[0]]["informacoes_basicas"]
    person = next(p["nome"] for vid in ids for p in prospects.get(vid, {}).get("prospects", []))
    return [
        f"Qual o nível de inglês exigido para a vaga {ids[0]}?",
        f"Who is the analyst responsible for job {ids[1]}?",
        f"Quem foi contratado para a vaga de {b['titulo_vaga']} da {b['cliente']}?",
        "Quantos candidatos foram contratados em 2022?",
        f"Quantas vagas a {b['cliente']} abriu?",
        "How many jobs are there in São Paulo?",
        "¿Cuántas vacantes hay en São Paulo?",
        "Which clients had the most open positions?",
        f"Qual a situação de {person}?",
        f"¿Qué nivel de inglés pide la vacante {ids[2]}?",
    ]


def test_the_agent_with_an_openai_generator_rewords_or_keeps_the_template(
    llm_url, small_data, tmp_path_factory, monkeypatch
):
    from ingestion import ingest
    from model import RAGAgent, RAGConfig
    from recruta.answer.check import numbers_in
    from recruta.answer.llm import validate_proposal
    from recruta.core.settings import Settings
    from recruta.ingest.embeddings import get_embedder
    from recruta.rag.generators import OpenAIGenerator

    monkeypatch.setattr("recruta.answer.llm.MAX_TOKENS", 96)  # a plan is short; the runtime stays modest
    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", generator="extractive", chunk_size=600)
    ingest(data_dir=small_data, settings=settings, embedder=get_embedder("hash"), progress=False)
    config = RAGConfig.from_settings(settings, generator="extractive", top_k=3, max_new_tokens=MAX_TOKENS)
    template_agent = RAGAgent.from_config(config, settings=settings)
    llm = Recording(OpenAIGenerator("smollm2", base_url=llm_url, api_key=None, timeout=600))  # 2 busy shared cores
    agent = RAGAgent.from_config(config, settings=settings, generator=llm)  # type: ignore[arg-type]
    routes, times, shown = [], [], []
    for question in questions(small_data):
        template = template_agent.answer(question)
        assert template.route.startswith("plan:"), (question, template.route)
        t0 = time.perf_counter()
        ans = agent.answer(question)
        times.append(time.perf_counter() - t0)
        assert ans.route in (f"{template.route}+llm", f"{template.route}+template"), (question, ans.route)
        assert ans.sources == template.sources
        allowed = {n.whole for n in numbers_in(template.answer)} | {n.whole for n in numbers_in(question)}
        groups = {p for n in numbers_in(template.answer) for p in n.parts}
        for n in numbers_in(ans.answer, lang=ans.language):  # never a wrong number
            assert n.whole in allowed or (len(n.parts) > 1 and n.parts <= groups), (question, ans.answer)
        if ans.route.endswith("+template"):
            assert ans.answer == template.answer
        routes.append(ans.route.rsplit("+", 1)[1])
        shown.append(f"  [{routes[-1]}] {question}\n      {ans.answer[:300]!r}")
    phrased = routes.count("llm")
    print(
        f"\nSmolLM2 over HTTP rewording 10 planned answers: {phrased} reworded, {10 - phrased} kept the template; "
        f"latency p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms\n" + "\n".join(shown)
    )

    # A question the rules cannot plan: the model proposes a plan; only a valid one runs.
    assert agent.answerer is not None and agent.answerer.llm is llm
    question = "Me conta aí o tamanho da carteira de vagas daquele cliente, por favor"
    assert agent.answerer.planner.plan(question)[0].intent == "retrieval"
    before = len(llm.replies)
    plan = agent.answerer.plan(question)
    assert len(llm.replies) == before + 1  # asked over HTTP
    proposed = validate_proposal(llm.replies[-1])  # None for a reply cut at 96 tokens: then retrieval answers
    if proposed is None:
        assert plan.intent == "retrieval" and plan.source != "llm"
    else:
        assert plan.source == "llm" and plan == proposed
    print(f"plan proposal: {llm.replies[-1][:200]!r} → {'rejected' if proposed is None else plan.intent}")


def test_bentoml_serves_the_generator_set_at_serve_time(llm_url, served):
    url, home = served
    info = httpx.post(f"{url}/info", timeout=60).json()
    assert info["generator"] == "extractive" and info["generator_source"] == "model"  # the champion's own
    env = env_for(
        home,
        RECRUTA_EMBEDDER="hash",
        RECRUTA_CHUNK_SIZE="600",
        RECRUTA_GENERATOR="openai:smollm2",
        RECRUTA_OPENAI_BASE_URL=llm_url,
    )
    with serve("bentoml", "service:Recruta", env=env, log=home / "serve-openai.log") as server:
        info = httpx.post(f"{server.url}/info", timeout=60).json()
        assert info["generator"] == "openai:smollm2" and info["generator_source"] == "RECRUTA_GENERATOR"
        assert info["params"]["generator"] == "extractive"  # the experiment is untouched
        r = httpx.post(
            f"{server.url}/responder", json={"pergunta": "Quantos candidatos foram contratados em 2022?"}, timeout=300
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["fontes"] and "llm_phrase" in body["tempos_ms"]
        print(f"\n/responder with openai:smollm2 at serve time: {body['resposta'][:200]!r} {body['tempos_ms']}")
