"""Job descriptions from structured fields, grounded in the most similar historical vagas: the service.

    service = JDService(sessionmaker=make_sessionmaker(url), retrieve=agent.retrieve)
    jd = service.generate(JDRequest(title="Engenheiro de Dados", skills=["Python", "Airflow"], language="pt"))
    jd["sections"], jd["markdown"], jd["source_vaga_ids"]

Generation is deterministic and extractive (:mod:`recruta.jd.compose` over :mod:`recruta.jd.grounding`). Only
retrieved vagas similar enough to the request lend lines, and only lines that fit the requested role
(:mod:`recruta.jd.fit`); ``line_sources`` names the vaga of every borrowed item, and when no retrieved vaga is
similar enough ``similar_history`` is False and ``history_note`` says so in the JD's language. Every
generated JD is stored (``GeneratedJD``) so it can be edited section by section and regenerated, and rated
(``JDFeedback``) per generator variant. An LLM (``generator``) may only rephrase the summary; the rephrasing is
kept only if it still contains every given value verbatim and no number, money or benefit that the template
summary did not have (:func:`recruta.jd.compose.summary_ok`). It also writes the responsibilities from the
composed lines and the given fields (:mod:`recruta.jd.llm_writing`), kept only when every item passes the checks.
Per request, ``sampling`` sets the LLM's temperature (0: greedy) and max_tokens.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, orm, select

from recruta.core.db import GeneratedJD, JDFeedback
from recruta.core.errors import NotFound
from recruta.jd.compose import compose, edit_content, edited_skills, summary_ok
from recruta.jd.fit import MIN_SIMILARITY
from recruta.jd.grounding import ground
from recruta.jd.llm_writing import write_responsibilities
from recruta.jd.request import JDError, JDRequest, parse_request
from recruta.jd.wording import SUMMARY_FIELDS, field_values, phrase, render_markdown, template_summary

if TYPE_CHECKING:  # heavy (Chroma, model runtimes): only their types are needed here
    from recruta.ingest.store import Hit
    from recruta.rag.generators import Generator, Sampling

log = logging.getLogger("recruta.jd.service")


@dataclass(kw_only=True)
class JDService:
    """Generate, edit/regenerate, store and rate job descriptions.

    ``retrieve`` is ``RAGAgent.retrieve`` (``retrieve(question, k=, filters=)`` → hits) or None for
    templates only. ``generator`` (optional, not the extractive one) only rephrases the summary.
    ``generator_name`` labels the variant for :meth:`average_ratings`. ``min_similarity``: how similar
    (:func:`recruta.jd.fit.vaga_similarity`) a retrieved vaga must be to lend lines.
    """

    sessionmaker: orm.sessionmaker[orm.Session]
    retrieve: Callable[..., list[Hit]] | None
    generator: Generator | None = None
    generator_name: str = "template"
    expand_chunks: bool = True
    max_new_tokens: int = 220
    min_similarity: float = MIN_SIMILARITY

    def __post_init__(self) -> None:
        if self._llm is not None and self.generator_name == "template":
            self.generator_name = f"template+{self._llm.name}"

    @property
    def _llm(self) -> Generator | None:
        gen = self.generator
        if gen is None:
            return None
        from recruta.rag.generators import is_llm

        return gen if is_llm(gen) else None

    # ---------------------------------------------------------------- public API
    def generate(
        self, req: JDRequest | Mapping[str, Any], *, k: int = 5, sampling: Sampling | None = None
    ) -> dict[str, Any]:
        req = parse_request(req)
        result = self._build(req, k=_check_k(k), edits={}, sampling=sampling)
        return self._save(req, result, parent_id=None)

    def regenerate(
        self,
        jd_id: str,
        *,
        section: str,
        content: str | list[str],
        k: int | None = None,
        sampling: Sampling | None = None,
    ) -> dict[str, Any]:
        """Keep ``section`` as edited (verbatim, with earlier edits of the same JD chain) and rebuild the rest."""
        edit = edit_content(section, content)
        with self.sessionmaker() as s:
            parent = self._row(s, jd_id)
            request, result = dict(parent.request), dict(parent.result)
        req = JDRequest.model_validate(request)
        edits = {**result.get("edits", {}), section: edit}
        k = _check_k(k if k is not None else int(result.get("k", 5)))
        built = self._build(req, k=k, edits=edits, sampling=sampling)
        return self._save(req, built, parent_id=jd_id)

    def feedback(self, jd_id: str, *, rating: int, comment: str = "") -> dict[str, Any]:
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise JDError(f"rating must be a whole number from 1 to 5, got {rating!r}")
        if not isinstance(comment, str):
            raise JDError("comment must be text")
        comment = comment.strip()
        if len(comment) > 5000:
            raise JDError("comment is too long (at most 5000 characters)")
        with self.sessionmaker() as s:
            row = self._row(s, jd_id)
            fb = JDFeedback(jd_id=row.id, rating=rating, comment=comment)
            s.add(fb)
            s.commit()
            return {"id": fb.id, "jd_id": row.id, "rating": rating, "comment": comment, "generator": row.generator}

    def get(self, jd_id: str) -> dict[str, Any]:
        with self.sessionmaker() as s:
            return _out(self._row(s, jd_id))

    def average_ratings(self) -> dict[str, dict[str, float]]:
        """Per generator variant: number of ratings and their mean (all JDs in the database)."""
        with self.sessionmaker() as s:
            rows = s.execute(
                select(GeneratedJD.generator, func.count(JDFeedback.id), func.avg(JDFeedback.rating))
                .join(JDFeedback, JDFeedback.jd_id == GeneratedJD.id)
                .group_by(GeneratedJD.generator)
                .order_by(GeneratedJD.generator)
            ).all()
        return {name: {"n": int(n), "mean": round(float(mean), 4)} for name, n, mean in rows}

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _row(session: orm.Session, jd_id: Any) -> GeneratedJD:
        row = session.get(GeneratedJD, jd_id) if isinstance(jd_id, str) and jd_id else None
        if row is None:
            raise NotFound(f"no generated job description with id {jd_id!r}")
        return row

    def _save(self, req: JDRequest, result: dict[str, Any], *, parent_id: str | None) -> dict[str, Any]:
        row = GeneratedJD(
            id=uuid.uuid4().hex,
            request=req.model_dump(mode="json"),
            result=result,
            generator=self.generator_name,
            parent_id=parent_id,
        )
        with self.sessionmaker() as s:
            s.add(row)
            s.commit()
            return _out(row)

    def _build(
        self, req: JDRequest, *, k: int, edits: Mapping[str, Any], sampling: Sampling | None = None
    ) -> dict[str, Any]:
        t0 = time.perf_counter()
        if self._llm is not None and sampling is None:
            from recruta.rag.generators import Sampling

            sampling = Sampling(max_tokens=self.max_new_tokens)
        extra = edited_skills(req, edits)
        g = ground(self.retrieve, " ".join([req.title, *req.skills, *extra]), k=k, expand_chunks=self.expand_chunks)
        template = template_summary(req)
        summary, summary_source = template, "template"
        if "summary" in edits:
            summary_source = "edited"
        elif self._llm is not None:
            assert sampling is not None
            summary, summary_source = self._polish(template, req, sampling)
        c = compose(req, g, summary=summary, extra=extra, edits=edits, min_similarity=self.min_similarity)
        responsibilities_source = "edited" if "responsibilities" in edits else "template"
        if self._llm is not None and "responsibilities" not in edits:
            assert sampling is not None
            lines = list(zip(c.sections["responsibilities"], c.sources["responsibilities"], strict=True))
            written = write_responsibilities(
                req, lines, grounding=g, similar=c.similar_vaga_ids, generator=self._llm, sampling=sampling
            )
            if written.accepted:
                c.sections["responsibilities"], c.sources["responsibilities"] = written.items, written.sources
                responsibilities_source = "llm"
        used = c.used_vaga_ids
        total_ms = round((time.perf_counter() - t0) * 1000, 1)
        return {
            "sections": c.sections,
            "markdown": render_markdown(req.title, c.sections, req.language),
            "source_vaga_ids": g.vaga_ids,
            "used_vaga_ids": [v for v in g.vaga_ids if v in used],
            "line_sources": c.sources,
            "similar_history": bool(c.similar_vaga_ids),
            "history_note": None if c.similar_vaga_ids else phrase("history.none", req.language),
            "vaga_similarity": {v: sim.value for v, sim in c.similarity.items()},
            "min_similarity": self.min_similarity,
            "language": req.language,
            "generator": self.generator_name,
            "summary_source": summary_source,
            "responsibilities_source": responsibilities_source,
            "edits": dict(edits),
            "k": k,
            "timings_ms": {"retrieve": g.retrieve_ms, "total": total_ms},
        }

    def _polish(self, template: str, req: JDRequest, sampling: Sampling) -> tuple[str, str]:
        """The LLM's rephrasing of the template summary when :func:`summary_ok` accepts it, else the template."""
        from recruta.rag.generators import GenerationInput

        llm = self._llm
        assert llm is not None
        lang = req.language
        must = [v for name in SUMMARY_FIELDS for v in field_values(req).get(name, [])]
        system = (
            f"You rewrite a job-ad summary in {phrase('language.name', lang)} so it reads naturally, in 2-4 sentences. "
            "Copy every quoted value exactly as written. Do not add any fact, number, salary, benefit, skill "
            "or requirement. Answer with the summary only."
        )
        user = f"Summary:\n{template}\n\nValues to keep verbatim:\n" + "\n".join(f'- "{v}"' for v in must)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            text = llm.generate(
                GenerationInput(question=template, hits=[], messages=messages, temperature=sampling.temperature),
                max_new_tokens=sampling.max_tokens,
            )
        except Exception as exc:  # an unreachable/broken LLM must not break generation
            log.warning("summary rephrasing failed (%s); keeping the template summary", exc)
            return template, "template"
        text = " ".join(str(text).split()).strip().strip('"').strip()
        if summary_ok(text, template=template, req=req):
            return text, "llm"
        log.info("LLM summary rejected (a given value missing or something added); keeping the template")
        return template, "template"


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 50:
        raise JDError(f"k must be a whole number from 1 to 50, got {k!r}")
    return k


def _iso(when: datetime | None) -> str | None:
    """UTC ISO time; SQLite hands datetimes back without their zone."""
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def _out(row: GeneratedJD) -> dict[str, Any]:
    result = row.result
    return {
        "id": row.id,
        "sections": result["sections"],
        "markdown": result["markdown"],
        "source_vaga_ids": result["source_vaga_ids"],
        "used_vaga_ids": result.get("used_vaga_ids", []),
        "line_sources": result.get("line_sources", {}),
        "similar_history": result.get("similar_history", bool(result.get("used_vaga_ids"))),
        "history_note": result.get("history_note"),
        "vaga_similarity": result.get("vaga_similarity", {}),
        "min_similarity": result.get("min_similarity"),
        "language": result["language"],
        "generator": row.generator,
        "summary_source": result.get("summary_source", "template"),
        "responsibilities_source": result.get("responsibilities_source", "template"),
        "edits": result.get("edits", {}),
        "parent_id": row.parent_id,
        "request": row.request,
        "timings_ms": result.get("timings_ms", {}),
        "created_at": _iso(row.created_at),
    }


def rating_metrics(averages: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """:meth:`JDService.average_ratings` as MLflow metric names (``jd_rating_mean/<variant>``, ``jd_rating_n/...``)."""
    out: dict[str, float] = {}
    for name, stats in averages.items():
        safe = re.sub(r"[^\w.\- ]", "_", name) or "_"
        out[f"jd_rating_mean/{safe}"] = float(stats["mean"])
        out[f"jd_rating_n/{safe}"] = float(stats["n"])
    return out


# JDError, JDRequest and parse_request are re-exported: callers import them with the service.
__all__ = ["JDError", "JDRequest", "JDService", "parse_request", "rating_metrics"]
