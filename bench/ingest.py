"""Ingestion at full Decision scale (issue #6, part 1): wall time, records/s, chunks/s, peak RSS, overhead.

    .venv/bin/python -m bench.ingest              # full scale: 14,000 vagas, 42,000 applicants, 54,000 prospects
    .venv/bin/python -m bench.ingest --quick      # 1/100 of that (CI)
    .venv/bin/python -m bench.ingest --subset 0.02  # a bigger real-embedding subset

Embedding every chunk of the full-size set with all-MiniLM-L6-v2 on a 2-core CPU takes hours, so one run measures
the two halves of the cost separately and then checks them against each other:

A. **Pipeline at full scale**: `ingestion.ingest` over the whole generated set (real loaders, validation, PII
   redaction, chunking, content hashes, Chroma look-ups and writes of 384-d vectors) with a *replay* embedder that
   returns a deterministic bag-of-words vector per text at almost no cost (see ``ReplayEmbedder``). This is everything but the model: wall time,
   per-stage times, records/s, chunks/s and peak RSS (of a child process, so nothing else counts).
B. **Real embeddings on a random subset of the same records** (the same generator at ``--subset`` of the full
   scale): `ingestion.ingest` with the shipped embedder, then the embedder alone on exactly the same chunk texts,
   in the same process. Their difference is the pipeline's overhead, measured directly.

The full-scale projection is A's pipeline time plus A's chunk count × B's per-chunk model time, and the overhead
share is A's pipeline time over that total. Each phase runs in its own process (peak RSS via ``ru_maxrss``).

C. **Overlapped vs sequential writes** (``RECRUTA_INGEST_OVERLAP``, recruta/ingest/writer.py): the same ingestion
   with the writes in a writer thread and in turn, alternated over ``--ab-rounds`` rounds in one run, each in a fresh
   process and home: with the real embedder on B's subset (wall time against the model alone on the same texts) and
   with the replay embedder at ``--ab-scale`` (the pipeline's own time). The same rounds time sequential writes at
   each of ``--batch-sizes`` (documents per store write: one SQLite transaction and one Chroma upsert each).
   A and B run with the shipped setting (overlap on); they are not additive under overlap, C measures it directly.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    ROOT,
    Plots,
    bench_home,
    command,
    contention_note,
    machine_info,
    table,
    write_outputs,
)
from devtools.servers import env_for
from recruta.ingest.embeddings import HashEmbedder

NAME = "ingest"
FULL = {"n_vagas": 14_000, "n_applicants": 42_000, "n_prospects": 54_000, "cv_chars": 2_700}
QUICK_SCALE = 0.01
OVERHEAD_TARGET = 0.10
RSS_TARGET_MB = 3 * 1024


class ReplayEmbedder(HashEmbedder):
    """The pipeline without the model: the project's bag-of-words hashing vectors (``HashEmbedder``), 384-d.

    Not iid random vectors: what a Chroma write costs depends on the vectors, since HNSW insertion walks the graph
    towards each new point's neighbours. On 80k chunks of the full-scale set, iid random unit vectors were written
    at 1,280 chunks/s, hashing vectors at 1,960 and real MiniLM vectors (plus a little noise) at 1,910: texts that
    share words are near each other, as with the real model. This stand-in's own time is not counted (the
    ``embed`` stage is subtracted from the pipeline's time)."""

    def __init__(self) -> None:
        super().__init__(384)
        self.name = "replay"


def scaled(fraction: float) -> dict[str, int]:
    return {k: (v if k == "cv_chars" else max(1, round(v * fraction))) for k, v in FULL.items()}


def generate(folder: Path, counts: dict[str, int]) -> float:
    """The project's generator at ``counts`` into ``folder`` (kept when already there); returns seconds spent."""
    from devtools import sample

    stamp = folder / "counts.json"
    if stamp.exists() and json.loads(stamp.read_text()) == counts:
        return 0.0
    started = time.perf_counter()
    sample.generate(folder, seed=42, **counts)
    stamp.write_text(json.dumps(counts))
    return time.perf_counter() - started


# --------------------------------------------------------------------------- the measured child processes
def child(
    mode: str, *, data_dir: Path, home: Path, result: Path, overlap: bool | None = None, batch_size: int | None = None
) -> None:
    """Run one phase in this (fresh) process and write its figures to ``result``. Modes: ``pipeline`` and
    ``real`` (A and B), ``ab-replay`` and ``ab-real`` (C: ``overlap`` and ``batch_size`` as given)."""
    from ingestion import WRITE_BATCH, ingest
    from recruta.core.settings import get_settings
    from recruta.ingest.documents import build_documents
    from recruta.ingest.embeddings import embedder_for
    from recruta.ingest.loaders import load_dataset

    shipped = get_settings()  # RECRUTA_HOME is the benchmark home: the embedder converted once per machine
    settings = shipped.model_copy(update={"home": home})
    started = time.perf_counter()
    model = None if mode == "ab-replay" else embedder_for(shipped)  # C's replay runs need no model
    load_model_s = time.perf_counter() - started
    # First-call costs (lazy kernels, allocator) belong to neither side of the comparison. In the pipeline phase
    # the real model is loaded and warm too, so the peak RSS is that of a real full-scale ingestion.
    if model is not None:
        model.embed(["aquecimento do modelo"] * 32, batch_size=settings.embed_batch_size)
    embedder = model if mode in ("real", "ab-real") else ReplayEmbedder()
    report = ingest(
        data_dir=data_dir,
        settings=settings,
        embedder=embedder,  # type: ignore[arg-type]
        progress=False,
        overlap=overlap,
        batch_size=batch_size or WRITE_BATCH,
    )
    out: dict[str, Any] = {
        "mode": mode,
        "embedder": (model or embedder).name,
        "overlap": report.overlap,
        "batch_size": batch_size or WRITE_BATCH,
        "write_wait_s": report.write_wait_seconds,
        "table_s": report.table_seconds,
        "seconds": report.seconds,
        "stages": report.stage_seconds,
        "read": report.read,
        "documents": report.documents,
        "embedded": report.embedded,
        "skipped": len(report.skipped),
        "model_load_s": load_model_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if mode == "real":  # the model alone on exactly the chunk texts the pipeline embedded
        ds = load_dataset(data_dir, hired_statuses=settings.hired_statuses)
        texts = [
            d.text for d in build_documents(ds, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
        ]
        tokenizer = getattr(embedder, "tokenizer", None) or getattr(getattr(embedder, "model", None), "tokenizer", None)
        t0 = time.perf_counter()
        for start in range(0, len(texts), WRITE_BATCH):  # the pipeline's batches, without the pipeline
            embedder.embed(texts[start : start + WRITE_BATCH], batch_size=settings.embed_batch_size)
        out["embed_alone_s"] = time.perf_counter() - t0
        out["chunks"] = len(texts)
        if tokenizer is not None:
            out["tokens"] = sum(min(len(ids), 256) for ids in tokenizer(texts, add_special_tokens=True)["input_ids"])
    result.write_text(json.dumps(out))


def run_child(
    mode: str,
    *,
    data_dir: Path,
    home: Path,
    env_home: Path,
    overlap: bool | None = None,
    batch_size: int | None = None,
) -> dict[str, Any]:
    result = home.with_name(home.name + ".json")
    home.parent.mkdir(parents=True, exist_ok=True)
    extra = [
        *(["--overlap" if overlap else "--no-overlap"] if overlap is not None else []),
        *(["--batch-size", str(batch_size)] if batch_size else []),
    ]
    cmd = [
        sys.executable,
        "-m",
        "bench.ingest",
        "--child",
        mode,
        "--data-dir",
        str(data_dir),
        "--home",
        str(home),
        "--result",
        str(result),
        *extra,
    ]
    print(f"  {mode}{' ' + ' '.join(extra) if extra else ''}: ingesting {data_dir.name} …", flush=True)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env_for(env_home), capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"bench.ingest --child {mode} failed:\n{proc.stderr[-3000:]}")
    figures = json.loads(result.read_text())
    figures["process_s"] = time.perf_counter() - started
    return figures


# --------------------------------------------------------------------------- C: overlapped vs sequential writes
def ab_runs(
    *,
    rounds: int,
    real_dir: Path,
    replay_dir: Path,
    batch_sizes: list[int],
    tmp: Path,
    env_home: Path,
    embedders: tuple[str, ...] = ("real", "replay"),
) -> list[dict[str, Any]]:
    """C's runs, each in a fresh process and home: per round, sequential and overlapped (their order swapped every
    other round) with the real embedder on ``real_dir`` and with the replay one on ``replay_dir``, then sequential
    replay runs at each other batch size (their order reversed every other round)."""
    from ingestion import WRITE_BATCH

    runs: list[dict[str, Any]] = []

    def one(mode: str, data: Path, *, overlap: bool, batch_size: int, round_: int) -> None:
        home = tmp / "ab" / f"run-{len(runs)}"
        figures = run_child(mode, data_dir=data, home=home, env_home=env_home, overlap=overlap, batch_size=batch_size)
        runs.append({**figures, "round": round_})

    for r in range(rounds):
        order = (False, True) if r % 2 == 0 else (True, False)
        for mode, data in (("ab-real", real_dir), ("ab-replay", replay_dir)):
            if mode.removeprefix("ab-") not in embedders:
                continue
            for overlap in order:
                one(mode, data, overlap=overlap, batch_size=WRITE_BATCH, round_=r)
        sizes = [b for b in batch_sizes if b != WRITE_BATCH]  # the shipped size's sequential run is the one above
        for size in sizes if r % 2 == 0 else sizes[::-1]:
            one("ab-replay", replay_dir, overlap=False, batch_size=size, round_=r)
    return runs


def _loop(run: dict[str, Any]) -> float:
    """The main thread's batch loop: build, look up, embed, and write (in turn) or wait for the writer (overlapped);
    the wall time less loading the files, opening the store and building the records table (alike in both)."""
    s = run["stages"]
    return float(s["documents"] + s["lookup"] + s["embed"] + (run["write_wait_s"] if run["overlap"] else s["write"]))


def summarise_ab(runs: list[dict[str, Any]], *, model_alone_s: float, model_alone_chunks: int) -> dict[str, Any]:
    """Medians over the rounds for each (embedder, overlap) at the shipped batch size, per-round wall-time ratios
    (sequential ÷ overlapped, same round), and the write time by batch size (sequential replay runs)."""
    from statistics import median

    from ingestion import WRITE_BATCH

    rows = []
    for mode in ("ab-real", "ab-replay"):
        for overlap in (False, True):
            rs = [x for x in runs if x["mode"] == mode and x["overlap"] is overlap and x["batch_size"] == WRITE_BATCH]
            if not rs:
                continue
            wall = median(x["seconds"] for x in rs)
            embed = median(x["stages"]["embed"] for x in rs)
            write = median(x["stages"]["write"] for x in rs)
            wait = median(x["write_wait_s"] for x in rs)
            own = wall - embed  # the pipeline's own time in the main thread's clock (the model's excluded)
            loop = median(_loop(x) for x in rs)
            row = {
                "embedder": "real" if mode == "ab-real" else "replay",
                "overlap": overlap,
                "chunks": rs[0]["documents"],
                "walls": [x["seconds"] for x in rs],
                "wall_s": wall,
                "embed_s": embed,
                "write_s": write,
                "wait_s": wait,
                "own_s": own,
                "loop_s": loop,
                # the writes the main thread paid for: all of them in turn, only its wait for the writer overlapped
                "write_share": (wait if overlap else write) / own if own > 0 else float("nan"),
                "overhead_in_run": own / wall,
            }
            if mode == "ab-real" and model_alone_chunks == row["chunks"]:
                row["overhead_vs_model_alone"] = (wall - model_alone_s) / wall
            rows.append(row)
    ratios: dict[str, list[float]] = {}
    for mode in ("ab-real", "ab-replay"):
        for r in sorted({x["round"] for x in runs}):
            pair = {
                x["overlap"]: x["seconds"]
                for x in runs
                if x["mode"] == mode and x["round"] == r and x["batch_size"] == WRITE_BATCH
            }
            if len(pair) == 2:
                ratios.setdefault(mode, []).append(pair[False] / pair[True])
            loops = {
                x["overlap"]: _loop(x)
                for x in runs
                if x["mode"] == mode and x["round"] == r and x["batch_size"] == WRITE_BATCH
            }
            if len(loops) == 2:
                ratios.setdefault(f"{mode} loop", []).append(loops[False] / loops[True])
    sizes = []
    for size in sorted({x["batch_size"] for x in runs if x["mode"] == "ab-replay"}):
        rs = [x for x in runs if x["mode"] == "ab-replay" and not x["overlap"] and x["batch_size"] == size]
        write = median(x["stages"]["write"] for x in rs)
        sizes.append(
            {
                "batch_size": size,
                "runs": len(rs),
                "chunks": rs[0]["documents"],
                "write_s": write,
                "writes": [x["stages"]["write"] for x in rs],
                "write_ms_per_1k": 1000 * write / rs[0]["documents"] * 1000,
                "wall_s": median(x["seconds"] for x in rs),
            }
        )
    return {"rows": rows, "speedup": ratios, "batch_sizes": sizes}


def render_ab(data: dict[str, Any]) -> str:
    ab = data["ab"]
    if not ab["rows"]:
        return ""
    fmt = " / ".join
    rows = [
        {
            **r,
            "setup": f"{r['embedder']}, {'overlapped' if r['overlap'] else 'sequential'}",
            "walls_txt": fmt(f"{w:.1f}" for w in r["walls"]),
            "vs_alone": r.get("overhead_vs_model_alone"),
        }
        for r in ab["rows"]
    ]
    speed = "; ".join(
        f"{'real embedder' if mode.startswith('ab-real') else 'replay'}: sequential ÷ overlapped "
        f"{'batch-loop' if mode.endswith('loop') else 'wall'} time per round " + fmt(f"{x:.2f}" for x in xs)
        for mode, xs in ab["speedup"].items()
    )
    return "\n".join(
        [
            "",
            '<a id="ingest_overlap"></a>',
            "",
            f"### Overlapped vs sequential writes ({data['ab_label']})",
            "",
            f"`RECRUTA_INGEST_OVERLAP` (recruta/ingest/writer.py): the same ingestion with batch n written in a writer "
            f"thread while batch n+1 is built and embedded, and with every write in turn; {data['ab_rounds']} round(s), "
            "the two alternated, each run a fresh process and index. `real`: the shipped embedder on B's subset; "
            "`replay`: the stand-in (the pipeline's own time). `write` is the time spent writing (the writer "
            "thread's busy time when overlapped, beside the other stages); `waited` the main thread's time blocked "
            "on the writer; `own` = wall − embed; `batch loop` = documents + lookup + embed + the writes the main "
            "thread paid for (all of them in turn, only its wait when overlapped): the wall time less loading the "
            "files, opening the store and building the records table, alike in both; `write share` = those writes "
            "÷ own.",
            "",
            table(
                rows,
                [
                    ("setup", "setup"),
                    ("chunks", "chunks", ","),
                    ("walls_txt", "wall per round (s)"),
                    ("wall_s", "wall (s, median)", ".1f"),
                    ("embed_s", "embed (s)", ".1f"),
                    ("write_s", "write (s)", ".1f"),
                    ("wait_s", "waited (s)", ".1f"),
                    ("own_s", "own (s)", ".1f"),
                    ("loop_s", "batch loop (s)", ".1f"),
                    ("write_share", "write share of own", ".0%"),
                    ("overhead_in_run", "overhead: own ÷ wall", ".1%"),
                    ("vs_alone", "overhead vs the model alone", ".1%"),
                ],
            ),
            "",
            f"Same round, {speed}.",
            "",
            "Write time by batch size (documents per store write: one SQLite transaction + one Chroma upsert; "
            "sequential replay runs on the replay data above):",
            "",
            table(
                [{**b, "writes_txt": fmt(f"{w:.2f}" for w in b["writes"])} for b in ab["batch_sizes"]],
                [
                    ("batch_size", "batch size", ","),
                    ("writes_txt", "write per round (s)"),
                    ("write_s", "write (s, median)", ".2f"),
                    ("write_ms_per_1k", "ms per 1k chunks", ",.0f"),
                    ("wall_s", "wall (s)", ".1f"),
                ],
            ),
        ]
    )


def print_ab(ab: dict[str, Any]) -> None:
    for row in ab["rows"]:
        print(
            f"C {row['embedder']} {'overlapped' if row['overlap'] else 'sequential'}: wall {row['wall_s']:.1f}s, "
            f"write {row['write_s']:.1f}s, waited {row['wait_s']:.1f}s, overhead {row['overhead_in_run']:.1%}",
            flush=True,
        )
    for mode, ratios in ab["speedup"].items():
        print(f"C {mode}: sequential / overlapped wall per round {', '.join(f'{x:.2f}' for x in ratios)}", flush=True)


# --------------------------------------------------------------------------- report
def summarise(full: dict[str, Any], real: dict[str, Any]) -> dict[str, Any]:
    records = sum(full["read"].values())
    replay_embed = full["stages"]["embed"]
    pipeline_s = full["seconds"] - replay_embed  # everything but the (replay) model
    per_chunk = real["embed_alone_s"] / real["chunks"]
    model_full_s = per_chunk * full["documents"]
    total = pipeline_s + model_full_s
    measured = (real["seconds"] - real["stages"]["embed"]) / real["seconds"]  # time outside the model, same run
    return {
        "records": records,
        "chunks": full["documents"],
        "pipeline_s": pipeline_s,
        "pipeline_records_per_s": records / pipeline_s,
        "pipeline_chunks_per_s": full["documents"] / pipeline_s,
        "model_chunks_per_s": 1 / per_chunk,
        "model_tokens_per_s": real["tokens"] / real["embed_alone_s"] if real.get("tokens") else None,
        "projected_total_s": total,
        "projected_records_per_s": records / total,
        "projected_chunks_per_s": full["documents"] / total,
        "projected_overhead": pipeline_s / total,
        "measured_overhead_subset": measured,
        "embed_in_pipeline_vs_alone": real["stages"]["embed"] / real["embed_alone_s"],
        "peak_rss_mb": full["peak_rss_mb"],
        "peak_rss_subset_mb": real["peak_rss_mb"],
    }


def plot(full: dict[str, Any], summary: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stages = {k: v for k, v in full["stages"].items() if k != "embed"}
    parts = [
        *stages.items(),
        (
            "embed (model, projected)",
            summary["model_chunks_per_s"] and full["documents"] / summary["model_chunks_per_s"],
        ),
    ]
    colours = ["#9bbb59", "#4bacc6", "#f79646", "#8064a2", "#c0504d"]
    fig, ax = plt.subplots(figsize=(10, 2.6))
    left = 0.0
    for (label, seconds), colour in zip(parts, colours, strict=False):
        ax.barh([0], [seconds / 60], left=[left / 60], color=colour, label=f"{label}: {seconds / 60:.1f} min")
        left += seconds
    ax.set_yticks([])
    ax.set_xlabel("minutes (full-scale ingestion on this machine)")
    ax.set_title(
        f"Where the time goes: {full['documents']:,} chunks — pipeline {summary['projected_overhead']:.1%} "
        "of the projected total",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render(data: dict[str, Any], *, plots: Plots, png: Path) -> str:
    s, full, real = data["summary"], data["full"], data["real"]
    ok_overhead = s["projected_overhead"] < OVERHEAD_TARGET and s["measured_overhead_subset"] < OVERHEAD_TARGET
    ok_rss = s["peak_rss_mb"] < RSS_TARGET_MB
    stage_rows = [
        {"stage": "embed (replay stand-in)" if k == "embed" else k, "seconds": v, "share": v / full["seconds"]}
        for k, v in full["stages"].items()
    ]
    return "\n".join(
        [
            f"## Ingestion at {data['scale_label']}",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"Data: the project's generator (`devtools.sample`, seed 42) at {data['scale_label']}: "
            f"{full['read']['vagas']:,} vagas, {full['read']['applicants']:,} applicants (CVs of ~2.7k characters), "
            f"{full['read']['prospects']:,} applications → **{full['documents']:,} chunks** "
            f"(generated in {data['generate_s']:.0f} s; reused when present). Embedder: `{real['embedder']}` on the "
            f"shipped backend, `{data['backend']}`.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| pipeline alone at this scale (everything but the model; A) | {s['pipeline_s'] / 60:.1f} min — "
            f"{s['pipeline_records_per_s']:,.0f} records/s, {s['pipeline_chunks_per_s']:,.0f} chunks/s |",
            f"| embedding model alone (B, {real['chunks']:,} chunks of a {data['subset_share']:.1%} subset) | "
            f"{s['model_chunks_per_s']:.1f} chunks/s"
            + (f", {s['model_tokens_per_s']:,.0f} tokens/s" if s["model_tokens_per_s"] else "")
            + " |",
            f"| **projected full ingestion** (A + chunks ÷ model rate) | **{s['projected_total_s'] / 60:.0f} min** — "
            f"{s['projected_records_per_s']:.1f} records/s, {s['projected_chunks_per_s']:.1f} chunks/s |",
            f"| pipeline overhead, projected at this scale | **{s['projected_overhead']:.1%}** (target < {OVERHEAD_TARGET:.0%}) |",
            f"| pipeline overhead, measured on the subset: time outside the model in a real ingest of "
            f"{real['seconds']:.0f} s | **{s['measured_overhead_subset']:.1%}** |",
            f"| model time inside that ingest ÷ the model alone on the same {real['chunks']:,} texts "
            f"({real['embed_alone_s']:.0f} s) | {s['embed_in_pipeline_vs_alone']:.2f} |",
            f"| peak RSS of the full-scale process (the real model loaded too) | **{s['peak_rss_mb']:,.0f} MB** "
            f"(target < {RSS_TARGET_MB:,} MB) |",
            "",
            "Full-scale pipeline (A) by stage — `documents` is reading records into redacted chunks, `lookup` the "
            "content-hash check against the index, `embed` the replay stand-in, `write` Chroma upserts:",
            "",
            table(stage_rows, [("stage", "stage"), ("seconds", "seconds", ".1f"), ("share", "share of A", ".1%")]),
            "",
            f"Targets: overhead < {OVERHEAD_TARGET:.0%} — {'met' if ok_overhead else '**not met**'}; peak RSS < 3 GB — "
            f"{'met' if ok_rss else '**not met**'}.",
            "",
            plots.link(png, "full-scale ingestion time by stage"),
            render_ab(data),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"{QUICK_SCALE:.0%} of the full scale (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument(
        "--subset", type=float, default=None, help="share of the full scale embedded for real (default 0.01)"
    )
    p.add_argument(
        "--ab-rounds",
        type=int,
        default=None,
        help="rounds of C, overlapped vs sequential (default 2, quick 1; 0: skip)",
    )
    p.add_argument(
        "--ab-scale",
        type=float,
        default=None,
        help="share of the full scale for C's replay runs (default 0.05; quick: the quick scale)",
    )
    p.add_argument(
        "--batch-sizes", default="256,1024,4096", help="documents per store write timed in C (default: %(default)s)"
    )
    p.add_argument(
        "--ab-embedders",
        default="real,replay",
        help="C's embedders: real (B's subset), replay (--ab-scale) or both (default: %(default)s)",
    )
    p.add_argument("--ab-only", action="store_true", help="run C alone (no A, no B), written as ingest_ab.{json,md}")
    p.add_argument("--child", choices=["pipeline", "real", "ab-replay", "ab-real"], help=argparse.SUPPRESS)
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--overlap", action=argparse.BooleanOptionalAction, default=None, help=argparse.SUPPRESS)
    p.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    from recruta.core.settings import Settings

    if a.child:
        child(a.child, data_dir=a.data_dir, home=a.home, result=a.result, overlap=a.overlap, batch_size=a.batch_size)
        return 0
    subset = a.subset or (QUICK_SCALE / 10 if a.quick else 0.01)
    scale = QUICK_SCALE if a.quick else 1.0
    ab_scale = a.ab_scale or (QUICK_SCALE if a.quick else 0.05)
    ab_rounds = a.ab_rounds if a.ab_rounds is not None else (1 if a.quick else 2)
    chosen = a.ab_embedders.split(",")
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        home = bench_home(a.quick, tmp_path)
        data_root = (tmp_path if a.quick else home) / "ingest-data"
        full_dir, subset_dir = data_root / ("quick" if a.quick else "full"), data_root / f"subset-{subset:g}"
        print(f"generating the data ({scale:.0%} and {subset:.2%} of full scale) …", flush=True)
        generate_s = 0.0 if a.ab_only else generate(full_dir, scaled(scale))
        generate(subset_dir, scaled(subset))
        ab_dir = full_dir if ab_scale == scale else data_root / f"ab-{ab_scale:g}"
        generate(ab_dir, scaled(ab_scale))
        if not a.ab_only:
            full = run_child("pipeline", data_dir=full_dir, home=tmp_path / "home-pipeline", env_home=home)
            real = run_child("real", data_dir=subset_dir, home=tmp_path / "home-real", env_home=home)
        runs = ab_runs(
            rounds=ab_rounds,
            real_dir=subset_dir,
            replay_dir=ab_dir,
            batch_sizes=[int(b) for b in a.batch_sizes.split(",")],
            tmp=tmp_path,
            env_home=home,
            embedders=tuple(chosen),
        )
    ab_label = ", ".join(
        [
            *([f"real embedder on the {subset:.2%} subset"] if "real" in chosen else []),
            *([f"replay at {ab_scale:.0%} of full scale"] if "replay" in chosen else []),
        ]
    )
    if a.ab_only:
        ab = summarise_ab(runs, model_alone_s=0.0, model_alone_chunks=-1)  # no B: no model-alone figure
        data_ab = {"command": command("bench." + NAME), "machine": info, "ab_rounds": ab_rounds, "ab_label": ab_label}
        data_ab |= {"ab_runs": runs, "ab": ab}
        head = f"## Ingestion: overlapped vs sequential writes\n\n`{data_ab['command']}` — {info['machine']}. "
        write_outputs(f"{NAME}_ab", a.out, data_ab, head + contention_note(info) + "\n" + render_ab(data_ab))
        print_ab(ab)
        return 0
    summary = summarise(full, real)
    ab = summarise_ab(runs, model_alone_s=real["embed_alone_s"], model_alone_chunks=real["chunks"])
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "scale": scale,
        "subset_share": subset,
        "scale_label": "full Decision scale" if scale == 1 else f"{scale:.0%} of full Decision scale (--quick)",
        "generate_s": generate_s,
        "full": full,
        "real": real,
        "summary": summary,
        "backend": Settings.model_fields["embedder_backend"].default,
        "ab_rounds": ab_rounds,
        "ab_label": ab_label,
        "ab_runs": runs,
        "ab": ab,
    }  # what the child sees (env_for)
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(full, summary, plots.path("stages"))
    write_outputs(NAME, a.out, data, render(data, plots=plots, png=png))
    print(
        f"projected full ingestion {summary['projected_total_s'] / 60:.0f} min, overhead "
        f"{summary['projected_overhead']:.1%} (subset {summary['measured_overhead_subset']:.1%}), "
        f"peak RSS {summary['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    print_ab(ab)
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
