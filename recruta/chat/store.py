"""Chat persistence: sessions, their documents and messages in the SQL database (recruta.core.db).

A recruiter comes back to a conversation, possibly after a restart: everything the chat answers from (the
documents) and remembers (the turns) lives here, never in the process. Every method opens its own short
transaction; nothing holds a database session between calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from recruta.chat.documents import DOC_KINDS, Document, kind_order
from recruta.chat.errors import SessionNotFound
from recruta.core.db import ChatDocument, ChatMessage, ChatSession

__all__ = ["ChatStore", "Conversation"]


@dataclass(frozen=True, kw_only=True)
class Conversation:
    """What answering a message needs from the database: the documents' text by kind and the turns so far."""

    documents: dict[str, str]
    messages: list[tuple[str, str]]  # (role, content) in order; role "user", "assistant" or "event"


@dataclass(kw_only=True)
class ChatStore:
    sessionmaker: sessionmaker[Session]

    def create(self, *, title: str, summary: str, documents: dict[str, Document]) -> dict[str, Any]:
        obj = ChatSession(title=title, summary=summary)
        obj.documents = [
            ChatDocument(kind=k, filename=documents[k].filename, text=documents[k].text)
            for k in DOC_KINDS
            if k in documents
        ]
        with self.sessionmaker.begin() as db:
            db.add(obj)
        return _info(obj)

    def replace_document(
        self,
        session_id: str,
        document: Document,
        *,
        summarise: Callable[[dict[str, str]], str],
        retitle: Callable[[str, str, str, str], str] | None = None,
        note: Callable[[dict[str, str], str, str, str | None], str] | None = None,
    ) -> dict[str, Any]:
        """Put ``document`` in place of the session's one of the same kind. In the same transaction (a concurrent
        upload cannot leave a stale summary): the summary is recomputed from the new set of documents, a new CV
        may retitle the session (``retitle(title, old_cv, new_cv, filename)``), and ``note(texts, kind, filename,
        previous_filename)`` is stored as the next message with role ``event``, so the history shows the change."""
        with self.sessionmaker.begin() as db:
            obj = _get(db, session_id)
            old = [d for d in obj.documents if d.kind == document.kind]
            previous = old[0].filename if old else None
            old_text = old[0].text if old else ""
            for doc in old:
                obj.documents.remove(doc)
            db.flush()
            obj.documents.append(ChatDocument(kind=document.kind, filename=document.filename, text=document.text))
            texts = {d.kind: d.text for d in obj.documents}
            obj.summary = summarise(texts)
            if retitle is not None and document.kind == "cv":
                obj.title = retitle(obj.title, old_text, document.text, document.filename)[:200]
            if note is not None:
                seq = max((m.seq for m in obj.messages), default=0) + 1
                db.add(
                    ChatMessage(
                        session_id=obj.id,
                        seq=seq,
                        role="event",
                        content=note(texts, document.kind, document.filename, previous),
                    )
                )
            obj.updated_at = datetime.now(UTC)
            db.flush()
            return _info(obj)

    def conversation(self, session_id: str) -> Conversation:
        with self.sessionmaker() as db:
            obj = _get(db, session_id)
            return Conversation(
                documents={d.kind: d.text for d in obj.documents}, messages=[(m.role, m.content) for m in obj.messages]
            )

    def history(self, session_id: str) -> dict[str, Any]:
        """The session (title, summary, documents, dates) and its messages in order."""
        with self.sessionmaker() as db:
            obj = _get(db, session_id)
            return {
                **_info(obj),
                "created_at": _iso(obj.created_at),
                "updated_at": _iso(obj.updated_at),
                "messages": [
                    {"role": m.role, "content": m.content, "created_at": _iso(m.created_at)} for m in obj.messages
                ],
            }

    def list_sessions(self) -> list[dict[str, Any]]:
        """Every session, most recently active first."""
        counts = (
            select(ChatMessage.session_id, func.count(ChatMessage.id).label("n"))
            .group_by(ChatMessage.session_id)
            .subquery()
        )
        query = (
            select(ChatSession, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.session_id == ChatSession.id)
            .options(selectinload(ChatSession.documents))
            .order_by(ChatSession.updated_at.desc(), ChatSession.created_at.desc())
        )
        with self.sessionmaker() as db:
            return [
                {
                    "session_id": obj.id,
                    "title": obj.title,
                    "created_at": _iso(obj.created_at),
                    "updated_at": _iso(obj.updated_at),
                    "n_messages": int(n),
                    "documents": [k for k in DOC_KINDS if any(d.kind == k for d in obj.documents)],
                }
                for obj, n in db.execute(query).all()
            ]

    def delete(self, session_id: str) -> None:
        """Delete a session with its documents and messages."""
        with self.sessionmaker.begin() as db:
            db.delete(_get(db, session_id))

    def append(self, session_id: str, messages: Sequence[tuple[str, str]]) -> None:
        """Store ``(role, content)`` messages as the session's next turns."""
        with self.sessionmaker.begin() as db:
            obj = db.get(ChatSession, session_id)
            if obj is None:
                raise SessionNotFound(f"sessão {session_id!r} não encontrada")
            seq = db.scalar(select(func.max(ChatMessage.seq)).where(ChatMessage.session_id == session_id)) or 0
            for role, content in messages:
                seq += 1
                db.add(ChatMessage(session_id=session_id, seq=seq, role=role, content=content))
            obj.updated_at = datetime.now(UTC)


def _get(db: Session, session_id: object) -> ChatSession:
    obj = (
        db.get(
            ChatSession, session_id, options=[selectinload(ChatSession.documents), selectinload(ChatSession.messages)]
        )
        if isinstance(session_id, str) and session_id
        else None
    )
    if obj is None:
        raise SessionNotFound(f"sessão {session_id!r} não encontrada")
    return obj


def _info(obj: ChatSession) -> dict[str, Any]:
    docs = sorted(obj.documents, key=lambda d: kind_order(d.kind))
    return {
        "session_id": obj.id,
        "title": obj.title,
        "summary": obj.summary,
        "documents": [{"kind": d.kind, "filename": d.filename, "chars": len(d.text)} for d in docs],
    }


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
