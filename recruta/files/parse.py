""":func:`parse_file`: one entry point for uploads — check the size, detect the kind, read it, clean it.

Limits are checked cheapest first: ``max_bytes`` before anything is parsed (by default the project's one upload
limit, ``settings.max_upload_bytes``), ``max_pages`` before any PDF page is read, and the text is cut at
``max_chars``. Every reader's output goes through the same cleaning (:mod:`.clean`), so a hidden keyword or an
instruction to an AI assistant is dropped whatever the file type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recruta.core.settings import get_settings
from recruta.files.clean import CID, drop_instructions, normalise, truncate
from recruta.files.detect import detect_kind
from recruta.files.docx import docx_text
from recruta.files.errors import FileError, human_size
from recruta.files.pdf import pdf_text
from recruta.files.text import decode_text

__all__ = ["ParsedFile", "parse_file"]


@dataclass(frozen=True, kw_only=True)
class ParsedFile:
    """The clean text of one upload; ``warnings`` say what was dropped, guessed or cut on the way."""

    text: str
    kind: str  # "pdf" | "docx" | "txt"
    pages: int | None = None
    filename: str | None = None
    warnings: list[str] = field(default_factory=list)


def parse_file(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_bytes: int | None = None,
    max_pages: int = 30,
    max_chars: int = 100_000,
) -> ParsedFile:
    """Extract clean text from an uploaded PDF, DOCX or TXT file.

    The type comes from the bytes (``%PDF``, a zip holding ``word/document.xml``, else text); ``filename`` and
    ``content_type`` are only hints. ``max_bytes`` defaults to ``settings.max_upload_bytes``, read at call time
    so the one setting governs every upload path. Raises :class:`FileError` for anything the user should fix.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"parse_file() expects bytes, got {type(data).__name__}")
    if max_bytes is None:
        max_bytes = get_settings().max_upload_bytes
    if len(data) > max_bytes:
        raise FileError(
            "too_large", f"The file is too large ({human_size(len(data))}); the limit is {human_size(max_bytes)}."
        )
    if not data.strip():
        raise FileError("empty", "The file is empty.")

    kind = detect_kind(data, filename=filename, content_type=content_type)
    warnings: list[str] = []
    pages: int | None = None
    if kind == "pdf":
        raw, pages = pdf_text(data, max_pages=max_pages, max_chars=max_chars, warnings=warnings)
    elif kind == "docx":
        raw = docx_text(data, warnings=warnings)
    else:
        raw = decode_text(data, warnings=warnings)

    undecoded = len(CID.findall(raw)) if kind == "pdf" else 0
    if undecoded and undecoded * 8 > len(raw):  # mostly "(cid:NN)": fonts without a Unicode map
        raise FileError(
            "encoding", "The PDF's fonts do not map to readable characters; export it again or upload a DOCX."
        )
    if undecoded:
        warnings.append(f"{undecoded} characters in the PDF could not be decoded")
    original_len = len(raw)
    if original_len > 3 * max_chars + 1000:  # normalising only shrinks text: do not clean what will be cut
        raw = raw[: 3 * max_chars + 1000]
    text, removed = normalise(raw)
    if removed:
        warnings.append(f"ignored {removed} invisible characters")
    text, injected = drop_instructions(text)
    if injected:
        warnings.append(f"ignored {injected} line(s) of instructions addressed to an AI assistant")
    if not text:
        what = {"pdf": "PDF", "docx": "document", "txt": "text file"}[kind]
        only = " (only instructions addressed to an AI assistant, which are ignored)" if injected else ""
        raise FileError("empty", f"The {what} contains no text{only}.")
    if len(text) > max_chars:
        had = f"about {original_len}" if original_len > len(raw) else str(len(text))
        warnings.append(f"text truncated to {max_chars} characters (it had {had})")
        text = truncate(text, max_chars)
    return ParsedFile(text=text, kind=kind, pages=pages, filename=filename, warnings=warnings)
