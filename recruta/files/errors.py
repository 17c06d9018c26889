"""The one error an upload can fail with, and the wording helpers every reader shares.

:class:`FileError` carries a short ``code`` the API can map to a message (``str()`` is the user message); it
subclasses :class:`recruta.core.errors.InvalidInput`, so ``service.py`` answers 400 without knowing about files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from recruta.core.errors import InvalidInput

__all__ = ["ACCEPTED", "ERROR_CODES", "FileError", "describe", "human_size"]

ERROR_CODES = frozenset(
    {"empty", "scanned", "corrupt", "too_large", "unsupported_type", "too_many_pages", "encoding", "zip_bomb"}
)
ACCEPTED = "PDF, DOCX or TXT"  # named in every "unsupported type" message


class FileError(InvalidInput):
    """An upload we cannot (or will not) turn into text; ``code`` is a short slug, ``str()`` a user message."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown FileError code {code!r}")
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (e.g. across worker processes)
        return (type(self), (self.code, str(self)))


def human_size(n: int) -> str:
    """A byte count as users read it in a limit message ("5.0 MB", "12 KB")."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} bytes"


def describe(counts: Counter[str] | Iterable[tuple[str, int]]) -> str:
    """Reasons and counts for a warning ("white text: 12, tiny text: 3"), most frequent first."""
    items = counts.most_common() if isinstance(counts, Counter) else list(counts)
    return ", ".join(f"{reason}: {n}" for reason, n in items)
