"""Filtered vector search at scale: the text table's metadata indexes narrow the candidates, not Chroma's filter.

Embedded Chroma keeps no index over metadata: a ``where`` is a scan of every chunk's metadata and then an HNSW
walk restricted to the matches, so a filter costs in proportion to the whole index, however few chunks it keeps
(bench/retrieval.py: a vaga's few applications took ~0.7-1.4 s at 200k chunks on a busy machine, against ~10-70 ms
unfiltered). The text table beside the collection (recruta/ingest/store.py) holds every chunk's metadata, with
indexes on the keys filters name most (:data:`~recruta.ingest.store.INDEXED_KEYS`), so it lists a filter's matches
in a few ms. When they are few (≤ :data:`EXACT_MAX`: a vaga, a candidate, a vaga's hires, a type plus an id),
their vectors are read by id and ranked exactly (a matrix product): what a filtered search means, without
approximation, so at least as good as Chroma's filtered walk, and equal to it wherever that walk is exact.

Otherwise Chroma's own filter answers, as before: a key without an index, a Chroma server (no text table), or a
broad filter (a record type, an outcome). Reading thousands of vectors back by id costs more than Chroma's scan, and
an unfiltered search over-fetched until ``k`` matches appear was measured and dropped: the matches of a type filter
are not spread evenly (vagas lie away from a question about a person, so none came back), and HNSW's approximation
then changed the results.

An index built since issue #17's part 3 keeps every vector in a matrix beside the text table and answers every
filter its codes can from there, exactly, at any size (recruta/ingest/matrix.py); this module serves the indexes
built before it, and the filters the matrix cannot answer.

Hits' metadata come from the table, written in the same call as Chroma's. bench/retrieval.py measures both routes
and checks their results against each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from recruta.ingest.store import Hit, Store

__all__ = ["EXACT_MAX", "filter_keys", "prefiltered_query"]

EXACT_MAX = 500  # matches ranked exactly: Chroma reads vectors by id at ~0.05-0.15 ms each (200k chunks)


def filter_keys(where: dict[str, Any]) -> set[str]:
    """Every metadata key a normalised filter names."""
    ((key, value),) = where.items()
    if key in ("$and", "$or"):
        return set().union(*(filter_keys(sub) for sub in value))
    return {key}


def _hits(store: Store, ids: list[str], metas: dict[str, dict[str, Any]], scores: list[float]) -> list[Hit]:
    from recruta.ingest.store import Hit

    texts = store.texts.get(ids) if store.texts is not None else [""] * len(ids)
    return [Hit(id=i, text=t or "", metadata=metas[i], score=s) for i, t, s in zip(ids, texts, scores, strict=True)]


def prefiltered_query(store: Store, vector: np.ndarray, *, k: int, where: dict[str, Any]) -> list[Hit] | None:
    """The top ``k`` chunks for ``vector`` within ``where`` (normalised), ranked exactly among the filter's matches
    when the text table lists at most :data:`EXACT_MAX` of them; None when Chroma's own filter must answer."""
    from recruta.ingest.store import INDEXED_KEYS

    table = store.texts
    if table is None or not store.prefilter or not filter_keys(where) <= set(INDEXED_KEYS):
        return None
    ids = table.matching(where, limit=EXACT_MAX)
    if len(ids) > EXACT_MAX:
        return None  # many: Chroma's filter (see the module docstring)
    if not ids:
        return []
    got = store.collection.get(ids=ids, include=["embeddings"])
    if len(got["ids"]) != len(ids):  # the table and the collection disagree: Chroma answers
        return None
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1) * (float(np.linalg.norm(vector)) or 1.0)
    scores = (vectors @ vector) / np.where(norms == 0, 1.0, norms)  # cosine, as Chroma's distance
    order = np.lexsort((np.asarray(got["ids"]), -scores))[:k]  # ties by id, as RAGAgent._named_chunks
    top = [got["ids"][i] for i in order]
    return _hits(store, top, table.metadata(top), [float(scores[i]) for i in order])
