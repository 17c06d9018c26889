"""Side by side with what users would otherwise build: our RAG vs the same RAG in LlamaIndex (issue #6, part 6).

    .venv/bin/python -m bench.peer --out bench/out            # committed sample: a 1,000-chunk slice, 8 LLM questions
    .venv/bin/python -m bench.peer --quick --out bench/out    # tiny generated sample, 2 LLM questions, 16 tokens (CI)
    .venv/bin/python -m bench.peer --chunks 3000 --questions 20 --max-new-tokens 128

Same data (the same chunk texts, ids and metadata), embedder (all-MiniLM-L6-v2, batch 32), vector store (embedded
Chroma), top-k, prompt file and LLM (SmolLM2-135M-Instruct bf16 from the same converted folder, greedy) on both
sides; see bench/peer/llamaindex_rag.py for how the LlamaIndex side is built. In one process, alternating the two
systems so other work on the machine hits both alike:

1. ingestion of a slice of the data (the records every dev question needs, plus distractors up to ``--chunks``),
   in four parts ordered ours→LlamaIndex, LlamaIndex→ours, ours→LlamaIndex, LlamaIndex→ours, each system into
   its own fresh folder;
2. retrieval-only latency (query embedding + vector search) on every dev question, the order rotating per query;
3. end to end with the extractive answerer (the same answer rule on both sides, so only retrieval and framework
   differ) on every dev question, and with the LLM on ``--questions`` of them (one per question kind in turn);
   quality (ROUGE-L, BLEU, hit@k, MRR) by the project's own metric code (recruta.metrics, experiment.summarise).

Ratios are LlamaIndex / ours: above 1 means ours is faster.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from recruta.settings import Settings, get_settings, quiet_telemetry

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
from recruta import evalset  # noqa: E402
from recruta.documents import build_documents  # noqa: E402
from recruta.evalset import EvalItem  # noqa: E402
from recruta.loaders import FILES, load_dataset  # noqa: E402
from recruta.metrics import hit_at_k, mrr, percentile, retrieval_rank, rouge  # noqa: E402

NAME = "peer"
OURS, OURS_NO_ROUTING, PEER = "ours", "ours, no id routing", "LlamaIndex"
Unit = tuple[str, str]  # ("vaga", id): a vaga with its applications; ("candidato", code): an applicant
QUICK_SAMPLE = {"n_vagas": 6, "n_applicants": 14, "n_prospects": 30, "n_questions": 16}
PARTS = 4  # ingestion alternates the systems part by part
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


def ingest_both(data: Slice, *, ours: Callable[[Path], Any], peer: LlamaIndexRAG) -> dict[str, Any]:
    """Each part into both systems, the order flipping every part (ABBA…)."""
    runs: dict[str, Callable[[Path], Any]] = {OURS: ours, PEER: peer.ingest}
    per_part = []
    for n, folder in enumerate(data.parts):
        order = _rotated([OURS, PEER], n)
        per_part.append({"part": n + 1, "order": " → ".join(order),
                         **{name: _seconds(runs[name], folder) for name in order}})
    seconds = {name: sum(p[name] for p in per_part) for name in runs}
    return {"per_part": per_part, "seconds": seconds, "ratio": seconds[PEER] / seconds[OURS]}


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


def plot(data: dict[str, Any], path: Path) -> Path:
    lat, ing, q = data["latency"], data["ingestion"]["seconds"], data["quality"]
    colors = {OURS: "#3b6ea8", OURS_NO_ROUTING: "#9bb7d9", PEER: "#c0504d"}
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    axes[0].bar(list(ing), list(ing.values()), color=[colors[n] for n in ing])
    axes[0].set_ylabel("seconds (lower is better)")
    axes[0].set_title(f"ingest {data['slice']['chunks']:,} chunks", fontsize=9)
    width = 0.27
    measures = list(lat)
    for j, name in enumerate((OURS, OURS_NO_ROUTING, PEER)):
        xs = [x + j * width for x, m in enumerate(measures) if name in lat[m]]
        axes[1].bar(xs, [lat[m][name]["p50_ms"] for m in measures if name in lat[m]], width=width,
                    color=colors[name], label=name)
    axes[1].set_xticks([x + width for x in range(len(measures))], measures)
    axes[1].set_yscale("log")
    axes[1].set_ylabel("p50 ms (log; lower is better)")
    axes[1].legend(fontsize=7)
    axes[1].set_title("query latency: retrieval only, end to end by answerer", fontsize=9)
    bars = [(f"{mode} {m}", mode, m) for mode in q for m in ("rougeL", "hit_at_k", "mrr")]
    for j, name in enumerate((OURS, OURS_NO_ROUTING, PEER)):
        ys = [y + j * width for y, (_, mode, _) in enumerate(bars) if name in q[mode]]
        axes[2].barh(ys, [q[mode][name][m] for _, mode, m in bars if name in q[mode]], height=width,
                     color=colors[name], label=name)
    axes[2].set_yticks([y + width for y in range(len(bars))], [b[0] for b in bars], fontsize=8)
    axes[2].set_xlim(0, 1)
    axes[2].set_title("quality (higher is better)", fontsize=9)
    fig.suptitle("ours vs the same RAG built with LlamaIndex (one run, systems alternated)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


MEASURES = {"retrieval": "retrieval only (embed query + vector search)", "extractive": "end to end, extractive answerer",
            "llm": "end to end, SmolLM2"}


def render(data: dict[str, Any], *, bench: BenchData, plots: Plots, png: Path) -> str:
    s, ing, lat, q, k = data["slice"], data["ingestion"], data["latency"], data["quality"], data["top_k"]
    lat_rows = []
    for measure, label in MEASURES.items():
        for ours in (OURS, OURS_NO_ROUTING):
            if measure in lat and ours in lat[measure]:
                o, p = lat[measure][ours], lat[measure][PEER]
                lat_rows.append({"what": label, "ours": ours, "n": o["n"], "o50": o["p50_ms"], "o95": o["p95_ms"],
                                 "p50": p["p50_ms"], "p95": p["p95_ms"], "r50": p["p50_ms"] / o["p50_ms"],
                                 "r95": p["p95_ms"] / o["p95_ms"]})
    q_rows = [{"system": name, "answerer": mode, "n": int(m["n_questions"]), **m} for mode in q for name, m in q[mode].items()]
    ratio = {(r["what"], r["ours"]): r["r50"] for r in lat_rows}
    short = [f"ingestion **{ing['ratio']:.2f}×**"] + [
        f"{MEASURES[m]} **{ratio[(MEASURES[m], OURS)]:.2f}×** (p50)" for m in MEASURES if (MEASURES[m], OURS) in ratio]
    quality = "; ".join(
        f"{mode}: ROUGE-L {q[mode][OURS]['rougeL']:.3f} vs {q[mode][PEER]['rougeL']:.3f}, hit@{k} "
        f"{q[mode][OURS]['hit_at_k']:.2f} vs {q[mode][PEER]['hit_at_k']:.2f}" for mode in q)
    tokens = data["llm_tokens"]
    llm_note = (
        f"The LLM rows answer {len(data['llm_ids'])} of the questions, one question kind after another, to fit the "
        "time budget. SmolLM2-135M is weak at this task (README: ROUGE-L 0.07 on the dev split), so its ROUGE-L "
        f"over {len(data['llm_ids'])} questions is mostly noise; hit@k says whether it was shown the right record. "
        f"LLM prompts averaged {tokens[OURS]['prompt_tokens_mean']:.0f} tokens (ours) vs "
        f"{tokens[PEER]['prompt_tokens_mean']:.0f} (LlamaIndex) and answers {tokens[OURS]['answer_tokens_mean']:.0f} vs "
        f"{tokens[PEER]['answer_tokens_mean']:.0f} tokens: with a CPU LLM, their lengths set the end-to-end time."
        if tokens else "")
    return "\n".join([
        "## Side by side: the same RAG built with LlamaIndex",
        "",
        f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])} "
        f"Whole run: {data['wall_s']:.0f} s.",
        "",
        f"**Same on both sides**: the data — {s['chunks']:,} chunks ({s['vagas']} vagas with their "
        f"{s['applications']:,} applications, {s['applicants']} applicants) cut from {bench.label}: the records that "
        f"all {len(data['dev_ids'])} dev questions of its evaluation set need, plus distractors in the full data's "
        "proportions. LlamaIndex gets our chunk texts, ids and metadata as `TextNode`s (metadata kept out of the "
        "embedded and the LLM text, so both embed and prompt the same text). The embedder (all-MiniLM-L6-v2 from the "
        f"same folder, batch {data['embed_batch_size']}), the store (embedded Chroma), top-k {k}, the "
        f"`{data['template']}` prompt file (a `ChatPromptTemplate` on LlamaIndex), and the LLM: SmolLM2-135M-Instruct "
        "bf16 from the same converted folder (`HuggingFaceLLM` on LlamaIndex), greedy, repetition penalty 1.1, "
        f"≤ {data['max_new_tokens']} new tokens. **Different**: ours routes a question that names a vaga or a "
        "candidate code to those records (metadata-filtered Chroma passes) and clips each retrieved chunk to 700 "
        "characters, numbered; LlamaIndex's default retriever is vector top-k only (no id routing) and its `compact` "
        "synthesizer joins the chunks whole; its Chroma collection is made LlamaIndex's way (default L2 space: the "
        "same ranking for unit vectors).",
        "",
        "All in one process, the systems alternated so other work on the machine hits both alike: ingestion in "
        f"{len(ing['per_part'])} parts, the order flipping every part (ours → LlamaIndex, LlamaIndex → ours, …), "
        "each system into its own fresh folder (model loading excluded on both sides); every query rotates which "
        "system goes first. "
        "Ratios are **LlamaIndex / ours: above 1 = ours faster**. The `ours, no id routing` rows are our code "
        "retrieving exactly what LlamaIndex retrieves: the framework's own cost, like for like.",
        "",
        table([{"what": f"ingest {s['chunks']:,} chunks (read, chunk, embed, store)", "o": ing["seconds"][OURS],
                "p": ing["seconds"][PEER], "ods": s["chunks"] / ing["seconds"][OURS],
                "pds": s["chunks"] / ing["seconds"][PEER], "r": ing["ratio"],
                "parts": " / ".join(f"{p[PEER] / p[OURS]:.2f}" for p in ing["per_part"])}],
              [("what", ""), ("o", "ours (s)", ".1f"), ("p", "LlamaIndex (s)", ".1f"),
               ("ods", "ours chunks/s", ".1f"), ("pds", "LlamaIndex chunks/s", ".1f"), ("r", "ratio", ".2f"),
               ("parts", "ratio by part (noise)")]),
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
        f"**In short** (LlamaIndex / ours): {', '.join(short)}. Quality, ours vs LlamaIndex — {quality}.",
        "",
        plots.link(png, "ingestion time, p50 latency and quality, ours vs LlamaIndex"),
    ])


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:5.0f}s] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny generated sample, 2 LLM questions, 16 new tokens (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--chunks", type=int, default=None, help="chunks to ingest (default 1000; quick: the whole sample)")
    p.add_argument("--questions", type=int, default=None, help="dev questions answered by the LLM (default 8, quick 2)")
    p.add_argument("--max-new-tokens", type=int, default=None, help="default 64 (quick 16)")
    p.add_argument("--rounds", type=int, default=2, help="retrieval-latency passes over the dev questions")
    a = p.parse_args(argv)
    started = time.perf_counter()
    n_llm = a.questions if a.questions is not None else 2 if a.quick else 8
    max_new_tokens = a.max_new_tokens or (16 if a.quick else 64)
    info = machine_info()

    from ingestion import ingest, open_index
    from model import RAGAgent, RAGConfig
    from recruta.embeddings import get_embedder, minilm_path
    from recruta.generators import ExtractiveGenerator, GenerationInput, TransformersGenerator, convert_smollm2

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench = tiny_sample(root / "data", **QUICK_SAMPLE) if a.quick else committed_sample()
        ours_settings = Settings(home=root / "ours", embedder="minilm")
        dev = [i for i in evalset.load(bench.evalset) if i.split == "dev"]
        llm_items = pick_questions(dev, n_llm)
        data_slice = make_slice(bench.data_dir, root / "slice", items=dev, parts=PARTS, settings=ours_settings,
                                target_chunks=None if a.quick else a.chunks or 1000)
        _log(started, f"slice: {data_slice.chunks} chunks in {len(data_slice.parts)} parts; {len(dev)} dev questions, "
                      f"{len(llm_items)} for the LLM")

        loads: dict[str, float] = {}
        t0 = time.perf_counter()
        minilm = get_embedder("minilm")
        minilm.embed(["aquecimento"])
        loads["ours_embedder_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer_embed = local_embedding(batch_size=ours_settings.embed_batch_size)
        peer_embed.get_text_embedding("aquecimento")
        loads["llamaindex_embedder_s"] = time.perf_counter() - t0
        llm_cache = get_settings().llm_cache
        folder = convert_smollm2(llm_cache, dtype="bfloat16") if llm_items else None  # the one both sides load
        ours_llm = peer_llm = None
        if folder:
            t0 = time.perf_counter()
            ours_llm = RecordingGenerator(TransformersGenerator("smollm2", cache_dir=llm_cache, dtype="bfloat16"))
            loads["ours_llm_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            peer_llm = local_llm(folder, max_new_tokens=max_new_tokens)
            loads["llamaindex_llm_s"] = time.perf_counter() - t0
        use_local_models(embed_model=peer_embed, llm=peer_llm, tokenizer_folder=folder or minilm_path())
        config = PeerConfig.from_settings(ours_settings, max_new_tokens=max_new_tokens)
        peer = LlamaIndexRAG(persist_dir=root / "llamaindex", config=config, llm=peer_llm)

        _log(started, "ingesting, alternating the systems")
        ingestion = ingest_both(data_slice, peer=peer, ours=lambda folder: ingest(
            data_dir=folder, settings=ours_settings, embedder=minilm, progress=False))
        counts = {OURS: open_index(ours_settings, minilm, create=False).count(), PEER: peer.count()}
        if set(counts.values()) != {data_slice.chunks}:
            raise SystemExit(f"indexes differ from the slice's {data_slice.chunks} chunks: {counts}")
        _log(started, f"ingestion: ours {ingestion['seconds'][OURS]:.1f}s, LlamaIndex "
                      f"{ingestion['seconds'][PEER]:.1f}s (ratio {ingestion['ratio']:.2f})")

        base = RAGConfig.from_settings(ours_settings, generator="extractive", max_new_tokens=max_new_tokens)
        ours = RAGAgent.from_config(base, settings=ours_settings, generator=ExtractiveGenerator())
        no_routing = RAGAgent(config=replace(base, id_routing=False), store=ours.store, embedder=ours.embedder,
                              generator=ours.generator)
        k = base.top_k
        for warm in (ours.answer, no_routing.answer, lambda q: peer.answer(q, mode="extractive")):
            warm(dev[0].question)  # first-call costs (Chroma segment load, code paths) stay out of the timings
        _log(started, f"retrieval latency, {a.rounds} × {len(dev)} questions")
        retrieval = retrieval_pass(dev, k=k, rounds=a.rounds, systems={
            OURS: lambda q: [h.id for h in ours.retrieve(q)],
            OURS_NO_ROUTING: lambda q: [h.id for h in no_routing.retrieve(q)],
            PEER: lambda q: [n.node.node_id for n in peer.retrieve(q)],
        })
        _log(started, f"extractive answers, {len(dev)} questions")
        quality, rows = {}, {}
        quality["extractive"], rows["extractive"] = answer_pass(dev, k=k, systems={
            OURS: _ours_answer(ours), OURS_NO_ROUTING: _ours_answer(no_routing),
            PEER: _peer_answer(peer, "extractive")})
        tokens: dict[str, dict[str, float]] = {}
        if ours_llm is not None and peer_llm is not None:
            _log(started, f"LLM answers, {len(llm_items)} questions, ≤ {max_new_tokens} new tokens")
            llm_agent = RAGAgent(config=replace(base, generator="smollm2"), store=ours.store, embedder=ours.embedder,
                                 generator=ours_llm)
            hello = [{"role": "user", "content": "Olá"}]  # each model's first generate(), untimed
            ours_llm.inner.generate(GenerationInput(question="Olá", hits=[], messages=hello), max_new_tokens=2)
            peer_llm.complete("Olá")
            recorder = RecordingHandler()
            get_dispatcher().add_event_handler(recorder)
            quality["llm"], rows["llm"] = answer_pass(llm_items, k=k, systems={
                OURS: _ours_answer(llm_agent), PEER: _peer_answer(peer, "llm")})
            tokenizer = ours_llm.inner.tokenizer
            tokens = {OURS: token_counts(ours_llm.calls, tokenizer=tokenizer),
                      PEER: token_counts(recorder.calls, tokenizer=tokenizer)}
        _log(started, "done measuring")

    latency = {"retrieval": {name: _latency_of(m) for name, m in retrieval.items()},
               **{mode: {name: {"p50_ms": m["latency_p50_ms"], "p95_ms": m["latency_p95_ms"],
                                "n": int(m["n_questions"])} for name, m in by.items()} for mode, by in quality.items()}}
    data = {"command": command("bench.peer"), "machine": info, "data": bench.label,
            "slice": {"chunks": data_slice.chunks, "vagas": data_slice.vagas, "applicants": data_slice.applicants,
                      "applications": data_slice.applications, "needed_records": data_slice.needed_records,
                      "parts": len(data_slice.parts)},
            "top_k": k, "embed_batch_size": config.embed_batch_size, "template": f"{config.template}_{config.lang}",
            "max_new_tokens": max_new_tokens, "dev_ids": [i.id for i in dev], "llm_ids": [i.id for i in llm_items],
            "loads": loads, "ingestion": ingestion, "latency": latency, "quality": quality,
            "retrieval_quality": {name: {"hit_at_k": m["hit_at_k"], "mrr": m["mrr"]} for name, m in retrieval.items()},
            "llm_tokens": tokens,
            "answers": {mode: {name: [{key: r[key] for key in ANSWER_KEYS} for r in rs] for name, rs in by.items()}
                        for mode, by in rows.items()},
            "wall_s": time.perf_counter() - started}
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(data, plots.path("comparison"))
    write_outputs(NAME, a.out, data, render(data, bench=bench, plots=plots, png=png))
    return 0


if __name__ == "__main__":
    sys.exit(main())
