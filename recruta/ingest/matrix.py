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

A broad filter (a whole record type, the not-hired: ~40% of the rows at 500k) is bound by memory bandwidth: 4 bytes
x 384 per row of the span it touches, ~200 ms of CPU at 500k. For those, :class:`FirstPass` keeps in memory a
float16 copy of the unit vectors ordered by record type (one contiguous partition per ``type``), built from the
matrix at the first broad query after a load (~1-3 s of CPU at 500k, half the matrix's size in memory). A broad
query scans only the partitions of the types its rows have, at half the bytes, then ranks exactly (float32, as
step 2) the best :data:`RERANK` rows and every row whose float16 score is within :data:`MARGIN` of the exact
``k``-th: float16 rounding moves a unit cosine by at most ~0.0015 (2^-11 relative per factor and for the result,
fp32 accumulation), checked on a sample when the copy is built, so the result is still the exact top ``k``. Which
route a filter takes is chosen by its row count against the rows of the partitions it touches
(:data:`FIRST_PASS_SHARE`): the hires or a type plus an id stay on the exact gather.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

__all__ = [
    "BLOCK",
    "FIRST_PASS_SHARE",
    "MARGIN",
    "RERANK",
    "Codes",
    "FirstPass",
    "MatrixState",
    "VectorMatrix",
    "nearest_rows",
    "stem_for",
]

BLOCK = 8192  # rows per matrix-vector product: 12 MB of float32 at 384 dimensions, within a core's L2+L3 reach
_ABSENT = -1.0  # the norm of a row without a vector
_GROW = 4096  # rows added at least when the files grow
FIRST_PASS_SHARE = 0.125  # the float16 first pass when a filter keeps at least this share of its partitions' rows
FIRST_PASS_MIN = 20_000  # … and at least this many rows (below, the exact gather costs a few ms at most)
RERANK = 200  # rows ranked exactly after the first pass before its margin is applied
MARGIN = 2.0**-8  # bound on |float16 cosine - float32 cosine| for unit vectors (~0.0015 derived, 2.6x headroom)


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


def _exact(vectors: np.ndarray, norms: np.ndarray, rows: np.ndarray, q: np.ndarray, qnorm: float) -> np.ndarray:
    """The float32 cosines of ``rows`` (ascending), by the formula :func:`nearest_rows` uses."""
    scale = norms[rows] * qnorm
    if np.any(scale < 0):
        raise LookupError("a row without its vector")
    dots: np.ndarray = vectors[rows] @ q
    return dots / np.where(scale == 0, 1.0, scale)


def _top(rows: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best ``k`` with every row tied with the ``k``-th."""
    if len(scores) > k:
        keep = scores >= np.partition(scores, len(scores) - k)[len(scores) - k]
        return rows[keep], scores[keep]
    return rows, scores


@dataclass(frozen=True)
class FirstPass:
    """Every present row's unit vector in float16, ordered by record type: ``order[i]`` is the matrix row of
    position ``i``, and the rows of type code ``t`` (``-1``: no type) are positions ``parts[t]``."""

    half: Any  # torch.Tensor [present rows, dim], float16
    order: np.ndarray  # int64 matrix row per position
    parts: dict[int, tuple[int, int]]  # type code -> [lo, hi) positions

    @classmethod
    def build(cls, matrix: VectorMatrix, codes: Codes, *, key: str = "type") -> FirstPass | None:
        """From the matrix's present rows (None when a table row has no vector, or float16 products on this
        machine are not within :data:`MARGIN` of float32 ones)."""
        import torch

        present = np.flatnonzero(codes.rows)
        if len(present) and (int(present[-1]) >= matrix.rows or np.any(matrix.norms[present] < 0)):
            return None
        column = codes.columns[key][present]
        sort = np.argsort(column, kind="stable")
        order = present[sort]
        bounds = np.flatnonzero(np.diff(column[sort])) + 1
        starts = np.concatenate(([0], bounds)).astype(np.int64)
        ends = np.concatenate((bounds, [len(order)])).astype(np.int64)
        parts = {int(column[sort][lo]): (int(lo), int(hi)) for lo, hi in zip(starts, ends, strict=True) if hi > lo}
        half = torch.empty((len(order), matrix.dim), dtype=torch.float16)
        for lo in range(0, len(order), BLOCK):
            rows = order[lo : lo + BLOCK]
            unit = matrix.vectors[rows] / np.where(matrix.norms[rows] == 0, 1.0, matrix.norms[rows])[:, None]
            half[lo : lo + len(rows)] = torch.from_numpy(np.ascontiguousarray(unit, dtype=np.float32))
        made = cls(half=half, order=order, parts=parts)
        return made if made._within_margin(matrix) else None

    def _within_margin(self, matrix: VectorMatrix) -> bool:
        """float16 scores of a sample of rows against float32 ones, for random queries: within a quarter of the
        margin (the bound derived for an fp32-accumulating product), else this machine's kernel is not trusted."""
        rng = np.random.default_rng(0)
        at = rng.choice(len(self.order), size=min(256, len(self.order)), replace=False)
        if not len(at):
            return True
        for _ in range(4):
            q = rng.normal(size=matrix.dim).astype(np.float32)
            q /= np.linalg.norm(q)
            rows = self.order[at]
            exact = _exact(matrix.vectors, matrix.norms, rows, q, 1.0)
            approx = self.scores(at, q)
            if float(np.max(np.abs(approx - exact))) > MARGIN / 4:
                log.warning("float16 products are not within the margin here: filtered search stays exact float32")
                return False
        return True

    def scores(self, positions: np.ndarray | slice, unit: np.ndarray) -> np.ndarray:
        """float16 cosines of the positions to the unit query ``unit``, as float32."""
        import torch

        q = torch.from_numpy(np.ascontiguousarray(unit, dtype=np.float32)).to(torch.float16)
        block = self.half[positions] if isinstance(positions, slice) else self.half[torch.from_numpy(positions)]
        out: np.ndarray = torch.mv(block, q).float().numpy()
        return out

    def reach(self, type_column: np.ndarray, rows: np.ndarray) -> list[tuple[int, int, bool]]:
        """The partitions (``[lo, hi)`` positions) holding ``rows``, and whether ``rows`` hold all of each."""
        counts = np.bincount(type_column[rows] + 1, minlength=1)
        out = []
        for t in np.flatnonzero(counts):
            lo, hi = self.parts.get(int(t) - 1, (0, 0))
            out.append((lo, hi, int(counts[t]) == hi - lo))
        return out

    def nearest(
        self,
        matrix: VectorMatrix,
        reach: list[tuple[int, int, bool]],
        rows: np.ndarray,
        vector: np.ndarray,
        *,
        k: int,
    ) -> list[tuple[int, float]]:
        """:func:`nearest_rows`' answer for ``rows`` (ascending, all within ``reach``, the first pass built from the
        codes they come from): float16 scores over the partitions, then float32 ones for the best :data:`RERANK` and
        every row within :data:`MARGIN` of the exact ``k``-th."""
        import torch

        if not len(rows) or k <= 0:
            return []
        if int(rows[-1]) >= matrix.rows or sum(hi - lo for lo, hi, _ in reach) < len(rows):
            raise LookupError("rows outside the first pass")
        q = np.asarray(vector, dtype=np.float32).reshape(-1)
        qnorm = float(np.linalg.norm(q)) or 1.0
        half_q = torch.from_numpy(q / qnorm).to(torch.float16)
        member: np.ndarray | None = None
        parts, positions = [], []
        for lo, hi, whole in reach:
            approx = torch.mv(self.half[lo:hi], half_q).float()
            if not whole:  # the rows of this partition the filter leaves out score -inf
                if member is None:
                    member = np.zeros(matrix.rows, dtype=bool)
                    member[rows] = True
                approx.masked_fill_(torch.from_numpy(~member[self.order[lo:hi]]), -np.inf)
            parts.append(approx)
            positions.append(self.order[lo:hi])
        approx = parts[0] if len(parts) == 1 else torch.cat(parts)
        order = positions[0] if len(positions) == 1 else np.concatenate(positions)
        first = torch.topk(approx, min(len(rows), max(RERANK, k)), sorted=False).indices.numpy()
        picked = np.sort(order[first])
        scores = _exact(matrix.vectors, matrix.norms, picked, q, qnorm)
        if len(picked) < len(rows):  # then k or more picked: any row within the margin of their k-th may beat it
            kth = float(np.partition(scores, len(scores) - k)[len(scores) - k])
            close = approx.numpy() + MARGIN >= kth  # the rows left out score -inf: never close
            close[first] = False
            near = np.sort(order[np.flatnonzero(close)])
            picked = np.concatenate((picked, near))
            scores = np.concatenate((scores, _exact(matrix.vectors, matrix.norms, near, q, qnorm)))
        top_rows, top_scores = _top(picked, scores, k)
        return [(int(r), float(s)) for r, s in zip(top_rows, top_scores, strict=True)]


@dataclass
class MatrixState:
    """What a text table keeps in memory for its matrix: the matrix, the codes of its rows' indexed keys and the
    first pass built from both, and when they were loaded (``seen``: this connection's own writes, ``version``, and
    SQLite's ``data_version``, which counts other connections' writes)."""

    version: int = 0
    seen: tuple[int, int] | None = None
    codes: Codes | None = None
    matrix: VectorMatrix | None = None
    first_pass: FirstPass | None = None
    first_pass_tried: bool = False
    use_first_pass: bool = True  # False: every filter by the exact gather (benchmarks compare both)
    _building: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wrote(self) -> None:
        self.version += 1

    def stale(self, data_version: int) -> bool:
        return (self.version, data_version) != self.seen or self.codes is None

    def load(self, codes: Codes, data_version: int) -> None:
        self.codes, self.seen = codes, (self.version, data_version)
        self.first_pass, self.first_pass_tried = None, False
        if self.matrix is not None:
            self.matrix.refresh()

    def drop(self) -> None:
        """Forget the matrix (the table's rows were renumbered)."""
        self.matrix, self.first_pass, self.first_pass_tried, self.codes, self.seen = None, None, False, None, None

    def nearest(
        self, matrix: VectorMatrix, codes: Codes, rows: np.ndarray, vector: np.ndarray, *, k: int
    ) -> list[tuple[int, float]]:
        """The best ``k`` of ``rows`` (of ``codes``, as loaded with ``matrix``) as :func:`nearest_rows`, through the float16 first pass when they are a large
        share of the partitions they touch (:data:`FIRST_PASS_SHARE`), else by the exact gather."""
        first_pass = self.first_pass if self.codes is codes else None
        if self.use_first_pass and len(rows) >= FIRST_PASS_MIN and "type" in codes.columns:
            if first_pass is None and not self.first_pass_tried:
                with self._building:  # one build per load, however many queries wait for it
                    if not self.first_pass_tried and self.codes is codes:
                        self.first_pass, self.first_pass_tried = _first_pass(matrix, codes), True
                    first_pass = self.first_pass if self.codes is codes else None
            if first_pass is not None:
                reach = first_pass.reach(codes.columns["type"], rows)
                if len(rows) >= FIRST_PASS_SHARE * sum(hi - lo for lo, hi, _ in reach):
                    return first_pass.nearest(matrix, reach, rows, vector, k=k)
        return nearest_rows(matrix.vectors, matrix.norms, rows, vector, k=k)


def _first_pass(matrix: VectorMatrix, codes: Codes) -> FirstPass | None:
    try:
        return FirstPass.build(matrix, codes)
    except ImportError:  # no torch: exact float32 only
        return None


def stem_for(texts_path: Path) -> Path:
    """Where the matrix of a text table lives: beside it, named after it."""
    return texts_path.with_name(texts_path.stem.replace("texts-", "vectors-", 1))
