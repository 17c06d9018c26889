"""CV advice written by an LLM and checked against the CV: rewordings of the candidate's own lines toward the job.

With a generator other than the extractive one, /match asks the LLM, for up to ``MAX_LINES`` lines of the CV that
already show a skill the job asks for, to reword that line so the job's requirement reads more clearly. The line
is picked here (it is quoted from the CV, never by the model), and every rewording is checked before it is shown:

- every skill it names is a skill of the CV (a gap of the job named in a rewording is an invented experience);
- every number in it is a number of the CV (no invented years, percentages, team sizes);
- it is no instruction to claim anything ("add", "declare", "mention that you…");
- it rewords *that* line (shares its content words), changes it, and is in the CV's language.

A rewording that fails any check is dropped and the deterministic advice (:func:`recruta.screening.matching.advise`)
stays as it is; it is always kept after the accepted rewordings. The score is never touched: an LLM only words.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from recruta import facts as sk
from recruta.i18n import message
from recruta.text.fold import content_words, fold
from recruta.text.language import fits_language

if TYPE_CHECKING:  # heavy at import time (torch, httpx): only their types here
    from recruta.rag.generators import Generator, Sampling
    from recruta.screening.matching import MatchResult, Profile

log = logging.getLogger("recruta.screening.advice_llm")

MAX_LINES = 3  # LLM calls per /match: one short rewording each
MAX_LINE_CHARS = 240  # a longer line is cut to its sentence, then to this many characters around the skill
_SENTENCE_END = re.compile(r"[.;!?•·▪](?=\s)|\s{3,}")
_LANGUAGE_NAMES = {"pt": "Portuguese", "en": "English", "es": "Spanish", "ru": "Russian"}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# An instruction to claim something (in a rewording there should be none): pt, en, es, ru imperatives.
_CLAIM = re.compile(
    r"\b(?:adicion[ea]|acrescent[ea]|inclua|declare|mencione|afirme|diga que|coloque|"
    r"add|claim|mention|state that|say that|pretend|"
    r"añad[ae]|agregue|incluya|diga|"
    r"добав|укаж|напиш)",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^\s*(?:[-*•>]+\s*|(?:rewritten|reworded|new|cv)?\s*line\s*:\s*|linha\s*:\s*)", re.IGNORECASE)
Reason = Literal[
    "ok",
    "empty",
    "unchanged",
    "too_long",
    "invented_skill",
    "invented_number",
    "claim",
    "off_line",
    "language",
    "error",
]


@dataclass(frozen=True, kw_only=True)
class Rewrite:
    """One CV line, the job requirement it was reworded toward, the model's text and the check's verdict."""

    line: str
    skill: str
    requirement: str
    text: str
    reason: Reason
    invented: tuple[str, ...] = ()  # skills the model named that the CV does not show (before the check)
    ms: float = 0.0

    @property
    def accepted(self) -> bool:
        return self.reason == "ok"


@dataclass(frozen=True, kw_only=True)
class AdviceOutcome:
    advice: list[str]
    source: Literal["llm", "template"]
    rewrites: list[Rewrite] = field(default_factory=list)


def line_at(text: str, start: int, *, max_chars: int = MAX_LINE_CHARS) -> str:
    """The line of ``text`` around offset ``start`` (without a leading bullet): its sentence when the line is long
    (a CV pasted as one paragraph), and at most ``max_chars`` of it around the offset, cut at word boundaries.
    Always an exact substring of the CV, so the advice quotes the candidate's own words."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", start)
    hi = hi if hi >= 0 else len(text)
    if hi - lo > max_chars:
        cuts = [m.end() for m in _SENTENCE_END.finditer(text, lo, hi)]
        lo = max([c for c in cuts if c <= start], default=lo)
        hi = min([c for c in cuts if c > start], default=hi)
    if hi - lo > max_chars:
        lo = max(lo, start - max_chars // 3)
        hi = min(hi, lo + max_chars)
        lo = lo if lo == 0 or text[lo - 1].isspace() else text.find(" ", lo) + 1
        hi = hi if hi == len(text) or text[hi].isspace() else text.rfind(" ", lo, hi)
    return _PREFIX.sub("", text[lo:hi]).strip()


def lines_to_reword(cv: Profile, result: MatchResult, *, limit: int = MAX_LINES) -> list[tuple[str, str, str]]:
    """(CV line, skill, job requirement) for the job's skills the CV shows in a line of work, distinct lines,
    the lines naming the most of the job's skills first. A bare list of skills is not reworded."""
    found: dict[str, tuple[str, str, int]] = {}
    asked = {s["skill"] for s in result.strengths}
    for s in result.strengths:
        ev = cv.shown.get(s["skill"])
        if ev is None:
            continue
        line = line_at(cv.text, ev.start)
        if len(content_words(line)) < 4 or line in found:
            continue
        named = len(asked & set(sk.extract_skills(line)))
        found[line] = (s["skill"], s["requirement"], named)
    best = sorted(found.items(), key=lambda kv: -kv[1][2])[:limit]
    return [(line, skill, req) for line, (skill, req, _) in best]


def clean(text: str) -> str:
    """The model's first non-empty line, without bullets, labels or wrapping quotes."""
    for raw in str(text).splitlines():
        line = _PREFIX.sub("", raw).strip().strip("\"'“”«»").strip()
        if line:
            return line
    return ""


def check(text: str, *, line: str, cv: Profile) -> tuple[Reason, tuple[str, ...]]:
    """Whether a rewording of ``line`` may be shown, and the skills it names that the CV does not show."""
    invented = tuple(sorted(set(sk.extract_skills(text)) - set(cv.skills))) if text else ()
    if not text:
        return "empty", invented
    if fold(" ".join(text.split())).casefold() == fold(" ".join(line.split())).casefold():
        return "unchanged", invented
    if len(text) > 2 * len(line) + 160:
        return "too_long", invented
    if invented:
        return "invented_skill", invented
    cv_numbers = set(_NUMBER.findall(cv.text))
    if any(n not in cv_numbers for n in _NUMBER.findall(text)):
        return "invented_number", invented
    if _CLAIM.search(fold(text)):
        return "claim", invented
    mine = content_words(line)
    if mine and len(content_words(text) & mine) < max(1, round(0.3 * len(mine))):
        return "off_line", invented
    if not fits_language(text, cv.language):
        return "language", invented
    return "ok", invented


def _messages(line: str, requirement: str, lang: str) -> list[dict[str, str]]:
    system = (
        f"You improve one line of a CV for a job. Rewrite the line in {_LANGUAGE_NAMES.get(lang, 'Portuguese')} "
        "so it shows the job's requirement more clearly. Keep every fact of the line; add no skill, tool, number, "
        "employer or experience that the line does not state. Answer with the rewritten line only."
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Job requirement: {requirement}\nCV line: {line}"},
    ]


def token_budget(line: str, max_tokens: int) -> int:
    """New tokens to ask for: ``max_tokens``, but no more than a rewording the length check accepts can need
    (about half a token per character of the line, plus room for the job's words); the first line is used."""
    return max(1, min(max_tokens, len(line) // 2 + 48))


def reword(
    line: str, *, skill: str, requirement: str, cv: Profile, generator: Generator, sampling: Sampling
) -> Rewrite:
    """Ask the model for one rewording and check it (an unreachable or broken model is a rejected rewording)."""
    from recruta.rag.generators import GenerationInput

    t0 = time.perf_counter()
    inp = GenerationInput(
        question=line, hits=[], messages=_messages(line, requirement, cv.language), temperature=sampling.temperature
    )
    try:
        raw = generator.generate(inp, max_new_tokens=token_budget(line, sampling.max_tokens))
    except Exception as exc:  # the deterministic advice must survive any LLM failure
        log.warning("advice rewording failed (%s); keeping the deterministic advice", exc)
        return Rewrite(line=line, skill=skill, requirement=requirement, text="", reason="error")
    text = clean(raw)
    reason, invented = check(text, line=line, cv=cv)
    ms = round((time.perf_counter() - t0) * 1000, 1)
    return Rewrite(line=line, skill=skill, requirement=requirement, text=text, reason=reason, invented=invented, ms=ms)


def write_advice(
    cv: Profile, result: MatchResult, *, generator: Generator, sampling: Sampling, lang: str
) -> AdviceOutcome:
    """The accepted rewordings (framed in ``lang``) followed by the deterministic advice; ``source`` is "llm"
    when at least one rewording passed the checks."""
    rewrites = [
        reword(line, skill=skill, requirement=req, cv=cv, generator=generator, sampling=sampling)
        for line, skill, req in lines_to_reword(cv, result)
    ]
    kept = [message("advice", "reword", lang, quote=r.line, rewrite=r.text) for r in rewrites if r.accepted]
    rejected = [r.reason for r in rewrites if not r.accepted]
    if rejected:
        log.info("advice rewordings rejected: %s", ", ".join(rejected))
    return AdviceOutcome(advice=kept + list(result.advice), source="llm" if kept else "template", rewrites=rewrites)


def summary(rewrites: list[Rewrite]) -> dict[str, Any]:
    """Counts for benchmarks and logs: rewordings asked, accepted, and rejected by reason."""
    reasons: dict[str, int] = {}
    for r in rewrites:
        reasons[r.reason] = reasons.get(r.reason, 0) + 1
    return {"asked": len(rewrites), "accepted": reasons.get("ok", 0), "reasons": reasons}


__all__ = [
    "MAX_LINES",
    "AdviceOutcome",
    "Rewrite",
    "check",
    "clean",
    "line_at",
    "lines_to_reword",
    "reword",
    "summary",
    "token_budget",
    "write_advice",
]
