"""Retrieval latency against index size (issue #6, part 3): embed + Chroma search, with and without filters.

    .venv/bin/python -m bench.retrieval            # 10k, 100k and 500k chunks
    .venv/bin/python -m bench.retrieval --quick    # 2k, 10k, 30k chunks (CI)
    .venv/bin/python -m bench.retrieval --sizes 10000,100000 --queries 100
    .venv/bin/python -m bench.retrieval --sizes 500000 --queries 40 --per-type vaga   # issue #17's filters

The index grows in one embedded Chroma collection (the shipped store: HNSW, cosine, default parameters) and is
measured at each size. Its vectors keep the geometry of real ones: every chunk of the committed sample, embedded
by the shipped MiniLM (the benchmark home's index), and beyond those, copies of them with Gaussian noise
(cosine ≈ 0.93 to their source) whose vaga/candidate ids are renumbered, so a vaga filter keeps matching a
vaga's few chunks at every size, as in real data. Metadata are the real chunks'; copies store no text (text
storage and its full-text index take half of Chroma's write time and play no part in a vector search).

Per size, for the dev questions of the evaluation set (query embedded by the real MiniLM each time):
- ``no filter``: top-5 over everything;
- a record type (issue #17's first kind): ``type = vaga`` (~13% of the chunks), ``type = candidato`` and
  ``type = prospect`` (~43% each);
- an outcome (the second): ``outcome = hired`` (the hires, ~3%) and ``outcome = not hired`` (the other labels, ~40%);
- a type plus one field (the third): ``type = vaga + client`` (the vagas of the question's vaga's client),
  ``type = prospect + outcome`` (the hired applications), ``type = prospect + vaga_id`` (the applications to the
  vaga the question names: a few);
- ``vaga_id = X``: a selective filter (the vaga the question names), as the agent's id routing issues it;
- every filter by two routes, alternated: before the matrix (the prefilter of recruta/ingest/prefilter.py for up to
  500 matches, Chroma's own ``where`` beyond) and the shipped vector matrix (recruta/ingest/matrix.py), with how
  often their top-k agree; with ``--matrix-only`` (no Chroma), the matrix ranked exactly in float32 for every filter
  instead of the route before it, against the shipped route (the float16 first pass for broad filters), with wall
  and process CPU time;
- ``agent.retrieve``: the shipped retrieval path (the named records fetched by metadata and ranked in memory,
  then the unfiltered search);
- with ``--per-type vaga,…``, route (a) of issue #17 at the largest size: each named type's chunks in a collection
  of their own, searched unfiltered (latency, recall@k against the exact answer).
The embed time is reported on its own; every search row includes it. The collection is grown in a temporary
folder at every run (its build rate is reported too); the real index it starts from is the benchmark home's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.harness import (
    Plots,
    bench_home,
    command,
    committed_sample,
    contention_note,
    ensure_index,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from recruta.core.settings import Settings, quiet_telemetry

quiet_telemetry()

NAME = "retrieval"
NOISE = 0.02  # per-dimension σ of the copies' noise: cosine ≈ 1/√(1 + 384·σ²) ≈ 0.93 to the source
ID_STRIDE = 1_000_000  # copy c of vaga 1003 is vaga 1003 + c·ID_STRIDE
FILTERS = (
    "type = vaga",
    "type = candidato",
    "type = prospect",
    "outcome = hired",
    "outcome = not hired",
    "type = vaga + client",
    "type = prospect + outcome",
    "type = prospect + vaga_id",
    "vaga_id = X",
)
KIND = {
    f: "type" if f.startswith("type") and "+" not in f else "outcome" if f.startswith("outcome") else "type + field"
    for f in FILTERS
}
KIND["vaga_id = X"] = "one field"
# The filtered routes: before the matrix (prefilter, else Chroma's scan); the matrix ranked exactly in float32 for
# every filter (the shipped route until the float16 first pass); the shipped matrix route (the first pass for broad
# filters, recruta/ingest/matrix.py).
BEFORE, EXACT, MATRIX = ("before", "exact f32", "matrix")
MODES = ("no filter", *(f"{f} [{r}]" for f in FILTERS for r in (BEFORE, EXACT, MATRIX)), "agent.retrieve")
NOT_HIRED = ["not_approved", "withdrew", "in_process"]  # recruta.ingest.documents.outcome's other labels


def source_records(store: Any) -> dict[str, Any]:
    """Every chunk of the real index: ids, texts, metadata, embeddings (in id order)."""
    got = store.get(include_embeddings=True)
    order = np.argsort(got["ids"])
    return {
        "ids": [got["ids"][i] for i in order],
        "texts": [got["documents"][i] for i in order],
        "metas": [got["metadatas"][i] for i in order],
        "vectors": np.asarray(got["embeddings"], dtype=np.float32)[order],
    }


def _renumber(meta: dict[str, Any], copy: int) -> dict[str, Any]:
    out = dict(meta)
    for key in ("vaga_id", "candidate_id"):
        if out.get(key) not in (None, ""):
            out[key] = str(int(out[key]) + copy * ID_STRIDE) if str(out[key]).isdigit() else f"{out[key]}-{copy}"
    return out


def grow(store: Any, src: dict[str, Any], *, start: int, stop: int, batch: int, chroma: bool = True) -> None:
    """Add chunks number ``start`` … ``stop - 1`` (copy = n // len(src); copy 0 is the real chunk); without
    ``chroma``, to the text table and its vector matrix only."""
    n_src = len(src["ids"])
    rng = np.random.default_rng(start)
    for lo in range(start, stop, batch):
        idx = np.arange(lo, min(lo + batch, stop))
        copy, at = idx // n_src, idx % n_src
        vectors = src["vectors"][at] + (copy > 0)[:, None] * rng.normal(0, NOISE, (len(idx), src["vectors"].shape[1]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = [f"{src['ids'][a]}#{c}" for a, c in zip(at, copy, strict=True)]
        metas = [_renumber(src["metas"][a], int(c)) for a, c in zip(at, copy, strict=True)]
        # The real chunks keep their text (in the shipped text table); copies have none: text plays no part in a
        # vector search, and reading the hits' texts is the same few rows at every size. Every chunk's metadata go
        # to the table, as the store writes them: its indexes narrow filtered searches (recruta/ingest/prefilter.py).
        if store.texts is not None:
            texts = [src["texts"][a] if c == 0 else "" for a, c in zip(at, copy, strict=True)]
            store.texts.put(ids, texts, metas, vectors.astype(np.float32))  # and the vector matrix beside it
        if chroma:
            store.collection.add(ids=ids, embeddings=vectors.astype(np.float32), metadatas=metas)


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": statistics.median(ms), "p95_ms": float(np.percentile(ms, 95)), "mean_ms": statistics.fmean(ms)}


def filters_for(vaga_id: str | None, client: str | None) -> dict[str, dict[str, Any] | None]:
    """The filters measured, for a question naming ``vaga_id`` of ``client`` (None: those filters are skipped)."""
    return {
        "type = vaga": {"type": "vaga"},
        "type = candidato": {"type": "candidato"},
        "type = prospect": {"type": "prospect"},
        "outcome = hired": {"outcome": "hired"},
        "outcome = not hired": {"outcome": {"$in": NOT_HIRED}},
        "type = vaga + client": {"type": "vaga", "client": client} if client else None,
        "type = prospect + outcome": {"type": "prospect", "outcome": "hired"},
        "type = prospect + vaga_id": {"type": "prospect", "vaga_id": vaga_id} if vaga_id else None,
        "vaga_id = X": {"vaga_id": vaga_id} if vaga_id else None,
    }


def measure(
    store: Any, agent: Any, questions: list[tuple[str, str | None, str | None]], *, k: int, chroma: bool = True
) -> dict[str, Any]:
    """Latency per mode (embed + search), and the embed alone, over ``questions`` (text, vaga id, client). Every
    filter runs by two routes, alternated per question, and the shipped matrix route (recruta/ingest/matrix.py) is
    compared with the other: with ``chroma``, the route before the matrix (the store with its matrix off: the
    prefilter for ≤ 500 matches, else Chroma's own filter); without, the matrix ranked exactly in float32 for every
    filter (the float16 first pass off). ``agreement``: same ids in the same order; ``not_worse``: the matrix's k-th
    cosine is at least the other's (where they differ the other route missed a closer chunk); ``score_diff``: the
    largest difference between their scores at the same rank. ``cpu``: the process's CPU time per search (every
    thread), which load does not inflate as it does wall time."""
    embed_ms: list[float] = []
    times: dict[str, list[float]] = {m: [] for m in MODES}
    cpu: dict[str, list[float]] = {m: [] for m in MODES}
    same: dict[str, list[bool]] = {f: [] for f in FILTERS}
    not_worse: dict[str, list[bool]] = {f: [] for f in FILTERS}
    score_diff: dict[str, list[float]] = {f: [] for f in FILTERS}
    table = store.texts
    keeps = table.keeps_vectors
    other = BEFORE if chroma else EXACT
    for n, (question, vaga_id, client) in enumerate(questions):
        t0 = time.perf_counter()
        vector = agent.embedder.embed([question])[0]
        embed = (time.perf_counter() - t0) * 1000
        embed_ms.append(embed)
        if chroma:
            t0 = time.perf_counter()
            store.query(vector, k=k)
            times["no filter"].append(embed + (time.perf_counter() - t0) * 1000)
        for name, where in filters_for(vaga_id, client).items():
            if where is None:
                continue
            got = {}
            for route in (other, MATRIX) if n % 2 else (MATRIX, other):
                table.keeps_vectors = keeps and route != BEFORE
                table.matrix_state.use_first_pass = route == MATRIX
                c0, t0 = time.process_time(), time.perf_counter()
                got[route] = store.query(vector, k=k, where=where)
                times[f"{name} [{route}]"].append(embed + (time.perf_counter() - t0) * 1000)
                cpu[f"{name} [{route}]"].append((time.process_time() - c0) * 1000)
            table.keeps_vectors, table.matrix_state.use_first_pass = keeps, True
            a, b = got[other], got[MATRIX]
            same[name].append([h.id for h in a] == [h.id for h in b])
            not_worse[name].append(len(b) >= len(a) and (not a or b[len(a) - 1].score >= a[-1].score - 1e-5))
            score_diff[name].append(max((abs(x.score - y.score) for x, y in zip(a, b, strict=False)), default=0.0))
        if chroma:
            t0 = time.perf_counter()
            agent.retrieve(question, k=k)
            times["agent.retrieve"].append((time.perf_counter() - t0) * 1000)
    return {
        "embed": percentiles(embed_ms),
        **{m: {**percentiles(v), **_cpu(cpu[m])} for m, v in times.items() if v},
        "agreement": {f: float(np.mean(v)) for f, v in same.items() if v},
        "not_worse": {f: float(np.mean(v)) for f, v in not_worse.items() if v},
        "score_diff": {f: float(np.max(v)) for f, v in score_diff.items() if v},
    }


def _cpu(ms: list[float]) -> dict[str, float]:
    return {"cpu_p50_ms": statistics.median(ms), "cpu_p95_ms": float(np.percentile(ms, 95))} if ms else {}


def matches(store: Any, questions: list[tuple[str, str | None, str | None]]) -> dict[str, int]:
    """How many chunks each filter keeps (for the first question's vaga and client)."""
    _, vaga_id, client = questions[0]
    out = {}
    for name, where in filters_for(vaga_id, client).items():
        if where is not None:
            out[name] = len(store.listed(where, limit=10_000_000) or [])
    return out


def per_type(
    store: Any, agent: Any, questions: list[tuple[str, str | None, str | None]], *, kind: str, k: int, tmp: Path
) -> dict[str, Any]:
    """Route (a) of issue #17, measured for one record type: that type's chunks in a collection of their own (HNSW,
    cosine, default settings), searched unfiltered; latency (search only) and recall@k against the exact answer
    (the matrix's)."""
    from recruta.ingest.store import Store, make_client

    where = {"type": kind}
    ids = store.listed(where, limit=10_000_000)
    got_rows = []
    part = Store(make_client(Settings(), path=tmp / f"per-type-{kind}"), f"only-{kind}")
    started = time.perf_counter()
    for lo in range(0, len(ids), 5000):
        chunk = ids[lo : lo + 5000]
        part.collection.add(ids=chunk, embeddings=store.texts.vectors(chunk))
        got_rows.append(len(chunk))
    build = time.perf_counter() - started
    times, recall = [], []
    for question, _, _ in questions:
        vector = agent.embedder.embed([question])[0]
        exact = [h.id for h in store.query(vector, k=k, where=where)]
        t0 = time.perf_counter()
        res = part.collection.query(
            query_embeddings=np.asarray(vector, np.float32).reshape(1, -1), n_results=k, include=["distances"]
        )
        times.append((time.perf_counter() - t0) * 1000)
        recall.append(len(set(res["ids"][0]) & set(exact)) / max(1, len(exact)))
    return {
        "type": kind,
        "chunks": sum(got_rows),
        "build_s": build,
        **percentiles(times),
        "recall": float(np.mean(recall)),
    }


def plot(rows: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 6))
    sizes = [r["size"] for r in rows]
    colours = dict(zip(("no filter", *FILTERS, "agent.retrieve"), plt.get_cmap("tab20").colors, strict=False))
    for mode in MODES:
        if any(mode not in r["latency"] for r in rows):
            continue
        base = mode.split(" [")[0]
        p50 = [r["latency"][mode]["p50_ms"] for r in rows]
        p95 = [r["latency"][mode]["p95_ms"] for r in rows]
        style = "--" if mode.endswith(f"[{BEFORE}]") else "-"
        ax.plot(sizes, p50, style, marker="o", color=colours[base], label=f"{mode} (p50; band to p95)")
        ax.fill_between(sizes, p50, p95, color=colours[base], alpha=0.1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("query latency, ms (embed + search)")
    ax.set_title("Retrieval latency against index size (Chroma embedded, HNSW cosine; k=5)", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def per_type_text(r: dict[str, Any]) -> str:
    rows = "; ".join(
        f"`type = {t['type']}` ({t['chunks']:,} chunks, built in {t['build_s']:.0f} s): search alone p50 "
        f"{t['p50_ms']:.1f} / p95 {t['p95_ms']:.1f} ms, recall@k against the exact answer {t['recall']:.1%}"
        for t in r["per_type"]
    )
    return f"\nRoute (a), one collection per record type (measured at {r['size']:,} chunks, not shipped): {rows}."


def render(data: dict[str, Any], *, plots: Plots, png: Path) -> str:
    rows = []
    for r in data["results"]:
        for mode in ("embed", *MODES):
            lat = r["latency"].get(mode)
            base = mode.split(" [")[0]
            agree = r["latency"].get("agreement", {}).get(base) if mode.endswith(f"[{MATRIX}]") else None
            worse = r["latency"].get("not_worse", {}).get(base) if agree is not None else None
            diff = r["latency"].get("score_diff", {}).get(base) if agree is not None else None
            if lat:
                rows.append(
                    {
                        "size": f"{r['size']:,}",
                        "mode": mode if mode != "embed" else "embed only",
                        "kind": KIND.get(base, ""),
                        "matches": f"{r['matches'][base]:,}" if base in r.get("matches", {}) else "",
                        **lat,
                        "same": ""
                        if agree is None
                        else f"{agree:.0%} / {worse:.0%}" + ("" if diff is None else f" (Δscore ≤ {diff:.1e})"),
                    }
                )
    build = data["build"]
    return "\n".join(
        [
            "## Retrieval latency against index size",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"Index: one embedded Chroma collection grown to each size from the {data['real_chunks']:,} real "
            f"{data.get('embedder', 'minilm')} chunks "
            f"chunks of {data['data']} plus noisy copies (cosine ≈ 0.93, ids renumbered; see the module docstring). "
            f"Grown at {build['chunks_per_s']:,.0f} chunks/s ({build['chunks']:,} chunks in {build['seconds'] / 60:.1f} min, "
            f"batches of 5,000). {data['queries']} queries per "
            f"size (the evaluation set's dev questions), k={data['k']}, one client, after {data['warmup']} warm-up queries.",
            "",
            table(
                rows,
                [
                    ("size", "chunks"),
                    ("mode", "query"),
                    ("kind", "filter kind"),
                    ("matches", "matches"),
                    ("p50_ms", "p50 (ms)", ".1f"),
                    ("p95_ms", "p95 (ms)", ".1f"),
                    ("mean_ms", "mean (ms)", ".1f"),
                    ("cpu_p50_ms", "CPU p50 (ms)", ".1f"),
                    ("cpu_p95_ms", "CPU p95 (ms)", ".1f"),
                    ("same", "same top-k as the other route / not worse"),
                ],
            ),
            "",
            f"Filtered rows, two routes alternated per question: `[{BEFORE}]` is the route before the matrix (the "
            "prefilter of recruta/ingest/prefilter.py: up to 500 matches listed by the text table and ranked exactly, "
            "more go to Chroma's own `where`, a scan of every chunk's metadata then a restricted HNSW walk); "
            f"`[{EXACT}]` (with `--matrix-only`, instead of it) ranks the filter's rows exactly from the float32 vector "
            f"matrix beside the text table, for every filter; `[{MATRIX}]` is the shipped route "
            "(recruta/ingest/matrix.py): the same, except that a filter keeping a large share of its record types' "
            "rows is first scored from a float16 copy ordered by type, then ranked exactly in float32 within a proven "
            "margin. 'same': identical top-k ids in order; 'not worse': the matrix's k-th cosine is at least the other "
            "route's (where they differ, the other route missed a closer chunk); Δscore: the largest score difference "
            "at one rank. 'matches': the chunks the filter keeps at that size. CPU: the process's CPU time per search.",
            *(per_type_text(r) for r in data["results"] if r.get("per_type")),
            "",
            plots.link(png, "retrieval latency against index size"),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="2k/10k/30k chunks, 10 queries (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--sizes", default=None, help="comma-separated index sizes (default 10000,100000,500000)")
    p.add_argument("--queries", type=int, default=None, help="queries per size (default 60, quick 10)")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--embedder", default="minilm", help="the source index's embedder (hash384: no model, fast)")
    p.add_argument(
        "--matrix-only", action="store_true", help="grow the text table and its matrix only (no Chroma: matrix route)"
    )
    p.add_argument("--per-type", default="", help="record types to also measure as collections of their own (route a)")
    p.add_argument(
        "--grown", type=Path, default=None, help="keep the grown index in this folder and reuse it (default: temporary)"
    )
    a = p.parse_args(argv)
    sizes = sorted(int(x) for x in (a.sizes or ("2000,10000,30000" if a.quick else "10000,100000,500000")).split(","))
    n_queries = a.queries or (10 if a.quick else 60)
    info = machine_info()
    from model import RAGAgent, RAGConfig
    from recruta.ingest.embeddings import embedder_for
    from recruta.ingest.store import Store, make_client
    from recruta.rag import evalset
    from recruta.rag.generators import ExtractiveGenerator

    with tempfile.TemporaryDirectory() as tmp:
        bench = tiny_sample(Path(tmp) / "data") if a.quick else committed_sample()
        settings = Settings(home=bench_home(a.quick, Path(tmp)), embedder=a.embedder)  # minilm: the shipped one
        real_store, _ = ensure_index(bench, settings)
        src = source_records(real_store)
        items = [i for i in evalset.load(bench.evalset) if i.split == "dev"]
        clients = {m["vaga_id"]: m["client"] for m in src["metas"] if m.get("type") == "vaga" and m.get("client")}
        questions = []
        for item in (items * (1 + n_queries // max(1, len(items))))[:n_queries]:
            vaga = next((r.split(":")[1] for r in item.record_ids if r.startswith("vaga:")), None)
            questions.append((item.question, vaga, clients.get(vaga or "")))
        client = make_client(settings, path=a.grown or Path(tmp) / "grown")
        store = Store(client, "grown")
        store.prefilter = store.prefilter or a.matrix_only  # a reused --matrix-only index: Chroma left empty on purpose
        embedder = embedder_for(settings)
        batch = min(5000, client.get_max_batch_size())
        agent = RAGAgent(
            config=RAGConfig(embedder=a.embedder, embedder_backend=settings.embedder_backend, top_k=a.k),
            store=store,
            embedder=embedder,
            generator=ExtractiveGenerator(),
        )
        results, builds = [], []
        for size in sizes:  # one collection, grown from one size to the next (HNSW built incrementally, as in use)
            print(f"growing the index to {size:,} chunks …", flush=True)
            started = time.perf_counter()
            grow(store, src, start=store.texts.counts()[0], stop=size, batch=batch, chroma=not a.matrix_only)
            builds.append({"size": size, "seconds": time.perf_counter() - started})
            measure(store, agent, questions[:5], k=a.k, chroma=not a.matrix_only)  # warm-up
            latency = measure(store, agent, questions, k=a.k, chroma=not a.matrix_only)
            results.append({"size": size, "latency": latency, "matches": matches(store, questions)})
            if size == sizes[-1] and a.per_type:
                results[-1]["per_type"] = [
                    per_type(store, agent, questions, kind=t, k=a.k, tmp=Path(tmp)) for t in a.per_type.split(",")
                ]
                print(f"  per type: {results[-1]['per_type']}", flush=True)
            print(
                f"  {size:,}: "
                + ", ".join(
                    f"{m} p50 {v['p50_ms']:.1f} p95 {v['p95_ms']:.1f} ms" for m, v in latency.items() if "p50_ms" in v
                )
                + f"; agreement {latency['agreement']}, not worse {latency['not_worse']}",
                flush=True,
            )
    seconds = sum(b["seconds"] for b in builds)
    build = {"chunks": sizes[-1], "seconds": seconds, "chunks_per_s": sizes[-1] / seconds if seconds else 0.0}
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "data": bench.label,
        "real_chunks": len(src["ids"]),
        "embedder": a.embedder,
        "matrix_only": a.matrix_only,
        "queries": len(questions),
        "warmup": 5,
        "k": a.k,
        "build": build,
        "builds": builds,
        "results": results,
    }
    plots = Plots(name=NAME, out=a.out, quick=a.quick)
    png = plot(results, plots.path("latency"))
    write_outputs(NAME, a.out, data, render(data, plots=plots, png=png))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    compute.one_blas_thread()  # as a served process does (service.py)
    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
