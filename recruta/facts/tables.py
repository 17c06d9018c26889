"""The word tables the extractors read (``recruta/facts/data/*.json``) and the scales they answer on.

Tables — what maps a word to a value (a level, a number, a city, a currency) — live as data so they can be
read and extended without reading the code; the patterns that find *where* a fact is stated (labels,
cues, negations) stay next to the function that uses them. Every file has an ``"about"`` key saying what
it holds; the word lists are folded (see :func:`recruta.text.fold.fold`) regex alternatives.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["DATA_DIR", "LEVELS", "Leveled", "leveled", "table"]

DATA_DIR = Path(__file__).with_name("data")

#: A word list with the level its words mean: ``(regex alternatives joined with "|", level)``.
Leveled = tuple[str, int]


@lru_cache(maxsize=16)
def table(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.json`` (read once per process)."""
    data: dict[str, Any] = json.loads((DATA_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def leveled(entries: list[dict[str, Any]]) -> list[Leveled]:
    """``[{"level": n, "words": [...]}, ...]`` → ``[("w1|w2|...", n), ...]``, in file order (order is priority)."""
    return [("|".join(entry["words"]), int(entry["level"])) for entry in entries]


def _levels() -> dict[str, dict[int, str]]:
    scales = table("scales")
    return {name: {int(k): label for k, label in scale.items()} for name, scale in scales.items() if name != "about"}


#: The integer scales used by :func:`~recruta.facts.language_levels`, :func:`~recruta.facts.seniority` and
#: :func:`~recruta.facts.education_level`.
LEVELS: dict[str, dict[int, str]] = _levels()
