"""Where a CV shows a skill: in a line of its work, or only in a list of keywords.

"React TypeScript JavaScript Redux HTML5" names five skills and shows none: anyone can type it. "Desenvolvi o
checkout em React e TypeScript com Redux" says what was done with them. The matcher gives a skill full credit only
when the CV shows it in a line of work, so a keyword list earns far less than the same skills in experience.

A clause (a line cut at sentence ends, pipes and bullets) shows its skills when it is part of a dated job entry
(from "03/2021 – atual" to the next blank line or heading: "Python, SQL, BigQuery" under it was used there), or when
it says something beyond skill names:
a sentence (two content words that are not skills, levels or numbers, and two function words: "de", "with", "для";
or skills joined by two prepositions: "automação de testes de API com Postman");
under a work-history heading or label ("Experiência profissional", "Projects", "Опыт работы:"), one of each; or a
claim of years ("5 years with Django") with one content word. The word lists and headings are data
(``data/cv_lines.json``); the years pattern is grammar and stays here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from recruta.facts.skills import Evidence, skill_mentions
from recruta.facts.tables import table
from recruta.facts.taxonomy import Taxonomy, load_taxonomy
from recruta.text.fold import fold

__all__ = ["SkillUse", "shown_skills", "skill_use", "work_lines"]

_WORD = re.compile(r"[^\W\d_]{2,}|[^\W\d_](?=\W|$)")
# Clauses: a line cut at sentence ends, pipes and bullets (a keyword list glued to a sentence is its own clause).
_CLAUSE = re.compile(r"[^\n.|•●▪◦■►;]+(?:\.(?=\w)[^\n.|•●▪◦■►;]*)*")


# Words that join the items of a list; every other function word joins the words of a phrase.
_LIST_JOINERS = frozenset({"e", "and", "y", "ou", "or", "o", "и", "или", "а"})
# "5 years with Django", "4 años de experiencia", "опыт работы 4 года": a claim of use, not a keyword.
_YEARS_CLAIM = re.compile(r"(?<![\w.])\d{1,2}(?:[.,]\d)?\s*\+?\s*(?:anos?|anos|years?|yrs?|лет|года?)(?!\w)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class _Patterns:
    function: frozenset[str]
    listing: frozenset[str]
    work_heading: re.Pattern[str]  # a work-history heading on its own line
    list_heading: re.Pattern[str]  # a skills-list heading on its own line
    work_label: re.Pattern[str]  # "Experiência: …" at a clause start
    section_start: re.Pattern[str]  # any heading or "Heading:" label at a line start: where a job entry ends


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    data = table("cv_lines")
    heading = r"^[ \t\-*#•]*(?:{})[ \t]*:?[ \t]*$"
    work = "|".join(data["work_headings"])
    every = "|".join([*data["work_headings"], *data["list_headings"], *data["other_headings"]])
    return _Patterns(
        function=frozenset(data["function_words"]),
        listing=frozenset(data["list_words"]),
        work_heading=re.compile(heading.format(work), re.M),
        list_heading=re.compile(heading.format("|".join(data["list_headings"])), re.M),
        work_label=re.compile(rf"[ \t\-*#•]*(?:{work})[ \t]*:"),
        section_start=re.compile(rf"^[ \t\-*#•]*(?:{every})[ \t]*(?::|$)", re.M),
    )


def _job_entries(norm: str) -> list[tuple[int, int]]:
    """The spans of a CV's dated job entries: from the line of a work period ("03/2021 – atual", "2019 a 2021") to
    the next blank line or heading — what is written there ("Python, SQL, BigQuery") was used in that job."""
    from recruta.facts.experience import date_ranges

    starts = [norm.rfind("\n", 0, s) + 1 for s, _e, _a, _b in date_ranges(norm)]
    if not starts:
        return []
    section = _patterns().section_start
    out: list[tuple[int, int]] = []
    for start in starts:
        line_end = norm.find("\n", start)
        line_end = len(norm) if line_end < 0 else line_end
        ends = [len(norm)]
        blank = _BLANK_LINE.search(norm, line_end)
        if blank:
            ends.append(blank.start())
        heading = section.search(norm, line_end + 1) if line_end < len(norm) else None
        if heading:
            ends.append(heading.start())
        end = min(ends)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def work_lines(text: str, *, taxonomy: Taxonomy | None = None) -> list[tuple[int, int]]:
    """(start, end) of the clauses of ``text`` that show work, not a list of skill names (see the module doc)."""
    return _work_spans(text, skill_mentions(text, taxonomy=taxonomy or load_taxonomy()))


def _work_spans(text: str, mentions: list[Evidence]) -> list[tuple[int, int]]:
    pat = _patterns()
    norm = fold(text)
    skill_chars = bytearray(len(norm))
    for ev in mentions:
        skill_chars[ev.start : ev.end] = b"\x01" * (ev.end - ev.start)
    headings = sorted(
        [(m.start(), True) for m in pat.work_heading.finditer(norm)]
        + [(m.start(), False) for m in pat.list_heading.finditer(norm)]
    )
    entries = _job_entries(norm)
    out: list[tuple[int, int]] = []
    h, in_work, e = 0, False, 0
    for clause in _CLAUSE.finditer(norm):
        start, end = clause.span()
        while h < len(headings) and headings[h][0] <= start:
            in_work = headings[h][1]
            h += 1
        while e < len(entries) and entries[e][1] <= start:
            e += 1
        if e < len(entries) and entries[e][0] <= start and any(ch.isalnum() for ch in norm[start:end]):
            out.append((start, end))  # inside a dated job entry
            continue
        functions = glue = content = 0
        for w in _WORD.finditer(norm, start, end):
            word = w.group(0)
            if skill_chars[w.start()]:
                continue
            if word in pat.function:
                functions += 1
                glue += word not in _LIST_JOINERS
            elif word not in pat.listing and len(word) > 2:
                content += 1
        # "automação de testes de API com Postman": every content word a skill, but joined by prepositions — a phrase
        sentence = (content >= 2 and functions >= 2) or glue >= 2
        in_history = (in_work or bool(pat.work_label.match(norm, start, end))) and content >= 1 and functions >= 1
        claim = content >= 1 and bool(_YEARS_CLAIM.search(norm, start, end))
        if sentence or in_history or claim:
            out.append((start, end))
    return out


@dataclass(frozen=True, kw_only=True)
class SkillUse:
    """What a CV shows in its work: the skills (first such mention each, implied parents included) and the clauses
    that show work at all (none: the CV is a bare list)."""

    shown: dict[str, Evidence]
    work: tuple[tuple[int, int], ...]


def skill_use(text: str, *, taxonomy: Taxonomy | None = None) -> SkillUse:
    """:func:`shown_skills` and :func:`work_lines` in one pass over the text."""
    tax = taxonomy or load_taxonomy()
    mentions = skill_mentions(text, taxonomy=tax)
    spans = _work_spans(text, mentions)
    out: dict[str, Evidence] = {}
    i = 0
    for ev in mentions:
        while i < len(spans) and spans[i][1] <= ev.start:
            i += 1
        if i >= len(spans) or not spans[i][0] <= ev.start < spans[i][1]:
            continue
        for skill in (ev.skill, *tax.parents[ev.skill]):
            if skill not in out or (skill == ev.skill and out[skill].implied_by):  # named beats implied
                out[skill] = (
                    ev
                    if skill == ev.skill
                    else Evidence(
                        skill=skill,
                        category=tax.skills[skill].category,
                        quote=ev.quote,
                        start=ev.start,
                        implied_by=ev.skill,
                    )
                )
    return SkillUse(shown=out, work=tuple(spans))


def shown_skills(text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, Evidence]:
    """The skills a CV shows in a line of work (implied parents included: "Spring Boot" in a project shows Java), each
    with the first such mention; skills only listed are not here. Ordered by position."""
    return skill_use(text, taxonomy=taxonomy).shown
