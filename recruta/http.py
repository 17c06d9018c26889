"""ASGI middleware for the service: optional bearer API key, and a request id on every response and log line."""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import uuid
from typing import Any

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
OPEN_PATHS = ("/healthz", "/livez", "/readyz", "/metrics")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to log records so lines of one request can be tied together."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class RecrutaMiddleware:
    """Bearer-token check (constant time) when an API key is configured; X-Request-ID in and out."""

    def __init__(self, app: Any, api_key: str | None = None) -> None:
        self.app, self.api_key = app, (api_key or None)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        rid = headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:12]
        token = REQUEST_ID.set(rid)
        try:
            if self.api_key and not scope["path"].startswith(OPEN_PATHS):
                given = headers.get("authorization", "")
                expected = f"Bearer {self.api_key}"
                if not hmac.compare_digest(given.encode(), expected.encode()):
                    body = json.dumps({"error": "missing or invalid API key (Authorization: Bearer …)"}).encode()
                    await send({"type": "http.response.start", "status": 401, "headers": [
                        (b"content-type", b"application/json"), (b"www-authenticate", b"Bearer"),
                        (b"x-request-id", rid.encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return

            async def send_with_id(message: dict) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
                await send(message)

            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
