"""The recruiter database (SQLAlchemy): chat sessions, their documents and messages; generated JDs and feedback.

SQLite under ``RECRUTA_HOME`` by default; any SQLAlchemy URL (e.g. PostgreSQL) via ``RECRUTA_DATABASE_URL``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker


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
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, onupdate=_now)
    documents: Mapped[list[ChatDocument]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                         order_by="ChatDocument.created_at")
    messages: Mapped[list[ChatMessage]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                       order_by="ChatMessage.seq")


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
    request: Mapped[dict] = mapped_column(JSON)      # the input fields as given
    result: Mapped[dict] = mapped_column(JSON)       # the structured JD (sections, markdown, source vaga ids)
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


def database_url(home: Path, url: str | None = None) -> str:
    return url or f"sqlite:///{home / 'recruta.core.db'}"


def make_sessionmaker(url: str) -> sessionmaker:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn, _record) -> None:  # noqa: ANN001
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()
    Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)


__all__ = ["Base", "ChatDocument", "ChatMessage", "ChatSession", "Engine", "GeneratedJD", "JDFeedback",
           "database_url", "make_sessionmaker"]
