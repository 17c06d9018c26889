"""Composing a job description: each section from the given fields and the grounded lines, never free-written.

History lends lines only from the retrieved vagas that are similar enough to the request (:mod:`recruta.jd.fit`:
:func:`~recruta.jd.fit.vaga_similarity` ≥ ``min_similarity``), and only lines that fit the requested role
(:func:`~recruta.jd.fit.line_fits`). Every borrowed item carries the id of its vaga (:class:`Composed` ``sources``);
when no retrieved vaga is similar enough, every section comes from the given fields alone.

- *responsibilities*: activity lines of the similar vagas, preferring lines that name the requested skills or
  title terms; without usable lines, sentences built from the given skills (catalogue templates);
- *requirements*: the given years and skills (verbatim), plus up to 3 competency lines of the similar vagas
  that name a given skill;
- *nice-to-have*: the given list plus up to 3 technical skills named in the similar vagas' competencies
  (quoted as written there);
- *summary*: given by the caller (the template of :func:`recruta.jd.wording.template_summary`, or an LLM's
  rephrasing that :func:`summary_ok` accepted); *benefits* and *salary* only when given.

A line is used only when it is written in the output language (history is Portuguese, so en/es outputs mostly
fall back to the skill templates). A section the recruiter edited is kept verbatim and not computed at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from recruta.jd.fit import (
    MIN_SIMILARITY,
    Score,
    Similarity,
    Wanted,
    line_fits,
    literal,
    primary,
    quote_fits,
    score,
    skill_category,
    vaga_similarity,
    wanted_by,
)
from recruta.jd.grounding import BENEFIT, BULLET, MONEY, SPECIFIC, WORD, Grounding, Line, skills_of
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


# An item of a list section: its text and the vaga it was borrowed from (None: from the given fields).
Item = tuple[str, str | None]


def _near_duplicate(text: str, chosen: Sequence[str]) -> bool:
    """Same activity worded with another lead verb ("Atuar com X" / "Responsável por X")."""
    words = content_words(text)
    for other in chosen:
        theirs = content_words(other)
        if words and theirs and len(words & theirs) / len(words | theirs) >= 0.6:
            return True
    return False


def _responsibilities(req: JDRequest, g: Grounding, wanted: Wanted) -> list[Item]:
    """Up to 8 activity lines that fit the role, best fit first (at least 4 when the vagas have generic ones),
    then one template sentence per given skill no line names; the title's sentence when nothing else exists."""
    lang = req.language
    cands = [
        (ln, score(ln.text, wanted))
        for ln in g.lines
        if ln.kind == "activities" and len(WORD.findall(ln.text)) >= 3 and written_in(ln.text, lang)
    ]
    cands = [(ln, s) for ln, s in cands if line_fits(s)]
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
    out: list[Item] = [(ln.text, ln.vaga_id) for ln in chosen]
    target = 4 if out else 8
    text = fold(" ".join(t for t, _ in out))
    for skill in req.skills:
        if len(out) >= target:
            break
        if not literal(" ".join(fold(skill).split()), text):
            out.append((phrase(f"responsibility.{skill_category(skill) or 'skill'}", lang, skill=skill), None))
    if not out:
        out.append((phrase("responsibility.title", lang, title=req.title), None))
    return out


def _skill_requirement(skill: str, lang: str) -> str:
    """ "Experiência com X" for a technical skill, "Conhecimento em X" for a domain; soft and unknown skills and
    long phrases as given."""
    category = skill_category(skill)
    if category in ("soft", "unknown") or len(skill.split()) > 3:
        return skill
    return phrase("requirement.domain" if category == "domain" else "requirement.skill", lang, skill=skill)


def _requirements(req: JDRequest, g: Grounding, wanted: Wanted, *, elsewhere: Sequence[str] = ()) -> list[Item]:
    """The given years and skills, then up to 3 competency lines that fit the role, name a given skill and say
    more than "experiência com <skill>" (and are not already among the responsibilities, ``elsewhere``)."""
    lang = req.language
    out: list[Item] = []
    years = years_line(req)
    if years is not None:
        out.append((years, None))
    out.extend((_skill_requirement(s, lang), None) for s in req.skills)
    skill_words = {w for s in req.skills for w in WORD.findall(fold(s))} | _GENERIC_REQ
    seen = {" ".join(fold(x).split()) for x in [*(x for x, _ in out), *elsewhere]}
    grounded: list[tuple[Score, Line]] = []
    for ln in g.lines:
        if ln.kind != "competencies" or not written_in(ln.text, lang):
            continue
        fit = score(ln.text, wanted)
        if not fit.skills or not line_fits(fit) or not set(WORD.findall(fold(ln.text))) - skill_words:
            continue  # names no given skill, names another role, or says nothing beyond "experiência com <skill>"
        grounded.append((fit, ln))
    added = 0
    for _, ln in sorted(grounded, key=lambda c: (-c[0].value, c[1].rank, c[1].order)):
        key = " ".join(fold(ln.text).split())
        if added < 3 and key not in seen and not _near_duplicate(ln.text, [*(x for x, _ in out), *elsewhere]):
            seen.add(key)
            out.append((ln.text, ln.vaga_id))
            added += 1
    return out


def _nice_to_have(req: JDRequest, g: Grounding, wanted: Wanted, taken: str) -> list[Item]:
    """Given items verbatim + up to 3 technical skills named in the similar vagas' competencies."""
    lang = req.language
    out: list[Item] = [(x, None) for x in req.nice_to_have]
    taken_folded = fold(taken + " " + " ".join(req.nice_to_have))
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
    seen = {fold(x) for x, _ in out}
    added = 0
    for name in ranked:
        quote, vaga_id = first[name][3], first[name][4]
        if added < 3 and fold(quote) not in seen:
            seen.add(fold(quote))
            out.append((quote, vaga_id))
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


@dataclass(kw_only=True)
class Composed:
    """A composed job description and where its items came from.

    ``sources``: per list section, one entry per item — the id of the vaga the item was borrowed from, or None
    for an item built from the given fields (or edited by the recruiter). ``similarity``: per retrieved vaga, how
    similar it is to the request; ``similar_vaga_ids``: those at or above the threshold, the only ones that may
    lend lines.
    """

    sections: dict[str, Any]
    sources: dict[str, list[str | None]]
    similarity: dict[str, Similarity] = field(default_factory=dict)
    similar_vaga_ids: list[str] = field(default_factory=list)

    @property
    def used_vaga_ids(self) -> set[str]:
        return {v for ids in self.sources.values() for v in ids if v is not None}


def _similar_only(g: Grounding, keep: set[str]) -> Grounding:
    return Grounding(
        vaga_ids=[v for v in g.vaga_ids if v in keep],
        titles={v: t for v, t in g.titles.items() if v in keep},
        cosines={v: c for v, c in g.cosines.items() if v in keep},
        lines=[ln for ln in g.lines if ln.vaga_id in keep],
        skill_lines=[ln for ln in g.skill_lines if ln.vaga_id in keep],
        retrieve_ms=g.retrieve_ms,
    )


def compose(
    req: JDRequest,
    g: Grounding,
    *,
    summary: str,
    extra: Sequence[str],
    edits: Mapping[str, Any],
    min_similarity: float = MIN_SIMILARITY,
) -> Composed:
    """Every section, in :data:`SECTIONS` order, with the vaga each borrowed item came from.

    ``extra`` are :func:`edited_skills`; ``edits`` (section → content of :func:`edit_content`) replace the
    sections they name verbatim (those sections are not computed, so they borrow nothing). Only retrieved vagas
    whose :func:`~recruta.jd.fit.vaga_similarity` reaches ``min_similarity`` lend lines.
    """
    wanted = wanted_by(req.title, [*req.skills, *extra])
    similarity = {v: vaga_similarity(wanted, title=g.titles.get(v, ""), text=g.text(v)) for v in g.vaga_ids}
    similar = [v for v in g.vaga_ids if similarity[v].value >= min_similarity]
    history = _similar_only(g, set(similar))
    items: dict[str, list[Item]] = {}
    for name in LIST_SECTIONS:
        if name in edits:
            items[name] = [(x, None) for x in edits[name] or []]
    if "responsibilities" not in items:
        items["responsibilities"] = _responsibilities(req, history, wanted)
    if "requirements" not in items:
        items["requirements"] = _requirements(req, history, wanted, elsewhere=[x for x, _ in items["responsibilities"]])
    if "nice_to_have" not in items:
        taken = "\n".join(x for x, _ in items["requirements"]) + "\n" + _edited_text(edits)
        items["nice_to_have"] = _nice_to_have(req, history, wanted, taken)
    if "benefits" not in items:
        items["benefits"] = [(x, None) for x in req.benefits]
    sections: dict[str, Any] = {name: [x for x, _ in value] for name, value in items.items()}
    sections["benefits"] = sections["benefits"] or None
    sections["summary"] = edits.get("summary", summary)
    sections["salary"] = edits["salary"] if "salary" in edits else salary_line(req)
    sources = {name: [v for _, v in items[name]] for name in SECTIONS if name in LIST_SECTIONS}
    return Composed(
        sections={name: sections.get(name) for name in SECTIONS},
        sources=sources,
        similarity=similarity,
        similar_vaga_ids=similar,
    )


__all__ = ["Composed", "Item", "compose", "edit_content", "edited_skills", "summary_ok"]
