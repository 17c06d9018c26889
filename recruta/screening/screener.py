"""Candidate screening behind /match and /rank: resolve the job, parse the CV, score, explain.

Callable without a server:

    s = Screener(store=agent.store, embedder=agent.embedder)
    s.match(cv_text="...", vaga_id="1003")
    s.rank(vaga_id="1003", scope="applicants")
    s.suggest(cv_text="...", limit=10)          # the indexed vagas that fit a CV best (suggest.py)

With ``generator`` an LLM (not the extractive one), /match's advice starts with rewordings of the CV's own lines
toward the job, each checked against the CV (advice_llm.py); the score never depends on it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.core.errors import InvalidInput, NotFound
from recruta.files import FileError, parse_file, parse_text
from recruta.i18n import message
from recruta.ingest.embeddings import Embedder
from recruta.screening import advice_llm
from recruta.screening.matching import JOB_FOCUS_CHARS, Profile, job_focus_text, match, paragraphs, profile
from recruta.screening.pool import CandidatePool, job_from_store, rank
from recruta.screening.suggest import VagaPool, suggest_vagas

if TYPE_CHECKING:  # the generators module loads the store (numpy, SQLite): imported when an LLM writes advice
    from recruta.rag.generators import Sampling

MAX_SUGGESTIONS = 50
log = logging.getLogger(__name__)


class ScreeningError(InvalidInput):
    """Bad input for screening (4xx)."""


class UnknownVaga(NotFound):
    pass


@dataclass(kw_only=True)
class Screener:
    store: Any
    embedder: Embedder | None
    max_cv_chars: int = 60_000
    profile_cache: Path | None = None  # where extracted candidate profiles persist across restarts
    generator: Any = None  # an LLM writes checked advice (advice_llm.py); None or extractive: deterministic only

    def __post_init__(self) -> None:
        self._pool: CandidatePool | None = None
        self._lock = threading.Lock()
        self._vaga_pool: VagaPool | None = None
        self._vaga_lock = threading.Lock()

    @property
    def pool(self) -> CandidatePool:
        with self._lock:
            if self._pool is None:
                self._pool = CandidatePool(self.store, cache=self.profile_cache)
            return self._pool

    @property
    def vaga_pool(self) -> VagaPool:
        """Every indexed vaga's profile and requirement-text vector (built once; kept beside the candidates')."""
        with self._vaga_lock:
            if self._vaga_pool is None:
                cache = self.profile_cache.with_name(f"vagas-{self.profile_cache.name}") if self.profile_cache else None
                self._vaga_pool = VagaPool(self.store, embedder=self.embedder, cache=cache)
            return self._vaga_pool

    def warm_up(self) -> list[threading.Thread]:
        """Build the candidate pool (/rank) and the vaga pool (/suggest_vagas) in background daemon threads, so the
        first request does not pay for them (minutes at full scale when not cached). Each pool's property holds a
        lock for its build, so a request that comes first waits for that same build — never a second one. A build
        that fails is logged and left to the first request, which retries it and reports the error: start-up never
        fails because of it."""
        threads = [
            threading.Thread(target=self._warm, args=(name,), daemon=True, name=label)
            for name, label in (("pool", "candidate-pool"), ("vaga_pool", "vaga-pool"))
        ]
        for thread in threads:
            thread.start()
        return threads

    def _warm(self, name: str) -> None:
        try:
            getattr(self, name)
        except Exception:  # logged; the first request that needs the pool builds it again and says why not
            log.exception("screening: building the %s in the background failed", name.replace("_", " "))

    def job(self, *, vaga_id: str | None, job_text: str | None) -> tuple[Profile, dict[str, Any]]:
        if vaga_id and str(vaga_id).strip():
            vid = str(vaga_id).strip()
            try:
                job = job_from_store(self.store, vid)
            except LookupError as exc:
                raise UnknownVaga(f"vaga {vid} não encontrada no índice") from exc
            return job, {"vaga_id": vid, "title": job.title}
        if job_text and job_text.strip():
            try:
                text = parse_text(job_text, max_chars=self.max_cv_chars)
            except FileError as exc:
                raise ScreeningError(f"job_text [{exc.code}]: {exc}") from exc
            return profile(text, is_job=True), {"vaga_id": None, "title": text.splitlines()[0][:120]}
        raise ScreeningError("informe 'vaga_id' (uma vaga do índice) ou 'job_text' (o texto da vaga)")

    def cv(
        self, *, cv_text: str | None = None, data: bytes | None = None, filename: str | None = None
    ) -> tuple[Profile, dict[str, Any]]:
        if data is not None:
            try:
                parsed = parse_file(data, filename=filename, max_chars=self.max_cv_chars)
            except FileError as exc:
                raise ScreeningError(f"cv_file [{exc.code}]: {exc}") from exc
            return profile(parsed.text, is_job=False), {
                "kind": parsed.kind,
                "pages": parsed.pages,
                "warnings": parsed.warnings,
            }
        if cv_text is None:
            raise ScreeningError("envie o CV em 'cv_text' ou como arquivo")
        try:
            text = parse_text(cv_text, max_chars=self.max_cv_chars)
        except FileError as exc:
            raise ScreeningError(f"cv_text [{exc.code}]: {exc}") from exc
        return profile(text, is_job=False), {"kind": "text", "pages": None, "warnings": []}

    def match(
        self,
        *,
        cv_text: str | None = None,
        data: bytes | None = None,
        filename: str | None = None,
        vaga_id: str | None = None,
        job_text: str | None = None,
        language: str | None = None,
        sampling: Sampling | None = None,
    ) -> dict[str, Any]:
        """The match of one CV and one job, worded in ``language`` (else in the CV's own language). ``sampling``:
        the LLM's temperature and max_tokens for the advice (greedy, 256 tokens by default)."""
        job, job_info = self.job(vaga_id=vaga_id, job_text=job_text)
        cv, cv_info = self.cv(cv_text=cv_text, data=data, filename=filename)
        result = match(cv, job, embedder=self.embedder, lang=language)
        out = {**result.to_dict(), "job": job_info, "cv": cv_info, "advice_source": "template"}
        if self.generator is not None:
            from recruta.rag.generators import Sampling, is_llm

            if is_llm(self.generator):
                written = advice_llm.write_advice(
                    cv, result, generator=self.generator, sampling=sampling or Sampling(), lang=language or cv.language
                )
                out["advice"], out["advice_source"] = written.advice, written.source
        return out

    def rank(
        self,
        *,
        vaga_id: str | None = None,
        job_text: str | None = None,
        cvs: list[str] | None = None,
        scope: str = "all",
        limit: int = 20,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Candidates ordered by score; the verdicts of given ``cvs`` are worded in ``language``, else in the
        job's language (one language for the whole list)."""
        job, job_info = self.job(vaga_id=vaga_id, job_text=job_text)
        lang = language or job.language
        if cvs:
            profiles = [self.cv(cv_text=t)[0] for t in cvs]
            job_vec = self.embedder.embed([job_focus_text(job)[:JOB_FOCUS_CHARS]])[0] if self.embedder else None
            rows: list[dict[str, Any]] = []
            for n, p in enumerate(profiles):
                vecs = self.embedder.embed(paragraphs(p.text)) if self.embedder else None
                r = match(p, job, embedder=self.embedder, cv_vectors=vecs, job_vector=job_vec, lang=lang)
                rows.append(
                    {
                        "index": n,
                        "score": r.score,
                        "signals": {k: v["value"] for k, v in r.signals.items()},
                        "verdict": r.verdict,
                    }
                )
            rows.sort(key=lambda r: (-r["score"], r["index"]))
            return {"job": job_info, "candidates": rows[:limit], "n_scored": len(rows)}
        if scope not in ("all", "applicants"):
            raise ScreeningError("scope deve ser 'all' ou 'applicants'")
        if scope == "applicants" and not job_info["vaga_id"]:
            raise ScreeningError("scope 'applicants' precisa de 'vaga_id'")
        pool = self.pool
        rows = rank(pool, job, embedder=self.embedder, vaga_id=job_info["vaga_id"], scope=scope, limit=limit)
        hired = sorted(pool.hired.get(str(job_info["vaga_id"]), set())) if job_info["vaga_id"] else []
        n = len(pool.applications.get(str(job_info["vaga_id"]), {})) if scope == "applicants" else len(pool)
        return {"job": job_info, "candidates": rows, "hired": hired, "n_scored": n}

    def suggest(
        self,
        *,
        cv_text: str | None = None,
        data: bytes | None = None,
        filename: str | None = None,
        limit: int = 10,
        language: str | None = None,
    ) -> dict[str, Any]:
        """The indexed vagas that fit a CV best, each with /match's score, strengths, gaps and verdict (none when
        the index holds no vaga: ``n_vagas`` says so), worded in ``language`` (else in the CV's)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SUGGESTIONS:
            raise ScreeningError(message("suggest", "limit", "pt", max=MAX_SUGGESTIONS))
        cv, cv_info = self.cv(cv_text=cv_text, data=data, filename=filename)
        if language:  # /match words its result in the CV's language unless told otherwise: tell it through the CV
            cv = replace(cv, language=language)
        return {**suggest_vagas(cv, self.vaga_pool, limit=limit).to_dict(), "cv": cv_info}
