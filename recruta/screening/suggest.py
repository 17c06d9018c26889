"""Vagas for a CV: every indexed vaga ranked by its fit to one CV, with the same score /match gives the pair.

Scoring all 14,000 vagas of a full Decision index with the whole match (char n-grams of both texts, every signal,
strengths and gaps) would take tens of seconds, so it runs in two stages:

1. **candidates** — the match's score for every vaga at once, by the matcher's own formula: ``semantic`` (mean of
   the 3 best similarities of the CV's paragraphs to the job's requirement text — the very vectors /match
   compares) and ``lexical`` (the CV's char n-grams against every vaga's) as matrix products, through
   :func:`~recruta.screening.matching.similarity_value` with the CV's
   :func:`~recruta.screening.matching.text_credit`; the skills signal as a vagas × skills matrix of
   :func:`~recruta.screening.matching.skill_weights` times the CV's
   :func:`~recruta.screening.matching.skill_credit` per skill; and the signals a job's facts alone decide —
   experience, languages, education, location, salary — computed by
   :func:`~recruta.screening.matching.score_signals` once per distinct set of those facts (~4,600 sets among
   14,000 vagas), not once per vaga. All of it comes from what the :class:`VagaPool` builds once per index;
2. **score** — :func:`recruta.screening.matching.match` itself on the best ``candidates`` vagas (100 by default),
   with the CV's paragraph vectors computed once and the vaga's stored vector: the score, strengths, gaps and
   verdict are those /match returns for the same CV and vaga, by construction.

The candidate stage only decides which vagas get the full score. It departs from the match only by arithmetic
(float32 products, no rounding of each signal to 4 decimals, nor of the score), and ``tests/test_suggest.py`` holds
it within half a point of /match's score; ``bench/vagas_for_cv.py`` measures how often the exhaustive top 10
survives it.

Profiles and requirement-text embeddings persist in one pickle per index (like the candidates' profiles), so a
restarted service reads them instead of extracting 14,000 profiles (~7 ms each) and embedding their texts again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from recruta import facts as sk
from recruta.ingest.embeddings import Embedder
from recruta.screening import matching
from recruta.screening.bands import band
from recruta.screening.matching import (
    JOB_FOCUS_CHARS,
    WEIGHTS,
    Profile,
    job_focus_text,
    lexical_vectors,
    match,
    paragraphs,
    requirement_groups,
    score_signals,
    similarity_value,
    skill_credit,
    skill_weights,
    text_credit,
)
from recruta.screening.pool import job_from_store

__all__ = ["DEFAULT_CANDIDATES", "Suggestions", "VagaEntry", "VagaPool", "exhaustive", "suggest_vagas"]

DEFAULT_CANDIDATES = 100  # vagas given the full match after the candidate stage
#: Signals a job's facts alone decide (with the CV's): the Profile fields they read, and their names.
FACT_FIELDS = ("languages", "years", "seniority", "education", "locations", "salary")
FACT_SIGNALS = ("experience", "languages", "education", "location", "salary")


@dataclass(frozen=True, kw_only=True)
class VagaEntry:
    """One indexed vaga: what a list of suggestions shows, and its job profile as /match reads it."""

    vaga_id: str
    title: str
    client: str
    location: str
    level: str
    profile: Profile

    @property
    def city(self) -> str:
        return self.location.split(",")[0].strip()


def _id_order(vaga_id: str) -> tuple[int, str]:
    return len(vaga_id), vaga_id


def _code_digest() -> str:
    """Changes whenever the code that reads a vaga into a profile or n-gram row changes: the matcher and every
    module and table of :mod:`recruta.facts` (a cache from before is then dropped)."""
    h = hashlib.sha256()
    for path in (Path(matching.__file__), *sk.source_files()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class _Memo:
    """Values by key, pickled in one file and kept only while ``version`` is the same.

    Used for what a restart should not redo per vaga: profiles and n-gram rows (version: the extraction code) and
    requirement-text vectors (version: the embedder). Keys are hashes of the inputs, so a changed vaga misses; what
    a build did not use (vagas gone from the index, texts that changed) is dropped when it saves."""

    def __init__(self, path: Path | None, *, version: str) -> None:
        self.path, self.version = path, version
        self.known: dict[str, Any] = {}
        self.used: set[str] = set()
        self.added = 0
        if path is not None and path.exists():
            try:
                with open(path, "rb") as fh:
                    saved_version, known = pickle.load(fh)
                self.known = known if saved_version == version and isinstance(known, dict) else {}
            except Exception:  # unreadable, or from another version of the code: rebuilt
                self.known = {}

    def __contains__(self, key: str) -> bool:
        return key in self.known

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.known:
            self.put(key, make())
        self.used.add(key)
        return self.known[key]

    def put(self, key: str, value: Any) -> None:
        self.known[key] = value
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        stale = self.known.keys() - self.used
        if self.path is None or not (self.added or stale):
            return
        for key in stale:
            del self.known[key]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((self.version, self.known), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


def _key(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:24]


class _ReadChunks:
    """The vaga chunks already read from the store, answering the one query :func:`job_from_store` makes, so
    every vaga's profile is built by the very function /match uses (one ``store.get`` per vaga would take minutes
    at 14,000 vagas)."""

    def __init__(self, chunks: dict[str, list[tuple[dict[str, Any], str]]]) -> None:
        self.chunks = chunks

    def get(self, *, where: dict[str, Any], **_: Any) -> dict[str, list[Any]]:
        parts = self.chunks.get(_vaga_id_in(where) or "", [])
        return {
            "ids": [f"vaga:{m.get('vaga_id')}:{m.get('chunk', 0)}" for m, _ in parts],
            "metadatas": [m for m, _ in parts],
            "documents": [d for _, d in parts],
        }


def _vaga_id_in(where: Any) -> str | None:
    if isinstance(where, dict):
        for key, value in where.items():
            if key == "vaga_id" and not isinstance(value, dict):
                return str(value)
            found = _vaga_id_in(value)
            if found is not None:
                return found
    elif isinstance(where, list):
        for item in where:
            found = _vaga_id_in(item)
            if found is not None:
                return found
    return None


def _vaga_chunks(store: Any, *, page: int = 5000) -> list[tuple[dict[str, Any], str]]:
    """(metadata, text) of every vaga chunk, read in pages (a full Decision index holds ~35k of them, more than
    one Chroma query returns)."""
    out: list[tuple[dict[str, Any], str]] = []
    offset = 0
    while True:
        got = store.get(where={"type": "vaga"}, limit=page, offset=offset)
        metas = got.get("metadatas") or []
        out.extend(zip(metas, got.get("documents") or [""] * len(metas), strict=True))
        if len(metas) < page:
            return out
        offset += page


class VagaPool:
    """Every indexed vaga's profile and requirement-text vector, plus the candidate stage's matrices.

    Built once per index (the served index does not change while serving); ``cache`` keeps profiles and vectors
    across restarts. ``embedder`` is the index's (None: no semantic signal, as /match without an embedder)."""

    def __init__(
        self, store: Any, *, embedder: Embedder | None, cache: Path | None = None, batch_size: int = 32
    ) -> None:
        started = time.perf_counter()
        self.embedder = embedder
        chunks: dict[str, list[tuple[dict[str, Any], str]]] = {}
        for meta, doc in _vaga_chunks(store):
            if meta and meta.get("vaga_id") not in (None, ""):
                chunks.setdefault(str(meta["vaga_id"]), []).append((meta, doc or ""))
        reader = _ReadChunks(chunks)
        profiles = _Memo(cache, version=_code_digest())
        self.entries: list[VagaEntry] = []
        for vid in sorted(chunks, key=_id_order):
            parts = sorted(chunks[vid], key=lambda t: int(t[0].get("chunk", 0)))
            chunks[vid] = parts
            first = parts[0][0]
            key = _key("vaga", str(first.get("title", "")), *(f"{m.get('chunk', 0)}:{d}" for m, d in parts))
            prof: Profile = profiles.get(key, functools.partial(job_from_store, reader, vid))
            self.entries.append(
                VagaEntry(
                    vaga_id=vid,
                    title=str(first.get("title", "")),
                    client=str(first.get("client", "")),
                    location=str(first.get("location", "")),
                    level=str(first.get("level", "")),
                    profile=prof,
                )
            )
        self.profiles_extracted = profiles.added
        self.lexical = self._lexical(profiles)
        profiles.save()
        self.by_id = {e.vaga_id: n for n, e in enumerate(self.entries)}
        self.vectors_embedded = 0
        self.vectors: np.ndarray | None = None
        if embedder is not None:
            self.vectors = self._vectors(embedder, cache, batch_size=batch_size)
        # The skills each vaga asks for, weighted as the skills signal weighs them (matching.skill_weights), with
        # each column's category (a skill's credit depends on it: matching.skill_credit).
        categories = {name: ev.category for e in self.entries for name, ev in e.profile.skills.items()}
        self.skill_index = {name: n for n, name in enumerate(sorted(categories))}
        self.skill_categories = [categories[name] for name in sorted(categories)]
        # A line's alternatives ("Java ou Spring") are one requirement at its first skill's weight, met by the
        # best credit of any (matching.requirement_groups): the others weigh 0 here, and each group adds
        # weight × (its best credit − its first skill's) per request (``alt_*``).
        self.skill_weights = np.zeros((len(self.entries), len(categories)), dtype=np.float32)
        alternatives: list[tuple[int, float, list[int]]] = []
        for row, e in enumerate(self.entries):
            weights = skill_weights(e.profile)
            for group in requirement_groups(e.profile):
                self.skill_weights[row, self.skill_index[group[0]]] = weights[group[0]]
                if len(group) > 1:
                    alternatives.append((row, weights[group[0]], [self.skill_index[k] for k in group]))
        self.skill_totals = self.skill_weights.sum(axis=1)
        width = max((len(cols) for _, _, cols in alternatives), default=0)
        self.alt_rows = np.array([row for row, _, _ in alternatives], dtype=np.int64)
        self.alt_weights = np.array([w for _, w, _ in alternatives], dtype=np.float32)
        self.alt_cols = np.full((len(alternatives), width), -1, dtype=np.int64)  # -1: no skill (credit 0)
        for n, (_, _, cols) in enumerate(alternatives):
            self.alt_cols[n, : len(cols)] = cols
        # Each vaga's facts (years, level, education, languages, places, salary) as an index into the distinct ones.
        facts: dict[str, int] = {}
        self.facts: list[Profile] = []
        self.fact_of = np.zeros(len(self.entries), dtype=np.int64)
        for row, e in enumerate(self.entries):
            p = e.profile
            key = repr((sorted(p.languages.items()), p.years, p.seniority, p.education, sorted(p.locations), p.salary))
            if key not in facts:
                facts[key] = len(self.facts)
                self.facts.append(Profile(text="", **{name: getattr(p, name) for name in FACT_FIELDS}))
            self.fact_of[row] = facts[key]
        self.build_seconds = time.perf_counter() - started

    def _lexical(self, memo: _Memo, *, batch: int = 256) -> Any:
        """Each vaga's char n-gram vector (the lexical signal's), one sparse row per vaga: /match hashes both texts
        for every pair, which for 100 vagas would cost seconds; here a request hashes only the CV."""
        from scipy.sparse import csr_matrix

        keys = [_key("lexical", e.profile.text) for e in self.entries]
        missing = list({k: e.profile.text for k, e in zip(keys, self.entries, strict=True) if k not in memo}.items())
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            rows = lexical_vectors([t for _, t in part])
            memo.put("lexical-width", rows.shape[1])
            for n, (key, _) in enumerate(part):
                lo, hi = rows.indptr[n], rows.indptr[n + 1]
                memo.put(key, (rows.indices[lo:hi].astype(np.int32), rows.data[lo:hi].astype(np.float32)))
        parts = [memo.get(k, lambda: None) for k in keys]
        indptr = np.zeros(len(parts) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(i) for i, _ in parts])
        indices = np.concatenate([i for i, _ in parts]) if parts else np.zeros(0, dtype=np.int32)
        data = np.concatenate([d for _, d in parts]) if parts else np.zeros(0, dtype=np.float32)
        width = memo.get("lexical-width", lambda: lexical_vectors([""]).shape[1])
        return csr_matrix((data, indices, indptr), shape=(len(parts), width))

    def _vectors(self, embedder: Embedder, cache: Path | None, *, batch_size: int) -> np.ndarray:
        """Each vaga's requirement text embedded as /match embeds it (that text alone, cut at JOB_FOCUS_CHARS)."""
        memo = _Memo(cache.with_name(f"{cache.stem}-vectors{cache.suffix}") if cache else None, version=embedder.name)
        texts = [job_focus_text(e.profile)[:JOB_FOCUS_CHARS] for e in self.entries]
        keys = [_key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in memo}.items())
        for start in range(0, len(missing), batch_size):
            part = missing[start : start + batch_size]
            for (key, _), vec in zip(part, embedder.embed([t for _, t in part], batch_size=batch_size), strict=True):
                memo.put(key, np.asarray(vec, dtype=np.float32))
        vectors = [memo.get(k, lambda: None) for k in keys]
        memo.save()
        self.vectors_embedded = memo.added
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.entries)

    def candidate_scores(self, cv: Profile, cv_vectors: np.ndarray | None, cv_lexical: Any = None) -> np.ndarray:
        """Every vaga's score (0–1) by the match's formula — each signal's value from the matcher's own functions,
        weighted as the match weighs them (a signal a vaga cannot be judged on is left out for it, as in the
        match) — before rounding. ``cv_lexical``: the CV's n-gram row, if made."""
        n = len(self.entries)
        credit = np.zeros(len(self.skill_index))  # the CV's credit for each skill (0: it does not name it)
        for name in cv.skills:
            col = self.skill_index.get(name)
            if col is not None:
                credit[col] = skill_credit(cv, name, self.skill_categories[col])
        asks = self.skill_totals > 0
        met = self.skill_weights @ credit
        if len(self.alt_rows):
            padded = np.append(credit, 0.0)  # index -1: the padding's credit
            best = padded[self.alt_cols].max(axis=1)
            np.add.at(met, self.alt_rows, self.alt_weights * (best - padded[self.alt_cols[:, 0]]))
        skills = np.divide(met, self.skill_totals, out=np.zeros(n), where=asks)
        w_skills = np.where(asks, WEIGHTS["skills"], 0.0)
        total, weighted = w_skills.copy(), w_skills * skills
        text = text_credit(cv)
        if self.vectors is not None and cv_vectors is not None and cv_vectors.size and n:
            sims = self.vectors @ np.asarray(cv_vectors, dtype=np.float32).T  # vagas × CV paragraphs
            top = min(3, sims.shape[1])
            best = np.partition(sims, sims.shape[1] - top, axis=1)[:, -top:].mean(axis=1)
            weighted = weighted + WEIGHTS["semantic"] * similarity_value("semantic", best, credit=text)
            total = total + WEIGHTS["semantic"]
        if n:
            row = lexical_vectors([cv.text]) if cv_lexical is None else cv_lexical
            dense = np.zeros(self.lexical.shape[1], dtype=np.float32)
            dense[row.indices] = row.data
            weighted = weighted + WEIGHTS["lexical"] * similarity_value("lexical", self.lexical @ dense, credit=text)
            total = total + WEIGHTS["lexical"]
        values = np.zeros((len(FACT_SIGNALS), len(self.facts)))
        judged = np.zeros((len(FACT_SIGNALS), len(self.facts)))
        for k, facts in enumerate(self.facts):
            signals = score_signals(cv, facts, semantic=None, lexical=0.0)
            for i, name in enumerate(FACT_SIGNALS):
                if name in signals:
                    values[i, k], judged[i, k] = signals[name]["value"], 1.0
        for i, name in enumerate(FACT_SIGNALS):
            w = WEIGHTS[name] * judged[i, self.fact_of]
            weighted = weighted + w * values[i, self.fact_of]
            total = total + w
        scores: np.ndarray = np.divide(weighted, total, out=np.zeros(n, dtype=np.float64), where=total > 0)
        return scores


@dataclass(kw_only=True)
class Suggestions:
    vagas: list[dict[str, Any]]
    n_vagas: int  # vagas in the index
    n_scored: int  # vagas given the full match
    timings_ms: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"vagas": self.vagas, "n_vagas": self.n_vagas, "n_scored": self.n_scored, "timings_ms": self.timings_ms}


def suggest_vagas(
    cv: Profile,
    pool: VagaPool,
    *,
    limit: int = 10,
    candidates: int = DEFAULT_CANDIDATES,
    cv_vectors: np.ndarray | None = None,
) -> Suggestions:
    """The ``limit`` vagas of ``pool`` that fit ``cv`` best, each with /match's score, strengths, gaps and verdict
    for the pair; ``candidates`` vagas get the full match (``candidates >= len(pool)``: every vaga)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    embedder = pool.embedder
    if embedder is not None and cv_vectors is None:
        cv_vectors = embedder.embed(paragraphs(cv.text))
    timings["embed"] = (time.perf_counter() - started) * 1000
    t = time.perf_counter()
    cv_lexical = lexical_vectors([cv.text])
    cheap = pool.candidate_scores(cv, cv_vectors if embedder is not None else None, cv_lexical)
    order = np.argsort(-cheap, kind="stable")[: max(limit, candidates)]  # ties: id order (the pool's)
    timings["candidates"] = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    # The CV's n-gram row times the finalists' (in this order of operands, the very sums /match's
    # lexical_similarity does, so the value is the same to the last bit).
    lexical = (cv_lexical @ pool.lexical[order].T).toarray().ravel()
    rows = []
    for n, row in enumerate(order.tolist()):
        entry = pool.entries[row]
        job_vector = pool.vectors[row] if pool.vectors is not None else None
        result = match(
            cv,
            entry.profile,
            embedder=embedder,
            cv_vectors=cv_vectors,
            job_vector=job_vector,
            lexical=float(lexical[n]),
        )
        rows.append((row, entry, result))
    rows.sort(key=lambda r: (-r[2].score, -cheap[r[0]], r[0]))  # ties: the candidate stage's order, then id
    timings["score"] = (time.perf_counter() - t) * 1000
    vagas = [
        {
            "vaga_id": e.vaga_id,
            "title": e.title,
            "client": e.client,
            "city": e.city,
            "location": e.location,
            "level": e.level,
            "score": r.score,
            "band": band(r.score),
            "verdict": r.verdict,
            "strengths": r.strengths,
            "gaps": r.gaps,
            "signals": {k: v["value"] for k, v in r.signals.items()},
            "candidate_score": round(float(cheap[row]), 4),
        }
        for row, e, r in rows[:limit]
    ]
    timings["total"] = (time.perf_counter() - started) * 1000
    return Suggestions(
        vagas=vagas, n_vagas=len(pool), n_scored=len(rows), timings_ms={k: round(v, 1) for k, v in timings.items()}
    )


def exhaustive(cv: Profile, pool: VagaPool, *, cv_vectors: np.ndarray | None = None) -> list[tuple[str, int]]:
    """Every vaga's full match score for ``cv``, best first (the reference the two stages are measured against)."""
    got = suggest_vagas(cv, pool, limit=len(pool), candidates=len(pool), cv_vectors=cv_vectors)
    return [(v["vaga_id"], v["score"]) for v in got.vagas]
