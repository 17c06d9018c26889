"""Canonical skills found in a text, each with the exact quote and offset it was found at.

The text is folded character by character (same length), so an offset found in the folded text is an offset
in the original and every quote is an exact substring of what the person wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recruta.facts.employers import employer_names
from recruta.facts.tables import table
from recruta.facts.taxonomy import Alias, Taxonomy, load_taxonomy
from recruta.text.fold import fold

__all__ = ["Evidence", "extract_skills", "skill_mentions"]


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """Why a skill was found: the exact words of the text, so a match can quote them instead of asserting."""

    skill: str  # canonical name (English), e.g. "python", "sap fi"
    category: str  # "hard" | "tool" | "soft" | "domain"
    quote: str  # exact substring of the input text that matched
    start: int  # offset of ``quote`` in the input text
    implied_by: str | None = None  # the skill the quote names when this one is only implied by it ("helm" → kubernetes)

    @property
    def end(self) -> int:
        return self.start + len(self.quote)


_START = re.compile(r"(?<![\w.])[\w.]")
# What may separate two items of a list: punctuation and at most one conjunction.
_LIST_GAP = re.compile(r"[\s,/;&+()|:\-]*(?:(?:e|and|y|и|or|ou|o|или)[\s,/;&+()|:\-]+)?")
_SAP_MODULES: dict[str, tuple[str, ...]] = {
    module: tuple(skills) for module, skills in table("sap_modules")["modules"].items()
}
_SAP_MOD = "|".join(re.escape(m) for m in sorted(_SAP_MODULES, key=len, reverse=True))
_SAP_LIST = re.compile(
    rf"(?<![\w.])(sap|modulos?)[\s\-/]*((?:{_SAP_MOD})(?:\s*(?:/|,|&|-|\be\b|\band\b|\by\b|\bи\b)\s*(?:{_SAP_MOD}))*)"
    r"(?![\w/])"
)
_SAP_ITEM = re.compile(rf"(?<!\w)(?:{_SAP_MOD})(?!\w)")


def extract_skills(text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, Evidence]:
    """Canonical skill -> first evidence (earliest quote), including implied parents; a skill the text names itself
    is quoted where it names it, not where another skill implies it ("Django ... Python": Python by "Python").

    Longest alias wins at each position; ambiguous aliases (``~`` in the taxonomy: "C", "R", "Go",
    "REST"...) count only inside a list next to another matched skill ("C/C++", "GO/Rust").
    SAP module lists ("SAP FI/CO", "sap pp/qm", "SAP MM, SD e PP") yield every module.
    The result is ordered by position, then name.
    """
    tax = taxonomy or load_taxonomy()
    result: dict[str, Evidence] = {}
    for ev in skill_mentions(text, taxonomy=tax):
        for skill in (ev.skill, *tax.parents[ev.skill]):
            if skill not in result or (skill == ev.skill and result[skill].implied_by):  # named beats implied
                result[skill] = (
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
    return dict(sorted(result.items(), key=lambda kv: (kv[1].start, kv[0])))


def skill_mentions(text: str, *, taxonomy: Taxonomy | None = None) -> list[Evidence]:
    """Every place a skill is named, in order (position, then longest, then name): no implied parents, and a skill
    named twice is here twice — what tells a skill listed once from one shown in a line of work. A name that is the
    CV's employer's ("Figma", "Notion" on a job's heading line: :mod:`recruta.facts.employers`) is no skill."""
    if not text:
        return []
    tax = taxonomy or load_taxonomy()
    norm = fold(text)
    found = _accept_strict(_scan(norm, tax), norm)
    hits: list[tuple[int, int, str]] = [(s, e, a.skill) for s, e, a in found]
    hits.extend(_sap_lists(norm, tax))
    # "Figma • San Francisco, CA" under a date range: the candidate worked at Figma, which says nothing of the tool
    employers = employer_names(text) if hits else set()
    if employers:
        hits = [h for h in hits if " ".join(norm[h[0] : h[1]].casefold().split()) not in employers]
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    return [
        Evidence(skill=name, category=tax.skills[name].category, quote=text[start:end], start=start)
        for start, end, name in hits
    ]


def _scan(norm: str, tax: Taxonomy) -> list[tuple[int, int, Alias]]:
    """Longest alias at each word start, left to right, skipping masked boilerplate."""
    out: list[tuple[int, int, Alias]] = []
    index = tax.index
    masked = [(m.start(), m.end()) for m in tax.ignore.finditer(norm)] if tax.ignore else []
    last_end = 0
    for m in _START.finditer(norm):
        pos = m.start()
        if pos < last_end:
            continue
        if masked and any(s <= pos < e for s, e in masked):
            continue
        best: tuple[int, int, Alias] | None = None
        for width in (3, 2, 1):
            candidates = index.get(norm[pos : pos + width])
            if not candidates:
                continue
            for alias in candidates:
                hit = alias.regex.match(norm, pos)
                if hit is None:
                    continue
                end = hit.end()
                if best is None or end > best[1] or (end == best[1] and alias.order < best[2].order):
                    best = (pos, end, alias)
        if best is not None:
            out.append(best)
            last_end = best[1]
    return out


def _accept_strict(found: list[tuple[int, int, Alias]], norm: str) -> list[tuple[int, int, Alias]]:
    """Keep an ambiguous (``~``) alias only when a list gap joins it to an accepted neighbour."""
    ok = [not alias.strict for _, _, alias in found]
    changed = True
    while changed:
        changed = False
        for i, (start, end, _alias) in enumerate(found):
            if ok[i]:
                continue
            for j in (i - 1, i + 1):
                if not (0 <= j < len(found)) or not ok[j]:
                    continue
                lo, hi = (found[j][1], start) if j < i else (end, found[j][0])
                if hi - lo <= 12 and _LIST_GAP.fullmatch(norm, lo, hi):
                    ok[i] = changed = True
                    break
    return [f for f, keep in zip(found, ok, strict=True) if keep]


def _sap_lists(norm: str, tax: Taxonomy) -> list[tuple[int, int, str]]:
    if "sap" not in norm:
        return []
    out: list[tuple[int, int, str]] = []
    for m in _SAP_LIST.finditer(norm):
        base = m.start(2)
        for i, item in enumerate(_SAP_ITEM.finditer(m.group(2))):
            start = m.start() if i == 0 else base + item.start()
            for skill in _SAP_MODULES[item.group(0)]:
                if skill in tax.skills:
                    out.append((start, base + item.end(), skill))
    return out
