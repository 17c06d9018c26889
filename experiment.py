"""Step 3 of the pipeline: run RAG variants on the evaluation set and log them to MLflow.

    python experiment.py                      # the default grid on data/
    python experiment.py --grid quick         # 3 variants, a few minutes
    python experiment.py --limit 20           # fewer questions per split

    python experiment.py --phrasings ../shared/data/phrasings/recruiter_questions.jsonl   # + the "unseen" split
    MLFLOW_TRACKING_URI=http://HOST:PORT python experiment.py --ray [ADDRESS]   # variants as Ray tasks

Per variant (one MLflow run, nested under a grid run): params (the RAGConfig); answer accuracy (each answer
judged against the exact expected answer computed from the records, ``recruta.rag.judge``), false-hire rate,
citation precision/recall, hit@k and MRR against the records that support each answer, latency p50/p95,
ROUGE-1/2/L and BLEU — overall and per question kind (``answer_accuracy/hired``…) — on the ``dev`` split, the
same prefixed ``test_`` on the held-out split and ``unseen_`` on recruiters' phrasings (``--phrasings``, a file
outside the project); a per-question predictions table (expected answer, prediction, verdict), an accuracy-by-kind
plot per split, and the pyfunc model (with its index snapshot). The grid run holds a comparison plot. Tracking URI:
``MLFLOW_TRACKING_URI``, default sqlite under ``RECRUTA_HOME``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import logging
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from recruta.core.errors import RecrutaError
from recruta.core.settings import Settings, get_settings, quiet_telemetry
from recruta.rag import evalset as evalset_mod

quiet_telemetry()

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
from mlflow.tracking.context.registry import resolve_tags  # noqa: E402

from ingestion import ingest, open_index  # noqa: E402
from model import RAGAgent, RAGConfig, export_snapshot, log_rag_model  # noqa: E402
from recruta.ingest.embeddings import embedder_for  # noqa: E402
from recruta.ingest.loaders import load_dataset  # noqa: E402
from recruta.rag.generators import Generator, generator_for  # noqa: E402
from recruta.rag.metrics import answer_row  # noqa: E402
from recruta.rag.metrics import summarise as summarise_rows  # noqa: E402
from recruta.rag.parallel import (  # noqa: E402
    VARIANT_KEY_TAG,
    GridRun,
    Splits,
    VariantResult,
    check_tracking_server,
    discard_earlier_attempts,
    variant_key,
)
from recruta.rag.vocab import RecordNames  # noqa: E402

log = logging.getLogger("recruta.experiment")
EXPERIMENT = "recruta-rag"
KIND_TAG = "recruta.kind"


def grid(name: str, settings: Settings) -> list[RAGConfig]:
    base = RAGConfig.from_settings(settings)

    def v(**kw: Any) -> RAGConfig:
        return RAGConfig(**{**asdict(base), **kw})

    if name == "quick":
        return [
            v(generator="extractive", top_k=3),
            v(generator="extractive", top_k=5),
            v(generator="smollm2", top_k=3, template="rag"),
        ]
    if name == "default":
        return [
            v(generator="extractive", top_k=3),
            v(generator="extractive", top_k=5),
            v(generator="extractive", top_k=5, chunk_size=400),
            v(generator="extractive", top_k=5, id_routing=False),
            v(generator="smollm2", top_k=3, template="rag"),
            v(generator="smollm2", top_k=3, template="concise"),
            v(generator="smollm2", top_k=5, template="rag"),
        ]
    if name == "test":  # fast, for the test suite: fake embedder and generators
        return [v(embedder="hash", generator="extractive", top_k=3), v(embedder="hash", generator="echo", top_k=5)]
    raise SystemExit(f"unknown grid {name!r}: quick, default, test")


def setup_mlflow(settings: Settings, experiment: str) -> str:
    uri = settings.mlflow_uri
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        location = settings.mlflow_artifacts.as_uri() if uri.startswith("sqlite:") else None
        if location:
            settings.mlflow_artifacts.mkdir(parents=True, exist_ok=True)
        mlflow.create_experiment(experiment, artifact_location=location)
    mlflow.set_experiment(experiment)
    return uri


def evaluate(
    agent: RAGAgent, items: list[evalset_mod.EvalItem], *, desc: str, names: RecordNames | None = None
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Ask every item; each answer judged (with the records' ``names``, when given: extra names, false hires)."""
    rows: list[dict[str, Any]] = []
    for item in tqdm(items, desc=desc, unit="q", leave=False):
        t0 = time.perf_counter()
        ans = agent.answer(item.question)
        latency = (time.perf_counter() - t0) * 1000
        rows.append(
            answer_row(
                item, prediction=ans.answer, source_ids=[s["id"] for s in ans.sources], latency_ms=latency, names=names
            )
        )
    return summarise(rows, k=agent.config.top_k), rows


def summarise(rows: list[dict[str, Any]], *, k: int) -> dict[str, float]:
    """Overall and per-kind metrics of evaluated rows (``recruta.rag.metrics.summarise``)."""
    return summarise_rows(rows, k=k)


def _plot_run(rows: list[dict[str, Any]], path: Path, title: str) -> Path:
    kinds = sorted({r["kind"] for r in rows})
    means = [
        sum(r["rougeL"] for r in rows if r["kind"] == k) / max(1, sum(r["kind"] == k for r in rows)) for k in kinds
    ]
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.barh(kinds, means, color="#3b6ea8")
    ax.set_xlim(0, 1)
    ax.set_xlabel("ROUGE-L (mean)")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_accuracy(rows: list[dict[str, Any]], path: Path, title: str) -> Path:
    """Answer accuracy per question kind, one bar per split (dev, held-out, unseen)."""
    judged = [r for r in rows if r.get("correct") is not None]
    kinds = sorted(
        {r["kind"] for r in judged}, key=lambda k: evalset_mod.KINDS.index(k) if k in evalset_mod.KINDS else 99
    )
    splits = [sp for sp in evalset_mod.SPLITS if any(r["split"] == sp for r in judged)]
    fig, ax = plt.subplots(figsize=(9, 0.45 * max(1, len(kinds)) * max(1, len(splits)) + 1.5))
    height = 0.8 / max(1, len(splits))
    for i, split in enumerate(splits):
        acc = []
        for kind in kinds:
            group = [r for r in judged if r["kind"] == kind and r["split"] == split]
            acc.append(sum(r["correct"] for r in group) / len(group) if group else 0.0)
        ax.barh(
            [y + i * height for y in range(len(kinds))],
            acc,
            height=height,
            label={"test": "held-out"}.get(split, split),
        )
    ax.set_yticks([y + 0.4 - height / 2 for y in range(len(kinds))], kinds, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("answer accuracy")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_grid(results: list[tuple[str, dict[str, float]]], path: Path) -> Path:
    names = [n for n, _ in results]
    metrics = ["answer_accuracy", "rougeL", "hit_at_k", "mrr"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.6 * len(names) + 2))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        axes[0].barh(
            [y + i * width for y in range(len(names))], [r.get(m, 0) for _, r in results], height=width, label=m
        )
    axes[0].set_yticks([y + 0.4 - width / 2 for y in range(len(names))], names, fontsize=8)
    axes[0].set_xlim(0, 1)
    axes[0].legend(fontsize=8)
    axes[0].set_title("quality (dev split)")
    axes[1].barh(names, [r.get("latency_p50_ms", 0) for _, r in results], color="#c0504d")
    axes[1].set_yticks(range(len(names)), names, fontsize=8)
    axes[1].set_xlabel("latency p50 (ms)")
    axes[1].set_title("latency")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def variant_name(c: RAGConfig) -> str:
    backend = "" if c.embedder_backend == "torch" else f"-{c.embedder_backend}"
    return f"{c.generator}-{c.template}-k{c.top_k}-c{c.chunk_size}-{c.embedder}{backend}" + (
        "" if c.id_routing else "-norouting"
    )


def ensure_index(config: RAGConfig, settings: Settings, data_dir: Path) -> Path:
    """Ingest (if needed) the collection this variant uses and export its snapshot."""
    s = settings.model_copy(
        update={
            "embedder": config.embedder,
            "embedder_backend": config.embedder_backend,
            "chunk_size": config.chunk_size,
        }
    )
    embedder = embedder_for(s)
    store = open_index(s, embedder)
    if store.count() == 0:
        log.info("index %s is empty: ingesting %s", store.name, data_dir)
        ingest(data_dir=data_dir, settings=s, embedder=embedder, store=store)
    return export_snapshot(store, settings.home / "snapshots" / store.name)


def eval_splits(
    *, settings: Settings, data_dir: Path, limit: int | None = None, phrasings: Path | None = None
) -> Splits:
    """The grid's questions: ``data_dir/evalset.jsonl`` (built and saved when missing) cut to ``limit`` dev
    questions (a third of that held-out and unseen), the ``unseen`` split from ``phrasings`` when given
    (recruiters' question templates, read here, never copied into the project), and the records' names."""
    eval_path = data_dir / "evalset.jsonl"
    ds = load_dataset(data_dir, hired_statuses=settings.hired_statuses)
    if eval_path.exists():
        items = evalset_mod.load(eval_path)
    else:
        items = evalset_mod.build(ds)
        try:
            evalset_mod.save(items, eval_path)
        except OSError as exc:  # a read-only data folder: evaluate on the set built in memory
            log.warning("cannot write %s (%s): the evaluation set stays in memory", eval_path, exc)
    if phrasings is not None:
        items = [i for i in items if i.split != "unseen"] + evalset_mod.build_unseen(ds, phrasings)[0]
    dev = [i for i in items if i.split == "dev"][:limit]
    if not dev:
        raise SystemExit(f"{eval_path} has no dev questions")
    return Splits(
        dev=dev,
        test=[i for i in items if i.split == evalset_mod.HELD_OUT][: (limit and max(1, limit // 3))],
        unseen=[i for i in items if i.split == "unseen"][: (limit and max(1, limit // 3))],
        names=RecordNames.from_dataset(ds),
    )


def run_variant(
    config: RAGConfig,
    *,
    agent: RAGAgent,
    splits: Splits,
    snapshot: Path,
    grid: GridRun,
    position: int,
    folder: Path,
) -> VariantResult:
    """One variant's MLflow run, nested under the grid's: params, metrics on every split (dev unprefixed, then
    ``test_``, ``unseen_``), the predictions table, the plots (written in ``folder``) and the model with its index
    ``snapshot``. The sequential loop and the Ray task (recruta/rag/parallel.py) both call this.

    ``position``: the variant's place in the grid, its run's key (``recruta.variant_key``): a retried attempt (a
    Ray worker that died mid-variant) first discards the earlier attempt's run, so one run per variant remains."""
    name = variant_name(config)
    key = variant_key(grid, position)
    discard_earlier_attempts(grid, key)
    with mlflow.start_run(
        run_name=name,
        experiment_id=grid.experiment_id,
        parent_run_id=grid.parent_id,
        nested=True,
        tags={**grid.tags, KIND_TAG: "variant", VARIANT_KEY_TAG: key},
    ) as run:
        mlflow.log_params({k: str(v) for k, v in asdict(config).items()})
        dev_metrics, dev_rows = evaluate(agent, splits.dev, desc=f"{name} dev", names=splits.names)
        test_metrics, test_rows = evaluate(agent, splits.test, desc=f"{name} test", names=splits.names)
        unseen_metrics, unseen_rows = evaluate(agent, splits.unseen, desc=f"{name} unseen", names=splits.names)
        mlflow.log_metrics(dev_metrics)
        mlflow.log_metrics({f"test_{k}": v for k, v in test_metrics.items()})
        mlflow.log_metrics({f"unseen_{k}": v for k, v in unseen_metrics.items()})
        all_rows = dev_rows + test_rows + unseen_rows
        mlflow.log_table({k: [r[k] for r in all_rows] for k in dev_rows[0]}, artifact_file="predictions.json")
        mlflow.log_artifact(str(_plot_run(dev_rows, folder / "rougeL_by_kind.png", name)), "plots")
        mlflow.log_artifact(str(_plot_accuracy(all_rows, folder / "accuracy_by_kind.png", name)), "plots")
        log_rag_model(config, snapshot=snapshot)
        return VariantResult(
            run_id=run.info.run_id, name=name, dev=dev_metrics, test=test_metrics, unseen=unseen_metrics
        )


def _variants_here(
    configs: list[RAGConfig],
    *,
    settings: Settings,
    data_dir: Path,
    splits: Splits,
    grid: GridRun,
    folder: Path,
    generators: dict[str, Generator],
) -> Iterator[VariantResult]:
    """The variants one after another in this process (each generator loaded once for the grid)."""
    for position, config in enumerate(configs):
        snapshot = ensure_index(config, settings, data_dir)
        if config.generator not in generators:
            generators[config.generator] = generator_for(config.generator, settings)
        agent = RAGAgent.from_config(config, settings=settings, generator=generators[config.generator])
        yield run_variant(
            config, agent=agent, splits=splits, snapshot=snapshot, grid=grid, position=position, folder=folder
        )


def _log_comparison(results: list[VariantResult], folder: Path) -> None:
    """The grid run's comparison plot and table (dev metrics of every variant)."""
    mlflow.log_artifact(str(_plot_grid([(r.name, r.dev) for r in results], folder / "comparison.png")), "plots")
    metrics = (
        "answer_accuracy",
        "false_hire_rate",
        "citation_precision",
        "citation_recall",
        "rougeL",
        "rouge1",
        "rouge2",
        "bleu",
        "hit_at_k",
        "mrr",
        "latency_p50_ms",
    )
    mlflow.log_table(
        {
            "run_id": [r.run_id for r in results],
            "variant": [r.name for r in results],
            **{m: [r.dev.get(m) for r in results] for m in metrics},
        },
        artifact_file="comparison.json",
    )


def run_grid(
    *,
    settings: Settings,
    configs: list[RAGConfig],
    data_dir: Path,
    limit: int | None = None,
    experiment: str = EXPERIMENT,
    generators: dict[str, Generator] | None = None,
    phrasings: Path | None = None,
    ray: bool = False,
    ray_address: str | None = None,
) -> list[tuple[str, str, dict[str, float]]]:
    """Run every variant; returns (run_id, name, dev metrics). ``phrasings``: recruiters' question templates for
    the ``unseen`` split (read here, never copied into the project). ``ray``: the variants as Ray tasks on the
    cluster at ``ray_address`` (None: a local Ray), logging to the MLflow server of ``MLFLOW_TRACKING_URI``
    (recruta/rag/parallel.py); everything else is this same code, so the runs are the same but for timings."""
    if ray:
        check_tracking_server(settings.mlflow_uri)
    setup_mlflow(settings, experiment)
    splits = eval_splits(settings=settings, data_dir=data_dir, limit=limit, phrasings=phrasings)
    results: list[VariantResult] = []
    with contextlib.ExitStack() as stack:
        if ray:
            from recruta.ingest.distributed import ray_session

            stack.enter_context(ray_session(ray_address))  # connected before any run is opened
        parent = stack.enter_context(mlflow.start_run(run_name=f"grid-{time.strftime('%Y%m%d-%H%M%S')}"))
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        mlflow.set_tag(KIND_TAG, "grid")
        mlflow.log_params(
            {
                "n_variants": len(configs),
                "n_dev": len(splits.dev),
                "n_test": len(splits.test),
                "n_unseen": len(splits.unseen),
                "data_dir": str(data_dir),
            }
        )
        grid = GridRun(experiment_id=parent.info.experiment_id, parent_id=parent.info.run_id, tags=resolve_tags())
        if ray:
            from recruta.rag.parallel import variants_on_ray

            variants = variants_on_ray(
                configs,
                settings=settings,
                splits=splits,
                grid=grid,
                index=functools.partial(ensure_index, settings=settings, data_dir=data_dir),
            )
        else:
            variants = _variants_here(
                configs,
                settings=settings,
                data_dir=data_dir,
                splits=splits,
                grid=grid,
                folder=folder,
                generators=generators if generators is not None else {},
            )
        for result in variants:
            results.append(result)
            print(result.line())
        _log_comparison(results, folder)
    return [(r.run_id, r.name, r.dev) for r in results]


def log_jd_ratings(settings: Settings, experiment: str = "recruta-jd") -> dict[str, float]:
    """Average recruiter rating (1–5) of generated JDs per generator variant, as one MLflow run."""
    from recruta.core.db import database_url, make_sessionmaker
    from recruta.jd.service import JDService, rating_metrics

    service = JDService(
        sessionmaker=make_sessionmaker(database_url(settings.home, settings.database_url)), retrieve=None
    )
    averages = service.average_ratings()
    metrics = rating_metrics(averages)
    setup_mlflow(settings, experiment)
    with mlflow.start_run(run_name=f"jd-ratings-{time.strftime('%Y%m%d-%H%M%S')}"):
        mlflow.log_metrics(metrics)
        mlflow.log_dict(averages, "jd_ratings.json")
    return metrics


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grid", default="default", help="quick | default | test (default: %(default)s)")
    parser.add_argument("--data-dir", type=Path, default=settings.data_dir)
    parser.add_argument("--limit", type=int, default=None, help="max dev questions (test gets a third)")
    parser.add_argument("--experiment", default=EXPERIMENT)
    parser.add_argument(
        "--phrasings",
        type=Path,
        default=None,
        help="recruiters' question templates (JSONL, outside the project) for the 'unseen' split",
    )
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="run the variants as Ray tasks on the cluster at ADDRESS (none: a local Ray), all logging "
        "to the MLflow server MLFLOW_TRACKING_URI (recruta/rag/parallel.py)",
    )
    parser.add_argument(
        "--jd-ratings",
        action="store_true",
        help="only log the average JD rating per generator variant (from /jd/feedback) to MLflow",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.jd_ratings:
        metrics = log_jd_ratings(settings)
        print("\n".join(f"{k}: {v:.3f}" for k, v in sorted(metrics.items())) or "no JD feedback yet")
        return 0
    try:
        results = run_grid(
            settings=settings,
            configs=grid(args.grid, settings),
            data_dir=args.data_dir,
            limit=args.limit,
            experiment=args.experiment,
            phrasings=args.phrasings,
            ray=args.ray is not None,
            ray_address=args.ray or None,
        )
    except RecrutaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except mlflow.exceptions.MlflowException as exc:
        print(f"error: MLflow at {settings.mlflow_uri} failed: {exc}", file=sys.stderr)
        return 1
    best = max(results, key=lambda r: r[2].get(settings.select_metric, float("-inf")))
    print(f"best by {settings.select_metric}: {best[1]} (run {best[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
