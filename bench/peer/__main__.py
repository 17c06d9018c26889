"""Side by side with what users would otherwise build: our RAG vs the same RAG in LlamaIndex (issue #6, part 6).

    .venv/bin/python -m bench.peer --out bench/out            # committed sample: a 1,000-chunk slice, 8 LLM questions
    .venv/bin/python -m bench.peer --quick --out bench/out    # tiny generated sample, 2 LLM questions, 16 tokens (CI)
    .venv/bin/python -m bench.peer --chunks 3000 --questions 20 --max-new-tokens 128

Same data (the same chunk texts, ids and metadata), embedder weights (all-MiniLM-L6-v2, batch 32), vector store
(embedded Chroma), top-k, prompt file and LLM weights (SmolLM2-135M-Instruct from the packaged GGUF, greedy) on
every side; see bench/peer/llamaindex_rag.py for how the LlamaIndex side is built. Three systems:

- ``ours (as shipped)``: our pipeline with the shipped runtime defaults, read from ``recruta.core.settings.Settings``'
  field defaults (``embedder_backend``: OpenVINO bf16 today; ``llm_dtype``: int4 today, the GGUF's Q4_1 blocks);
- ``ours (same runtime)``: our pipeline on LlamaIndex's runtimes (MiniLM on torch, the bf16 SmolLM2 folder), so
  only the framework differs; its ``no id routing`` variant retrieves exactly what LlamaIndex retrieves;
- ``LlamaIndex``: the common way (HuggingFaceEmbedding, ChromaVectorStore, HuggingFaceLLM bf16).

In one process, alternating the systems so other work on the machine hits them alike:

1. ingestion of a slice of the data (the records every dev question needs, plus distractors up to ``--chunks``),
   in six parts, each system into its own fresh folder; the order changes every part (the rotations of
   shipped → same runtime → LlamaIndex, then those of the reverse: every order once, so each system goes first,
   second and last twice); model loading, conversion and a warm-up batch stay out of the timings;
2. retrieval-only latency (query embedding + vector search) on every dev question, the order rotating per query;
3. end to end with the extractive answerer (the same answer rule on every side, so only retrieval and framework
   differ) on every dev question, and with the LLM on ``--questions`` of them (one per question kind in turn);
   quality (ROUGE-L, BLEU, hit@k, MRR) by the project's own metric code (recruta.rag.metrics, experiment.summarise).

Ratios are LlamaIndex / ours: above 1 means ours is faster. The aim (ours faster at equal quality) is judged
for each of our two systems from the numbers: every ratio (ingestion, p50 of each query measure) above 1, and
no quality measure (ROUGE-L, hit@k, MRR per answerer) lower than LlamaIndex's by more than
``QUALITY_TOLERANCE`` and twice the paired standard error over the questions.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()  # before the heavy imports below: "whole run" counts them too

from recruta.core.settings import Settings, get_settings, quiet_telemetry  # noqa: E402

quiet_telemetry()

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from llama_index.core.instrumentation import get_dispatcher  # noqa: E402
from llama_index.core.instrumentation.event_handlers import BaseEventHandler  # noqa: E402
from llama_index.core.instrumentation.events import BaseEvent  # noqa: E402
from llama_index.core.instrumentation.events.llm import LLMChatEndEvent  # noqa: E402

from bench.harness import (  # noqa: E402
    BenchData,
    Plots,
    command,
    committed_sample,
    contention_note,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from bench.peer.llamaindex_rag import (  # noqa: E402
    LlamaIndexRAG,
    Mode,
    PeerConfig,
    local_embedding,
    local_llm,
    use_local_models,
)
from recruta.ingest.documents import build_documents  # noqa: E402
from recruta.ingest.loaders import FILES, load_dataset  # noqa: E402
from recruta.rag import evalset  # noqa: E402
from recruta.rag.evalset import EvalItem  # noqa: E402
from recruta.rag.metrics import hit_at_k, mrr, percentile, retrieval_rank, rouge  # noqa: E402

NAME = "peer"
SHIPPED, OURS, PEER = "ours (as shipped)", "ours (same runtime)", "LlamaIndex"
OURS_NO_ROUTING = "ours (same runtime), no id routing"
SYSTEMS = (SHIPPED, OURS, OURS_NO_ROUTING, PEER)  # display order
SHIPPED_BACKEND: str = Settings.model_fields["embedder_backend"].default  # the project's defaults, whatever they are
SHIPPED_DTYPE: str = Settings.model_fields["llm_dtype"].default
SAME_BACKEND, SAME_DTYPE = "torch", "bfloat16"  # what HuggingFaceEmbedding and HuggingFaceLLM (bf16) run
QUALITY = ("rougeL", "hit_at_k", "mrr")  # per-question means, compared pairwise for the aim
QUALITY_TOLERANCE = 0.01
Unit = tuple[str, str]  # ("vaga", id): a vaga with its applications; ("candidato", code): an applicant
QUICK_SAMPLE = {"n_vagas": 6, "n_applicants": 14, "n_prospects": 30, "n_questions": 16}
PARTS = 6  # ingestion alternates the systems part by part (see part_orders)
ANSWER_KEYS = ("id", "prediction", "sources", "rank", "rougeL", "latency_ms")


@dataclass(frozen=True, kw_only=True)
class Slice:
    """The data both systems ingest: part folders (ingested one after the other) and what they hold."""

    parts: list[Path]
    chunks: int
    vagas: int
    applicants: int
    applications: int
    needed_records: int


def pick_questions(items: Sequence[EvalItem], limit: int) -> list[EvalItem]:
    """Dev questions one kind after another (the first of each kind, then the second…), ``limit`` in all."""
    by_kind: dict[str, list[EvalItem]] = {}
    for item in items:
        if item.split == "dev":
            by_kind.setdefault(item.kind, []).append(item)
    picked: list[EvalItem] = []
    depth = 0
    while len(picked) < limit and any(depth < len(v) for v in by_kind.values()):
        picked += [by_kind[k][depth] for k in sorted(by_kind) if depth < len(by_kind[k])]
        depth += 1
    return picked[:limit]


def _unit(record: str) -> Unit:
    """``vaga:1003`` / ``prospect:1003:10042`` → the vaga's unit; ``candidato:10042[:n]`` → the applicant's."""
    kind, _, rest = record.partition(":")
    return ("candidato", rest.split(":")[0]) if kind == "candidato" else ("vaga", rest.split(":")[0])


def make_slice(source: Path, out: Path, *, items: Sequence[EvalItem], target_chunks: int | None, parts: int,
               settings: Settings) -> Slice:
    """Write ``parts`` Decision folders holding the records ``items`` need plus distractors up to ``target_chunks``.

    Distractors are taken in file order, vagas (with all their applications) and applicants in the proportion
    of the full data's chunks. ``target_chunks=None`` takes everything."""
    raw = {name: json.loads((source / file).read_text(encoding="utf-8")) for name, file in FILES.items()}
    ds = load_dataset(source, hired_statuses=settings.hired_statuses)
    sizes: Counter[Unit] = Counter(_unit(d.id) for d in build_documents(
        ds, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap))
    chosen = [u for u in dict.fromkeys(_unit(r) for item in items for r in item.record_ids) if u in sizes]
    taken = set(chosen)
    pools = {kind: [u for u in sizes if u[0] == kind and u not in taken] for kind in ("vaga", "candidato")}
    share = {kind: sum(n for u, n in sizes.items() if u[0] == kind) / sum(sizes.values()) for kind in pools}
    held = {kind: sum(sizes[u] for u in chosen if u[0] == kind) for kind in pools}
    limit = sum(sizes.values()) if target_chunks is None else target_chunks
    while sum(held.values()) < limit and any(pools.values()):
        kind = min((k for k in pools if pools[k]), key=lambda k: held[k] / max(sum(held.values()), 1) - share[k])
        unit = pools[kind].pop(0)
        chosen.append(unit)
        held[kind] += sizes[unit]
    folders = []
    for p in range(parts):
        folder = out / f"part{p + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        mine = chosen[p::parts]
        vagas = [i for kind, i in mine if kind == "vaga"]
        codes = [i for kind, i in mine if kind == "candidato"]
        files = {"vagas": {i: raw["vagas"][i] for i in vagas if i in raw["vagas"]},
                 "prospects": {i: raw["prospects"][i] for i in vagas if i in raw["prospects"]},
                 "applicants": {c: raw["applicants"][c] for c in codes if c in raw["applicants"]}}
        for name, content in files.items():
            (folder / FILES[name]).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        folders.append(folder)
    vaga_ids = {i for kind, i in chosen if kind == "vaga"}
    return Slice(parts=folders, chunks=sum(held.values()), vagas=len(vaga_ids & set(raw["vagas"])),
                 applicants=sum(kind == "candidato" for kind, _ in chosen),
                 applications=sum(len(raw["prospects"].get(i, {}).get("prospects", [])) for i in vaga_ids),
                 needed_records=len({r for item in items for r in item.record_ids}))


def _seconds(fn: Callable[[Path], Any], folder: Path) -> float:
    started = time.perf_counter()
    fn(folder)
    return time.perf_counter() - started


def part_orders(names: Sequence[str], parts: int) -> list[list[str]]:
    """The systems' order in each ingestion part: the rotations of ``names``, then the rotations of their reverse,
    over and over. Two systems: AB, BA, BA, AB (ABBA); three in six parts: every order once, so each system
    is first, second and last twice and directly follows each other one twice."""
    cycle = [_rotated(names, i) for i in range(len(names))] + [_rotated(names[::-1], i) for i in range(len(names))]
    return [cycle[p % len(cycle)] for p in range(parts)]


def ingest_all(data: Slice, *, runs: dict[str, Callable[[Path], Any]]) -> dict[str, Any]:
    """Each part into every system, in :func:`part_orders`' order; ratios LlamaIndex / each of ours."""
    per_part = []
    for n, (folder, order) in enumerate(zip(data.parts, part_orders(list(runs), len(data.parts)), strict=True)):
        per_part.append({"part": n + 1, "order": " → ".join(order),
                         **{name: _seconds(runs[name], folder) for name in order}})
    seconds = {name: sum(p[name] for p in per_part) for name in runs}
    return {"per_part": per_part, "seconds": seconds,
            "ratio": {name: seconds[PEER] / seconds[name] for name in runs if name != PEER}}


def _latency_of(m: dict[str, float]) -> dict[str, float]:
    return {key: m[key] for key in ("p50_ms", "p95_ms", "n")}


def _latency(ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "n": len(ms)}


def _rotated(names: Sequence[str], shift: int) -> list[str]:
    """The systems in turn: which one goes first moves on with every query."""
    shift %= len(names)
    return [*names[shift:], *names[:shift]]


def retrieval_pass(items: Sequence[EvalItem], *, systems: dict[str, Callable[[str], list[str]]], k: int,
                   rounds: int) -> dict[str, dict[str, float]]:
    """Retrieval-only latency per system over ``rounds`` passes of ``items``; hit@k and MRR from the first pass."""
    ms: dict[str, list[float]] = {name: [] for name in systems}
    ranks: dict[str, list[int | None]] = {name: [] for name in systems}
    for r in range(rounds):
        for i, item in enumerate(items):
            for name in _rotated(list(systems), i + r):
                started = time.perf_counter()
                ids = systems[name](item.question)
                ms[name].append((time.perf_counter() - started) * 1000)
                if r == 0:
                    ranks[name].append(retrieval_rank(ids, item.record_ids))
    return {name: {**_latency(ms[name]), "hit_at_k": hit_at_k(ranks[name], k), "mrr": mrr(ranks[name])}
            for name in systems}


def answer_pass(items: Sequence[EvalItem], *, systems: dict[str, Callable[[str], tuple[str, list[str]]]],
                k: int) -> tuple[dict[str, dict[str, float]], dict[str, list[dict[str, Any]]]]:
    """End-to-end answers, systems in turn; rows and metrics as experiment.evaluate/summarise make them."""
    from experiment import summarise

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in systems}
    for i, item in enumerate(items):
        for name in _rotated(list(systems), i):
            started = time.perf_counter()
            prediction, ids = systems[name](item.question)
            latency = (time.perf_counter() - started) * 1000
            rows[name].append({"id": item.id, "split": item.split, "kind": item.kind, "question": item.question,
                               "reference": item.reference, "prediction": prediction, "sources": ", ".join(ids),
                               "rank": retrieval_rank(ids, item.record_ids), "latency_ms": round(latency, 1),
                               **rouge(prediction, item.reference)})
    return {name: summarise(rows[name], k=k) for name in systems}, rows


def _ours_answer(agent: Any) -> Callable[[str], tuple[str, list[str]]]:
    def run(question: str) -> tuple[str, list[str]]:
        ans = agent.answer(question)
        return ans.answer, [s["id"] for s in ans.sources]
    return run


def _peer_answer(peer: LlamaIndexRAG, mode: Mode) -> Callable[[str], tuple[str, list[str]]]:
    def run(question: str) -> tuple[str, list[str]]:
        ans = peer.answer(question, mode=mode)
        return ans.answer, [s["id"] for s in ans.sources]
    return run


Call = tuple[list[dict[str, str]], str]  # the chat messages an LLM got, and its answer


class RecordingGenerator:
    """Our TransformersGenerator, keeping each call's messages and answer (for prompt/answer token counts)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name
        self.calls: list[Call] = []

    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        text = self.inner.generate(inp, max_new_tokens=max_new_tokens)
        self.calls.append((list(inp.messages), text))
        return text


class RecordingHandler(BaseEventHandler):
    """The same for LlamaIndex, through its instrumentation API: every chat call's messages and answer."""

    calls: list[Call] = []

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        if isinstance(event, LLMChatEndEvent) and event.response is not None:
            self.calls.append(([{"role": m.role.value, "content": m.content or ""} for m in event.messages],
                               event.response.message.content or ""))


def token_counts(calls: Sequence[Call], *, tokenizer: Any) -> dict[str, float]:
    """Mean prompt tokens (chat template applied, as generate() sees them) and answer tokens per LLM call."""
    prompts = [len(tokenizer.apply_chat_template(m, add_generation_prompt=True, tokenize=True, return_dict=True)
                   ["input_ids"]) for m, _ in calls]
    answers = [len(tokenizer(text, add_special_tokens=False)["input_ids"]) for _, text in calls]
    return {"llm_calls": len(calls), "prompt_tokens_mean": statistics.mean(prompts) if prompts else 0.0,
            "answer_tokens_mean": statistics.mean(answers) if answers else 0.0}


def _per_question(rows: Sequence[dict[str, Any]], metric: str, k: int) -> list[float]:
    """ROUGE-L, hit@k or reciprocal rank of each answer: the means of these are summarise()'s numbers."""
    if metric == "rougeL":
        return [r["rougeL"] for r in rows]
    if metric == "hit_at_k":
        return [float(r["rank"] is not None and r["rank"] <= k) for r in rows]
    if metric == "mrr":
        return [1.0 / r["rank"] if r["rank"] else 0.0 for r in rows]
    raise ValueError(f"no per-question form of {metric!r}")


def aim(ours: str, *, ingestion: dict[str, Any], latency: dict[str, dict[str, dict[str, float]]],
        rows: dict[str, dict[str, list[dict[str, Any]]]], k: int) -> dict[str, Any]:
    """Is ``ours`` faster than LlamaIndex at equal quality? Faster: every ratio LlamaIndex / ours (ingestion, and
    p50 of each query measure) above 1. Equal quality: on every answerer, no measure of :data:`QUALITY` below
    LlamaIndex's by more than ``QUALITY_TOLERANCE`` and twice the paired standard error (questions answered by
    both, in the same order), so a few noisy LLM answers do not decide it."""
    speed = {"ingestion": ingestion["ratio"][ours],
             **{m: by[PEER]["p50_ms"] / by[ours]["p50_ms"] for m, by in latency.items() if ours in by}}
    quality: dict[str, dict[str, Any]] = {}
    for mode, by in rows.items():
        if ours not in by:
            continue
        for metric in QUALITY:
            diffs = [a - b for a, b in zip(_per_question(by[ours], metric, k), _per_question(by[PEER], metric, k),
                                           strict=True)]
            mean = statistics.mean(diffs)
            se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else 0.0
            quality[f"{mode} {metric}"] = {"diff": mean, "se": se, "lower": mean < -max(QUALITY_TOLERANCE, 2 * se)}
    slower = [m for m, r in speed.items() if r <= 1]
    lower = [m for m, q in quality.items() if q["lower"]]
    return {"speed": speed, "quality": quality, "slower": slower, "lower": lower, "met": not slower and not lower}


def plot(data: dict[str, Any], path: Path) -> Path:
    lat, ing, q = data["latency"], data["ingestion"]["seconds"], data["quality"]
    colors = {SHIPPED: "#1f4e79", OURS: "#3b6ea8", OURS_NO_ROUTING: "#9bb7d9", PEER: "#c0504d"}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    names = [n for n in SYSTEMS if n in ing]
    axes[0].bar([n.replace(" (", "\n(") for n in names], [ing[n] for n in names], color=[colors[n] for n in names])
    axes[0].tick_params(axis="x", labelsize=7)
    axes[0].set_ylabel("seconds (lower is better)")
    axes[0].set_title(f"ingest {data['slice']['chunks']:,} chunks", fontsize=9)
    width = 0.8 / len(SYSTEMS)
    measures = list(lat)
    for j, name in enumerate(SYSTEMS):
        xs = [x + j * width for x, m in enumerate(measures) if name in lat[m]]
        axes[1].bar(xs, [lat[m][name]["p50_ms"] for m in measures if name in lat[m]], width=width,
                    color=colors[name], label=name)
    axes[1].set_xticks([x + width * (len(SYSTEMS) - 1) / 2 for x in range(len(measures))], measures)
    axes[1].set_yscale("log")
    axes[1].set_ylabel("p50 ms (log; lower is better)")
    axes[1].legend(fontsize=7)
    axes[1].set_title("query latency: retrieval only, end to end by answerer", fontsize=9)
    bars = [(f"{mode} {m}", mode, m) for mode in q for m in ("rougeL", "hit_at_k", "mrr")]
    for j, name in enumerate(SYSTEMS):
        ys = [y + j * width for y, (_, mode, _) in enumerate(bars) if name in q[mode]]
        axes[2].barh(ys, [q[mode][name][m] for _, mode, m in bars if name in q[mode]], height=width,
                     color=colors[name], label=name)
    axes[2].set_yticks([y + width * (len(SYSTEMS) - 1) / 2 for y in range(len(bars))], [b[0] for b in bars],
                       fontsize=8)
    axes[2].set_xlim(0, 1)
    axes[2].set_title("quality (higher is better)", fontsize=9)
    fig.suptitle("ours (as shipped, and on LlamaIndex's runtimes) vs the same RAG built with LlamaIndex "
                 "(one run, systems alternated)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


MEASURES = {"retrieval": "retrieval only (embed query + vector search)", "extractive": "end to end, extractive answerer",
            "llm": "end to end, SmolLM2"}
SPEED_LABELS = {"ingestion": "ingestion", "retrieval": "retrieval", "extractive": "extractive", "llm": "LLM"}


def _verdict(v: dict[str, Any]) -> str:
    """One system's aim, in words, from :func:`aim`'s numbers."""
    speed = ", ".join(f"{SPEED_LABELS[m]} **{r:.2f}×**" for m, r in v["speed"].items())
    if v["met"]:
        why = f"faster on all {len(v['speed'])}, no quality measure lower"
    else:
        why = "; ".join(filter(None, [
            "not faster on " + ", ".join(f"{SPEED_LABELS[m]} ({v['speed'][m]:.2f}×)" for m in v["slower"])
            if v["slower"] else "",
            "lower quality on " + ", ".join(f"{m} ({v['quality'][m]['diff']:+.3f} ± {v['quality'][m]['se']:.3f})"
                                            for m in v["lower"]) if v["lower"] else ""]))
    return f"{speed} — aim {'**met**' if v['met'] else '**not met**'} ({why})"


def render(data: dict[str, Any], *, bench: BenchData, plots: Plots, png: Path) -> str:
    s, ing, lat, q, k = data["slice"], data["ingestion"], data["latency"], data["quality"], data["top_k"]
    systems, shipped = data["systems"], data["shipped_defaults"]
    lat_rows = []
    for measure, label in MEASURES.items():
        for ours in (SHIPPED, OURS, OURS_NO_ROUTING):
            if measure in lat and ours in lat[measure]:
                o, p = lat[measure][ours], lat[measure][PEER]
                lat_rows.append({"what": label, "ours": ours, "n": o["n"], "o50": o["p50_ms"], "o95": o["p95_ms"],
                                 "p50": p["p50_ms"], "p95": p["p95_ms"], "r50": p["p50_ms"] / o["p50_ms"],
                                 "r95": p["p95_ms"] / o["p95_ms"]})
    ing_rows = [{"system": name, "runtime": systems[name]["embedder_runtime"], "s": ing["seconds"][name],
                 "cps": s["chunks"] / ing["seconds"][name], "r": ing["ratio"].get(name),
                 "parts": " / ".join(f"{p[PEER] / p[name]:.2f}" for p in ing["per_part"]) if name != PEER else ""}
                for name in SYSTEMS if name in ing["seconds"]]
    q_rows = [{"system": name, "answerer": mode, "n": int(q[mode][name]["n_questions"]), **q[mode][name]}
              for mode in q for name in SYSTEMS if name in q[mode]]
    tokens = data["llm_tokens"]
    token_names = [n for n in SYSTEMS if n in tokens]
    llm_note = (
        f"The LLM rows answer {len(data['llm_ids'])} of the questions, one question kind after another, to fit the "
        "time budget. SmolLM2-135M is weak at this task (README: ROUGE-L 0.07 on the dev split), so its ROUGE-L "
        f"over {len(data['llm_ids'])} questions is mostly noise; hit@k says whether it was shown the right record. "
        "LLM prompts averaged " + ", ".join(f"{tokens[n]['prompt_tokens_mean']:.0f}" for n in token_names)
        + " tokens and answers " + ", ".join(f"{tokens[n]['answer_tokens_mean']:.0f}" for n in token_names)
        + f" tokens ({', '.join(token_names)}): with a CPU LLM, their lengths set the end-to-end time."
        if tokens else "")
    short = "\n".join(f"- **{name}** (LlamaIndex / ours, p50 for queries): {_verdict(data['aim'][name])}."
                      for name in (SHIPPED, OURS) if name in data["aim"])
    quality = "; ".join(
        f"{mode}: ROUGE-L " + " / ".join(f"{q[mode][n]['rougeL']:.3f}" for n in (SHIPPED, OURS, PEER))
        + f", hit@{k} " + " / ".join(f"{q[mode][n]['hit_at_k']:.2f}" for n in (SHIPPED, OURS, PEER)) for mode in q)
    return "\n".join([
        "## Side by side: the same RAG built with LlamaIndex",
        "",
        f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])} "
        f"Whole run (imports and model loading included): {data['wall_s']:.0f} s.",
        "",
        f"**Same on every side**: the data — {s['chunks']:,} chunks ({s['vagas']} vagas with their "
        f"{s['applications']:,} applications, {s['applicants']} applicants) cut from {bench.label}: the records that "
        f"all {len(data['dev_ids'])} dev questions of its evaluation set need, plus distractors in the full data's "
        "proportions. LlamaIndex gets our chunk texts, ids and metadata as `TextNode`s (metadata kept out of the "
        "embedded and the LLM text, so every side embeds and prompts the same text). The embedder weights "
        f"(all-MiniLM-L6-v2 from the same folder, batch {data['embed_batch_size']}), the store (embedded Chroma), "
        f"top-k {k}, the `{data['template']}` prompt file (a `ChatPromptTemplate` on LlamaIndex), and the LLM "
        "weights: SmolLM2-135M-Instruct from the packaged GGUF, greedy, repetition penalty 1.1, "
        f"≤ {data['max_new_tokens']} new tokens.",
        "",
        "**The runtimes**: LlamaIndex runs them the common way, " + systems[PEER]["runtime"] + ". "
        f"**{OURS}** runs the same: {systems[OURS]['runtime']}, so only the framework differs. "
        f"**{SHIPPED}** runs the project's shipped defaults (`recruta/core/settings.py`: "
        f"`embedder_backend={shipped['embedder_backend']}`, `llm_dtype={shipped['llm_dtype']}`): "
        f"{systems[SHIPPED]['runtime']} — same weights, measured in bench/embeddings.py and bench/generation.py "
        "to keep retrieval and answer quality. **Different by design**: ours routes a question that names a vaga "
        "or a candidate code to those records (one metadata read, ranked in memory) and clips each retrieved chunk "
        "to 700 characters, numbered; LlamaIndex's default retriever is vector top-k only (no id routing) and its "
        "`compact` synthesizer joins the chunks whole; its Chroma collection is made LlamaIndex's way (default L2 "
        "space: the same ranking for unit vectors).",
        "",
        "All in one process, the systems alternated so other work on the machine hits them alike: ingestion in "
        f"{len(ing['per_part'])} parts, the order changing every part ("
        + "; ".join(p["order"] for p in ing["per_part"]) + "), each system into its own fresh folder (model "
        "loading, conversion and a warm-up batch excluded on every side); every query rotates which system goes "
        f"first. Ratios are **LlamaIndex / ours: above 1 = ours faster**. The `{OURS_NO_ROUTING}` rows are our "
        "code retrieving exactly what LlamaIndex retrieves: the framework's own cost, like for like.",
        "",
        table(ing_rows, [("system", f"ingest {s['chunks']:,} chunks (read, chunk, embed, store)"),
                         ("runtime", "embedder runtime"), ("s", "seconds", ".1f"), ("cps", "chunks/s", ".1f"),
                         ("r", "ratio LlamaIndex / this", ".2f"), ("parts", "ratio by part (noise)")]),
        "",
        table(lat_rows, [("what", "query latency"), ("ours", "ours as"), ("n", "queries each"),
                         ("o50", "ours p50 (ms)", ".1f"), ("o95", "ours p95 (ms)", ".1f"),
                         ("p50", "LlamaIndex p50 (ms)", ".1f"), ("p95", "LlamaIndex p95 (ms)", ".1f"),
                         ("r50", "ratio p50", ".2f"), ("r95", "ratio p95", ".2f")]),
        "",
        table(q_rows, [("system", "system"), ("answerer", "answerer"), ("n", "questions"), ("rougeL", "ROUGE-L", ".3f"),
                       ("bleu", "BLEU", ".1f"), ("hit_at_k", f"hit@{k}", ".2f"), ("mrr", "MRR", ".2f")]),
        "",
        f"The extractive rows answer all {len(data['dev_ids'])} dev questions with the same answer rule on every side "
        "(recruta's ExtractiveGenerator; a LlamaIndex response synthesizer on the peer), so their differences are "
        "retrieval. Every question names its vaga or candidate code, which vector search alone rarely matches to the "
        f"record. {llm_note}",
        "",
        "**In short** — the aim is *ours faster at equal quality*: every ratio above 1 (ingestion and the p50 of "
        "retrieval, extractive and LLM answers) and no quality measure (ROUGE-L, hit@k, MRR of each answerer) lower "
        f"than LlamaIndex's by more than {QUALITY_TOLERANCE} and twice the paired standard error over the questions.",
        "",
        short,
        "",
        f"Quality, {SHIPPED} / {OURS} / LlamaIndex — {quality}.",
        "",
        plots.link(png, "ingestion time, p50 latency and quality, ours (as shipped, same runtime) vs LlamaIndex"),
    ])


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:5.0f}s] {message}", flush=True)


def _warm_texts(n: int = 32, chars: int = 800) -> list[str]:
    """A batch shaped like ingestion's (full-size chunks), embedded once by every embedder before timing."""
    line = "Desenvolvedor Java sênior com Spring Boot, Kafka e inglês avançado; experiência em SAP e AWS. "
    return [(f"{i} " + line * (chars // len(line) + 1))[:chars] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny generated sample, 2 LLM questions, 16 new tokens (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--chunks", type=int, default=None, help="chunks to ingest (default 1000; quick: the whole sample)")
    p.add_argument("--questions", type=int, default=None, help="dev questions answered by the LLM (default 8, quick 2)")
    p.add_argument("--max-new-tokens", type=int, default=None, help="default 64 (quick 16)")
    p.add_argument("--rounds", type=int, default=2, help="retrieval-latency passes over the dev questions")
    a = p.parse_args(argv)
    started = STARTED if argv is None else time.perf_counter()  # the process's start, when run as a command
    n_llm = a.questions if a.questions is not None else 2 if a.quick else 8
    max_new_tokens = a.max_new_tokens or (16 if a.quick else 64)
    info = machine_info()

    from ingestion import ingest, open_index
    from model import RAGAgent, RAGConfig
    from recruta.ingest.embeddings import get_embedder, minilm_path
    from recruta.rag.generators import ExtractiveGenerator, GenerationInput, TransformersGenerator, convert_smollm2

    project = get_settings()  # its model caches: the GGUF and OpenVINO conversions happen once per machine
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench = tiny_sample(root / "data", **QUICK_SAMPLE) if a.quick else committed_sample()
        ours_settings = Settings(home=root / "ours", embedder="minilm", embedder_backend=SAME_BACKEND,
                                 llm_dtype=SAME_DTYPE)
        shipped_settings = Settings(home=root / "shipped", embedder="minilm", embedder_backend=SHIPPED_BACKEND,
                                    llm_dtype=SHIPPED_DTYPE)
        dev = [i for i in evalset.load(bench.evalset) if i.split == "dev"]
        llm_items = pick_questions(dev, n_llm)
        data_slice = make_slice(bench.data_dir, root / "slice", items=dev, parts=PARTS, settings=ours_settings,
                                target_chunks=None if a.quick else a.chunks or 1000)
        _log(started, f"slice: {data_slice.chunks} chunks in {len(data_slice.parts)} parts; {len(dev)} dev questions, "
                      f"{len(llm_items)} for the LLM")

        loads: dict[str, float] = {}
        warm_batch = _warm_texts(ours_settings.embed_batch_size)
        t0 = time.perf_counter()
        minilm = get_embedder("minilm", backend=SAME_BACKEND, threads=ours_settings.torch_threads)
        minilm.embed(["aquecimento"])
        minilm.embed(warm_batch, batch_size=ours_settings.embed_batch_size)
        loads["ours_embedder_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        shipped_embedder = get_embedder("minilm", backend=SHIPPED_BACKEND, cache_dir=project.embedder_cache,
                                        threads=shipped_settings.torch_threads)
        loads["shipped_embedder_conversion_s"] = getattr(shipped_embedder, "conversion_s", 0.0)
        shipped_embedder.embed(["aquecimento"])
        shipped_embedder.embed(warm_batch, batch_size=shipped_settings.embed_batch_size)
        loads["shipped_embedder_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer_embed = local_embedding(batch_size=ours_settings.embed_batch_size)
        peer_embed.get_text_embedding("aquecimento")
        peer_embed.get_text_embedding_batch(warm_batch)
        loads["llamaindex_embedder_s"] = time.perf_counter() - t0
        llm_cache = project.llm_cache
        folder = shipped_folder = None
        if llm_items:  # one-time GGUF conversions (normally cached), outside every timing
            folder = convert_smollm2(llm_cache, dtype=SAME_DTYPE)  # the folder both same-runtime sides load
            shipped_folder = convert_smollm2(llm_cache, dtype=SHIPPED_DTYPE)
        ours_llm = shipped_llm = peer_llm = None
        if folder and shipped_folder:
            t0 = time.perf_counter()
            ours_llm = RecordingGenerator(TransformersGenerator("smollm2", cache_dir=llm_cache, dtype=SAME_DTYPE))
            loads["ours_llm_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            shipped_llm = RecordingGenerator(TransformersGenerator("smollm2", cache_dir=llm_cache, dtype=SHIPPED_DTYPE))
            loads["shipped_llm_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            peer_llm = local_llm(folder, max_new_tokens=max_new_tokens, dtype=SAME_DTYPE)
            loads["llamaindex_llm_s"] = time.perf_counter() - t0
        use_local_models(embed_model=peer_embed, llm=peer_llm, tokenizer_folder=folder or minilm_path())
        config = PeerConfig.from_settings(ours_settings, max_new_tokens=max_new_tokens)
        peer = LlamaIndexRAG(persist_dir=root / "llamaindex", config=config, llm=peer_llm)

        _log(started, "ingesting, alternating the systems")
        ingestion = ingest_all(data_slice, runs={
            SHIPPED: lambda part: ingest(data_dir=part, settings=shipped_settings, embedder=shipped_embedder,
                                         progress=False),
            OURS: lambda part: ingest(data_dir=part, settings=ours_settings, embedder=minilm, progress=False),
            PEER: peer.ingest,
        })
        counts = {SHIPPED: open_index(shipped_settings, shipped_embedder, create=False).count(),
                  OURS: open_index(ours_settings, minilm, create=False).count(), PEER: peer.count()}
        if set(counts.values()) != {data_slice.chunks}:
            raise SystemExit(f"indexes differ from the slice's {data_slice.chunks} chunks: {counts}")
        _log(started, "ingestion: " + ", ".join(f"{n} {sec:.1f}s" for n, sec in ingestion["seconds"].items())
             + " (LlamaIndex / ours: " + ", ".join(f"{n} {r:.2f}" for n, r in ingestion["ratio"].items()) + ")")

        def agent(settings: Settings, embedder: Any, generator: Any) -> RAGAgent:
            """Our agent on ``settings``' index, embedder and generator (id routing on, as shipped)."""
            cfg = RAGConfig.from_settings(settings, max_new_tokens=max_new_tokens, generator=generator.name)
            return RAGAgent(config=cfg, store=open_index(settings, embedder, create=False), embedder=embedder,
                            generator=generator)

        shipped = agent(shipped_settings, shipped_embedder, ExtractiveGenerator())
        ours = agent(ours_settings, minilm, ExtractiveGenerator())
        no_routing = RAGAgent(config=replace(ours.config, id_routing=False), store=ours.store, embedder=minilm,
                              generator=ours.generator)
        k = ours.config.top_k
        for warm in (shipped.answer, ours.answer, no_routing.answer, lambda q: peer.answer(q, mode="extractive")):
            warm(dev[0].question)  # first-call costs (Chroma segment load, code paths) stay out of the timings
        _log(started, f"retrieval latency, {a.rounds} × {len(dev)} questions")
        retrieval = retrieval_pass(dev, k=k, rounds=a.rounds, systems={
            SHIPPED: lambda q: [h.id for h in shipped.retrieve(q)],
            OURS: lambda q: [h.id for h in ours.retrieve(q)],
            OURS_NO_ROUTING: lambda q: [h.id for h in no_routing.retrieve(q)],
            PEER: lambda q: [n.node.node_id for n in peer.retrieve(q)],
        })
        _log(started, f"extractive answers, {len(dev)} questions")
        quality, rows = {}, {}
        quality["extractive"], rows["extractive"] = answer_pass(dev, k=k, systems={
            SHIPPED: _ours_answer(shipped), OURS: _ours_answer(ours), OURS_NO_ROUTING: _ours_answer(no_routing),
            PEER: _peer_answer(peer, "extractive")})
        tokens: dict[str, dict[str, float]] = {}
        if ours_llm is not None and shipped_llm is not None and peer_llm is not None:
            _log(started, f"LLM answers, {len(llm_items)} questions, ≤ {max_new_tokens} new tokens")
            llm_agents = {SHIPPED: agent(shipped_settings, shipped_embedder, shipped_llm),
                          OURS: agent(ours_settings, minilm, ours_llm)}
            hello = [{"role": "user", "content": "Olá"}]  # each model's first generate(), untimed
            for gen in (shipped_llm, ours_llm):
                gen.inner.generate(GenerationInput(question="Olá", hits=[], messages=hello), max_new_tokens=2)
            peer_llm.complete("Olá")
            recorder = RecordingHandler()
            get_dispatcher().add_event_handler(recorder)
            quality["llm"], rows["llm"] = answer_pass(llm_items, k=k, systems={
                SHIPPED: _ours_answer(llm_agents[SHIPPED]), OURS: _ours_answer(llm_agents[OURS]),
                PEER: _peer_answer(peer, "llm")})
            tokenizer = ours_llm.inner.tokenizer
            tokens = {SHIPPED: token_counts(shipped_llm.calls, tokenizer=tokenizer),
                      OURS: token_counts(ours_llm.calls, tokenizer=tokenizer),
                      PEER: token_counts(recorder.calls, tokenizer=tokenizer)}
        _log(started, "done measuring")

    latency = {"retrieval": {name: _latency_of(m) for name, m in retrieval.items()},
               **{mode: {name: {"p50_ms": m["latency_p50_ms"], "p95_ms": m["latency_p95_ms"],
                                "n": int(m["n_questions"])} for name, m in by.items()} for mode, by in quality.items()}}
    compute = getattr(shipped_embedder, "precision", "fp32")  # OpenVINO falls back to f32 without native bf16
    int4 = " (the GGUF's own Q4_1 blocks for decoding, bf16 for the prompt)" if SHIPPED_DTYPE == "int4" else ""
    systems = {
        SHIPPED: {"embedder_backend": SHIPPED_BACKEND, "embedder_compute": compute, "llm_dtype": SHIPPED_DTYPE,
                  "embedder_runtime": "torch (sentence-transformers)" if SHIPPED_BACKEND == "torch" else
                  f"OpenVINO `{SHIPPED_BACKEND}` (computed in {compute} on this CPU)",
                  "llm_runtime": f"`{SHIPPED_DTYPE}`{int4} (TransformersGenerator)"},
        OURS: {"embedder_backend": SAME_BACKEND, "llm_dtype": SAME_DTYPE,
               "embedder_runtime": "torch (sentence-transformers)",
               "llm_runtime": f"`{SAME_DTYPE}` (TransformersGenerator)"},
        PEER: {"embedder_backend": SAME_BACKEND, "llm_dtype": SAME_DTYPE,
               "embedder_runtime": "torch (`HuggingFaceEmbedding`)",
               "llm_runtime": f"`{SAME_DTYPE}` (`HuggingFaceLLM`) from the same converted folder"},
    }
    for spec in systems.values():
        spec["runtime"] = f"MiniLM on {spec['embedder_runtime']}, SmolLM2 {spec['llm_runtime']}"
    data = {"command": command("bench.peer"), "machine": info, "data": bench.label,
            "slice": {"chunks": data_slice.chunks, "vagas": data_slice.vagas, "applicants": data_slice.applicants,
                      "applications": data_slice.applications, "needed_records": data_slice.needed_records,
                      "parts": len(data_slice.parts)},
            "systems": systems,
            "shipped_defaults": {"embedder_backend": SHIPPED_BACKEND, "llm_dtype": SHIPPED_DTYPE},
            "top_k": k, "embed_batch_size": config.embed_batch_size, "template": f"{config.template}_{config.lang}",
            "max_new_tokens": max_new_tokens, "dev_ids": [i.id for i in dev], "llm_ids": [i.id for i in llm_items],
            "loads": loads, "ingestion": ingestion, "latency": latency, "quality": quality,
            "retrieval_quality": {name: {"hit_at_k": m["hit_at_k"], "mrr": m["mrr"]} for name, m in retrieval.items()},
            "llm_tokens": tokens,
            "aim": {name: aim(name, ingestion=ingestion, latency=latency, rows=rows, k=k) for name in (SHIPPED, OURS)},
            "quality_tolerance": QUALITY_TOLERANCE,
            "answers": {mode: {name: [{key: r[key] for key in ANSWER_KEYS} for r in rs] for name, rs in by.items()}
                        for mode, by in rows.items()},
            "wall_s": time.perf_counter() - started}
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(data, plots.path("comparison"))
    write_outputs(NAME, a.out, data, render(data, bench=bench, plots=plots, png=png))
    for name in (SHIPPED, OURS):
        print(f"{name}: {_verdict(data['aim'][name])}".replace("**", ""))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
