"""Experiment grids on Ray (issue #14): every variant a Ray task, all logging to one MLflow tracking server.

    MLFLOW_TRACKING_URI=http://HOST:PORT python experiment.py --grid quick --ray [ADDRESS]

The driver does what the sequential ``experiment.run_grid`` does around the variants — the evaluation set, the
grid's parent run, each variant's index (``experiment.ensure_index``, ingested once, in order) and, at the end,
the comparison plot and table — and runs the variants themselves as Ray tasks. A task evaluates its variant with
``experiment``'s own functions and logs a nested run with the same run name, parent, tags, params, metrics,
predictions table, plots and model, so the runs are the sequential ones apart from their timings. The index
snapshot travels through Ray's object store, so a worker on another machine needs no shared folder: it
retrieves from that snapshot (materialised once per node), or from the Chroma server when one is configured,
exactly as the logged model does when served.

The variant body mirrors ``experiment.run_grid``'s loop body; tests/test_ray.py compares the two runs field by
field, so a change there that is not made here fails that test.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.core.errors import InvalidInput
from recruta.core.settings import Settings

if TYPE_CHECKING:
    from recruta.rag.agent import RAGConfig
    from recruta.rag.evalset import EvalItem

__all__ = ["run_grid_on_ray"]

Result = tuple[str, str, dict[str, float]]


def _read_folder(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _write_folder(files: dict[str, bytes], folder: Path) -> Path:
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def _variant(
    config: RAGConfig,
    *,
    settings: Settings,
    dev: list[EvalItem],
    test: list[EvalItem],
    snapshot: dict[str, bytes],
    snapshot_name: str,
    tracking_uri: str,
    experiment_id: str,
    parent_id: str,
    tags: dict[str, str],
) -> Result:
    """One variant, in a Ray worker: ``experiment.run_grid``'s loop body against the shipped snapshot."""
    import mlflow

    import experiment as exp
    from model import RAGAgent, log_rag_model
    from recruta.rag.generators import make_generator

    mlflow.set_tracking_uri(tracking_uri)
    name = exp.variant_name(config)
    with tempfile.TemporaryDirectory() as tmp:
        local = _write_folder(snapshot, Path(tmp) / snapshot_name)  # same folder name: same artifact paths
        generator = make_generator(
            config.generator,
            cache_dir=settings.llm_cache,
            dtype=settings.llm_dtype,
            backend=settings.llm_backend,
            threads=settings.torch_threads,
            openai_base_url=settings.openai_base_url,
            openai_api_key=settings.openai_api_key,
        )
        agent = RAGAgent.from_config(config, settings=settings, snapshot=local, generator=generator)
        with mlflow.start_run(run_name=name, experiment_id=experiment_id, parent_run_id=parent_id, tags=tags) as run:
            mlflow.set_tag(exp.KIND_TAG, "variant")
            mlflow.set_tag("mlflow.parentRunId", parent_id)
            mlflow.log_params({k: str(v) for k, v in asdict(config).items()})
            dev_metrics, dev_rows = exp.evaluate(agent, dev, desc=f"{name} dev")
            test_metrics, test_rows = exp.evaluate(agent, test, desc=f"{name} test")
            mlflow.log_metrics(dev_metrics)
            mlflow.log_metrics({f"test_{k}": v for k, v in test_metrics.items()})
            mlflow.log_table(
                {k: [r[k] for r in dev_rows + test_rows] for k in dev_rows[0]}, artifact_file="predictions.json"
            )
            mlflow.log_artifact(str(exp._plot_run(dev_rows, Path(tmp) / "rougeL_by_kind.png", name)), "plots")
            log_rag_model(config, snapshot=local)
            return run.info.run_id, name, dev_metrics


def run_grid_on_ray(
    *,
    settings: Settings,
    configs: list[RAGConfig],
    data_dir: Path,
    limit: int | None = None,
    experiment: str | None = None,
    address: str | None = None,
) -> list[Result]:
    """``experiment.run_grid`` with the variants as Ray tasks on the cluster at ``address`` (None: a local Ray);
    returns (run_id, name, dev metrics) in the grid's order."""
    import mlflow
    from mlflow.tracking.context.registry import resolve_tags

    import experiment as exp
    from recruta.ingest.distributed import ray_session
    from recruta.rag import evalset as evalset_mod

    uri = settings.mlflow_uri
    if not uri.startswith(("http://", "https://")):
        raise InvalidInput(
            f"--ray: the variants log from Ray workers, which need an MLflow tracking server (got {uri}): "
            "set MLFLOW_TRACKING_URI=http://HOST:PORT (start one with `mlflow server`)"
        )
    experiment = experiment or exp.EXPERIMENT
    exp.setup_mlflow(settings, experiment)
    experiment_id = mlflow.get_experiment_by_name(experiment).experiment_id
    eval_path = data_dir / "evalset.jsonl"
    if not eval_path.exists():
        from recruta.ingest.loaders import load_dataset

        evalset_mod.save(evalset_mod.build(load_dataset(data_dir, hired_statuses=settings.hired_statuses)), eval_path)
    items = evalset_mod.load(eval_path)
    dev = [i for i in items if i.split == "dev"][:limit]
    test = [i for i in items if i.split == "test"][: (limit and max(1, limit // 3))]
    if not dev:
        raise SystemExit(f"{eval_path} has no dev questions")
    results: list[Result] = []
    with (
        ray_session(address),
        mlflow.start_run(run_name=f"grid-{time.strftime('%Y%m%d-%H%M%S')}") as parent,
        tempfile.TemporaryDirectory() as tmp,
    ):
        import ray

        mlflow.set_tag(exp.KIND_TAG, "grid")
        mlflow.log_params(
            {"n_variants": len(configs), "n_dev": len(dev), "n_test": len(test), "data_dir": str(data_dir)}
        )
        tags = resolve_tags()  # the driver's source, user and commit, not the Ray worker's
        task = ray.remote(_variant).options(num_cpus=1, max_retries=2)
        shared = {
            "settings": settings,
            "dev": ray.put(dev),
            "test": ray.put(test),
            "tracking_uri": uri,
            "experiment_id": experiment_id,
            "parent_id": parent.info.run_id,
            "tags": tags,
        }
        snapshots: dict[Path, Any] = {}
        refs = []
        for config in configs:
            folder = exp.ensure_index(config, settings, data_dir)
            if folder not in snapshots:
                snapshots[folder] = ray.put(_read_folder(folder))
            refs.append(task.remote(config, snapshot=snapshots[folder], snapshot_name=folder.name, **shared))
        for ref in refs:
            run_id, name, dev_metrics = ray.get(ref)
            results.append((run_id, name, dev_metrics))
            print(
                f"{name}: rougeL={dev_metrics['rougeL']:.3f} bleu={dev_metrics['bleu']:.1f} "
                f"hit@k={dev_metrics['hit_at_k']:.2f} mrr={dev_metrics['mrr']:.2f} "
                f"p50={dev_metrics['latency_p50_ms']:.0f}ms"
            )
        mlflow.log_artifact(str(exp._plot_grid([(n, m) for _, n, m in results], Path(tmp) / "comparison.png")), "plots")
        mlflow.log_table(
            {
                "run_id": [r for r, _, _ in results],
                "variant": [n for _, n, _ in results],
                **{
                    m: [x[2].get(m) for x in results]
                    for m in ("rougeL", "rouge1", "rouge2", "bleu", "hit_at_k", "mrr", "latency_p50_ms")
                },
            },
            artifact_file="comparison.json",
        )
    return results
