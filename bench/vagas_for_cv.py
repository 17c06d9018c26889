"""Vagas for a CV (issue #16): how fast every indexed vaga is ranked for one CV, and whether the vaga a person was
hired for comes out near the top.

    .venv/bin/python -m bench.vagas_for_cv            # full Decision scale (14,000 vagas) + the committed sample
    .venv/bin/python -m bench.vagas_for_cv --quick    # a small generated sample (CI): same code paths
    .venv/bin/python -m bench.vagas_for_cv --scale sample   # the committed sample only (minutes, not an hour)
    .venv/bin/python -m bench.vagas_for_cv --data-dir /tmp/full --hires 300 --latency-cvs 40

Full scale: the project's generator at ``--scale full`` (seed 42; the folder bench.ingest makes, reused when
present), with **only its vagas.json** ingested into a collection of its own in the benchmark home (once; reused).
Suggestions read only the vagas' texts and metadata from the index — never its chunk vectors: the pool embeds
each vaga's requirement text itself, with the shipped embedder (``recruta/screening/suggest.py``). So that
collection is ingested with the hash embedder (``--index-embedder``), which spares the hours that embedding its
~35k chunks with MiniLM takes on a busy 2-core machine and changes nothing that is measured here.

1. **Pool build** (``VagaPool``: 14,000 job profiles, their char n-gram rows and requirement-text vectors with the
   shipped embedder), cold (nothing cached) and warm (from the cache file a restart reads). The cache lives in the
   benchmark home: the cold build is timed when it is made (and recorded beside it); ``--cold`` makes it again.
2. **Latency** of ``Screener.suggest(cv_text=…, limit=10)`` — what the proposed ``POST /suggest_vagas`` runs —
   on the CVs of hired applicants: parsing and profiling the CV, embedding its paragraphs with the real
   embedder, the candidate stage over every vaga, the full match on the best 100. One request at a time.
3. **Hired vaga rank**: for hired applications (``--hires`` of them at random, seed 7; all of them on the
   committed sample), the applicant's CV (``cv_pt``, else ``cv_en``) → every vaga ranked → the position of the
   vaga they were hired for: hit@1/5/10, MRR, median rank. Positions past the 100 finalists follow the
   candidate stage's order. Next to it, the candidate stage alone (its cheap score decides everything).
4. **Two stages vs exhaustive**: for a few CVs, the full match on *every* vaga; how many of its top 10 the two
   stages return, and whether their top-10 scores are the same.
5. **Same score as /match**: ``Screener.match(cv_text, vaga_id)`` (which embeds the vaga's text alone) against the
   suggestions' scores, strengths and gaps for the same pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench.harness import (
    bench_home,
    command,
    committed_sample,
    contention_note,
    machine_info,
    table,
    tiny_sample,
    write_outputs,
)
from recruta.core.settings import DEFAULT_HIRED, Settings, quiet_telemetry

quiet_telemetry()

NAME = "vagas_for_cv"
TARGET_P50_S = 2.0
LIMIT = 10


# ------------------------------------------------------------------------------------------------ data
def hired_items(data_dir: Path, *, n: int | None, seed: int = 7) -> list[dict[str, str]]:
    """Hired applications whose applicant has a CV text: {vaga_id, code, cv}; ``n`` at random (None: all)."""
    prospects = json.loads((data_dir / "prospects.json").read_text(encoding="utf-8"))
    pairs = sorted(
        {
            (vid, str(p["codigo"]))
            for vid, rec in prospects.items()
            for p in rec.get("prospects", [])
            if p.get("situacao_candidado") in DEFAULT_HIRED
        },
        key=lambda t: (len(t[0]), t),
    )
    del prospects
    applicants = json.loads((data_dir / "applicants.json").read_text(encoding="utf-8"))
    vagas = set(json.loads((data_dir / "vagas.json").read_text(encoding="utf-8")))
    items = []
    for vid, code in pairs:
        a = applicants.get(code) or {}
        cv = (a.get("cv_pt") or "").strip() or (a.get("cv_en") or "").strip()
        if cv and vid in vagas:
            items.append({"vaga_id": vid, "code": code, "cv": cv})
    if n is not None and n < len(items):
        items = sorted(random.Random(seed).sample(items, n), key=lambda i: (len(i["vaga_id"]), i["vaga_id"], i["code"]))
    return items


def full_scale_data(home: Path, data_dir: Path | None) -> Path:
    """The generator's full-scale folder (bench.ingest's, generated here if absent)."""
    if data_dir is not None:
        return data_dir
    folder = home / "ingest-data" / "full"
    if not (folder / "vagas.json").exists() or not (folder / "applicants.json").exists():
        from devtools import sample

        print(f"generating the full-scale data into {folder} …", flush=True)
        sample.generate(folder, seed=42, **sample.SCALES["full"])
    return folder


def vagas_only_index(data_dir: Path, settings: Settings) -> tuple[Any, float]:
    """An index of ``data_dir``'s vagas.json alone (its own collection; ingested once)."""
    from ingestion import ingest, open_index
    from recruta.ingest.embeddings import embedder_for

    embedder = embedder_for(settings)
    store = open_index(settings, embedder)
    started = time.perf_counter()
    if store.count() == 0:
        only = settings.home / f"{settings.collection}-data"
        only.mkdir(parents=True, exist_ok=True)
        link = only / "vagas.json"
        if not link.exists():
            link.symlink_to((data_dir / "vagas.json").resolve())
        print(f"ingesting {link} into {store.name} (once per benchmark home) …", flush=True)
        ingest(data_dir=only, settings=settings, embedder=embedder, store=store, progress=False)
    return store, time.perf_counter() - started


# ------------------------------------------------------------------------------------------------ measures
def percentiles(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": float(np.percentile(values, 95)), "mean": statistics.fmean(values)}


def build_pools(store: Any, embedder: Any, cache_dir: Path, *, cold: bool = False) -> tuple[Any, dict[str, Any]]:
    """A Screener whose vaga pool is read from the cache (what a restart does); the cache is built first, timed,
    when absent or when ``cold``. Returns the screener and the build figures."""
    from recruta.screening.screener import Screener

    cache_dir.mkdir(parents=True, exist_ok=True)
    cache = cache_dir / "profiles.pkl"
    recorded = cache_dir / "cold-build.json"
    if cold or not recorded.exists():
        for old in cache_dir.glob("vagas-*"):
            old.unlink()
        first = Screener(store=store, embedder=embedder, profile_cache=cache)
        t = time.perf_counter()
        pool = first.vaga_pool
        info = {
            "vagas": len(pool),
            "cold_s": time.perf_counter() - t,
            "profiles_extracted": pool.profiles_extracted,
            "vectors_embedded": pool.vectors_embedded,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "cpu_busy": machine_info()["cpu_busy_at_start"],
        }
        recorded.write_text(json.dumps(info))
        del first, pool
    info = json.loads(recorded.read_text())
    warm = Screener(store=store, embedder=embedder, profile_cache=cache)
    t = time.perf_counter()
    again = warm.vaga_pool
    info["warm_s"] = time.perf_counter() - t
    info["warm_extracted"] = again.profiles_extracted + again.vectors_embedded
    info.update(
        lexical_nnz=int(again.lexical.nnz),
        skills=len(again.skill_index),
        lexical_mb=(again.lexical.data.nbytes + again.lexical.indices.nbytes) / 2**20,
    )
    info["cache_mb"] = sum(p.stat().st_size for p in cache_dir.glob("vagas-*")) / 2**20
    return warm, info


def latency(screener: Any, cvs: list[str], *, warmup: int = 3) -> dict[str, Any]:
    for cv in cvs[:warmup]:
        screener.suggest(cv_text=cv, limit=LIMIT)
    wall: list[float] = []
    stages: dict[str, list[float]] = {"cv": [], "embed": [], "candidates": [], "score": []}
    for cv in cvs:
        t = time.perf_counter()
        got = screener.suggest(cv_text=cv, limit=LIMIT)
        ms = (time.perf_counter() - t) * 1000
        wall.append(ms)
        stages["cv"].append(ms - got["timings_ms"]["total"])  # parsing and profiling the CV
        for name in ("embed", "candidates", "score"):
            stages[name].append(got["timings_ms"][name])
    return {
        "cvs": len(cvs),
        "warmup": warmup,
        "wall_ms": percentiles(wall),
        "stages_ms": {k: percentiles(v) for k, v in stages.items()},
        "n_scored": got["n_scored"],
    }


def vaga_kinds(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Each vaga's (title, area) as the data gives them, the title folded ("Analista Java Sr -" = "analista java sr")."""
    vagas = json.loads((data_dir / "vagas.json").read_text(encoding="utf-8"))
    return {
        vid: (
            " ".join(v["informacoes_basicas"].get("titulo_vaga", "").casefold().strip(" -").split()),
            v["perfil_vaga"].get("areas_atuacao", ""),
        )
        for vid, v in vagas.items()
    }


def ranks(screener: Any, items: list[dict[str, str]], kinds: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Position (1 = first) of the hired vaga among every vaga: by the two stages, and by the candidate stage alone.
    Also, for the two stages: whether the top 10 holds a vaga with the hired vaga's title, the share of the top 10
    in its area, and how many vagas of the index share its title."""
    from recruta.screening.matching import match, paragraphs
    from recruta.screening.suggest import DEFAULT_CANDIDATES, suggest_vagas

    pool = screener.vaga_pool
    titles = Counter(title for title, _ in kinds.values())
    two, cheap_only, title_hit, area_share, same_title, tied = [], [], [], [], [], []
    for item in items:
        cv = screener.cv(cv_text=item["cv"])[0]
        vecs = pool.embedder.embed(paragraphs(cv.text)) if pool.embedder is not None else None
        cheap = pool.candidate_scores(cv, vecs)
        order = [pool.entries[i].vaga_id for i in np.argsort(-cheap, kind="stable")]
        scored = suggest_vagas(cv, pool, limit=DEFAULT_CANDIDATES, cv_vectors=vecs).vagas
        finalists = [v["vaga_id"] for v in scored]
        row = pool.by_id[item["vaga_id"]]
        own = match(
            cv,
            pool.entries[row].profile,
            embedder=pool.embedder,
            cv_vectors=vecs,
            job_vector=pool.vectors[row] if pool.vectors is not None else None,
        ).score
        tied.append(own >= scored[min(LIMIT, len(scored)) - 1]["score"])
        chosen = set(finalists)
        system = finalists + [v for v in order if v not in chosen]
        two.append(system.index(item["vaga_id"]) + 1)
        cheap_only.append(order.index(item["vaga_id"]) + 1)
        title, area = kinds[item["vaga_id"]]
        title_hit.append(any(kinds[v][0] == title for v in finalists[:LIMIT]))
        area_share.append(sum(kinds[v][1] == area for v in finalists[:LIMIT]) / LIMIT)
        same_title.append(titles[title])
    return {
        "hires": len(items),
        "two_stages": rank_metrics(two),
        "candidate_stage": rank_metrics(cheap_only),
        "title_hit@10": float(np.mean(title_hit)),
        "area_share@10": float(np.mean(area_share)),
        "same_title_vagas_median": float(np.median(same_title)),
        "score_in_top10": float(np.mean(tied)),
    }


def rank_metrics(positions: list[int]) -> dict[str, float]:
    arr = np.asarray(positions, dtype=float)
    return {
        "hit@1": float(np.mean(arr <= 1)),
        "hit@5": float(np.mean(arr <= 5)),
        "hit@10": float(np.mean(arr <= 10)),
        "mrr": float(np.mean(1.0 / arr)),
        "median_rank": float(np.median(arr)) if len(arr) else 0.0,
    }


def agreement(screener: Any, cvs: list[str]) -> dict[str, Any]:
    """The two stages' top 10 against the full match of every vaga."""
    from recruta.screening.matching import paragraphs
    from recruta.screening.suggest import exhaustive, suggest_vagas

    pool = screener.vaga_pool
    found, same, missed, seconds = [], [], [], []
    for text in cvs:
        cv = screener.cv(cv_text=text)[0]
        vecs = pool.embedder.embed(paragraphs(cv.text)) if pool.embedder is not None else None
        t = time.perf_counter()
        full = exhaustive(cv, pool, cv_vectors=vecs)[:LIMIT]
        seconds.append(time.perf_counter() - t)
        got = suggest_vagas(cv, pool, limit=LIMIT, cv_vectors=vecs).vagas
        ids = {v["vaga_id"] for v in got}
        found.append(sum(vid in ids for vid, _ in full) / len(full))
        same.append([s for _, s in full] == [v["score"] for v in got])
        lost = [s for vid, s in full if vid not in ids]
        missed.append(max(0, max(lost) - min(v["score"] for v in got)) if lost else 0)
    return {
        "cvs": len(cvs),
        "top10_found": float(np.mean(found)),
        "same_top10_scores": float(np.mean(same)),
        "worst_missed_margin": int(max(missed)),
        "exhaustive_s_p50": statistics.median(seconds),
    }


def same_as_match(screener: Any, cvs: list[str]) -> dict[str, Any]:
    pairs = differ = 0
    for text in cvs:
        for v in screener.suggest(cv_text=text, limit=LIMIT)["vagas"]:
            m = screener.match(cv_text=text, vaga_id=v["vaga_id"])
            pairs += 1
            differ += (m["score"], m["strengths"], m["gaps"], m["verdict"]) != (
                v["score"],
                v["strengths"],
                v["gaps"],
                v["verdict"],
            )
    return {"pairs": pairs, "different": differ}


def measure(
    label: str,
    store: Any,
    embedder: Any,
    items: list[dict[str, str]],
    kinds: dict[str, tuple[str, str]],
    *,
    cache_dir: Path,
    latency_cvs: int,
    agreement_cvs: int,
    match_cvs: int,
    cold: bool = False,
) -> dict[str, Any]:
    print(f"[{label}] the vaga pool (built once, then read from its cache) …", flush=True)
    screener, pool_info = build_pools(store, embedder, cache_dir, cold=cold)
    cvs = list(dict.fromkeys(i["cv"] for i in items))
    rng = random.Random(11)
    sample = rng.sample(cvs, min(len(cvs), latency_cvs + 3))
    print(f"[{label}] latency over {len(sample)} CVs …", flush=True)
    lat = latency(screener, sample)
    print(f"[{label}] p50 {lat['wall_ms']['p50']:.0f} ms; hired vaga ranks over {len(items)} hires …", flush=True)
    rk = ranks(screener, items, kinds)
    print(
        f"[{label}] hit@10 {rk['two_stages']['hit@10']:.3f} MRR {rk['two_stages']['mrr']:.3f}; exhaustive …", flush=True
    )
    agree = agreement(screener, sample[:agreement_cvs])
    same = same_as_match(screener, sample[:match_cvs])
    return {"label": label, "pool": pool_info, "latency": lat, "ranks": rk, "agreement": agree, "same_as_match": same}


# ------------------------------------------------------------------------------------------------ report
def render(data: dict[str, Any]) -> str:
    runs = data["runs"]
    lat_rows, stage_rows, pool_rows, rank_rows, agree_rows, kind_rows = [], [], [], [], [], []
    for r in runs:
        lat, p = r["latency"], r["pool"]
        lat_rows.append(
            {
                "data": r["label"],
                "vagas": f"{p['vagas']:,}",
                "cvs": lat["cvs"],
                "p50": lat["wall_ms"]["p50"] / 1000,
                "p95": lat["wall_ms"]["p95"] / 1000,
                "target": "met" if lat["wall_ms"]["p50"] / 1000 <= TARGET_P50_S else "**not met**",
            }
        )
        stage_rows.append({"data": r["label"], **{k: v["p50"] for k, v in lat["stages_ms"].items()}})
        pool_rows.append(
            {
                "data": r["label"],
                "vagas": f"{p['vagas']:,}",
                "cold": p["cold_s"],
                "warm": p["warm_s"],
                "lex": p["lexical_mb"],
                "cache": p["cache_mb"],
                "when": p["date"],
                "busy": f"{p['cpu_busy']:.0%}",
            }
        )
        for name, key in (("two stages (shipped)", "two_stages"), ("candidate stage alone", "candidate_stage")):
            m = r["ranks"][key]
            rank_rows.append({"data": r["label"], "ranking": name, "hires": r["ranks"]["hires"], **m})
        kind_rows.append(
            {
                "data": r["label"],
                "hires": r["ranks"]["hires"],
                "title": r["ranks"]["title_hit@10"],
                "tied": r["ranks"]["score_in_top10"],
                "area": r["ranks"]["area_share@10"],
                "same": r["ranks"]["same_title_vagas_median"],
                "vagas": f"{r['pool']['vagas']:,}",
            }
        )
        a, s = r["agreement"], r["same_as_match"]
        agree_rows.append(
            {
                "data": r["label"],
                "cvs": a["cvs"],
                "found": a["top10_found"],
                "same": a["same_top10_scores"],
                "margin": a["worst_missed_margin"],
                "ex": a["exhaustive_s_p50"],
                "match": f"{s['pairs'] - s['different']} of {s['pairs']}",
            }
        )
    return "\n".join(
        [
            "## Vagas for a CV: every indexed vaga ranked for one CV",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])}",
            "",
            f"Embedder: `{data['embedder']}` (the shipped one, for the CV and the vagas' requirement texts). Full scale: "
            "the generator's `--scale full` set (seed 42), its vagas.json alone in the index (ingested with "
            f"`{data['index_embedder']}`: suggestions read the vagas' texts, never the index's vectors); the CVs are "
            "those of hired applicants of the same set. Two stages (`recruta/screening/suggest.py`): an estimate of every vaga's "
            "score by the match's own formula (semantic and lexical similarity as matrix products, the skills signal's credit, and the signals of the vaga's "
            "facts once per distinct set of facts), then the full match — the one `/match` computes — on the "
            f"best {data['candidates']}. One request at a time after {runs[0]['latency']['warmup']} warm-ups; "
            f"target p50 ≤ {TARGET_P50_S:.0f} s at full scale.",
            "",
            table(
                lat_rows,
                [
                    ("data", "data"),
                    ("vagas", "vagas"),
                    ("cvs", "CVs"),
                    ("p50", "p50 (s)", ".2f"),
                    ("p95", "p95 (s)", ".2f"),
                    ("target", "p50 ≤ 2 s"),
                ],
            ),
            "",
            "Where the time goes (p50, ms): `cv` parsing and profiling the CV, `embed` its paragraphs by the embedder, "
            "`candidates` the cheap score of every vaga, `score` the full match of the finalists:",
            "",
            table(
                stage_rows,
                [
                    ("data", "data"),
                    ("cv", "cv", ".0f"),
                    ("embed", "embed", ".0f"),
                    ("candidates", "candidates", ".0f"),
                    ("score", "score", ".0f"),
                ],
            ),
            "",
            "The vaga pool (built once per index, in the background at service start; cached on disk):",
            "",
            table(
                pool_rows,
                [
                    ("data", "data"),
                    ("vagas", "vagas"),
                    ("cold", "cold build (s)", ".1f"),
                    ("warm", "from the cache (s)", ".1f"),
                    ("lex", "n-gram rows in RAM (MB)", ".0f"),
                    ("cache", "cache files (MB)", ".0f"),
                    ("when", "cold build made"),
                    ("busy", "CPU busy then"),
                ],
            ),
            "",
            "**Does the vaga a person was hired for rank high for their CV?** Position of that vaga among every vaga "
            "(1 = first):",
            "",
            table(
                rank_rows,
                [
                    ("data", "data"),
                    ("ranking", "ranking"),
                    ("hires", "hires"),
                    ("hit@1", "hit@1", ".3f"),
                    ("hit@5", "hit@5", ".3f"),
                    ("hit@10", "hit@10", ".3f"),
                    ("mrr", "MRR", ".3f"),
                    ("median_rank", "median rank", ".0f"),
                ],
            ),
            "",
            "The same hires, by kind of vaga: is the hired vaga's own score at least the 10th best score (it would be "
            "in the top 10 but for ties), does the top 10 hold a vaga with the hired vaga's exact title, what share of "
            "the top 10 is in the hired vaga's area (`areas_atuacao`), and how many vagas of the index share the hired "
            "vaga's title:",
            "",
            table(
                kind_rows,
                [
                    ("data", "data"),
                    ("vagas", "vagas"),
                    ("hires", "hires"),
                    ("tied", "its score ≥ the 10th", ".3f"),
                    ("title", "same-title vaga in top 10", ".3f"),
                    ("area", "top 10 in its area", ".3f"),
                    ("same", "vagas with its title (median)", ".0f"),
                ],
            ),
            "",
            "Two stages against the full match of every vaga (`found`: share of the exhaustive top 10 the two stages "
            "return; `same scores`: CVs whose top-10 scores are identical; `margin`: the largest score of a missed "
            "vaga above the two stages' 10th), and the suggestions against `/match` for the same CV and vaga (score, "
            "strengths, gaps, verdict):",
            "",
            table(
                agree_rows,
                [
                    ("data", "data"),
                    ("cvs", "CVs"),
                    ("found", "found", ".3f"),
                    ("same", "same scores", ".2f"),
                    ("margin", "margin"),
                    ("ex", "exhaustive per CV (s)", ".1f"),
                    ("match", "same as /match"),
                ],
            ),
            "",
            data["note"],
        ]
    )


def note(runs: list[dict[str, Any]]) -> str:
    full = next((r for r in runs if r["label"].startswith("full")), runs[0])
    rk, n = full["ranks"], full["pool"]["vagas"]
    two = rk["two_stages"]
    return (
        f"Reading: among {n:,} vagas, the vaga a person was hired for is in their CV's top 10 for "
        f"{two['hit@10']:.1%} of hires (MRR {two['mrr']:.3f}, median position {two['median_rank']:,.0f} — the "
        f"best {two['median_rank'] / n:.1%}). Its exact title is shared by a median of "
        f"{rk['same_title_vagas_median']:,.0f} vagas of the index; a vaga with that title is in the top 10 for "
        f"{rk['title_hit@10']:.0%} of hires, and {rk['area_share@10']:.0%} of the top 10 is in the hired vaga's "
        f"area. Its own score reaches the 10th best score for {rk['score_in_top10']:.0%} of hires."
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="a small generated sample only (CI)")
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--data-dir", type=Path, default=None, help="full-scale Decision folder (default: bench.ingest's)")
    p.add_argument("--hires", type=int, default=300, help="hired applications ranked at full scale")
    p.add_argument("--latency-cvs", type=int, default=40)
    p.add_argument("--agreement-cvs", type=int, default=5)
    p.add_argument("--match-cvs", type=int, default=5)
    p.add_argument(
        "--index-embedder",
        default="hash",
        help="embedder of the full-scale vagas index (its vectors are not used; default hash)",
    )
    p.add_argument("--cold", action="store_true", help="rebuild the full-scale pool cache (timed cold build)")
    p.add_argument(
        "--scale",
        choices=("both", "full", "sample"),
        default="both",
        help="full Decision scale, the committed sample, or both (default)",
    )
    a = p.parse_args(argv)
    from recruta.ingest.embeddings import embedder_for
    from recruta.screening.suggest import DEFAULT_CANDIDATES

    info = machine_info()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        home = bench_home(a.quick, tmp_path)
        if a.quick:
            bench = tiny_sample(tmp_path / "data", n_vagas=40, n_applicants=120, n_prospects=240)
            settings = Settings(home=home, embedder="minilm")
            store, _ = vagas_only_index(bench.data_dir, Settings(home=home, embedder="hash", collection="vagas-quick"))
            runs.append(
                measure(
                    "generated sample (--quick)",
                    store,
                    embedder_for(settings),
                    hired_items(bench.data_dir, n=None),
                    vaga_kinds(bench.data_dir),
                    cache_dir=tmp_path / "pool-quick",
                    latency_cvs=min(a.latency_cvs, 10),
                    agreement_cvs=3,
                    match_cvs=2,
                )
            )
        else:
            settings = Settings(home=home, embedder="minilm")
            embedder = embedder_for(settings)
        if not a.quick and a.scale in ("both", "full"):
            full_dir = full_scale_data(home, a.data_dir)
            index_settings = Settings(home=home, embedder=a.index_embedder, collection="vagas-full")
            store, ingest_s = vagas_only_index(full_dir, index_settings)
            items = hired_items(full_dir, n=a.hires)
            runs.append(
                measure(
                    "full scale",
                    store,
                    embedder,
                    items,
                    vaga_kinds(full_dir),
                    cache_dir=home / "vagas-for-cv" / "full",
                    latency_cvs=a.latency_cvs,
                    agreement_cvs=a.agreement_cvs,
                    match_cvs=a.match_cvs,
                    cold=a.cold,
                )
            )
            runs[-1]["ingest_s"] = ingest_s
        if not a.quick and a.scale in ("both", "sample"):
            bench = committed_sample()
            sample_store, _ = vagas_only_index(
                bench.data_dir, Settings(home=home, embedder=a.index_embedder, collection="vagas-sample")
            )
            runs.append(
                measure(
                    "committed sample",
                    sample_store,
                    embedder,
                    hired_items(bench.data_dir, n=None),
                    vaga_kinds(bench.data_dir),
                    cache_dir=tmp_path / "pool-sample",
                    latency_cvs=a.latency_cvs,
                    agreement_cvs=a.agreement_cvs * 4,
                    match_cvs=a.match_cvs,
                )
            )
    data = {
        "command": command("bench." + NAME),
        "machine": info,
        "embedder": f"minilm ({settings.embedder_backend})",
        "candidates": DEFAULT_CANDIDATES,
        "runs": runs,
        "index_embedder": "hash" if a.quick else a.index_embedder,
    }
    data["note"] = note(runs)
    write_outputs(NAME, a.out, data, render(data))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
