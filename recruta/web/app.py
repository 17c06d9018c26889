"""The ASGI app mounted at ``/ui``: the static page, its wording, and two read-only lookups over the served index.

The app runs in the service's worker process; it reads the champion's Chroma store through
``bentoml.get_current_service()`` (set by BentoML once ``Recruta.__init__`` has run), so it needs no
settings, paths or objects of its own. ``create_app`` takes the store getter so tests can pass any store.

The page's wording is the ``page`` message catalogue (``recruta/i18n/catalogues/page.json``), served whole at
``/ui/static/i18n.json`` (every language the page speaks, so its language switch needs no further request; under
``static/`` because, like the scripts, it holds no data and loads before the page can ask for an API key).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from recruta.api.errors import ApiError, Problem, describe, error_response, negotiate
from recruta.core.errors import RecrutaError
from recruta.core.http import REQUEST_ID
from recruta.facts import fold
from recruta.i18n import messages
from recruta.ingest.documents import record_id
from recruta.ingest.store import HASH_KEY

STATIC = Path(__file__).parent / "static"
# The page may load and call nothing but this server: no CDN, fonts or analytics, even by mistake.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'",
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
MAX_LIMIT = 50
PAGE_LANGUAGES = ("pt", "en", "es")  # the page's language switch; the API answers in Russian too
HIDDEN_META = {HASH_KEY, "chunk"}

StoreGetter = Callable[[], Any]


@dataclass(frozen=True, kw_only=True)
class VagaEntry:
    vaga_id: str
    title: str
    client: str
    level: str
    location: str

    @property
    def key(self) -> str:
        return fold(f"{self.vaga_id} {self.title} {self.client}")

    def to_dict(self) -> dict[str, str]:
        return {
            "vaga_id": self.vaga_id,
            "title": self.title,
            "client": self.client,
            "level": self.level,
            "location": self.location,
        }


def _id_order(vaga_id: str) -> tuple[int, str]:
    return len(vaga_id), vaga_id


def load_vagas(store: Any) -> list[VagaEntry]:
    """One entry per indexed vaga (its first chunk's metadata), in id order."""
    got = store.get(where={"$and": [{"type": "vaga"}, {"chunk": 0}]})
    entries = {
        str(m["vaga_id"]): VagaEntry(
            vaga_id=str(m["vaga_id"]),
            title=str(m.get("title", "")),
            client=str(m.get("client", "")),
            level=str(m.get("level", "")),
            location=str(m.get("location", "")),
        )
        for m in got["metadatas"]
        if m and m.get("vaga_id") not in (None, "")
    }
    return sorted(entries.values(), key=lambda e: _id_order(e.vaga_id))


def search_vagas(entries: list[VagaEntry], query: str) -> list[VagaEntry]:
    """Vagas whose id, title or client contain every word of ``query`` (accents and case ignored);
    the exact id first, then ids starting with the query, then the rest in id order."""
    q = query.strip()
    words = fold(q).split()
    found = [e for e in entries if all(w in e.key for w in words)]
    return sorted(found, key=lambda e: (e.vaga_id != q, not e.vaga_id.startswith(q), _id_order(e.vaga_id)))


def merge_chunks(chunks: list[str]) -> str:
    """Chunks of one record back into its text, dropping the overlap each chunk repeats from the previous."""
    text = ""
    for chunk in chunks:
        overlap = next((k for k in range(min(len(text), len(chunk), 400), 9, -1) if text.endswith(chunk[:k])), 0)
        text = f"{text}{chunk[overlap:]}" if overlap else "\n".join(x for x in (text, chunk) if x)
    return text


def _where(kind: str, key: str) -> dict[str, Any]:
    field = {"vaga": "vaga_id", "candidato": "candidate_id"}[kind]
    return {"$and": [{"type": kind}, {field: key}]}


def _prefix(kind: str, key: str, meta: dict[str, Any]) -> str:
    """What chunks after the first start with (see ``documents._chunked``)."""
    if kind == "vaga":
        return f"Vaga {key} - {meta.get('title', '')} | "
    return f"Candidato {meta.get('name', '')} ({key}) | "


def load_record(store: Any, doc_id: str) -> dict[str, Any] | None:
    """A vaga or candidate (all chunks, merged) or an application, by any of its document ids."""
    rid = record_id(doc_id)
    kind, _, key = rid.partition(":")
    if kind == "prospect":
        got = store.get(ids=[rid])
    elif kind in ("vaga", "candidato") and key:
        got = store.get(where=_where(kind, key))
    else:
        raise ApiError("record.bad_id", field="id", id=repr(doc_id))
    if not got["ids"]:
        return None
    parts = sorted(zip(got["metadatas"], got["documents"], strict=True), key=lambda t: int(t[0].get("chunk", 0)))
    meta = {k: v for k, v in parts[0][0].items() if k not in HIDDEN_META}
    prefix = _prefix(kind, key, meta) if kind != "prospect" else ""
    docs = [doc or "" for _, doc in parts]
    text = merge_chunks([docs[0], *(doc.removeprefix(prefix) for doc in docs[1:])])
    return {"id": rid, "type": kind, "metadata": meta, "text": text}


class Catalog:
    """The vaga list, read from the store once (the served index does not change while serving)."""

    def __init__(self, store: StoreGetter) -> None:
        self.store = store
        self._entries: list[VagaEntry] | None = None
        self._lock = threading.Lock()

    @property
    def entries(self) -> list[VagaEntry]:
        with self._lock:
            if self._entries is None:
                self._entries = load_vagas(self.store())
            return self._entries


def _error(request: Request, problem: RecrutaError | Problem) -> JSONResponse:
    """The API's one error shape (``recruta.api.errors``), in the language the browser asks for."""
    rid = REQUEST_ID.get()
    found = problem if isinstance(problem, Problem) else describe(problem, request_id=rid)
    lang = negotiate(request.headers.get("accept-language")) or "pt"
    response: JSONResponse = error_response(found, lang=lang, request_id=rid)
    return response


def _limit(raw: str | None) -> int:
    try:
        value = int(raw) if raw else 20
    except ValueError:
        raise ApiError("type.integer", field="limit") from None
    if value < 1:
        raise ApiError("range.min", field="limit", limit=1)
    if value > MAX_LIMIT:
        raise ApiError("range.max", field="limit", limit=MAX_LIMIT)
    return value


def page_messages() -> dict[str, dict[str, str]]:
    """The page's wording in every language it speaks (Portuguese filling any gap)."""
    return {lang: messages("page", lang) for lang in PAGE_LANGUAGES}


def create_app(store: StoreGetter) -> Starlette:
    catalog = Catalog(store)

    def wording(request: Request) -> JSONResponse:
        return JSONResponse(page_messages(), headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})

    def index(request: Request) -> FileResponse:
        return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)

    def vagas(request: Request) -> JSONResponse:
        try:
            limit = _limit(request.query_params.get("limit"))
            found = search_vagas(catalog.entries, request.query_params.get("q", ""))
        except RecrutaError as exc:  # a bad limit (400), the index unavailable (503)
            return _error(request, exc)
        return JSONResponse({"vagas": [e.to_dict() for e in found[:limit]], "total": len(found)})

    def record(request: Request) -> JSONResponse:
        doc_id = request.query_params.get("id", "").strip()
        try:
            found = load_record(store(), doc_id)
        except RecrutaError as exc:  # a malformed id (400), the index unavailable (503)
            return _error(request, exc)
        if not found:
            return _error(
                request, Problem(status=404, code="not_found.record", field="id", params={"id": repr(doc_id)})
            )
        return JSONResponse(found)

    return Starlette(
        routes=[
            Route("/", index),
            Route("/api/vagas", vagas),
            Route("/api/record", record),
            Route("/static/i18n.json", wording),  # before the mount: the catalogue is not a file in static/
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )


def service_store() -> Any:
    """The champion's store of the service running in this process."""
    import bentoml

    return bentoml.get_current_service().agent.store


web_app = create_app(service_store)
