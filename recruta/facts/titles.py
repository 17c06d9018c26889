"""Seniority level 0..5, read from titles (a CV's desired position, a job's title) — hence the module's name,
which also keeps it from shadowing the function re-exported as ``recruta.facts.seniority``.

Level words, role words and the phrases that look like levels but are not ("account manager") are data
(``data/seniority.json``); where a title is written (labelled fields, the first line) is read here.
"""

from __future__ import annotations

import re

from recruta.facts.tables import leveled, table
from recruta.text.fold import fold

__all__ = ["seniority"]

_TABLE = table("seniority")
_SENIORITY_WORDS = leveled(_TABLE["levels"])
# Role words that only imply a level when no explicit level word is given ("Analista de Suporte Jr" → 1).
_ROLE_WORDS = leveled(_TABLE["roles"])
_SENIORITY_RE = re.compile(
    "|".join(f"(?P<s{i}>(?<![\\w.])(?:{p})(?![\\w]))" for i, (p, _) in enumerate(_SENIORITY_WORDS))
)
_ROLE_RE = re.compile("|".join(f"(?P<r{i}>(?<![\\w.])(?:{p})(?![\\w]))" for i, (p, _) in enumerate(_ROLE_WORDS)))
_NOT_SENIORITY = re.compile("|".join(_TABLE["not_levels"]))
_TITLE_FIELDS = re.compile(
    r"(?im)^[ \t]*(ищет работу на должность|должность|последняя/нынешняя должность|titulo(?:_vaga| da vaga)?|"
    r"titulo profissional|titulo_profissional|cargo(?: atual| pretendido)?|position|job title|title|puesto|"
    r"nivel profissional|nivel_profissional|seniority|senioridade|nivel)[ \t]*[:=\-][ \t]*(.+)$"
)
_BODY_START = re.compile(
    r"(?im)^[ \t]*(?:описание|обязанности|требования|description|descricao|descripcion|responsabilidades|"
    r"responsibilities|requisitos|requirements|atividades|principais_atividades|about)\b"
)


def _seniority_in(fragments: list[str]) -> int | None:
    """Strongest explicit level word in ``fragments``; role words ("analista") only when there is none."""
    strong: list[int] = []
    roles: list[int] = []
    for fragment in fragments:
        clean = _NOT_SENIORITY.sub(" ", fragment)
        strong += [_SENIORITY_WORDS[int(m.lastgroup[1:])][1] for m in _SENIORITY_RE.finditer(clean) if m.lastgroup]
        roles += [_ROLE_WORDS[int(m.lastgroup[1:])][1] for m in _ROLE_RE.finditer(clean) if m.lastgroup]
    if strong:
        return max(strong)
    return max(roles) if roles else None


def seniority(text: str) -> int | None:
    """Seniority level 0..5 (see ``LEVELS["seniority"]``).

    Title words first: the strongest level named in title fields ("Ищет работу на должность:",
    "Должность:", "titulo_vaga:", "Cargo:", "nivel profissional:"...; the first of each kind, so a past
    job's "cargo: ... jr" does not count) or the first line; if none,
    the strongest mention in the first 300 characters; else None. "Менеджер по продажам"/"account
    manager" are not management levels.
    """
    norm = fold(text)
    fields: dict[str, str] = {}
    for m in _TITLE_FIELDS.finditer(norm):
        fields.setdefault(m.group(1), m.group(2))  # first "cargo:" is the current one, not a past job
    fragments = list(fields.values())
    first_line = next((line for line in norm.splitlines() if line.strip()), "")
    fragments.append(first_line[:150])
    level = _seniority_in(fragments)
    if level is None:
        head = norm[:300]
        body = _BODY_START.search(head)
        head = _TITLE_FIELDS.sub(" ", head[: body.start()] if body else head)  # already read above
        level = _seniority_in([head])
    return level
