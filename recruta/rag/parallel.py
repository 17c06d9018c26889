"""Experiment grids on Ray (issue #14): every variant a Ray task, all logging to one MLflow tracking server.

    MLFLOW_TRACKING_URI=http://HOST:PORT python experiment.py --grid quick --ray [ADDRESS]

``experiment.run_grid`` does everything around the variants — the evaluation splits, the grid's parent run, the
comparison plot and table — once, whether the variants run in its own process or here; :func:`variants_on_ray`
only changes *where* each variant runs. The driver builds each variant's index in the grid's order (ingesting it
when missing, as the sequential loop does) and ships its snapshot through Ray's object store, so a worker on
another machine needs no shared folder; the task materialises the snapshot and calls the very function the
sequential loop calls, ``experiment.run_variant`` (params, dev/held-out/unseen evaluation, metrics, predictions
table, plots, model). The runs are therefore the sequential ones apart from their timings (tests/test_ray.py
compares them field by field).

A Ray task whose worker dies mid-variant is retried, and the retry must not leave the dead attempt's half-logged
run beside its own: every variant's run carries a deterministic key (the grid's run and the variant's position,
:func:`variant_key`), and a variant starting discards any earlier run with its key (:func:`discard_earlier_attempts`:
marked KILLED and deleted), so a grid ends with exactly one FINISHED run per variant however often one was retried.

The types here (:class:`Splits`, :class:`GridRun`, :class:`VariantResult`) are what crosses the Ray boundary in
both directions; they live in the library so that a driver started as ``python experiment.py`` (module
``__main__``) and a worker (which imports ``experiment``) agree on them.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.core.errors import InvalidInput
from recruta.core.settings import Settings

if TYPE_CHECKING:
    from recruta.rag.agent import RAGConfig
    from recruta.rag.evalset import EvalItem
    from recruta.rag.vocab import RecordNames

__all__ = [
    "VARIANT_KEY_TAG",
    "GridRun",
    "Splits",
    "VariantResult",
    "check_tracking_server",
    "discard_earlier_attempts",
    "variant_key",
    "variants_on_ray",
]

log = logging.getLogger("recruta.rag.parallel")

VARIANT_KEY_TAG = "recruta.variant_key"  # the grid's run id and the variant's position in the grid


@dataclass(frozen=True, kw_only=True)
class Splits:
    """The questions every variant of a grid is asked (dev, held-out ``test``, ``unseen``) and the records' names
    its answers are judged with: built once by the driver, so every variant, wherever it runs, gets the same."""

    dev: list[EvalItem]
    test: list[EvalItem]
    unseen: list[EvalItem]
    names: RecordNames


@dataclass(frozen=True, kw_only=True)
class GridRun:
    """Where a variant's run goes: nested under the grid's run, with the driver's context tags (source, user,
    commit) rather than those of the process that happens to run it."""

    experiment_id: str
    parent_id: str
    tags: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class VariantResult:
    """A logged variant: its run, name and metrics per split (test and unseen without their prefix)."""

    run_id: str
    name: str
    dev: dict[str, float]
    test: dict[str, float]
    unseen: dict[str, float]

    def line(self) -> str:
        """The one-line summary ``experiment.py`` prints per variant."""
        d = self.dev
        unseen = f", unseen {self.unseen.get('answer_accuracy', 0):.3f}" if self.unseen else ""
        return (
            f"{self.name}: accuracy={d.get('answer_accuracy', 0):.3f} "
            f"(held-out {self.test.get('answer_accuracy', 0):.3f}{unseen}) "
            f"rougeL={d['rougeL']:.3f} bleu={d['bleu']:.1f} hit@k={d['hit_at_k']:.2f} mrr={d['mrr']:.2f} "
            f"p50={d['latency_p50_ms']:.0f}ms"
        )


def check_tracking_server(uri: str) -> None:
    """Ray workers (other processes, maybe other machines) log to the tracking URI: it must be a server."""
    if not uri.startswith(("http://", "https://")):
        raise InvalidInput(
            f"--ray: the variants log from Ray workers, which need an MLflow tracking server (got {uri}): "
            "set MLFLOW_TRACKING_URI=http://HOST:PORT (start one with `mlflow server`)"
        )


def variant_key(grid: GridRun, position: int) -> str:
    """The key of the variant at ``position`` of ``grid``: the same for every attempt at it, unique in the grid
    (two variants with the same configuration still get two runs)."""
    return f"{grid.parent_id}/{position}"


def discard_earlier_attempts(grid: GridRun, key: str) -> list[str]:
    """End (KILLED) and delete the runs of earlier attempts at the variant ``key`` — a Ray worker that died
    mid-variant leaves its run RUNNING and half-logged — so that the attempt about to start is its only run.
    Returns the discarded run ids."""
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    earlier = client.search_runs(
        [grid.experiment_id],
        filter_string=f"tags.`{VARIANT_KEY_TAG}` = '{key}'",
        run_view_type=ViewType.ACTIVE_ONLY,
    )
    for run in earlier:
        log.warning("variant %s: discarding the run %s of an earlier attempt", key, run.info.run_id)
        if run.info.status in ("RUNNING", "SCHEDULED"):
            client.set_terminated(run.info.run_id, status="KILLED")
        client.delete_run(run.info.run_id)
    return [run.info.run_id for run in earlier]


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
    splits: Splits,
    snapshot: dict[str, bytes],
    snapshot_name: str,
    grid: GridRun,
    position: int,
    tracking_uri: str,
) -> VariantResult:
    """One variant, in a Ray worker: ``experiment.run_variant`` on an agent over the shipped snapshot."""
    import mlflow

    import experiment
    from recruta.rag.agent import RAGAgent
    from recruta.rag.generators import generator_for

    mlflow.set_tracking_uri(tracking_uri)
    with tempfile.TemporaryDirectory() as tmp:
        local = _write_folder(snapshot, Path(tmp) / snapshot_name)  # same folder name: same artifact paths
        generator = generator_for(config.generator, settings)
        agent = RAGAgent.from_config(config, settings=settings, snapshot=local, generator=generator)
        return experiment.run_variant(
            config, agent=agent, splits=splits, snapshot=local, grid=grid, position=position, folder=Path(tmp)
        )


def variants_on_ray(
    configs: list[RAGConfig],
    *,
    settings: Settings,
    splits: Splits,
    grid: GridRun,
    index: Callable[[RAGConfig], Path],
) -> Iterator[VariantResult]:
    """Every variant as a Ray task (on the cluster this process is connected to), yielded in the grid's order.

    ``index(config)``: the variant's index snapshot folder, built on the driver (``experiment.ensure_index``)."""
    import mlflow
    import ray

    from recruta.ingest.distributed import ray_task

    task = ray_task(_variant, num_cpus=1, max_retries=2)
    shared: dict[str, Any] = {
        "settings": settings,
        "splits": ray.put(splits),
        "grid": grid,
        "tracking_uri": mlflow.get_tracking_uri(),
    }
    snapshots: dict[Path, Any] = {}
    refs = []
    for position, config in enumerate(configs):
        folder = index(config)
        if folder not in snapshots:
            snapshots[folder] = ray.put(_read_folder(folder))
        refs.append(
            task.remote(config, snapshot=snapshots[folder], snapshot_name=folder.name, position=position, **shared)
        )
    for ref in refs:
        result: VariantResult = ray.get(ref)
        yield result
