"""Hybrid retrieval: the lexical ranking (BM25 over FTS5, recruta/ingest/store.py) fused with the dense one.

Questions that describe a record by its title, client, city or a person's name are won by words, not by
meaning: on the real vagas asked that way, BM25 finds the vaga in the top 5 far more often than MiniLM does,
while paraphrases and questions about content are the dense ranking's (bench/retrieval_hybrid.py has the
numbers). Reciprocal rank fusion (Cormack et al., 2009) adds weight/(K + rank) from each ranking: no score
calibration between a cosine and a BM25, and a chunk near the top of either list comes out near the top.
K = 5 and the lexical ranking weighing twice the dense one were measured (bench/retrieval_hybrid.py, vagas asked
by title/client/city, sample and real data agreeing): the paper's K = 60 with equal weights lets the dense
ranking's near-misses crowd out the lexical first place (hit@5 0.92-0.93 against lexical's 0.99); these put
hybrid level with lexical at hit@5 while the dense ranking still reorders and adds what words miss.

The method is a setting, ``RECRUTA_RETRIEVAL`` = ``hybrid`` (default) | ``dense`` | ``lexical``. Without a
lexical index (a Chroma server, whose texts live in the server; a collection from before the text table) hybrid
is dense, said once in the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, Literal

import numpy as np

from recruta.ingest.store import Hit, Store

__all__ = ["LEXICAL_WEIGHT", "RRF_K", "Retrieval", "fuse", "search"]

log = logging.getLogger(__name__)

Retrieval = Literal["hybrid", "dense", "lexical"]
RRF_K = 5  # small: the first places of each ranking dominate (the paper's 60 flattens them)
LEXICAL_WEIGHT = 2.0  # the lexical ranking's weight in the fusion, the dense one's being 1
DEPTH = 20  # each ranking contributes at least this many candidates to the fusion


@dataclass(frozen=True, kw_only=True)
class _Ranked:
    hit: Hit
    score: float


def fuse(
    rankings: list[list[Hit]], *, k: int, weights: tuple[float, ...] | None = None, rrf_k: int = RRF_K
) -> list[Hit]:
    """Weighted reciprocal rank fusion of ``rankings`` (each best first; ``weights``: one per ranking, default
    all 1), the top ``k``. A chunk keeps the hit of the first ranking that has it (the dense one's: its
    ``score`` is a cosine); ties keep the earlier rankings' order."""
    fused: dict[str, _Ranked] = {}
    for ranking, weight in zip(rankings, weights or (1.0,) * len(rankings), strict=True):
        for rank, hit in enumerate(ranking, start=1):
            got = fused.get(hit.id)
            add = weight / (rrf_k + rank)
            fused[hit.id] = _Ranked(hit=got.hit if got else hit, score=(got.score if got else 0.0) + add)
    order = sorted(fused.values(), key=lambda r: -r.score)  # stable: first seen first among equals
    return [r.hit for r in order[:k]]


@cache
def _said_dense_only(name: str) -> None:
    log.info(
        "no lexical index for %s (Chroma server, or a collection from before the text table): retrieval is dense only",
        name,
    )


def _cosines(store: Store, hits: list[Hit], vector: Any) -> list[Hit]:
    """Lexical hits scored like dense ones (cosine to the question), so sources read the same either way."""
    if not hits:
        return hits
    got = store.get(ids=[h.id for h in hits], include_embeddings=True)
    vectors = dict(zip(got["ids"], got["embeddings"], strict=True))
    q = np.asarray(vector, dtype=np.float32)
    return [
        replace(h, score=float(np.asarray(vectors[h.id], dtype=np.float32) @ q)) if h.id in vectors else h for h in hits
    ]


def search(
    store: Store, question: str, *, vector: Any, k: int, where: dict[str, Any] | None, method: Retrieval = "hybrid"
) -> list[Hit]:
    """The top ``k`` chunks for ``question`` within ``where`` by ``method``; every hit's ``score`` is its
    cosine to ``vector`` (the question's embedding)."""
    if method != "dense" and not store.lexical:
        _said_dense_only(store.name)
        method = "dense"
    if method == "dense":
        return store.query(vector, k=k, where=where)
    depth = max(DEPTH, 2 * k)
    lexical = store.lexical_query(question, k=k if method == "lexical" else depth, where=where)
    if method == "lexical":
        return _cosines(store, lexical, vector)
    dense = store.query(vector, k=depth, where=where)
    top = fuse([dense, lexical], k=k, weights=(1.0, LEXICAL_WEIGHT))
    in_dense = {h.id for h in dense}
    need = [h for h in top if h.id not in in_dense]
    scored = {h.id: h for h in _cosines(store, need, vector)}
    return [scored.get(h.id, h) for h in top]
