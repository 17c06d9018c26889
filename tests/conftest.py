from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DECISION = SHARED / "decision"

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(ROOT))

from recruta.core.settings import Settings  # noqa: E402

BIN = Path(sys.executable).parent
needs_shared = pytest.mark.skipif(not DECISION.exists(), reason="../shared/data/decision not present")


@pytest.fixture(scope="session")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small joinable sample from the project's own generator (+ its evaluation set)."""
    from devtools import sample
    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.loaders import load_dataset
    from recruta.rag import evalset

    out = tmp_path_factory.mktemp("data")
    sample.generate(out, n_vagas=30, n_applicants=80, n_prospects=200, cv_chars=900, seed=3)
    evalset.save(evalset.build(load_dataset(out, hired_statuses=DEFAULT_HIRED), n=40), out / "evalset.jsonl")
    return out


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", embedder="hash", generator="extractive", chunk_size=600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, *, timeout: float, proc: subprocess.Popen | None = None, method: str = "GET") -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.request(method, url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECRUTA_", "MLFLOW_TRACKING"))}
    env.update(RECRUTA_HOME=str(home), BENTOML_HOME=str(home / "bentoml"), PYTHONPATH=str(ROOT), **extra)
    return env


@pytest.fixture(scope="session")
def served(small_data, tmp_path_factory):
    """A champion (fake embedder, extractive) registered from real experiment runs, served by bentoml.

    One server for the whole session (tests that restart or break a server start their own)."""
    home = tmp_path_factory.mktemp("served")
    env = env_for(home, RECRUTA_EMBEDDER="hash", RECRUTA_CHUNK_SIZE="600")
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)
    subprocess.run([sys.executable, "experiment.py", "--grid", "test", "--data-dir", str(small_data), "--limit", "10"], **run)
    subprocess.run([sys.executable, "register.py"], **run)
    port = free_port()
    log = open(home / "serve.log", "w")
    proc = subprocess.Popen([str(BIN / "bentoml"), "serve", "service:Recruta", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/readyz", timeout=180, proc=proc)
        yield f"http://127.0.0.1:{port}", home
    finally:
        stop(proc)
        log.close()
