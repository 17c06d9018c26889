"""Chroma storage: embedded PersistentClient by default, a ``chroma run`` server when a host is set.

Documents are upserted by stable id with a content hash in their metadata, so a re-run
embeds only what changed and a run killed halfway finishes on the next run.

On the embedded store, chunk texts live beside the collection in one SQLite table (``TextTable``) rather
than in Chroma: Chroma writes every document three times (its write-ahead queue, its metadata table and a
full-text index no query of ours uses, which local mode cannot switch off), and that was half the cost of a
full-scale ingestion (bench/ingest). A server keeps the texts itself, so several hosts can share it.
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy as np

from recruta.core.errors import InvalidInput, Unavailable
from recruta.core.settings import Settings, quiet_telemetry
from recruta.ingest.documents import Document, candidate_documents, prospect_document, vaga_documents
from recruta.ingest.matrix import Codes, MatrixState, VectorMatrix, stem_for

log = logging.getLogger(__name__)

HASH_KEY = "content_hash"
TEXTS_KEY = "recruta:texts"  # collection metadata: where chunk texts live ("table"; absent: inside Chroma)


class StoreUnavailable(Unavailable):
    """The vector store cannot be reached (server down, path unreadable)."""


@dataclass(frozen=True, kw_only=True)
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]
    score: float  # cosine similarity, 1 = identical

    def source(self, snippet_chars: int = 240) -> dict[str, Any]:
        snippet = " ".join(self.text.split())
        if len(snippet) > snippet_chars:
            snippet = snippet[: snippet_chars - 1].rsplit(" ", 1)[0] + "…"
        meta = {k: v for k, v in self.metadata.items() if k != HASH_KEY}
        return {
            "id": self.id,
            "type": self.metadata.get("type", ""),
            "score": round(self.score, 4),
            "snippet": snippet,
            "metadata": meta,
        }


_SCALAR = (str, int, float, bool)
_FIELD_OPS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin")


class FilterError(InvalidInput):
    """A metadata filter the index cannot answer as meant. ``message_key``/``params`` name the user message in
    the ``api`` catalogue (recruta/i18n), so the service words it in the request's language; ``str()`` is a
    short English description for logs and in-process callers."""

    def __init__(self, message_key: str, *, field: str, **params: Any) -> None:
        detail = ", ".join(f"{k}={v}" for k, v in params.items() if k != "allowed")
        super().__init__(f"{field}: {message_key}" + (f" ({detail})" if detail else ""), field=field)
        self.message_key = message_key
        self.params: dict[str, Any] = params


@cache
def _sample_documents() -> tuple[Document, ...]:
    """One document of each kind, built by ``recruta.ingest.documents`` from empty records: what its metadata
    looks like, with no second list of keys to keep in step with it."""
    from recruta.ingest.loaders import ProspectRecord
    from recruta.ingest.schema import Applicant, Prospect, Vaga

    return (
        *vaga_documents("0", Vaga(), size=1000, overlap=0),
        *candidate_documents("0", Applicant(), hired=False, size=1000, overlap=0),
        prospect_document(ProspectRecord(vaga_id="0", vaga_titulo="", prospect=Prospect(codigo="0"), hired=False)),
    )


def metadata_schema() -> dict[str, type]:
    """Every metadata key the index's documents carry, with its value type (str, int or bool).
    ``content_hash`` (added by the store) is not something to filter on and is left out."""
    return {k: type(v) for d in _sample_documents() for k, v in d.metadata.items()}


def document_types() -> tuple[str, ...]:
    """The values of the ``type`` key: one per kind of document (vaga, candidato, prospect)."""
    return tuple(dict.fromkeys(str(d.metadata["type"]) for d in _sample_documents()))


def validate_filter(where: Any, *, path: str = "filtros") -> None:
    """Reject malformed metadata filters with a clear message (Chroma's own errors are opaque)."""
    normalize_filter(where, path=path)


def _value(key: str, value: Any, where: str) -> Any:
    """One filter value for ``key``, checked against the type the index stores.

    A whole number given for a text key (``{"vaga_id": 1212}``) is that text: ids are stored as strings, and the
    number would silently match nothing. Any other type mismatch would too, so it is a 400.
    """
    if isinstance(value, float) and not math.isfinite(value):
        raise FilterError("number.finite", field=where)
    kind = metadata_schema()[key]
    if kind is str and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if kind is bool and not isinstance(value, bool):
        raise FilterError("filter.value_type", field=where, expected="boolean")
    if kind is str and not isinstance(value, str):
        raise FilterError("filter.value_type", field=where, expected="text")
    if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise FilterError("filter.value_type", field=where, expected="number")
    if key == "type" and value not in document_types():
        raise FilterError("filter.unknown_type", field=where, value=value, allowed=", ".join(document_types()))
    return value


def normalize_filter(where: Any, *, path: str = "filtros") -> dict[str, Any]:
    """Validate a metadata filter and return it in the form Chroma accepts.

    Several fields in one object (``{"type": "prospect", "outcome": "hired"}``) mean all of them: Chroma wants
    exactly one key per object, so they become an ``$and``. Keys must be metadata the documents carry
    (:func:`metadata_schema`): Chroma answers an unknown key with no match at all, which reads as "no such
    records" rather than "you misspelt the key".
    """
    if not isinstance(where, dict) or not where:
        raise FilterError("filter.not_object", field=path)
    schema = metadata_schema()
    clauses: list[dict[str, Any]] = []
    for key, value in where.items():
        at = f"{path}.{key}"
        if key in ("$and", "$or"):
            if not isinstance(value, list) or len(value) < 2:
                raise FilterError("filter.list", field=at)
            clauses.append({key: [normalize_filter(sub, path=f"{at}[{n}]") for n, sub in enumerate(value)]})
        elif key.startswith("$"):
            raise FilterError("filter.unknown_operator", field=path, op=key)
        elif key not in schema:
            raise FilterError("filter.unknown_key", field=at, key=key, allowed=", ".join(sorted(schema)))
        elif isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in _FIELD_OPS:
                raise FilterError("filter.field_operator", field=at, allowed=", ".join(_FIELD_OPS))
            op, arg = next(iter(value.items()))
            if op in ("$in", "$nin"):
                if not isinstance(arg, list) or not arg or not all(isinstance(a, _SCALAR) for a in arg):
                    raise FilterError("filter.values", field=f"{at}.{op}")
                if len({type(a) for a in arg}) > 1:
                    raise FilterError("filter.same_type", field=f"{at}.{op}")
                arg = [_value(key, a, f"{at}.{op}") for a in arg]
            elif not isinstance(arg, _SCALAR):
                raise FilterError("filter.scalar", field=f"{at}.{op}")
            else:
                arg = _value(key, arg, f"{at}.{op}")
            clauses.append({key: {op: arg}})
        elif not isinstance(value, _SCALAR):
            raise FilterError("filter.scalar", field=at)
        else:
            clauses.append({key: _value(key, value, at)})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def collection_name(base: str, embedder_name: str, chunk_size: int) -> str:
    """One collection per (data, embedder, chunking): vectors of different models never mix."""
    return f"{base}-{embedder_name}-c{chunk_size}"[:500]


def make_client(settings: Settings, *, path: Path | None = None) -> Any:
    quiet_telemetry()
    import chromadb

    if settings.chroma_host and path is None:
        try:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port)
        except Exception as exc:  # chromadb raises a bare ValueError/ConnectionError on connect
            raise StoreUnavailable(
                f"Chroma server {settings.chroma_host}:{settings.chroma_port} unreachable: {exc}"
            ) from exc
    target = path or settings.chroma_path
    target.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(target))


class TextTable:
    """Chunk texts by id in one SQLite file (WAL: readers never wait for the writer), with their lexical index.

    The lexical index is SQLite's FTS5 (``bm25()`` ranking, Unicode tokens with accents folded, as
    :func:`recruta.text.fold.fold` does for questions) over the same texts, written in the same transaction as
    them, so the two never disagree: ``lex_rows`` maps a chunk id to the FTS rowid and keeps the chunk's metadata
    (JSON) for the same filters Chroma answers (:func:`filter_sql`). Chosen over bm25s/rank-bm25: it is in the
    standard library, updates in place (upsert/delete/prune) with no re-fit, and stays on disk instead of in
    every worker's memory (bench/retrieval_hybrid.py)."""

    _PARAMS = 900  # below SQLite's bound-parameter limit

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS texts (id TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID")
        self.lexical = fts5_available()
        if self.lexical:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS lex_rows "
                "(n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, meta TEXT NOT NULL)"
            )
            self._db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS lex USING fts5(text, tokenize={_TOKENIZER!r})")
            # The metadata keys filters name most, indexed (with the id: covering), so a filter's matches are
            # counted and listed without reading every row (recruta/ingest/prefilter.py); stats keep the planner
            # on the most selective index of an $and.
            for key in INDEXED_KEYS:
                self._db.execute(
                    f"CREATE INDEX IF NOT EXISTS lex_rows_{key} ON lex_rows({_meta_field(key, alias='')}, id)"
                )
            self._db.execute("PRAGMA analysis_limit=1000")
            self._db.execute("PRAGMA optimize=0x10002")
            # The chunk vectors beside the rows (recruta/ingest/matrix.py), kept by a table created empty, so the
            # matrix lists every row; an older table answers filters as before.
            if self._db.execute("SELECT count(*) FROM (SELECT 1 FROM texts LIMIT 1)").fetchone()[0] == 0:
                self._db.execute("CREATE TABLE IF NOT EXISTS vec_info (dim INTEGER NOT NULL)")
        self.keeps_vectors = self.lexical and bool(
            self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vec_info'").fetchone()
        )  # whether this table keeps the chunk vectors (recruta/ingest/matrix.py): made empty by this version
        self.matrix_state = MatrixState()  # the matrix, its rows' filter codes and when they were loaded

    def put(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict[str, Any]] | None = None,
        vectors: np.ndarray | None = None,
    ) -> None:
        """Write texts (and their lexical index rows; without ``metadatas`` a row has none and no filter
        matches it), and their ``vectors`` into the matrix if the table keeps one (without them, the rows have
        none, and a filter touching them is answered by the route before the matrix)."""
        metas = metadatas if metadatas is not None else [{}] * len(ids)
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self.matrix_state.wrote()
            self._db.executemany("INSERT OR REPLACE INTO texts (id, text) VALUES (?, ?)", zip(ids, texts, strict=True))
            if self.lexical:
                rows = np.asarray(self._index(ids, texts, metas), dtype=np.int64)
                # Inside the transaction: a row's vector lands before its metadata commit (a kill in between
                # leaves a vector for an uncommitted or unchanged row, which the next run writes again).
                matrix = self._vectors(None if vectors is None else np.asarray(vectors).reshape(len(ids), -1))
                if matrix is not None and vectors is not None:
                    matrix.write(rows, np.asarray(vectors))
                elif matrix is not None:
                    matrix.clear(rows)
                if matrix is not None:
                    matrix.flush()

    def _index(self, ids: Sequence[str], texts: Sequence[str], metas: Sequence[dict[str, Any]]) -> list[int]:
        rows = []
        for i, text, meta in zip(ids, texts, metas, strict=True):
            (n,) = self._db.execute(
                "INSERT INTO lex_rows (id, meta) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET meta = excluded.meta "
                "RETURNING n",
                (i, json.dumps(meta, ensure_ascii=False)),
            ).fetchone()
            self._db.execute("DELETE FROM lex WHERE rowid = ?", (n,))
            self._db.execute("INSERT INTO lex (rowid, text) VALUES (?, ?)", (n, text))
            rows.append(int(n))
        return rows

    def _vectors(self, sample: np.ndarray | None) -> VectorMatrix | None:
        """The matrix (the caller holds the lock); None if the table keeps none, or none yet and ``sample`` (the
        vectors about to be written) does not say its width."""
        if self.matrix_state.matrix is not None:
            return self.matrix_state.matrix
        if not self.keeps_vectors:
            return None
        row = self._db.execute("SELECT dim FROM vec_info").fetchone()
        if row is None:
            if sample is None:
                return None
            self._db.execute("INSERT INTO vec_info (dim) VALUES (?)", (int(sample.shape[1]),))
            row = (int(sample.shape[1]),)
        self.matrix_state.matrix = VectorMatrix(stem_for(self.path), int(row[0]))
        return self.matrix_state.matrix

    def vectors(self, ids: Sequence[str]) -> np.ndarray:
        """The matrix's vectors of ``ids`` (rows of zeros for ids it lacks)."""
        with self._lock:
            matrix = self._vectors(None)
            rows: dict[str, int] = {}
            for start in range(0, len(ids), self._PARAMS):
                part = list(ids[start : start + self._PARAMS])
                marks = ",".join("?" * len(part))
                rows.update(self._db.execute(f"SELECT id, n FROM lex_rows WHERE id IN ({marks})", part).fetchall())
        if matrix is None:
            return np.zeros((len(ids), 0), np.float32)
        out = np.zeros((len(ids), matrix.dim), np.float32)
        for j, i in enumerate(ids):
            n = rows.get(i)
            if n is not None and n <= matrix.rows and matrix.norms[n - 1] >= 0:
                out[j] = matrix.vectors[n - 1]
        return out

    def nearest(
        self, vector: np.ndarray, *, k: int, where: dict[str, Any]
    ) -> list[tuple[str, float, dict[str, Any]]] | None:
        """The top ``k`` rows by cosine to ``vector`` among those matching ``where`` (a normalised filter), ranked
        exactly from the matrix (recruta/ingest/matrix.py): (id, score, metadata), best first, ties by id. None when
        the matrix cannot answer: the table keeps none, the filter names a key or operator its codes lack, or a
        matching row has no vector."""
        if not self.keeps_vectors:
            return None
        with self._lock:
            state, data_version = self.matrix_state, int(self._db.execute("PRAGMA data_version").fetchone()[0])
            if state.stale(data_version):
                keys = ", ".join(_meta_field(key, alias="") for key in INDEXED_KEYS)
                table = self._db.execute(f"SELECT n, {keys} FROM lex_rows").fetchall()
                state.load(Codes.build(INDEXED_KEYS, table), data_version)
            codes, matrix = state.codes, self._vectors(None)
        mask = None if codes is None else codes.mask(where)
        if codes is None or mask is None:
            return None
        rows = np.flatnonzero(mask)
        if not len(rows):
            return []
        if matrix is None:
            return None  # rows, but no vector written yet
        try:
            found = state.nearest(matrix, codes, rows, np.asarray(vector, np.float32), k=k)
        except LookupError:
            return None
        scores = {row + 1: score for row, score in found}
        with self._lock:
            named = self._db.execute(
                f"SELECT n, id, meta FROM lex_rows WHERE n IN ({','.join('?' * len(scores))})", list(scores)
            ).fetchall()
        best = sorted(((-scores[n], i, m) for n, i, m in named), key=lambda r: (r[0], r[1]))[:k]
        return [(i, -s, json.loads(m)) for s, i, m in best]

    def get(self, ids: Sequence[str]) -> list[str]:
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(ids), self._PARAMS):
                part = list(ids[start : start + self._PARAMS])
                marks = ",".join("?" * len(part))
                found.update(self._db.execute(f"SELECT id, text FROM texts WHERE id IN ({marks})", part).fetchall())
        return [found.get(i, "") for i in ids]

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany("DELETE FROM texts WHERE id = ?", ((i,) for i in ids))
            self.matrix_state.wrote()
            if self.lexical:
                gone = []
                for i in ids:
                    row = self._db.execute("DELETE FROM lex_rows WHERE id = ? RETURNING n", (i,)).fetchone()
                    if row:
                        self._db.execute("DELETE FROM lex WHERE rowid = ?", row)
                        gone.append(int(row[0]))
                matrix = self._vectors(None)
                if matrix is not None:
                    matrix.clear(np.asarray(gone, dtype=np.int64))
                    matrix.flush()

    def counts(self) -> tuple[int, int]:
        """(texts, lexically indexed texts)."""
        with self._lock:
            texts = self._db.execute("SELECT count(*) FROM texts").fetchone()[0]
            lex = self._db.execute("SELECT count(*) FROM lex_rows").fetchone()[0] if self.lexical else 0
        return int(texts), int(lex)

    def reindex(self, metadata: Callable[[list[str]], dict[str, dict[str, Any]]], *, batch: int = 2000) -> int:
        """Rebuild the lexical index from the texts (a table written before the index existed); ``metadata``
        gives the metadata of a batch of ids (from Chroma)."""
        with self._lock:
            ids = [r[0] for r in self._db.execute("SELECT id FROM texts ORDER BY id")]
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self.matrix_state.wrote()
            self._db.execute("DELETE FROM lex_rows")
            self._db.execute("DELETE FROM lex")
            self._db.execute("DROP TABLE IF EXISTS vec_info")  # rows renumbered: a matrix would be misaligned
            self.matrix_state.drop()
            self.keeps_vectors = False
        for start in range(0, len(ids), batch):
            part = ids[start : start + batch]
            texts, metas = self.get(part), metadata(part)
            with self._lock, self._db:
                self._db.execute("BEGIN")
                self._index(part, texts, [metas.get(i, {}) for i in part])
        return len(ids)

    def matching(self, where: dict[str, Any], *, limit: int) -> list[str]:
        """The ids of the rows matching ``where`` (a normalised filter, best on :data:`INDEXED_KEYS`: their indexes
        answer it without reading every row), at most ``limit + 1`` of them (more than ``limit``: too many)."""
        clause, params = filter_sql(where)
        with self._lock:
            rows = self._db.execute(f"SELECT r.id FROM lex_rows r WHERE {clause} LIMIT ?", [*params, limit + 1])
            return [r[0] for r in rows]

    def metadata(self, ids: Sequence[str], where: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """The metadata of those of ``ids`` that pass ``where`` (a normalised filter; None: all of them)."""
        clause, params = filter_sql(where) if where else ("1", [])
        found: dict[str, dict[str, Any]] = {}
        with self._lock:
            for start in range(0, len(ids), self._PARAMS):
                part = list(ids[start : start + self._PARAMS])
                rows = self._db.execute(
                    f"SELECT r.id, r.meta FROM lex_rows r WHERE r.id IN ({','.join('?' * len(part))}) AND {clause}",
                    [*part, *params],
                )
                found.update((i, json.loads(m)) for i, m in rows)
        return found

    def search(
        self, question: str, *, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """The ``k`` chunks best matching ``question``'s content words by BM25 within ``where`` (a filter already
        normalised by :func:`normalize_filter`): (id, score, metadata), best first; the score is FTS5's
        ``-bm25()``, higher is better."""
        query = fts_query(question)
        if not self.lexical or not query:
            return []
        clause, params = filter_sql(where) if where else ("1", [])
        sql = (
            f"SELECT r.id, -bm25(lex) AS s, r.meta FROM lex JOIN lex_rows r ON r.n = lex.rowid "
            f"WHERE lex MATCH ? AND {clause} ORDER BY bm25(lex) LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [query, *params, k]).fetchall()
        return [(i, float(s), json.loads(m)) for i, s, m in rows]


_TOKENIZER = "unicode61 remove_diacritics 2"
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)  # FTS5's unicode61: letters and digits; "_" separates


@cache
def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5 (CPython's builds are; some distributions' are not)."""
    try:
        sqlite3.connect(":memory:").execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize={_TOKENIZER!r})")
    except sqlite3.OperationalError:
        return False
    return True


def fts_query(question: str) -> str:
    """The FTS5 query for a question: its content words, each quoted (no FTS syntax reaches SQLite), OR-ed, so
    BM25 ranks by how many rare words a chunk shares with it."""
    from recruta.text.fold import STOPWORDS, fold

    words = dict.fromkeys(w for w in _TOKEN.findall(fold(question).casefold()) if w not in STOPWORDS and len(w) > 1)
    return " OR ".join(f'"{w}"' for w in words)


def filter_sql(where: dict[str, Any]) -> tuple[str, list[Any]]:
    """A normalised metadata filter as SQL over ``r.meta`` (JSON), with Chroma's semantics: ``$ne``/``$nin``
    also match chunks without the key; comparisons and ``$eq``/``$in`` need it."""
    params: list[Any] = []

    def one(node: dict[str, Any]) -> str:
        ((key, value),) = node.items()
        if key in ("$and", "$or"):
            return "(" + f" {key[1:].upper()} ".join(one(sub) for sub in value) + ")"
        field = _meta_field(key)
        op, arg = next(iter(value.items())) if isinstance(value, dict) else ("$eq", value)
        if op in ("$in", "$nin"):
            params.extend(arg)
            test = f"{field} IN ({','.join('?' * len(arg))})"
        else:
            params.append(arg)
            test = f"{field} {_SQL_OPS[op]} ?"
        return f"({field} IS NULL OR NOT {test})" if op in ("$ne", "$nin") else test

    return one(where), params


_SQL_OPS = {"$eq": "=", "$ne": "=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
INDEXED_KEYS = ("type", "outcome", "vaga_id", "candidate_id", "client")  # the text table's metadata indexes


def _meta_field(key: str, *, alias: str = "r.") -> str:
    """The SQL of one metadata key of a ``lex_rows`` row; written the same way in its index and in the filters
    (SQLite uses an index on an expression only for that expression)."""
    return f"json_extract({alias}meta, '$.\"{key}\"')"


def _local_folder(client: Any) -> Path | None:
    """The folder of an embedded (persistent) client; None for a server or an in-memory client."""
    try:
        conf = client.get_settings()
    except Exception:
        return None
    if conf.is_persistent and conf.persist_directory and not getattr(conf, "chroma_server_host", None):
        return Path(conf.persist_directory)
    return None


def _missing(exc: Exception) -> bool:
    """Chroma's way of saying a collection does not exist (its exception types vary by client and version)."""
    return "does not exist" in str(exc) or "not found" in str(exc).lower()


@contextmanager
def _chroma_errors(action: str, where: dict[str, Any] | None) -> Iterator[None]:
    """Chroma's own filter check (before any I/O) is bad input, a ValueError; anything else: the store is down."""
    try:
        yield
    except Exception as exc:
        if where and isinstance(exc, ValueError):
            raise FilterError("filter.invalid", field="filtros", reason=str(exc)[:200]) from exc
        raise StoreUnavailable(f"Chroma {action} failed: {exc}") from exc


class Store:
    """One Chroma collection with its text table. ``first_pass``: broad filters scored from the float16 copy
    first (``Settings.filter_first_pass``; False: every filter by the exact float32 scan)."""

    def __init__(self, client: Any, name: str, *, create: bool = True, first_pass: bool = True) -> None:
        self.client, self.name = client, name
        folder = _local_folder(client)
        try:
            try:
                self.collection = client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if not create or not _missing(exc):
                    raise
                self.collection = client.get_or_create_collection(
                    name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={TEXTS_KEY: "table"} if folder else None,
                )
        except Exception as exc:
            if _missing(exc):
                raise LookupError(f"no Chroma collection {name!r}: run `python ingestion.py` first") from exc
            raise StoreUnavailable(f"Chroma unavailable: {exc}") from exc
        # Collections made before the text table (or on a server) keep their texts inside Chroma.
        in_table = (self.collection.metadata or {}).get(TEXTS_KEY) == "table"
        self.texts = TextTable(folder / f"texts-{name}.sqlite3") if folder is not None and in_table else None
        if self.texts is not None:
            self.texts.matrix_state.use_first_pass = first_pass
        self.prefilter = False
        if self.texts is not None and self.texts.lexical:
            texts, indexed = self.texts.counts()
            if texts and not indexed:  # a text table from before the lexical index: build it once
                started = time.perf_counter()
                self.texts.reindex(self._metadatas)
                log.info(
                    "built the lexical index of %s (%d chunks) in %.1f s", name, texts, time.perf_counter() - started
                )
            # Filters are narrowed by the table's metadata (recruta/ingest/prefilter.py) only when it lists every
            # chunk of the collection; the store writes and deletes both together from then on.
            self.prefilter = self.texts.counts()[1] == self.count()
            if not self.prefilter:
                log.info("%s: the text table does not list every chunk: filters go to Chroma's own", name)

    @property
    def lexical(self) -> bool:
        """Whether this store has a lexical index (embedded store with its text table, FTS5 available). On a
        Chroma server the texts live in the server, shared by every host, and no lexical index is kept here."""
        return self.texts is not None and self.texts.lexical

    def _metadatas(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        got = self.collection.get(ids=ids, include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def lexical_query(self, question: str, *, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The top ``k`` chunks for ``question`` by BM25 (FTS5) within ``where``; [] without a lexical index.
        ``score`` is FTS5's ``-bm25()`` here, not a cosine: callers that mix rankings set it (recruta/rag/retrieval)."""
        if self.texts is None or not self.texts.lexical:
            return []
        where = normalize_filter(where) if where else None
        found = self.texts.search(question, k=k, where=where)
        texts = self.texts.get([i for i, _, _ in found])
        return [Hit(id=i, text=t, metadata=m, score=s) for (i, s, m), t in zip(found, texts, strict=True)]

    @property
    def _documents(self) -> list[str]:
        """What to ask Chroma for besides metadata: the texts, unless the text table holds them."""
        return [] if self.texts is not None else ["documents"]

    def count(self) -> int:
        return cast(int, self.collection.count())

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["metadatas"])
        return {i: (m or {}).get(HASH_KEY, "") for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def upsert(self, docs: Sequence[Document], embeddings: np.ndarray) -> None:
        self._write(
            ids=[d.id for d in docs],
            texts=[d.text for d in docs],
            embeddings=embeddings,
            metadatas=[{**d.metadata, HASH_KEY: d.content_hash} for d in docs],
        )

    def _write(self, *, ids: list[str], texts: list[str], embeddings: Any, metadatas: list[dict[str, Any]]) -> None:
        # Texts first: a run killed in between leaves a text whose vector (and hash) is missing or older, so the
        # next run sees the hash differ and writes both again; the index never holds a vector without its text.
        if self.texts is not None:
            self.texts.put(ids, texts, metadatas, np.asarray(embeddings, dtype=np.float32))
        self.collection.upsert(
            ids=ids, embeddings=embeddings, metadatas=metadatas, documents=None if self.texts is not None else texts
        )

    def query(self, embedding: np.ndarray, *, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        """The top ``k`` chunks by cosine to ``embedding`` within ``where``. A filter is answered exactly from the
        vector matrix beside the text table when there is one (recruta/ingest/matrix.py), else narrowed by the
        table's metadata indexes when it can be (recruta/ingest/prefilter.py), else by Chroma's own filter: the
        same results, without Chroma's scan of every chunk's metadata."""
        where = normalize_filter(where) if where else None
        if where is not None and self.texts is not None and self.prefilter:
            ranked = self.texts.nearest(np.asarray(embedding, dtype=np.float32).reshape(-1), k=k, where=where)
            if ranked is not None:
                texts = self.texts.get([i for i, _, _ in ranked])
                return [Hit(id=i, text=t, metadata=m, score=s) for (i, s, m), t in zip(ranked, texts, strict=True)]
        if where is not None:
            from recruta.ingest.prefilter import prefiltered_query

            with _chroma_errors("query", where):
                found = prefiltered_query(self, np.asarray(embedding, dtype=np.float32).reshape(-1), k=k, where=where)
            if found is not None:
                return found
        with _chroma_errors("query", where):
            res = self.collection.query(
                query_embeddings=np.asarray(embedding, dtype=np.float32).reshape(1, -1),
                n_results=k,
                where=where,
                include=["metadatas", "distances", *self._documents],
            )
            texts = self.texts.get(res["ids"][0]) if self.texts is not None else res["documents"][0]
        return [
            Hit(id=i, text=t or "", metadata=m or {}, score=1.0 - float(d))
            for i, t, m, d in zip(res["ids"][0], texts, res["metadatas"][0], res["distances"][0], strict=True)
        ]

    def listed(self, where: dict[str, Any], *, limit: int) -> list[str] | None:
        """The ids of the chunks matching ``where``, read from the text table's metadata indexes rather than by
        Chroma's scan of every chunk (recruta/ingest/prefilter.py), at most ``limit + 1`` (more than ``limit``: too
        many); None when the table cannot tell (a key without an index, no table, a table missing chunks)."""
        from recruta.ingest.prefilter import filter_keys

        where = normalize_filter(where)
        if self.texts is None or not self.prefilter or not filter_keys(where) <= set(INDEXED_KEYS):
            return None
        return self.texts.matching(where, limit=limit)

    def get(
        self,
        *,
        where: dict[str, Any] | None = None,
        ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        include_embeddings: bool = False,
    ) -> dict[str, Any]:
        """Records by filter or ids. Past ~32k matches Chroma's own SQLite query fails ("too many SQL
        variables"): read such sets in pages (``limit`` + ``offset``)."""
        include = ["metadatas", *self._documents, *(["embeddings"] if include_embeddings else [])]
        where = normalize_filter(where) if where else None
        with _chroma_errors("get", where):
            got = self.collection.get(
                ids=list(ids) if ids else None, where=where, limit=limit, offset=offset, include=include
            )
            if self.texts is not None and got.get("ids"):
                got["documents"] = self.texts.get(got["ids"])
        return cast(dict[str, Any], got)

    def all_ids(self) -> list[str]:
        return cast(list[str], self.collection.get(include=[])["ids"])

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))
            if self.texts is not None:
                self.texts.delete(ids)

    # --- portable snapshot (bundled with the MLflow model) -------------------------------
    def export(self, folder: Path, *, batch: int = 2000) -> int:
        """Write ids, texts, metadata (JSONL) and embeddings (.npy) in id order."""
        folder.mkdir(parents=True, exist_ok=True)
        ids = sorted(self.all_ids())
        vectors = []
        with open(folder / "records.jsonl", "w", encoding="utf-8") as fh:
            for start in range(0, len(ids), batch):
                got = self.get(ids=ids[start : start + batch], include_embeddings=True)
                order = {i: n for n, i in enumerate(got["ids"])}
                for i in ids[start : start + batch]:
                    n = order[i]
                    fh.write(
                        json.dumps(
                            {"id": i, "text": got["documents"][n], "metadata": got["metadatas"][n]}, ensure_ascii=False
                        )
                        + "\n"
                    )
                    vectors.append(np.asarray(got["embeddings"][n], dtype=np.float32))
        np.save(folder / "embeddings.npy", np.stack(vectors) if vectors else np.zeros((0, 0), np.float32))
        (folder / "manifest.json").write_text(json.dumps({"collection": self.name, "count": len(ids)}))
        return len(ids)

    def import_snapshot(self, folder: Path, *, batch: int = 2000) -> int:
        vectors = np.load(folder / "embeddings.npy")
        with open(folder / "records.jsonl", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh]
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            self._write(
                ids=[r["id"] for r in part],
                texts=[r["text"] for r in part],
                metadatas=[r["metadata"] for r in part],
                embeddings=vectors[start : start + batch],
            )
        return len(rows)
