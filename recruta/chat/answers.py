"""Answers built from the extracted facts, each quoting the line it read them from: nothing here is generated.

One function per intent of :mod:`recruta.chat.intents` that the facts can answer: the technologies a candidate
uses, a yes/no competence check ("ele tem experiência com liderança?"), education, experience, spoken languages,
location, salary, a summary and the job's requirements. Each returns a :class:`Reply`; ``found=False`` means the
documents do not hold the answer and the text says so ("não consta") instead of pasting unrelated passages.
Answers are short Markdown (bold labels, "-" lists, quotes in "…"), which the page renders as DOM nodes.
Wording: ``recruta/i18n/catalogues/chat.json``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from recruta.chat import intents as it
from recruta.chat.documents import CANDIDATE_KINDS
from recruta.chat.evidence import (
    Found,
    direct_skills,
    evidence_line,
    find_pattern,
    find_skill,
    in_address,
    line_at,
    negated,
)
from recruta.chat.profiles import Analyst
from recruta.chat.summary import cv_title, fact_lines
from recruta.facts.employers import employers
from recruta.facts.tables import table
from recruta.i18n import message, messages
from recruta.text.fold import fold

__all__ = [
    "Reply",
    "candidate_text",
    "education",
    "experience",
    "job_requirements",
    "location",
    "personal",
    "quote_lines",
    "salary",
    "skill_check",
    "soft_skill_lines",
    "spoken_languages",
    "summary",
    "technologies",
]


@dataclass(kw_only=True)
class Reply:
    """A deterministic answer: its text, how it was made, whether the documents held it, what it quotes."""

    answer: str
    mode: str = "extracted"  # "extracted" | "computed"
    found: bool = True
    sources: list[dict[str, Any]] = field(default_factory=list)


def _q(text: str) -> str:
    return f"\u201c{text}\u201d"


def quote_lines(found: Sequence[Found], lang: str) -> list[str]:
    """ "- Label: “line”" for each piece of evidence, one per distinct line."""
    labels = messages("chat", lang)
    seen: set[tuple[str, str]] = set()
    out = []
    for f in found:
        if (f.kind, f.line) in seen:
            continue
        seen.add((f.kind, f.line))
        out.append(f"- {labels['label.' + f.kind]}: {_q(f.line)}")
    return out


def _sources(found: Sequence[Found]) -> list[dict[str, Any]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in found:
        if (f.kind, f.line) not in seen:
            seen.add((f.kind, f.line))
            out.append({"document": f.kind, "passage": f.line, "id": f"{f.kind}@{f.start}", "score": 1.0})
    return out


def _not_found(lang: str, key: str = "answer.not_found", **fields: Any) -> Reply:
    return Reply(answer=message("chat", key, lang, **fields), found=False)


def candidate_text(documents: dict[str, str]) -> str:
    return "\n\n".join(documents[k] for k in CANDIDATE_KINDS if k in documents)


# ---------------------------------------------------------------------------------------------- technologies
def technologies(documents: dict[str, str], *, lang: str) -> Reply:
    """Programming languages, frameworks and tools the extractor found, as written, with the lines they are on.

    Only what the text names itself (no implied parents: "Spring Boot" does not add "Java"); "other" holds the
    taxonomy's tools (databases, clouds, platforms), not its broad concepts ("cloud", "testing", "analytics").
    """
    t = messages("chat", lang)
    data = it.intent_data()
    groups: dict[str, list[str]] = {"languages": [], "frameworks": [], "other": []}
    found: list[Found] = []
    seen: set[str] = set()
    lines_seen: set[tuple[str, int]] = set()
    for kind in CANDIDATE_KINDS:
        text = documents.get(kind)
        if not text:
            continue
        for name, ev in direct_skills(text).items():
            group = (
                "languages"
                if name in data.languages
                else "frameworks"
                if name in data.frameworks
                else "other"
                if ev.category == "tool"
                else None
            )
            quote = " ".join(ev.quote.split())
            key = fold(quote)
            if group is None or key in seen or name in seen or in_address(text, ev.start):
                continue
            seen.update((key, name))
            groups[group].append(quote)
            begin, _ = line_at(text, ev.start)
            if (kind, begin) not in lines_seen:  # one quote per line of the document
                lines_seen.add((kind, begin))
                found.append(
                    Found(kind=kind, quote=ev.quote, line=evidence_line(text, ev.start, ev.quote), start=ev.start)
                )
    if not found:
        return _not_found(lang, "tech.none")
    lines = []
    for group in ("languages", "frameworks", "other"):
        items = groups[group][:15]
        value = ", ".join(items) if items else t["tech.none_listed"]
        lines.append(f"**{t['tech.' + group]}:** {value}")
    evidence = quote_lines(found, lang)
    lines += ["", f"{t['evidence.where']}:", *evidence[:6], "", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found)[:6])


# ---------------------------------------------------------------------------------------------- yes/no checks
def _subjects(question: str, intent: it.Intent, lang: str) -> list[tuple[str, str, str]]:
    """(kind, key, label): the traits and skills a check asks about, each once ("leadership" as trait wins); a
    trait is named in the answer's language ("liderança"), a skill as the question wrote it ("Python")."""
    t = messages("chat", lang)
    out: list[tuple[str, str, str]] = []
    for trait in intent.traits:
        out.append(("trait", trait, t.get(f"trait.{trait}", trait)))
    for skill in intent.skills:
        if skill in intent.traits:
            continue
        out.append(("skill", skill, it.skill_label(question, skill)))
    return out


def skill_check(question: str, intent: it.Intent, documents: dict[str, str], *, lang: str) -> Reply | None:
    """Yes with the lines that show it, no when a line negates it, else "the documents don't say"; None when
    the question names nothing the facts can check (then the planner answers from passages)."""
    subjects = _subjects(question, intent, lang)
    if not subjects:
        return None
    t = messages("chat", lang)
    data = it.intent_data()
    lines: list[str] = []
    evidence: list[Found] = []
    any_found = False
    for kind, key, label in subjects:
        found = find_skill(documents, key) if kind == "skill" else []
        if kind == "trait" or not found:
            rx = data.trait_evidence.get(key)
            if rx is not None:
                found = _merge(found, find_pattern(documents, rx))
            if kind == "trait" and key in _TAXONOMY_TRAITS:
                found = _merge(find_skill(documents, key), found)
        if not found:
            lines.append(f"**{t['check.unknown']}** {message('chat', 'check.not_mentioned', lang, what=label)}")
            worked_at = _employer_named(documents, label)
            if worked_at:  # "Ele conhece Figma?" of someone who worked at Figma: the CV names it, as a company
                lines[-1] = f"**{t['check.unknown']}** {message('chat', 'check.employer', lang, what=label)}"
                lines += quote_lines(worked_at, lang)
                evidence += worked_at
            continue
        any_found = True
        positive = [f for f in found if not negated(documents[f.kind], f.start)]
        verdict = t["check.yes"] if positive else t["check.no"]
        lines.append(f"**{verdict}** {message('chat', 'check.shown', lang, what=label)}")
        lines += quote_lines(positive or found, lang)
        evidence += positive or found
    lines += ["", t["note.extracted"]]
    return Reply(answer="\n".join(lines), found=any_found, sources=_sources(evidence))


def _employer_named(documents: dict[str, str], label: str) -> list[Found]:
    """The CV's job-heading lines that name ``label`` as an employer (a tool's name that is a company's)."""
    text = documents.get("cv", "")
    key = " ".join(fold(label).casefold().split())
    return [
        Found(kind="cv", quote=e.name, line=e.line, start=e.start)
        for e in employers(text)
        if " ".join(fold(e.name).casefold().split()) == key
    ][:1]


_TAXONOMY_TRAITS = frozenset({"leadership", "mentoring", "communication", "teamwork", "negotiation"})


def _merge(first: list[Found], second: list[Found], *, limit: int = 3) -> list[Found]:
    out = list(first)
    for f in second:
        if not any(g.kind == f.kind and g.line == f.line for g in out):
            out.append(f)
    return out[:limit]


# ---------------------------------------------------------------------------------------------- facts
_DEGREE = re.compile(
    r"\b(?:universi\w*|faculdade|facultad|college|school|escola|instituto|bacharel\w*|bachelor\w*|licenciatura|"
    r"graduacao|graduad[oa]|gradua\w* em|mestrado|master\w*|maestria|mba|pos-?gradua\w*|posgrado|doutorado|phd|"
    r"doctorado|tecnologo|tecnico em|ensino (?:medio|superior|fundamental)|high school|degree|diploma|"
    r"engenharia|engineering|ciencia da computacao|computer science|certifica\w*)\b"
)
MAX_PERIODS = 5


def work_periods(text: str, *, limit: int = MAX_PERIODS) -> list[Found]:
    """Where the CV states its experience, as the facts read it: the "N years" it claims ("5+ years of proven
    expertise"), then the work periods it writes ("Jun 2021 - Dec 2022", "03/2015 a atual", "desde 2015") — what
    its years of experience are computed from, so the answer quotes what it counts."""
    from recruta.facts.experience import date_ranges, experience_claim

    spans = [(start, end) for start, end, _, _ in date_ranges(text)[:limit]]
    claim = experience_claim(text)
    if claim is not None and not any(s <= claim[0] < e for s, e in spans):
        spans.insert(0, claim)
    out = []
    for start, end in spans:
        quote = text[start:end].strip()
        out.append(Found(kind="cv", quote=quote, line=evidence_line(text, start, quote), start=start))
    return out


_RELOCATE = re.compile(
    r"\b(?:disponibilidade para (?:mudanca|viagens?|viajar)|relocat\w*|mudanca|remot[oa]|remote|home ?office|"
    r"hibrid[oa]|hybrid|presencial)\b"
)
_SALARY_LINE = re.compile(r"(?:r\$|us\$|\$|€|£|\bbrl\b|\busd\b|salari\w*|salary|pretensao|remunera\w*|sueldo)")


POSTGRADUATE = 5  # one level for every degree after a first one (MBA, mestrado, doutorado): never a "yes" to one


def education(documents: dict[str, str], *, lang: str, analyst: Analyst, question: str = "") -> Reply:
    """The CV's highest education with its lines; a question about one level ("Ele tem mestrado?") gets "yes" when
    the CV shows that level or higher (below postgraduate, where the level does not tell an MBA from a doctorate),
    and "the documents don't say" with the highest level it shows when that is lower."""
    from recruta.facts.education import education_level

    cv = analyst.profile(candidate_text(documents), is_job=False)
    found = find_pattern(documents, _DEGREE, kinds=("cv",), limit=3)
    if cv.education is None and not found:
        return _not_found(lang, "answer.not_stated", what=messages("chat", lang)["signal.education"])
    t = messages("chat", lang)
    lines = [f"**{t['fact.education']}:** {t.get(f'education.{cv.education}', '')}"] if cv.education is not None else []
    asked = education_level(question, job=True) if question else None
    if asked is not None and cv.education is not None:
        have, want = t.get(f"education.{cv.education}", ""), t.get(f"education.{asked}", "")
        if cv.education < asked:
            said = message("chat", "education.below", lang, asked=want, level=have)
            lines = [f"**{t['check.unknown']}** {said}"]
        elif asked < POSTGRADUATE:
            lines = [f"**{t['check.yes']}** {lines[0]}"]
    lines += quote_lines(found, lang) + ["", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found))


def experience(documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    cv = analyst.profile(documents["cv"], is_job=False)
    found = work_periods(documents["cv"])
    t = messages("chat", lang)
    lines = []
    title = cv_title(documents["cv"])
    if title:
        lines.append(f"**{t['fact.title']}:** {title}")
    if cv.years:
        years = f"{cv.years:g}".replace(".", ",") if lang != "en" else f"{cv.years:g}"
        lines.append(f"**{t['fact.years']}:** {years} {t['fact.years_unit']}")
    worked_at = list(dict.fromkeys(e.name for e in employers(documents["cv"])))
    if worked_at:  # the companies of its job headings ("Em quais empresas ele trabalhou?")
        lines.append(f"**{t['fact.employers']}:** {', '.join(worked_at)}")
    if not cv.years and not found:
        return _not_found(lang, "answer.not_stated", what=t["signal.experience"])
    if found:
        lines += ["", f"{t['experience.positions']}:", *quote_lines(found, lang)]
    lines += ["", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found))


_LANGUAGE_NAMES = re.compile("(?<![^\\W_])(?:" + "|".join(table("languages")["any_language"]) + ")")
_ASKED_LANGUAGE = {
    "english": re.compile(r"\b(?:ingles|english)\b"),
    "spanish": re.compile(r"\b(?:espanhol|espanol|spanish|castellano)\b"),
}


_LANGUAGE_CODES = {"english": "en", "spanish": "es"}


def spoken_languages(question: str, documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    """The languages and levels the documents state; a question about one language gets yes or "not stated"."""
    t = messages("chat", lang)
    cv = analyst.profile(candidate_text(documents), is_job=False)
    found = find_pattern(documents, _LANGUAGE_NAMES, limit=4)
    q = it.folded(question)
    asked = [name for name, rx in _ASKED_LANGUAGE.items() if rx.search(q)]
    lines: list[str] = []
    if asked:
        for name in asked:
            label = t.get(f"language.{name}", name)
            if name in cv.languages:
                level = t.get(f"level.{cv.languages[name]}", str(cv.languages[name]))
                lines.append(f"**{t['check.yes']}** {label}: {level}.")
            elif any(_ASKED_LANGUAGE[name].search(fold(f.line)) for f in found):
                lines.append(f"**{t['check.yes']}** {message('chat', 'check.shown', lang, what=label)}")
            else:
                lines.append(f"**{t['check.unknown']}** {message('chat', 'check.not_mentioned', lang, what=label)}")
                if cv.language == _LANGUAGE_CODES.get(name):  # what the recruiter can see, said without a level
                    lines.append(message("chat", "check.written_in", lang, what=label))
        found = [f for f in found if any(_ASKED_LANGUAGE[n].search(fold(f.line)) for n in asked)]
        if not found and not any(n in cv.languages for n in asked):
            return Reply(answer="\n".join(lines), found=False)
    elif cv.languages or found:
        levels = [
            f"{t.get(f'language.{n}', n)} ({t.get(f'level.{v}', str(v))})" for n, v in sorted(cv.languages.items())
        ]
        if levels:
            lines.append(f"**{t['fact.languages']}:** {', '.join(levels)}")
    else:
        return _not_found(lang, "answer.not_stated", what=t["signal.languages"])
    lines += quote_lines(found, lang) + ["", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found))


def location(question: str, documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    t = messages("chat", lang)
    cv = analyst.profile(candidate_text(documents), is_job=False)
    cities = sorted(c for c in cv.locations if c not in ("remote", "relocate"))
    found: list[Found] = []
    for city in cities:
        found += find_pattern(documents, re.compile(re.escape(fold(city))), limit=1)
    moving = find_pattern(documents, _RELOCATE, limit=2)
    q = it.folded(question)
    asks_moving = bool(_RELOCATE.search(q) or re.search(r"\b(?:mudar|mudar-se|mover|move|mudarse|trasladarse)\b", q))
    if not cities and not found and not (asks_moving and moving):
        return _not_found(lang, "answer.not_stated", what=t["signal.location"])
    lines = []
    if cities:
        lines.append(f"**{t['fact.location']}:** {', '.join(c.title() for c in cities)}")
    if asks_moving and not moving:
        lines.append(message("chat", "check.not_mentioned", lang, what=t["location.moving"]))
    evidence = found + moving
    lines += quote_lines(evidence, lang) + ["", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(evidence))


def salary(documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    t = messages("chat", lang)
    cv = analyst.profile(candidate_text(documents), is_job=False)
    low, high, currency = cv.salary
    if low is None and high is None:
        return _not_found(lang, "answer.not_stated", what=t["signal.salary"])
    found = find_pattern(documents, _SALARY_LINE, limit=2)
    values = " – ".join(f"{v:,.0f}".replace(",", ".") for v in (low, high) if v is not None)
    lines = [
        f"**{t['fact.salary']}:** {currency + ' ' if currency else ''}{values}",
        *quote_lines(found, lang),
        "",
        t["note.extracted"],
    ]
    return Reply(answer="\n".join(lines), sources=_sources(found))


# (fact, what the question says, what a document line that states it says) — all folded
_PERSONAL_FACTS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "age",
        re.compile(
            r"\b(?:idade|age|edad|how old|quantos anos|cuantos anos|nasceu|nascimento|born|birth\w*|nacio|"
            r"nacimiento)\b"
        ),
        re.compile(
            r"\b(?:idade|age|edad|data de nascimento|nascimento|nascid[oa]|date of birth|born|birth ?date|"
            r"fecha de nacimiento|nacid[oa])\b|\b\d{2} anos\b|\b\d{2} years old\b|\b\d{2} anos de idade\b"
        ),
    ),
    (
        "family",
        re.compile(
            r"\b(?:estado civil|marital|casad[oa]|married|solteir[oa]|solter[oa]|single|filhos?|"
            r"children|kids|hijos?)\b"
        ),
        re.compile(
            r"\b(?:estado civil|marital status|casad[oa]|married|solteir[oa]|solter[oa]|divorciad[oa]|"
            r"divorced|filhos?|children|hijos?)\b"
        ),
    ),
    (
        "notice",
        re.compile(r"\b(?:aviso previo|notice|preaviso|periodo de aviso)\b"),
        re.compile(r"\b(?:aviso previo|notice period|preaviso|periodo de aviso)\b"),
    ),
    (
        "start",
        re.compile(
            r"\b(?:comecar|iniciar|inicio|start\w*|available|disponib\w*|disponivel|empezar|"
            r"incorpora\w*)\b"
        ),
        re.compile(
            r"\b(?:disponibilidade (?:imediata|para inicio|para comecar)|inicio imediato|available "
            r"(?:immediately|from|to start)|availability|disponibilidad (?:inmediata|para incorporarse)|"
            r"incorporacion inmediata)\b"
        ),
    ),
    (
        "permit",
        re.compile(
            r"\b(?:vistos?|visa|sponsor\w*|work permit|work authori[sz]ation|permiso de trabajo|"
            r"autorizacao de trabalho|cidadania|citizenship|ciudadania|nacionalidade|nationality|"
            r"nacionalidad)\b"
        ),
        re.compile(
            r"\b(?:vistos?|visa|work permit|right to work|work authori[sz]ation|permiso de trabajo|cidadania|"
            r"citizenship|ciudadania|nacionalidade|nationality|nacionalidad|passaporte|passport|pasaporte)\b"
        ),
    ),
    (
        "contact",
        re.compile(r"\b(?:telefone|phone|celular|whatsapp|telefono|e-?mail|contato|contact|contacto)\b"),
        re.compile(r"@|\b(?:telefone|phone|celular|whatsapp|telefono|tel\.?)\b|\+?\d[\d\s().-]{7,}\d"),
    ),
    (
        "licence",
        re.compile(
            r"\b(?:cnh|carteira de motorista|habilitacao|driver'?s licen[cs]e|driving licen[cs]e|"
            r"licencia de conducir|permiso de conducir|carne de conducir)\b"
        ),
        re.compile(
            r"\b(?:cnh|carteira de motorista|habilitacao|driver'?s licen[cs]e|driving licen[cs]e|"
            r"licencia de conducir)\b"
        ),
    ),
)


def personal(question: str, documents: dict[str, str], *, lang: str) -> Reply:
    """Age, family, notice period, start date, work permit, contact: quoted when a document states it, else
    "não consta" (CVs seldom state these, and guessing them from another line is what must not happen)."""
    t = messages("chat", lang)
    q = it.folded(question)
    asked = [(name, evidence) for name, cue, evidence in _PERSONAL_FACTS if cue.search(q)] or [
        (name, evidence) for name, _, evidence in _PERSONAL_FACTS[:1]
    ]
    name, evidence = asked[0]
    found = find_pattern(documents, evidence, limit=2)
    what = t[f"personal.{name}"]
    if not found:
        return Reply(
            answer="\n".join([message("chat", "answer.not_stated", lang, what=what), t["personal.ask"]]), found=False
        )
    lines = [f"**{what[:1].upper() + what[1:]}:**", *quote_lines(found, lang), "", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found))


def soft_skill_lines(documents: dict[str, str], *, lang: str, limit: int = 5) -> tuple[list[str], list[Found]]:
    """ "- competence: “line”" for the behavioural competences the documents evidence (taxonomy soft skills)."""
    found: list[Found] = []
    names: list[str] = []
    for kind in CANDIDATE_KINDS:
        text = documents.get(kind)
        if not text:
            continue
        for name, ev in direct_skills(text).items():
            if ev.category == "soft" and name not in names:
                names.append(name)
                found.append(
                    Found(kind=kind, quote=ev.quote, line=evidence_line(text, ev.start, ev.quote), start=ev.start)
                )
    labels = messages("chat", lang)
    lines = [f"- {' '.join(f.quote.split())} ({labels['label.' + f.kind]}: {_q(f.line)})" for f in found[:limit]]
    return lines, found[:limit]


def summary(documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    """The CV's facts, the competences the documents evidence, and which documents were read."""
    t = messages("chat", lang)
    cv = analyst.profile(documents["cv"], is_job=False)
    lines = [t["summary.chat_heading"], *fact_lines(cv, lang=lang)]
    soft, found = soft_skill_lines(documents, lang=lang)
    if soft:
        lines += ["", f"**{t['assess.soft']}:**", *soft]
    kinds = [t["label." + k] for k in CANDIDATE_KINDS if k in documents]
    lines += ["", f"{t['evidence.read']}: {', '.join(kinds)}.", t["note.extracted"]]
    return Reply(answer="\n".join(lines), sources=_sources(found))


def job_requirements(documents: dict[str, str], *, lang: str, analyst: Analyst) -> Reply:
    t = messages("chat", lang)
    if "job_description" not in documents:
        return _not_found(lang, "job.none")
    job = analyst.profile(documents["job_description"], is_job=True)
    title = cv_title(documents["job_description"])
    lines = [f"**{t['label.job_description']}:** {title}"] if title else []
    reqs = [r for r in job.requirements if r.strip() and r.strip() != title][:12]
    if reqs:
        lines += [f"{t['job.requirements']}:", *(f"- {' '.join(r.split())}" for r in reqs)]
    else:
        lines.append(t["job.no_requirements"])
    lines += ["", t["note.extracted"]]
    return Reply(
        answer="\n".join(lines),
        sources=[
            {"document": "job_description", "passage": r, "id": f"job_description#{n}", "score": 1.0}
            for n, r in enumerate(reqs, 1)
        ],
    )
