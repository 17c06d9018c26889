"""The JD's responsibilities written by an LLM from the grounded lines and the given fields, checked, or not at all.

The deterministic composition (:mod:`recruta.jd.compose`) picks activity lines of the similar vagas and sentences
built from the given skills. With an LLM configured, the model is given those lines, the title and the skills,
and asked for 4–6 responsibilities in the JD's language. Its list replaces the composed one only if *every* item
passes the checks:

- every skill it names is a given skill (or nice-to-have), in the title, or named by a similar vaga's lines;
- no number that the given fields and the lines do not hold, no money and no benefit;
- written in the JD's language (:func:`recruta.jd.wording.written_in`), between 15 and 300 characters;
- grounded: each item shares at least two content words with the given fields and the composed lines;
- no two items near-duplicates (a small model loops); a last item much shorter than the rest (cut by the token limit) is dropped;
- at least 3 items.

Otherwise the composed (deterministic) list is kept. Each accepted item is attributed to the grounded line it
shares most words with (its vaga id in ``line_sources``), or to no vaga.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from recruta.jd.grounding import BENEFIT, BULLET, MONEY, Grounding, skills_of
from recruta.jd.request import JDRequest
from recruta.jd.wording import written_in
from recruta.text.fold import content_words, fold

if TYPE_CHECKING:
    from recruta.rag.generators import Generator, Sampling

log = logging.getLogger("recruta.jd.llm_writing")

MIN_ITEMS, MAX_ITEMS = 3, 6
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LANGUAGE_NAMES = {"pt": "Portuguese", "en": "English", "es": "Spanish"}
Reason = Literal[
    "ok",
    "error",
    "too_few",
    "invented_skill",
    "invented_number",
    "money_or_benefit",
    "language",
    "length",
    "ungrounded",
    "repetitive",
]


@dataclass(frozen=True, kw_only=True)
class Written:
    items: list[str]
    sources: list[str | None]
    reason: Reason
    invented: tuple[str, ...] = ()  # skills named that no given field or similar vaga names (before the check)

    @property
    def accepted(self) -> bool:
        return self.reason == "ok"


def allowed_skills(req: JDRequest, g: Grounding, similar: Sequence[str]) -> set[str]:
    """Skills a responsibility may name: the given ones, the title's, and those the similar vagas' lines name."""
    text = "\n".join([req.title, *req.skills, *req.nice_to_have, *(g.text(v) for v in similar)])
    return set(skills_of(text))


def _items(raw: str) -> list[str]:
    out = []
    for line in str(raw).splitlines():
        text = re.sub(r"^\s*\d+[.)]\s*", "", BULLET.sub("", line)).strip().strip("\"'“”").strip()
        if text and not text.endswith(":"):
            out.append(text)
    return out[:MAX_ITEMS]


def check(items: list[str], *, req: JDRequest, allowed: set[str], context: str) -> tuple[Reason, tuple[str, ...]]:
    """The first failed check of the list (``ok`` when all pass) and every skill named outside ``allowed``."""
    invented = tuple(sorted({s for item in items for s in skills_of(item)} - allowed))
    if len(items) < MIN_ITEMS:
        return "too_few", invented
    if invented:
        return "invented_skill", invented
    known = set(_NUMBER.findall(context))
    grounds = content_words(context)
    seen: list[set[str]] = []
    runs: set[tuple[str, ...]] = set()
    for item in items:
        words = content_words(item)
        if len(words & grounds) < 2:
            return "ungrounded", invented
        tokens = fold(item).casefold().split()
        mine = {tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4)}
        if mine & runs or any(len(words & other) > 0.6 * min(len(words), len(other)) for other in seen):
            return "repetitive", invented  # the same item again, or the same 5-word run looping through items
        seen.append(words)
        runs |= mine
        if not 15 <= len(item) <= 300:
            return "length", invented
        if any(n not in known for n in _NUMBER.findall(item)):
            return "invented_number", invented
        if MONEY.search(item) or BENEFIT.search(item):
            return "money_or_benefit", invented
        if not written_in(item, req.language):
            return "language", invented
    return "ok", invented


def _source(item: str, lines: Sequence[tuple[str, str | None]]) -> str | None:
    words = content_words(item)
    best, best_n = None, 1
    for text, vaga_id in lines:
        n = len(words & content_words(text))
        if vaga_id is not None and n > best_n:
            best, best_n = vaga_id, n
    return best


def write_responsibilities(
    req: JDRequest,
    lines: Sequence[tuple[str, str | None]],
    *,
    grounding: Grounding,
    similar: Sequence[str],
    generator: Generator,
    sampling: Sampling,
) -> Written:
    """The LLM's responsibilities for ``req`` from the composed ``lines`` (text, vaga id), checked (see module)."""
    from recruta.rag.generators import GenerationInput

    lang = req.language
    system = (
        f"You write the responsibilities section of a job ad in {_LANGUAGE_NAMES.get(lang, 'Portuguese')}: "
        f"{MIN_ITEMS + 1} to {MAX_ITEMS} lines, each starting with '- ', each one concrete activity of the job. "
        "Use only the activities and skills given; add no tool, technology, number, salary or benefit. "
        "Answer with the list only."
    )
    given = ", ".join([*req.skills]) or "-"
    acts = "\n".join(f"- {text}" for text, _ in lines) or "-"
    user = f"Job title: {req.title}\nSkills: {given}\nActivities of similar jobs:\n{acts}"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    try:
        raw = generator.generate(
            GenerationInput(question=req.title, hits=[], messages=messages, temperature=sampling.temperature),
            max_new_tokens=sampling.max_tokens,
        )
    except Exception as exc:  # an unreachable/broken LLM must not break generation
        log.warning("responsibilities writing failed (%s); keeping the composed list", exc)
        return Written(items=[], sources=[], reason="error")
    items = _items(raw)
    if len(items) > MIN_ITEMS and 2 * len(items[-1]) < sorted(map(len, items))[len(items) // 2]:
        items = items[:-1]  # a last item much shorter than the rest was cut by the token limit
    context = "\n".join([req.title, *req.skills, *req.nice_to_have, *(t for t, _ in lines)])
    if req.years_experience is not None:
        context += f"\n{req.years_experience}"
    reason, invented = check(items, req=req, allowed=allowed_skills(req, grounding, similar), context=context)
    if reason != "ok":
        log.info("LLM responsibilities rejected (%s); keeping the composed list", reason)
    return Written(items=items, sources=[_source(x, lines) for x in items], reason=reason, invented=invented)


__all__ = ["MAX_ITEMS", "MIN_ITEMS", "Written", "allowed_skills", "check", "write_responsibilities"]
