"""Finding known phrases (names, clients, titles, skills, field values) in free text, for the answer judge.

Matching is on folded text (``recruta.text.fold``: case and accents ignored; hyphens read as spaces), phrase by
phrase with word boundaries, longest match first, so "SQL Server" is one mention and not also "SQL", and
"Ana Paula Brandão Castro" is not also "Ana Paula". A :class:`Vocabulary` is a namespace of such phrases, each
mapped to its canonical (record) form; :class:`RecordNames` holds the namespaces of one dataset and who was ever
hired — what the judge needs to tell an extra or a falsely hired name from a right one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from recruta.ingest.loaders import Dataset
from recruta.text.fold import fold

__all__ = ["Mention", "RecordNames", "Vocabulary", "canon", "find_phrases", "lexicon", "phrase_key"]

_WORD = re.compile(r"\w+", re.UNICODE)
_HONORIFIC = re.compile(r"^(?:sr|sra|srta|dr|dra)\.?\s+", re.I)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The judge's word lists (recruta/rag/judge_lexicon.json)."""
    data: dict[str, Any] = json.loads(resources.files("recruta.rag").joinpath("judge_lexicon.json").read_text("utf-8"))
    return data


def canon(text: str) -> str:
    """Folded text with hyphens read as spaces; the same length as ``text`` (offsets map 1:1)."""
    return fold(text).replace("-", " ")


def phrase_key(text: str) -> str:
    """The form two phrases are compared in: folded, hyphens as spaces, single-spaced."""
    return " ".join(canon(text).split())


@lru_cache(maxsize=65536)
def _pattern(phrase: str) -> re.Pattern[str] | None:
    tokens = phrase_key(phrase).split()
    if not tokens:
        return None
    body = r"\s+".join(re.escape(t) for t in tokens)
    pre = r"(?<!\w)" if re.match(r"\w", tokens[0]) else ""
    post = r"(?!\w)" if re.search(r"\w$", tokens[-1]) else ""
    return re.compile(pre + body + post)


@dataclass(frozen=True, kw_only=True)
class Mention:
    start: int
    end: int
    value: str  # the canonical form (record value) the phrase stands for
    tag: str = ""


def find_phrases(text_canon: str, phrases: Iterable[tuple[str, str, str]]) -> list[Mention]:
    """Non-overlapping mentions of ``(phrase, value, tag)`` in canonical text, longest first, in text order."""
    found: list[Mention] = []
    for phrase, value, tag in phrases:
        pat = _pattern(phrase)
        if pat is not None:
            found += [Mention(start=m.start(), end=m.end(), value=value, tag=tag) for m in pat.finditer(text_canon)]
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    taken: list[Mention] = []
    for m in found:
        if all(m.end <= t.start or m.start >= t.end for t in taken):
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


@dataclass(kw_only=True)
class Vocabulary:
    """Phrases of one namespace (people, clients, …), indexed by their first word so a text is only tested
    against the phrases that can occur in it."""

    variants: dict[str, str] = field(default_factory=dict)  # phrase key → canonical value
    _by_first: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, values: Iterable[str], *, min_words: int = 1, min_chars: int = 2) -> Vocabulary:
        vocab = cls()
        for value in values:
            for variant in {value, _HONORIFIC.sub("", value)}:
                k = phrase_key(variant)
                if len(k.split()) >= min_words and len(k) >= min_chars:
                    vocab.add(k, value)
        return vocab

    def add(self, phrase: str, value: str) -> None:
        k = phrase_key(phrase)
        words = _WORD.findall(k)
        if not words or k in self.variants:
            return
        self.variants[k] = value
        self._by_first.setdefault(words[0], []).append(k)

    def candidates(self, text_canon: str, *, tag: str = "") -> list[tuple[str, str, str]]:
        """(phrase, value, tag) of the phrases whose first word occurs in the text: what ``find_phrases`` tests."""
        present = set(_WORD.findall(text_canon))
        return [(p, self.variants[p], tag) for w in present for p in self._by_first.get(w, ())]

    def find(self, text_canon: str, *, tag: str = "") -> list[Mention]:
        return find_phrases(text_canon, self.candidates(text_canon, tag=tag))

    def __contains__(self, value: str) -> bool:
        return phrase_key(value) in self.variants


def _person_names(ds: Dataset) -> list[str]:
    return [a.nome for a in ds.applicants.values()] + [r.prospect.nome for r in ds.applications]


@dataclass(kw_only=True)
class RecordNames:
    """Every name the records hold, by namespace, and the people ever hired: the judge's view of the data."""

    namespaces: dict[str, Vocabulary] = field(default_factory=dict)
    hired: frozenset[str] = frozenset()  # phrase keys of people with at least one hire

    @classmethod
    def from_dataset(cls, ds: Dataset) -> RecordNames:
        skills = [
            s.strip(" .")
            for a in ds.applicants.values()
            for s in re.split(r"[,;]", a.informacoes_profissionais.conhecimentos_tecnicos)
        ]
        cities = [v.perfil_vaga.cidade for v in ds.vagas.values()]
        cities += [a.infos_basicas.local.split(",")[0] for a in ds.applicants.values()]
        recruiters = [r.prospect.recrutador for r in ds.applications]
        recruiters += [v.informacoes_basicas.analista_responsavel for v in ds.vagas.values()]
        titles = [v.titulo for v in ds.vagas.values()] + [p.titulo for p in ds.prospects.values()]
        hired = {
            phrase_key(n)
            for r in ds.applications
            if r.hired
            for n in (r.prospect.nome, _HONORIFIC.sub("", r.prospect.nome))
        }
        return cls(
            namespaces={
                "person": Vocabulary.of(_person_names(ds), min_words=2),
                "client": Vocabulary.of((v.informacoes_basicas.cliente for v in ds.vagas.values()), min_chars=4),
                "recruiter": Vocabulary.of(recruiters, min_words=2),
                "title": Vocabulary.of(titles, min_chars=4),
                "skill": Vocabulary.of((s for s in skills if 2 <= len(s) <= 40), min_chars=1),
                "city": Vocabulary.of(cities, min_chars=3),
            },
            hired=frozenset(hired),
        )

    def candidates(self, namespace: str, text_canon: str, *, tag: str | None = None) -> list[tuple[str, str, str]]:
        vocab = self.namespaces.get(namespace)
        return vocab.candidates(text_canon, tag=namespace if tag is None else tag) if vocab else []

    def find(self, namespace: str, text_canon: str) -> list[Mention]:
        return find_phrases(text_canon, self.candidates(namespace, text_canon))
