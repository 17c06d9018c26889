"""The recruiter database: migrations own the schema, old databases are upgraded with their rows, bad URLs and
outages are clear errors (recruta/core/db.py, recruta/core/migrations/).

SQLite tests are fast; the PostgreSQL ones (marked ``server``) start a throwaway cluster (devtools/postgres.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from devtools.postgres import pg_bin, postgres
from devtools.servers import ROOT
from recruta.core import migrations
from recruta.core.db import (
    Base,
    ChatMessage,
    ChatSession,
    DatabaseUnavailable,
    DatabaseURLError,
    GeneratedJD,
    JDFeedback,
    database_url,
    make_engine,
    make_sessionmaker,
    redact,
)
from recruta.core.errors import Unavailable

# --------------------------------------------------------------------------- the previous version, frozen
# recruta/db.py as of 9a25814 (the last version before migrations): what its Base.metadata.create_all made.
V1 = sa.MetaData()
sa.Table(
    "chat_sessions",
    V1,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    "chat_documents",
    V1,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "session_id", sa.String(32), sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    "chat_messages",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "session_id", sa.String(32), sa.ForeignKey("chat_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    "generated_jds",
    V1,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("request", sa.JSON, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("generator", sa.String(200), nullable=False),
    sa.Column("parent_id", sa.String(32), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    "jd_feedback",
    V1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "jd_id", sa.String(32), sa.ForeignKey("generated_jds.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("rating", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)


def make_v1_database(url: str) -> None:
    """A database as the previous version left it: its create_all, a chat with two turns, a rated JD."""
    engine = sa.create_engine(url)
    V1.create_all(engine)
    t = V1.tables
    with engine.begin() as c:
        c.execute(
            t["chat_sessions"].insert(),
            [{"id": "s1", "title": "Maria", "summary": "SAP FI", "created_at": NOW, "updated_at": NOW}],
        )
        c.execute(
            t["chat_documents"].insert(),
            [
                {
                    "id": "d1",
                    "session_id": "s1",
                    "kind": "cv",
                    "filename": "cv.txt",
                    "text": "Analista SAP FI",
                    "created_at": NOW,
                }
            ],
        )
        c.execute(
            t["chat_messages"].insert(),
            [
                {"session_id": "s1", "seq": 1, "role": "user", "content": "Resuma", "created_at": NOW},
                {"session_id": "s1", "seq": 2, "role": "assistant", "content": "SAP FI, 7 anos", "created_at": NOW},
            ],
        )
        c.execute(
            t["generated_jds"].insert(),
            [
                {
                    "id": "j1",
                    "request": {"title": "Dev"},
                    "result": {"markdown": "# Dev"},
                    "generator": "template",
                    "parent_id": None,
                    "created_at": NOW,
                }
            ],
        )
        c.execute(t["jd_feedback"].insert(), [{"jd_id": "j1", "rating": 4, "comment": "bom", "created_at": NOW}])
    engine.dispose()


def schema_diff(engine: sa.Engine) -> list[object]:
    """What the models have that the database lacks, or the reverse ([] when migrations and models agree)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


def check_upgraded_v1(sm: sa.orm.sessionmaker[sa.orm.Session]) -> None:
    """The previous version's rows are all there and the app's models read and extend them."""
    engine = sm.kw["bind"]
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head()
    assert schema_diff(engine) == []
    assert "ix_chat_sessions_updated_at" in {i["name"] for i in sa.inspect(engine).get_indexes("chat_sessions")}
    with sm.begin() as db:
        session = db.get(ChatSession, "s1")
        assert session is not None and session.title == "Maria" and session.documents[0].text == "Analista SAP FI"
        assert [(m.seq, m.role, m.content) for m in session.messages] == [
            (1, "user", "Resuma"),
            (2, "assistant", "SAP FI, 7 anos"),
        ]
        db.add(ChatMessage(session_id="s1", seq=3, role="user", content="E inglês?"))
        jd = db.get(GeneratedJD, "j1")
        assert jd is not None and jd.request == {"title": "Dev"} and jd.result["markdown"] == "# Dev"
        db.add(JDFeedback(jd_id="j1", rating=5))
    with sm() as db:
        assert db.scalar(sa.select(sa.func.count(ChatMessage.id))) == 3
        assert sorted(db.scalars(sa.select(JDFeedback.rating))) == [4, 5]


# --------------------------------------------------------------------------- SQLite (fast)
@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'recruta.db'}"


def test_a_new_database_is_built_by_the_migrations_and_matches_the_models(sqlite_url: str) -> None:
    sm = make_sessionmaker(sqlite_url)
    engine = sm.kw["bind"]
    with engine.connect() as conn:
        assert migrations.current(conn) == migrations.head() == "0002"
    assert schema_diff(engine) == []  # a model changed without a migration fails here


def test_the_previous_versions_database_is_upgraded_with_its_rows(sqlite_url: str) -> None:
    make_v1_database(sqlite_url)
    engine = sa.create_engine(sqlite_url)
    assert [d[0] for d in schema_diff(engine)] == ["add_index"]  # the change this version makes
    check_upgraded_v1(make_sessionmaker(sqlite_url))
    sm = make_sessionmaker(sqlite_url)  # a second start changes nothing
    with sm() as db:
        assert db.scalar(sa.select(sa.func.count(ChatMessage.id))) == 3


def test_each_revision_upgrades_its_predecessor_and_downgrades_back(sqlite_url: str) -> None:
    """Walk the chain one revision at a time with rows in the database; then down to nothing and up again."""
    from alembic import command
    from alembic.script import ScriptDirectory

    make_v1_database(sqlite_url)
    engine = make_engine(sqlite_url)
    chain = [s.revision for s in ScriptDirectory.from_config(migrations.config()).walk_revisions()][::-1]
    assert chain[0] == migrations.BASELINE and chain[-1] == migrations.head()
    for revision in chain:
        assert migrations.upgrade(engine, revision=revision) == revision
        with engine.connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM chat_messages")) == 2
    with engine.begin() as conn:
        command.downgrade(migrations.config(conn), "base")
    assert not sa.inspect(engine).has_table("chat_sessions")
    assert migrations.upgrade(engine) == migrations.head()
    assert schema_diff(engine) == []


def start_together(url: str, n: int = 3) -> None:
    """``n`` processes (replicas, or BentoML workers) open the same database at once; each must start cleanly.
    Processes, not threads: that is what replicas are (and Alembic's ``context`` is process-global)."""
    script = (
        "import sys, time; from recruta.core.db import make_sessionmaker; "
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); make_sessionmaker(sys.argv[1])"
    )
    go = time.time() + 4  # after every interpreter has imported SQLAlchemy and Alembic
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url, str(go)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(n)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * n, errors


def test_workers_starting_together_migrate_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    make_v1_database(url)  # the slow path: adopt the old database, then add the index
    start_together(url)
    assert schema_diff(make_engine(url)) == []


def test_the_default_database_keeps_its_file_name(tmp_path: Path) -> None:
    # The restructure renamed it to recruta.core.db by a search-and-replace: every existing chat would have vanished.
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'recruta.db'}"
    assert database_url(tmp_path, "postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url(tmp_path, "postgresql://u:p@h:5433/db") == "postgresql+psycopg://u:p@h:5433/db"
    assert database_url(tmp_path, "postgresql+psycopg://u:p@h/db") == "postgresql+psycopg://u:p@h/db"


SECRET = "s3cr3t-Pa55"


def _shows_no_password(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    assert SECRET not in text, text
    assert "RECRUTA_DATABASE_URL" in str(exc)
    return str(exc)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql+psycopg://recruta:{SECRET}@db.example:not-a-port/recruta",  # malformed
        f"mysql://recruta:{SECRET}@db.example/recruta",  # a driver that is not installed
        f"nosuchdb://recruta:{SECRET}@db.example/recruta",  # no such dialect
    ],
)
def test_a_url_that_cannot_work_is_a_clear_error_without_the_password(url: str) -> None:
    with pytest.raises(DatabaseURLError) as info:
        make_sessionmaker(database_url(Path("/unused"), url), wait_s=0)
    message = _shows_no_password(info.value)
    assert "***" in message


def test_an_unreachable_server_is_waited_for_then_a_clear_error() -> None:
    from devtools.servers import free_port

    url = f"postgresql://recruta:{SECRET}@127.0.0.1:{free_port()}/recruta"
    with pytest.raises(DatabaseURLError) as info:
        make_sessionmaker(database_url(Path("/unused"), url), wait_s=1.5)
    message = _shows_no_password(info.value)
    assert "waited 2 s" in message and "Connection refused" in message


def test_redact_hides_passwords_even_in_urls_sqlalchemy_rejects() -> None:
    assert redact(f"postgresql+psycopg://u:{SECRET}@h:5432/d") == "postgresql+psycopg://u:***@h:5432/d"
    assert SECRET not in redact(f"postgresql://u:{SECRET}@h:port/d")


# --------------------------------------------------------------------------- PostgreSQL (a real server)
needs_postgres = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL not installed (make install adds it)")


@pytest.fixture(scope="module")
def pg_server() -> Iterator[object]:
    with postgres() as pg:
        yield pg


@pytest.fixture
def pg_url(pg_server: object) -> Iterator[str]:
    """The server's database, emptied after the test."""
    url: str = pg_server.url  # type: ignore[attr-defined]
    yield url
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.mark.server
@needs_postgres
def test_postgres_previous_versions_database_is_upgraded_with_its_rows(pg_url: str) -> None:
    make_v1_database(pg_url)
    check_upgraded_v1(make_sessionmaker(pg_url))
    # the SERIAL sequences survived: new rows get fresh ids
    with make_sessionmaker(pg_url).begin() as db:
        db.add(JDFeedback(jd_id="j1", rating=3))


@pytest.mark.server
@needs_postgres
def test_postgres_replicas_starting_together_migrate_once(pg_url: str) -> None:
    """Replicas upgrade the same previous-version database at once: the advisory lock lets one work, the
    others wait and find nothing left to do (without it they race on the DDL and all but one fail)."""
    make_v1_database(pg_url)
    start_together(pg_url)
    engine = sa.create_engine(pg_url)
    assert schema_diff(engine) == []
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM alembic_version")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM chat_messages")) == 2


@pytest.mark.server
@needs_postgres
def test_postgres_wrong_password_or_database_is_a_clear_error(pg_url: str) -> None:
    wrong_password = pg_url.replace(":recruta-test-secret@", f":{SECRET}@")
    with pytest.raises(DatabaseURLError) as info:
        make_sessionmaker(wrong_password, wait_s=30)  # not retried: a refusal is final
    assert "authentication failed" in _shows_no_password(info.value)
    assert "waited" not in str(info.value)
    wrong_db = pg_url.rsplit("/", 1)[0] + "/nope"
    with pytest.raises(DatabaseURLError, match="does not exist"):
        make_sessionmaker(wrong_db, wait_s=30)


@pytest.mark.server
@needs_postgres
def test_postgres_outage_is_unavailable_then_recovers(pg_server: object, pg_url: str) -> None:
    sm = make_sessionmaker(pg_url)
    with sm.begin() as db:
        db.add(ChatSession(id="s1", title="antes"))
    pg_server.stop()  # type: ignore[attr-defined]
    try:
        for _ in range(2):  # the pooled connection was cut, and a new one is refused
            with pytest.raises(DatabaseUnavailable) as info, sm() as db:
                db.get(ChatSession, "s1", populate_existing=True)
            assert isinstance(info.value, Unavailable) and info.value.status == 503
            assert "recruta-test-secret" not in "".join(traceback.format_exception(info.value))
    finally:
        pg_server.start()  # type: ignore[attr-defined]
    with sm.begin() as db:
        assert db.get(ChatSession, "s1").title == "antes"  # type: ignore[union-attr]
        db.add(ChatSession(id="s2", title="depois"))
