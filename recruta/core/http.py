"""HTTP glue for the service: optional bearer API key, a request id on every response and log line, and
strict multipart parsing (:func:`harden_form_parsing`)."""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import re
import types
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


_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to log records so lines of one request can be tied together.

    Inside a request, BentoML's trace suffix (``trace_msg``, printed after every server log line) also gets
    ``(request_id=…)``, so the access line, error lines and ours all carry the id the client sees.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        rid = REQUEST_ID.get()
        record.request_id = rid
        trace = getattr(record, "trace_msg", None)
        if rid != "-" and isinstance(trace, str) and "request_id=" not in trace:
            record.trace_msg = f"{trace} (request_id={rid})"
        return True


_INPUT_VALUE = re.compile(r"input_value=.*?(?=, input_type=|\]$)", re.M)


def _client_error(exc: BaseException) -> tuple[int, str] | None:
    """(status, summary without any input values) when ``exc`` is answered with a 4xx, else None."""
    from bentoml.exceptions import BentoMLException
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return 400, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['type']}" for e in errors[:5])
    if isinstance(exc, BentoMLException) and exc.error_code.value < 500:
        from recruta.text.redact import redact

        message = " ".join(str(exc).split())
        return exc.error_code.value, f"{type(exc).__name__}: {redact(message[:200])}"
    return None


class SafeErrorLogFilter(logging.Filter):
    """Keeps request data out of the server log.

    BentoML logs every rejected request at ERROR with a traceback, and pydantic puts the offending input
    (``input_value=...``: a slice of a CV or a question) into it. A client error (4xx) becomes one WARNING line
    naming the fields and error types; a server error keeps its traceback, with input values cut and PII
    redacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None:
            return True
        client = _client_error(exc)
        if client is not None:
            status, summary = client
            where = record.getMessage().replace("Exception on ", "", 1)
            record.msg, record.args = f"client error {status} on {where}: {summary}", None
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            if hasattr(record, "levelname_bracketed"):
                record.levelname_bracketed = "[WARNING]"
            return True
        from recruta.text.redact import redact

        text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(_INPUT_VALUE.sub("input_value=…", text))
        return True


def install_log_filters() -> None:
    """Request ids and :class:`SafeErrorLogFilter` on every handler of the root and ``bentoml`` loggers."""
    handlers = {*logging.getLogger().handlers, *logging.getLogger("bentoml").handlers}
    for handler in handlers:
        if not any(isinstance(f, SafeErrorLogFilter) for f in handler.filters):
            handler.addFilter(SafeErrorLogFilter())
            handler.addFilter(RequestIdFilter())


class RecrutaMiddleware:
    """Bearer-token check (constant time) when an API key is configured; X-Request-ID in and out; a 413 for a
    body declared larger than ``max_body_bytes``, before any of it is read."""

    def __init__(self, app: Any, api_key: str | None = None, max_body_bytes: int | None = None) -> None:
        self.app, self.api_key, self.max_body_bytes = app, (api_key or None), max_body_bytes

    @staticmethod
    async def _reject(send: Any, status: int, message: str, rid: str, extra: list | None = None) -> None:
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"application/json"), (b"x-request-id", rid.encode()), *(extra or [])]})
        await send({"type": "http.response.body", "body": json.dumps({"error": message}).encode()})

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given_id = headers.get("x-request-id", "")
        # A client id is echoed and logged only when it is plain (no spaces, quotes or control characters).
        rid = given_id if _SAFE_REQUEST_ID.fullmatch(given_id) else uuid.uuid4().hex[:12]
        token = REQUEST_ID.set(rid)
        try:
            if self.api_key and not is_open(scope["path"]):
                given = headers.get("authorization", "")
                expected = f"Bearer {self.api_key}"
                if not hmac.compare_digest(given.encode(), expected.encode()):
                    await self._reject(send, 401, "missing or invalid API key (Authorization: Bearer …)", rid,
                                       [(b"www-authenticate", b"Bearer")])
                    return
            declared = headers.get("content-length", "")
            if self.max_body_bytes and declared.isdigit() and int(declared) > self.max_body_bytes:
                await self._reject(send, 413, f"request body of {int(declared):,} bytes; the limit is "
                                              f"{self.max_body_bytes:,}", rid)
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
    a URL, a server-side fetch when it is). Both become a 400 naming the problem. It also JSON-decodes every
    text field, so ``vaga_id=1003`` arrived as the number 1003 and was refused as "not a valid string": a field
    declared as text now gets the text as sent (or the string inside, when a client JSON-encoded it).
    """
    import typing

    from _bentoml_impl import serde
    from bentoml.exceptions import BadInput
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException

    def is_text(annotation: Any) -> bool:
        return annotation is str or (typing.get_origin(annotation) in (typing.Union, types.UnionType)
                                     and str in typing.get_args(annotation))

    class StrictMultipartSerde(serde.MultipartSerde):
        async def parse_request(self, request: Any, cls: Any) -> Any:
            try:
                form = await request.form()  # cached by Starlette: the parent parses the same form
            except HTTPException as exc:
                raise BadInput(f"malformed form data: {exc.detail}") from exc
            for name in cls.multipart_fields:
                if any(not isinstance(v, UploadFile) for v in form.getlist(name)):
                    raise BadInput(f"'{name}' must be a file upload (a form part with a filename), not a text value")
            data: dict[str, Any] = {}
            for name in form:  # as BentoML's MultipartSerde, except for text fields
                field = cls.model_fields.get(name)
                if name in cls.multipart_fields:
                    files = form.getlist(name)
                    annotation = field.annotation
                    if serde.is_union_type(annotation):
                        annotation = typing.get_args(annotation)[0]
                    data[name] = files if serde.is_list_type(annotation) else files[0]
                    continue
                value = form[name]
                if isinstance(value, UploadFile):
                    value = await value.read()
                try:
                    decoded = json.loads(value)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    decoded = value
                if field is not None and is_text(field.annotation) and isinstance(value, str):
                    # a JSON string ('"1003"', what BentoML's own clients send) is unwrapped; anything else is text
                    decoded = decoded if isinstance(decoded, str) else value
                data[name] = decoded
            return cls.model_validate(data)

    for media_type, kind in list(serde.ALL_SERDE.items()):
        if kind is serde.MultipartSerde:
            serde.ALL_SERDE[media_type] = StrictMultipartSerde  # type: ignore[index]
