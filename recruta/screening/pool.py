"""Indexed candidates and vagas behind /rank and /match by vaga id: records joined back from their chunks, CV
profiles extracted once (and kept across restarts), and every candidate scored with the signals of
:mod:`recruta.screening.matching`."""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from recruta import facts as sk
from recruta.ingest.embeddings import Embedder
from recruta.screening import matching
from recruta.screening.matching import (
    JOB_FOCUS_CHARS,
    Profile,
    combine,
    job_focus_text,
    lexical_vectors,
    score_signals,
    semantic_similarity,
)

__all__ = ["CandidatePool", "PoolEntry", "ProfileCache", "job_from_store", "join_chunks", "rank", "requirements_text"]

_PREFIX = re.compile(r"^Candidato .{0,120}? \(\d+\) \| ")


def join_chunks(pieces: Sequence[str]) -> str:
    """One record's text back from its indexed chunks, which overlap (``chunk_overlap`` characters cut at a word):
    each chunk continues where the text so far ends, so no line is there twice or cut in two ("Realizar" /
    "de dados e regras de governança" would each be quoted as a requirement)."""
    text = ""
    for piece in pieces:
        piece = piece.strip()
        if not text:
            text = piece
            continue
        joined = False
        for k in range(min(len(text), len(piece)), 0, -1):
            if text.endswith(piece[:k]) and (k == len(piece) or k >= 20):
                text += piece[k:]
                joined = True
                break
        if not joined:
            text = f"{text}\n{piece}"
    return text


@dataclass(kw_only=True)
class PoolEntry:
    candidate_id: str
    name: str
    profile: Profile
    vectors: np.ndarray  # the candidate's chunk embeddings, straight from the index


@functools.cache
def _extraction_digest() -> str:
    """Changes whenever the code or the tables that extract profiles change (a cache from before is dropped):
    :mod:`recruta.screening.matching` (which builds them) and every module and data file of :mod:`recruta.facts`,
    each with its name — and the month, since a CV's "03/2018 – atual" counts years up to today."""
    h = hashlib.sha256(date.today().strftime("%Y-%m").encode())
    for path in (Path(matching.__file__), *sk.source_files()):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class ProfileCache:
    """CV profiles by a hash of their text, pickled in one file: a restarted service (42,000 candidates at full
    Decision scale, ~7 ms each) only extracts the profiles of candidates it has not seen."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, Profile] = {}
        if path is not None and path.exists():
            try:
                with open(path, "rb") as fh:
                    version, known = pickle.load(fh)
                self.known = known if version == _extraction_digest() else {}
            except Exception:  # unreadable or from another version of the code: rebuilt
                self.known = {}
        self.added = 0

    def profile(self, text: str) -> Profile:
        key = hashlib.sha256(text.encode()).hexdigest()[:24]
        found = self.known.get(key)
        if found is None:
            found = self.known[key] = matching.profile(text, is_job=False)
            self.added += 1
        return found

    def save(self) -> None:
        if self.path is None or not self.added:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((_extraction_digest(), self.known), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


class CandidatePool:
    """Every indexed candidate's profile and chunk embeddings, loaded once (no re-embedding per request)."""

    def __init__(self, store: Any, *, cache: Path | None = None) -> None:
        got = store.get(where={"type": "candidato"}, include_embeddings=True)
        # an index without candidates (only vagas) answers None for the columns it has no rows of
        rows = zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True) if got["ids"] else ()
        chunks: dict[str, list[tuple[int, str, np.ndarray, dict[str, Any]]]] = {}
        for doc_id, text, meta, vec in rows:
            chunks.setdefault(str(meta.get("candidate_id") or doc_id.split(":")[1]), []).append(
                (int(meta.get("chunk", 0)), text or "", np.asarray(vec, dtype=np.float32), meta)
            )
        profiles = ProfileCache(cache)
        self.entries: list[PoolEntry] = []
        for cid in sorted(chunks):
            parts = sorted(chunks[cid], key=lambda t: t[0])
            text = join_chunks([_PREFIX.sub("", t) for _, t, _, _ in parts])
            self.entries.append(
                PoolEntry(
                    candidate_id=cid,
                    name=str(parts[0][3].get("name", "")),
                    profile=profiles.profile(text),
                    vectors=np.stack([v for _, _, v, _ in parts]),
                )
            )
        profiles.save()
        self.profiles_extracted = profiles.added
        self.by_id = {e.candidate_id: e for e in self.entries}
        self.lexical = lexical_vectors([e.profile.text for e in self.entries]) if self.entries else None
        apps = store.get(where={"type": "prospect"})
        self.applications: dict[str, dict[str, str]] = {}
        for meta in apps["metadatas"]:
            self.applications.setdefault(str(meta.get("vaga_id")), {})[str(meta.get("candidate_id"))] = str(
                meta.get("status", "")
            )
        self.hired: dict[str, set[str]] = {}
        for meta in apps["metadatas"]:
            if meta.get("outcome") == "hired":
                self.hired.setdefault(str(meta.get("vaga_id")), set()).add(str(meta.get("candidate_id")))

    def __len__(self) -> int:
        return len(self.entries)


def job_from_store(store: Any, vaga_id: str) -> Profile:
    got = store.get(where={"$and": [{"type": "vaga"}, {"vaga_id": str(vaga_id)}]})
    if not got["ids"]:
        raise LookupError(f"vaga {vaga_id} não está no índice")
    parts = sorted(zip(got["metadatas"], got["documents"], strict=True), key=lambda t: int(t[0].get("chunk", 0)))
    text = join_chunks([re.sub(r"^Vaga \d+ - .*? \| ", "", doc or "") for _, doc in parts])
    return matching.profile(requirements_text(text), title=str(parts[0][0].get("title", "")), is_job=True)


_NOT_REQUIREMENTS = re.compile(r"^(?:Cliente|Tipo de contratação): .*$", re.M)
_SAP_FIELD = re.compile(r"^Vaga SAP: *(.*)$", re.M | re.I)


def requirements_text(vaga_text: str) -> str:
    """A vaga record without the fields that describe the deal rather than the job: the client's name and the
    contract type ("PJ/Autônomo" is not the skill "autonomy"); "Vaga SAP: Sim" becomes a SAP requirement line and
    "Vaga SAP: Não" goes (it says SAP is *not* needed)."""
    text = _NOT_REQUIREMENTS.sub("", vaga_text)
    text = _SAP_FIELD.sub(
        lambda m: "Requisito: conhecimento em SAP" if sk.fold(m.group(1)).startswith("sim") else "", text
    )
    return re.sub(r"\n{2,}", "\n", text).strip()


def rank(
    pool: CandidatePool,
    job: Profile,
    *,
    embedder: Embedder | None,
    vaga_id: str | None = None,
    scope: str = "all",
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Score every candidate in scope ("all" indexed, or the vaga's "applicants") and order them."""
    entries = pool.entries
    applied = pool.applications.get(str(vaga_id), {}) if vaga_id else {}
    if scope == "applicants":
        entries = [pool.by_id[c] for c in sorted(applied) if c in pool.by_id]
    job_vector = embedder.embed([job_focus_text(job)[:JOB_FOCUS_CHARS]])[0] if embedder is not None else None
    lex = (pool.lexical @ lexical_vectors([job.text]).T).toarray().ravel() if pool.lexical is not None else None
    row = {e.candidate_id: i for i, e in enumerate(pool.entries)}
    hired = pool.hired.get(str(vaga_id), set()) if vaga_id else set()
    results: list[dict[str, Any]] = []
    for e in entries:
        semantic = semantic_similarity(e.vectors, job_vector) if job_vector is not None else None
        lexical = float(lex[row[e.candidate_id]]) if lex is not None else 0.0
        signals = score_signals(e.profile, job, semantic=semantic, lexical=lexical)
        results.append(
            {
                "candidate_id": e.candidate_id,
                "name": e.name,
                "score": combine(signals),
                "signals": {k: v["value"] for k, v in signals.items()},
                "applied": e.candidate_id in applied,
                "status": applied.get(e.candidate_id),
                "hired": e.candidate_id in hired,
            }
        )
    results.sort(key=lambda r: (-r["score"], r["candidate_id"]))
    return results[:limit]
