"""Education level 0..5: a CV's highest completed, or the minimum a job asks for.

Degree names per level are data (``data/education.json``, in priority order); the markers of an unfinished
degree ("cursando", "incompleto", "неоконченное") stay regex here because they read around the degree name
(before or after it) rather than mapping a word to a value.
"""

from __future__ import annotations

import re

from recruta.facts.kind import looks_like_job
from recruta.facts.tables import leveled, table
from recruta.text.fold import fold

__all__ = ["education_level"]

_INCOMPLETE_BEFORE = re.compile(
    r"(?:неоконченн\w*|незаконченн\w*|неполн\w*|incomplete|unfinished|cursando|cursa|fazendo|estudando|studying|"
    r"pursuing|currently enrolled in|enrolled in|estudiante de|учусь в|обучаюсь в)\s*(?:(?:um|uma|o|a|an?|the)\s+)?$"
)
_INCOMPLETE_AFTER = re.compile(
    r"^(?:[^;,.\n]{0,60}?[\s(\-:])?\s*(?:incomplet[oa]|em andamento|cursando|trancad[oa]|interrompid[oa]|"
    r"in progress|ongoing|en curso|incomplete|не законч\w*|студент\w*)(?!\w)"
)
_EDU_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(rf"(?<!\w)(?:{p})(?!\w)"), lvl) for p, lvl in leveled(table("education")["levels"])
]
_INSTITUTION = re.compile(
    r"(?<!\w)(?:faculdade|universidade|centro universitario|universidad|university|college|instituto federal)(?!\w)"
)


def education_level(text: str, *, job: bool | None = None) -> int | None:
    """Education level 0..5 (see ``LEVELS["education"]``).

    CV (``job=False``): the highest completed level (an incomplete/ongoing degree counts one below
    higher, i.e. "Неоконченное высшее" / "Superior incompleto" / "cursando MBA" → 3 / 3 / 4).
    Job (``job=True``): the required minimum — the lowest level named ("Высшее профессиональное,
    среднее профессиональное" → 2, "Ensino Superior Completo" → 4). ``job=None`` guesses.
    """
    norm = fold(text)
    is_job = looks_like_job(text) if job is None else job
    taken: list[tuple[int, int]] = []
    levels: list[int] = []
    for pattern, level in _EDU_PATTERNS:
        for m in pattern.finditer(norm):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            lvl = level
            if level in (4, 5) and (
                _INCOMPLETE_BEFORE.search(norm[max(0, m.start() - 25) : m.start()])
                or _INCOMPLETE_AFTER.match(norm[m.end() : m.end() + 70])
            ):
                lvl = level - 1
            levels.append(lvl)
    if not levels:
        # "Administração, Faculdade X – conclusão em 2009" / "… – cursando": a higher-education
        # institution with no level stated.
        for m in _INSTITUTION.finditer(norm):
            levels.append(3 if _INCOMPLETE_AFTER.match(norm[m.end() : m.end() + 70]) else 4)
    if not levels:
        return None
    return min(levels) if is_job else max(levels)
