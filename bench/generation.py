"""Generation: speed and quality of the default local LLM by backend, dtype and threads (issues #6 and #17).

    .venv/bin/python -m bench.generation                  # torch int4, openvino, llama.cpp (if installed) × 2 threads
    .venv/bin/python -m bench.generation --quick          # tiny generated sample, 1 thread, 2 questions, 16 tokens
    .venv/bin/python -m bench.generation --settings int4x2,bfloat16x2,float32x2,openvinox1 --rounds 3
    .venv/bin/python -m bench.generation --long-prompt    # issue #17's ~1.4k-token RAG prompt: 5 vagas as context

A setting is ``<dtype>x<threads>`` for the torch path (int4, bfloat16, float32) or ``<backend>x<threads>`` for an
engine decoding the GGUF itself (``openvino``, ``llama.cpp``: recruta/rag/gguf_backends.py; a backend that is not
installed is skipped and said so). Settings alternate within each of ``--rounds`` rounds, so a busy machine slows
them alike; the table gives each round's decode rate. Every answer is also compared with the first setting's
(greedy decoding: the same text unless the arithmetic differs): exact-match rate and ROUGE-L between them.

Every setting answers the same evaluation questions through the real RAG path (MiniLM retrieval with id
routing, the `rag` prompt, greedy decoding, the project's TransformersGenerator). A streamer stamps each
generated token, so every answer gives its time to first token (prompt processing) and its decode rate.
Quality (ROUGE-L, hit@k, MRR) comes from experiment.evaluate, the same code the experiment grid logs to
MLflow. The recommended default is the fastest setting whose ROUGE-L stays within 0.02 of fp32's.

``--long-prompt`` times decoding on long RAG prompts instead (BENCHMARKS.md, "LLM decoding backends on the GGUF"):
3 questions, each over 5 different vagas of the index as context (the `rag` template), cut so the prompt holds
about ``--prompt-tokens`` (1,400) tokens; every backend gets the same prompt ids; speed and agreement with the
first setting only (these prompts have no reference answers). Written as ``generation_long.{json,md}``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from recruta.core.settings import Settings, get_settings, quiet_telemetry

quiet_telemetry()

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from transformers.generation.streamers import BaseStreamer  # noqa: E402

from bench.harness import (  # noqa: E402
    BenchData,
    Plots,
    bench_home,
    command,
    committed_sample,
    contention_note,
    ensure_index,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from recruta.rag.generators import GenerationInput, TransformersGenerator  # noqa: E402
from recruta.rag.gguf_backends import GGUFGenerator  # noqa: E402

NAME = "generation"
QUALITY_TOLERANCE = 0.02  # ROUGE-L points a faster setting may lose against fp32 and still be "the same quality"
TARGET_TPS = 40.0


ENGINES = ("openvino", "llama.cpp")  # backends that decode the GGUF themselves


@dataclass(frozen=True, kw_only=True)
class Setting:
    dtype: str  # the torch dtype, or the engine's name for an engine backend
    threads: int

    @property
    def backend(self) -> str:
        return self.dtype if self.dtype in ENGINES else "torch"

    @property
    def label(self) -> str:
        names = {
            "bfloat16": "torch bf16",
            "float32": "torch fp32",
            "int4": "torch int4 weights (bf16 compute)",
            "openvino": "openvino-genai (GGUF u4)",
            "llama.cpp": "llama.cpp (GGUF Q4_1)",
        }
        return f"{names.get(self.dtype, self.dtype)}, {self.threads} thread{'s' if self.threads > 1 else ''}"


@dataclass(frozen=True, kw_only=True)
class Timing:
    prompt_tokens: int
    new_tokens: int
    ttft_s: float
    total_s: float

    @property
    def decode_s(self) -> float:
        return self.total_s - self.ttft_s


class TokenClock(BaseStreamer):
    """A transformers streamer that only records when each new token arrives (the first put is the prompt)."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self._prompt_seen = False

    def put(self, value: Any) -> None:
        if self._prompt_seen:
            self.stamps.append(time.perf_counter())
        self._prompt_seen = True

    def end(self) -> None:
        return None


class TimedGenerator:
    """The project's TransformersGenerator with a TokenClock attached: same prompt, kwargs and output."""

    def __init__(self, inner: TransformersGenerator | GGUFGenerator) -> None:
        self.inner, self.name = inner, inner.name
        self.timings: list[Timing] = []

    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str:
        if isinstance(self.inner, GGUFGenerator):
            return self._engine(self.inner, inp, max_new_tokens=max_new_tokens)
        torch = self.inner._torch
        started = time.perf_counter()
        enc = self.inner._inputs(inp.messages)
        clock = TokenClock()
        with self.inner._lock, torch.inference_mode():
            out = self.inner.model.generate(**enc, **self.inner._kwargs(max_new_tokens), streamer=clock)
        done = time.perf_counter()
        prompt = enc["input_ids"].shape[1]
        first = clock.stamps[0] if clock.stamps else done
        self.timings.append(
            Timing(
                prompt_tokens=prompt, new_tokens=out.shape[1] - prompt, ttft_s=first - started, total_s=done - started
            )
        )
        return self.inner.tokenizer.decode(out[0, prompt:], skip_special_tokens=True).strip()

    def _engine(self, inner: GGUFGenerator, inp: GenerationInput, *, max_new_tokens: int) -> str:
        """The same through a GGUF engine: the project's prompt ids, a stamp per token from the engine's callback."""
        started = time.perf_counter()
        prompt = inner._prompt(inp.messages)
        stamps: list[float] = []
        out = inner.engine(prompt, max_new_tokens, lambda _: stamps.append(time.perf_counter()) is None)
        done = time.perf_counter()
        first = stamps[0] if stamps else done
        self.timings.append(
            Timing(prompt_tokens=len(prompt), new_tokens=len(out), ttft_s=first - started, total_s=done - started)
        )
        return inner._text(out).strip()


def speed(timings: list[Timing], *, max_new_tokens: int = 128) -> dict[str, float]:
    """Decode rate over all answers (tokens after the first / time after the first), TTFT percentiles, and the
    end-to-end time of a ``max_new_tokens`` answer at those rates (TTFT p50 + the other tokens at the decode rate:
    answers stop at EOS, most before the limit)."""
    decoded = sum(max(t.new_tokens - 1, 0) for t in timings)
    decode_s = sum(t.decode_s for t in timings)
    ttft = sorted(t.ttft_s for t in timings)
    tps = decoded / decode_s if decode_s > 0 else 0.0
    return {
        "decode_tokens_per_s": tps,
        "answer_full_s": statistics.median(ttft) + (max_new_tokens - 1) / tps if tps else float("nan"),
        "ttft_s_p50": statistics.median(ttft),
        "ttft_s_p95": ttft[min(len(ttft) - 1, round(0.95 * (len(ttft) - 1)))],
        "answer_s_p50": statistics.median(t.total_s for t in timings),
        "new_tokens_mean": statistics.mean(t.new_tokens for t in timings),
        "prompt_tokens_mean": statistics.mean(t.prompt_tokens for t in timings),
    }


LONG_PROMPT_TOKENS = 1400
LONG_PROMPT_VAGAS = 5
LONG_QUESTIONS = (  # one per prompt, each over other vagas
    "Quais destas vagas pedem inglês avançado ou fluente, e em que cidade fica cada uma?",
    "Compare os requisitos técnicos principais destas vagas: qual exige mais experiência, e por quê?",
    "Para qual destas vagas um desenvolvedor sênior com SAP e Java seria o melhor candidato? Explique.",
)


def prompt_tokens(gen: Any, messages: list[dict[str, str]]) -> int:
    """Tokens of ``messages`` as the generators tokenise them (transformers' chat template, generation prompt)."""
    ids = gen.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
    if hasattr(ids, "keys"):  # transformers 5 returns a BatchEncoding
        ids = ids["input_ids"]
    return len(ids)


def long_prompts(
    store: Any, gen: Any, *, n: int, target_tokens: int = LONG_PROMPT_TOKENS, per_prompt: int = LONG_PROMPT_VAGAS
) -> list[GenerationInput]:
    """``n`` RAG prompts of about ``target_tokens`` tokens: question i over vagas 5i..5i+4 of the index (their
    chunks joined, wrapping around a small index), each vaga's text cut to the same length, the longest that keeps
    the prompt within ``target_tokens`` (all of it when even that is shorter)."""
    from recruta.ingest.store import Hit
    from recruta.rag.prompting import render

    got = store.get(where={"type": "vaga"})
    chunks: dict[str, list[tuple[int, str]]] = {}
    for meta, text in zip(got["metadatas"], got["documents"], strict=True):
        chunks.setdefault(str(meta["vaga_id"]), []).append((int(meta.get("chunk", 0)), text))
    vagas = [
        Hit(id=f"vaga:{vid}", text="\n".join(t for _, t in sorted(parts)), metadata={"type": "vaga"}, score=1.0)
        for vid, parts in sorted(chunks.items())
    ]
    if not vagas:
        raise RuntimeError("no vagas in the index to build long prompts from")
    inputs = []
    for i in range(n):
        question = LONG_QUESTIONS[i % len(LONG_QUESTIONS)]
        hits = [vagas[(i * per_prompt + j) % len(vagas)] for j in range(per_prompt)]

        def messages(chars: int, question: str = question, hits: list[Hit] = hits) -> list[dict[str, str]]:
            return render("rag", question=question, hits=hits, max_chars=chars, lang="pt")

        low, high = 50, max(len(h.text) for h in hits)
        while low < high:  # the longest cut that fits
            mid = (low + high + 1) // 2
            low, high = (mid, high) if prompt_tokens(gen, messages(mid)) <= target_tokens else (low, mid - 1)
        inputs.append(GenerationInput(question=question, hits=hits, messages=messages(low)))
    return inputs


def run_long(
    setting: Setting, *, prompts: list[GenerationInput], max_new_tokens: int, loaded: dict[str, tuple[Any, float]]
) -> dict[str, Any]:
    """One setting over the long prompts: speed, and the answers (for agreement with the first setting)."""
    gen, load_s = warm_generator(setting, loaded, warm=prompts[0].question)
    timed = TimedGenerator(gen)
    answers = [
        {"id": str(n), "prediction": timed.generate(inp, max_new_tokens=max_new_tokens)}
        for n, inp in enumerate(prompts)
    ]
    result = {
        "setting": setting.label,
        **asdict(setting),
        "backend": getattr(gen, "backend", setting.backend),
        "load_s": load_s,
        **speed(timed.timings, max_new_tokens=max_new_tokens),
        "questions": len(prompts),
        "timings": [asdict(t) for t in timed.timings],
        "answers": answers,
    }
    print(
        f"{setting.label}: {result['decode_tokens_per_s']:.1f} tok/s, TTFT p50 {result['ttft_s_p50']:.2f}s on "
        f"{result['prompt_tokens_mean']:.0f}-token prompts",
        flush=True,
    )
    return result


def warm_generator(setting: Setting, loaded: dict[str, tuple[Any, float]], *, warm: str) -> tuple[Any, float]:
    """The generator of ``setting``, loaded once (with its load time) and warmed on a 4-token answer."""
    import torch

    torch.set_num_threads(setting.threads)  # process-wide: the torch generator and the query embedder
    key = setting.dtype if setting.backend == "torch" else f"{setting.dtype}x{setting.threads}"  # engines: at load
    if key not in loaded:
        started = time.perf_counter()
        gen = load_generator(setting)
        loaded[key] = gen, time.perf_counter() - started
        messages = [{"role": "user", "content": warm}]
        gen.generate(GenerationInput(question=warm, hits=[], messages=messages), max_new_tokens=4)
    return loaded[key]


def load_generator(setting: Setting) -> Any:
    """The project's generator for ``setting`` (torch: TransformersGenerator; engines: make_generator's)."""
    from recruta.rag.generators import make_generator

    cache = get_settings().llm_cache
    if setting.backend == "torch":
        return TransformersGenerator("smollm2", cache_dir=cache, dtype=setting.dtype)
    return make_generator("smollm2", cache_dir=cache, backend=setting.backend, threads=setting.threads)


def run_setting(
    setting: Setting,
    *,
    settings: Settings,
    items: list[Any],
    max_new_tokens: int,
    loaded: dict[str, tuple[Any, float]],
) -> dict[str, Any]:
    from experiment import evaluate
    from model import RAGAgent, RAGConfig

    gen, load_s = warm_generator(setting, loaded, warm=items[0].question)
    timed = TimedGenerator(gen)
    config = RAGConfig.from_settings(settings, generator="smollm2", max_new_tokens=max_new_tokens)
    agent = RAGAgent.from_config(config, settings=settings, generator=timed)
    quality, rows = evaluate(agent, items, desc=setting.label)
    result = {
        "setting": setting.label,
        **asdict(setting),
        "backend": getattr(gen, "backend", setting.backend),
        "load_s": load_s,
        **speed(timed.timings, max_new_tokens=max_new_tokens),
        "rougeL": quality["rougeL"],
        "hit_at_k": quality["hit_at_k"],
        "mrr": quality["mrr"],
        "top_k": config.top_k,
        "questions": len(items),
        "timings": [asdict(t) for t in timed.timings],
        "answers": [{"id": r["id"], "prediction": r["prediction"], "rougeL": r["rougeL"]} for r in rows],
    }
    print(
        f"{setting.label}: {result['decode_tokens_per_s']:.1f} tok/s, TTFT p50 {result['ttft_s_p50']:.2f}s, "
        f"ROUGE-L {result['rougeL']:.3f}, hit@k {result['hit_at_k']:.2f}",
        flush=True,
    )
    return result


def merge_rounds(runs: list[dict[str, Any]], *, max_new_tokens: int) -> dict[str, Any]:
    """One setting's rounds as one row: speed over every answer of every round, each round's decode rate, and the
    first round's answers and quality (greedy: every round answers the same)."""
    timings = [Timing(**t) for run in runs for t in run["timings"]]
    return {
        **runs[0],
        **speed(timings, max_new_tokens=max_new_tokens),
        "decode_tokens_per_s_rounds": [run["decode_tokens_per_s"] for run in runs],
        "rounds": len(runs),
        "timings": [asdict(t) for t in timings],
    }


def agreement(results: list[dict[str, Any]]) -> None:
    """Each setting's answers against the first setting's, question by question: exact-match rate and mean
    ROUGE-L between the two texts (1.0 and 1.0: the same answers)."""
    from recruta.rag.metrics import rouge

    reference = {a["id"]: a["prediction"] for a in results[0]["answers"]}
    for r in results:
        pairs = [(a["prediction"], reference[a["id"]]) for a in r["answers"] if a["id"] in reference]
        r["same_answers"] = statistics.mean(p.strip() == q.strip() for p, q in pairs) if pairs else float("nan")
        r["rougeL_vs_first"] = statistics.mean(rouge(p, q)["rougeL"] for p, q in pairs) if pairs else float("nan")


def recommend(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest setting whose ROUGE-L is within QUALITY_TOLERANCE of the best fp32 one (or of the best)."""
    reference = max(
        (r["rougeL"] for r in results if r["dtype"] == "float32"), default=max(r["rougeL"] for r in results)
    )
    keeps = [r for r in results if r["rougeL"] >= reference - QUALITY_TOLERANCE]
    best = max(keeps, key=lambda r: (r["decode_tokens_per_s"], -r["ttft_s_p50"]))
    return {
        "setting": best["setting"],
        "backend": best["backend"],
        "dtype": best["dtype"],
        "threads": best["threads"],
        "reference_rougeL": reference,
        "tolerance": QUALITY_TOLERANCE,
    }


def plot(results: list[dict[str, Any]], path: Path) -> Path:
    labels = [r["setting"] for r in results]
    fig, axes = plt.subplots(1, 2, figsize=(10, 0.5 * len(labels) + 2))
    axes[0].barh(labels, [r["decode_tokens_per_s"] for r in results], color="#3b6ea8")
    axes[0].axvline(TARGET_TPS, color="#c0504d", linestyle="--", label=f"target {TARGET_TPS:.0f} tok/s")
    axes[0].set_xlabel("decode tokens/s (higher is better)")
    axes[0].legend(fontsize=8)
    axes[1].barh(labels, [r["ttft_s_p50"] for r in results], color="#9bbb59")
    axes[1].set_xlabel("time to first token, p50 (s, lower is better)")
    axes[1].set_yticks(range(len(labels)), [""] * len(labels))
    fig.suptitle("SmolLM2-135M-Instruct on the RAG prompts, by backend, dtype and threads", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render(data: dict[str, Any], *, bench: BenchData, plots: Plots, png: Path) -> str:
    rec, shipped, r0 = data["recommended"], data["shipped_defaults"], data["results"][0]
    threads_shipped = shipped["torch_threads"] or f"torch default = {data['machine']['cpus']}"
    if rec["backend"] == "torch" or rec["backend"].startswith("torch"):
        matches = shipped["llm_backend"] == "torch" and rec["dtype"] == shipped["llm_dtype"]
    else:
        matches = rec["backend"] == shipped["llm_backend"]
    rows = _rows(data)
    cols = [
        *_speed_columns(data),
        ("rougeL", "ROUGE-L", ".3f"),
        ("same_answers", "same text as 1st", ".2f"),
        ("rougeL_vs_first", "ROUGE-L vs 1st", ".3f"),
        ("hit_at_k", f"hit@{r0['top_k']}", ".2f"),
        ("load_s", "load (s)", ".1f"),
    ]
    skipped = "".join(f" Skipped: {s}." for s in data.get("skipped", []))
    return "\n".join(
        [
            "## Generation: SmolLM2-135M by backend, dtype and threads",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"{r0['questions']} dev questions of {bench.label}, answered through the real RAG path (MiniLM retrieval "
            f"with id routing, top-k {r0['top_k']}, `rag` prompt of ~{r0['prompt_tokens_mean']:.0f} tokens, greedy, "
            f"repetition penalty 1.1, at most {data['max_new_tokens']} new tokens), the settings alternating over "
            f"{r0.get('rounds', 1)} round(s). Every backend gets the same prompt ids (transformers' tokenizer and chat "
            "template). Decode tokens/s = tokens after the first / time after the first, over all answers; TTFT = "
            "question → first generated token (tokenise + prompt prefill); "
            f"{data['max_new_tokens']}-token answer = TTFT p50 + {data['max_new_tokens'] - 1} tokens at the decode "
            "rate (most answers stop at EOS before the limit). `same text as 1st` / `ROUGE-L vs 1st`: each answer "
            "against the first setting's answer to the same question. `load` includes one-time conversions "
            f"(GGUF → dtype or → OpenVINO IR) when the cached copy was missing.{skipped}",
            "",
            table(rows, cols),
            "",
            f"**Fastest setting that keeps quality** (ROUGE-L within {rec['tolerance']} of the reference "
            f"{rec['reference_rougeL']:.3f}): **{rec['setting']}**. Shipped defaults (`recruta/core/settings.py`): "
            f"`llm_backend={shipped['llm_backend']}`, `llm_dtype={shipped['llm_dtype']}` (torch), "
            f"`torch_threads={threads_shipped}` — {'the same' if matches else 'DIFFERENT: update the defaults'}.",
            "",
            plots.link(png, "decode tokens/s and time to first token by setting"),
        ]
    )


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The results with each round's decode rate in one cell."""
    return [
        {**r, "rounds_tps": " / ".join(f"{x:.1f}" for x in r.get("decode_tokens_per_s_rounds", []))}
        for r in data["results"]
    ]


def _speed_columns(data: dict[str, Any]) -> list[tuple[str, str] | tuple[str, str, str]]:
    """The speed columns both generation tables open with."""
    return [
        ("setting", "setting"),
        ("decode_tokens_per_s", "decode tokens/s", ".1f"),
        ("rounds_tps", "per round"),
        ("ttft_s_p50", "TTFT p50 (s)", ".2f"),
        ("ttft_s_p95", "TTFT p95 (s)", ".2f"),
        ("answer_full_s", f"{data['max_new_tokens']}-token answer (s)", ".1f"),
        ("answer_s_p50", "answer p50 (s)", ".2f"),
        ("new_tokens_mean", "new tokens (mean)", ".0f"),
    ]


def render_long(data: dict[str, Any], *, plots: Plots, png: Path) -> str:
    r0 = data["results"][0]
    rows = _rows(data)
    skipped = "".join(f" Skipped: {s}." for s in data.get("skipped", []))
    return "\n".join(
        [
            "## Generation on the long RAG prompt (issue #17): SmolLM2-135M by backend",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"{r0['questions']} prompts of ~{r0['prompt_tokens_mean']:.0f} tokens (target {data['prompt_tokens']:,}): "
            f"the `rag` template with {LONG_PROMPT_VAGAS} vagas of {data['data']} as context (each cut to the same "
            "length), a different question and different vagas per prompt; greedy, repetition penalty 1.1, at most "
            f"{data['max_new_tokens']} new tokens, the settings alternating over {r0.get('rounds', 1)} round(s), "
            "every backend on the same prompt ids. Decode tokens/s, TTFT and the "
            f"{data['max_new_tokens']}-token answer as in the generation section above; `same text as 1st` / "
            f"`ROUGE-L vs 1st`: each answer against the first setting's.{skipped}",
            "",
            table(
                rows,
                [
                    *_speed_columns(data),
                    ("prompt_tokens_mean", "prompt tokens (mean)", ".0f"),
                    ("same_answers", "same text as 1st", ".2f"),
                    ("rougeL_vs_first", "ROUGE-L vs 1st", ".3f"),
                    ("load_s", "load (s)", ".1f"),
                ],
            ),
            "",
            plots.link(png, "decode tokens/s and time to first token on the long prompt"),
        ]
    )


def parse_settings(chosen: str) -> list[Setting]:
    """``int4x2,openvinox2`` → Settings (the threads after the last ``x``)."""
    return [Setting(dtype=d, threads=int(t)) for d, _, t in (x.strip().rpartition("x") for x in chosen.split(","))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sample, 1 thread, 2 questions, 16 new tokens (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument(
        "--settings",
        default=None,
        help="list of <dtype|backend>x<threads> (default int4x2,openvinox2,llama.cppx2; quick int4x1,openvinox1)",
    )
    p.add_argument("--rounds", type=int, default=None, help="alternating rounds (default 2, quick 1)")
    p.add_argument("--limit", type=int, default=None, help="dev questions per setting (default 8, quick 2)")
    p.add_argument("--max-new-tokens", type=int, default=None, help="default: the shipped 128 (quick 16)")
    p.add_argument(
        "--long-prompt",
        action="store_true",
        help="time decoding on ~1.4k-token RAG prompts (5 vagas as context; --limit prompts, default 3, quick 2)",
    )
    p.add_argument("--prompt-tokens", type=int, default=LONG_PROMPT_TOKENS, help="--long-prompt's prompt size")
    a = p.parse_args(argv)
    from recruta.rag.gguf_backends import backend_available, missing_backend

    limit = a.limit or (2 if a.quick else 3 if a.long_prompt else 8)
    rounds = a.rounds or (1 if a.quick else 2)
    max_new_tokens = a.max_new_tokens or (16 if a.quick else get_settings().max_new_tokens)
    chosen = a.settings or ("int4x1,openvinox1" if a.quick else "int4x2,openvinox2,llama.cppx2")
    grid = parse_settings(chosen)
    skipped = sorted({missing_backend(s.backend) for s in grid if not backend_available(s.backend)})
    grid = [s for s in grid if backend_available(s.backend)]
    for reason in skipped:
        print(f"skipped: {reason}", flush=True)
    info = machine_info()
    from recruta.rag import evalset

    if a.long_prompt:
        return main_long(a, grid=grid, skipped=skipped, limit=limit, rounds=rounds, max_new_tokens=max_new_tokens)
    with tempfile.TemporaryDirectory() as tmp:
        bench = tiny_sample(Path(tmp) / "data") if a.quick else committed_sample()
        settings = Settings(home=bench_home(a.quick, Path(tmp)), embedder="minilm")
        _, index_s = ensure_index(bench, settings)
        items = [i for i in evalset.load(bench.evalset) if i.split == "dev"][:limit]
        loaded: dict[str, tuple[Any, float]] = {}
        runs: dict[Setting, list[dict[str, Any]]] = {s: [] for s in grid}
        for _ in range(rounds):
            for setting in grid:
                runs[setting].append(
                    run_setting(setting, settings=settings, items=items, max_new_tokens=max_new_tokens, loaded=loaded)
                )
    results = [merge_rounds(runs[s], max_new_tokens=max_new_tokens) for s in grid]
    agreement(results)
    defaults = Settings.model_fields
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "data": bench.label,
        "index_build_s": index_s,
        "max_new_tokens": max_new_tokens,
        "skipped": skipped,
        "results": results,
        "recommended": recommend(results),
        "shipped_defaults": {
            "llm_backend": defaults["llm_backend"].default,
            "llm_dtype": defaults["llm_dtype"].default,
            "torch_threads": defaults["torch_threads"].default,
        },
    }
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(results, plots.path("speed"))
    write_outputs(NAME, a.out, data, render(data, bench=bench, plots=plots, png=png))
    return 0


def main_long(
    a: argparse.Namespace, *, grid: list[Setting], skipped: list[str], limit: int, rounds: int, max_new_tokens: int
) -> int:
    """``--long-prompt``: the settings alternating over long RAG prompts built once from the index."""
    info = machine_info()
    loaded: dict[str, tuple[Any, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bench = tiny_sample(Path(tmp) / "data") if a.quick else committed_sample()
        settings = Settings(home=bench_home(a.quick, Path(tmp)), embedder="minilm")
        store, index_s = ensure_index(bench, settings)
        first, _ = warm_generator(grid[0], loaded, warm=LONG_QUESTIONS[0])
        prompts = long_prompts(store, first, n=limit, target_tokens=a.prompt_tokens)
    runs: dict[Setting, list[dict[str, Any]]] = {s: [] for s in grid}
    for _ in range(rounds):
        for setting in grid:
            runs[setting].append(run_long(setting, prompts=prompts, max_new_tokens=max_new_tokens, loaded=loaded))
    results = [merge_rounds(runs[s], max_new_tokens=max_new_tokens) for s in grid]
    agreement(results)
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "data": bench.label,
        "index_build_s": index_s,
        "max_new_tokens": max_new_tokens,
        "prompt_tokens": a.prompt_tokens,
        "prompts": [inp.messages for inp in prompts],
        "skipped": skipped,
        "results": results,
    }
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(results, plots.path("long_speed"))
    write_outputs(f"{NAME}_long", a.out, data, render_long(data, plots=plots, png=png))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
