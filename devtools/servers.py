"""The one place tests and benchmarks start, wait for and stop servers, and set their environment.

- :func:`quiet_env`: telemetry off (the library's own list, ``recruta.core.settings.quiet_telemetry``) and no
  model downloads (:data:`OFFLINE_ENV`), in this process; call it before importing mlflow, bentoml or chromadb.
- :func:`env_for`: the environment of a child process that must only see one ``RECRUTA_HOME`` (never the
  project's own state, nor the caller's ``RECRUTA_*``/MLflow/BentoML settings), quiet and offline as above.
- :func:`free_port`, :func:`wait_http`, :func:`stop`: the pieces; :func:`serve`: all of them around one
  ``bentoml serve`` / ``mlflow server`` / ``chroma run`` on 127.0.0.1 with its log file.

The Makefile and bentofile.yaml set the same variables for ``make`` targets and the built Bento.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "BIN",
    "OFFLINE_ENV",
    "READY_PATH",
    "ROOT",
    "Kind",
    "Server",
    "env_for",
    "free_port",
    "quiet_env",
    "serve",
    "stop",
    "wait_http",
]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's console scripts: bentoml, mlflow, chroma

# No model downloads: every model comes from the packaged offline copies or the local caches.
OFFLINE_ENV: dict[str, str] = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
# Settings a child must not inherit: it gets its own home, registry and BentoML store.
_PRIVATE_PREFIXES = ("RECRUTA_", "MLFLOW_TRACKING", "BENTOML_HOME", "BENTOML_CONFIG")

Kind = Literal["bentoml", "mlflow", "chroma"]
_SUBCOMMAND: dict[Kind, str] = {"bentoml": "serve", "mlflow": "server", "chroma": "run"}
READY_PATH: dict[Kind, str] = {"bentoml": "/readyz", "mlflow": "/health", "chroma": "/api/v2/heartbeat"}


def quiet_env() -> None:
    """Telemetry off and offline, in ``os.environ``; values already set (e.g. by the Makefile, or a user's
    ``HF_HUB_OFFLINE=0`` to fetch a model once) win."""
    from recruta.core.settings import quiet_telemetry

    quiet_telemetry()
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def env_for(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process whose only state is ``home`` (index, MLflow, BentoML store), quiet
    and offline, plus ``extra`` (e.g. ``RECRUTA_EMBEDDER="hash"``)."""
    quiet_env()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PRIVATE_PREFIXES)}
    env.update(RECRUTA_HOME=str(home), BENTOML_HOME=str(home / "bentoml"), PYTHONPATH=str(ROOT), **extra)
    return env


def free_port() -> int:
    """A port nothing listens on now (tests and benchmarks never use fixed ports)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_http(url: str, *, timeout: float, proc: subprocess.Popen[Any] | None = None, method: str = "GET") -> None:
    """Until ``url`` answers below 500 (a server still starting refuses connections or answers 503); fails
    fast if ``proc`` exits first."""
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see its log")
        try:
            if httpx.request(method, url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout}s")


def stop(proc: subprocess.Popen[Any], *, group: bool = False, timeout: float = 20) -> None:
    """SIGTERM, then SIGKILL if it lingers past ``timeout``. ``group``: signal the process group the child
    leads (started with ``start_new_session=True``), so a `bentoml serve` arbiter's workers go too."""
    if proc.poll() is not None:
        return

    def signal_(sig: signal.Signals) -> None:
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)

    signal_(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        signal_(signal.SIGKILL)
        proc.wait(timeout=10)


@dataclass(frozen=True, kw_only=True)
class Server:
    """A running server: its process, base URL (``http://127.0.0.1:<port>``), log file and start-up time."""

    proc: subprocess.Popen[bytes]
    url: str
    port: int
    log: Path
    started_s: float


@contextmanager
def serve(
    kind: Kind,
    *args: str,
    env: dict[str, str],
    log: Path,
    cwd: Path = ROOT,
    timeout: float = 180,
    port: int | None = None,
    group: bool = False,
) -> Iterator[Server]:
    """``<kind> <serve|server|run> *args --host 127.0.0.1 --port <free port>``, output to ``log`` (rewritten),
    yielded once its readiness URL answers; stopped (and ``log`` closed) on exit.

    ``serve("bentoml", "service:Recruta", env=..., log=...)``; ``serve("mlflow", "--backend-store-uri", ...)``;
    ``serve("chroma", "--path", str(folder), ...)``. ``group``: own process group, stopped as a whole.
    """
    port = port or free_port()
    cmd: Sequence[str] = [str(BIN / kind), _SUBCOMMAND[kind], *args, "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=group)
        try:
            wait_http(url + READY_PATH[kind], timeout=timeout, proc=proc)
            yield Server(proc=proc, url=url, port=port, log=log, started_s=time.perf_counter() - started)
        finally:
            stop(proc, group=group, timeout=30 if group else 20)
