"""What a question names that the records do not hold: "Acme Corp" in "the Analista SAP job at Acme Corp".

The planner keeps the words it recognises (a client, a city, title words) and drops the rest, so a client or a
title nobody has on file silently widens the question ("the Analista SAP job at Acme Corp" becomes "the Analista
SAP job", and other clients' vagas come back as if they were Acme's). :func:`unknown_words` finds those dropped
names — words written capitalised after a sentence's first word that no record holds anywhere (no title, client,
city, state, person or record text has the word) or, written against a job title's words, that no title holds
("Desenvolvedor Kotlin Sênior"), and that no cue vocabulary frames — and :func:`not_on_file` turns them into the
answer a recruiter can trust: first that the records hold no such thing, then, clearly as other clients' or
places' vagas, the closest ones by the rest of the description (none for a level alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from recruta.answer.cues import FRAME, VAGA_WORDS
from recruta.answer.entities import Gazetteer, VagaIndex, lexicon, title_word, title_words, words
from recruta.answer.parsing import Parsed, level_words
from recruta.answer.resolve import CLOSEST
from recruta.answer.result import Result, vaga_source
from recruta.text.fold import fold

if TYPE_CHECKING:
    from recruta.answer.plan import Plan, VagaRef
    from recruta.answer.resolve import Resolver
    from recruta.answer.table import RecordsTable

# plans about vagas: a name they drop would widen them to other clients' or other places' vagas
VAGA_INTENTS = frozenset({"vaga_field", "vaga_hires", "count", "ranking"})
_LANGUAGE_NAMES = frozenset({"ingles", "english", "espanhol", "spanish", "espanol", "portugues", "portuguese"})


@dataclass(frozen=True, kw_only=True)
class Unknown:
    """Words of the question no record holds, as written; ``in_title`` when written inside the job title."""

    text: str
    in_title: bool


def _cue_words(folded: str) -> set[str]:
    """The words of the question that any cue vocabulary matches ("CLT" asks a field, "Top" a ranking)."""
    from recruta.answer import cues as cue_module

    patterns: list[re.Pattern[str]] = []
    for value in vars(cue_module).values():
        if isinstance(value, re.Pattern):
            patterns.append(value)
        elif isinstance(value, tuple) and value and all(isinstance(x, tuple) and len(x) == 2 for x in value):
            patterns.extend(rx for _, rx in value if isinstance(rx, re.Pattern))
    return {w for rx in patterns for m in rx.finditer(folded) for w in re.findall(r"\w+", m.group(0))}


def record_words(table: RecordsTable) -> frozenset[str]:
    """Every folded word of every text the records hold (a vaga's activities, a CV's skills, a status...): a word
    in any of them is not "nowhere on file". Built once per table (the answerer builds it when it starts)."""
    key = "missing:record_words"
    if key not in table._cache:
        found: set[str] = set()
        for frame in (table.vagas, table.applicants, table.applications):
            for column in frame.columns:
                if frame[column].dtype.kind in "biufcmM":
                    continue
                found.update(words("\n".join(frame[column].dropna().astype(str).unique().tolist())))
        table._cache[key] = frozenset(found)
    vocabulary: frozenset[str] = table._cache[key]
    return vocabulary


def unknown_words(
    parsed: Parsed, *, gazetteer: Gazetteer, vagas: VagaIndex, table: RecordsTable | None = None
) -> list[Unknown]:
    """The runs of capitalised words (after a sentence's first word) that nothing on file holds, in order."""
    particles = set(lexicon()["particles"])
    plain = (
        FRAME
        | set(level_words())
        | {w for ws in lexicon()["language_levels"].values() for w in ws}
        | _LANGUAGE_NAMES
        | {m for names in _months() for m in names}
        | set(lexicon()["numbers"])
        | {"top"}
        | _cue_words(parsed.folded)
    )
    described = set(parsed.words)
    named = {w for m in parsed.mentions for w in m.text.split()}
    found = list(re.finditer(r"\w+", parsed.question))
    raw = [(m.group(0), fold(m.group(0)).casefold()) for m in found]
    # a sentence's first word is capitalised whatever it is ("… positions? Top 3")
    starts = {0} | {i for i in range(1, len(found)) if re.search(r"[.?!:;¿¡]\s*$", parsed.question[: found[i].start()])}

    def candidate(i: int) -> bool:
        word, key = raw[i]
        return (
            i not in starts
            and word[0].isupper()
            and not key.isdigit()
            and key not in plain
            and key not in named
            and key not in described
            and not gazetteer.index.get((key,))
            and not vagas.known(title_word(key))
        )

    maybe = {i for i in range(len(raw)) if candidate(i)}
    if not maybe:
        return []
    held = record_words(table) if table is not None else frozenset()
    # a word written against the title's own words ("Desenvolvedor Kotlin Sênior") that no title holds is part of a
    # title nobody has, even when some record's text has the word (a vaga's activities name Kotlin)
    titled = {i for i in maybe if any(0 <= j < len(raw) and raw[j][1] in described for j in (i - 1, i + 1))}
    unknown_at = {i for i in maybe if raw[i][1] not in held or i in titled}

    def unknown(i: int) -> bool:
        return i in unknown_at

    def joins(j: int) -> bool:
        if unknown(j):
            return True
        word, key = raw[j]
        if j in starts or key in plain:
            return False
        if word[0].isupper():
            return key not in named and key not in described
        return key in particles and j + 1 < len(raw) and unknown(j + 1)

    out: list[Unknown] = []
    i = 0
    while i < len(raw):
        if not unknown(i):
            i += 1
            continue
        j = i + 1
        # a run: "Acme Industrias", "Acme do Brasil" (particles inside), "Acme Seguros" (a known word after one
        # nobody has, still capitalised and outside what the question was found to name)
        while j < len(raw) and joins(j):
            j += 1
        # written against the title's own words ("Astronauta Pleno"), with no particle between: the title's
        before = raw[i - 1][1] if i > 0 else ""
        after = raw[j][1] if j < len(raw) else ""
        # or named as the job itself: "a vaga de Astronauta Orbital", "the Astronaut Orbital job"
        job = raw[i - 2][1] if i > 1 and before in particles else before
        in_title = before in described or after in described or bool(VAGA_WORDS.fullmatch(job or "-"))
        in_title = in_title or bool(VAGA_WORDS.fullmatch(after or "-"))
        spelled = [w for w, _ in raw[i:j]]
        if in_title:  # the title as written: the unknown words and the title words next to them
            lo, hi = i, j
            # particles inside the title kept ("Assistente Quixotesco de RH")
            while lo > 0 and (
                raw[lo - 1][1] in described or (lo > 1 and raw[lo - 1][1] in particles and raw[lo - 2][1] in described)
            ):
                lo -= 1
            while hi < len(raw) and (
                raw[hi][1] in described
                or (hi + 1 < len(raw) and raw[hi][1] in particles and raw[hi + 1][1] in described)
            ):
                hi += 1
            spelled = [w for w, _ in raw[lo:hi]]
        out.append(Unknown(text=" ".join(spelled), in_title=in_title))
        i = j
    return out


def _months() -> list[list[str]]:
    from recruta.answer.cues import cues

    return [list(names) for names in cues()["months"].values()]


def written_title(parsed: Parsed) -> str:
    """The job title as the question writes it ("Gerente de Projetos de TI"), particles inside it kept."""
    described = set(parsed.words)
    particles = set(lexicon()["particles"])
    raw = [(m.group(0), fold(m.group(0)).casefold()) for m in re.finditer(r"[\w.#+-]+", parsed.question)]
    keys = [k.strip(".-") for _, k in raw]
    at = [i for i, k in enumerate(keys) if k in described]
    if not at:
        return ""
    lo, hi = at[0], at[-1] + 1
    inside = all(keys[k] in described or keys[k] in particles for k in range(lo, hi))
    return " ".join(w for w, _ in raw[lo:hi]) if inside else ""


def closest_vagas(ref: VagaRef, *, resolver: Resolver) -> list[str]:
    """The vagas the description alone means, wherever they are: the nearest to one a client or place lacks."""
    return resolver.resolve_vagas(replace(ref, client="", city="", state="", ids=()))


def not_on_file(plan: Plan, unknown: list[Unknown], *, resolver: Resolver) -> Result | None:
    """The answer to a vaga question that names what no record holds; None when ``plan`` is no such question."""
    if plan.intent not in VAGA_INTENTS or not unknown:
        return None
    if plan.intent in ("count", "ranking") and plan.measure not in ("vagas", "applications", "hires"):
        return None
    ref = plan.vaga
    closest: list[str] = []
    title_missing = [u.text for u in unknown if u.in_title]
    # a level alone ("Pleno" of "Astronauta Pleno") is no description to offer vagas by
    levels = {title_word(w) for w in level_words()}
    if ref is not None and ref.title and not set(title_words(ref.title)) <= levels:
        # the nearest vagas by the rest of the description: other clients' or other places' (the named one has none)
        closest = closest_vagas(ref, resolver=resolver)
    rows = [resolver.vaga_row(v) for v in closest[:CLOSEST]]
    return Result(
        kind="not_on_file",
        facts={
            "names": [u.text for u in unknown if not u.in_title],
            "titles": title_missing,
            "title": ref.title if ref is not None else "",
            "closest": rows,
            "total": len(closest),
        },
        sources=[vaga_source(r) for r in rows],
    )


__all__ = ["VAGA_INTENTS", "Unknown", "closest_vagas", "record_words", "not_on_file", "unknown_words", "written_title"]
