"""Shared by bench.generation, bench.responder, bench.load and bench.peer: data sets, indexes, output files.

Full runs use the committed sample (``data/``) and one persistent benchmark home,
``$RECRUTA_HOME/bench``, so the MiniLM index is built once and reused by every later run (and
never touches the project's own champion). ``--quick`` runs generate a tiny sample into a
temporary folder: same code paths, seconds instead of minutes. Child processes' environment and servers:
devtools.servers (shared with the tests).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "bench"
VERSIONS = ("torch", "transformers", "sentence-transformers", "bentoml", "chromadb", "llama-index-core")


@dataclass(frozen=True, kw_only=True)
class BenchData:
    """A Decision-format data folder with its evaluation set."""

    data_dir: Path
    label: str

    @property
    def evalset(self) -> Path:
        return self.data_dir / "evalset.jsonl"


def tiny_sample(
    folder: Path,
    *,
    n_vagas: int = 12,
    n_applicants: int = 30,
    n_prospects: int = 60,
    cv_chars: int = 700,
    n_questions: int = 24,
) -> BenchData:
    """A small joinable sample from the project's own generator, plus its evaluation set."""
    from devtools import sample
    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.loaders import load_dataset
    from recruta.rag import evalset

    if not (folder / "evalset.jsonl").exists():
        sample.generate(
            folder, n_vagas=n_vagas, n_applicants=n_applicants, n_prospects=n_prospects, cv_chars=cv_chars, seed=5
        )
        evalset.save(
            evalset.build(load_dataset(folder, hired_statuses=DEFAULT_HIRED), n=n_questions), folder / "evalset.jsonl"
        )
    return BenchData(
        data_dir=folder,
        label=f"generated sample ({n_vagas} vagas, {n_applicants} applicants, {n_prospects} applications)",
    )


def committed_sample() -> BenchData:
    return BenchData(
        data_dir=ROOT / "data", label="the committed sample `data/` (300 vagas, 1,000 applicants, 3,000 applications)"
    )


def bench_home(quick: bool, tmp: Path) -> Path:
    """Where benchmark state lives: persistent for full runs (index reused), throwaway for --quick. Its LLM and
    embedder caches are the project's (links), so the GGUF → bf16/fp32 and OpenVINO conversions happen once per
    machine."""
    from recruta.core.settings import get_settings

    project = get_settings()
    home = tmp / "home" if quick else project.home / "bench"
    home.mkdir(parents=True, exist_ok=True)
    for cache in (project.llm_cache, project.embedder_cache):
        cache.mkdir(parents=True, exist_ok=True)
        if not (home / cache.name).exists():
            (home / cache.name).symlink_to(cache, target_is_directory=True)
    return home


def ensure_index(data: BenchData, settings: Any) -> tuple[Any, float]:
    """The index of ``data`` by ``settings``' embedder and backend under ``settings.home`` (ingested if empty);
    returns (store, seconds spent)."""
    from ingestion import ingest, open_index
    from recruta.ingest.embeddings import embedder_for

    embedder = embedder_for(settings)
    store = open_index(settings, embedder)
    started = time.perf_counter()
    if store.count() == 0:
        print(f"building the {store.name} index of {data.data_dir} (once per benchmark home)", flush=True)
        ingest(data_dir=data.data_dir, settings=settings, embedder=embedder, store=store, progress=False)
    return store, time.perf_counter() - started


def machine_info() -> dict[str, Any]:
    """CPU, cores, RAM, load (others' work makes numbers upper bounds) and library versions."""
    from bench.run import machine

    versions = {}
    for name in VERSIONS:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    import psutil

    # The share of the CPUs others were using, over one second now (the 1-min load average lags: right after
    # the previous benchmark of a `make bench` run it still counts that run's own work).
    busy = psutil.cpu_percent(interval=1.0) / 100
    return {
        "machine": machine(),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "cpu_busy_at_start": round(busy, 2),
        "versions": versions,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def contention_note(info: dict[str, Any]) -> str:
    if "cpu_busy_at_start" not in info:  # figures recorded before this field existed
        load = info["loadavg_1m_at_start"]
        return f"1-min load average when it started: {load:.2f} on {info['cpus']} cores" + (
            " — **other work was running, so times are upper bounds**." if load > 0.5 else " (machine idle)."
        )
    busy = info["cpu_busy_at_start"]
    return f"CPU busy with other work when it started: {busy:.0%} of {info['cpus']} cores (1-s sample)" + (
        " — **so times are upper bounds**." if busy > 0.2 else " (machine idle)."
    )


def command(module: str) -> str:
    return f".venv/bin/python -m {module} " + shlex.join(sys.argv[1:])


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str] | tuple[str, str, str]]) -> str:
    """Markdown table; ``columns`` are (key, header) or (key, header, format spec such as ".1f")."""

    def cell(v: Any, fmt: str) -> str:
        if v is None:
            return ""
        if fmt:
            return format(v, fmt)
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 10 else f"{v:.1f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    specs = [(c[0], c[1], c[2] if len(c) > 2 else "") for c in columns]
    head = "| " + " | ".join(h for _, h, _ in specs) + " |"
    sep = "|" + "---|" * len(specs)
    body = ["| " + " | ".join(cell(r.get(k), f) for k, _, f in specs) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def write_outputs(name: str, out: Path, data: dict[str, Any], markdown: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str))
    (out / f"{name}.md").write_text(markdown.strip() + "\n")
    print(f"wrote {out / f'{name}.json'} and {out / f'{name}.md'}")


@dataclass(frozen=True, kw_only=True)
class Plots:
    """PNGs of one benchmark: under docs/bench/ for full runs, next to the outputs for --quick (CI never
    rewrites the docs). Links are relative to where the assembled BENCHMARKS.md lives."""

    name: str
    out: Path
    quick: bool

    def path(self, suffix: str) -> Path:
        folder = self.out if self.quick else DOCS
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{self.name}_{suffix}.png"

    def link(self, path: Path, alt: str) -> str:
        target = path.name if self.quick else path.relative_to(ROOT).as_posix()
        return f"![{alt}]({target})"
