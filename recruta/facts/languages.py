"""Spoken-language levels a text states ("inglês avançado", "English B2", "Английский — свободно").

The language names, level words and CEFR grades are data (``data/languages.json``); the rules for which
language a level word belongs to ("fluent English and basic Spanish") are here.
"""

from __future__ import annotations

import re

from recruta.facts.tables import leveled, table
from recruta.text.fold import fold

__all__ = ["language_levels"]

_TABLE = table("languages")
_LANG_WORDS: dict[str, str] = {lang: "|".join(names) for lang, names in _TABLE["rated"].items()}
_ANY_LANG = re.compile("(?<![^\\W_])(?:" + "|".join(_TABLE["any_language"]) + ")")
_LEVEL_WORDS = leveled(_TABLE["levels"])
_LEVEL_RE = re.compile("|".join(f"(?P<l{i}>(?<!\\w)(?:{p})(?!\\w))" for i, (p, _) in enumerate(_LEVEL_WORDS)))
_CEFR = re.compile(r"(?<![\w])([abcавс])([12])(?!\w)")
_CEFR_LEVEL: dict[str, int] = {grade: int(level) for grade, level in _TABLE["cefr"].items()}
_CYR_TO_LAT = {"а": "a", "в": "b", "с": "c"}  # "В2" typed in Cyrillic


_ADJACENT_LEVEL = re.compile(rf"(?:{_LEVEL_RE.pattern}|{_CEFR.pattern})[\s\-]*$")
_LAST_LINK = re.compile(r"(?:,|\s(?:e|and|y|и|или|or|ou)\s)(?!.*(?:,|\s(?:e|and|y|и|или|or|ou)\s))")


def _levels_in(window: str) -> list[int]:
    levels = []
    for m in _CEFR.finditer(window):
        levels.append(_CEFR_LEVEL[_CYR_TO_LAT.get(m.group(1), m.group(1)) + m.group(2)])
    for m in _LEVEL_RE.finditer(window):
        assert m.lastgroup is not None
        levels.append(_LEVEL_WORDS[int(m.lastgroup[1:])][1])
    return levels


def language_levels(text: str) -> dict[str, int]:
    """``{"english": 0..4, "spanish": 0..4}`` for the languages mentioned with a level (see ``LEVELS``).

    Reads "inglês avançado", "Inglês: Fluente", "nivel_ingles: Técnico", "english B2/C1",
    "upper-intermediate", "fluent English", "английский — B1", "Английский язык: читаю профессиональную
    литературу" (2), "inglés intermedio"; CEFR A1/A2→1, B1→2, B2/C1→3, C2→4. The level is looked for
    right after the language word (up to the next language, line or ';'), else right before it.
    Several mentions: the highest level. A language named without any level is left out.
    """
    norm = fold(text)
    out: dict[str, int] = {}
    for lang, pattern in _LANG_WORDS.items():
        for m in re.finditer(rf"(?<![^\W_])(?:{pattern})", norm):
            before = norm[max(0, m.start() - 30) : m.start()]
            before = re.split(r"[\n;.:(/]", before)[-1]
            others = list(_ANY_LANG.finditer(before))
            if others:
                prev = others[-1]
                # "Русский — Родной Английский": the level after another language is that language's;
                # "English and basic Spanish": after a comma/conjunction it is ours.
                pieces = _LAST_LINK.split(before[prev.end() :])
                before = pieces[-1] if len(pieces) > 1 else ""
            else:
                before = before.split(",")[-1]
            adjacent = _ADJACENT_LEVEL.search(before)
            levels = _levels_in(adjacent.group(0)) if adjacent else []
            if not levels:
                after = norm[m.end() : m.end() + 60]
                after = re.split(r"[\n;]", after, maxsplit=1)[0]
                nxt = _ANY_LANG.search(after)
                if nxt:  # "fluent English and basic Spanish": "basic" belongs to Spanish
                    after = _LAST_LINK.split(after[: nxt.start()])[0]
                levels = _levels_in(after) or _levels_in(before)
            if levels:
                out[lang] = max(out.get(lang, 0), max(levels))
    return out
