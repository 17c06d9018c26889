"""How good is the match score? Measured, and logged to MLflow (experiment "recruta-matching").

    .venv/bin/python bench/match_quality.py            # needs an index: `make ingest` first
    .venv/bin/python bench/match_quality.py --quick    # llmmatch + stability only

1. llmmatch (../shared/data/llmmatch): Spearman between our score and the human score (18 Russian
   CV–vacancy pairs), next to the plain MiniLM-cosine baseline (mean-pooled 800-char chunks).
2. The project's sample: ROC-AUC of the score separating hired from not-approved applicants of the
   same vaga, and precision@5 of /rank (scope=applicants) against the actual hires.
3. Stability: the same request 20 times; CV sections shuffled (max score change).
4. Throughput: /rank of every indexed candidate for one vaga (embeddings from the index).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruta.core.settings import get_settings, quiet_telemetry  # noqa: E402

quiet_telemetry()
LLMMATCH = ROOT.parent / "shared" / "data" / "llmmatch" / "matches"


def llmmatch_pairs(folder: Path = LLMMATCH) -> list[dict]:
    pairs = []
    for f in sorted(folder.glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        parts = re.split(r"^\*{5} vaca\w* \d+.*$", text, flags=re.M)
        for n, block in enumerate(parts[1:], 1):
            m = re.search(r"^\*{5} Оценка (\d+)/10:(.*)$", block, flags=re.M)
            vacancy = re.sub(r"^\*{5} Оценка.*$", "", block, flags=re.M).strip()
            pairs.append({"file": f.stem, "n": n, "cv": parts[0].strip(), "vacancy": vacancy, "human": int(m.group(1))})
    return pairs


def minilm_baseline(embedder, cv: str, job: str) -> float:
    def pooled(t: str) -> np.ndarray:
        chunks = [t[i : i + 800] for i in range(0, len(t), 800)] or [""]
        v = embedder.embed(chunks).mean(axis=0)
        return v / np.linalg.norm(v)

    return float(pooled(cv) @ pooled(job))


def bench_llmmatch(embedder) -> dict:
    from scipy.stats import spearmanr

    from recruta.screening.matching import match, profile

    pairs = llmmatch_pairs()
    ours, base, human = [], [], []
    for p in pairs:
        r = match(profile(p["cv"], is_job=False), profile(p["vacancy"], is_job=True), embedder=embedder)
        ours.append(r.score)
        base.append(minilm_baseline(embedder, p["cv"], p["vacancy"]))
        human.append(p["human"])
        p["ours"] = r.score
    return {
        "llmmatch_spearman": float(spearmanr(ours, human).statistic),
        "llmmatch_baseline_minilm_spearman": float(spearmanr(base, human).statistic),
        "llmmatch_pairs": len(pairs),
        "_rows": pairs,
    }


def bench_sample(screener, pool) -> dict:
    from sklearn.metrics import roc_auc_score

    from recruta.screening.pool import job_from_store, rank

    labels, scores, p_at_5, hires_in_top5 = [], [], [], []
    for vaga_id, apps in sorted(pool.applications.items()):
        hired = pool.hired.get(vaga_id, set())
        rejected = {c for c, status in apps.items() if "não aprovado" in status.casefold()}
        if not hired or not apps:
            continue
        job = job_from_store(screener.store, vaga_id)
        rows = rank(pool, job, embedder=screener.embedder, vaga_id=vaga_id, scope="applicants", limit=1000)
        by_id = {r["candidate_id"]: r["score"] for r in rows}
        for c in hired | rejected:
            if c in by_id:
                labels.append(1 if c in hired else 0)
                scores.append(by_id[c])
        top5 = [r["candidate_id"] for r in rows[:5]]
        p_at_5.append(sum(c in hired for c in top5) / min(5, len(rows)))
        hires_in_top5.append(sum(c in hired for c in top5) / len(hired))
    return {
        "sample_roc_auc_hired_vs_not_approved": float(roc_auc_score(labels, scores)),
        "sample_precision_at_5": float(np.mean(p_at_5)),
        "sample_hire_recall_at_5": float(np.mean(hires_in_top5)),
        "sample_vagas_with_hires": len(p_at_5),
        "sample_labelled_pairs": len(labels),
    }


def bench_stability(embedder) -> dict:
    from recruta.screening.matching import match, profile

    pairs = llmmatch_pairs()[:6]
    jds = sorted((ROOT.parent / "shared" / "data" / "resumes" / "jds").glob("*.txt"))
    same, moves = [], []
    for p in pairs:
        job = profile(p["vacancy"], is_job=True)
        scores = {match(profile(p["cv"], is_job=False), job, embedder=embedder).score for _ in range(20)}
        same.append(len(scores) == 1)
        blocks = [b for b in re.split(r"\n\s*\n|\n(?=[A-ZА-Я][^\n]{0,40}:)", p["cv"]) if b.strip()]
        base = match(
            profile("\n\n".join(blocks), is_job=False), job, embedder=embedder
        ).score  # same blocks, original order
        rng = random.Random(0)
        for _ in range(5):
            rng.shuffle(blocks)
            moves.append(abs(match(profile("\n\n".join(blocks), is_job=False), job, embedder=embedder).score - base))
    return {
        "stability_identical_20x": float(np.mean(same)),
        "stability_shuffle_max_delta": float(max(moves)),
        "stability_shuffle_mean_delta": float(np.mean(moves)),
        "_jds": len(jds),
    }


def bench_throughput(screener, pool) -> dict:
    from recruta.screening.pool import job_from_store, rank

    vaga_id = sorted(pool.applications)[0]
    job = job_from_store(screener.store, vaga_id)
    times = []
    for _ in range(5):
        t = time.perf_counter()
        rank(pool, job, embedder=screener.embedder, vaga_id=vaga_id, scope="all", limit=20)
        times.append(time.perf_counter() - t)
    return {"rank_all_seconds_p50": statistics.median(times), "rank_pool_size": len(pool)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="llmmatch + stability only (no index needed)")
    parser.add_argument("--no-mlflow", action="store_true")
    args = parser.parse_args(argv)
    from recruta.ingest.embeddings import embedder_for

    settings = get_settings()
    embedder = embedder_for(settings)  # the model, backend and threads the index was built with (and its collection)
    metrics: dict = {}
    llm = bench_llmmatch(embedder)
    rows = llm.pop("_rows")
    metrics.update(llm)
    st = bench_stability(embedder)
    st.pop("_jds")
    metrics.update(st)
    if not args.quick:
        from ingestion import open_index
        from recruta.screening.pool import CandidatePool
        from recruta.screening.screener import Screener

        store = open_index(settings, embedder, create=False)
        screener = Screener(store=store, embedder=embedder)
        t = time.perf_counter()
        pool = CandidatePool(store)
        metrics["pool_build_seconds"] = time.perf_counter() - t
        metrics.update(bench_sample(screener, pool))
        metrics.update(bench_throughput(screener, pool))
    for k, v in metrics.items():
        print(f"{k:45s} {v:.4f}" if isinstance(v, float) else f"{k:45s} {v}")
    for r in rows:
        print(f"  {r['file']:14s} #{r['n']}  human={r['human']:2d}  ours={r['ours']:3d}")
    if not args.no_mlflow:
        import mlflow

        from experiment import setup_mlflow

        setup_mlflow(settings, "recruta-matching")
        with mlflow.start_run(run_name=f"match-{time.strftime('%Y%m%d-%H%M%S')}"):
            mlflow.log_params({"embedder": settings.embedder, "quick": args.quick})
            mlflow.log_metrics(metrics)
            mlflow.log_dict(
                {"pairs": [{k: r[k] for k in ("file", "n", "human", "ours")} for r in rows]}, "llmmatch_scores.json"
            )
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "match_quality.json").write_text(json.dumps(metrics, indent=1))
    return 0


if __name__ == "__main__":
    from recruta.core import compute

    sys.exit(compute.run(main))  # all of it on the thread the models compute on (recruta/core/compute.py)
