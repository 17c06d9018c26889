"""The facts and embeddings the chat computes from a session's documents, cached because every turn needs them.

A session's documents do not change between turns, but each turn re-ranks their passages and may re-match the CV
against the job, so both are cached by content:

- profiles (``recruta.screening.matching.profile``, a pure function of the text): ``functools.lru_cache``;
- passage embeddings: :class:`BoundedCache`, a small thread-safe LRU mapping. Not ``lru_cache``, because the
  lookups are batched: the passages not seen yet are embedded in *one* ``embedder.embed`` call, and a per-text
  ``lru_cache`` would turn that into one model call per passage.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

import numpy as np

from recruta.ingest.embeddings import Embedder
from recruta.screening.matching import MatchResult, Profile, job_focus_text, match, paragraphs, profile

__all__ = ["Analyst", "BoundedCache", "profile_of"]

K = TypeVar("K")
V = TypeVar("V")


@lru_cache(maxsize=4096)  # whole documents and their paragraphs (ranking looks up each passage's skills)
def _profile(text: str, is_job: bool) -> Profile:
    return profile(text, is_job=is_job)


def profile_of(text: str, *, is_job: bool) -> Profile:
    """The (cached) profile of ``text``; Profile is frozen, so sharing one between sessions is safe."""
    return _profile(text, is_job)


class BoundedCache(Generic[K, V]):
    """At most ``maxsize`` entries, least recently used dropped first; safe to share between threads."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def get_many(self, keys: Iterable[K]) -> dict[K, V]:
        """The entries found among ``keys`` (marked as recently used)."""
        found: dict[K, V] = {}
        with self._lock:
            for key in keys:
                if key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
        return found

    def put_many(self, items: Iterable[tuple[K, V]]) -> None:
        with self._lock:
            for key, value in items:
                self._data[key] = value
                self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)


@dataclass(kw_only=True)
class Analyst:
    """Profiles, passage embeddings and CV-vs-job matches for one embedder (``None``: lexical similarity only)."""

    embedder: Embedder | None
    max_vectors: int = 20_000  # ~30 MB of 384-d float32 vectors
    _vectors: BoundedCache[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._vectors = BoundedCache(self.max_vectors)

    @staticmethod
    def profile(text: str, *, is_job: bool) -> Profile:
        return profile_of(text, is_job=is_job)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of ``texts`` (one row each), the ones not cached embedded in one batch."""
        assert self.embedder is not None
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        keys = [f"{self.embedder.name}:{hashlib.sha1(t.encode()).hexdigest()}" for t in texts]
        found = self._vectors.get_many(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = self.embedder.embed([text_of[k] for k in missing])
            found.update(zip(missing, fresh, strict=True))
            self._vectors.put_many(zip(missing, fresh, strict=True))
        return np.vstack([found[k] for k in keys])

    def match(self, cv: Profile, job: Profile, *, lang: str | None = None) -> MatchResult:
        """``recruta.screening.matching.match`` with the CV's paragraphs and the job's focus embedded through the
        cache (the summary and every fit question match the same pair); its wording in ``lang`` (the answer's)."""
        cv_vectors = job_vector = None
        if self.embedder is not None:
            cv_vectors = self.vectors(paragraphs(cv.text))
            job_vector = self.vectors([job_focus_text(job)[:2000]])[0]
        return match(cv, job, embedder=self.embedder, cv_vectors=cv_vectors, job_vector=job_vector, lang=lang)
