"""HTTP glue for the service: optional bearer API key, a request id on every response and log line, and
strict multipart parsing (:func:`harden_form_parsing`)."""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import re
import uuid
from pathlib import Path
from typing import Any

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
OPEN_PATHS = ("/healthz", "/livez", "/readyz", "/metrics")
# The recruiters' page shell (static HTML/JS/CSS, no data) loads without the key; the page then asks for the
# key and sends it with every data call (/ui/api/* and the API endpoints stay protected).
OPEN_UI_PAGES, OPEN_UI_ASSETS = ("/ui", "/ui/"), "/ui/static/"


def is_open(path: str) -> bool:
    return path.startswith((*OPEN_PATHS, OPEN_UI_ASSETS)) or path in OPEN_UI_PAGES


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
            if self.api_key and not is_open(scope["path"]):
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


_UPLOAD_TMP = re.compile(r"^tmp[a-z0-9_]{8}")


def upload_name(path: Path) -> str:
    """The client's file name of an upload: BentoML stores it as ``tmp<8 random chars><original name>``."""
    return _UPLOAD_TMP.sub("", path.name, count=1) or path.name


def harden_form_parsing() -> None:
    """Answer malformed form bodies with a 400, and accept only real uploads in file fields.

    BentoML 1.4 turns the 400 that Starlette raises for a broken form (no boundary, bad part headers) into a
    500, and treats a text value sent in a file field as a URL to download on the server (a 500 when it is not
    a URL, a server-side fetch when it is). Both become a 400 naming the problem.
    """
    from _bentoml_impl import serde
    from bentoml.exceptions import BadInput
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException

    class StrictMultipartSerde(serde.MultipartSerde):
        async def parse_request(self, request: Any, cls: Any) -> Any:
            try:
                form = await request.form()  # cached by Starlette: the parent parses the same form
            except HTTPException as exc:
                raise BadInput(f"malformed form data: {exc.detail}") from exc
            for name in cls.multipart_fields:
                if any(not isinstance(v, UploadFile) for v in form.getlist(name)):
                    raise BadInput(f"'{name}' must be a file upload (a form part with a filename), not a text value")
            return await super().parse_request(request, cls)

    for media_type, kind in list(serde.ALL_SERDE.items()):
        if kind is serde.MultipartSerde:
            serde.ALL_SERDE[media_type] = StrictMultipartSerde  # type: ignore[index]
