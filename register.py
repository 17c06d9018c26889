"""Step 4 of the pipeline: promote the best experiment run to champion and into the Bento store.

    python register.py                    # best run by RECRUTA_SELECT_METRIC (default answer_accuracy)
    python register.py --metric mrr
    python register.py --if-missing       # do nothing when a champion is already served

Registers ``runs:/<best>/model`` as a new version of the registered model (skipped when the
champion already is that run), moves alias ``champion`` to it and alias ``previous`` to the old
champion (roll back with ``--rollback``), and imports the champion into the BentoML model store
with its registry version, run id, params and metrics as metadata (what ``/info`` serves).
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruta.core.settings import Settings, get_settings, quiet_telemetry

quiet_telemetry()

import mlflow  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402

from experiment import EXPERIMENT, KIND_TAG  # noqa: E402

log = logging.getLogger("recruta.register")
CHAMPION, PREVIOUS = "champion", "previous"
LOWER_IS_BETTER = ("latency", "loss")


class RegistryError(RuntimeError):
    pass


@dataclass(kw_only=True)
class Champion:
    name: str
    version: str
    run_id: str
    metric: str
    value: float
    bento_tag: str
    created: bool

    def __str__(self) -> str:
        state = "new champion" if self.created else "champion unchanged"
        return (
            f"{state}: {self.name} v{self.version} (run {self.run_id}, {self.metric}={self.value:.4f}); "
            f"bento model {self.bento_tag}"
        )


def bento_env(settings: Settings) -> None:
    os.environ.setdefault("BENTOML_HOME", str(settings.bentoml_home))


@contextmanager
def _lock(settings: Settings) -> Iterator[None]:
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".register.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # two register.py at once: the second waits, then finds the champion set
        yield


def best_run(client: MlflowClient, *, experiment: str, metric: str) -> Any:
    exp = client.get_experiment_by_name(experiment)
    if exp is None:
        raise RegistryError(f"no MLflow experiment {experiment!r}: run `python experiment.py` first")
    runs = client.search_runs(
        [exp.experiment_id], filter_string=f"tags.`{KIND_TAG}` = 'variant' and status = 'FINISHED'", max_results=1000
    )
    if not runs:
        raise RegistryError(f"no finished runs in experiment {experiment!r}: run `python experiment.py` first")
    scored = [r for r in runs if metric in r.data.metrics]
    if not scored:
        known = sorted({m for r in runs for m in r.data.metrics})
        raise RegistryError(f"metric {metric!r} is in none of the {len(runs)} runs; available: {', '.join(known)}")
    lower = any(word in metric for word in LOWER_IS_BETTER)
    # Ties go to the earliest run, so re-running register.py never flips between equal runs.
    return sorted(
        scored, key=lambda r: ((r.data.metrics[metric] if lower else -r.data.metrics[metric]), r.info.start_time)
    )[0]


def _alias(client: MlflowClient, name: str, alias: str) -> Any | None:
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def _bento_models(name: str) -> list[Any]:
    import bentoml

    try:
        return list(bentoml.models.list(name))
    except bentoml.exceptions.NotFound:
        return []


def import_to_bento(client: MlflowClient, *, name: str, version: Any, settings: Settings) -> str:
    """Import the registry version into the Bento store (once per version) with /info metadata."""
    bento_env(settings)
    import bentoml

    models = sorted(_bento_models(name), key=lambda m: m.info.creation_time)
    for m in models:
        if (
            m.info.labels.get("registry_version") == str(version.version)
            and m.info.labels.get("run_id") == version.run_id
        ):
            if m is models[-1]:
                return str(m.tag)  # already the newest: the service serves `name:latest`
            bentoml.models.delete(m.tag)  # re-imported below so that it becomes `latest` (rollback)
    run = client.get_run(version.run_id)
    metadata = {
        "registered_model": name,
        "registry_version": str(version.version),
        "alias": CHAMPION,
        "run_id": version.run_id,
        "run_name": run.info.run_name,
        "tracking_uri": settings.mlflow_uri,
        "params": dict(run.data.params),
        "metrics": dict(run.data.metrics),
    }
    with tempfile.TemporaryDirectory() as tmp:
        # MLflow 3 downloads models:/ URIs into a sub-folder that bentoml's importer misses:
        # fetch it ourselves and import the folder that holds the MLmodel file.
        local = Path(
            mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version.version}", dst_path=tmp)
        )
        folder = next((p.parent for p in sorted(local.rglob("MLmodel"), key=lambda p: len(p.parts))), None)
        if folder is None:
            raise RegistryError(f"models:/{name}/{version.version} holds no MLmodel file")
        bm = bentoml.mlflow.import_model(
            name,
            model_uri=str(folder),
            labels={"registry_version": str(version.version), "run_id": version.run_id, "alias": CHAMPION},
            metadata=metadata,
        )
    return str(bm.tag)


def register(
    *, settings: Settings, metric: str | None = None, experiment: str = EXPERIMENT, run_id: str | None = None
) -> Champion:
    """Promote the best run by ``metric`` (or the given ``run_id``) to champion."""
    metric = metric or settings.select_metric
    mlflow.set_tracking_uri(settings.mlflow_uri)
    client = MlflowClient()
    name = settings.model_name
    with _lock(settings):
        if run_id:
            try:
                best = client.get_run(run_id)
            except MlflowException as exc:
                raise RegistryError(f"no run {run_id!r} in {settings.mlflow_uri}") from exc
            if metric not in best.data.metrics:
                raise RegistryError(f"run {run_id} has no metric {metric!r}")
        else:
            best = best_run(client, experiment=experiment, metric=metric)
        current = _alias(client, name, CHAMPION)
        created = False
        if current is not None and current.run_id == best.info.run_id:
            version = current
        else:
            try:
                client.get_registered_model(name)
            except MlflowException:
                client.create_registered_model(name, description="Recruta RAG agent (retrieval + generation)")
            version = client.create_model_version(
                name,
                f"runs:/{best.info.run_id}/model",
                run_id=best.info.run_id,
                tags={"metric": metric, "value": str(best.data.metrics[metric])},
            )
            try:
                if current is not None:
                    client.set_registered_model_alias(name, PREVIOUS, current.version)
                client.set_registered_model_alias(name, CHAMPION, version.version)
            except MlflowException:
                client.delete_model_version(name, version.version)  # no half-registered champion
                raise
            created = True
        tag = import_to_bento(client, name=name, version=version, settings=settings)
    return Champion(
        name=name,
        version=str(version.version),
        run_id=best.info.run_id,
        metric=metric,
        value=best.data.metrics[metric],
        bento_tag=tag,
        created=created,
    )


def rollback(*, settings: Settings) -> str:
    mlflow.set_tracking_uri(settings.mlflow_uri)
    client = MlflowClient()
    name = settings.model_name
    with _lock(settings):
        prev, cur = _alias(client, name, PREVIOUS), _alias(client, name, CHAMPION)
        if prev is None:
            raise RegistryError("no previous champion to roll back to")
        client.set_registered_model_alias(name, CHAMPION, prev.version)
        if cur is not None:
            client.set_registered_model_alias(name, PREVIOUS, cur.version)
        tag = import_to_bento(client, name=name, version=prev, settings=settings)
    return f"champion is now {name} v{prev.version} (bento model {tag})"


def champion_exists(settings: Settings) -> bool:
    """A champion in the registry *and* the Bento store (what `make serve` needs)."""
    mlflow.set_tracking_uri(settings.mlflow_uri)
    current = _alias(MlflowClient(), settings.model_name, CHAMPION)
    if current is None:
        return False
    bento_env(settings)
    return any(
        m.info.labels.get("registry_version") == str(current.version) for m in _bento_models(settings.model_name)
    )


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--metric", default=settings.select_metric, help="metric to maximise (default: %(default)s)")
    parser.add_argument("--experiment", default=EXPERIMENT)
    parser.add_argument("--run-id", help="promote this run instead of the best one")
    parser.add_argument("--if-missing", action="store_true", help="exit 0 at once if a champion is already served")
    parser.add_argument("--rollback", action="store_true", help="make the previous champion the champion again")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        if args.if_missing and champion_exists(settings):
            print("champion already registered and in the Bento store: nothing to do")
            return 0
        print(
            rollback(settings=settings)
            if args.rollback
            else register(settings=settings, metric=args.metric, experiment=args.experiment, run_id=args.run_id)
        )
    except RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except MlflowException as exc:
        print(
            f"error: MLflow at {settings.mlflow_uri} failed ({exc.message.splitlines()[0]}); "
            "the previous champion is unchanged",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
