"""/responder over HTTP with the planner inside: the contract unchanged, planned answers exact and fast."""

from __future__ import annotations

import json
import statistics
import time

import httpx
import pytest

pytestmark = pytest.mark.server


def test_responder_answers_described_vagas_exactly_and_fast(served, small_data):
    url, _ = served
    vagas = json.loads((small_data / "vagas.json").read_text())
    prospects = json.loads((small_data / "prospects.json").read_text())
    pairs = {}
    for vid, v in vagas.items():
        pairs.setdefault((v["informacoes_basicas"]["titulo_vaga"], v["informacoes_basicas"]["cliente"]), []).append(vid)
    unique = [ids[0] for ids in pairs.values() if len(ids) == 1][:10]
    times, inside = [], []
    for vid in unique:
        b = vagas[vid]["informacoes_basicas"]
        t0 = time.perf_counter()
        r = httpx.post(
            f"{url}/responder",
            timeout=60,
            json={"pergunta": f"Quem foi contratado para a vaga de {b['titulo_vaga']} da {b['cliente']}?"},
        )
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.text
        body = r.json()
        inside.append(sum(body["tempos_ms"].values()) / 1000)
        assert set(body) >= {"resposta", "fontes", "idioma", "tempos_ms", "modelo", "request_id"}
        assert any(f["id"] == f"vaga:{vid}" for f in body["fontes"])
        hired = [
            p["nome"]
            for p in prospects.get(vid, {}).get("prospects", [])
            if p["situacao_candidado"]
            in ("Contratado pela Decision", "Contratado como Hunting", "Aprovado", "Proposta Aceita")
        ]
        assert all(name in body["resposta"] for name in hired)
        assert hired or body["resposta"].startswith("Ninguém foi contratado")
    for question in (
        "Quantos candidatos foram contratados em 2022?",
        "Which clients had the most open positions?",
        "Me indique três candidatos com experiência em Kafka para uma vaga de backend.",
    ):
        t0 = time.perf_counter()
        r = httpx.post(f"{url}/responder", json={"pergunta": question}, timeout=60)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200 and r.json()["fontes"]
    floor = []
    for _ in range(5):  # the service's own cost per request (/info does no work): what HTTP adds on this machine
        t0 = time.perf_counter()
        httpx.post(f"{url}/info", timeout=60)
        floor.append(time.perf_counter() - t0)
    p50, agent_p50 = statistics.median(times), statistics.median(inside)
    print(
        f"\n/responder planned answers: HTTP p50 {p50 * 1000:.0f} ms (max {max(times) * 1000:.0f}); inside the agent "
        f"p50 {agent_p50 * 1000:.0f} ms; /info p50 {statistics.median(floor) * 1000:.0f} ms"
    )
    assert agent_p50 < 0.15
