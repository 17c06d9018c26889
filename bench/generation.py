"""Tokens/s and time to first token of the local LLM by dtype and torch threads, on a RAG-sized prompt.

    .venv/bin/python bench/generation.py                 # smollm2, bf16 and fp32, threads 1 and 2
    .venv/bin/python bench/generation.py --repeats 5 --max-new-tokens 128
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruta.settings import get_settings, quiet_telemetry  # noqa: E402

quiet_telemetry()

PROMPT = [
    {"role": "system", "content": (ROOT / "recruta" / "prompts" / "rag_pt.txt").read_text().split("### user")[0]
     .replace("### system", "").strip()},
    {"role": "user", "content": "Contexto:\n" + "\n\n".join(
        f"[{n}] Vaga: 100{n} - Analista Desenvolvedor Java\nCliente: Atlântica Automotiva\nInglês: Fluente\n"
        "Principais atividades: manutenção evolutiva e corretiva de sistemas legados em Java EE; migração de "
        "aplicações monolíticas para microsserviços; rotinas batch com Spring Batch; levantamento de requisitos."
        for n in range(3)) + "\n\nPergunta: Qual o nível de inglês exigido para a vaga 1001?\nResposta:"},
]


def run(spec: str, dtype: str, threads: int, *, repeats: int, max_new_tokens: int) -> dict:
    import torch

    from recruta.generators import GenerationInput, TransformersGenerator

    torch.set_num_threads(threads)
    gen = TransformersGenerator(spec, cache_dir=get_settings().llm_cache, dtype=dtype, threads=threads)
    inp = GenerationInput(question="", hits=[], messages=PROMPT)
    prompt_tokens = gen._inputs(PROMPT)["input_ids"].shape[1]
    gen.generate(inp, max_new_tokens=8)  # warm-up
    ttft, tps = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        first = None
        pieces = []
        for piece in gen.stream(inp, max_new_tokens=max_new_tokens):
            first = first or time.perf_counter()
            pieces.append(piece)
        total = time.perf_counter() - t0
        n = len(gen.tokenizer("".join(pieces))["input_ids"])
        ttft.append((first or time.perf_counter()) - t0)
        tps.append(n / max(total - ttft[-1], 1e-6))
    return {"model": spec, "dtype": dtype, "threads": threads, "prompt_tokens": prompt_tokens,
            "ttft_s_p50": round(statistics.median(ttft), 3), "tokens_per_s_p50": round(statistics.median(tps), 1)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="smollm2")
    p.add_argument("--dtypes", default="bfloat16,float32")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--max-new-tokens", type=int, default=96)
    a = p.parse_args(argv)
    rows = [run(a.model, d, int(t), repeats=a.repeats, max_new_tokens=a.max_new_tokens)
            for d in a.dtypes.split(",") for t in a.threads.split(",")]
    for r in rows:
        print(json.dumps(r))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "generation.json").write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
