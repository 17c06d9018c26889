"""Ingestion on a real two-node Ray cluster (ray.cluster_utils.Cluster: two raylets on this machine, random free
ports, bound to the machine's own address as Ray resolves 127.0.0.1) into a real `chroma run` on 127.0.0.1.

One cluster and one Chroma server for the module; every run is compared with the single-process ingestion of the
same data into the same server (another collection): same ids, texts, metadata and vectors, same report."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from devtools.servers import serve
from tests.conftest import BIN, ROOT, env_for, free_port, stop, wait_http

pytestmark = pytest.mark.server


class Chroma:
    """A `chroma run` on a free port that can be stopped and started again on the same folder and port."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = open(self.folder.parent / "chroma.log", "a")
        self.proc = subprocess.Popen(
            [str(BIN / "chroma"), "run", "--path", str(self.folder), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env_for(self.folder.parent),
        )
        wait_http(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=90, proc=self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


@pytest.fixture(scope="module")
def chroma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroma]:
    server = Chroma(tmp_path_factory.mktemp("chroma") / "srv")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Head (1 CPU) + one worker node (1 CPU), this process connected as the driver."""
    import ray
    from ray.cluster_utils import Cluster

    from recruta.ingest.distributed import runtime_env

    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        c.add_node(num_cpus=1)
        ray.init(address=c.address, runtime_env=runtime_env(), log_to_driver=False)
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


@pytest.fixture(scope="module")
def data(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small sample plus what exercises the two global steps: an application without its vaga's title (filled
    from the vaga), a candidate listed twice in one vaga (kept once) and malformed records (skipped, in order)."""
    out = tmp_path_factory.mktemp("raydata")
    for name in ("vagas.json", "applicants.json", "prospects.json"):
        shutil.copy(small_data / name, out / name)
    prospects = json.loads((out / "prospects.json").read_text())
    keys = list(prospects)
    prospects[keys[0]]["titulo"] = ""
    prospects[keys[1]]["prospects"].append(dict(prospects[keys[1]]["prospects"][0]))
    prospects[keys[2]]["prospects"].append("not a prospect")
    prospects["77777"] = ["not", "an", "object"]
    (out / "prospects.json").write_text(json.dumps(prospects, ensure_ascii=False))
    for name, bad in (("vagas.json", "88888"), ("applicants.json", "99999")):
        records = json.loads((out / name).read_text())
        records[bad] = 5
        (out / name).write_text(json.dumps(records, ensure_ascii=False))
    return out


def _settings(tmp_path: Path, chroma: Chroma, collection: str, **kw: Any) -> Any:
    from recruta.core.settings import Settings

    return Settings(
        home=tmp_path / "home",
        embedder="hash",
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
        chunk_size=600,
        collection=collection,
        **kw,
    )


def _index(settings: Any) -> dict[str, tuple[str, dict[str, Any], np.ndarray]]:
    from recruta.ingest.distributed import index_name
    from recruta.ingest.store import Store, make_client

    got = Store(make_client(settings), index_name(settings), create=False).get(include_embeddings=True)
    return {
        i: (t, m, np.asarray(e, dtype=np.float32))
        for i, t, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
    }


@pytest.fixture(scope="module")
def reference(data: Path, chroma: Chroma, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    """The single-process ingestion of ``data`` (report, index)."""
    from ingestion import ingest
    from recruta.ingest.embeddings import get_embedder

    s = _settings(tmp_path_factory.mktemp("ref"), chroma, "reference")
    report = ingest(data_dir=data, settings=s, embedder=get_embedder("hash"), progress=False)
    return report, _index(s)


def _same_index(got: dict[str, Any], want: dict[str, Any], *, min_cosine: float = 0.9999) -> None:
    assert sorted(got) == sorted(want)  # nothing lost, nothing extra (ids are unique in Chroma: nothing duplicated)
    for i, (text, meta, vector) in want.items():
        assert got[i][0] == text, i
        assert got[i][1] == meta, i
        assert float(np.dot(got[i][2], vector)) >= min_cosine, i


def _table_rows(path: str) -> list[str]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _same_report(got: Any, want: Any) -> None:
    assert got.read == want.read and got.documents == want.documents
    assert [str(s) for s in got.skipped] == [str(s) for s in want.skipped]
    assert got.pii_redacted == want.pii_redacted and got.missing_files == want.missing_files
    assert set(got.stage_seconds) == {"load", "documents", "lookup", "embed", "write"}


def _new_driver(cluster: Any) -> None:
    """A re-run is a new ``ingestion.py --ray`` process: this test process reconnects as a new driver, so the failed
    run's Ray Data actors (owned by the old driver's job) are gone, as they are when a CLI run exits."""
    import ray

    from recruta.ingest.distributed import runtime_env

    ray.shutdown()
    ray.init(address=cluster.address, runtime_env=runtime_env(), log_to_driver=False)


def _wait_cpus_free(*, timeout: float) -> None:
    """Every CPU of the cluster free again (a failed run's actors killed): a re-run in this same driver can start
    its own. Fails after ``timeout`` s."""
    import ray

    deadline = time.time() + timeout
    while time.time() < deadline:
        total, free = ray.cluster_resources().get("CPU", 0), ray.available_resources().get("CPU", 0)
        if free >= total > 0:
            return
        time.sleep(0.2)
    raise AssertionError(f"{free} of {total} CPUs free {timeout}s after the failed run: its actors live on")


def _in_thread(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # re-raised by the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _wait_count(settings: Any, *, at_least: int, timeout: float) -> int:
    from recruta.ingest.distributed import index_name
    from recruta.ingest.store import Store, make_client

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            n = Store(make_client(settings), index_name(settings), create=False).count()
        except Exception:
            n = 0
        if n >= at_least:
            return n
        time.sleep(0.1)
    raise TimeoutError(f"fewer than {at_least} documents written after {timeout}s")


def _slow_actor(seconds: float) -> type:
    """An embedding actor that takes ``seconds`` per batch, so a fault lands mid-run (pickled by value)."""
    from recruta.ingest.distributed import EmbedActor

    class Slow(EmbedActor):
        def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            time.sleep(seconds)
            return super().__call__(batch)

    return Slow


# --------------------------------------------------------------------------- tests
def test_workers_get_the_code_and_its_data_files_not_the_projects_data():
    """The working_dir shipped to workers (gitignore-style excludes, as Ray applies them) keeps every file of the
    package — recruta/facts/data/*.json included — and drops the project's data, docs and tests."""
    from pathspec import PathSpec

    from recruta.ingest.distributed import runtime_env

    env = runtime_env()
    excluded = PathSpec.from_lines("gitwildmatch", env["excludes"]).match_file
    package = [str(p.relative_to(ROOT)) for p in (ROOT / "recruta").rglob("*") if p.is_file()]
    package = [p for p in package if "__pycache__" not in p]
    assert any(p.startswith("recruta/facts/data/") for p in package)
    assert [p for p in package if excluded(p)] == []
    assert not any(excluded(p) for p in ("experiment.py", "model.py", "ingestion.py", "bench/ingest_ray.py"))
    assert all(excluded(p) for p in ("data/vagas.json", "tests/test_ray.py", "docs/x.md", ".venv/bin/python"))


class _RecordingBar:
    """Stands in for tqdm: the totals the driver gave its progress bar, each with the count when it was given."""

    made: list[_RecordingBar] = []

    def __init__(self, *, total: int | None = None, **kw: Any) -> None:
        self.n, self.totals = 0, [(total, 0)]
        self.made.append(self)

    @property
    def total(self) -> int | None:
        return self.totals[-1][0]

    @total.setter
    def total(self, value: int | None) -> None:
        self.totals.append((value, self.n))

    def update(self, n: int) -> None:
        self.n += n

    def set_postfix(self, **kw: Any) -> None:
        return None

    def refresh(self) -> None:
        return None

    def close(self) -> None:
        return None


def test_same_index_as_single_process_across_two_nodes_and_idempotent(
    cluster, data, chroma, reference, tmp_path, monkeypatch
):
    from recruta.ingest.distributed import index_name, ingest_on_ray

    want_report, want = reference
    s = _settings(tmp_path, chroma, "twonodes")
    monkeypatch.setattr("tqdm.auto.tqdm", _RecordingBar)
    out = ingest_on_ray(data_dir=data, settings=s, shard_records=8, embed_batch=64, write_batch=128, progress=True)
    # the bar's total (so it shows a percentage and the time left) is known before anything is embedded
    (bar,) = _RecordingBar.made
    assert bar.totals == [(None, 0), (len(want), 0)] and bar.n == len(want)
    _same_report(out.report, want_report)
    assert out.report.embedded == out.report.documents == len(want) and out.report.unchanged == 0
    # the planner's records table, built beside the index as the single process builds it: the same rows
    assert out.report.table != want_report.table and Path(out.report.table).name == f"table-{index_name(s)}.sqlite3"
    assert len(_table_rows(want_report.table)) > 100
    assert _table_rows(out.report.table) == _table_rows(want_report.table)
    assert out.nodes == 2 and out.actors == 2
    assert len(out.documents_by_node) == 2 and sum(out.documents_by_node.values()) == len(want)
    assert sum(out.embedded_by_node.values()) == len(want)
    got = _index(s)
    _same_index(got, want)
    assert all(np.array_equal(got[i][2], v[2]) for i, v in want.items())  # the hash embedder: bit-identical
    from recruta.ingest.documents import Document
    from recruta.ingest.store import Store, make_client

    stale = Document(id="vaga:99999:0", text="Vaga 99999 - retirada", metadata={"type": "vaga", "vaga_id": "99999"})
    Store(make_client(s), index_name(s), create=False).upsert([stale], np.ones((1, 256), dtype=np.float32) / 16)
    again = ingest_on_ray(data_dir=data, settings=s, shard_records=8, prune=True, progress=False)
    assert again.report.embedded == 0 and again.report.unchanged == len(want) and again.report.pruned == 1
    _same_report(again.report, want_report)
    _same_index(_index(s), want)  # the stale document pruned, nothing else touched


def test_worker_dies_mid_batch_is_retried_without_duplicates(cluster, data, chroma, reference, tmp_path):
    from recruta.ingest.distributed import EmbedActor, ingest_on_ray

    marker = tmp_path / "died"

    class DiesOnce(EmbedActor):
        def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            out = super().__call__(batch)  # the batch is embedded...
            if not marker.exists():
                marker.write_text(str(os.getpid()))
                os._exit(1)  # ...and the worker process dies before handing it on
            return out

    s = _settings(tmp_path, chroma, "crash")
    out = ingest_on_ray(
        data_dir=data,
        settings=s,
        shard_records=16,
        embed_batch=64,
        write_batch=64,
        embed_actor=DiesOnce,
        progress=False,
    )
    assert marker.exists()
    _, want = reference
    assert out.report.embedded == out.report.documents == len(want)
    _same_index(_index(s), want)


def test_chroma_down_mid_ingest_is_a_clear_error_and_a_rerun_finishes(cluster, data, chroma, reference, tmp_path):
    from recruta.ingest.distributed import ingest_on_ray
    from recruta.ingest.store import StoreUnavailable

    _, want = reference
    s = _settings(tmp_path, chroma, "chromadown")
    thread, box = _in_thread(
        lambda: ingest_on_ray(
            data_dir=data,
            settings=s,
            shard_records=16,
            embed_batch=32,
            write_batch=32,
            embed_actor=_slow_actor(0.5),
            progress=False,
        )
    )
    try:
        _wait_count(s, at_least=1, timeout=240)
    finally:
        chroma.stop()
    thread.join(timeout=240)
    try:
        assert not thread.is_alive()
        assert isinstance(box.get("error"), StoreUnavailable), box
        assert f"127.0.0.1:{chroma.port}" in str(box["error"])
    finally:
        chroma.start()
    box.clear()
    # The same driver runs again (a long-lived process, not a new `ingestion.py --ray`): the failed run's embedding
    # actors must be gone, their CPUs back, or the re-run's actors would wait for them forever.
    _wait_cpus_free(timeout=60)
    with pytest.raises(StoreUnavailable, match="unreachable"):  # down before the start: said at once
        ingest_on_ray(data_dir=data, settings=s.model_copy(update={"chroma_port": free_port()}), progress=False)
    out = ingest_on_ray(data_dir=data, settings=s, shard_records=16, progress=False)
    assert 0 < out.report.unchanged < len(want) and out.report.embedded + out.report.unchanged == len(want)
    _same_index(_index(s), want)


def test_cli_unreachable_cluster_or_chroma_server_is_a_clear_error(data, chroma, tmp_path, capsys, monkeypatch):
    import ingestion
    from recruta.core.settings import get_settings

    def cli(*, ray: str, chroma_port: int | None) -> str:
        monkeypatch.setenv("RECRUTA_HOME", str(tmp_path))
        if chroma_port is None:
            monkeypatch.delenv("RECRUTA_CHROMA_HOST", raising=False)
        else:
            monkeypatch.setenv("RECRUTA_CHROMA_HOST", "127.0.0.1")
            monkeypatch.setenv("RECRUTA_CHROMA_PORT", str(chroma_port))
        get_settings.cache_clear()
        try:
            code = ingestion.main(["--data-dir", str(data), "--embedder", "hash", "--ray", ray, "--quiet"])
        finally:
            get_settings.cache_clear()
        err = capsys.readouterr().err
        assert code == 1 and "Traceback" not in err, err
        return err

    nobody = f"127.0.0.1:{free_port()}"
    err = cli(ray=nobody, chroma_port=free_port())
    assert "Chroma server 127.0.0.1:" in err and "unreachable" in err  # the store is checked before any Ray work
    assert "RECRUTA_CHROMA_HOST" in cli(ray=nobody, chroma_port=None)
    # A fresh process (this one is connected to the test cluster already): no head at the address.
    env = env_for(
        tmp_path, RECRUTA_CHROMA_HOST="127.0.0.1", RECRUTA_CHROMA_PORT=str(chroma.port), RECRUTA_EMBEDDER="hash"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "ingestion.py", "--data-dir", str(data), "--ray", nobody, "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert f"Ray cluster at {nobody} unreachable" in done.stderr
    assert time.perf_counter() - started < 60  # said at once, not after Ray's own minute of retries


def test_truncated_file_is_the_single_process_error(cluster, data, chroma, tmp_path):
    from recruta.ingest.distributed import ingest_on_ray
    from recruta.ingest.loaders import DataFileError, load_dataset

    broken = tmp_path / "broken"
    shutil.copytree(data, broken)
    raw = (broken / "applicants.json").read_bytes()
    (broken / "applicants.json").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataFileError) as single:
        load_dataset(broken, hired_statuses=())
    s = _settings(tmp_path, chroma, "broken")
    with pytest.raises(DataFileError) as distributed:
        ingest_on_ray(data_dir=broken, settings=s, progress=False)
    assert str(distributed.value) == str(single.value) and "applicants.json" in str(single.value)


def test_cli_driver_killed_midway_then_rerun_finishes(cluster, data, chroma, reference, tmp_path):
    """`python ingestion.py --ray ADDRESS` against the cluster, SIGKILLed once documents are being written."""
    _, want = reference
    s = _settings(tmp_path, chroma, "cli")
    env = env_for(
        tmp_path / "home",
        RECRUTA_CHROMA_HOST="127.0.0.1",
        RECRUTA_CHROMA_PORT=str(chroma.port),
        RECRUTA_COLLECTION="cli",
        RECRUTA_EMBEDDER="hash",
    )
    cmd = [
        sys.executable,
        "ingestion.py",
        "--data-dir",
        os.path.relpath(data, ROOT),  # relative to the driver's folder, not the workers'
        "--chunk-size",
        "600",
        "--ray",
        cluster.address,
        "--quiet",
        "--batch-size",
        "16",
    ]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        written = _wait_count(s, at_least=1, timeout=240)
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and anything it spawned (it is its own session)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ray: 2 node(s)" in done.stdout and f"documents: {len(want)}" in done.stdout
    assert "records table: none" not in done.stdout and "records table: " in done.stdout
    assert written <= len(want)
    _same_index(_index(s), want)


def test_worker_node_killed_midway_then_rerun_finishes(cluster, data, chroma, reference, tmp_path):
    """The worker node dies (all its processes SIGKILLed) mid-run; a replacement joins; the run or its re-run
    finishes with the single-process index."""
    import ray

    from recruta.ingest.distributed import ingest_on_ray

    _, want = reference
    s = _settings(tmp_path, chroma, "nodekill")
    here = ray._private.worker.global_worker.node._raylet_socket_name
    victim = next(n for n in [cluster.head_node, *cluster.worker_nodes] if n._raylet_socket_name != here)
    thread, box = _in_thread(
        lambda: ingest_on_ray(
            data_dir=data,
            settings=s,
            shard_records=16,
            embed_batch=32,
            write_batch=32,
            embed_actor=_slow_actor(0.5),
            progress=False,
        )
    )
    _wait_count(s, at_least=1, timeout=240)
    cluster.remove_node(victim, allow_graceful=False)
    cluster.add_node(num_cpus=1)
    thread.join(timeout=240)
    assert not thread.is_alive()
    if "error" in box:  # allowed to fail; then the re-run (a new driver) must finish the job
        box.clear()
        _new_driver(cluster)
        out = ingest_on_ray(data_dir=data, settings=s, shard_records=16, progress=False)
        assert out.report.embedded + out.report.unchanged == len(want)
    else:
        assert box["result"].report.embedded == len(want)
    _same_index(_index(s), want)


@pytest.mark.real
def test_real_embedder_vectors_match_the_single_process_ones(cluster, chroma, tmp_path):
    """The shipped default embedder (model and backend) in the actor pool: cosine >= 0.9999 to the single-process
    vectors of the same chunks."""
    from devtools import sample
    from ingestion import ingest
    from recruta.core.settings import Settings, get_settings
    from recruta.ingest.distributed import ingest_on_ray

    tiny = tmp_path / "tiny"
    sample.generate(tiny, n_vagas=4, n_applicants=8, n_prospects=12, cv_chars=600, seed=11)
    shipped = Settings()
    home = tmp_path / "home"
    home.mkdir()
    get_settings().embedder_cache.mkdir(parents=True, exist_ok=True)  # a fresh checkout's home has none yet
    (home / "embedders").symlink_to(get_settings().embedder_cache, target_is_directory=True)  # converted once
    base = dict(
        home=home,
        embedder=shipped.embedder,
        embedder_backend=shipped.embedder_backend,
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
    )
    single = Settings(**base, collection="real-single")
    ingest(data_dir=tiny, settings=single, progress=False)
    distributed = Settings(**base, collection="real-ray")
    out = ingest_on_ray(data_dir=tiny, settings=distributed, shard_records=4, embed_batch=16, progress=False)
    assert out.report.embedded == out.report.documents > 0
    _same_index(_index(distributed), _index(single), min_cosine=0.9999)


@pytest.fixture
def mlflow_server(tmp_path: Path) -> Iterator[str]:
    with serve(
        "mlflow",
        "--backend-store-uri",
        f"sqlite:///{tmp_path / 'mlflow.db'}",
        "--artifacts-destination",
        str(tmp_path / "artifacts"),
        "--workers",
        "1",
        env=env_for(tmp_path / "unused"),
        log=tmp_path / "mlflow.log",
        timeout=120,
    ) as server:
        yield server.url


def _artifacts(client: Any, run_id: str, path: str = "") -> list[str]:
    out = []
    for item in client.list_artifacts(run_id, path):
        out += _artifacts(client, run_id, item.path) if item.is_dir else [item.path]
    return sorted(out)


def test_experiment_grid_on_ray_logs_the_sequential_runs(cluster, small_data, mlflow_server, tmp_path, monkeypatch):
    """`experiment.py --ray`: the variants as Ray tasks on the two nodes, logging to one MLflow server; every run
    equals its sequential twin but for timings — every split (dev, held-out, unseen) and every metric, the judged
    answer accuracy included."""
    from mlflow.tracking import MlflowClient

    import experiment as exp
    from recruta.core.settings import Settings

    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    phrasings = tmp_path / "phrasings.jsonl"  # recruiters' templates: the "unseen" split
    phrasings.write_text(
        '{"kind": "count", "lang": "en", "text": "How many openings does {cliente} have?"}\n'
        '{"kind": "hired", "lang": "pt", "text": "Quem ficou com a vaga {titulo}?"}\n'
    )
    s = Settings(home=tmp_path / "home", embedder="hash", generator="extractive", chunk_size=600)
    configs = exp.grid("test", s)
    common: dict[str, Any] = {"settings": s, "configs": configs, "data_dir": small_data, "limit": 6}
    sequential = exp.run_grid(**common, experiment="sequential", phrasings=phrasings)
    parallel = exp.run_grid(**common, experiment="parallel", phrasings=phrasings, ray=True)  # this cluster
    client = MlflowClient(mlflow_server)
    assert [n for _, n, _ in parallel] == [n for _, n, _ in sequential] and len(parallel) == len(configs) == 2
    timing = ("latency_p50_ms", "latency_p95_ms")

    def untimed(metrics: dict[str, float]) -> dict[str, float]:
        """All but the latencies (overall and per kind: ``latency_p50_ms/count``), of every split."""
        return {
            k: v
            for k, v in metrics.items()
            if k.split("/")[0].removeprefix("test_").removeprefix("unseen_") not in timing
        }

    grids = [client.get_run(client.get_run(r[0][0]).data.tags["mlflow.parentRunId"]) for r in (sequential, parallel)]
    assert grids[0].data.params == grids[1].data.params and grids[0].data.params["n_unseen"] == "2"
    for (seq_id, _, seq_dev), (par_id, _, par_dev) in zip(sequential, parallel, strict=True):
        a, b = client.get_run(seq_id), client.get_run(par_id)
        metrics = untimed(a.data.metrics)
        assert metrics == untimed(b.data.metrics)
        for key in ("answer_accuracy", "test_answer_accuracy", "unseen_answer_accuracy", "unseen_n_questions"):
            assert key in metrics, key  # the judged accuracy on every split is among what is compared
        assert any(k.startswith("unseen_answer_accuracy/") for k in metrics)
        assert {f"{p}{t}" for p in ("", "test_", "unseen_") for t in timing} <= set(a.data.metrics) - set(metrics)
        assert untimed(seq_dev) == untimed(par_dev) and "answer_accuracy" in seq_dev
        assert a.data.params == b.data.params
        assert a.info.run_name == b.info.run_name
        assert client.get_run(b.data.tags["mlflow.parentRunId"]).data.tags[exp.KIND_TAG] == "grid"
        for key in (exp.KIND_TAG, "mlflow.source.name", "mlflow.source.type", "mlflow.user", "mlflow.runName"):
            assert a.data.tags.get(key) == b.data.tags.get(key), key
        assert set(a.data.tags) == set(b.data.tags)
        assert _artifacts(client, seq_id) == _artifacts(client, par_id)
        tables = []
        for run_id in (seq_id, par_id):
            table = json.loads(
                Path(client.download_artifacts(run_id, "predictions.json", str(tmp_path / run_id))).read_text()
            )
            col = table["columns"].index("latency_ms")
            tables.append([[v for i, v in enumerate(row) if i != col] for row in table["data"]])
        assert tables[0] and len(tables[0]) == len(tables[1])
        assert {row[table["columns"].index("split")] for row in table["data"]} == {"dev", "test", "unseen"}
        for x, y in zip(*tables, strict=True):
            assert x == y, (x, y)
        index = [
            client.download_artifacts(run_id, "model/artifacts", str(tmp_path / f"m-{run_id}"))
            for run_id in (seq_id, par_id)
        ]
        assert [p.read_bytes() for p in sorted(Path(index[0]).rglob("*")) if p.is_file()] == [
            p.read_bytes() for p in sorted(Path(index[1]).rglob("*")) if p.is_file()
        ]  # the same index snapshot


def test_experiment_variant_whose_worker_dies_midway_ends_with_one_finished_run(
    cluster, small_data, mlflow_server, tmp_path, monkeypatch
):
    """`experiment.py --ray` with the worker of a variant killed mid-variant (its run opened, its params logged, no
    metric yet): Ray retries the task, and the grid ends with exactly one FINISHED run per variant — the dead
    attempt's half-logged run ended (KILLED) and deleted, not left RUNNING beside the retried one."""
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    import experiment as exp
    from recruta.core.settings import Settings
    from recruta.rag import parallel

    marker = tmp_path / "died"
    variant = parallel._variant

    def dies_once_mid_variant(config: Any, *, position: int, **kwargs: Any) -> Any:
        """Pickled by value (a local function): in the worker, the first attempt at variant 0 dies in its first
        evaluation, after ``run_variant`` opened its run and logged its params."""
        import experiment as in_worker

        if position == 0 and not marker.exists():

            def evaluate(*args: Any, **kw: Any) -> Any:
                marker.write_text(str(os.getpid()))
                os._exit(1)

            in_worker.evaluate = evaluate
        return variant(config, position=position, **kwargs)

    monkeypatch.setattr(parallel, "_variant", dies_once_mid_variant)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    s = Settings(home=tmp_path / "home", embedder="hash", generator="extractive", chunk_size=600)
    configs = exp.grid("test", s)
    results = exp.run_grid(settings=s, configs=configs, data_dir=small_data, limit=6, experiment="retried", ray=True)
    assert marker.exists() and int(marker.read_text()) != os.getpid()  # a worker died, not this driver
    client = MlflowClient(mlflow_server)
    parent = client.get_run(results[0][0]).data.tags["mlflow.parentRunId"]
    under = f"tags.`mlflow.parentRunId` = '{parent}'"
    experiment_id = client.get_run(parent).info.experiment_id
    runs = client.search_runs([experiment_id], filter_string=under, run_view_type=ViewType.ACTIVE_ONLY)
    assert sorted(r.info.run_id for r in runs) == sorted(r[0] for r in results) and len(runs) == len(configs) == 2
    assert {r.info.status for r in runs} == {"FINISHED"}
    keys = {r.data.tags[parallel.VARIANT_KEY_TAG]: r for r in runs}
    assert sorted(keys) == [f"{parent}/0", f"{parent}/1"]
    for r in runs:
        assert "answer_accuracy" in r.data.metrics and "test_answer_accuracy" in r.data.metrics
        assert _artifacts(client, r.info.run_id)  # the predictions, plots and model of the full attempt
    dead = client.search_runs([experiment_id], filter_string=under, run_view_type=ViewType.DELETED_ONLY)
    assert len(dead) == 1
    assert dead[0].info.status == "KILLED" and dead[0].data.tags[parallel.VARIANT_KEY_TAG] == f"{parent}/0"
    assert dead[0].data.params == keys[f"{parent}/0"].data.params and not dead[0].data.metrics  # half-logged
