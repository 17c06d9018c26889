"""Electrical-safety clearance group (группа допуска по электробезопасности), a hard requirement in Russian
technical vacancies. The five groups are written in Roman or Arabic numerals; that tiny numeral table stays code.
"""

from __future__ import annotations

import re

from recruta.text.fold import fold

__all__ = ["electrical_safety_group"]

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_GROUP_NUM = r"(?:v|iv|iii|ii|i|[1-5])"
_ESG_BEFORE = re.compile(
    rf"(?<![\w])({_GROUP_NUM})(?:-?(?:я|ая|ой|ю))?\s+групп\w*(?:\s+(?:по\s+)?(?:электробезопасност\w*|допуск\w*|эб))"
)
_ESG_AFTER = re.compile(
    rf"групп\w*\s+(?:допуск\w*|(?:по\s+)?(?:электробезопасност\w*|эб))(?:\s+(?:по\s+)?электробезопасност\w*)?"
    rf"[\s:,\-]*(?:не ниже\s+)?((?:{_GROUP_NUM})(?:\s*(?:,|/|-|и)\s*(?:{_GROUP_NUM}))*)(?![\w])"
)


def electrical_safety_group(text: str) -> int | None:
    """Highest electrical-safety clearance group (I..V) mentioned ("4 группа по электробезопасности",
    "Группа допуска III, IV, V", "группы по электробезопасности не ниже 3"), or None."""
    norm = fold(text)
    found: list[int] = []
    for m in _ESG_BEFORE.finditer(norm):
        found.append(_group_value(m.group(1)))
    for m in _ESG_AFTER.finditer(norm):
        found.extend(_group_value(tok) for tok in re.findall(_GROUP_NUM, m.group(1)))
    return max(found) if found else None


def _group_value(token: str) -> int:
    return _ROMAN[token] if token in _ROMAN else int(token)
