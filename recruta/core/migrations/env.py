"""Alembic environment: migrations run on the connection :func:`recruta.core.migrations.upgrade` passes (inside
its transaction and lock); from the ``alembic`` command line, on ``sqlalchemy.url`` or the settings' database."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from recruta.core.db import Base, database_url, make_engine


def _run(connection: Connection) -> None:
    # render_as_batch: SQLite alters a table by copying it; autogenerate writes migrations that work on both.
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if context.config.config_file_name:  # the command line: its log lines ("Running upgrade 0001 -> 0002")
        from logging.config import fileConfig

        fileConfig(context.config.config_file_name, disable_existing_loggers=False)
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        from recruta.core.settings import get_settings

        settings = get_settings()
        url = database_url(settings.home, settings.database_url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported: run migrations against a database")
_main()
