"""Shared fixtures. Server and environment helpers live in devtools.servers (shared with the benchmarks); the
names test modules import from here (BIN, ROOT, env_for, free_port, stop, wait_http) are those."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.servers import BIN, env_for, free_port, quiet_env, serve, stop, wait_http  # noqa: E402

quiet_env()  # before anything imports mlflow, bentoml or chromadb

from recruta.core.settings import Settings  # noqa: E402

__all__ = ["BIN", "DECISION", "ROOT", "SHARED", "env_for", "free_port", "needs_shared", "stop", "wait_http"]

SHARED = ROOT.parent / "shared" / "data"
DECISION = SHARED / "decision"
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


@pytest.fixture(scope="session")
def served(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A champion (fake embedder, extractive) registered from real experiment runs, served by bentoml.

    One server for the whole session (tests that restart or break a server start their own)."""
    home = tmp_path_factory.mktemp("served")
    env = env_for(home, RECRUTA_EMBEDDER="hash", RECRUTA_CHUNK_SIZE="600")
    run = dict(cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=600)
    subprocess.run(
        [sys.executable, "experiment.py", "--grid", "test", "--data-dir", str(small_data), "--limit", "10"], **run
    )
    subprocess.run([sys.executable, "register.py"], **run)
    with serve("bentoml", "service:Recruta", env=env, log=home / "serve.log") as server:
        yield server.url, home
