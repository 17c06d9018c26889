"""Exact filtered vector search at any filter size: the chunk vectors in a matrix beside the text table.

Embedded Chroma answers a metadata filter by scanning every chunk's metadata and walking HNSW restricted to the
matches: 310 ms for a ``type`` filter at 500k chunks, against ~8 ms unfiltered (BENCHMARKS.md). The text table
(recruta/ingest/store.py) already holds every chunk's metadata; this module keeps, beside it, every chunk's vector
(float32, as Chroma stores it) in a raw file read by memory map, row ``n - 1`` for the table's row ``n``
(``lex_rows.n``, stable across upserts of the same id: a re-run overwrites rows, never adds them). A filtered query
is then:

1. the filter's rows, from the in-memory codes of :data:`~recruta.ingest.store.INDEXED_KEYS` (loaded once from the
   table, reloaded when it changes): a few numpy comparisons over the codes, ~1 ms at 500k rows;
2. their cosine to the question, exactly (the formula of recruta/ingest/prefilter.py): one matrix-vector product
   per block of rows, on the block's contiguous slice when the filter keeps many of its rows, on the gathered rows
   otherwise, keeping each block's top ``k`` (ties kept);
3. the top ``k`` by score, ties by id, with ids and metadata read from the table for those few rows.

Exact, so equal to what a brute-force ranking of the filter's chunks gives (and to Chroma's filtered walk
wherever that walk is exact). Chosen over one Chroma collection per record type (approximate, a second HNSW write
per chunk at ingestion, and a type plus a field is still Chroma's scan) after measuring both (bench/retrieval.py,
BENCHMARKS.md). Its cost is memory bandwidth: 4 bytes x 384 per matching row.

The matrix is kept only by a text table created empty (a new index): an older index has no ``vec_info`` table and
answers filters as before (the prefilter for a few matches, Chroma's filter otherwise). A row whose vector is
missing (a run killed between the writes) sends a filter touching it to that older route too. A Chroma server (the
Ray ingestion's target, recruta/ingest/distributed.py) keeps no text table, so no matrix: its own filter answers.
The codes are loaded at the first filtered query (~2 s of CPU at 500k rows) and again after any write to the table.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

__all__ = ["BLOCK", "Codes", "VectorMatrix", "nearest_rows", "stem_for"]

BLOCK = 8192  # rows per matrix-vector product: 12 MB of float32 at 384 dimensions, within a core's L2+L3 reach
_ABSENT = -1.0  # the norm of a row without a vector
_GROW = 4096  # rows added at least when the files grow


class VectorMatrix:
    """float32 vectors ``[rows, dim]`` in ``<stem>.f32`` and their norms (``-1``: no vector) in ``<stem>.norms``,
    both raw little-endian files read by memory map; row ``i`` belongs to the text table's row ``n = i + 1``."""

    def __init__(self, stem: Path, dim: int) -> None:
        self.stem, self.dim = stem, dim
        self._vectors_path = stem.with_name(stem.name + ".f32")
        self._norms_path = stem.with_name(stem.name + ".norms")
        for path in (self._vectors_path, self._norms_path):
            path.touch(exist_ok=True)
        self._size = -1
        self.vectors: np.ndarray = np.zeros((0, dim), np.float32)
        self.norms: np.ndarray = np.zeros(0, np.float32)
        self.refresh()

    @property
    def rows(self) -> int:
        return int(self.norms.shape[0])

    def refresh(self) -> None:
        """Map the files again if another process grew them."""
        size = os.path.getsize(self._norms_path)
        if size == self._size:
            return
        rows = min(size // 4, os.path.getsize(self._vectors_path) // (4 * self.dim))
        if rows:
            self.vectors = np.memmap(self._vectors_path, dtype="<f4", mode="r+", shape=(rows, self.dim))
            self.norms = np.memmap(self._norms_path, dtype="<f4", mode="r+", shape=(rows,))
        self._size = size

    def _reserve(self, rows: int) -> None:
        if rows <= self.rows:
            return
        old = self.rows
        new = max(rows, 2 * old, _GROW)
        self.flush()
        self.vectors = self.norms = np.zeros(0, np.float32)  # drop the maps before the files change size
        with open(self._vectors_path, "r+b") as fh:
            fh.truncate(new * self.dim * 4)
        with open(self._norms_path, "r+b") as fh:
            fh.seek(old * 4)
            fh.write(np.full(new - old, _ABSENT, "<f4").tobytes())
        self._size = -1
        self.refresh()

    def write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Store ``vectors`` at table rows ``rows`` (``n``, from 1)."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(rows), -1)
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors of {vectors.shape[1]} dimensions in a matrix of {self.dim}")
        at = np.asarray(rows, dtype=np.int64) - 1
        self._reserve(int(at.max()) + 1 if len(at) else 0)
        self.vectors[at] = vectors
        self.norms[at] = np.linalg.norm(vectors, axis=1)

    def clear(self, rows: np.ndarray) -> None:
        """Mark table rows ``rows`` as having no vector (written without one, or deleted)."""
        at = np.asarray(rows, dtype=np.int64) - 1
        at = at[at < self.rows]
        if len(at):
            self.norms[at] = _ABSENT

    def flush(self) -> None:
        for mm in (self.vectors, self.norms):
            if isinstance(mm, np.memmap):
                mm.flush()

    def present(self) -> int:
        """How many rows hold a vector."""
        return int(np.count_nonzero(np.asarray(self.norms) >= 0))


@dataclass(frozen=True)
class Codes:
    """The values of the indexed metadata keys of every table row, as integer codes (``-1``: the row lacks the
    key; rows not in the table lack every key), so a filter is a few numpy comparisons."""

    rows: np.ndarray  # bool: row i is a table row (n = i + 1)
    columns: dict[str, np.ndarray]  # key -> int32 code per row
    values: dict[str, dict[Any, int]]  # key -> value -> code

    @classmethod
    def build(cls, keys: tuple[str, ...], table: list[tuple[Any, ...]]) -> Codes:
        """From ``(n, value of keys[0], value of keys[1], …)`` rows."""
        size = max((int(r[0]) for r in table), default=0)
        present = np.zeros(size, dtype=bool)
        ns = np.fromiter((int(r[0]) for r in table), dtype=np.int64, count=len(table)) - 1
        present[ns] = True
        columns, values = {}, {}
        for j, key in enumerate(keys, start=1):
            codes: dict[Any, int] = {}
            column = np.full(size, -1, dtype=np.int32)
            column[ns] = np.fromiter(
                (-1 if r[j] is None else codes.setdefault(_key(r[j]), len(codes)) for r in table),
                dtype=np.int32,
                count=len(table),
            )
            columns[key], values[key] = column, codes
        return cls(rows=present, columns=columns, values=values)

    def mask(self, where: dict[str, Any]) -> np.ndarray | None:
        """The rows a normalised filter keeps (Chroma's semantics, as ``filter_sql``: ``$ne``/``$nin`` also keep rows
        without the key); None when it names a key without codes or an operator other than equality/membership."""
        ((key, value),) = where.items()
        if key in ("$and", "$or"):
            parts = [self.mask(sub) for sub in value]
            if any(p is None for p in parts):
                return None
            out = parts[0]
            for p in parts[1:]:
                out = out & p if key == "$and" else out | p  # type: ignore[operator]
            return out
        if key not in self.columns:
            return None
        column, codes = self.columns[key], self.values[key]
        op, arg = next(iter(value.items())) if isinstance(value, dict) else ("$eq", value)
        if op in ("$eq", "$ne"):
            hit = column == codes.get(_key(arg), -2)
        elif op in ("$in", "$nin"):
            wanted = [codes[_key(a)] for a in arg if _key(a) in codes]
            hit = np.isin(column, np.asarray(wanted, dtype=np.int32))
        else:
            return None
        kept: np.ndarray = self.rows & (~hit if op in ("$ne", "$nin") else hit)
        return kept


def _key(value: Any) -> Any:
    """A value as SQLite's ``json_extract`` compares it: booleans are the integers 1 and 0."""
    return int(value) if isinstance(value, bool) else value


def nearest_rows(
    vectors: np.ndarray, norms: np.ndarray, rows: np.ndarray, vector: np.ndarray, *, k: int
) -> list[tuple[int, float]]:
    """The best ``k`` of ``rows`` (0-based rows of ``vectors``/``norms``, a :class:`VectorMatrix`'s, ascending) by
    cosine to ``vector``, with every row tied with the ``k``-th (the caller breaks ties by id): ``(row, score)``,
    unordered. Raises LookupError when a row has no vector."""
    if not len(rows) or k <= 0:
        return []
    if int(rows[-1]) >= len(norms):
        raise LookupError("rows beyond the matrix")
    q = np.asarray(vector, dtype=np.float32).reshape(-1)
    qnorm = float(np.linalg.norm(q)) or 1.0
    found_rows: list[np.ndarray] = []
    found_scores: list[np.ndarray] = []
    bounds = np.searchsorted(rows, np.arange(0, int(rows[-1]) + BLOCK + 1, BLOCK))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if lo == hi:
            continue
        part = rows[lo:hi]
        first, last = int(part[0]), int(part[-1]) + 1
        dense = 4 * len(part) >= last - first  # the contiguous slice, then the filter's rows of it; else gathered
        dots = (vectors[first:last] @ q)[part - first] if dense else vectors[part] @ q
        scale = norms[part] * qnorm
        if np.any(scale < 0):
            raise LookupError("a row without its vector")
        scores = dots / np.where(scale == 0, 1.0, scale)  # cosine, as Chroma's distance and the prefilter
        if len(scores) > k:
            keep = scores >= np.partition(scores, len(scores) - k)[len(scores) - k]
            part, scores = part[keep], scores[keep]
        found_rows.append(part)
        found_scores.append(scores)
    all_rows, all_scores = np.concatenate(found_rows), np.concatenate(found_scores)
    if len(all_scores) > k:
        keep = all_scores >= np.partition(all_scores, len(all_scores) - k)[len(all_scores) - k]
        all_rows, all_scores = all_rows[keep], all_scores[keep]
    return [(int(r), float(s)) for r, s in zip(all_rows, all_scores, strict=True)]


def stem_for(texts_path: Path) -> Path:
    """Where the matrix of a text table lives: beside it, named after it."""
    return texts_path.with_name(texts_path.stem.replace("texts-", "vectors-", 1))
