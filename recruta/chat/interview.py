"""Interview questions built from the facts: the gaps against the loaded job first, then its strengths to probe.

With a job description, every question comes from the CV-vs-job match (:func:`recruta.screening.matching.match`):
a requirement the CV shows no evidence of becomes "have you worked with X?", a language/education/experience
shortfall its own question, and a strength a question that checks its depth, quoting the CV line. Without a job,
the questions check what the documents claim (top technical skills, evidenced competences) and the answer says
that loading the job gives questions about the gaps. "Três perguntas técnicas" gives three, technical only.
Templates: ``recruta/i18n/catalogues/chat.json`` (``interview.*``).
"""

from __future__ import annotations

import re

from recruta.chat import intents as it
from recruta.chat.answers import Reply, candidate_text, soft_skill_lines
from recruta.chat.evidence import evidence_line
from recruta.chat.fit import by_job_wording
from recruta.chat.profiles import Analyst
from recruta.chat.summary import clip, top_skills
from recruta.i18n import message, messages

__all__ = ["DEFAULT_QUESTIONS", "interview_questions"]

DEFAULT_QUESTIONS = 5
MAX_QUESTIONS = 10
_TECHNICAL = re.compile(r"\b(?:tecnic\w*|technical|tech|hard skills?)\b")
_BEHAVIOURAL = re.compile(r"\b(?:comportament\w*|behaviou?r\w*|soft skills?|conductual\w*|situacion\w*)\b")


def interview_questions(question: str, documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    q = it.folded(question)
    wanted = min(MAX_QUESTIONS, it.requested_count(q) or DEFAULT_QUESTIONS)
    technical = bool(_TECHNICAL.search(q))
    behavioural = bool(_BEHAVIOURAL.search(q)) and not technical
    if "job_description" in documents:
        return _from_match(
            documents, lang=lang, analyst=analyst, wanted=wanted, technical=technical, behavioural=behavioural
        )
    return _from_documents(
        documents, lang=lang, analyst=analyst, wanted=wanted, technical=technical, behavioural=behavioural
    )


def _from_match(
    documents: dict[str, str], *, lang: str, analyst: Analyst, wanted: int, technical: bool, behavioural: bool
) -> Reply:
    t = messages("chat", lang)
    cv = analyst.profile(documents["cv"], is_job=False)
    job = analyst.profile(documents["job_description"], is_job=True)
    result = analyst.match(cv, job, lang=lang)
    gaps: list[str] = []
    # technical gaps stated on a requirement line first; a word from the job's introduction ("marketing") last
    required = {" ".join(r.split()) for r in job.requirements}
    skill_gaps = sorted(
        (g for g in result.gaps if g["skill"]),
        key=lambda g: (
            job.skills[str(g["skill"])].category not in ("hard", "tool"),
            " ".join(str(g["requirement"]).split()) not in required,
        ),
    )
    for label, g in by_job_wording(skill_gaps, job, limit=MAX_QUESTIONS):
        gaps.append(message("chat", "interview.gap", lang, skill=label, requirement=clip(str(g["requirement"]), 90)))
    others: list[str] = []
    if not technical:
        for g in result.gaps:
            if g["skill"] is None:
                signal = str(g["requirement"])
                others.append(message("chat", f"interview.signal.{signal}", lang, detail=str(g["evidence"] or "")))
    probes: list[str] = []
    for label, s in by_job_wording(result.strengths, job, limit=MAX_QUESTIONS):
        ev = cv.skills[str(s["skill"])]
        probes.append(
            message(
                "chat", "interview.probe", lang, skill=label, line=evidence_line(cv.text, ev.start, ev.quote, limit=110)
            )
        )
    soft: list[str] = []
    if behavioural or not technical:
        _, found = soft_skill_lines(documents, lang=lang)
        soft = [message("chat", "interview.soft", lang, skill=" ".join(f.quote.split()), line=f.line) for f in found]
    ordered = (soft + others + gaps) if behavioural else _interleave(gaps, probes, others)
    if not ordered:
        ordered = probes + soft
    chosen = ordered[:wanted]
    heading = message("chat", "interview.heading_job", lang, score=result.score)
    lines = [heading, "", *(f"{n}. {text}" for n, text in enumerate(chosen, 1))]
    if not chosen:
        lines.append(t["interview.none"])
    lines += ["", t["interview.note_job"]]
    return Reply(answer="\n".join(lines), mode="computed")


def _interleave(gaps: list[str], probes: list[str], others: list[str]) -> list[str]:
    """Gaps first (they decide the hire), one probe of a strength after every two gaps, the other signals next."""
    out: list[str] = []
    gi = pi = 0
    while gi < len(gaps) or pi < len(probes):
        for _ in range(2):
            if gi < len(gaps):
                out.append(gaps[gi])
                gi += 1
        if pi < len(probes):
            out.append(probes[pi])
            pi += 1
        if others and len(out) >= 3:
            out.append(others.pop(0))
    return out + others


def _from_documents(
    documents: dict[str, str], *, lang: str, analyst: Analyst, wanted: int, technical: bool, behavioural: bool
) -> Reply:
    t = messages("chat", lang)
    cv = analyst.profile(candidate_text(documents), is_job=False)
    probes: list[str] = []
    by_quote = {" ".join(ev.quote.split()): ev for ev in cv.skills.values()}
    for quote in top_skills(cv, limit=MAX_QUESTIONS):
        ev = by_quote.get(quote)
        if ev is None or ev.category not in ("hard", "tool"):
            continue
        probes.append(
            message(
                "chat", "interview.probe", lang, skill=quote, line=evidence_line(cv.text, ev.start, ev.quote, limit=110)
            )
        )
    _, found = soft_skill_lines(documents, lang=lang)
    soft = [message("chat", "interview.soft", lang, skill=" ".join(f.quote.split()), line=f.line) for f in found]
    career = [message("chat", "interview.career", lang)] if cv.years else []
    if technical:
        ordered = probes
    elif behavioural:
        ordered = soft + career
    else:
        ordered = _alternate(probes, soft) + career
    chosen = ordered[:wanted]
    lines = [t["interview.heading_cv"], "", *(f"{n}. {text}" for n, text in enumerate(chosen, 1))]
    if not chosen:
        lines.append(t["interview.none"])
    lines += ["", t["interview.note_cv"]]
    return Reply(answer="\n".join(lines), mode="extracted")


def _alternate(first: list[str], second: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(len(first), len(second))):
        out += [x[i] for x in (first, second) if i < len(x)]
    return out
