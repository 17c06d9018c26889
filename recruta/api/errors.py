"""One error shape for every 4xx/5xx the service answers, worded in the request's language.

    {"error": {"status": 400, "code": "job.both", "field": "vaga_id",
               "message": "Envie 'vaga_id' ou 'job_text', não os dois: informe só uma vaga."},
     "request_id": "5f0c2a9e1b7d"}

``code`` is a stable machine name (the message's key in ``recruta/i18n/catalogues/api.json``), ``field`` the
request field at fault (``cvs[3]``, ``filtros.tipo``; null when the request as a whole is wrong), ``message`` one
readable sentence. Everything that can fail feeds :func:`describe`: BentoML's validation of the request
(pydantic errors, with no pydantic URL, input value or model name ever shown), our :class:`ApiError`, the
library's ``RecrutaError`` subclasses (file parsing, filters, not found, unavailable), and anything else (a 500
that names the request id, never the exception). The language is the ``Accept-Language`` header's when it names
one we speak, else the language of the request's text (the question, the message, the CV), else Portuguese.

A few checks deep inside domain code carry only their own sentence (no catalogue key); those answer with it as
written rather than a vaguer generic one.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, Field

from recruta.core.errors import NotFound, RecrutaError, Unavailable
from recruta.i18n import catalogue, message

__all__ = [
    "ApiError",
    "ErrorBody",
    "ErrorDetail",
    "Problem",
    "describe",
    "domain_errors",
    "error_body",
    "error_response",
    "negotiate",
    "request_language",
    "status_problem",
]

AREA = "api"
LANGUAGES = ("pt", "en", "es", "ru")
DEFAULT_LANGUAGE = "pt"
# Request fields whose text tells the language of the person asking, in order of preference.
TEXT_FIELDS = ("pergunta", "message", "cv_text", "job_text", "title", "content", "comment")


class ApiError(RecrutaError):
    """An error the API layer raises itself, already keyed to its catalogue message.

    ``str()`` is ``"<code> (<field>)"``: what the server log shows, with no request data in it.
    """

    def __init__(self, message_key: str, *, status: int = 400, field: str | None = None, **params: Any) -> None:
        super().__init__(f"{message_key} ({field})" if field else message_key, field=field)
        self.message_key = message_key
        self.http_status = status
        self.params: dict[str, Any] = params


@dataclasses.dataclass(frozen=True, kw_only=True)
class Problem:
    """What went wrong, before it is worded: a catalogue key and its fields, or a sentence from domain code."""

    status: int
    code: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    text: str | None = None  # a domain sentence to show as is (no catalogue key exists for it)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def message(self, lang: str) -> str:
        if self.text is not None:
            return self.text
        params = {k: _shown(k, v, lang) for k, v in self.params.items()}
        if self.field is not None:
            params.setdefault("field", self.field)
        params.setdefault("name", params.get("field", ""))
        return message(AREA, self.code, lang, **params)


# --------------------------------------------------------------------------- the body
class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status, repeated for clients that only keep the body.")
    code: str = Field(description="Stable machine name of the error, e.g. `missing`, `job.both`, `file.corrupt`.")
    message: str = Field(
        description="One readable sentence in the request's language (Accept-Language, else "
        "the language of the request's text, else Portuguese)."
    )
    field: str | None = Field(description="The request field at fault (`cvs[3]`, `filtros.tipo`), or null.")


class ErrorBody(BaseModel):
    """Every 4xx and 5xx of the service has this shape."""

    error: ErrorDetail
    request_id: str = Field(description="Also in the X-Request-ID header and on the server's log lines.")


def error_body(problem: Problem, *, lang: str, request_id: str) -> dict[str, Any]:
    detail = ErrorDetail(status=problem.status, code=problem.code, message=problem.message(lang), field=problem.field)
    return ErrorBody(error=detail, request_id=request_id).model_dump()


def error_response(problem: Problem, *, lang: str, request_id: str) -> Any:
    """The Starlette JSONResponse of ``problem``."""
    from starlette.responses import JSONResponse

    return JSONResponse(
        error_body(problem, lang=lang, request_id=request_id),
        status_code=problem.status,
        headers=problem.headers or None,
    )


# --------------------------------------------------------------------------- language
_TAG = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def negotiate(accept_language: str | None) -> str | None:
    """The first language of an Accept-Language header that we speak, by preference (q); None if none."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate((accept_language or "").split(",")):
        m = _TAG.match(part)
        if not m:
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        lang = m.group(1).lower()
        if lang in LANGUAGES and q > 0:
            ranked.append((-q, n, lang))
    return min(ranked)[2] if ranked else None


def request_language(*, accept_language: str | None, payload: Mapping[str, Any] | None = None) -> str:
    """Accept-Language if it names one of ours; else an explicit ``language`` field (the output language of
    /generate_jd); else the language of the request's first text field; else Portuguese."""
    lang = negotiate(accept_language)
    if lang:
        return lang
    if payload:
        explicit = payload.get("language")
        if isinstance(explicit, str) and explicit.strip().lower() in LANGUAGES:
            return explicit.strip().lower()
        for name in TEXT_FIELDS:
            text = payload.get(name)
            if isinstance(text, str) and text.strip():
                from recruta.text.language import detect_language

                return detect_language(text[:2000])
    return DEFAULT_LANGUAGE


def _number(value: float, lang: str) -> str:
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    separators = {"en": ",.", "ru": "\u00a0,"}.get(lang, ".,")  # thousands, decimals
    return text.translate(str.maketrans(",.", separators))


def _shown(key: str, value: Any, lang: str) -> Any:
    """A message field as the reader sees it: numbers in the language's style, type words translated."""
    if key == "expected" and isinstance(value, str) and f"word.{value}" in catalogue(AREA)[DEFAULT_LANGUAGE]:
        return message(AREA, f"word.{value}", lang)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in ("id", "status"):
        return _number(value, lang)
    return value


# --------------------------------------------------------------------------- from exceptions
_TYPE_KEYS = {
    "missing": "missing",
    "string_type": "type.string",
    "string_unicode": "type.string",
    "bytes_type": "type.string",
    "int_type": "type.integer",
    "int_parsing": "type.integer",
    "int_from_float": "type.integer",
    "float_type": "type.number",
    "float_parsing": "type.number",
    "decimal_type": "type.number",
    "bool_type": "type.boolean",
    "bool_parsing": "type.boolean",
    "list_type": "type.list",
    "tuple_type": "type.list",
    "set_type": "type.list",
    "dict_type": "type.object",
    "model_type": "type.object",
    "model_attributes_type": "type.object",
    "finite_number": "number.finite",
    "string_too_long": "text.too_long",
    "string_too_short": "text.too_short",
    "too_long": "list.too_long",
    "too_short": "list.too_short",
    "greater_than_equal": "range.min",
    "less_than_equal": "range.max",
    "greater_than": "range.above",
    "less_than": "range.below",
    "literal_error": "choice",
    "enum": "choice",
    "extra_forbidden": "unknown_field",
    "json_invalid": "body.invalid_json",
    "json_type": "body.invalid_json",
    "path_type": "type.file",
    "file_type": "type.file",
}
_LIMIT_CTX = ("ge", "le", "gt", "lt", "max_length", "min_length")
# A pydantic location part that names a union member or a validator, not a field ("str", "list[str]",
# "function-after[...]"): dropped from the field path.
_TYPE_TAG = re.compile(r"^(?:str|int|float|bool|bytes|none|null|[\w-]+\[.*\])$")


def _field_path(loc: tuple[int | str, ...]) -> str | None:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _TYPE_TAG.match(part):
            path += f".{part}" if path else part
    return path or None


# A JD field's own catalogue rule words any error on it (an unknown field has a message of its own).
_GENERIC_KINDS = frozenset({"extra_forbidden"})


def _validation_problem(exc: Any, *, fields: Mapping[str, Any] | None) -> Problem:
    """The first problem of a pydantic ValidationError of the request (the others are usually its echoes)."""
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return Problem(status=400, code="invalid.request")
    err = errors[0]
    kind, ctx, where = str(err["type"]), dict(err.get("ctx") or {}), _field_path(tuple(err["loc"]))
    keys = catalogue(AREA)[DEFAULT_LANGUAGE]
    if kind in keys:  # our own validators raise PydanticCustomError with a catalogue key as its type
        return Problem(status=400, code=kind, field=where, params=ctx)
    if where is None:
        if kind in ("json_invalid", "json_type"):
            return Problem(status=400, code="body.invalid_json")
        if kind in ("model_type", "dict_type", "model_attributes_type"):
            return Problem(status=400, code="body.not_object")
        return Problem(status=400, code="invalid.request")
    top = where.split(".")[0].split("[")[0]
    if kind == "value_error" or (f"jd.{top}" in keys and kind not in _GENERIC_KINDS):
        # A JD field's own rule ("obrigatório, um texto de até 150 caracteres") says more than a generic limit.
        return Problem(status=400, code=f"jd.{top}" if f"jd.{top}" in keys else "invalid", field=where)
    params: dict[str, Any] = {}
    for name in _LIMIT_CTX:
        if name in ctx:
            params["limit"] = ctx[name]
    if kind in ("literal_error", "enum"):
        params["choices"] = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", "")))) or str(
            ctx.get("expected", "")
        )
    if kind == "extra_forbidden":
        params["allowed"] = ", ".join(sorted(fields or {}))
    return Problem(status=400, code=_TYPE_KEYS.get(kind, "invalid"), field=where, params=params)


def _file_error(exc: BaseException) -> Any:
    """The file parser's error behind ``exc`` (itself or a cause), if any."""
    from recruta.files import FileError

    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, FileError):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


_FIELD_PREFIX = re.compile(r"([A-Za-z_][\w.\[\]]*) \[\w+\]")


def localize(
    exc: RecrutaError, *, uploads: Mapping[str, str] | None = None, rename: Mapping[str, str] | None = None
) -> ApiError | None:
    """A domain error as an :class:`ApiError` with a catalogue key, or None when it has no key.

    File errors: domain code wraps the parser's error as ``"cv_text [empty]: <parser sentence>"`` (screening)
    or ``"cv.pdf: <parser sentence>"`` (chat); the prefix says which field or which upload. ``uploads`` maps a
    field to the uploaded file's name (so the message names the file), ``rename`` a domain field name to the
    request's (``cv_text`` → ``cvs`` on /rank).
    """
    uploads, rename = uploads or {}, rename or {}
    key = getattr(exc, "message_key", None)
    if isinstance(key, str):
        status = getattr(exc, "http_status", exc.status)
        where = rename.get(exc.field or "", exc.field)
        return ApiError(key, status=status, field=where, **dict(getattr(exc, "params", {})))
    ferr = _file_error(exc)
    if ferr is None:
        return None
    text, tail = str(exc), f": {ferr}"
    prefix = text[: -len(tail)] if text.endswith(tail) and text != str(ferr) else ""
    where, name = exc.field, None
    m = _FIELD_PREFIX.fullmatch(prefix)
    if m:
        where = m.group(1)
    elif prefix:
        name = prefix
        where = where or next((f for f, n in uploads.items() if n == prefix), None)
    where = rename.get(where or "", where)
    name = name or uploads.get(where or "") or where or ""
    params: dict[str, Any] = {"name": name}
    if ferr.code == "too_large":
        from recruta.core.settings import get_settings

        params["limit"] = get_settings().max_upload_bytes
    if ferr.code == "too_many_pages":
        import inspect

        from recruta.files import parse_file

        params["limit"] = inspect.signature(parse_file).parameters["max_pages"].default
    return ApiError(f"file.{ferr.code}", status=413 if ferr.code == "too_large" else 400, field=where, **params)


@contextmanager
def domain_errors(
    *,
    uploads: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    not_found: tuple[str, Any] | None = None,
) -> Iterator[None]:
    """Run domain code; its errors leave as :class:`ApiError` where a catalogue message exists.

    ``not_found=("session_id", sid)``: a NotFound inside is a 404 naming that field and value.
    """
    try:
        yield
    except ApiError:
        raise
    except RecrutaError as exc:
        if not_found is not None and isinstance(exc, NotFound):
            name, value = not_found
            raise ApiError(f"not_found.{name}", status=404, field=name, id=value) from exc
        api = localize(exc, uploads=uploads, rename=rename)
        if api is None:
            raise
        raise api from exc


def status_problem(status: int, *, method: str = "", path: str = "", request_id: str = "-") -> Problem:
    """A problem known only by its HTTP status (a route that does not exist, a method not allowed, …)."""
    headers = {"Retry-After": "5"} if status == 503 else {}
    if status == 401:
        return Problem(status=401, code="unauthorized", headers={"WWW-Authenticate": "Bearer"})
    if status == 404:
        return Problem(status=404, code="not_found.path", params={"path": path})
    if status == 405:
        return Problem(status=405, code="http.405", params={"method": method})
    if status == 415:
        return Problem(status=415, code="http.415")
    if status >= 500:
        return Problem(status=status, code="internal", params={"request_id": request_id}, headers=headers)
    return Problem(status=status, code="http.error", params={"status": status})


def describe(
    exc: BaseException,
    *,
    request_id: str = "-",
    fields: Mapping[str, Any] | None = None,
    input_model: str | None = None,
) -> Problem:
    """Any exception an endpoint let out, as a :class:`Problem`.

    ``input_model`` is the name of the endpoint's input model: a pydantic error about it is the client's (400);
    a pydantic error about anything else (a response that does not fit its model) is ours (500). ``fields``
    are the input model's fields (to list the accepted ones when an unknown field is sent).
    """
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        if input_model is None or exc.title == input_model:
            return _validation_problem(exc, fields=fields)
        return status_problem(500, request_id=request_id)
    if isinstance(exc, Unavailable):
        code = "unavailable" if exc.service == "index" else f"unavailable.{exc.service}"
        return Problem(status=503, code=code, headers={"Retry-After": "5"})
    if isinstance(exc, RecrutaError):
        api = exc if isinstance(exc, ApiError) else localize(exc)
        if api is not None:
            return Problem(
                status=api.http_status,
                code=api.message_key,
                field=api.field,
                params=api.params,
                headers={"Retry-After": "5"} if api.http_status == 503 else {},
            )
        code = "not_found" if isinstance(exc, NotFound) else "invalid"
        return Problem(status=exc.status, code=code, field=exc.field, text=str(exc))
    from bentoml.exceptions import BentoMLException

    if isinstance(exc, BentoMLException):
        status = int(exc.error_code.value)
        if status == 400:
            return Problem(status=400, code="invalid.request")
        return status_problem(status, request_id=request_id)
    return status_problem(500, request_id=request_id)


def payload_of(request: Any) -> Mapping[str, Any] | None:
    """The request's fields as already read by BentoML (its cached JSON body or form), without reading more."""
    body = getattr(request, "_body", None)
    if isinstance(body, bytes) and body:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return None
        return data if isinstance(data, dict) else None
    form = getattr(request, "_form", None)
    if form is not None:
        return {k: v for k, v in form.items() if isinstance(v, str)}
    return None


async def endpoint_error(exc: BaseException, request: Any, api: Any) -> Any:
    """The response for an exception out of a BentoML endpoint (installed by ``recruta.core.http``)."""
    from recruta.core.http import REQUEST_ID

    rid = REQUEST_ID.get()
    spec = getattr(api, "input_spec", None)
    try:
        problem = describe(
            exc, request_id=rid, fields=getattr(spec, "model_fields", None), input_model=getattr(spec, "__name__", None)
        )
        lang = request_language(accept_language=request.headers.get("accept-language"), payload=payload_of(request))
    except Exception:  # describing the error must never be a second error: a plain 500 in the same shape
        logging.getLogger("recruta.api").exception("request %s: could not describe %s", rid, type(exc).__name__)
        problem, lang = status_problem(500, request_id=rid), DEFAULT_LANGUAGE
    return error_response(problem, lang=lang, request_id=rid)
