"""The skills taxonomy (``skills_taxonomy.json``): loading, validation and compilation into a matcher index.

Each skill has a category, aliases in Portuguese, English, Spanish and Russian and the skills it implies
("spring boot" → "spring" → "java"). Aliases are written folded, with a small syntax turned into regex here:
``*`` a word tail (``продаж*``), `` `` optional space or hyphen, ``-`` an optional hyphen or space, ``/``
a slash with optional spaces, ``a.b`` an optional dot between letters, and a leading ``~`` for ambiguous
aliases ("C", "R", "Go") that count only inside a list of other skills (see :mod:`recruta.facts.skills`).
Aliases are indexed by their first 1-3 literal characters so a scan tries only the few that can match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from recruta.text.fold import fold

__all__ = ["CATEGORIES", "TAXONOMY_PATH", "Alias", "Skill", "Taxonomy", "load_taxonomy"]

TAXONOMY_PATH = Path(__file__).with_name("skills_taxonomy.json")
CATEGORIES = ("hard", "tool", "soft", "domain")


@dataclass(frozen=True, kw_only=True)
class Skill:
    """One taxonomy entry: a canonical (English) name, its category, its aliases as written in the file."""

    name: str
    category: str
    aliases: tuple[str, ...]
    implies: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Alias:
    """One compiled alias; ``order`` (its place in the file) breaks ties between aliases of equal length."""

    skill: str
    text: str
    regex: re.Pattern[str]
    strict: bool
    order: int


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    """A compiled taxonomy: what :func:`~recruta.facts.extract_skills` scans with."""

    skills: dict[str, Skill]
    index: dict[str, tuple[Alias, ...]]  # first 1-3 literal folded chars -> aliases
    parents: dict[str, tuple[str, ...]]  # skill -> all implied ancestors, nearest first
    ignore: re.Pattern[str] | None = None  # boilerplate masked before matching

    def __len__(self) -> int:
        return len(self.skills)


_ALIAS_END = r"(?![\w+#$])"
_SPECIAL = frozenset(" *-/")


def _alias_pattern(alias: str) -> str:
    """The regex of a folded alias (the syntax in the module docstring)."""
    parts: list[str] = []
    prev = ""
    for i, ch in enumerate(alias):
        nxt = alias[i + 1] if i + 1 < len(alias) else ""
        if ch == "*":
            parts.append(r"\w*")
        elif ch == " ":
            parts.append(r"[\s\-]+" if prev == "*" else r"[\s\-]*")
        elif ch == "-":
            parts.append(r"[\s\-]?")
        elif ch == "/":
            parts.append(r"\s*/\s*")
        elif ch == "." and prev.isalnum() and nxt.isalnum():
            parts.append(r"\.?")
        else:
            parts.append(re.escape(ch))
        prev = ch
    return "".join(parts) + _ALIAS_END


def _literal_prefix(alias: str) -> str:
    out = []
    for i, ch in enumerate(alias):
        if ch in _SPECIAL:
            break
        if ch == "." and i > 0 and alias[i - 1].isalnum() and i + 1 < len(alias) and alias[i + 1].isalnum():
            break
        out.append(ch)
    return "".join(out)


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load and compile a taxonomy file (default: the bundled one, cached)."""
    if path is None:
        return _default_taxonomy()
    return _compile(Path(path))


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    return _compile(TAXONOMY_PATH)


def _compile(path: Path) -> Taxonomy:
    raw = json.loads(path.read_text(encoding="utf-8"))
    skills: dict[str, Skill] = {}
    for entry in raw["skills"]:
        name = entry["skill"]
        if name in skills:
            raise ValueError(f"duplicate skill {name!r} in {path}")
        if entry["category"] not in CATEGORIES:
            raise ValueError(f"skill {name!r}: bad category {entry['category']!r}")
        aliases = tuple(dict.fromkeys(entry["aliases"]))
        skills[name] = Skill(
            name=name, category=entry["category"], aliases=aliases, implies=tuple(entry.get("implies", ()))
        )
    for skill in skills.values():
        for parent in skill.implies:
            if parent not in skills:
                raise ValueError(f"skill {skill.name!r} implies unknown skill {parent!r}")

    parents: dict[str, tuple[str, ...]] = {}
    for name in skills:
        seen: list[str] = []
        frontier = list(skills[name].implies)
        while frontier:
            nxt = frontier.pop(0)
            if nxt == name:
                raise ValueError(f"implication cycle through {name!r}")
            if nxt not in seen:
                seen.append(nxt)
                frontier.extend(skills[nxt].implies)
        parents[name] = tuple(seen)

    index: dict[str, list[Alias]] = {}
    order = 0
    for skill in skills.values():
        for alias in skill.aliases:
            strict = alias.startswith("~")
            text = fold(alias[1:] if strict else alias).strip()
            prefix = _literal_prefix(text)
            if not prefix:
                raise ValueError(f"alias {alias!r} of {skill.name!r} must start with a literal character")
            index.setdefault(prefix[:3], []).append(
                Alias(skill=skill.name, text=text, regex=re.compile(_alias_pattern(text)), strict=strict, order=order)
            )
            order += 1
    ignore = [_alias_pattern(fold(phrase).strip()) for phrase in raw.get("ignore", ())]
    return Taxonomy(
        skills=skills,
        index={k: tuple(v) for k, v in index.items()},
        parents=parents,
        ignore=re.compile("|".join(f"(?<!\\w)(?:{p})" for p in ignore)) if ignore else None,
    )
