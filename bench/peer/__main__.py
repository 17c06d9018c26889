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

This module runs the steps (prepare → load → measure ingestion → measure queries → results → report); the
pieces: ``slicing`` (the data), ``systems`` (what is compared, the aim), ``passes`` (the timed passes and LLM
call recorders), ``report`` (figure and markdown).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()  # before the heavy imports below: "whole run" counts them too

from devtools.servers import quiet_env  # noqa: E402

quiet_env()  # telemetry off and offline, before llama_index, chromadb and transformers are imported

from llama_index.core.instrumentation import get_dispatcher  # noqa: E402

from bench.harness import (  # noqa: E402
    BenchData,
    Plots,
    command,
    committed_sample,
    machine_info,
    tiny_sample,
    write_outputs,
)
from bench.peer.llamaindex_rag import LlamaIndexRAG, PeerConfig, local_embedding, local_llm, use_local_models  # noqa: E402
from bench.peer.passes import (  # noqa: E402
    RecordingGenerator,
    RecordingHandler,
    answer_pass,
    ingest_all,
    latency_of,
    ours_answer,
    peer_answer,
    retrieval_pass,
    token_counts,
)
from bench.peer.report import plot, render, verdict  # noqa: E402
from bench.peer.slicing import Slice, make_slice, pick_questions  # noqa: E402
from bench.peer.systems import (  # noqa: E402
    OURS,
    OURS_NO_ROUTING,
    PEER,
    QUALITY_TOLERANCE,
    SAME_BACKEND,
    SAME_DTYPE,
    SHIPPED,
    SHIPPED_BACKEND,
    SHIPPED_DTYPE,
    aim,
)
from recruta.core.settings import Settings, get_settings  # noqa: E402
from recruta.rag import evalset  # noqa: E402
from recruta.rag.evalset import EvalItem  # noqa: E402

NAME = "peer"
QUICK_SAMPLE = {"n_vagas": 6, "n_applicants": 14, "n_prospects": 30, "n_questions": 16}
PARTS = 6  # ingestion alternates the systems part by part (see part_orders)
ANSWER_KEYS = ("id", "prediction", "sources", "rank", "rougeL", "latency_ms")


def _log(started: float, message: str) -> None:
    print(f"[{time.perf_counter() - started:5.0f}s] {message}", flush=True)


def _warm_texts(n: int = 32, chars: int = 800) -> list[str]:
    """A batch shaped like ingestion's (full-size chunks), embedded once by every embedder before timing."""
    line = "Desenvolvedor Java sênior com Spring Boot, Kafka e inglês avançado; experiência em SAP e AWS. "
    return [(f"{i} " + line * (chars // len(line) + 1))[:chars] for i in range(n)]


# --------------------------------------------------------------------------- the run, step by step
@dataclass(frozen=True, kw_only=True)
class Run:
    """One run's options and data: the questions, the slice every system ingests, each side's settings."""

    quick: bool
    out: Path
    rounds: int
    max_new_tokens: int
    started: float  # the process's start when run as a command: "whole run" counts imports and loading
    bench: BenchData
    dev: list[EvalItem]
    llm_items: list[EvalItem]
    data_slice: Slice
    ours_settings: Settings
    shipped_settings: Settings

    def log(self, message: str) -> None:
        _log(self.started, message)


@dataclass(frozen=True, kw_only=True)
class Loaded:
    """Every side's models, loaded and warmed up before any timing (their load times in ``loads``), and the
    LlamaIndex system built on the peer's. The LLMs are None when no question goes to the LLM."""

    minilm: Any
    shipped_embedder: Any
    peer_embed: Any
    ours_llm: RecordingGenerator | None
    shipped_llm: RecordingGenerator | None
    peer_llm: Any | None
    peer: LlamaIndexRAG
    config: PeerConfig
    loads: dict[str, float]


@dataclass(frozen=True, kw_only=True)
class Measured:
    """What the passes measured: ingestion, retrieval-only latency, answers and their quality, LLM tokens."""

    ingestion: dict[str, Any]
    retrieval: dict[str, dict[str, float]]
    quality: dict[str, dict[str, dict[str, float]]]
    rows: dict[str, dict[str, list[dict[str, Any]]]]
    tokens: dict[str, dict[str, float]]
    k: int


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny generated sample, 2 LLM questions, 16 new tokens (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--chunks", type=int, default=None, help="chunks to ingest (default 1000; quick: the whole sample)")
    p.add_argument("--questions", type=int, default=None, help="dev questions answered by the LLM (default 8, quick 2)")
    p.add_argument("--max-new-tokens", type=int, default=None, help="default 64 (quick 16)")
    p.add_argument("--rounds", type=int, default=2, help="retrieval-latency passes over the dev questions")
    return p.parse_args(argv)


def prepare(a: argparse.Namespace, *, root: Path, started: float) -> Run:
    """The data (committed sample, or a tiny generated one with --quick), its dev questions and the slice."""
    bench = tiny_sample(root / "data", **QUICK_SAMPLE) if a.quick else committed_sample()
    ours_settings = Settings(home=root / "ours", embedder="minilm", embedder_backend=SAME_BACKEND, llm_dtype=SAME_DTYPE)
    shipped_settings = Settings(
        home=root / "shipped", embedder="minilm", embedder_backend=SHIPPED_BACKEND, llm_dtype=SHIPPED_DTYPE
    )
    dev = [i for i in evalset.load(bench.evalset) if i.split == "dev"]
    llm_items = pick_questions(dev, a.questions if a.questions is not None else 2 if a.quick else 8)
    data_slice = make_slice(
        bench.data_dir,
        root / "slice",
        items=dev,
        parts=PARTS,
        settings=ours_settings,
        target_chunks=None if a.quick else a.chunks or 1000,
    )
    run = Run(
        quick=a.quick,
        out=a.out,
        rounds=a.rounds,
        max_new_tokens=a.max_new_tokens or (16 if a.quick else 64),
        started=started,
        bench=bench,
        dev=dev,
        llm_items=llm_items,
        data_slice=data_slice,
        ours_settings=ours_settings,
        shipped_settings=shipped_settings,
    )
    run.log(
        f"slice: {data_slice.chunks} chunks in {len(data_slice.parts)} parts; {len(dev)} dev questions, "
        f"{len(llm_items)} for the LLM"
    )
    return run


def _load_embedders(run: Run, loads: dict[str, float]) -> tuple[Any, Any, Any]:
    """(ours on torch, ours as shipped, LlamaIndex's HuggingFaceEmbedding), each warmed up on an ingestion-sized
    batch; the shipped one's OpenVINO conversion is cached under the project's embedder cache."""
    from recruta.ingest.embeddings import get_embedder

    ours, shipped = run.ours_settings, run.shipped_settings
    warm_batch = _warm_texts(ours.embed_batch_size)
    t0 = time.perf_counter()
    minilm = get_embedder("minilm", backend=SAME_BACKEND, threads=ours.torch_threads)
    minilm.embed(["aquecimento"])
    minilm.embed(warm_batch, batch_size=ours.embed_batch_size)
    loads["ours_embedder_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    shipped_embedder = get_embedder(
        "minilm", backend=SHIPPED_BACKEND, cache_dir=get_settings().embedder_cache, threads=shipped.torch_threads
    )
    loads["shipped_embedder_conversion_s"] = getattr(shipped_embedder, "conversion_s", 0.0)
    shipped_embedder.embed(["aquecimento"])
    shipped_embedder.embed(warm_batch, batch_size=shipped.embed_batch_size)
    loads["shipped_embedder_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer_embed = local_embedding(batch_size=ours.embed_batch_size)
    peer_embed.get_text_embedding("aquecimento")
    peer_embed.get_text_embedding_batch(warm_batch)
    loads["llamaindex_embedder_s"] = time.perf_counter() - t0
    return minilm, shipped_embedder, peer_embed


def _load_llms(
    run: Run, loads: dict[str, float]
) -> tuple[RecordingGenerator | None, RecordingGenerator | None, Any | None, Path | None]:
    """(ours bf16, ours as shipped, LlamaIndex's HuggingFaceLLM, the bf16 folder both same-runtime sides load);
    Nones when no question goes to the LLM. GGUF conversions are one-time (normally cached), outside every timing."""
    from recruta.rag.generators import TransformersGenerator, convert_smollm2

    if not run.llm_items:
        return None, None, None, None
    llm_cache = get_settings().llm_cache
    folder = convert_smollm2(llm_cache, dtype=SAME_DTYPE)
    convert_smollm2(llm_cache, dtype=SHIPPED_DTYPE)
    t0 = time.perf_counter()
    ours_llm = RecordingGenerator(TransformersGenerator("smollm2", cache_dir=llm_cache, dtype=SAME_DTYPE))
    loads["ours_llm_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    shipped_llm = RecordingGenerator(TransformersGenerator("smollm2", cache_dir=llm_cache, dtype=SHIPPED_DTYPE))
    loads["shipped_llm_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer_llm = local_llm(folder, max_new_tokens=run.max_new_tokens, dtype=SAME_DTYPE)
    loads["llamaindex_llm_s"] = time.perf_counter() - t0
    return ours_llm, shipped_llm, peer_llm, folder


def load(run: Run, *, root: Path) -> Loaded:
    """Every model, then the LlamaIndex system pointed at the local ones (never its networked defaults)."""
    from recruta.ingest.embeddings import minilm_path

    loads: dict[str, float] = {}
    minilm, shipped_embedder, peer_embed = _load_embedders(run, loads)
    ours_llm, shipped_llm, peer_llm, folder = _load_llms(run, loads)
    use_local_models(embed_model=peer_embed, llm=peer_llm, tokenizer_folder=folder or minilm_path())
    config = PeerConfig.from_settings(run.ours_settings, max_new_tokens=run.max_new_tokens)
    peer = LlamaIndexRAG(persist_dir=root / "llamaindex", config=config, llm=peer_llm)
    return Loaded(
        minilm=minilm,
        shipped_embedder=shipped_embedder,
        peer_embed=peer_embed,
        ours_llm=ours_llm,
        shipped_llm=shipped_llm,
        peer_llm=peer_llm,
        peer=peer,
        config=config,
        loads=loads,
    )


def measure_ingestion(run: Run, m: Loaded) -> dict[str, Any]:
    """Every part into every system (:func:`ingest_all`); each index must then hold exactly the slice."""
    from ingestion import ingest, open_index

    run.log("ingesting, alternating the systems")
    ingestion = ingest_all(
        run.data_slice,
        runs={
            SHIPPED: lambda part: ingest(
                data_dir=part, settings=run.shipped_settings, embedder=m.shipped_embedder, progress=False
            ),
            OURS: lambda part: ingest(data_dir=part, settings=run.ours_settings, embedder=m.minilm, progress=False),
            PEER: m.peer.ingest,
        },
    )
    counts = {
        SHIPPED: open_index(run.shipped_settings, m.shipped_embedder, create=False).count(),
        OURS: open_index(run.ours_settings, m.minilm, create=False).count(),
        PEER: m.peer.count(),
    }
    if set(counts.values()) != {run.data_slice.chunks}:
        raise SystemExit(f"indexes differ from the slice's {run.data_slice.chunks} chunks: {counts}")
    run.log(
        "ingestion: "
        + ", ".join(f"{n} {sec:.1f}s" for n, sec in ingestion["seconds"].items())
        + " (LlamaIndex / ours: "
        + ", ".join(f"{n} {r:.2f}" for n, r in ingestion["ratio"].items())
        + ")"
    )
    return ingestion


def _agent(run: Run, settings: Settings, embedder: Any, generator: Any) -> Any:
    """Our agent on ``settings``' index, embedder and generator (id routing on, as shipped)."""
    from ingestion import open_index
    from model import RAGAgent, RAGConfig

    cfg = RAGConfig.from_settings(settings, max_new_tokens=run.max_new_tokens, generator=generator.name)
    return RAGAgent(
        config=cfg, store=open_index(settings, embedder, create=False), embedder=embedder, generator=generator
    )


def _llm_pass(
    run: Run, m: Loaded, k: int
) -> tuple[dict[str, dict[str, float]], dict[str, list[dict[str, Any]]], dict[str, dict[str, float]]]:
    """LLM answers on ``run.llm_items`` (each model's first generate() untimed), and prompt/answer token counts."""
    from recruta.rag.generators import GenerationInput

    assert m.ours_llm is not None and m.shipped_llm is not None and m.peer_llm is not None
    run.log(f"LLM answers, {len(run.llm_items)} questions, ≤ {run.max_new_tokens} new tokens")
    agents = {
        SHIPPED: _agent(run, run.shipped_settings, m.shipped_embedder, m.shipped_llm),
        OURS: _agent(run, run.ours_settings, m.minilm, m.ours_llm),
    }
    hello = [{"role": "user", "content": "Olá"}]
    for gen in (m.shipped_llm, m.ours_llm):
        gen.inner.generate(GenerationInput(question="Olá", hits=[], messages=hello), max_new_tokens=2)
    m.peer_llm.complete("Olá")
    recorder = RecordingHandler()
    get_dispatcher().add_event_handler(recorder)
    quality, rows = answer_pass(
        run.llm_items,
        k=k,
        systems={
            SHIPPED: ours_answer(agents[SHIPPED]),
            OURS: ours_answer(agents[OURS]),
            PEER: peer_answer(m.peer, "llm"),
        },
    )
    tokenizer = m.ours_llm.inner.tokenizer
    tokens = {
        SHIPPED: token_counts(m.shipped_llm.calls, tokenizer=tokenizer),
        OURS: token_counts(m.ours_llm.calls, tokenizer=tokenizer),
        PEER: token_counts(recorder.calls, tokenizer=tokenizer),
    }
    return quality, rows, tokens


def measure_queries(run: Run, m: Loaded, ingestion: dict[str, Any]) -> Measured:
    """Retrieval-only latency, then extractive answers on every dev question, then LLM answers."""
    from model import RAGAgent
    from recruta.rag.generators import ExtractiveGenerator

    shipped = _agent(run, run.shipped_settings, m.shipped_embedder, ExtractiveGenerator())
    ours = _agent(run, run.ours_settings, m.minilm, ExtractiveGenerator())
    no_routing = RAGAgent(
        config=replace(ours.config, id_routing=False), store=ours.store, embedder=m.minilm, generator=ours.generator
    )
    k: int = ours.config.top_k
    peer = m.peer
    for warm in (shipped.answer, ours.answer, no_routing.answer, lambda q: peer.answer(q, mode="extractive")):
        warm(run.dev[0].question)  # first-call costs (Chroma segment load, code paths) stay out of the timings
    run.log(f"retrieval latency, {run.rounds} × {len(run.dev)} questions")
    retrieval = retrieval_pass(
        run.dev,
        k=k,
        rounds=run.rounds,
        systems={
            SHIPPED: lambda q: [h.id for h in shipped.retrieve(q)],
            OURS: lambda q: [h.id for h in ours.retrieve(q)],
            OURS_NO_ROUTING: lambda q: [h.id for h in no_routing.retrieve(q)],
            PEER: lambda q: [n.node.node_id for n in peer.retrieve(q)],
        },
    )
    run.log(f"extractive answers, {len(run.dev)} questions")
    quality, rows = {}, {}
    quality["extractive"], rows["extractive"] = answer_pass(
        run.dev,
        k=k,
        systems={
            SHIPPED: ours_answer(shipped),
            OURS: ours_answer(ours),
            OURS_NO_ROUTING: ours_answer(no_routing),
            PEER: peer_answer(peer, "extractive"),
        },
    )
    tokens: dict[str, dict[str, float]] = {}
    if m.ours_llm is not None and m.shipped_llm is not None and m.peer_llm is not None:
        quality["llm"], rows["llm"], tokens = _llm_pass(run, m, k)
    return Measured(ingestion=ingestion, retrieval=retrieval, quality=quality, rows=rows, tokens=tokens, k=k)


def _systems(m: Loaded) -> dict[str, dict[str, str]]:
    """What each system ran on, in words (the shipped embedder's compute precision as OpenVINO reports it)."""
    compute = getattr(m.shipped_embedder, "precision", "fp32")  # OpenVINO falls back to f32 without native bf16
    int4 = " (the GGUF's own Q4_1 blocks for decoding, bf16 for the prompt)" if SHIPPED_DTYPE == "int4" else ""
    systems = {
        SHIPPED: {
            "embedder_backend": SHIPPED_BACKEND,
            "embedder_compute": compute,
            "llm_dtype": SHIPPED_DTYPE,
            "embedder_runtime": "torch (sentence-transformers)"
            if SHIPPED_BACKEND == "torch"
            else f"OpenVINO `{SHIPPED_BACKEND}` (computed in {compute} on this CPU)",
            "llm_runtime": f"`{SHIPPED_DTYPE}`{int4} (TransformersGenerator)",
        },
        OURS: {
            "embedder_backend": SAME_BACKEND,
            "llm_dtype": SAME_DTYPE,
            "embedder_runtime": "torch (sentence-transformers)",
            "llm_runtime": f"`{SAME_DTYPE}` (TransformersGenerator)",
        },
        PEER: {
            "embedder_backend": SAME_BACKEND,
            "llm_dtype": SAME_DTYPE,
            "embedder_runtime": "torch (`HuggingFaceEmbedding`)",
            "llm_runtime": f"`{SAME_DTYPE}` (`HuggingFaceLLM`) from the same converted folder",
        },
    }
    for spec in systems.values():
        spec["runtime"] = f"MiniLM on {spec['embedder_runtime']}, SmolLM2 {spec['llm_runtime']}"
    return systems


def results(run: Run, m: Loaded, r: Measured, *, info: dict[str, Any]) -> dict[str, Any]:
    """The run's JSON: what was compared on what, every measure, the aim per system, and every answer."""
    latency = {
        "retrieval": {name: latency_of(x) for name, x in r.retrieval.items()},
        **{
            mode: {
                name: {"p50_ms": x["latency_p50_ms"], "p95_ms": x["latency_p95_ms"], "n": int(x["n_questions"])}
                for name, x in by.items()
            }
            for mode, by in r.quality.items()
        },
    }
    s, config = run.data_slice, m.config
    return {
        "command": command("bench.peer"),
        "machine": info,
        "data": run.bench.label,
        "slice": {
            "chunks": s.chunks,
            "vagas": s.vagas,
            "applicants": s.applicants,
            "applications": s.applications,
            "needed_records": s.needed_records,
            "parts": len(s.parts),
        },
        "systems": _systems(m),
        "shipped_defaults": {"embedder_backend": SHIPPED_BACKEND, "llm_dtype": SHIPPED_DTYPE},
        "top_k": r.k,
        "embed_batch_size": config.embed_batch_size,
        "template": f"{config.template}_{config.lang}",
        "max_new_tokens": run.max_new_tokens,
        "dev_ids": [i.id for i in run.dev],
        "llm_ids": [i.id for i in run.llm_items],
        "loads": m.loads,
        "ingestion": r.ingestion,
        "latency": latency,
        "quality": r.quality,
        "retrieval_quality": {name: {"hit_at_k": x["hit_at_k"], "mrr": x["mrr"]} for name, x in r.retrieval.items()},
        "llm_tokens": r.tokens,
        "aim": {
            name: aim(name, ingestion=r.ingestion, latency=latency, rows=r.rows, k=r.k) for name in (SHIPPED, OURS)
        },
        "quality_tolerance": QUALITY_TOLERANCE,
        "answers": {
            mode: {name: [{key: x[key] for key in ANSWER_KEYS} for x in rs] for name, rs in by.items()}
            for mode, by in r.rows.items()
        },
        "wall_s": time.perf_counter() - run.started,
    }


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    started = STARTED if argv is None else time.perf_counter()  # the process's start, when run as a command
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = prepare(a, root=root, started=started)
        loaded = load(run, root=root)
        measured = measure_queries(run, loaded, measure_ingestion(run, loaded))
        run.log("done measuring")
    data = results(run, loaded, measured, info=info)
    plots = Plots(name=NAME, out=run.out, quick=run.quick)
    png = plot(data, plots.path("comparison"))
    write_outputs(NAME, run.out, data, render(data, bench=run.bench, plots=plots, png=png))
    for name in (SHIPPED, OURS):
        print(f"{name}: {verdict(data['aim'][name])}".replace("**", ""))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
