"""Composing a job description: each section from the given fields and the grounded lines, never free-written.

- *responsibilities*: activity lines of the retrieved vagas, preferring lines that name the requested skills or
  title words; without usable lines, sentences built from the given skills (catalogue templates);
- *requirements*: the given years and skills (verbatim), plus up to 3 competency lines of the retrieved vagas
  that name a given skill;
- *nice-to-have*: the given list plus up to 3 technical skills named in the retrieved vagas' competencies
  (quoted as written there);
- *summary*: given by the caller (the template of :func:`recruta.jd.wording.template_summary`, or an LLM's
  rephrasing that :func:`summary_ok` accepted); *benefits* and *salary* only when given.

A line is used only when it is written in the output language (history is Portuguese, so en/es outputs mostly
fall back to the skill templates). A section the recruiter edited is kept verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from recruta.jd.grounding import (
    BENEFIT,
    BULLET,
    MONEY,
    SPECIFIC,
    WORD,
    Grounding,
    Line,
    Score,
    Wanted,
    literal,
    primary,
    quote_fits,
    score,
    skill_category,
    skills_of,
    wanted_by,
)
from recruta.jd.request import JDError, JDRequest
from recruta.jd.wording import (
    LIST_SECTIONS,
    SECTIONS,
    SUMMARY_FIELDS,
    field_values,
    phrase,
    salary_line,
    written_in,
    years_line,
)
from recruta.text.fold import content_words, fold, wordset

# Words that make a competency line say nothing beyond "experiência com <skill>".
_GENERIC_REQ = wordset(
    "experiencia comprovada solido solida solidos conhecimento conhecimentos vivencia dominio com em de e "
    "da do das dos na no nas nos a o as os habilidade habilidades avancado avancada bom boa pratica "
    "praticas atuacao atuar"
)


def _near_duplicate(text: str, chosen: Sequence[str]) -> bool:
    """Same activity worded with another lead verb ("Atuar com X" / "Responsável por X")."""
    words = content_words(text)
    for other in chosen:
        theirs = content_words(other)
        if words and theirs and len(words & theirs) / len(words | theirs) >= 0.6:
            return True
    return False


def _responsibilities(req: JDRequest, g: Grounding, wanted: Wanted, used: set[str]) -> list[str]:
    """Up to 8 activity lines, best fit first (at least 4 when the vagas have generic ones), then one template
    sentence per given skill no line names; the title's sentence when nothing else exists."""
    lang = req.language
    cands = [(ln, score(ln.text, wanted)) for ln in g.lines
             if ln.kind == "activities" and len(WORD.findall(ln.text)) >= 3 and written_in(ln.text, lang)]
    chosen: list[Line] = []
    seen: set[str] = set()

    def take(line: Line) -> None:
        key = " ".join(fold(line.text).split())
        if key not in seen and len(chosen) < 8 and not _near_duplicate(line.text, [c.text for c in chosen]):
            seen.add(key)
            chosen.append(line)

    relevant = [(ln, s) for ln, s in cands if s.value > 0 and (s.skills or not SPECIFIC.search(ln.text))]
    for ln, _s in sorted(relevant, key=lambda c: (-c[1].value, c[0].rank, c[0].order)):
        take(ln)
    if len(chosen) < 4:  # generic activities of the most similar vagas: no technology the request lacks
        for ln, s in cands:
            if len(chosen) >= 4:
                break
            if s.value == 0 and s.foreign == 0 and not SPECIFIC.search(ln.text):
                take(ln)
    out = [ln.text for ln in chosen]
    used.update(ln.vaga_id for ln in chosen)
    target = 4 if out else 8
    text = fold(" ".join(out))
    for skill in req.skills:
        if len(out) >= target:
            break
        if not literal(" ".join(fold(skill).split()), text):
            out.append(phrase(f"responsibility.{skill_category(skill) or 'skill'}", lang, skill=skill))
    if not out:
        out.append(phrase("responsibility.title", lang, title=req.title))
    return out


def _skill_requirement(skill: str, lang: str) -> str:
    """"Experiência com X" for a technical skill, "Conhecimento em X" for a domain; soft skills and long
    phrases as given."""
    category = skill_category(skill)
    if category == "soft" or len(skill.split()) > 3 or not skills_of(skill):
        return skill
    return phrase("requirement.domain" if category == "domain" else "requirement.skill", lang, skill=skill)


def _requirements(req: JDRequest, g: Grounding, wanted: Wanted, used: set[str]) -> list[str]:
    """The given years and skills, then up to 3 competency lines that name a given skill and say more."""
    lang = req.language
    out: list[str] = []
    years = years_line(req)
    if years is not None:
        out.append(years)
    out.extend(_skill_requirement(s, lang) for s in req.skills)
    skill_words = {w for s in req.skills for w in WORD.findall(fold(s))} | _GENERIC_REQ
    seen = {" ".join(fold(x).split()) for x in out}
    grounded: list[tuple[Score, Line]] = []
    for ln in g.lines:
        if ln.kind != "competencies" or not written_in(ln.text, lang):
            continue
        fit = score(ln.text, wanted)
        if not fit.skills or not set(WORD.findall(fold(ln.text))) - skill_words:
            continue  # names no given skill, or says nothing beyond "experiência com <skill>"
        grounded.append((fit, ln))
    added = 0
    for _, ln in sorted(grounded, key=lambda c: (-c[0].value, c[1].rank, c[1].order)):
        key = " ".join(fold(ln.text).split())
        if added < 3 and key not in seen and not _near_duplicate(ln.text, out):
            seen.add(key)
            out.append(ln.text)
            used.add(ln.vaga_id)
            added += 1
    return out


def _nice_to_have(req: JDRequest, g: Grounding, wanted: Wanted, taken: str, used: set[str]) -> list[str]:
    """Given items verbatim + up to 3 technical skills named in the retrieved vagas' competencies."""
    lang = req.language
    out = list(req.nice_to_have)
    taken_folded = fold(taken + " " + " ".join(out))
    counts: dict[str, set[str]] = {}
    first: dict[str, tuple[int, int, int, str, str]] = {}
    for ln in g.skill_lines:
        if ln.kind not in ("competencies", "nice"):
            continue
        found = skills_of(ln.text)
        for name in primary(set(found)):
            ev = found[name]
            if ev.category not in ("hard", "tool") or name in wanted.all_names:
                continue
            quote = " ".join(ev.quote.split())
            if len(quote) < 2 or literal(" ".join(fold(quote).split()), taken_folded):
                continue
            if not quote_fits(quote, name, lang):
                continue
            counts.setdefault(name, set()).add(ln.vaga_id)
            first.setdefault(name, (0 if ln.kind == "nice" else 1, ln.rank, ln.order, quote, ln.vaga_id))
    ranked = sorted(first, key=lambda n: (-len(counts[n]), first[n][:3], n))
    seen = {fold(x) for x in out}
    added = 0
    for name in ranked:
        quote, vaga_id = first[name][3], first[name][4]
        if added < 3 and fold(quote) not in seen:
            seen.add(fold(quote))
            out.append(quote)
            used.add(vaga_id)
            added += 1
    return out


def summary_ok(candidate: str, *, template: str, req: JDRequest) -> bool:
    """An LLM summary is kept only if it holds every given value verbatim and adds no number/money/benefit."""
    if not candidate or len(candidate) > 2 * len(template) + 300:
        return False
    values = field_values(req)
    if any(v not in candidate for name in SUMMARY_FIELDS for v in values.get(name, [])):
        return False
    if MONEY.search(candidate) or (BENEFIT.search(candidate) and not BENEFIT.search(template)):
        return False
    if any(num not in template for num in re.findall(r"\d+(?:[.,]\d+)*", candidate)):
        return False
    return written_in(candidate, req.language)


def edit_content(section: str, content: Any) -> str | list[str] | None:
    """A recruiter's edit of one section, checked and normalised (a list section also takes lines of text)."""
    if section not in SECTIONS:
        raise JDError(f"section must be one of {', '.join(SECTIONS)}, got {section!r}")
    if section in LIST_SECTIONS:
        if isinstance(content, str):
            items = [BULLET.sub("", x).strip() for x in content.splitlines()]
        elif isinstance(content, (list, tuple)) and all(isinstance(x, str) for x in content):
            items = [x.strip() for x in content]
        else:
            raise JDError(f"{section}: expected a list of texts (or lines of text)")
        items = [x for x in items if x]
        if len(items) > 60 or any(len(x) > 1000 for x in items):
            raise JDError(f"{section}: at most 60 items of at most 1000 characters")
        return items
    if not isinstance(content, str):
        raise JDError(f"{section}: expected text")
    text = content.strip()
    if len(text) > 5000:
        raise JDError(f"{section}: at most 5000 characters")
    if section == "summary" and not text:
        raise JDError("summary: must not be blank")
    return text or None


def _edited_text(edits: Mapping[str, Any]) -> str:
    return "\n".join("\n".join(v) if isinstance(v, list) else str(v or "") for v in edits.values())


def edited_skills(req: JDRequest, edits: Mapping[str, Any]) -> list[str]:
    """Skills the recruiter's edits name that the request does not: extra grounding for a regeneration."""
    given = {s.casefold() for s in req.skills}
    quotes = [ev.quote for ev in skills_of(_edited_text(edits)).values()]
    return list(dict.fromkeys(q for q in quotes if q.casefold() not in given))


def compose(req: JDRequest, g: Grounding, *, summary: str, extra: Sequence[str],
            edits: Mapping[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Every section, in :data:`SECTIONS` order, and the ids of the vagas whose lines they use.

    ``extra`` are :func:`edited_skills`; ``edits`` (section → content of :func:`edit_content`) replace the
    sections they name verbatim.
    """
    wanted = wanted_by(req.title, [*req.skills, *extra])
    used: set[str] = set()
    sections: dict[str, Any] = {
        "summary": summary,
        "responsibilities": _responsibilities(req, g, wanted, used),
        "requirements": _requirements(req, g, wanted, used),
    }
    for name in ("responsibilities", "requirements"):
        if name in edits:
            sections[name] = list(edits[name])
    taken = "\n".join(sections["requirements"]) + "\n" + _edited_text(edits)
    sections["nice_to_have"] = _nice_to_have(req, g, wanted, taken, used)
    sections["benefits"] = list(req.benefits) or None
    sections["salary"] = salary_line(req)
    for name, value in edits.items():
        sections[name] = (list(value) or None) if name == "benefits" else value
    return {name: sections.get(name) for name in SECTIONS}, used


__all__ = ["compose", "edit_content", "edited_skills", "summary_ok"]
