"""`/responder` and `/match` end to end through a real `bentoml serve` (issue #6, part 5).

    .venv/bin/python -m bench.responder                 # the committed sample, MiniLM index, tuned configs
    .venv/bin/python -m bench.responder --quick         # tiny sample, short windows, one config (CI)
    .venv/bin/python -m bench.responder --window 30 --configs 1x2,2x1

For each serving configuration (BentoML workers × torch threads per worker) and each workload, closed-loop clients
on 127.0.0.1 (the driver of ``bench.load``: asyncio + httpx, exact per-request timings) run for a bounded window:

- **latency breakdown** with one client: the stages the service reports in ``tempos_ms`` (embed, search, prompt,
  generate) and the rest of the client's wall time (HTTP, (de)serialisation, BentoML: *overhead*), p50/p95;
- **throughput and error rate** at 1, 4 and 16 concurrent clients: req/s, p50/p95 latency, errors (non-2xx,
  timeouts, connection errors).

Workloads: `/responder` with the extractive champion, `/responder` with the SmolLM2 champion (the LLM variant), and
`/match` (CV text against an indexed vaga; it does not depend on the generator). Both champions are registered from
one experiment run each in the benchmark home (never the project's own registry). The recommended configuration is
the one with the highest 16-client throughput without errors, per workload; the service ships it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.harness import (
    Plots,
    bench_home,
    command,
    committed_sample,
    contention_note,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from bench.load import ServeConfig, register_champion, run_phase, serve, warm_up, workloads

NAME = "responder"
CLIENTS = (1, 4, 16)
STAGES = ("embed", "search", "prompt", "generate", "overhead", "wall (client)")


def parse_configs(text: str) -> list[ServeConfig]:
    """``"1x2,2x1"`` → 1 worker × 2 torch threads, 2 workers × 1 thread."""
    out = []
    for part in text.split(","):
        workers, _, threads = part.strip().partition("x")
        out.append(ServeConfig(workers=int(workers), threads=int(threads) if threads else None))
    return out


def measure_variant(
    home: Path,
    data: Any,
    *,
    generator: str,
    configs: list[ServeConfig],
    window_s: float,
    llm_window_s: float,
    timeout: float,
    out: Path,
    with_match: bool,
    clients: tuple[int, ...],
    max_new_tokens: int,
) -> list[dict[str, Any]]:
    champion = register_champion(home, data, generator, RECRUTA_MAX_NEW_TOKENS=str(max_new_tokens))
    print(f"{generator} champion: {champion}", flush=True)
    works = workloads(data)
    rows = []
    for config in configs:
        print(f"serving with {config.label} …", flush=True)
        log = out / "logs" / f"responder-{generator}-{config.workers}x{config.threads or 0}.log"
        with serve(home, config, log_path=log) as server:
            keys = ["responder", *(["match"] if with_match else [])]
            warm_up(server, [works[k] for k in keys], clients=min(2, config.workers * 2))
            for key in keys:
                label = f"/responder ({generator})" if key == "responder" else "/match"
                window = llm_window_s if (key == "responder" and generator != "extractive") else window_s
                for n in clients:
                    phase = run_phase(server, works[key], clients=n, window_s=window, timeout=timeout)
                    rows.append(
                        {
                            **phase.summary(),
                            "workload": label,
                            "config": config.label,
                            "serve": asdict(config),
                            "start_s": server.started_s,
                            "breakdown": phase.breakdown() if n == 1 else {},
                        }
                    )
    return rows


def recommend(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per workload: the configuration with the best error-free 16-client throughput."""
    best: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["clients"] != max(CLIENTS) or r["errors"]:
            continue
        if r["workload"] not in best or r["throughput_rps"] > best[r["workload"]]["throughput_rps"]:
            best[r["workload"]] = r
    return {
        w: {"config": r["config"], "serve": r["serve"], "throughput_rps": r["throughput_rps"]} for w, r in best.items()
    }


def shipped_vs_best(rows: list[dict[str, Any]], shipped: dict[str, Any], *, cpus: int) -> list[str]:
    """Per workload at 16 clients: the shipped configuration's throughput and p95 against the best one's."""
    out = []
    top = max(CLIENTS)
    for work in sorted({r["workload"] for r in rows}):
        at16 = [r for r in rows if r["workload"] == work and r["clients"] == top and not r["errors"]]
        mine = [
            r
            for r in at16
            if r["serve"]["workers"] == shipped["workers"]
            and (r["serve"]["threads"] or cpus) == (shipped["torch_threads"] or cpus)
        ]  # None: one per core
        if not at16 or not mine:
            continue
        best, me = max(at16, key=lambda r: r["throughput_rps"]), mine[0]
        out.append(
            f"{work}: {me['throughput_rps'] / best['throughput_rps']:.0%} of the best throughput, p95 "
            f"{me['p95_ms']:.0f} ms vs {best['p95_ms']:.0f} ms, server RSS {me.get('rss_end_mb', 0):.0f} MB vs "
            f"{best.get('rss_end_mb', 0):.0f} MB"
        )
    return out


def plot(rows: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    workloads_ = sorted({r["workload"] for r in rows})
    fig, axes = plt.subplots(1, len(workloads_), figsize=(4.2 * len(workloads_), 3.6), squeeze=False)
    for ax, work in zip(axes[0], workloads_, strict=True):
        for config in sorted({r["config"] for r in rows if r["workload"] == work}):
            pts = sorted(
                (r["clients"], r["throughput_rps"]) for r in rows if r["workload"] == work and r["config"] == config
            )
            ax.plot([c for c, _ in pts], [t for _, t in pts], marker="o", label=config)
        ax.set_title(work, fontsize=9)
        ax.set_xscale("log", base=2)
        ax.set_xticks(CLIENTS, [str(c) for c in CLIENTS])
        ax.set_xlabel("concurrent clients")
        ax.set_ylabel("requests/s")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Throughput by serving configuration (workers × torch threads)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def render(data: dict[str, Any], *, plots: Plots, png: Path) -> str:
    breakdown_rows = []
    for r in data["rows"]:
        if r["breakdown"]:
            cells = {"workload": r["workload"], "config": r["config"]}
            for stage in STAGES:
                if stage in r["breakdown"]:
                    cells[stage] = f"{r['breakdown'][stage]['p50']:.0f} / {r['breakdown'][stage]['p95']:.0f}"
            breakdown_rows.append(cells)
    load_cols = [
        ("workload", "workload"),
        ("config", "workers × threads"),
        ("clients", "clients"),
        ("requests", "requests"),
        ("errors", "errors"),
        ("error_rate", "error rate", ".1%"),
        ("throughput_rps", "req/s", ".2f"),
        ("p50_ms", "p50 (ms)", ".0f"),
        ("p95_ms", "p95 (ms)", ".0f"),
    ]
    rec = data["recommended"]
    return "\n".join(
        [
            "## `/responder` and `/match` end to end (real `bentoml serve`)",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"Data: {data['data']}, MiniLM index. Closed-loop clients on 127.0.0.1, windows of {data['window_s']:.0f} s "
            f"({data['llm_window_s']:.0f} s for the LLM; requests in flight at the end finish and count), request "
            f"timeout {data['timeout_s']:.0f} s. LLM answers are at most {data['max_new_tokens']} new tokens.",
            "",
            "**Latency breakdown, one client** (p50 / p95, ms; overhead = client wall time − the stages the service "
            "reports: HTTP, validation, serialisation, BentoML):",
            "",
            table(
                breakdown_rows, [("workload", "workload"), ("config", "workers × threads"), *((s, s) for s in STAGES)]
            ),
            "",
            "**Throughput and errors under concurrency:**",
            "",
            table(data["rows"], load_cols),
            "",
            "**Tuned settings** (best error-free throughput at 16 clients): "
            + "; ".join(f"{w}: {v['config']} ({v['throughput_rps']:.2f} req/s)" for w, v in rec.items())
            + f". Shipped: `workers={data['shipped']['workers']}`, `RECRUTA_TORCH_THREADS="
            f"{data['shipped']['torch_threads']}` (torch's default: one thread per core; `recruta/core/settings.py`, "
            "`service.py`): where a second worker wins it wins by a few percent, while it doubles the memory and "
            "loses on `/match` — at 16 clients, shipped vs best: "
            + "; ".join(shipped_vs_best(data["rows"], data["shipped"], cpus=data["machine"]["cpus"]))
            + ".",
            "",
            plots.link(png, "throughput by serving configuration"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sample, 4 s windows, 1×1 only, LLM: 1 client, 16 tokens")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--configs", default=None, help="workers×threads list (default 1x2,2x1; quick 1x1)")
    p.add_argument("--window", type=float, default=None, help="seconds per phase (default 10, quick 4)")
    p.add_argument("--llm-window", type=float, default=None, help="seconds per LLM phase (default 20, quick 4)")
    p.add_argument("--timeout", type=float, default=300.0, help="per-request timeout (the service's own is 300 s)")
    p.add_argument("--no-llm", action="store_true", help="skip the LLM variant")
    a = p.parse_args(argv)
    configs = parse_configs(a.configs or ("1x1" if a.quick else "1x2,2x1"))
    window = a.window or (4.0 if a.quick else 10.0)
    llm_window = a.llm_window or (4.0 if a.quick else 20.0)
    info = machine_info()
    from recruta.core.settings import Settings, get_settings

    defaults = Settings.model_fields
    max_new_tokens = 16 if a.quick else defaults["max_new_tokens"].default

    with tempfile.TemporaryDirectory() as tmp:
        data = tiny_sample(Path(tmp) / "data") if a.quick else committed_sample()
        home = bench_home(a.quick, Path(tmp)) / "responder"
        home.mkdir(parents=True, exist_ok=True)
        llm = home / "llm"
        if not llm.exists():
            llm.symlink_to(get_settings().llm_cache, target_is_directory=True)
        common = {
            "configs": configs,
            "window_s": window,
            "llm_window_s": llm_window,
            "timeout": a.timeout,
            "out": a.out,
            "max_new_tokens": max_new_tokens,
        }
        rows = measure_variant(home, data, generator="extractive", with_match=True, clients=CLIENTS, **common)
        if not a.no_llm:  # --quick: one client only (CI checks the path, not the LLM's queueing)
            rows += measure_variant(
                home, data, generator="smollm2", with_match=False, clients=(1,) if a.quick else CLIENTS, **common
            )
    out = {
        "command": command("bench." + NAME),
        "machine": info,
        "data": data.label,
        "window_s": window,
        "llm_window_s": llm_window,
        "timeout_s": a.timeout,
        "max_new_tokens": max_new_tokens,
        "rows": rows,
        "recommended": recommend(rows),
        "shipped": {"workers": defaults["workers"].default, "torch_threads": defaults["torch_threads"].default},
    }
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(rows, plots.path("throughput"))
    write_outputs(NAME, a.out, out, render(out, plots=plots, png=png))
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
