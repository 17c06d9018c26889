"""The candidate's documents: which kinds a session holds, and an upload turned into checked text.

Everything a user sends as a file is validated here, before anything is stored, so a bad upload never leaves a
half-created session behind. The size limit is the caller's (``ChatService.max_upload_bytes``, by default
``settings.max_upload_bytes``).
"""

from __future__ import annotations

from dataclasses import dataclass

from recruta.chat.errors import ChatError
from recruta.files import FileError, parse_file

__all__ = [
    "CANDIDATE_KINDS",
    "DOC_KINDS",
    "MAX_DOC_CHARS",
    "Document",
    "check_kind",
    "clean_filename",
    "kind_order",
    "parse_upload",
    "parse_uploads",
]

DOC_KINDS = ("cv", "recommendation", "interests", "job_description")
CANDIDATE_KINDS = ("cv", "recommendation", "interests")  # what the candidate wrote or got; not the job
MAX_DOC_CHARS = 100_000


@dataclass(frozen=True, kw_only=True)
class Document:
    kind: str
    filename: str
    text: str


def kind_order(kind: str) -> int:
    """Position of ``kind`` in DOC_KINDS (unknown kinds last): documents are always listed in this order."""
    return DOC_KINDS.index(kind) if kind in DOC_KINDS else len(DOC_KINDS)


def check_kind(kind: object) -> str:
    value = kind.strip().lower() if isinstance(kind, str) else ""
    if value not in DOC_KINDS:
        raise ChatError(f"tipo de documento desconhecido: {kind!r}; use um de {', '.join(DOC_KINDS)}")
    return value


def clean_filename(filename: object, kind: str) -> str:
    """The file's base name (no client path), at most 255 characters; the kind when there is none."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() if isinstance(filename, str) else ""
    return name[:255] or kind


def parse_upload(*, kind: object, filename: object, data: object, max_bytes: int) -> Document:
    """One upload as a Document; parser errors keep their code ("too_large", "corrupt", "empty", ...)."""
    kind = check_kind(kind)
    name = clean_filename(filename, kind)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise ChatError(f"{name}: o conteúdo do arquivo deve ser bytes")
    try:
        text = parse_file(data, filename=name, max_bytes=max_bytes, max_chars=MAX_DOC_CHARS).text
    except FileError as exc:
        raise ChatError(f"{name}: {exc}", code=exc.code) from exc
    return Document(kind=kind, filename=name, text=text)


def parse_uploads(documents: object, *, max_bytes: int) -> dict[str, Document]:
    """A new session's uploads ``(kind, filename, data)`` by kind: the CV is required, at most one per kind."""
    if not isinstance(documents, (list, tuple)) or not documents:
        raise ChatError("envie ao menos o CV (kind 'cv')")
    parsed: dict[str, Document] = {}
    for item in documents:
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise ChatError("cada documento deve ser (kind, filename, data)")
        kind, filename, data = item
        kind = check_kind(kind)
        if kind in parsed:
            raise ChatError(f"documento duplicado: {kind!r} (envie um de cada tipo)")
        parsed[kind] = parse_upload(kind=kind, filename=filename, data=data, max_bytes=max_bytes)
    if "cv" not in parsed:
        raise ChatError("o CV é obrigatório (kind 'cv')")
    return parsed
