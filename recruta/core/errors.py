"""One error type for the whole library, each kind carrying its HTTP status.

Domain code raises these (or subclasses); ``service.py`` maps them to one JSON error shape in one place. Anything
else that escapes is a bug and answers 500, never a 4xx that hides it.

    raise InvalidInput("cv_file: the file is empty", field="cv_file")
"""

from __future__ import annotations

from typing import ClassVar


class RecrutaError(Exception):
    """Base of every error a user can cause or meet; ``status`` is its HTTP status."""

    status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(RecrutaError):
    """The request itself is wrong: an empty file, an unknown filter key, a value out of range."""

    status = 400


class NotFound(RecrutaError):
    """The request names something that does not exist: a vaga id, a chat session, a JD."""

    status = 404


class PayloadTooLarge(RecrutaError):
    status = 413


class Unavailable(RecrutaError):
    """A backing service (the Chroma server, the database, the LLM endpoint) cannot be reached; retrying later may
    work. ``service`` names it for the message users read."""

    status = 503
    service: ClassVar[str] = "index"


__all__ = ["InvalidInput", "NotFound", "PayloadTooLarge", "RecrutaError", "Unavailable"]
