"""Does a model's wording of a planned answer say only what the records say? Numbers, names and ids, checked.

A language model may phrase an exact answer (``phrasing.phrase_with_llm``), but it must not add a fact. The
checker reads the model's text the way a suspicious reader would:

- every **number** (ids, counts, dates, years; "1.234", "1,234", "1234", "2022-03-01" and "01/03/2022" alike,
  and number words "três", "three", "tres") must be a number of the facts;
- every **name** (a capitalised word the facts, the question and the answers catalogue do not hold: a person, a
  client, a city) must be a word of the facts — a capitalised word opening a sentence counts when a second
  capitalised word follows it ("Maria Souza foi..."), so "Unfortunately" alone is not taken for a name;
- every **key fact** (what the answer is about: the template's numbers, the people it names, the value asked
  for) must still be there.

Anything else is an invention or an omission, and the caller keeps the template answer. Words are compared
folded (``recruta.text.fold``): accents and case never make a fact differ.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from recruta.text.fold import STOPWORDS, fold

__all__ = ["FactSet", "Number", "Verdict", "check", "flatten", "numbers_in"]

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,:/-]\d+)*(?![\w])|\d+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")
# Number words a model may write for a count (two and up: "um"/"uma"/"un"/"one" are also articles).
NUMBER_WORDS: dict[str, dict[str, str]] = {
    "pt": {
        "dois": "2",
        "duas": "2",
        "tres": "3",
        "quatro": "4",
        "cinco": "5",
        "seis": "6",
        "sete": "7",
        "oito": "8",
        "nove": "9",
        "dez": "10",
        "onze": "11",
        "doze": "12",
        "vinte": "20",
        "cem": "100",
    },
    "en": {
        "two": "2",
        "three": "3",
        "four": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
        "ten": "10",
        "eleven": "11",
        "twelve": "12",
        "twenty": "20",
        "hundred": "100",
    },
    "es": {
        "dos": "2",
        "tres": "3",
        "cuatro": "4",
        "cinco": "5",
        "seis": "6",
        "siete": "7",
        "ocho": "8",
        "nueve": "9",
        "diez": "10",
        "once": "11",
        "doce": "12",
        "veinte": "20",
        "cien": "100",
    },
}


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """``ok`` when nothing was invented and no key fact is missing; what was, otherwise (for the logs)."""

    ok: bool
    invented: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def _strip_zeros(digits: str) -> str:
    return digits.lstrip("0") or "0"


@dataclass(frozen=True, kw_only=True)
class Number:
    """A number as written (``raw``), its digits without separators (``whole``) and its digit groups."""

    raw: str
    whole: str
    parts: frozenset[str]


def numbers_in(text: str, *, lang: str = "") -> list[Number]:
    """Each number of ``text``, leading zeros dropped; number words of ``lang`` (every language's when empty)
    included."""
    out = []
    for m in _NUMBER.finditer(text):
        digits = _DIGITS.findall(m.group(0))
        out.append(
            Number(
                raw=m.group(0), whole=_strip_zeros("".join(digits)), parts=frozenset(_strip_zeros(d) for d in digits)
            )
        )
    words = NUMBER_WORDS.get(lang) or {k: v for table in NUMBER_WORDS.values() for k, v in table.items()}
    for w in _WORD.findall(fold(text)):
        if w in words:
            out.append(Number(raw=w, whole=words[w], parts=frozenset({words[w]})))
    return out


def flatten(value: Any) -> list[str]:
    """Every scalar of a result's facts (dicts, lists, dataclasses such as a plan's filters) as text."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in (*flatten(k), *flatten(v))]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [x for v in value for x in flatten(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return flatten(dataclasses.asdict(value))
    return [str(value)]


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """The words of every answer the catalogue can say, in every language: never a name to check."""
    from recruta.i18n import catalogue

    cat = catalogue("answers")
    return frozenset(
        w
        for table in cat.values()
        for text in table.values()
        for w in _WORD.findall(fold(re.sub(r"\{[^}]*\}", " ", text)))
    )


@dataclass(frozen=True, kw_only=True)
class FactSet:
    """The numbers (whole and by digit groups) and folded words that a text may use."""

    numbers: frozenset[str]
    groups: frozenset[str]
    words: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> FactSet:
        numbers: set[str] = set()
        groups: set[str] = set()
        words: set[str] = set()
        for text in texts:
            for n in numbers_in(text):
                numbers.add(n.whole)
                groups |= n.parts
            words.update(_WORD.findall(fold(text)))
        return cls(numbers=frozenset(numbers), groups=frozenset(groups), words=frozenset(words))

    def has(self, number: Number) -> bool:
        """A number written whole ("1234", "1.234") is one of the facts' numbers, or a year of their dates; one
        written in groups ("3/2/2022", "2022-02-03") has every group among the facts' groups. A date's day is
        never a count: "três" does not pass because some date holds a 3."""
        if number.whole in self.numbers:
            return True
        if len(number.parts) > 1 or number.raw.count("/") or number.raw.count("-"):
            return number.parts <= self.groups
        return len(number.whole) == 4 and number.whole in self.groups


def _names(text: str) -> list[tuple[str, bool]]:
    """Capitalised words of ``text`` with whether each looks like a name (see the module docstring)."""
    matches = list(_WORD.finditer(text))
    out = []
    for i, m in enumerate(matches):
        word = m.group(0)
        if not word[:1].isupper():
            continue
        initial = not text[: m.start()].strip() or bool(_SENTENCE_END.search(text[: m.start()]))
        following = matches[i + 1].group(0) if i + 1 < len(matches) else ""
        named = not initial or (
            following[:1].isupper() and not re.search(r"[.!?:;,\n]", text[m.end() : matches[i + 1].start()])
        )
        out.append((word, named))
    return out


def check(output: str, *, facts: Iterable[str], keys: Iterable[str] = (), lang: str = "") -> Verdict:
    """Verdict on ``output``: its numbers and names must be among ``facts`` (the result's values, the template
    answer, the question), and every text of ``keys`` must still be said (its numbers in any format, its words
    folded)."""
    allowed = FactSet.of(facts)
    invented = [n.raw for n in numbers_in(output, lang=lang) if not allowed.has(n)]
    vocabulary = _vocabulary()
    for word, named in _names(output):
        folded = fold(word)
        if named and folded not in allowed.words and folded not in STOPWORDS and folded not in vocabulary:
            invented.append(word)
    said = FactSet.of([output, *(n.whole for n in numbers_in(output, lang=lang))])
    missing: list[str] = []
    for key in keys:
        words = {w for w in _WORD.findall(fold(key)) if w not in STOPWORDS and len(w) > 1}
        if not all(said.has(n) for n in numbers_in(key)) or not words <= said.words:
            missing.append(key)
    return Verdict(
        ok=not invented and not missing, invented=tuple(dict.fromkeys(invented)), missing=tuple(dict.fromkeys(missing))
    )
