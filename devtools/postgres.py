"""A throwaway PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` on 127.0.0.1 and a free port.

    with postgres() as pg:          # pg.url: postgresql+psycopg://recruta:…@127.0.0.1:<port>/recruta
        ...
        pg.stop(); pg.start()       # a database outage and its recovery, same port and data

The cluster lives in a fresh folder under the system temp dir and is removed on exit. PostgreSQL refuses to run as
root, so when this process is root the server runs as the ``postgres`` system user (``runuser``); the folder is
handed to that user. TCP connections need the password (scram-sha-256), so a wrong one is a real error. Durability
settings are off (``fsync``): the tests kill clients, never the server's machine.

Binaries: ``$PG_BIN``, else the newest ``/usr/lib/postgresql/*/bin`` (Debian), else ``initdb`` on ``PATH``.
``make install`` installs the Debian package when it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from devtools.servers import free_port

__all__ = ["PASSWORD", "Postgres", "pg_bin", "postgres"]

PASSWORD = "recruta-test-secret"  # noqa: S105 (a throwaway local server's password)
_SERVICE_USER = "postgres"


def pg_bin() -> Path | None:
    """The folder with ``initdb``/``pg_ctl``, or None when PostgreSQL is not installed."""
    if env := os.environ.get("PG_BIN"):
        return Path(env)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if versions:
        return versions[-1].parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user() -> list[str]:
    return ["runuser", "-u", _SERVICE_USER, "--"] if os.geteuid() == 0 else []


@dataclass(frozen=True, kw_only=True)
class Postgres:
    """A running cluster: ``url`` for SQLAlchemy (user ``recruta``, database ``recruta``), its port and folder."""

    url: str
    port: int
    folder: Path
    bin: Path

    def _ctl(self, *args: str) -> None:
        cmd = [*_as_server_user(), str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-w", *args]
        subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self._ctl("-l", str(self.folder / "server.log"), "start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as when the database host goes away."""
        self._ctl("-m", "fast", "stop")

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def postgres(*, database: str = "recruta", user: str = "recruta") -> Iterator[Postgres]:
    """Start a fresh cluster (about 2 s), yield it, stop and delete it."""
    bin_ = pg_bin()
    if bin_ is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql, or set PG_BIN)")
    folder = Path(tempfile.mkdtemp(prefix="recruta-pg-"))
    port = free_port()
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        shutil.chown(folder, _SERVICE_USER, _SERVICE_USER)
        shutil.chown(pwfile, _SERVICE_USER, _SERVICE_USER)
    pg = Postgres(
        url=f"postgresql+psycopg://{user}:{PASSWORD}@127.0.0.1:{port}/{database}", port=port, folder=folder, bin=bin_
    )
    try:
        subprocess.run(
            [
                *_as_server_user(),
                str(bin_ / "initdb"),
                "-D",
                str(folder / "data"),
                "-U",
                user,
                "--pwfile",
                str(pwfile),
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        with open(folder / "data" / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{folder}'\n"
                "fsync = off\nfull_page_writes = off\nmax_connections = 120\n"
            )
        pg.start()
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=port, user=user, password=PASSWORD, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        yield pg
    finally:
        with suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pg.stop()  # fails when it never started, or the test left it stopped
        shutil.rmtree(folder, ignore_errors=True)
