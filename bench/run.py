"""Run every benchmark in order and assemble BENCHMARKS.md from their sections.

    .venv/bin/python -m bench.run            # full scale (< 30 min on a 2-core CPU), rewrites BENCHMARKS.md
    .venv/bin/python -m bench.run --quick    # tiny scale (CI): same code paths, output under bench/out only
    .venv/bin/python -m bench.run --only ingest,retrieval   # re-run some; BENCHMARKS.md keeps the others' latest

Each bench module is `python -m bench.<name> [--quick] --out DIR` and writes DIR/<name>.json and DIR/<name>.md
(a `## ...` section with the command that reproduces it, its tables and links to PNGs under docs/bench/).
Benchmarks run one after another, never in parallel: they share two cores and each measures time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = (
    "ingest",
    "ingest_ray",
    "embeddings",
    "retrieval",
    "retrieval_hybrid",
    "generation",
    "responder",
    "peer",
    "vagas_for_cv",
)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return f"{cpu}, {os.cpu_count()} cores, {mem_kb / 2**20:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def run_one(name: str, *, quick: bool, out: Path) -> tuple[float, int]:
    cmd = [sys.executable, "-m", f"bench.{name}", "--out", str(out), *(["--quick"] if quick else [])]
    print(f"\n=== bench.{name}: {' '.join(cmd[1:])}", flush=True)
    start = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT).returncode
    return time.perf_counter() - start, code


def assemble(names: list[str], *, out: Path, timings: dict[str, float], quick: bool) -> str:
    head = [
        "# Benchmarks",
        "",
        f"Produced by `make bench` (`python -m bench.run{' --quick' if quick else ''}`) on "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC at commit `{commit()}`.",
        "",
        f"**Machine:** {machine()}. No GPU. Benchmarks ran one after another, nothing else on the machine.",
        "",
        "| benchmark | wall time |",
        "|---|---|",
        *(f"| [{n}](#{n}) | {timings[n] / 60:.1f} min |" for n in names if n in timings),
        f"| **total** | **{sum(timings[n] for n in names if n in timings) / 60:.1f} min** |",
        "",
    ]
    sections = [(out / f"{n}.md").read_text().strip() for n in names if (out / f"{n}.md").exists()]
    return (
        "\n".join(head)
        + "\n"
        + "\n\n".join(f'<a id="{n}"></a>\n\n{s}' for n, s in zip(names, sections, strict=False))
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny scale, for CI; does not touch BENCHMARKS.md")
    p.add_argument("--only", default=",".join(BENCHES), help="comma-separated subset of " + ",".join(BENCHES))
    p.add_argument("--out", type=Path, default=None, help="default bench/out (bench/out/quick with --quick)")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        p.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    out = args.out or ROOT / "bench" / "out" / ("quick" if args.quick else "")
    out.mkdir(parents=True, exist_ok=True)
    saved = out / "timings.json"  # wall time of each benchmark's latest successful run in this folder
    timings: dict[str, float] = json.loads(saved.read_text()) if saved.exists() else {}
    failed = []
    for name in names:
        seconds, code = run_one(name, quick=args.quick, out=out)
        if code:
            failed.append(name)
            timings.pop(name, None)
        else:
            timings[name] = seconds
        saved.write_text(json.dumps(timings))
    every = [n for n in BENCHES if n in timings and (out / f"{n}.md").exists()]
    report = assemble(every if not failed else names, out=out, timings=timings, quick=args.quick)
    (out / "BENCHMARKS.md").write_text(report)
    if not args.quick and not failed and every == list(BENCHES):
        (ROOT / "BENCHMARKS.md").write_text(report)
        print(f"\nwrote {ROOT / 'BENCHMARKS.md'}")
    print(
        f"\n{len(names) - len(failed)}/{len(names)} benchmarks ok in {sum(timings.get(n, 0.0) for n in names) / 60:.1f} min; "
        f"report: {out / 'BENCHMARKS.md'}"
    )
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
