"""Is an answer right? The answer-accuracy judge of the evaluation set (``recruta.rag.evalset``).

Each evaluation item carries its exact expected answer (``expected``, computed from the records). The judge is
lenient on form and strict on content:

- form: accents and case are folded, hyphens read as spaces, record ids ("vaga:1003:0") are ignored, numbers may be
  digits ("12", "1.235") or words ("doze", "twelve"), dates in any usual format ("22/06/2024", "June 22, 2024"),
  names and set members in any order, and a closed-vocabulary value in pt, en or es ("Avançado", "Advanced");
- content: the expected value, number, date or every expected name must be stated; a count is the first count-like
  number of the answer (ids, years and the question's own numbers are not counts) and must be exact; a list must name
  nobody else the records know in that namespace; a value must not be contradicted by another value of the same
  field (a clause about another field, a recruiter's note quoted with the record, a negated mention or a value the
  question itself offers does not count);
  a question the records cannot answer must be answered with a statement that they do not hold it, in the
  question's language; and, whatever the question, calling someone hired whom the records show not hired is a
  "false hire" and makes the answer wrong.

Expected answer types (``expected["type"]``): ``value``, ``set``, ``number``, ``date``, ``text``, ``ranking``,
``options``, ``compare``, ``none`` — see :mod:`recruta.rag.evalset` for what each carries.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from recruta.rag.vocab import Mention, RecordNames, Vocabulary, find_phrases, lexicon, phrase_key
from recruta.text.fold import content_words, fold, wordset

__all__ = ["CLAIM_WINDOW", "Verdict", "accepted_forms", "judge", "says_no_answer"]

_CITATION = re.compile(r"\[?\b(?:vaga|candidato|prospect)(?::\d+)+\]?", re.I)
_CLAUSE_END = re.compile(r"[.!?;|](?=\s|$)|\n|,(?=\s)")
_SENTENCE_END = re.compile(r"[.!?;|](?=\s|$)|\n")
_TOKEN = re.compile(r"[\w']+")
_AUX = wordset("foi foram was were been be is are has have had sido fue fueron ha han esta estao ter tem sera")
_ABBREVIATIONS = frozenset(
    {"sr", "sra", "srta", "dr", "dra", "jr", "prof", "profa", "eng", "mr", "mrs", "ms", "sto", "sta"}
)
CLAIM_WINDOW = 80  # characters between a person's name and the status word said of them
_ELLIPTIC_NO = re.compile(r"(?<!\w)(?:nao|not|no|wasn't|weren't|didn't|nunca|never)(?=\s*(?:[.;,!?)]|$))")
_NEGATIONS_EXTRA = frozenset({"ninguem", "nadie", "nobody", "nenhum", "nenhuma", "ningun", "ninguna"})
_DATE_PATTERNS = (
    (re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)"), "dmy"),
    (re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)"), "ymd"),
)
_ID_BEFORE = re.compile(
    r"(?:vaga|codigo|code|id|job|n[o°º]|#|candidat[oa]|prospect|puesto|vacante|position)\s*[:.]?\s*(?:n[o°º]\.?\s*)?$"
)
_ENUMERATOR = re.compile(r"(?:^|\n)\s*[-*]?\s*\d{1,2}[.)º°-](?=\s)|(?<![\w(])\d{1,2}\)(?=\s)|#\d{1,2}\b")
_NUMBER = re.compile(r"(?<![\w/.,])(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)((?:[.,]\d+)?)(?![\w/]|[.,]\d)")


@dataclass(frozen=True, kw_only=True)
class Verdict:
    correct: bool
    reason: str = ""  # why it is wrong ("" when right)
    false_hires: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    refused: bool = False  # the answer says the records do not hold it


@dataclass(kw_only=True)
class _Text:
    """An answer (or question) prepared once: canonical text and its clause/sentence boundaries."""

    raw: str
    canon: str = ""
    folded: str = ""  # like canon but hyphens kept (dates such as 22-06-2024)
    clause_ends: list[int] = field(default_factory=list)
    sentence_ends: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        cleaned = _CITATION.sub(lambda m: " " * len(m.group()), self.raw)
        self.folded = fold(cleaned)
        self.canon = self.folded.replace("-", " ")
        self.clause_ends = [m.start() for m in _CLAUSE_END.finditer(self.canon) if not self._abbreviation(m.start())]
        self.sentence_ends = [
            m.start() for m in _SENTENCE_END.finditer(self.canon) if not self._abbreviation(m.start())
        ]

    def _abbreviation(self, pos: int) -> bool:
        """A period that ends "Sra", "Dr", "Jr" or an initial ("Maria A. Souza") ends no sentence."""
        if self.canon[pos] != ".":
            return False
        word = (
            _TOKEN.findall(self.canon[max(0, pos - 6) : pos] + " ")[-1:] if self.canon[pos - 1 : pos].isalpha() else []
        )
        return bool(word) and (len(word[0]) == 1 or word[0] in _ABBREVIATIONS)

    def clause(self, pos: int, *, sentence: bool = False) -> int:
        return bisect_right(self.sentence_ends if sentence else self.clause_ends, pos)


def _patterns(group: str, lang: str | None) -> list[re.Pattern[str]]:
    table: Mapping[str, list[str]] = lexicon()[group]
    langs = [lang] if lang is not None and lang in table else list(table)
    return [_compiled(p) for lg in langs for p in table[lg]]


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def says_no_answer(answer: str, lang: str | None = None) -> bool:
    """Does ``answer`` say the records do not hold the answer (in ``lang``, or in any language when None)?"""
    text = _Text(raw=answer).canon
    return any(p.search(text) for p in _patterns("no_answer", lang))


def _says_nobody(text: _Text, lang: str) -> bool:
    return any(p.search(text.canon) for p in _patterns("nobody", lang) + _patterns("no_answer", lang))


_MASCULINE = re.compile(r"(?<=\w)(ad|id|it)o(s?)\b")


@lru_cache(maxsize=4096)
def accepted_forms(value: str) -> tuple[str, ...]:
    """The record value, its listed equivalents in every language (judge_lexicon.json "equivalents") and their
    feminine forms ("Contratado pela Decision" → "contratada pela Decision", "Inscrito" → "Inscrita")."""
    forms = lexicon()["equivalents"].get(phrase_key(value), {})
    base = [value, *(f for fs in forms.values() for f in fs)]
    return tuple(dict.fromkeys([*base, *(_MASCULINE.sub(r"\1a\2", f) for f in base)]))


def _forms(values: Sequence[str], tag: str) -> list[tuple[str, str, str]]:
    return [(f, v, tag) for v in values for f in accepted_forms(v)]


# ----------------------------------------------------------------------------- hires
@lru_cache(maxsize=1)
def _hire_res() -> tuple[re.Pattern[str], re.Pattern[str], frozenset[str]]:
    lex = lexicon()
    hire = re.compile(r"(?<!\w)(?:" + "|".join(lex["hire_words"]) + r")(?!\w)")
    other = re.compile(r"(?<!\w)(?:" + "|".join(lex["status_words"]) + r")(?!\w)")
    return hire, other, frozenset(lex["negations"]) | _NEGATIONS_EXTRA


def _negated(text: str, start: int, negations: frozenset[str]) -> bool:
    before = [t for t in _TOKEN.findall(text[max(0, start - 40) : start]) if t not in _AUX][-1:]
    return bool(before) and before[0] in negations


def _called_hired(text: _Text, mentions: list[Mention]) -> list[str]:
    """The mentioned people the answer calls hired. Each person takes the status word (hire, other status, or an
    elliptic "não"/"not" closing a clause) of their own stretch of the sentence: the first one after them before the
    next person, else the last one before them after the previous person, else the first after them, else the last
    before them ("Ana foi contratada e Elisa, reprovada"; "Contratados: Ana e Diego"; "Ana e Diego foram
    contratados"; "Ana foi contratada; Diego não"). Only status words within ``CLAIM_WINDOW`` characters count: a CV
    pasted after a name ("… o valor do frete aprovado …") claims nothing about that person."""
    hire, other, negations = _hire_res()
    marks: list[tuple[int, int, bool]] = []
    for m in hire.finditer(text.canon):
        marks.append((m.start(), m.end(), not _negated(text.canon, m.start(), negations)))
    marks += [(m.start(), m.end(), False) for m in other.finditer(text.canon)]
    marks += [(m.start(), m.end(), False) for m in _ELLIPTIC_NO.finditer(text.canon)]
    marks.sort()
    people = sorted(mentions, key=lambda m: m.start)
    out = []
    for i, mention in enumerate(people):
        sentence = text.clause(mention.start, sentence=True)
        same = [
            mk
            for mk in marks
            if text.clause(mk[0], sentence=True) == sentence
            and mk[0] - mention.end <= CLAIM_WINDOW
            and mention.start - mk[1] <= CLAIM_WINDOW
        ]
        nxt = next(
            (p.start for p in people[i + 1 :] if text.clause(p.start, sentence=True) == sentence), len(text.canon)
        )
        prv = next((p.end for p in reversed(people[:i]) if text.clause(p.start, sentence=True) == sentence), 0)
        after = [mk for mk in same if mk[0] >= mention.end]
        before = [mk for mk in same if mk[1] <= mention.start]
        for group in (
            [mk for mk in after if mk[0] < nxt],
            [mk for mk in before if mk[0] >= prv][::-1],
            after,
            before[::-1],
        ):
            if group:
                if group[0][2]:
                    out.append(mention.value)
                break
    return out


_STAFF_BEFORE = re.compile(
    r"\b(?:recrutador|recrutadora|recruiter|reclutador|reclutadora|analista responsavel|"
    r"analyst|responsavel|responsable)\s*[:,]?\s*(?:(?:sr|sra|srta|dr|dra|mr|mrs|ms)\.?\s+)?$"
)


def _false_hires(text: _Text, expected: Mapping[str, Any], names: RecordNames | None) -> list[str]:
    """People the answer calls hired whom the records show not hired: in the question's scope (``not_hired``:
    e.g. the other applicants of the vaga) or, with the records' names, never hired at all."""
    not_hired = [str(n) for n in expected.get("not_hired", [])]
    phrases = Vocabulary.of(not_hired).candidates(text.canon, tag="person")
    if names is not None:
        phrases += names.candidates("person", text.canon)
        # a name inside a job title the answer quotes ("Assistente Operações RH - Verzani - Replace - Juliana
        # Garcia Buson") is the title's: the longer title phrase claims those words
        phrases += names.candidates("title", text.canon)
    # a person named as the recruiter ("contratados pelo recrutador Danilo Mendes") is who hired, not who was hired
    # … and so is everyone inside a recruiter's name so introduced ("pelo recrutador Ana Carolina Silva" names no
    # applicant "Carolina Silva")
    staff = [
        m
        for m in (names.find("recruiter", text.canon) if names is not None else [])
        if _STAFF_BEFORE.search(text.canon[max(0, m.start - 40) : m.start])
    ]
    people = [
        m
        for m in find_phrases(text.canon, phrases)
        if m.tag == "person"
        and not _STAFF_BEFORE.search(text.canon[max(0, m.start - 40) : m.start])
        and not any(s.start <= m.start and m.end <= s.end for s in staff)
    ]
    scoped = {phrase_key(n) for n in not_hired}
    out = []
    for person in dict.fromkeys(_called_hired(text, people)):
        k = phrase_key(person)
        if k in scoped or (names is not None and k not in names.hired):
            out.append(person)
    return out


# ---------------------------------------------------------------------- numbers, dates
def _numbers(text: str, *, skip: set[float], lang_words: bool, keep: float | None = None) -> list[float]:
    """Count-like numbers in order: not ids, dates, list enumerators, years (but ``keep``) or ``skip``."""
    for pat, _ in _DATE_PATTERNS:
        text = pat.sub(lambda m: " " * len(m.group()), text)
    text = _ENUMERATOR.sub(lambda m: " " * len(m.group()), text)
    out: list[float] = []
    for m in _NUMBER.finditer(text):
        whole = re.sub(r"[.,]", "", m.group(1))
        value = float(f"{whole}.{m.group(2)[1:]}") if m.group(2) else float(whole)
        if value == keep:
            out.append(value)
            continue
        in_parens = text[m.start() - 1 : m.start()] == "(" and text[m.end() : m.end() + 1] == ")" and len(whole) >= 4
        if in_parens or _ID_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
            continue  # "vaga 1003", "código 10042", "Ana Souza (10042)": ids, not counts
        if value in skip or (len(whole) == 4 and 1990 <= value <= 2035):
            continue
        out.append(value)
    if out or not lang_words:
        return out
    table = {w: n for words in lexicon()["number_words"].values() for w, n in words.items()}
    return [float(table[w]) for w in _TOKEN.findall(text) if w in table and float(table[w]) not in skip]


def _dates(text: str) -> set[date]:
    found: set[date] = set()
    for pat, order in _DATE_PATTERNS:
        for m in pat.finditer(text):
            a, b, c = (int(x) for x in m.groups())
            found |= _date(*((c, b, a) if order == "dmy" else (a, b, c)))
    months = {name: i + 1 for names in lexicon()["months"].values() for i, name in enumerate(names)}
    alt = "|".join(sorted(months, key=len, reverse=True))
    for m in re.finditer(rf"(?<!\d)(\d{{1,2}})(?:º|o)?\s+(?:de\s+)?({alt})\s+(?:de\s+)?(\d{{4}})", text):
        found |= _date(int(m.group(3)), months[m.group(2)], int(m.group(1)))
    for m in re.finditer(rf"\b({alt})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})", text):
        found |= _date(int(m.group(3)), months[m.group(1)], int(m.group(2)))
    return found


def _date(y: int, m: int, d: int) -> set[date]:
    try:
        return {date(y, m, d)}
    except ValueError:
        return set()


# ----------------------------------------------------------------------------- types
def _value(text: _Text, q: _Text, exp: Mapping[str, Any], names: RecordNames | None) -> Verdict:
    value = str(exp["value"])
    alts = [a for a in exp.get("alternatives", []) if phrase_key(a) != phrase_key(value)]
    namespace = str(exp.get("namespace") or "")

    def phrases(t: _Text) -> list[tuple[str, str, str]]:
        out = _forms([value], "want") + _forms(alts, "alt")
        if names is not None and namespace:
            out += [
                (p, v, "alt") for p, v, _ in names.candidates(namespace, t.canon) if phrase_key(v) != phrase_key(value)
            ]
        return out

    mentions = find_phrases(text.canon, phrases(text))
    if not any(m.tag == "want" for m in mentions):
        return Verdict(correct=False, reason=f"does not state {value!r}", missing=(value,))
    in_question = {phrase_key(m.value) for m in find_phrases(q.canon, phrases(q)) if m.tag == "alt"}
    _, _, negations = _hire_res()
    contradictions = [
        m.value
        for m in mentions
        if m.tag == "alt"
        and phrase_key(m.value) not in in_question
        and not _negated(text.canon, m.start, negations)
        and not _about_other_field(text, m, str(exp.get("field", "")))
        and not _in_note(text, m)
        and not _in_vaga_title(text, m)
    ]
    if contradictions:
        return Verdict(
            correct=False,
            reason=f"states {value!r} but also {contradictions[0]!r}",
            extra=tuple(dict.fromkeys(contradictions)),
        )
    return Verdict(correct=True)


def _in_note(text: _Text, mention: Mention) -> bool:
    """Is the mention in a note quoted with the record ("— Desistiu da Contratação (comentário: desistiu por causa da
    localização)"): after a note label of its own clause? A recruiter's comment claims no status."""
    clause = text.clause(mention.start)
    labels = find_phrases(text.canon, [(w, "note", "") for w in lexicon()["note_words"]])
    return any(text.clause(m.start) == clause and m.end <= mention.start for m in labels)


# "vaga 4950 (Analista .Net - PL, Morris, São Paulo)", "job 1260 (Técnico de Campo Sr, …)": the title an answer
# restates after a vaga's id, up to its first comma (a title's own parentheses, "(SRE)", kept)
_VAGA_TITLE = re.compile(r"\b(?:vaga|job|vacante|puesto)\s+\d{3,7}\s+\(((?:[^,()]|\([^()]*\))*)")


def _in_vaga_title(text: _Text, mention: Mention) -> bool:
    """Is the mention inside the vaga's title as the answer restates it ("La vacante 4950 (Analista .Net - PL, …) es
    de nivel semi senior")? A title's words ("Analista", "Técnico") claim no level of the vaga."""
    return any(m.start(1) <= mention.start and mention.end <= m.end(1) for m in _VAGA_TITLE.finditer(text.canon))


def _about_other_field(text: _Text, mention: Mention, field_name: str) -> bool:
    """Is the nearest field word in the mention's clause another field's ("espanhol: Básico" in an English
    question)?"""
    table: Mapping[str, list[str]] = lexicon()["field_words"]
    if field_name not in table:
        return False
    clause = text.clause(mention.start)
    near: list[tuple[int, str]] = []
    for fname, fwords in table.items():
        for m in find_phrases(text.canon, [(w, fname, "") for w in fwords]):
            if text.clause(m.start) == clause:
                near.append((min(abs(m.start - mention.end), abs(mention.start - m.end)), m.value))
    return bool(near) and min(near)[1] != field_name


def _set(text: _Text, q: _Text, exp: Mapping[str, Any], names: RecordNames | None, lang: str) -> Verdict:
    items = [str(i) for i in exp.get("items", [])]
    alts = [str(a) for a in exp.get("alternatives", [])]
    namespace = str(exp.get("namespace") or "")

    def phrases(t: _Text) -> list[tuple[str, str, str]]:
        out = _forms(items, "want") + _forms(alts, "other")
        return out + (names.candidates(namespace, t.canon, tag="other") if names is not None and namespace else [])

    wanted = {phrase_key(i) for i in items}
    found = find_phrases(text.canon, phrases(text))
    stated = {phrase_key(m.value) for m in found} & wanted
    asked = {phrase_key(m.value) for m in find_phrases(q.canon, phrases(q))} - wanted
    missing = tuple(i for i in items if phrase_key(i) not in stated)
    if exp.get("claim") == "hired":
        # Who was hired: other applicants may be named, just not as hired; and when they are named, the answer must
        # say which ones were hired (a list of applicants that happens to include the hire does not answer).
        hired = set(_called_hired(text, found))
        if any(phrase_key(m.value) not in wanted | asked for m in found):
            missing = tuple(i for i in items if i not in hired and phrase_key(i) not in {phrase_key(h) for h in hired})
        found = [m for m in found if m.tag != "other" or m.value in hired]
    extra = tuple(dict.fromkeys(m.value for m in found if phrase_key(m.value) not in wanted | asked))
    if not items:
        if not _says_nobody(text, lang):
            return Verdict(correct=False, reason="should say nobody/none (the records hold none)", extra=extra)
        return Verdict(correct=True)
    if missing:
        return Verdict(
            correct=False,
            reason=f"missing {len(missing)} of {len(items)}: {', '.join(missing[:3])}",
            missing=missing,
            extra=extra,
        )
    if extra:
        return Verdict(correct=False, reason=f"names {len(extra)} not expected: {', '.join(extra[:3])}", extra=extra)
    return Verdict(correct=True)


def _number(text: _Text, q: _Text, exp: Mapping[str, Any]) -> Verdict:
    want = float(exp["value"])
    skip = set(_numbers(q.folded, skip=set(), lang_words=False))
    got = _numbers(text.folded, skip=skip - {want}, lang_words=True, keep=want)
    if not got:
        return Verdict(correct=False, reason="states no number", missing=(str(int(want)),))
    if not math.isclose(got[0], want):
        return Verdict(correct=False, reason=f"says {got[0]:g}, expected {want:g}", extra=(f"{got[0]:g}",))
    return Verdict(correct=True)


def _date_type(text: _Text, q: _Text, exp: Mapping[str, Any]) -> Verdict:
    want = date.fromisoformat(str(exp["value"]))
    got = _dates(text.folded) - _dates(q.folded)
    if want not in got:
        return Verdict(correct=False, reason=f"does not state {want:%d/%m/%Y}", missing=(want.isoformat(),))
    if len(got) > 1:
        return Verdict(
            correct=False, reason="states other dates too", extra=tuple(sorted(d.isoformat() for d in got - {want}))
        )
    return Verdict(correct=True)


def _text(text: _Text, exp: Mapping[str, Any]) -> Verdict:
    """Free text (a vaga's activities): at least half of the expected items, each by most of its content words."""
    items = [str(i) for i in exp.get("items", [])]
    have = content_words(text.canon)
    covered = [i for i in items if (w := content_words(i)) and len(w & have) >= 0.6 * len(w)]
    need = math.ceil(len(items) / 2)
    if len(covered) < need:
        return Verdict(
            correct=False,
            reason=f"covers {len(covered)} of {len(items)} items (needs {need})",
            missing=tuple(i for i in items if i not in covered),
        )
    return Verdict(correct=True)


def _ranking(text: _Text, q: _Text, exp: Mapping[str, Any], names: RecordNames | None) -> Verdict:
    ranking = [(str(n), int(c)) for n, c in exp["ranking"]]
    k = int(exp.get("k") or 1)
    vocab = names.namespaces.get(exp.get("namespace", "")) if names else None
    if vocab is None:
        vocab = Vocabulary.of([n for n, _ in ranking])
    asked = {phrase_key(m.value) for m in vocab.find(q.canon)}
    mentions = [m for m in vocab.find(text.canon) if phrase_key(m.value) not in asked]
    order: list[Mention] = []
    for m in mentions:
        if phrase_key(m.value) not in {phrase_key(o.value) for o in order}:
            order.append(m)
    if len(order) < k:
        return Verdict(
            correct=False,
            reason=f"names {len(order)} of the top {k}",
            missing=tuple(n for n, _ in ranking[:k] if phrase_key(n) not in {phrase_key(o.value) for o in order}),
        )
    counts = {phrase_key(n): c for n, c in ranking}
    skip = set(_numbers(q.folded, skip=set(), lang_words=False))
    for i, m in enumerate(order[: len(ranking)]):
        have = counts.get(phrase_key(m.value))
        if have != ranking[i][1]:
            return Verdict(
                correct=False,
                reason=f"#{i + 1} is {m.value!r} ({have if have is not None else 'fewer'}); "
                f"#{i + 1} has {ranking[i][1]}",
                extra=(m.value,),
            )
        nxt = order[i + 1].start if i + 1 < len(order) else len(text.canon)
        stated = _numbers(text.folded[m.end : nxt], skip=skip, lang_words=False)
        if stated and stated[0] != have:
            return Verdict(
                correct=False,
                reason=f"{m.value!r} has {have}, the answer says {stated[0]:g}",
                extra=(f"{stated[0]:g}",),
            )
    return Verdict(correct=True)


def _options(text: _Text, exp: Mapping[str, Any]) -> Verdict:
    labels = [str(o["label"]) for o in exp["options"]]
    stated = {m.value for m in find_phrases(text.canon, _forms(labels, "want"))}
    missing = tuple(lb for lb in labels if lb not in stated)
    if missing:
        return Verdict(
            correct=False, reason=f"does not list every matching vaga: missing {', '.join(missing)}", missing=missing
        )
    return Verdict(correct=True)


def _compare(text: _Text, exp: Mapping[str, Any]) -> Verdict:
    winner, loser = str(exp["winner"]), str(exp["loser"])
    people = Vocabulary.of([winner, loser]).find(text.canon, tag="person")
    if not any(phrase_key(m.value) == phrase_key(winner) for m in people):
        return Verdict(correct=False, reason=f"does not name {winner!r}", missing=(winner,))
    hired = {phrase_key(p) for p in _called_hired(text, people)}
    if phrase_key(winner) not in hired:
        return Verdict(correct=False, reason=f"does not say {winner!r} was hired", missing=(winner,))
    return Verdict(correct=True)


def judge(
    expected: Mapping[str, Any], answer: str, *, question: str = "", lang: str = "pt", names: RecordNames | None = None
) -> Verdict:
    """Judge ``answer`` to ``question`` against its expected answer (see the module docstring)."""
    text, q = _Text(raw=answer or ""), _Text(raw=question)
    kind = expected.get("type")
    refused = any(p.search(text.canon) for p in _patterns("no_answer", lang))
    false_hires = tuple(_false_hires(text, expected, names))
    if kind == "none":
        if refused:
            verdict = Verdict(correct=True)
        elif says_no_answer(answer):
            verdict = Verdict(correct=False, reason=f"says the records lack it, but not in {lang}")
        else:
            verdict = Verdict(correct=False, reason="answers a question the records cannot answer")
    elif kind == "value":
        verdict = _value(text, q, expected, names)
    elif kind == "set":
        verdict = _set(text, q, expected, names, lang)
    elif kind == "number":
        verdict = _number(text, q, expected)
    elif kind == "date":
        verdict = _date_type(text, q, expected)
    elif kind == "text":
        verdict = _text(text, expected)
    elif kind == "ranking":
        verdict = _ranking(text, q, expected, names)
    elif kind == "options":
        verdict = _options(text, expected)
    elif kind == "compare":
        verdict = _compare(text, expected)
    else:
        raise ValueError(f"unknown expected answer type {kind!r}")
    if false_hires:
        return Verdict(
            correct=False,
            reason=f"false hire: {', '.join(false_hires)}",
            false_hires=false_hires,
            missing=verdict.missing,
            extra=verdict.extra,
            refused=refused,
        )
    if not verdict.correct and refused and kind != "none":
        return Verdict(
            correct=False,
            reason=f"refuses ({verdict.reason})",
            missing=verdict.missing,
            extra=verdict.extra,
            refused=True,
        )
    return Verdict(
        correct=verdict.correct, reason=verdict.reason, missing=verdict.missing, extra=verdict.extra, refused=refused
    )
