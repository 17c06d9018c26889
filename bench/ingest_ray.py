"""Ingestion on Ray (issue #14): throughput per core against the single-process path, per-node overhead, projection.

    .venv/bin/python -m bench.ingest_ray            # 0.5% and 1% of full Decision scale, the shipped embedder
    .venv/bin/python -m bench.ingest_ray --quick    # 0.1% and 0.2% of it, the hash embedder (CI): same code paths

Three setups ingest the same generated data (the project's generator, seed 42) into one real `chroma run` server
on 127.0.0.1, each run into a fresh collection, so every run embeds and writes everything:

A. **single process**: ``ingestion.ingest``, the model on both cores;
B. **Ray, 1 node × 2 CPUs** (``ray.cluster_utils.Cluster``, workers at the single process's priority):
   ``recruta.ingest.distributed.ingest_on_ray``, two embedding actors of one thread each;
C. **Ray, 2 nodes × 1 CPU**: the same cores split over two raylets on this machine; C against B is what a node
   costs beyond its cores (its raylet, its object store, the transfers between stores). Joining a node is timed.

A run has fixed costs (Ray: starting worker processes, each actor loading the model; both: the first batch) and a
rate. Each setup runs a warm-up, then a size S and a size 2S of the data; **throughput per core is the marginal
rate per CPU-second**: 2S − S chunks ÷ the difference in CPU seconds consumed by every process of the run (this
process, the Chroma server, and for Ray every raylet, GCS and worker process — all descendants of this process,
sampled while they run: see ``CpuMeter``). Fixed costs cancel in the difference, and
CPU-seconds, unlike wall seconds, do not stretch when other work shares the machine. Wall-clock figures are
reported beside them. The projection for 10× Decision uses the marginal per-core rates
of B's stages (task-seconds summed over the workers), the parse time of the files on the driver's node (serial)
and the Chroma server's write rate with one writer (a separate, timed upsert of the same vectors): one server
takes every write, whatever the number of nodes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import bench_home, command, contention_note, machine_info, table, write_outputs
from bench.ingest import FULL, generate, scaled
from devtools.servers import env_for
from recruta.core.settings import Settings, quiet_telemetry

quiet_telemetry()

NAME = "ingest_ray"
TARGET = 0.85  # Ray's throughput per core at least 85% of the single process's (within 15%)
SCALE, QUICK_SCALE = 0.01, 0.002
CORES_PER_NODE = 8  # the projection's node size (per-core rates make any other size a division)
PROJECTED_NODES = (1, 8, 32)
IDLE_S = 10.0  # seconds of an idle cluster measured after the warm-up
START_ATTEMPTS = 3  # tries at starting a local Ray head (see run_ray)
DECISION_RECORDS = sum(FULL[k] for k in ("n_vagas", "n_applicants", "n_prospects"))


# --------------------------------------------------------------------------- servers and clusters
def start_chroma(folder: Path, env_home: Path) -> tuple[subprocess.Popen[bytes], int]:
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = open(folder.parent / "chroma.log", "w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(folder),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env_for(env_home),
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError("chroma run did not start")


class CpuMeter:
    """CPU seconds used during a block by this process and all its descendants (Ray's raylets, GCS and workers,
    the Chroma server), sampled every ``interval`` s per process: a Ray worker that exits is reaped by no process
    of the tree, so its time is only known from the samples taken while it ran (at most one interval is lost)."""

    def __init__(self, interval: float = 0.25) -> None:
        import threading

        self.interval, self.seconds = interval, 0.0
        self._base: dict[tuple[int, float], float] = {}
        self._last: dict[tuple[int, float], float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[tuple[int, float], float]:
        import psutil

        me = psutil.Process()
        out = {}
        for proc in [me, *me.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                out[(proc.pid, proc.create_time())] = t.user + t.system
            except psutil.Error:
                continue
        return out

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._last.update(self._sample())

    def __enter__(self) -> CpuMeter:
        self._base = self._sample()
        self._last = dict(self._base)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._last.update(self._sample())
        self.seconds = sum(v - self._base.get(k, 0.0) for k, v in self._last.items())


def _figures(r: Any, cpu_s: float) -> dict[str, Any]:
    return {
        "seconds": r.seconds,
        "cpu_s": cpu_s,
        "stages": r.stage_seconds,
        "documents": r.documents,
        "embedded": r.embedded,
        "records": sum(r.read.values()),
    }


def run_ray(*, nodes: int, cpus_per_node: int, datasets: list[Path], settings: Settings, tag: str) -> dict[str, Any]:
    """A warm-up and then one ingest per data folder, on a fresh local cluster of ``nodes`` raylets.

    Ray starts its workers at niceness 15, which on a shared machine hands their cycles to everyone else; the
    single process runs at 0, so the cluster's workers do too (``RAY_worker_niceness``, read by the raylets)."""
    import os

    import ray
    from ray.cluster_utils import Cluster

    os.environ["RAY_worker_niceness"] = "0"  # noqa: SIM112 (Ray spells it so)

    from recruta.ingest.distributed import ingest_on_ray, runtime_env

    for attempt in range(START_ATTEMPTS):
        t0 = time.perf_counter()
        try:
            cluster = Cluster(
                initialize_head=True, head_node_args={"num_cpus": cpus_per_node, "include_dashboard": False}
            )
            break
        except Exception as exc:  # Ray gives a raylet 30 s (hard-coded) to register: a loaded machine can miss it
            if attempt + 1 == START_ATTEMPTS:
                raise
            print(f"   the Ray head did not start ({exc}); again …", flush=True)
    head_s = time.perf_counter() - t0
    joins, runs = [], []
    try:
        for _ in range(nodes - 1):
            t1 = time.perf_counter()
            cluster.add_node(num_cpus=cpus_per_node)
            joins.append(time.perf_counter() - t1)
        t2 = time.perf_counter()
        ray.init(address=cluster.address, runtime_env=runtime_env(), log_to_driver=False)
        connect_s = time.perf_counter() - t2
        for n, data_dir in enumerate([datasets[0], *datasets]):
            with CpuMeter() as cpu:
                out = ingest_on_ray(
                    data_dir=data_dir, progress=False, settings=settings.model_copy(update={"collection": f"{tag}-{n}"})
                )
                time.sleep(1.0)  # the actors' last moments: Ray Data ends them as the run returns
            figures = _figures(out.report, cpu.seconds)
            if n == 0:  # after the warm-up: what the idle cluster burns (raylets, GCS, agents, idle workers)
                with CpuMeter() as idle:
                    time.sleep(IDLE_S)
                idle_cpu = idle.seconds / IDLE_S
            figures["seconds"] -= out.phases.get("connect", 0.0)  # connected once, above
            figures.update(
                phases=out.phases,
                read_s=out.read_seconds,
                actors=out.actors,
                documents_by_node=out.documents_by_node,
                embedded_by_node=out.embedded_by_node,
            )
            runs.append(figures)
            print(f"   {data_dir.name}: {figures['seconds']:.1f} s, {figures['cpu_s']:.1f} CPU-s", flush=True)
    finally:
        ray.shutdown()
        cluster.shutdown()
    return {
        "nodes": nodes,
        "cores": nodes * cpus_per_node,
        "head_start_s": head_s,
        "node_join_s": joins,
        "connect_s": connect_s,
        "idle_cores": idle_cpu,
        "warmup": runs[0],
        "runs": runs[1:],
    }


def run_single(*, datasets: list[Path], settings: Settings, tag: str) -> dict[str, Any]:
    from ingestion import ingest

    runs = []
    for n, data_dir in enumerate([datasets[0], *datasets]):
        with CpuMeter() as cpu:
            r = ingest(
                data_dir=data_dir, settings=settings.model_copy(update={"collection": f"{tag}-{n}"}), progress=False
            )
            time.sleep(1.0)  # as for the Ray runs: the same idle second in both
        runs.append(_figures(r, cpu.seconds))
        print(f"   {data_dir.name}: {r.seconds:.1f} s, {runs[-1]['cpu_s']:.1f} CPU-s", flush=True)
    return {"cores": 2, "warmup": runs[0], "runs": runs[1:]}


def server_write_rate(settings: Settings, source: str, *, batch: int) -> dict[str, Any]:
    """The Chroma server's write rate with one writer: a run's vectors upserted again into a fresh collection."""
    from recruta.ingest.store import Store, make_client

    client = make_client(settings)
    got = Store(client, source, create=False).get(include_embeddings=True)
    target = Store(client, f"{source}-rewrite")
    t0 = time.perf_counter()
    for start in range(0, len(got["ids"]), batch):
        target._write(
            ids=got["ids"][start : start + batch],
            texts=got["documents"][start : start + batch],
            metadatas=got["metadatas"][start : start + batch],
            embeddings=got["embeddings"][start : start + batch],
        )
    seconds = time.perf_counter() - t0
    return {"chunks": len(got["ids"]), "seconds": seconds, "chunks_per_s": len(got["ids"]) / seconds}


# --------------------------------------------------------------------------- figures
def marginal(setup: dict[str, Any]) -> dict[str, Any]:
    """Per-core rate from S to 2S, per CPU-second (fixed costs cancel), the wall-clock equivalent, and the fixed
    CPU cost left in S."""
    nan = float("nan")
    s, d = setup["runs"]
    chunks = d["documents"] - s["documents"]
    cpu, wall = d["cpu_s"] - s["cpu_s"], d["seconds"] - s["seconds"]
    stage = {k: d["stages"][k] - s["stages"][k] for k in d["stages"]}
    docs_s = stage["load"] + stage["documents"] + stage["lookup"]
    per_cpu = chunks / cpu if cpu > 0 else nan
    return {
        "per_core": per_cpu,
        "wall_per_core": chunks / wall / setup["cores"] if wall > 0 else nan,
        "fixed_cpu_s": s["cpu_s"] - s["documents"] / per_cpu if cpu > 0 else nan,
        "end_to_end_per_core": d["documents"] / d["cpu_s"],
        "docs_rate": chunks / docs_s if docs_s > 0 else nan,
        "embed_rate": chunks / stage["embed"] if stage["embed"] > 0 else nan,
        "embed_share": d["stages"]["embed"] / max(sum(d["stages"].values()), 1e-9),
    }


def summarise(
    single: dict[str, Any], one: dict[str, Any], two: dict[str, Any], write: dict[str, Any]
) -> dict[str, Any]:
    a, b, c = marginal(single), marginal(one), marginal(two)
    big = one["runs"][-1]
    return {
        "single": a,
        "ray": b,
        "ray2": c,
        "ratio": b["per_core"] / a["per_core"],
        "ratio_two_nodes": c["per_core"] / a["per_core"],
        "node_rate_cost": 1 - c["per_core"] / b["per_core"],  # share of a core's rate lost to a second node
        "node_fixed_cpu_s": c["fixed_cpu_s"] - b["fixed_cpu_s"],
        "idle_cores_1": one["idle_cores"],
        "idle_cores_2": two["idle_cores"],
        "node_idle_cores": two["idle_cores"] - one["idle_cores"],
        "node_join_s": sum(two["node_join_s"]) / max(len(two["node_join_s"]), 1),
        "head_start_s": one["head_start_s"],
        "chunks_per_record": big["documents"] / big["records"],
        "read_s": max(big["read_s"].values()) if big["read_s"] else 0.0,
        "read_records": big["records"],
        "write_rate": write["chunks_per_s"],
    }


def project(s: dict[str, Any], *, scale: float = 10.0) -> list[dict[str, Any]]:
    """10× Decision on N nodes of CORES_PER_NODE cores: the files parsed on the driver's node (serial), then the
    parallel work at B's marginal chunks per CPU-second (validate, redact, chunk, look up, embed, the writers'
    side; the Chroma server's CPU counted in too, so conservative), bounded below by one Chroma server's write
    rate (writes overlap the embedding), plus a node's join time (nodes join in parallel)."""
    records = scale * DECISION_RECORDS
    chunks = records * s["chunks_per_record"]
    read = s["read_s"] * records / s["read_records"]
    write = chunks / s["write_rate"]
    rows: list[dict[str, Any]] = []
    for n in PROJECTED_NODES:
        cores = n * CORES_PER_NODE
        work = chunks / (s["ray"]["per_core"] * cores)
        total = read + max(work, write) + s["node_join_s"]
        rows.append(
            {
                "nodes": n,
                "cores": cores,
                "read_min": read / 60,
                "work_min": work / 60,
                "write_min": write / 60,
                "total_min": total / 60,
                "chunks_per_s": chunks / total,
                "bound": "Chroma writes" if write > work else "CPU (embedding)",
            }
        )
    single_min = chunks / (s["single"]["per_core"] * 2) / 60
    rows.append(
        {
            "nodes": "single process",
            "cores": 2,
            "work_min": single_min,
            "total_min": single_min,
            "chunks_per_s": chunks / single_min / 60,
            "bound": "one machine",
        }
    )
    return rows


def render(data: dict[str, Any]) -> str:
    s = data["summary"]
    setups = [
        ("A. single process (2 cores)", data["single"], s["single"]),
        ("B. Ray, 1 node × 2 CPUs", data["ray_1x2"], s["ray"]),
        ("C. Ray, 2 nodes × 1 CPU", data["ray_2x1"], s["ray2"]),
    ]
    rows = [
        {
            "run": name,
            "s1": setup["runs"][0]["seconds"],
            "s2": setup["runs"][1]["seconds"],
            "c1": setup["runs"][0]["cpu_s"],
            "c2": setup["runs"][1]["cpu_s"],
            "per_core": m["per_core"],
            "vs": m["per_core"] / s["single"]["per_core"],
            "wall": m["wall_per_core"],
            "e2e": m["end_to_end_per_core"],
            "fixed": m["fixed_cpu_s"],
        }
        for name, setup, m in setups
    ]
    stage_rows = [
        {
            "stage": k,
            **{
                key: setup["runs"][1]["stages"].get(k)
                for key, setup in (("single", data["single"]), ("ray", data["ray_1x2"]), ("ray2", data["ray_2x1"]))
            },
        }
        for k in ("load", "documents", "lookup", "embed", "write")
    ]
    small, big = data["single"]["runs"]
    ok = s["ratio"] >= TARGET
    return "\n".join(
        [
            f"## Ingestion on Ray ({data['scale_label']})",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"Data: the project's generator (seed 42) at {data['scale_label']}: S = {small['records']:,} records → "
            f"{small['documents']:,} chunks, 2S = {big['records']:,} records → {big['documents']:,} chunks. Embedder: "
            f"`{data['embedder']}` ({data['backend']}). Every run writes into the same `chroma run` server on 127.0.0.1 "
            "(a fresh collection each), after a warm-up run. Ray: `ingest_on_ray`, one embedding actor (one thread) per CPU.",
            "",
            table(
                rows,
                [
                    ("run", "setup"),
                    ("s1", "wall S (s)", ".1f"),
                    ("s2", "wall 2S (s)", ".1f"),
                    ("c1", "CPU S (s)", ".1f"),
                    ("c2", "CPU 2S (s)", ".1f"),
                    ("per_core", "chunks per CPU-s (marginal)", ".1f"),
                    ("vs", "× single", ".2f"),
                    ("wall", "chunks/s per core, wall (marginal)", ".1f"),
                    ("e2e", "chunks per CPU-s, 2S end to end", ".1f"),
                    ("fixed", "fixed CPU-s of a run", ".1f"),
                ],
            ),
            "",
            f"Throughput per core on Ray: **{s['ratio']:.0%}** of the single process's (target ≥ {TARGET:.0%}: "
            f"{'met' if ok else '**not met**'}); over two nodes: {s['ratio_two_nodes']:.0%}.",
            "",
            "Per-stage time of the 2S runs (s; Ray: task-seconds summed over the workers):",
            "",
            table(
                stage_rows,
                [
                    ("stage", "stage"),
                    ("single", "single", ".1f"),
                    ("ray", "Ray 1×2", ".1f"),
                    ("ray2", "Ray 2×1", ".1f"),
                ],
            ),
            "",
            f"**Per-node overhead.** The same two cores as two nodes instead of one: a per-core rate "
            f"{abs(s['node_rate_cost']):.0%} {'lower' if s['node_rate_cost'] >= 0 else 'higher'} "
            f"and {s['node_fixed_cpu_s']:+.1f} CPU-s of fixed cost per run. Idle, a one-node cluster burns "
            f"{s['idle_cores_1']:.2f} cores and a two-node one {s['idle_cores_2']:.2f} (raylets, GCS, agents, idle "
            f"workers): **{s['node_idle_cores']:+.2f} cores per extra node**. Joining a node: {s['node_join_s']:.1f} s "
            f"(once per cluster); starting the head: {s['head_start_s']:.1f} s. Each embedding actor loads the model "
            "once per run (in the fixed cost).",
            "",
            f"**Projection for 10× Decision** ({10 * DECISION_RECORDS:,} records ≈ "
            f"{10 * DECISION_RECORDS * s['chunks_per_record']:,.0f} chunks) on nodes of {CORES_PER_NODE} cores, from B's "
            f"marginal rate ({s['ray']['per_core']:.1f} chunks per CPU-second for everything but parsing; the model takes "
            f"{s['ray']['embed_share']:.0%} of the task time), the files parsed on the driver's node at "
            f"{s['read_records'] / max(s['read_s'], 1e-9):,.0f} records/s, and one Chroma server writing "
            f"{s['write_rate']:,.0f} chunks/s with one writer (wall time on this shared machine: a floor, not a ceiling):",
            "",
            table(
                data["projection"],
                [
                    ("nodes", "nodes"),
                    ("cores", "cores"),
                    ("read_min", "read (min)", ".1f"),
                    ("work_min", "parallel work (min)", ".1f"),
                    ("write_min", "Chroma writes (min)", ".1f"),
                    ("total_min", "total (min)", ".1f"),
                    ("chunks_per_s", "chunks/s", ",.0f"),
                    ("bound", "bound by"),
                ],
            ),
            "",
            "Embedding and writing overlap (Ray Data streams batches from the actors to the driver, which writes them), so the slower of "
            "the two sets the pace; once the single Chroma server's write rate is the bound, more nodes do not help: "
            "shard the collection over several servers.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help=f"{QUICK_SCALE:.1%} of full scale, the hash embedder (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--scale", type=float, default=None, help=f"2S as a share of full Decision scale (default {SCALE})")
    p.add_argument("--embedder", default=None, help="default: the shipped one (hash with --quick)")
    a = p.parse_args(argv)
    scale = a.scale or (QUICK_SCALE if a.quick else SCALE)
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        home = bench_home(a.quick, tmp_path)
        root = (tmp_path if a.quick else home) / "ingest-ray-data"
        datasets = [root / f"scale-{scale / 2:g}", root / f"scale-{scale:g}"]
        print(f"generating {scale / 2:.2%} and {scale:.2%} of full Decision scale …", flush=True)
        for folder, share in zip(datasets, (scale / 2, scale), strict=True):
            generate(folder, scaled(share))
        chroma, port = start_chroma(tmp_path / "chroma", home)
        try:
            shipped = Settings(home=home)
            base = Settings(
                home=home,
                embedder=a.embedder or ("hash" if a.quick else shipped.embedder),
                embedder_backend=shipped.embedder_backend,
                chroma_host="127.0.0.1",
                chroma_port=port,
            )
            stamp = time.strftime("%H%M%S")
            print("A. single process …", flush=True)
            single = run_single(datasets=datasets, settings=base, tag=f"single-{stamp}")
            print("B. Ray, 1 node × 2 CPUs …", flush=True)
            one = run_ray(nodes=1, cpus_per_node=2, datasets=datasets, settings=base, tag=f"ray1-{stamp}")
            print("C. Ray, 2 nodes × 1 CPU …", flush=True)
            two = run_ray(nodes=2, cpus_per_node=1, datasets=datasets, settings=base, tag=f"ray2-{stamp}")
            print("the Chroma server's write rate …", flush=True)
            from ingestion import WRITE_BATCH
            from recruta.ingest.distributed import index_name

            write = server_write_rate(
                base, index_name(base.model_copy(update={"collection": f"single-{stamp}-2"})), batch=WRITE_BATCH
            )
        finally:
            chroma.terminate()
            chroma.wait(timeout=30)
    summary = summarise(single, one, two, write)
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "scale": scale,
        "embedder": base.embedder,
        "backend": "n/a" if base.embedder.startswith("hash") else base.embedder_backend,
        "scale_label": f"{scale / 2:.2%} and {scale:.2%} of full Decision scale" + (" (--quick)" if a.quick else ""),
        "single": single,
        "ray_1x2": one,
        "ray_2x1": two,
        "server_write": write,
        "summary": summary,
        "projection": project(summary),
    }
    write_outputs(NAME, a.out, data, render(data))
    print(
        f"per core (marginal, per CPU-s): Ray {summary['ray']['per_core']:.1f} vs single "
        f"{summary['single']['per_core']:.1f} chunks ({summary['ratio']:.0%}); two nodes {summary['ratio_two_nodes']:.0%}; "
        f"fixed CPU-s of a Ray run {summary['ray']['fixed_cpu_s']:.0f}",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())  # on the main thread: a Ray node installs signal handlers (models compute on their own thread)
