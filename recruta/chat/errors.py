"""The chat's two errors, on the library's one error base (recruta.core.errors), so service.py maps them to HTTP."""

from __future__ import annotations

from recruta.core.errors import InvalidInput, NotFound

__all__ = ["ChatError", "SessionNotFound"]


class ChatError(InvalidInput):
    """Bad input (HTTP 400); ``code`` is the file parser's code for upload errors, else ``"invalid"``."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class SessionNotFound(NotFound):
    """No chat session with that id (HTTP 404)."""
