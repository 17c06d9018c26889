""" "Is this candidate a fit?" answered from the match, not generated, so nothing in it can be invented.

The score, strengths and gaps come from :func:`recruta.screening.matching.match`; each strength quotes the job's
requirement and the CV line that evidences it. The recommendation follows the score's band
(:mod:`recruta.screening.bands`): weak → advised against, partial → only if the gaps can be closed, good/strong →
interview. Without a job description the answer is a general assessment of the candidate's competences from the
extracted facts (title, years, education, languages, the technical and behavioural competences the documents
evidence, each with its line), and says that loading the job gives the fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from recruta.chat.answers import Reply, soft_skill_lines, technologies
from recruta.chat.evidence import evidence_line
from recruta.chat.intents import intent_data
from recruta.chat.profiles import Analyst
from recruta.chat.summary import clip, fact_lines, score_line
from recruta.i18n import messages
from recruta.screening.bands import band
from recruta.screening.matching import MatchResult, Profile
from recruta.text.fold import fold

__all__ = ["assessment", "by_job_wording", "fit_answer"]


def fit_answer(documents: dict[str, str], *, lang: str, analyst: Analyst, question: str = "") -> Reply:
    """The match against the loaded job (mode "computed"), else the general assessment (mode "extracted"). A
    question about what the candidate lacks ("Quais os pontos fracos dele para a vaga?") gets the gaps first."""
    t = messages("chat", lang)
    cv = analyst.profile(documents["cv"], is_job=False)
    if "job_description" not in documents:
        return assessment(documents, lang=lang, analyst=analyst)
    job = analyst.profile(documents["job_description"], is_job=True)
    result = analyst.match(cv, job, lang=lang)
    lines = [score_line(result, lang)]
    pros: list[str] = []
    strengths = by_job_wording(result.strengths, job, limit=5)
    if strengths:
        pros.append(f"**{t['fit.strengths']}:**")
        for label, s in strengths:
            ev = cv.skills[str(s["skill"])]
            pros.append(
                f'- {label}: {t["fit.job_asks"]} "{clip(str(s["requirement"]), 100)}"; {t["fit.in_cv"]}: '
                f'"{evidence_line(cv.text, ev.start, ev.quote, limit=100)}"'
            )
    cons: list[str] = []
    skill_gaps = by_job_wording([g for g in result.gaps if g["skill"]], job, limit=5)
    other_gaps = [g for g in result.gaps if not g["skill"]][:3]
    if skill_gaps or other_gaps:
        cons.append(f"**{t['fit.gaps']}:**")
        for label, g in skill_gaps:
            cons.append(f'- {label}: {t["fit.job_asks"]} "{clip(str(g["requirement"]), 100)}"; {t["fit.no_evidence"]}')
        for g in other_gaps:
            signal = str(g["requirement"])
            cons.append(f"- {t.get(f'signal.{signal}', signal)}: {g['evidence']}")
    cue = intent_data().gaps_first
    lines += [*cons, *pros] if cue is not None and cue.search(fold(question).casefold()) else [*pros, *cons]
    lines.append(f"**{_advice(result, t)}**")
    lines.append(t["fit.computed"])
    return Reply(answer="\n".join(lines), mode="computed")


def assessment(documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    """No job loaded: what the candidate's documents evidence, from the extracted facts, quoting their lines."""
    t = messages("chat", lang)
    cv = analyst.profile(documents["cv"], is_job=False)
    lines = [t["assess.heading"], "", *fact_lines(cv, lang=lang)]
    tech = technologies(documents, lang=lang)
    if tech.found:
        lines += [
            "",
            f"**{t['assess.technical']}:**",
            *(line for line in tech.answer.splitlines() if line.startswith(("**", "- "))),
        ]
    soft, _ = soft_skill_lines(documents, lang=lang)
    if soft:
        lines += ["", f"**{t['assess.soft']}:**", *soft]
    lines += ["", t["assess.needs_job"], t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=tech.sources)


def _advice(result: MatchResult, t: dict[str, str]) -> str:
    level = band(result.score)
    if level == "weak":
        return t["fit.advice.weak"]
    if level == "partial":
        return t["fit.advice.partial"]
    return t["fit.advice.with_gaps"] if result.gaps else t["fit.advice.clear"]


def by_job_wording(items: Sequence[dict[str, Any]], job: Profile, *, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """Strengths/gaps labelled by the job's own wording of the skill, one per wording ("AWS" names aws and cloud)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for item in items:
        label = " ".join(job.skills[str(item["skill"])].quote.split())
        out.setdefault(fold(label), (label, item))
    return list(out.values())[:limit]
