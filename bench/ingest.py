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
def child(mode: str, *, data_dir: Path, home: Path, result: Path) -> None:
    """Run one phase in this (fresh) process and write its figures to ``result``."""
    from ingestion import WRITE_BATCH, ingest
    from recruta.core.settings import get_settings
    from recruta.ingest.documents import build_documents
    from recruta.ingest.embeddings import embedder_for
    from recruta.ingest.loaders import load_dataset

    shipped = get_settings()  # RECRUTA_HOME is the benchmark home: the embedder converted once per machine
    settings = shipped.model_copy(update={"home": home})
    started = time.perf_counter()
    model = embedder_for(shipped)
    load_model_s = time.perf_counter() - started
    # First-call costs (lazy kernels, allocator) belong to neither side of the comparison. In the pipeline phase
    # the real model is loaded and warm too, so the peak RSS is that of a real full-scale ingestion.
    model.embed(["aquecimento do modelo"] * 32, batch_size=settings.embed_batch_size)
    embedder = ReplayEmbedder() if mode == "pipeline" else model
    report = ingest(data_dir=data_dir, settings=settings, embedder=embedder, progress=False)  # type: ignore[arg-type]
    out: dict[str, Any] = {
        "mode": mode,
        "embedder": model.name,
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


def run_child(mode: str, *, data_dir: Path, home: Path, env_home: Path) -> dict[str, Any]:
    result = home / f"{mode}.json"
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
    ]
    print(f"  {mode}: ingesting {data_dir.name} …", flush=True)
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env_for(env_home), capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"bench.ingest --child {mode} failed:\n{proc.stderr[-3000:]}")
    figures = json.loads(result.read_text())
    figures["process_s"] = time.perf_counter() - started
    return figures


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
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"{QUICK_SCALE:.0%} of the full scale (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument(
        "--subset", type=float, default=None, help="share of the full scale embedded for real (default 0.01)"
    )
    p.add_argument("--child", choices=["pipeline", "real"], help=argparse.SUPPRESS)
    p.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    from recruta.core.settings import Settings

    if a.child:
        child(a.child, data_dir=a.data_dir, home=a.home, result=a.result)
        return 0
    subset = a.subset or (QUICK_SCALE / 10 if a.quick else 0.01)
    scale = QUICK_SCALE if a.quick else 1.0
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        home = bench_home(a.quick, tmp_path)
        data_root = (tmp_path if a.quick else home) / "ingest-data"
        full_dir, subset_dir = data_root / ("quick" if a.quick else "full"), data_root / f"subset-{subset:g}"
        print(f"generating the data ({scale:.0%} and {subset:.2%} of full scale) …", flush=True)
        generate_s = generate(full_dir, scaled(scale))
        generate(subset_dir, scaled(subset))
        full = run_child("pipeline", data_dir=full_dir, home=tmp_path / "home-pipeline", env_home=home)
        real = run_child("real", data_dir=subset_dir, home=tmp_path / "home-real", env_home=home)
    summary = summarise(full, real)
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
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
