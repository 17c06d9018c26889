"""Ingestion on Ray (issue #14): throughput per core against the single-process path, per-node overhead, projection.

    .venv/bin/python -m bench.ingest_ray            # 0.5% and 1% of full Decision scale, the shipped embedder
    .venv/bin/python -m bench.ingest_ray --quick    # 0.1% and 0.2% of it, the hash embedder (CI): same code paths

Three setups ingest the same generated data (the project's generator, seed 42) into one real `chroma run` server
on 127.0.0.1, each run into a fresh collection, so every run embeds and writes everything:

A. **single process**: ``ingestion.ingest``, the model on both cores;
B. **Ray, 1 node × 2 CPUs** (``ray.cluster_utils.Cluster``): ``recruta.ingest.distributed.ingest_on_ray``, two
   embedding actors of one thread each;
C. **Ray, 2 nodes × 1 CPU**: the same cores split over two raylets on this machine; C against B is what a node
   costs beyond its cores (its raylet, its object store, the transfers between stores). Joining a node is timed.

A run has fixed costs (Ray: starting worker processes, each actor loading the model; both: the first batch) and a
rate. Each setup runs a warm-up, then a size S and a size 2S of the data; **throughput per core is the marginal
rate** (2S − S chunks ÷ the difference in wall seconds ÷ cores), in which the fixed costs cancel, and the fixed
cost of a run is what is left of S's wall time. The projection for 10× Decision uses the marginal per-core rates
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

from bench.harness import bench_home, clean_env, command, contention_note, machine_info, table, write_outputs
from bench.ingest import FULL, generate, scaled
from recruta.core.settings import Settings, quiet_telemetry

quiet_telemetry()

NAME = "ingest_ray"
TARGET = 0.85  # Ray's throughput per core at least 85% of the single process's (within 15%)
SCALE, QUICK_SCALE = 0.01, 0.002
CORES_PER_NODE = 8  # the projection's node size (per-core rates make any other size a division)
PROJECTED_NODES = (1, 8, 32)
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
        env=clean_env(env_home),
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


def _figures(r: Any) -> dict[str, Any]:
    return {
        "seconds": r.seconds,
        "stages": r.stage_seconds,
        "documents": r.documents,
        "embedded": r.embedded,
        "records": sum(r.read.values()),
    }


def run_ray(*, nodes: int, cpus_per_node: int, datasets: list[Path], settings: Settings, tag: str) -> dict[str, Any]:
    """A warm-up and then one ingest per data folder, on a fresh local cluster of ``nodes`` raylets."""
    import ray
    from ray.cluster_utils import Cluster

    from recruta.ingest.distributed import ingest_on_ray, runtime_env

    t0 = time.perf_counter()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": cpus_per_node, "include_dashboard": False})
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
            out = ingest_on_ray(
                data_dir=data_dir, settings=settings.model_copy(update={"collection": f"{tag}-{n}"}), progress=False
            )
            figures = _figures(out.report)
            figures["seconds"] -= out.phases.get("connect", 0.0)  # connected once, above
            figures.update(
                phases=out.phases,
                read_s=out.read_seconds,
                actors=out.actors,
                documents_by_node=out.documents_by_node,
                embedded_by_node=out.embedded_by_node,
            )
            runs.append(figures)
            print(f"   {data_dir.name}: {figures['seconds']:.1f} s", flush=True)
    finally:
        ray.shutdown()
        cluster.shutdown()
    return {
        "nodes": nodes,
        "cores": nodes * cpus_per_node,
        "head_start_s": head_s,
        "node_join_s": joins,
        "connect_s": connect_s,
        "warmup": runs[0],
        "runs": runs[1:],
    }


def run_single(*, datasets: list[Path], settings: Settings, tag: str) -> dict[str, Any]:
    from ingestion import ingest

    runs = []
    for n, data_dir in enumerate([datasets[0], *datasets]):
        r = ingest(data_dir=data_dir, settings=settings.model_copy(update={"collection": f"{tag}-{n}"}), progress=False)
        runs.append(_figures(r))
        print(f"   {data_dir.name}: {r.seconds:.1f} s", flush=True)
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
    """Per-core rate from S to 2S (fixed costs cancel) and the fixed cost left in S."""
    s, d = setup["runs"]
    chunks = d["documents"] - s["documents"]
    seconds = d["seconds"] - s["seconds"]
    if seconds <= 0:  # 2S no slower than S: fixed costs and noise dwarf the work (tiny --quick sizes)
        return {
            "per_core": float("nan"),
            "rate": float("nan"),
            "fixed_s": float("nan"),
            "end_to_end_per_core": d["documents"] / d["seconds"] / setup["cores"],
            "docs_rate": float("nan"),
            "embed_rate": float("nan"),
        }
    rate = chunks / seconds
    stage = {k: max(d["stages"][k] - s["stages"][k], 1e-9) for k in d["stages"]}
    return {
        "per_core": rate / setup["cores"],
        "rate": rate,
        "fixed_s": s["seconds"] - s["documents"] / rate,
        "end_to_end_per_core": d["documents"] / d["seconds"] / setup["cores"],
        "docs_rate": chunks / (stage["load"] + stage["documents"] + stage["lookup"]),
        "embed_rate": chunks / stage["embed"],
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
        "node_fixed_s": c["fixed_s"] - b["fixed_s"],
        "node_join_s": sum(two["node_join_s"]) / max(len(two["node_join_s"]), 1),
        "head_start_s": one["head_start_s"],
        "chunks_per_record": big["documents"] / big["records"],
        "read_s": max(big["read_s"].values()) if big["read_s"] else 0.0,
        "read_records": big["records"],
        "write_rate": write["chunks_per_s"],
    }


def project(s: dict[str, Any], *, scale: float = 10.0) -> list[dict[str, Any]]:
    """10× Decision on N nodes of CORES_PER_NODE cores: read (serial, on the driver's node) + documents (parallel)
    + max(embedding (parallel), writing (one Chroma server)), as the stages overlap, + a run's fixed cost and a
    node's join time (nodes join in parallel)."""
    records = scale * DECISION_RECORDS
    chunks = records * s["chunks_per_record"]
    read = s["read_s"] * records / s["read_records"]
    rows = []
    for n in PROJECTED_NODES:
        cores = n * CORES_PER_NODE
        docs = chunks / (s["ray"]["docs_rate"] * cores)
        embed = chunks / (s["ray"]["embed_rate"] * cores)
        write = chunks / s["write_rate"]
        total = read + docs + max(embed, write) + max(s["ray"]["fixed_s"], 0) + (s["node_join_s"] if n > 1 else 0)
        rows.append(
            {
                "nodes": n,
                "cores": cores,
                "read_min": read / 60,
                "documents_min": docs / 60,
                "embed_min": embed / 60,
                "write_min": write / 60,
                "total_min": total / 60,
                "chunks_per_s": chunks / total,
                "bound": "Chroma writes" if write > embed else "embedding",
            }
        )
    single_min = chunks / s["single"]["rate"] / 60
    rows.append(
        {
            "nodes": "single process",
            "cores": 2,
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
            "per_core": m["per_core"],
            "vs": m["per_core"] / s["single"]["per_core"],
            "e2e": m["end_to_end_per_core"],
            "fixed": m["fixed_s"],
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
                    ("per_core", "chunks/s per core (marginal)", ".1f"),
                    ("vs", "× single", ".2f"),
                    ("e2e", "chunks/s per core, 2S end to end", ".1f"),
                    ("fixed", "fixed cost of a run (s)", ".1f"),
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
            f"**Per-node overhead.** The same two cores as two nodes instead of one: {s['node_rate_cost']:+.0%} of the "
            f"per-core rate and {s['node_fixed_s']:+.1f} s of fixed cost per run. Joining a node: {s['node_join_s']:.1f} s "
            f"(once per cluster); starting the head: {s['head_start_s']:.1f} s. Each embedding actor loads the model "
            "once per run (in the fixed cost).",
            "",
            f"**Projection for 10× Decision** ({10 * DECISION_RECORDS:,} records ≈ "
            f"{10 * DECISION_RECORDS * s['chunks_per_record']:,.0f} chunks) on nodes of {CORES_PER_NODE} cores, from B's "
            f"marginal rates: documents {s['ray']['docs_rate']:,.0f} chunks per core-second (read, validate, redact, chunk, "
            f"look up), embedding {s['ray']['embed_rate']:,.1f} chunks per core-second, the files parsed on the driver's "
            f"node at {s['read_records'] / max(s['read_s'], 1e-9):,.0f} records/s, one Chroma server writing "
            f"{s['write_rate']:,.0f} chunks/s (one writer), a run's fixed cost {s['ray']['fixed_s']:.0f} s:",
            "",
            table(
                data["projection"],
                [
                    ("nodes", "nodes"),
                    ("cores", "cores"),
                    ("read_min", "read (min)", ".1f"),
                    ("documents_min", "documents (min)", ".1f"),
                    ("embed_min", "embed (min)", ".1f"),
                    ("write_min", "Chroma writes (min)", ".1f"),
                    ("total_min", "total (min)", ".1f"),
                    ("chunks_per_s", "chunks/s", ",.0f"),
                    ("bound", "bound by"),
                ],
            ),
            "",
            "Embedding and writing overlap (Ray Data streams batches from the actors to the writers), so the slower of "
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
        f"per core (marginal): Ray {summary['ray']['per_core']:.1f} vs single {summary['single']['per_core']:.1f} "
        f"chunks/s ({summary['ratio']:.0%}); two nodes {summary['ratio_two_nodes']:.0%}; fixed cost of a Ray run "
        f"{summary['ray']['fixed_s']:.0f} s",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())  # on the main thread: a Ray node installs signal handlers (models compute on their own thread)
