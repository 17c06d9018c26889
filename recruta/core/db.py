"""The recruiter database (SQLAlchemy): chat sessions, their documents and messages; generated JDs and feedback.

SQLite under ``RECRUTA_HOME`` by default (one machine); PostgreSQL through ``RECRUTA_DATABASE_URL`` when several
service replicas share the state (``postgresql://user:pw@host/db``; the ``psycopg`` driver is implied).

The schema is owned by the Alembic migrations in ``recruta/core/migrations``, never by ``create_all``: that one
creates missing tables but never alters an existing one, so a new column would silently break every database made
by an older version. :func:`make_sessionmaker` upgrades the database to the newest revision before handing out
sessions (see :func:`recruta.core.migrations.upgrade`: one replica at a time, a database made by the previous
version's ``create_all`` is adopted as the baseline). A model change without a migration fails
``tests/test_db.py``.

Errors: a database that cannot be reached (down, restarting, connections cut) raises
:class:`DatabaseUnavailable` (503 with Retry-After in ``service.py``), and the pool reconnects on the next request
once it is back. A ``RECRUTA_DATABASE_URL`` that cannot work (malformed, unknown driver, wrong password or
database) is a :class:`DatabaseURLError` at start-up; neither error ever shows the password.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine, event
from sqlalchemy.engine import URL, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

from recruta.core.errors import RecrutaError, Unavailable

log = logging.getLogger("recruta.db")


def _now() -> datetime:
    return datetime.now(UTC)


def _id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class ChatSession(Base):
    __tablename__ = "chat_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    title: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    # indexed (migration 0002): the session list is ordered by it
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now, index=True)
    documents: Mapped[list[ChatDocument]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ChatDocument.created_at"
    )
    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ChatMessage.seq"
    )


class ChatDocument(Base):
    __tablename__ = "chat_documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # cv | recommendation | interests | job_description
    filename: Mapped[str] = mapped_column(String(255), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    session: Mapped[ChatSession] = relationship(back_populates="documents")


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # user | assistant
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    session: Mapped[ChatSession] = relationship(back_populates="messages")


class GeneratedJD(Base):
    __tablename__ = "generated_jds"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_id)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)  # the input fields as given
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the structured JD (sections, markdown, source vaga ids)
    generator: Mapped[str] = mapped_column(String(200), default="")
    parent_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # set when regenerated from an edit
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class JDFeedback(Base):
    __tablename__ = "jd_feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    jd_id: Mapped[str] = mapped_column(ForeignKey("generated_jds.id", ondelete="CASCADE"), index=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --------------------------------------------------------------------------- errors
class DatabaseUnavailable(Unavailable):
    """The database cannot be reached now (down, restarting, connections cut, locked); retrying later may work."""

    service = "database"


class DatabaseURLError(RecrutaError):
    """``RECRUTA_DATABASE_URL`` cannot work: malformed, unknown driver, refused credentials, no such database.
    A start-up error (the service does not start), so it is a server-side status, not a 4xx."""

    status = 500


# --------------------------------------------------------------------------- URLs
DEFAULT_FILE = "recruta.db"  # under RECRUTA_HOME; the name every earlier version used
_DRIVERLESS = re.compile(r"^postgres(?:ql)?://")


def database_url(home: Path, url: str | None = None) -> str:
    """``url`` (``RECRUTA_DATABASE_URL``) or the SQLite file under ``home``. ``postgres://`` and ``postgresql://``
    mean the psycopg (3) driver, the one installed (SQLAlchemy would otherwise look for psycopg2)."""
    if not url:
        return f"sqlite:///{home / DEFAULT_FILE}"
    return _DRIVERLESS.sub("postgresql+psycopg://", url.strip(), count=1)


def redact(url: str | URL) -> str:
    """The URL with its password replaced by ``***`` (also for strings SQLAlchemy cannot parse)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", str(url))


def _scrub(text: str, url: str) -> str:
    """``text`` without the URL's password, wherever a driver may have echoed it."""
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        match = re.search(r"//[^/:@]*:([^@/]*)@", url)
        password = match.group(1) if match else None
    return text.replace(str(password), "***") if password else text


# --------------------------------------------------------------------------- engine
# SQLSTATE classes of a server that is going away or cannot take us now: connection exceptions (08), operator
# intervention (57P: shutdown, starting up), insufficient resources (53: too many connections), and a lost
# serialization race or deadlock (40001, 40P01): retrying later is the answer to each.
_TRANSIENT_STATES = ("08", "57P", "53", "40001", "40P01")
# A server that answered "no" to these credentials or this database: retrying does not help.
_PERMANENT = re.compile(
    r"authentication failed|does not exist|no pg_hba\.conf entry|permission denied|"
    r"unable to open database file|invalid (?:dsn|connection option)",
    re.IGNORECASE,
)


def _transient(ctx: ExceptionContext) -> bool:
    if ctx.is_disconnect or ctx.connection is None:  # cut mid-use, or the connect itself failed
        return True
    state = getattr(ctx.original_exception, "sqlstate", None) or ""
    if state.startswith(_TRANSIENT_STATES):
        return True
    return "database is locked" in str(ctx.original_exception)  # SQLite: another writer past busy_timeout


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with connections checked before use (a restarted server is reconnected to) and
    reachability errors raised as :class:`DatabaseUnavailable`. SQLite: foreign keys on, WAL, a busy timeout."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise DatabaseURLError(f"RECRUTA_DATABASE_URL={redact(url)} cannot be used: {_scrub(str(exc), url)}") from None

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

    @event.listens_for(engine, "handle_error")
    def _unavailable(ctx: ExceptionContext) -> None:
        # A failed pre-ping is the pool's own business: it reconnects, and reports the reconnect's failure.
        if not ctx.is_pre_ping and _transient(ctx):
            raise DatabaseUnavailable(
                "the recruiter database is unavailable; retry shortly"
            ) from ctx.original_exception

    return engine


def _permanent(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError | DatabaseUnavailable) and bool(_PERMANENT.search(str(exc.__cause__ or exc)))


def make_sessionmaker(url: str, *, wait_s: float = 30.0) -> sessionmaker[Session]:
    """Sessions on ``url``'s database, upgraded to the newest schema first.

    A database that cannot be reached is waited for up to ``wait_s`` seconds (the service may start before its
    database, e.g. in compose or Kubernetes), then :class:`DatabaseURLError`; so is any other failure to connect.
    """
    from recruta.core.migrations import upgrade

    engine = make_engine(url)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            revision = upgrade(engine)
            break
        except (DBAPIError, DatabaseUnavailable) as exc:
            cause = exc.__cause__ if isinstance(exc, DatabaseUnavailable) and exc.__cause__ else exc
            detail = _scrub(str(getattr(cause, "orig", None) or cause).strip().splitlines()[0], url)
            if _permanent(exc) or time.monotonic() >= deadline:
                engine.dispose()
                waited = "" if _permanent(exc) else f" (waited {wait_s:.0f} s)"
                raise DatabaseURLError(
                    f"RECRUTA_DATABASE_URL={redact(url)}: cannot use the database{waited}: {detail}"
                ) from None
            log.warning("database %s not reachable yet (%s); retrying", redact(url), detail)
            time.sleep(1.0)
    log.info("database %s at schema revision %s", redact(url), revision)
    return sessionmaker(engine, expire_on_commit=False)


__all__ = [
    "DEFAULT_FILE",
    "Base",
    "ChatDocument",
    "ChatMessage",
    "ChatSession",
    "DatabaseURLError",
    "DatabaseUnavailable",
    "Engine",
    "GeneratedJD",
    "JDFeedback",
    "database_url",
    "make_engine",
    "make_sessionmaker",
    "redact",
]
