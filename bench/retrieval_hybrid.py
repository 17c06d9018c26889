"""Hybrid retrieval (issue #13): is a vaga asked by what it describes (title, client, city) in the top 5?

    .venv/bin/python -m bench.retrieval_hybrid                     # data/ and the real vagas, real MiniLM
    .venv/bin/python -m bench.retrieval_hybrid --quick             # a tiny generated sample, hash embedder (CI)
    .venv/bin/python -m bench.retrieval_hybrid --real /path/to/decision --real-home /tmp/h

Questions are generated here, for this measurement only, from each vaga's own fields: its title with its client,
its city, or both, in several Portuguese and English phrasings; a requisition code in the title ("- 11872374")
is left out, as a person asking would. A vaga whose (title, client, city) another vaga
shares is left out: no ranking can tell them apart. A question is a hit at 5 when a chunk of that vaga (type
vaga) is among the 5 chunks the search returns over the whole index (vagas, candidates, applications, no
filter: what RAGAgent.retrieve asks when a question names no code); MRR counts its rank up to 10.
Per method (``dense`` = Chroma, ``lexical`` = BM25 over FTS5, ``hybrid`` = their reciprocal rank fusion,
recruta/rag/retrieval.py) it reports hit@5, MRR@10 and the search latency (p50, the question's embedding
excluded: the same for every method and reported once). Snapshot cost: the time and bytes of the lexical
index when a served model materialises its bundled snapshot (the index is rebuilt there from the snapshot's
texts, so the snapshot itself does not grow).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    BenchData,
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

NAME = "retrieval_hybrid"
METHODS = ("dense", "lexical", "hybrid")
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "decision"
PHRASINGS = {
    "title+client": (
        "Quais os requisitos da vaga de {title} na {client}?",
        "Me fale sobre a vaga {title} do cliente {client}",
        "What does the {title} job at {client} require?",
    ),
    "title+city": (
        "Qual o nível de inglês da vaga de {title} em {city}?",
        "Vaga {title} em {city}: quais as atividades?",
        "Tell me about the {title} position in {city}",
    ),
    "title+client+city": (
        "Detalhes da vaga de {title} na {client} em {city}",
        "{title} para a {client}, {city}: qual o nível profissional?",
    ),
}


_REQ_CODE = re.compile(r"\s*[-–]?\s*\b(?:[A-Z]{2}-)?\d{5,}\b")


def _spoken(title: str) -> str:
    """A title as a recruiter says it: without the requisition code many real titles end with (" - 11872374",
    "RE-330046"), which would make the question an id lookup."""
    return _REQ_CODE.sub("", title).strip(" -–")


def questions(data_dir: Path, *, n: int, seed: int = 13) -> list[dict[str, str]]:
    """Up to ``n`` questions describing vagas, each with the vaga it describes (``vaga_id``) and its kind."""
    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.loaders import load_dataset

    ds = load_dataset(data_dir, hired_statuses=DEFAULT_HIRED)
    fields = {
        vid: {
            "title": _spoken(v.informacoes_basicas.titulo_vaga),
            "client": v.informacoes_basicas.cliente.strip(),
            "city": v.perfil_vaga.cidade.strip(),
        }
        for vid, v in ds.vagas.items()
    }
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for kind, templates in PHRASINGS.items():
        keys = ["title", *kind.split("+")[1:]]
        seen: dict[tuple[str, ...], int] = {}
        for f in fields.values():
            sig = tuple(f[x].casefold() for x in keys)
            seen[sig] = seen.get(sig, 0) + 1
        usable = [
            vid
            for vid, f in fields.items()
            if all(f[x] for x in keys) and seen[tuple(f[x].casefold() for x in keys)] == 1
        ]
        for vid in rng.sample(usable, min(len(usable), n // len(PHRASINGS))):
            out.append({"vaga_id": vid, "kind": kind, "question": rng.choice(templates).format(**fields[vid])})
    return out


def rank_of(hits: list[Any], vaga_id: str) -> int | None:
    for n, h in enumerate(hits, start=1):
        if h.metadata.get("type") == "vaga" and str(h.metadata.get("vaga_id")) == vaga_id:
            return n
    return None


def measure(store: Any, embedder: Any, qs: list[dict[str, str]]) -> dict[str, Any]:
    from recruta.rag.retrieval import search

    ranks: dict[str, list[int | None]] = {m: [] for m in METHODS}
    times: dict[str, list[float]] = {m: [] for m in (*METHODS, "embed")}
    for q in qs:
        t0 = time.perf_counter()
        vector = embedder.embed([q["question"]])[0]
        times["embed"].append(time.perf_counter() - t0)
        for m in METHODS:
            t0 = time.perf_counter()
            hits = search(store, q["question"], vector=vector, k=10, where=None, method=m)
            times[m].append(time.perf_counter() - t0)
            ranks[m].append(rank_of(hits[:10], q["vaga_id"]))
    rows = []
    for m in METHODS:
        rs = ranks[m]
        by_kind = {}
        for kind in PHRASINGS:
            sub = [r for r, q in zip(rs, qs, strict=True) if q["kind"] == kind]
            by_kind[kind] = round(sum(1 for r in sub if r and r <= 5) / len(sub), 3) if sub else None
        rows.append(
            {
                "method": m,
                "hit@5": round(sum(1 for r in rs if r and r <= 5) / len(rs), 3),
                "mrr@10": round(sum(1 / r for r in rs if r) / len(rs), 3),
                "p50_ms": round(statistics.median(times[m]) * 1000, 1),
                **by_kind,
            }
        )
    return {"questions": len(qs), "rows": rows, "embed_p50_ms": round(statistics.median(times["embed"]) * 1000, 1)}


def snapshot_cost(store: Any, settings: Settings, tmp: Path) -> dict[str, Any]:
    """Export the index, materialise it as a served model does, and time the lexical index's share."""
    from recruta.ingest.store import Store, make_client

    snap = tmp / "snap"
    store.export(snap)
    t0 = time.perf_counter()
    served = Store(make_client(settings, path=tmp / "served"), store.name)
    served.import_snapshot(snap)
    total = time.perf_counter() - t0
    assert served.texts is not None
    t0 = time.perf_counter()
    served.texts.reindex(served._metadatas)
    lexical = time.perf_counter() - t0
    db = served.texts._db
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = (
        db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'lex%'").fetchone()[0] if _has_dbstat(db) else None
    )
    return {
        "chunks": served.count(),
        "materialise_s": round(total, 2),
        "lexical_rebuild_s": round(lexical, 2),
        "lexical_bytes": pages,
        "texts_file_bytes": served.texts.path.stat().st_size,
    }


def _has_dbstat(db: Any) -> bool:
    try:
        db.execute("SELECT 1 FROM dbstat LIMIT 1")
    except Exception:
        return False
    return True


def run_one(data: BenchData, settings: Settings, *, n: int, tmp: Path) -> dict[str, Any]:
    from recruta.ingest.embeddings import embedder_for

    store, ingest_s = ensure_index(data, settings)
    embedder = embedder_for(settings)
    qs = questions(data.data_dir, n=n)
    result = measure(store, embedder, qs)
    result.update(
        label=data.label,
        collection=store.name,
        chunks=store.count(),
        ingest_s=round(ingest_s, 1),
        snapshot=snapshot_cost(store, settings, tmp),
        examples=qs[:3],
    )
    return result


def markdown(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    parts = [
        "## Hybrid retrieval: vagas asked by title, client and city",
        "",
        f"`{command('bench.' + NAME)}`",
        "",
        __doc__.split("\n\n", 2)[2].strip(),
        "",
        contention_note(info),
        "",
    ]
    for r in results:
        snap = r["snapshot"]
        parts += [
            f"### {r['label']}",
            "",
            f"{r['questions']} questions, {r['chunks']:,} chunks in `{r['collection']}`; question embedding "
            f"p50 {r['embed_p50_ms']} ms (not in the search times).",
            "",
            table(
                r["rows"],
                [
                    ("method", "method"),
                    ("hit@5", "hit@5"),
                    ("mrr@10", "MRR@10"),
                    ("p50_ms", "search p50 (ms)"),
                    *((k, f"hit@5 {k}") for k in PHRASINGS),
                ],
            ),
            "",
            f"Snapshot: materialising {snap['chunks']:,} chunks took {snap['materialise_s']} s, of which "
            f"rebuilding the lexical index alone takes {snap['lexical_rebuild_s']} s; the FTS5 tables take "
            f"{(snap['lexical_bytes'] or 0) / 2**20:.1f} MiB (text table file {snap['texts_file_bytes'] / 2**20:.1f} MiB).",
            "",
        ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny generated sample, hash embedder (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--questions", type=int, default=None, help="per data set (default 300; 30 with --quick)")
    p.add_argument("--sample", type=Path, default=None, help="the sample folder (default: the committed data/)")
    p.add_argument(
        "--sample-home", type=Path, default=None, help="RECRUTA_HOME for its index (default: the bench home)"
    )
    p.add_argument("--real", type=Path, default=REAL, help="a Decision folder to measure too (skipped if absent)")
    p.add_argument("--real-home", type=Path, default=None, help="RECRUTA_HOME for its index (default: a temp one)")
    args = p.parse_args(argv)
    info = machine_info()
    n = args.questions or (30 if args.quick else 300)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        home = bench_home(args.quick, tmp)
        if args.quick:
            sets = [(tiny_sample(tmp / "data"), Settings(home=home, embedder="hash", chunk_size=600))]
        else:
            sample = (
                BenchData(data_dir=args.sample, label=f"the sample `{args.sample}`")
                if args.sample
                else committed_sample()
            )
            sets = [(sample, Settings(home=args.sample_home or home))]
            if args.real.exists():
                real_home = args.real_home or tmp / "real"
                for cache in ("llm", "embedders"):
                    if not (real_home / cache).exists() and (home / cache).exists():
                        real_home.mkdir(parents=True, exist_ok=True)
                        (real_home / cache).symlink_to((home / cache).resolve(), target_is_directory=True)
                sets.append(
                    (
                        BenchData(data_dir=args.real, label=f"the real Decision data `{args.real}`"),
                        Settings(home=real_home),
                    )
                )
        results = [run_one(data, s, n=n, tmp=tmp / f"snap{i}") for i, (data, s) in enumerate(sets)]
    for r in results:
        print(r["label"], r["rows"], r["snapshot"])
    write_outputs(NAME, args.out, {"info": info, "results": results}, markdown(results, info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
