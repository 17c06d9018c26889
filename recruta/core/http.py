"""HTTP glue for the service: optional bearer API key, a request id on every response and log line, strict
multipart parsing (:func:`harden_form_parsing`), and one error shape for every 4xx/5xx
(:func:`answer_errors_with`, :func:`document_errors`, and the middleware for errors raised outside endpoints).

The shape and wording live in ``recruta.api.errors``; this module only hooks them into BentoML and Starlette.
"""

from __future__ import annotations

import contextvars
import hmac
import json
import logging
import re
import types
import uuid
from collections.abc import Awaitable, Callable
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
    """(status, summary without any input values) when ``exc`` is an expected error — a 4xx, or one of our
    errors (``RecrutaError``, e.g. the index unavailable: 503) — else None (a bug: its traceback is kept)."""
    from bentoml.exceptions import BentoMLException
    from pydantic import ValidationError

    from recruta.core.errors import RecrutaError

    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return 400, "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['type']}" for e in errors[:5])
    if isinstance(exc, RecrutaError) or (isinstance(exc, BentoMLException) and exc.error_code.value < 500):
        from recruta.text.redact import redact

        status = getattr(exc, "http_status", None) or getattr(exc, "status", None)
        if status is None:
            status = exc.error_code.value  # type: ignore[union-attr]
        message = " ".join(str(exc).split())
        return int(status), f"{type(exc).__name__}: {redact(message[:200])}"
    return None


class SafeErrorLogFilter(logging.Filter):
    """Keeps request data out of the server log.

    BentoML logs every rejected request at ERROR with a traceback, and pydantic puts the offending input
    (``input_value=...``: a slice of a CV or a question) into it. A client error (4xx) becomes one WARNING line
    naming the fields and error types; a server error keeps its traceback, with input values cut and PII
    redacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc_info = record.exc_info
        exc = exc_info[1] if exc_info else None
        if exc_info is None or exc is None:
            return True
        client = _client_error(exc)
        if client is not None:
            status, summary = client
            where = record.getMessage().replace("Exception on ", "", 1)
            kind = "client error" if status < 500 else "service error"
            record.msg, record.args = f"{kind} {status} on {where}: {summary}", None
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            if hasattr(record, "levelname_bracketed"):
                record.levelname_bracketed = "[WARNING]"
            return True
        from recruta.text.redact import redact

        text = record.exc_text or logging.Formatter().formatException(exc_info)
        record.exc_text = redact(_INPUT_VALUE.sub("input_value=…", text))
        return True


def install_log_filters() -> None:
    """Request ids and :class:`SafeErrorLogFilter` on every handler of the root and ``bentoml`` loggers."""
    handlers = {*logging.getLogger().handlers, *logging.getLogger("bentoml").handlers}
    for handler in handlers:
        if not any(isinstance(f, SafeErrorLogFilter) for f in handler.filters):
            handler.addFilter(SafeErrorLogFilter())
            handler.addFilter(RequestIdFilter())


def _error_message(
    problem: Any, *, lang: str, rid: str, headers: list[tuple[bytes, bytes]] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ASGI start and body messages of an error in the API's one shape (``recruta.api.errors``)."""
    from recruta.api.errors import error_body

    body = json.dumps(error_body(problem, lang=lang, request_id=rid), ensure_ascii=False).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in problem.headers.items()]
    start = {
        "type": "http.response.start",
        "status": problem.status,
        "headers": [
            *(headers or []),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", rid.encode()),
            *extra,
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class RecrutaMiddleware:
    """Bearer-token check (constant time) when an API key is configured; X-Request-ID in and out; a 413 for a
    body declared larger than ``max_body_bytes``, before any of it is read.

    Errors answered outside our endpoints — Starlette's 404/405 for an unknown route or method, a missing static
    file, BentoML's own plain-text errors — are rewritten into the API's error shape, so a client parses one
    kind of error body. Health and metrics routes keep BentoML's answers (probes read the status only).
    """

    def __init__(self, app: Any, api_key: str | None = None, max_body_bytes: int | None = None) -> None:
        self.app, self.api_key, self.max_body_bytes = app, (api_key or None), max_body_bytes

    @staticmethod
    async def _reject(send: Any, problem: Any, lang: str, rid: str) -> None:
        start, body = _error_message(problem, lang=lang, rid=rid)
        await send(start)
        await send(body)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given_id = headers.get("x-request-id", "")
        # A client id is echoed and logged only when it is plain (no spaces, quotes or control characters).
        rid = given_id if _SAFE_REQUEST_ID.fullmatch(given_id) else uuid.uuid4().hex[:12]
        token = REQUEST_ID.set(rid)
        from recruta.api.errors import Problem, negotiate, status_problem

        lang = negotiate(headers.get("accept-language")) or "pt"
        path = str(scope.get("path", ""))
        try:
            if self.api_key and not is_open(path):
                given = headers.get("authorization", "")
                expected = f"Bearer {self.api_key}"
                if not hmac.compare_digest(given.encode(), expected.encode()):
                    await self._reject(send, status_problem(401), lang, rid)
                    return
            declared = headers.get("content-length", "")
            if self.max_body_bytes and declared.isdigit() and int(declared) > self.max_body_bytes:
                problem = Problem(
                    status=413, code="body.too_large", params={"size": int(declared), "limit": self.max_body_bytes}
                )
                await self._reject(send, problem, lang, rid)
                return
            rewrite = not path.startswith(OPEN_PATHS)
            held: dict[str, Any] = {}

            async def send_with_id(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _BODY_HEADERS]
                    ctype = dict((k.lower(), v) for k, v in message.get("headers", [])).get(b"content-type", b"")
                    if rewrite and status >= 400 and not ctype.startswith(b"application/json"):
                        held["start"] = _error_message(
                            status_problem(status, method=str(scope.get("method", "")), path=path, request_id=rid),
                            lang=lang,
                            rid=rid,
                            headers=kept,
                        )
                        return
                    message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())]}
                elif message["type"] == "http.response.body" and held:
                    if not message.get("more_body", False):  # the original body is dropped; ours goes instead
                        start, body = held.pop("start")
                        await send(start)
                        await send(body)
                    return
                await send(message)

            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)


_BODY_HEADERS = {b"content-type", b"content-length", b"x-request-id"}
_HOOKED: dict[str, bool] = {}  # BentoML methods already wrapped in this process (wrap once)


def answer_errors_with(handler: Callable[[BaseException, Any, Any], Awaitable[Any]]) -> None:
    """Route every exception out of a BentoML endpoint through ``handler(exc, request, api) -> Response``.

    BentoML 1.4 formats errors in ``ServiceAppFactory.api_endpoint_wrapper`` (``_bentoml_impl/server/app.py``):
    a pydantic ValidationError of the request as ``{"error": "1 validation error for Input", "detail": [...]}``
    with pydantic's URLs and model names, an exception it knows as ``[{"error": str(exc)}]`` (a one-item list),
    anything else as a generic 500. That wrapper calls ``api_endpoint`` (input parsing + the endpoint itself):
    wrapping that one method catches every error before BentoML formats it. The exception is still logged as
    BentoML does (``log_exception``), so :class:`SafeErrorLogFilter` turns client errors into one line.
    """
    from _bentoml_impl.server.app import ServiceAppFactory
    from bentoml._internal.server.http_app import log_exception

    if _HOOKED.get("api_endpoint"):
        return
    _HOOKED["api_endpoint"] = True
    original = ServiceAppFactory.api_endpoint

    async def api_endpoint(self: Any, name: str, request: Any) -> Any:
        try:
            return await original(self, name, request)
        except Exception as exc:
            log_exception(request)
            return await handler(exc, request, self.service.apis[name])

    ServiceAppFactory.api_endpoint = api_endpoint


def document_errors(
    schema: dict[str, Any], *, defs: dict[str, Any] | None = None, statuses: dict[int, str] | None = None
) -> None:
    """Make ``/docs.json`` describe our error body instead of BentoML's ``{"error", "detail"}``.

    BentoML documents 400/404/500 with components named InvalidArgument, NotFound and InternalServerError,
    built in ``_bentoml_sdk.service.openapi``; those names now hold ``schema`` (the ErrorBody model), and the
    statuses we also answer (401, 413, 503 by default) are listed on every endpoint.
    """
    from _bentoml_sdk.service import openapi
    from bentoml._internal.service.openapi.specification import MediaType, Reference, Response, Schema

    names = {400: "InvalidArgument", 404: "NotFound", 500: "InternalServerError"}
    extra = (
        statuses
        if statuses is not None
        else {401: "Unauthorized", 413: "Content Too Large", 503: "Service Unavailable"}
    )

    def components() -> dict[str, Any]:
        found = {name: Schema(**{**schema, "title": name}) for name in names.values()}
        found.update({name: Schema(**value) for name, value in (defs or {}).items()})
        return found

    openapi.exception_components_schema = components
    ref = Reference(openapi.REF_TEMPLATE.format(model=names[400]))
    for status, description in extra.items():
        openapi.error_responses[status] = Response(
            description=description, content={"application/json": MediaType(schema=ref)}
        )


_UPLOAD_TMP = re.compile(r"^tmp[a-z0-9_]{8}")


def upload_name(path: Path) -> str:
    """The client's file name of an upload: BentoML stores it as ``tmp<8 random chars><original name>``."""
    return _UPLOAD_TMP.sub("", path.name, count=1) or path.name


def harden_form_parsing() -> None:
    """Answer malformed form bodies with a 400, and accept only real uploads in file fields.

    BentoML 1.4 turns the 400 that Starlette raises for a broken form (no boundary, bad part headers) into a
    500, and treats a text value sent in a file field as a URL to download on the server (a 500 when it is not
    a URL, a server-side fetch when it is). Both become a 400 naming the problem (``body.malformed_form``,
    ``type.file``). It also JSON-decodes every
    text field, so ``vaga_id=1003`` arrived as the number 1003 and was refused as "not a valid string": a field
    declared as text now gets the text as sent (or the string inside, when a client JSON-encoded it).
    """
    import typing

    from _bentoml_impl import serde
    from starlette.datastructures import UploadFile
    from starlette.exceptions import HTTPException

    from recruta.api.errors import ApiError

    def is_text(annotation: Any) -> bool:  # str, Annotated[str, ...], or a union holding one of them
        if typing.get_origin(annotation) is typing.Annotated:
            return is_text(typing.get_args(annotation)[0])
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            return any(is_text(a) for a in typing.get_args(annotation))
        return annotation is str

    class StrictMultipartSerde(serde.MultipartSerde):  # type: ignore[misc]  # bentoml ships no py.typed: its classes are Any
        async def parse_request(self, request: Any, cls: Any) -> Any:
            try:
                form = await request.form()  # cached by Starlette: the parent parses the same form
            except HTTPException as exc:
                raise ApiError("body.malformed_form") from exc
            for name in cls.multipart_fields:
                if any(not isinstance(v, UploadFile) for v in form.getlist(name)):
                    raise ApiError("type.file", field=name)
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
            serde.ALL_SERDE[media_type] = StrictMultipartSerde
