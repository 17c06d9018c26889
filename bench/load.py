"""Load on a real `bentoml serve` (127.0.0.1 only, bounded in time): the driver, and the issue-7 load/soak run.

    .venv/bin/python -m bench.load                       # 16 clients × 5 min on /responder (extractive) and on
                                                         # /match, then an 8-client mixed soak for 10 min
    .venv/bin/python -m bench.load --quick               # the same phases, 10 s each (CI)
    .venv/bin/python -m bench.load --workers 2 --threads 1 --load-s 120 --soak-s 300

Writes ``load_soak.json`` / ``load_soak.md``: per phase requests, errors (non-2xx, timeouts, connection
errors), throughput, latency p50/p95/p99, and the RSS of every process of the served tree (the `bentoml
serve` arbiter and its workers, via psutil) at the start and end of each phase.

The driver is asyncio + httpx rather than locust: N closed-loop clients (each sends its next request when
the previous answer arrives), exact per-request timings (no histogram buckets), the per-stage `tempos_ms`
of every /responder answer for the latency breakdown, RSS sampling of the server tree and the driver's own
CPU time, all in one process and one JSON. A phase stops issuing requests when its window ends; requests
still in flight finish (each bounded by the request timeout) and are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil

from bench.harness import (
    ROOT,
    BenchData,
    bench_home,
    command,
    committed_sample,
    contention_note,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from devtools import servers
from devtools.servers import env_for

NAME = "load_soak"


# --------------------------------------------------------------------------- champions and servers
def register_champion(home: Path, data: BenchData, generator: str, **env: str) -> str:
    """Run one experiment variant (the shipped RAGConfig with ``generator``) on 1 question and make it the
    champion of ``home`` — in a child process that only sees ``home`` (never the project's own registry)."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from experiment import run_grid\n"
        "from model import RAGConfig\n"
        "from recruta.core.settings import get_settings\n"
        "from register import register\n"
        "s = get_settings()\n"
        f"config = RAGConfig.from_settings(s, generator={generator!r})\n"
        f"run_id = run_grid(settings=s, configs=[config], data_dir=Path({str(data.data_dir)!r}), limit=1,\n"
        "                  experiment='recruta-bench')[0][0]\n"
        "print(json.dumps({'champion': str(register(settings=s, run_id=run_id))}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env_for(home, **env), capture_output=True, text=True, timeout=900
    )
    if out.returncode:
        raise RuntimeError(f"registering a {generator} champion failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])["champion"]


@dataclass(frozen=True, kw_only=True)
class ServeConfig:
    """BentoML workers (processes) and torch intra-op threads per worker (None: torch's default, the cores)."""

    workers: int = 1
    threads: int | None = None

    @property
    def label(self) -> str:
        return (
            f"{self.workers} worker{'s' if self.workers > 1 else ''} × "
            f"{self.threads or f'{os.cpu_count()} (default)'} torch thread{'s' if self.threads != 1 else ''}"
        )

    def env(self) -> dict[str, str]:
        extra = {"RECRUTA_WORKERS": str(self.workers)}
        if self.threads:
            extra |= {
                "OMP_NUM_THREADS": str(self.threads),
                "MKL_NUM_THREADS": str(self.threads),
                "RECRUTA_TORCH_THREADS": str(self.threads),
            }
        return extra


@dataclass(frozen=True, kw_only=True)
class ServedTree:
    """A `bentoml serve service:Recruta` (devtools.servers.Server, in its own process group) and the psutil views
    of its process tree the load run samples."""

    server: servers.Server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def started_s(self) -> float:
        return self.server.started_s

    def tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.server.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self) -> float:
        total = 0
        for p in self.tree():
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total / 2**20

    def cpu_seconds(self) -> float:
        total = 0.0
        for p in self.tree():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.NoSuchProcess:
                continue
        return total

    def settle(self, *, idle_share: float = 0.15, quiet_s: float = 2.0, limit_s: float = 90.0) -> None:
        """Wait until background start-up work (e.g. the candidate pool) is done: the tree's CPU use stays
        under ``idle_share`` of one core for ``quiet_s``."""
        deadline, quiet_since = time.monotonic() + limit_s, None
        last = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self.cpu_seconds()
            busy = (now - last) / 0.5
            last = now
            if busy > idle_share:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet_s:
                return


@contextmanager
def serve(home: Path, config: ServeConfig, *, log_path: Path) -> Iterator[ServedTree]:
    """The champion of ``home`` served with ``config``, settled after start-up; the whole tree stopped on exit."""
    with servers.serve(
        "bentoml", "service:Recruta", env=env_for(home, **config.env()), log=log_path, timeout=300, group=True
    ) as server:
        tree = ServedTree(server=server)
        tree.settle()
        yield tree


# --------------------------------------------------------------------------- workloads
@dataclass(frozen=True, kw_only=True)
class Workload:
    name: str
    paths: tuple[str, ...]  # client i uses paths[i % len(paths)] (a mixed workload alternates per client)
    bodies: dict[str, list[dict[str, Any]]]


def responder_bodies(data: BenchData) -> list[dict[str, Any]]:
    from recruta.rag import evalset

    return [{"pergunta": item.question} for item in evalset.load(data.evalset)]


def match_bodies(data: BenchData, n: int = 40) -> list[dict[str, Any]]:
    """CV texts of applicants paired with indexed vagas (deterministic)."""
    applicants = json.loads((data.data_dir / "applicants.json").read_text(encoding="utf-8"))
    vagas = list(json.loads((data.data_dir / "vagas.json").read_text(encoding="utf-8")))
    cvs = [a["cv_pt"] for a in applicants.values() if len(a.get("cv_pt", "")) > 300]
    return [{"cv_text": cvs[i % len(cvs)], "vaga_id": vagas[(7 * i) % len(vagas)]} for i in range(min(n, len(cvs)))]


def workloads(data: BenchData) -> dict[str, Workload]:
    bodies = {"/responder": responder_bodies(data), "/match": match_bodies(data)}
    return {
        "responder": Workload(name="/responder", paths=("/responder",), bodies=bodies),
        "match": Workload(name="/match", paths=("/match",), bodies=bodies),
        "mixed": Workload(name="/responder + /match", paths=("/responder", "/match"), bodies=bodies),
    }


# --------------------------------------------------------------------------- the driver
@dataclass(frozen=True, kw_only=True)
class Sample:
    path: str
    latency_s: float
    error: str | None
    stages_ms: dict[str, float]


@dataclass(kw_only=True)
class Phase:
    workload: str
    clients: int
    window_s: float
    elapsed_s: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)  # sampled every second; first = start, last = end
    driver_cpu_s: float = 0.0
    server_cpu_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        ok = [s.latency_s * 1000 for s in self.samples if s.error is None]
        errors = Counter(s.error for s in self.samples if s.error is not None)

        def pct(q: float) -> float | None:
            return float(np.percentile(ok, q)) if ok else None

        start, end = (self.rss_mb[0], self.rss_mb[-1]) if self.rss_mb else (0.0, 0.0)
        return {
            "workload": self.workload,
            "clients": self.clients,
            "window_s": self.window_s,
            "elapsed_s": round(self.elapsed_s, 1),
            "requests": len(self.samples),
            "ok": len(ok),
            "errors": sum(errors.values()),
            "error_rate": sum(errors.values()) / max(1, len(self.samples)),
            "error_kinds": dict(errors),
            "throughput_rps": len(ok) / self.elapsed_s if self.elapsed_s else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "max_ms": max(ok) if ok else None,
            "rss_start_mb": round(start, 1),
            "rss_end_mb": round(end, 1),
            "rss_peak_mb": round(max(self.rss_mb, default=0.0), 1),
            "rss_growth_pct": round(100 * (end - start) / start, 2) if start else None,
            "driver_cpu_share": self.driver_cpu_s / self.elapsed_s if self.elapsed_s else 0.0,
            "server_cpu_share": self.server_cpu_s / self.elapsed_s if self.elapsed_s else 0.0,
        }

    def breakdown(self) -> dict[str, dict[str, float]]:
        """p50/p95 (ms) of each server-reported stage, of their sum, of the client wall time, and of the
        overhead (wall − stages: HTTP, (de)serialisation, BentoML, queueing)."""
        rows = [s for s in self.samples if s.error is None and s.stages_ms]
        if not rows:
            return {}
        series: dict[str, list[float]] = {}
        for s in rows:
            for k, v in s.stages_ms.items():
                series.setdefault(k, []).append(v)
            staged = sum(s.stages_ms.values())
            series.setdefault("stages total", []).append(staged)
            series.setdefault("wall (client)", []).append(s.latency_s * 1000)
            series.setdefault("overhead", []).append(s.latency_s * 1000 - staged)
        return {k: {"p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95))} for k, v in series.items()}


async def _client(
    i: int, phase: Phase, work: Workload, client: httpx.AsyncClient, deadline: float, timeout: float
) -> None:
    path = work.paths[i % len(work.paths)]
    bodies = work.bodies[path]
    n = i
    while time.monotonic() < deadline:
        body = bodies[n % len(bodies)]
        n += phase.clients
        error, stages = None, {}
        started = time.perf_counter()
        try:
            r = await client.post(path, json=body, timeout=timeout)
            latency = time.perf_counter() - started
            if 200 <= r.status_code < 300:
                stages = r.json().get("tempos_ms", {}) if path == "/responder" else {}
            else:
                error = f"HTTP {r.status_code}"
        except httpx.TimeoutException:
            latency, error = time.perf_counter() - started, "timeout"
        except httpx.HTTPError as exc:
            latency, error = time.perf_counter() - started, type(exc).__name__
        phase.samples.append(Sample(path=path, latency_s=latency, error=error, stages_ms=stages))


async def _sample_rss(server: ServedTree, phase: Phase, stop_event: asyncio.Event) -> None:
    while not stop_event.is_set():
        phase.rss_mb.append(server.rss_mb())
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=1.0)
        except TimeoutError:
            continue
    phase.rss_mb.append(server.rss_mb())


async def _run_phase(server: ServedTree, work: Workload, clients: int, window_s: float, timeout: float) -> Phase:
    phase = Phase(workload=work.name, clients=clients, window_s=window_s)
    me = psutil.Process()
    cpu0, srv0 = sum(me.cpu_times()[:2]), server.cpu_seconds()
    done = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server, phase, done))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.url, limits=limits) as client:
        started = time.perf_counter()
        deadline = time.monotonic() + window_s
        await asyncio.gather(*(_client(i, phase, work, client, deadline, timeout) for i in range(clients)))
        phase.elapsed_s = time.perf_counter() - started
    done.set()
    await sampler
    phase.driver_cpu_s = sum(me.cpu_times()[:2]) - cpu0
    phase.server_cpu_s = server.cpu_seconds() - srv0
    return phase


def run_phase(server: ServedTree, work: Workload, *, clients: int, window_s: float, timeout: float = 120.0) -> Phase:
    """``clients`` closed-loop clients for ``window_s`` seconds; in-flight requests finish (≤ ``timeout``)."""
    phase = asyncio.run(_run_phase(server, work, clients, window_s, timeout))
    s = phase.summary()
    print(
        f"  {work.name} × {clients}: {s['requests']} req, {s['errors']} errors, {s['throughput_rps']:.2f} req/s, "
        f"p50 {s['p50_ms'] or 0:.0f} ms, p95 {s['p95_ms'] or 0:.0f} ms, RSS {s['rss_start_mb']:.0f}→"
        f"{s['rss_end_mb']:.0f} MB",
        flush=True,
    )
    return phase


def warm_up(server: ServedTree, works: list[Workload], *, clients: int = 2, window_s: float = 3.0) -> None:
    """A few requests of each workload on every worker (first-request costs: lazy imports, caches)."""
    for work in works:
        asyncio.run(_run_phase(server, work, clients, window_s, 300.0))


# --------------------------------------------------------------------------- the issue-7 run
PHASES = (("responder", 16, "load"), ("match", 16, "load"), ("mixed", 8, "soak"))


def render(data: dict[str, Any]) -> str:
    cols = [
        ("phase", "phase"),
        ("workload", "endpoint"),
        ("clients", "clients"),
        ("elapsed_s", "duration (s)", ".0f"),
        ("requests", "requests"),
        ("errors", "errors"),
        ("throughput_rps", "req/s", ".1f"),
        ("p50_ms", "p50 (ms)", ".0f"),
        ("p95_ms", "p95 (ms)", ".0f"),
        ("p99_ms", "p99 (ms)", ".0f"),
        ("rss_start_mb", "RSS start (MB)", ".0f"),
        ("rss_end_mb", "RSS end (MB)", ".0f"),
        ("rss_growth_pct", "RSS growth (%)", ".1f"),
    ]
    total_errors = sum(p["errors"] for p in data["phases"])
    first, last = data["phases"][0]["rss_start_mb"], data["phases"][-1]["rss_end_mb"]
    return "\n".join(
        [
            "## Load and soak (issue #7): /responder (extractive) and /match on 127.0.0.1",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"One `bentoml serve service:Recruta` ({data['serve']}; extractive champion, MiniLM index of "
            f"{data['data']}), started in {data['server_start_s']:.0f} s. Closed-loop asyncio+httpx clients, request "
            f"timeout {data['timeout_s']:.0f} s; an error is a non-2xx answer, a timeout or a connection error. RSS is "
            "the sum over every process of the served tree (arbiter + workers), sampled each second.",
            "",
            table(data["phases"], cols),
            "",
            f"**Errors: {total_errors}.** RSS over the whole run: {first:.0f} → {last:.0f} MB "
            f"({100 * (last - first) / first:+.1f}%); during the soak alone: {data['phases'][-1]['rss_growth_pct']:+.1f}% "
            "(target < 10%).",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny sample, 10 s per phase (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--load-s", type=float, default=None, help="seconds of each 16-client phase (default 300)")
    p.add_argument("--soak-s", type=float, default=None, help="seconds of the 8-client soak (default 600)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--threads", type=int, default=1, help="torch threads per worker (0: torch's default)")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    a = p.parse_args(argv)
    load_s = a.load_s or (10.0 if a.quick else 300.0)
    soak_s = a.soak_s or (10.0 if a.quick else 600.0)
    info = machine_info()
    config = ServeConfig(workers=a.workers, threads=a.threads or None)
    with tempfile.TemporaryDirectory() as tmp:
        data = tiny_sample(Path(tmp) / "data") if a.quick else committed_sample()
        home = bench_home(a.quick, Path(tmp))
        champion = register_champion(home, data, "extractive")
        works = workloads(data)
        phases = []
        with serve(home, config, log_path=a.out / "logs" / "load_soak-serve.log") as server:
            warm_up(server, [works["responder"], works["match"]])
            for key, clients, kind in PHASES:
                phase = run_phase(
                    server,
                    works[key],
                    clients=clients,
                    window_s=soak_s if kind == "soak" else load_s,
                    timeout=a.timeout,
                )
                phases.append({"phase": kind, **phase.summary()})
            start_s = server.started_s
    out = {
        "command": command("bench.load"),
        "machine": info,
        "data": data.label,
        "champion": champion,
        "serve": config.label,
        "serve_config": asdict(config),
        "server_start_s": start_s,
        "timeout_s": a.timeout,
        "phases": phases,
    }
    write_outputs(NAME, a.out, out, render(out))
    return 0 if all(ph["errors"] == 0 for ph in phases) else 1


if __name__ == "__main__":
    sys.exit(main())
