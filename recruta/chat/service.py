"""Recruiter chat about one candidate, grounded in the documents uploaded to the session.

A session holds the candidate's CV (required) and, optionally, a recommendation letter, a personal-interests
document and the job description. Questions are answered from passages of those documents (and, when asked,
from similar past hires in the index); the conversation is stored so a recruiter can come back to it.

Every answer says how it was made (``mode``): ``extracted`` (facts or passages copied from the documents, with
the lines they come from), ``computed`` (from the CV-vs-job match score) or ``generated`` (an LLM wrote it from
the passages; the extractive baseline, which only pastes passages, is labelled ``extracted``). ``intent`` says
what the message was taken to ask (:mod:`recruta.chat.intents`) and ``found`` whether the documents hold it.
What is not generated, so it cannot be invented:

- the summary returned on upload (title, years, education, languages, top skills, and the match score when a
  job description is loaded): :mod:`recruta.chat.summary`;
- "is this candidate a fit?": :mod:`recruta.chat.fit` (score, strengths and gaps quoting the evidence, a
  recommendation by the score's band; without a job, a general assessment from the extracted facts);
- the technologies the candidate uses, yes/no competence checks, education, experience, languages, location,
  salary: :mod:`recruta.chat.answers`; interview questions from the gaps: :mod:`recruta.chat.interview`;
- a question that shares nothing with the documents, or that asks about something no document states, gets
  "the documents do not contain that" without calling the generator: :mod:`recruta.chat.planner`.

Adding or replacing a document in an open conversation (:meth:`ChatService.add_document`) recomputes the summary,
notes the change in the history (a message with role ``event``) and the next answers read the new set.

This module only orchestrates: validation of uploads (:mod:`recruta.chat.documents`), persistence
(:mod:`recruta.chat.store`), planning an answer (:mod:`recruta.chat.planner`, with :mod:`recruta.chat.questions`),
and running the generator, whole or streamed. Wording: ``recruta/i18n/catalogues/chat.json``.

    svc = ChatService(sessionmaker=make_sessionmaker(url), generator=ExtractiveGenerator(), embedder=embedder)
    s = svc.create_session(documents=[("cv", "cv.pdf", data)])
    svc.send(s["session_id"], "Resuma a experiência em SAP")
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from recruta.chat.documents import DOC_KINDS, parse_upload, parse_uploads
from recruta.chat.errors import ChatError, SessionNotFound
from recruta.chat.planner import Plan, Planner
from recruta.chat.profiles import Analyst
from recruta.chat.store import ChatStore
from recruta.chat.summary import cv_title, session_title, summarise, summary_language
from recruta.core.settings import get_settings
from recruta.i18n import message as i18n_message
from recruta.ingest.embeddings import Embedder
from recruta.ingest.store import Hit
from recruta.rag.generators import Generator

log = logging.getLogger("recruta.chat.service")

__all__ = ["DOC_KINDS", "MAX_MESSAGE_CHARS", "ChatError", "ChatService", "SessionNotFound"]

MAX_MESSAGE_CHARS = 4000


def _default_upload_limit() -> int:
    return get_settings().max_upload_bytes


@dataclass(kw_only=True)
class ChatService:
    sessionmaker: sessionmaker[Session]
    generator: Generator
    embedder: Embedder | None
    retrieve: Callable[..., list[Hit]] | None = None
    max_context_chars: int = 6000
    max_new_tokens: int = 256
    max_upload_bytes: int = field(default_factory=_default_upload_limit)
    passage_share: float = 0.6  # of max_context_chars for document passages; history turns get the rest
    min_similarity: float = 0.4  # below this best cosine, and with no shared content word: "not in the documents"

    def __post_init__(self) -> None:
        self._store = ChatStore(sessionmaker=self.sessionmaker)
        self._analyst = Analyst(embedder=self.embedder)

    # ------------------------------------------------------------------ sessions and documents
    def create_session(
        self, *, documents: list[tuple[str, str, bytes]], title: str | None = None, language: str | None = None
    ) -> dict[str, Any]:
        """Open a session from uploads ``(kind, filename, data)``: the CV is required, at most one per kind. The
        summary is worded in ``language`` (else in the CV's: :func:`~recruta.chat.summary.summary_language`)."""
        parsed = parse_uploads(documents, max_bytes=self.max_upload_bytes)
        if title is not None and not isinstance(title, str):
            raise ChatError("title deve ser texto")
        texts = {k: doc.text for k, doc in parsed.items()}
        title = " ".join((title or "").split())[:200] or session_title(texts["cv"], fallback=parsed["cv"].filename)
        return self._store.create(title=title, summary=self._summarise(texts, language), documents=parsed)

    def add_document(
        self, session_id: str, *, kind: str, filename: str, data: bytes, language: str | None = None
    ) -> dict[str, Any]:
        """Add a document to an open session, replacing the one of the same kind. The summary is recomputed, a
        new CV retitles a session whose title was the old CV's, the change is noted in the history (role
        ``event``, in the CV's language) and the next answers read the new set of documents. Returns the
        session as :meth:`history` does."""
        document = parse_upload(kind=kind, filename=filename, data=data, max_bytes=self.max_upload_bytes)
        self._store.replace_document(
            session_id,
            document,
            summarise=lambda texts: self._summarise(texts, language),
            retitle=_retitle,
            note=lambda texts, kind, filename, previous: self._note(texts, kind, filename, previous, language),
        )
        return self._store.history(session_id)

    def history(self, session_id: str) -> dict[str, Any]:
        """The session (title, summary, documents, dates) and its messages in order."""
        return self._store.history(session_id)

    def list_sessions(self) -> list[dict[str, Any]]:
        """Every session, most recently active first."""
        return self._store.list_sessions()

    def delete(self, session_id: str) -> None:
        """Delete a session with its documents and messages."""
        self._store.delete(session_id)

    # ------------------------------------------------------------------ chat
    def send(self, session_id: str, message: str, *, include_history_hires: bool = False) -> dict[str, Any]:
        """Answer one message; the user message and the answer are stored as the next two turns."""
        message = _check_message(message)
        plan = self._plan(session_id, message, include_history_hires=include_history_hires)
        answer = plan.answer
        if answer is None:
            assert plan.inp is not None
            answer = self.generator.generate(plan.inp, max_new_tokens=self.max_new_tokens).strip()
            answer = answer or i18n_message("chat", "answer.not_found", plan.lang)
        self._store.append(session_id, [("user", message), ("assistant", answer)])
        return {
            "answer": answer,
            "sources": plan.sources,
            "session_id": session_id,
            "turn": plan.turn,
            "mode": plan.mode,
            "intent": plan.intent,
            "found": plan.found,
            "language": plan.lang,
        }

    def explain(self, session_id: str, message: str) -> dict[str, Any]:
        """How ``message`` would be answered in this session, without storing it or calling the generator: its
        intent (and how it was found: rule, similar example, follow-up or default), the competences and skills it
        names, the answer's mode and whether the documents hold it."""
        message = _check_message(message)
        conversation = self._store.conversation(session_id)
        planner = self._planner()
        intent = planner.intent(message, conversation.messages)
        plan = self._plan(session_id, message, include_history_hires=False)
        return {
            "intent": plan.intent,
            "via": intent.via,
            "score": intent.score,
            "traits": list(intent.traits),
            "skills": list(intent.skills),
            "mode": plan.mode,
            "found": plan.found,
        }

    def stream(self, session_id: str, message: str, *, include_history_hires: bool = False) -> Iterator[str]:
        """Answer as text pieces. Input is validated now (errors raise here, not on first ``next``); the user
        message is stored when iteration starts and the answer when it ends — also if the consumer stops early
        (then the part produced so far is stored)."""
        message = _check_message(message)
        plan = self._plan(session_id, message, include_history_hires=include_history_hires)
        return self._stream(session_id, message, plan)

    def _stream(self, session_id: str, message: str, plan: Plan) -> Iterator[str]:
        self._store.append(session_id, [("user", message)])
        produced: list[str] = []
        try:
            if plan.answer is not None:
                for piece in _pieces(plan.answer):
                    produced.append(piece)
                    yield piece
            else:
                assert plan.inp is not None
                for piece in self.generator.stream(plan.inp, max_new_tokens=self.max_new_tokens):
                    if piece:
                        produced.append(piece)
                        yield piece
                if not "".join(produced).strip():
                    produced.append(i18n_message("chat", "answer.not_found", plan.lang))
                    yield produced[-1]
        finally:
            text = "".join(produced)
            if text:
                try:
                    self._store.append(session_id, [("assistant", text)])
                except SessionNotFound:
                    log.warning("chat session %s deleted while streaming; answer not stored", session_id)

    def _plan(self, session_id: str, message: str, *, include_history_hires: bool) -> Plan:
        conversation = self._store.conversation(session_id)
        plan = self._planner().plan(
            conversation.documents, conversation.messages, message, include_history_hires=include_history_hires
        )
        if plan.mode == "generated" and getattr(self.generator, "name", "") == "extractive":
            plan.mode = "extracted"  # the extractive baseline pastes passages: nothing is written by a model
        return plan

    def _planner(self) -> Planner:
        # built per message, so the service's settings (retrieve, budgets) are read as they are now
        return Planner(
            analyst=self._analyst,
            retrieve=self.retrieve,
            max_context_chars=self.max_context_chars,
            passage_share=self.passage_share,
            min_similarity=self.min_similarity,
        )

    def _summarise(self, texts: dict[str, str], language: str | None = None) -> str:
        return summarise(texts, analyst=self._analyst, lang=language)

    def _note(
        self, texts: dict[str, str], kind: str, filename: str, previous: str | None, language: str | None = None
    ) -> str:
        """The history's note of an added/replaced document, in the language of the session's summary."""
        lang = summary_language(self._analyst.profile(texts["cv"], is_job=False), language)
        label = i18n_message("chat", f"label.{kind}", lang)
        if previous is None:
            return i18n_message("chat", "event.added", lang, kind=label, filename=filename)
        return i18n_message("chat", "event.replaced", lang, kind=label, filename=filename, previous=previous)


def _retitle(title: str, old_cv: str, new_cv: str, filename: str) -> str:
    """A new CV retitles the session only when its title was the old CV's default one (not one the user gave)."""
    defaults = {session_title(old_cv, fallback=""), cv_title(old_cv)[:200], ""}  # cv_title: sessions made before names
    return session_title(new_cv, fallback=filename) if title in defaults else title


def _check_message(message: object) -> str:
    if not isinstance(message, str) or not message.strip():
        raise ChatError("a mensagem está vazia")
    message = message.strip()
    if len(message) > MAX_MESSAGE_CHARS:
        raise ChatError(f"a mensagem tem {len(message)} caracteres; o limite é {MAX_MESSAGE_CHARS}")
    return message


def _pieces(text: str, *, words: int = 6) -> Iterator[str]:
    """A deterministic answer in a few stream pieces whose concatenation is exactly ``text``."""
    tokens = [t for t in re.split(r"(?<=\s)(?=\S)", text) if t]
    for i in range(0, len(tokens), words):
        yield "".join(tokens[i : i + words])
