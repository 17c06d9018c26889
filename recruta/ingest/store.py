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
import math
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recruta.core.errors import InvalidInput, Unavailable
from recruta.core.settings import Settings, quiet_telemetry
from recruta.ingest.documents import Document

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
        return {"id": self.id, "type": self.metadata.get("type", ""), "score": round(self.score, 4),
                "snippet": snippet, "metadata": meta}


_SCALAR = (str, int, float, bool)
_FIELD_OPS = {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"}


def validate_filter(where: Any, *, path: str = "filtros") -> None:
    """Reject malformed metadata filters with a clear message (Chroma's own errors are opaque)."""
    normalize_filter(where, path=path)


def _check_value(value: Any, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{where}: expected a finite number")


def normalize_filter(where: Any, *, path: str = "filtros") -> dict[str, Any]:
    """Validate a metadata filter and return it in the form Chroma accepts.

    Several fields in one object (``{"type": "prospect", "outcome": "hired"}``) mean all of them: Chroma wants
    exactly one key per object, so they become an ``$and``.
    """
    if not isinstance(where, dict) or not where:
        raise InvalidInput(f"{path}: expected a non-empty object")
    clauses: list[dict[str, Any]] = []
    for key, value in where.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list) or len(value) < 2:
                raise InvalidInput(f"{path}.{key}: expected a list of at least 2 filters")
            clauses.append({key: [normalize_filter(sub, path=f"{path}.{key}[{n}]") for n, sub in enumerate(value)]})
        elif key.startswith("$"):
            raise InvalidInput(f"{path}: unknown operator {key!r} (use $and, $or, or a metadata field)")
        elif isinstance(value, dict):
            if len(value) != 1 or next(iter(value)) not in _FIELD_OPS:
                raise InvalidInput(f"{path}.{key}: expected one of {sorted(_FIELD_OPS)}")
            op, arg = next(iter(value.items()))
            if op in ("$in", "$nin"):
                if not isinstance(arg, list) or not arg or not all(isinstance(a, _SCALAR) for a in arg):
                    raise InvalidInput(f"{path}.{key}.{op}: expected a non-empty list of values")
                if len({type(a) for a in arg}) > 1:
                    raise InvalidInput(f"{path}.{key}.{op}: all values must be of the same type")
                for a in arg:
                    _check_value(a, f"{path}.{key}.{op}")
            elif not isinstance(arg, _SCALAR):
                raise InvalidInput(f"{path}.{key}.{op}: expected a string, number or boolean")
            else:
                _check_value(arg, f"{path}.{key}.{op}")
            clauses.append({key: value})
        elif not isinstance(value, _SCALAR):
            raise InvalidInput(f"{path}.{key}: expected a string, number, boolean or operator object")
        else:
            _check_value(value, f"{path}.{key}")
            clauses.append({key: value})
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
            raise StoreUnavailable(f"Chroma server {settings.chroma_host}:{settings.chroma_port} unreachable: {exc}") from exc
    target = path or settings.chroma_path
    target.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(target))


class TextTable:
    """Chunk texts by id in one SQLite file (WAL: readers never wait for the writer)."""

    _PARAMS = 900  # below SQLite's bound-parameter limit

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=60)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS texts (id TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID")

    def put(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR REPLACE INTO texts (id, text) VALUES (?, ?)", zip(ids, texts, strict=True))

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
            raise InvalidInput(f"filtros: {exc}", field="filtros") from exc
        raise StoreUnavailable(f"Chroma {action} failed: {exc}") from exc


class Store:
    def __init__(self, client: Any, name: str, *, create: bool = True) -> None:
        self.client, self.name = client, name
        folder = _local_folder(client)
        try:
            try:
                self.collection = client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if not create or not _missing(exc):
                    raise
                self.collection = client.get_or_create_collection(
                    name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}},
                    metadata={TEXTS_KEY: "table"} if folder else None,
                )
        except Exception as exc:
            if _missing(exc):
                raise LookupError(f"no Chroma collection {name!r}: run `python ingestion.py` first") from exc
            raise StoreUnavailable(f"Chroma unavailable: {exc}") from exc
        # Collections made before the text table (or on a server) keep their texts inside Chroma.
        in_table = folder is not None and (self.collection.metadata or {}).get(TEXTS_KEY) == "table"
        self.texts = TextTable(folder / f"texts-{name}.sqlite3") if in_table else None

    @property
    def _documents(self) -> list[str]:
        """What to ask Chroma for besides metadata: the texts, unless the text table holds them."""
        return [] if self.texts is not None else ["documents"]

    def count(self) -> int:
        return self.collection.count()

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["metadatas"])
        return {i: (m or {}).get(HASH_KEY, "") for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def upsert(self, docs: Sequence[Document], embeddings: np.ndarray) -> None:
        self._write(ids=[d.id for d in docs], texts=[d.text for d in docs], embeddings=embeddings,
                    metadatas=[{**d.metadata, HASH_KEY: d.content_hash} for d in docs])

    def _write(self, *, ids: list[str], texts: list[str], embeddings: Any, metadatas: list[dict[str, Any]]) -> None:
        # Texts first: a run killed in between leaves a text whose vector (and hash) is missing or older, so the
        # next run sees the hash differ and writes both again; the index never holds a vector without its text.
        if self.texts is not None:
            self.texts.put(ids, texts)
        self.collection.upsert(ids=ids, embeddings=embeddings, metadatas=metadatas,
                               documents=None if self.texts is not None else texts)

    def query(self, embedding: np.ndarray, *, k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        where = normalize_filter(where) if where else None
        with _chroma_errors("query", where):
            res = self.collection.query(
                query_embeddings=np.asarray(embedding, dtype=np.float32).reshape(1, -1), n_results=k,
                where=where, include=["metadatas", "distances", *self._documents],
            )
            texts = self.texts.get(res["ids"][0]) if self.texts is not None else res["documents"][0]
        return [
            Hit(id=i, text=t or "", metadata=m or {}, score=1.0 - float(d))
            for i, t, m, d in zip(res["ids"][0], texts, res["metadatas"][0], res["distances"][0], strict=True)
        ]

    def get(self, *, where: dict[str, Any] | None = None, ids: Sequence[str] | None = None,
            limit: int | None = None, offset: int | None = None, include_embeddings: bool = False) -> dict[str, Any]:
        """Records by filter or ids. Past ~32k matches Chroma's own SQLite query fails ("too many SQL
        variables"): read such sets in pages (``limit`` + ``offset``)."""
        include = ["metadatas", *self._documents, *(["embeddings"] if include_embeddings else [])]
        where = normalize_filter(where) if where else None
        with _chroma_errors("get", where):
            got = self.collection.get(ids=list(ids) if ids else None, where=where, limit=limit, offset=offset,
                                      include=include)
            if self.texts is not None and got.get("ids"):
                got["documents"] = self.texts.get(got["ids"])
        return got

    def all_ids(self) -> list[str]:
        return self.collection.get(include=[])["ids"]

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
                    fh.write(json.dumps({"id": i, "text": got["documents"][n], "metadata": got["metadatas"][n]},
                                        ensure_ascii=False) + "\n")
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
            self._write(ids=[r["id"] for r in part], texts=[r["text"] for r in part],
                        metadatas=[r["metadata"] for r in part], embeddings=vectors[start : start + batch])
        return len(rows)
