"""Filtered vector search at scale: the text table's metadata indexes narrow the candidates, not Chroma's filter.

Embedded Chroma keeps no index over metadata: a ``where`` is a scan of every chunk's metadata and then an HNSW
walk restricted to the matches, so a filter cost grows with the whole index (bench/retrieval.py: 310 ms for
``type = vaga`` at 500k chunks against 8 ms unfiltered, and ~1 s for a vaga's few applications at 200k on a busy
machine). The text table beside the collection (recruta/ingest/store.py) holds every chunk's metadata with indexes
on the keys filters name most (:data:`~recruta.ingest.store.INDEXED_KEYS`), so it counts a filter's matches in a
few ms, and then:

- few matches (≤ :data:`EXACT_MAX`): their vectors are read by id and ranked exactly (a matrix product) — what a
  filtered search means, with no approximation;
- many (a broad filter such as a type or an outcome): the unfiltered HNSW search, asked for enough neighbours that
  ``k`` of them pass the filter (``k × total / matches × OVERSAMPLE``), kept if they do — HNSW's own approximation,
  as Chroma's filtered search has;
- otherwise (a filter on a key without an index, too few survivors, or a Chroma server with no text table):
  Chroma's own filtered query, as before.

bench/retrieval.py measures the routes (and checks they return Chroma's results).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from recruta.ingest.store import Hit, Store

__all__ = ["EXACT_MAX", "OVERFETCH_MAX", "OVERSAMPLE", "filter_keys", "matches", "prefiltered_query"]

EXACT_MAX = 2000  # matches ranked exactly: reading this many vectors by id costs about one HNSW search
OVERSAMPLE = 3.0  # neighbours asked for beyond the expected k survivors (they are not spread evenly)
OVERFETCH_MAX = 2000  # above this, the filter is too narrow for the unfiltered search: Chroma's filter instead


def filter_keys(where: dict[str, Any]) -> set[str]:
    """Every metadata key a normalised filter names."""
    ((key, value),) = where.items()
    if key in ("$and", "$or"):
        return set().union(*(filter_keys(sub) for sub in value))
    return {key}


def matches(meta: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether a chunk's metadata pass a normalised filter, with Chroma's semantics (as
    :func:`recruta.ingest.store.filter_sql`): ``$ne``/``$nin`` also match a missing key, the others need it."""
    ((key, value),) = where.items()
    if key == "$and":
        return all(matches(meta, sub) for sub in value)
    if key == "$or":
        return any(matches(meta, sub) for sub in value)
    op, arg = next(iter(value.items())) if isinstance(value, dict) else ("$eq", value)
    if key not in meta:
        return op in ("$ne", "$nin")
    got = meta[key]
    if op == "$eq":
        return bool(got == arg)
    if op == "$ne":
        return bool(got != arg)
    if op == "$in":
        return got in arg
    if op == "$nin":
        return got not in arg
    try:
        return bool({"$gt": got > arg, "$gte": got >= arg, "$lt": got < arg, "$lte": got <= arg}[op])
    except TypeError:  # a text compared with a number: no match, as in SQL
        return False


def _hits(store: Store, ids: list[str], metas: list[dict[str, Any]], scores: list[float]) -> list[Hit]:
    from recruta.ingest.store import Hit

    texts = store.texts.get(ids) if store.texts is not None else [""] * len(ids)
    return [
        Hit(id=i, text=t or "", metadata=m or {}, score=s) for i, t, m, s in zip(ids, texts, metas, scores, strict=True)
    ]


def prefiltered_query(store: Store, vector: np.ndarray, *, k: int, where: dict[str, Any]) -> list[Hit] | None:
    """The top ``k`` chunks for ``vector`` within ``where`` (normalised) by the routes of the module docstring;
    None when Chroma's own filter must answer."""
    from recruta.ingest.store import INDEXED_KEYS

    table = store.texts
    if table is None or not store.prefilter or not filter_keys(where) <= set(INDEXED_KEYS):
        return None
    count, ids = table.matching(where, limit=EXACT_MAX)
    if count == 0:
        return []
    if ids:  # few: exact ranking of all of them
        got = store.collection.get(ids=ids, include=["embeddings", "metadatas"])
        if len(got["ids"]) != len(ids):  # the table and the collection disagree: trust Chroma
            return None
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(vector) or 1.0)
        scores = (vectors @ vector) / np.where(norms == 0, 1.0, norms)  # cosine, as Chroma's distance
        order = np.lexsort((np.asarray(got["ids"]), -scores))[:k]  # ties by id, as RAGAgent._named_chunks
        return _hits(
            store,
            [got["ids"][i] for i in order],
            [dict(got["metadatas"][i] or {}) for i in order],
            [float(scores[i]) for i in order],
        )
    total = max(table.size(), count)
    n = math.ceil(k * total / count * OVERSAMPLE)
    if n > OVERFETCH_MAX:
        return None
    res = store.collection.query(
        query_embeddings=vector.reshape(1, -1), n_results=n, include=["metadatas", "distances"]
    )
    keep = [j for j, m in enumerate(res["metadatas"][0]) if matches(dict(m or {}), where)][:k]
    if len(keep) < min(k, count):
        return None
    return _hits(
        store,
        [res["ids"][0][j] for j in keep],
        [dict(res["metadatas"][0][j] or {}) for j in keep],
        [1.0 - float(res["distances"][0][j]) for j in keep],
    )
