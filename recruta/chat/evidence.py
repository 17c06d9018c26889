"""Where in the session's documents a fact is written: the lines the chat quotes as evidence.

Every answer the chat builds from facts quotes the line it read them from, so a recruiter can check it. Skills come
from :mod:`recruta.facts` (the taxonomy); competences such as leadership also from the wording in
``data/intents.json`` ("liderou a equipe", "tech lead"), because the taxonomy only knows their noun forms.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from recruta import facts as sk
from recruta.chat.documents import CANDIDATE_KINDS
from recruta.facts.taxonomy import Taxonomy, load_taxonomy
from recruta.text.fold import fold

__all__ = ["Found", "direct_skills", "evidence_line", "find_pattern", "find_skill", "in_address", "line_at", "negated"]


@dataclass(frozen=True, kw_only=True)
class Found:
    """One piece of evidence: the document kind, the exact words matched and the line they are on."""

    kind: str
    quote: str
    line: str
    start: int


@lru_cache(maxsize=1)
def _flat_taxonomy() -> Taxonomy:
    """The taxonomy without implications: only what the text names ("Spring Boot", not also "Java")."""
    tax = load_taxonomy()
    return dataclasses.replace(tax, parents={name: () for name in tax.parents})


def direct_skills(text: str) -> dict[str, sk.Evidence]:
    """Skills the text names itself, first evidence each, in order of appearance."""
    return sk.extract_skills(text, taxonomy=_flat_taxonomy())


_ADDRESS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w.-]+\.(?:com|org|io|net|br|dev|example)(?:/\S*)?")


def in_address(text: str, start: int) -> bool:
    """``start`` falls inside an e-mail address or a URL ("github.com/maria" names no skill of hers)."""
    _, line = line_at(text, start)
    begin = start - (text.rfind("\n", 0, start) + 1)
    return any(m.start() <= begin < m.end() for m in _ADDRESS.finditer(line))


def line_at(text: str, start: int) -> tuple[int, str]:
    """``(offset, line)`` of the line holding ``start``."""
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    return begin, text[begin : end if end >= 0 else len(text)]


def evidence_line(text: str, start: int, quote: str, *, limit: int = 160) -> str:
    """The line holding a piece of evidence, on one line and clipped around the quote."""
    begin, line = line_at(text, start)
    offset = start - begin
    if len(line) > limit:
        lo = max(0, min(offset - limit // 3, len(line) - limit))
        line = ("…" if lo else "") + line[lo : lo + limit].strip() + ("…" if lo + limit < len(line) else "")
    return " ".join(line.split()).strip(" -•*·") or quote


_NEGATION = re.compile(r"\b(?:sem|nao|nunca|nenhuma?|without|no|never|not|lacks?|sin|ningun[oa]?)\b")


def negated(text: str, start: int) -> bool:
    """The evidence is negated on its line just before it ("sem experiência em liderança", "no Java")."""
    begin, _ = line_at(text, start)
    before = fold(text[max(begin, start - 40) : start]).casefold()
    return bool(_NEGATION.search(before.split(",")[-1].split(";")[-1]))


def find_skill(
    documents: dict[str, str], skill: str, *, kinds: Sequence[str] = CANDIDATE_KINDS, limit: int = 3
) -> list[Found]:
    """Lines of the candidate's documents that show ``skill`` (implied parents count: Spring Boot shows Java)."""
    out: list[Found] = []
    for kind in kinds:
        text = documents.get(kind)
        if not text:
            continue
        ev = sk.extract_skills(text).get(skill)
        if ev is not None:
            out.append(Found(kind=kind, quote=ev.quote, line=evidence_line(text, ev.start, ev.quote), start=ev.start))
    return out[:limit]


def find_pattern(
    documents: dict[str, str], pattern: re.Pattern[str], *, kinds: Iterable[str] = CANDIDATE_KINDS, limit: int = 3
) -> list[Found]:
    """Lines matching ``pattern`` (written folded) in the candidate's documents, one per line, in order."""
    out: list[Found] = []
    for kind in kinds:
        text = documents.get(kind)
        if not text:
            continue
        norm = fold(text)  # lowercase, no accents, same length as text: offsets carry over
        seen: set[int] = set()
        for m in pattern.finditer(norm):
            begin, _ = line_at(text, m.start())
            if begin in seen:
                continue
            seen.add(begin)
            quote = text[m.start() : m.end()]
            out.append(Found(kind=kind, quote=quote, line=evidence_line(text, m.start(), quote), start=m.start()))
            if len(out) >= limit:
                return out
    return out
