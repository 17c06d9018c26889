"""Schema migrations of the recruiter database (Alembic), applied by the service at start-up.

    upgrade(engine)      # → "0002": the newest revision, whatever the database had

One revision per schema change, each tested upgrading a database made by the version before (tests/test_db.py).
New revision: change the models in ``recruta/core/db.py``, then

    alembic -c recruta/core/migrations/alembic.ini revision --autogenerate -m "what changed"

(against ``RECRUTA_DATABASE_URL`` or the SQLite file under ``RECRUTA_HOME``), read and fix the generated file, and
add a test that upgrades a database of the previous revision with rows in it.

Two replicas starting at once: PostgreSQL runs the whole upgrade in one transaction holding an advisory lock
(DDL is transactional there), so the second waits, then finds nothing left to do; SQLite takes a file lock beside
the database. A database made before migrations existed (``create_all`` of the first schema: tables, no
``alembic_version``) is stamped as :data:`BASELINE` and upgraded from there.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

if TYPE_CHECKING:  # alembic is imported when a migration runs, not with the package
    from alembic.config import Config

__all__ = ["BASELINE", "HERE", "LOCK_KEY", "config", "current", "head", "upgrade"]

HERE = Path(__file__).resolve().parent
BASELINE = "0001"  # the schema every version before migrations created with create_all
LOCK_KEY = 0x726563727574  # pg_advisory_xact_lock key: "recrut"
log = logging.getLogger("recruta.db.migrations")


def config(connection: Connection | None = None) -> Config:
    """An Alembic config for these scripts; ``connection``: run on it (inside its transaction)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision of the scripts."""
    from alembic.script import ScriptDirectory

    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    """The database's revision (None: not under migrations yet)."""
    from alembic.runtime.migration import MigrationContext

    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks; processes sharing the file (BentoML workers) take turns on a lock file."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(engine: Engine, *, revision: str = "head") -> str:
    """Bring the database to ``revision`` (one replica at a time); returns the revision it is at."""
    from alembic import command

    with _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        cfg = config(conn)
        if current(conn) is None and inspect(conn).has_table("chat_sessions"):
            log.info("database made before migrations: adopting it as revision %s", BASELINE)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)
        now = current(conn)
    assert now is not None
    return now
