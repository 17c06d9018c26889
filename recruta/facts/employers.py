"""The employers a CV names on its job-heading lines, so their names are not read as the candidate's skills.

A CV's job entry is a date range with, on a line next to it, the employer and where it is ("Figma • San Francisco,
CA", "Notion San Francisco, CA", "Banco XPTO - São Paulo, SP"). When the employer's name is also a tool's ("Figma",
"Notion", "Slack"), the skills extractor would credit the candidate with the tool for having worked at the company.
:func:`employer_names` finds those names: the part before the place on a short line that names a place, next to a
line with a date range, when that part is a name of at most :data:`MAX_NAME_WORDS` words. Only a mention that is
the whole name is then left out (a heading "Python Developer - São Paulo, SP" names no employer called "Python").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recruta.facts.location import locations
from recruta.text.fold import fold

__all__ = ["MAX_NAME_WORDS", "Employer", "employer_names", "employers"]

MAX_NAME_WORDS = 3
MAX_LINE_WORDS = 9
NEAR_LINES = 2  # how far from its date range an employer's line may be (the job title may sit between)
_SEPARATORS = " \t•·|,;:-–—()"


def _range() -> re.Pattern[str]:
    from recruta.facts.experience import _RANGE

    return _RANGE


def _name_before_place(line: str) -> str:
    """The words of ``line`` before the place it names ("Figma" of "Figma • San Francisco, CA"); "" if none."""
    places = locations(line)
    if not places:
        return ""
    starts = [m.start() for m in re.finditer(r"(?<!\w)\w", line)]
    for i, at in enumerate(starts):
        if locations(line[at:]) != places:
            # the place begins at the previous word start: everything before it is the name
            cut = starts[i - 1] if i > 0 else 0
            return line[:cut].strip(_SEPARATORS)
    return ""


@dataclass(frozen=True, kw_only=True)
class Employer:
    """An employer's name as the CV writes it, and the heading line it is on (offsets into the CV's text)."""

    name: str
    line: str
    start: int


def employers(text: str) -> list[Employer]:
    """The employers ``text``'s job-heading lines name, in order."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    dated = [i for i, line in enumerate(lines) if _range().search(fold(line).casefold())]
    if not dated:
        return []
    out: list[Employer] = []
    for i, raw in enumerate(lines):
        if not any(abs(i - d) <= NEAR_LINES for d in dated):
            continue
        # fold keeps the length, so what is cut from the folded line is cut from the line as written
        folded = fold(raw).casefold()
        line = _range().sub(lambda m: " " * len(m.group(0)), folded) if i in dated else folded
        if not line.strip() or len(line.split()) > MAX_LINE_WORDS:
            continue
        name = _name_before_place(line)
        if name and len(name.split()) <= MAX_NAME_WORDS:
            at = line.index(name)
            out.append(Employer(name=raw[at : at + len(name)], line=raw.strip(), start=offsets[i] + at))
    return out


def employer_names(text: str) -> set[str]:
    """The folded, lowercased employer names of ``text``'s job-heading lines."""
    return {" ".join(fold(e.name).casefold().split()) for e in employers(text)}
