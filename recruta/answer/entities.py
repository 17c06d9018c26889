"""Finding the table's values in a question: clients, cities, states, staff, candidates, levels, skills, years,
and the vagas a description points to.

Everything is compared folded (``recruta.text.fold``: case and accents ignored) and word by word, with name
particles ("de", "da", "dos"...) ignored, so "Patricia Almeida" finds "Patrícia de Almeida". A person is also
found by first and last name ("Luiz Xavier" → "Luiz Fernando Fernandes Xavier"). Titles are matched loosely:
"Sr", "Sênior" and "Senior" are one word, as are a few cross-language role words ("developer",
"desenvolvedor", "desarrollador"), so "Programador Java Sr" finds "Programador Java Sênior".
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.text.fold import fold

if TYPE_CHECKING:
    from recruta.answer.table import RecordsTable

LEXICON_PATH = Path(__file__).with_name("lexicon.json")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_SPAN = 6  # the longest value matched, in words


@cache
def lexicon() -> dict[str, Any]:
    """Word lists (levels, particles, synonyms, states...) as data: ``recruta/answer/lexicon.json``."""
    data: dict[str, Any] = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    return data


@cache
def particles() -> frozenset[str]:
    return frozenset(lexicon()["particles"])


def words(text: str) -> list[str]:
    """The folded words of ``text``."""
    return _WORD.findall(fold(text).casefold())


def name_words(text: str) -> tuple[str, ...]:
    """The folded words of a name, particles dropped."""
    return tuple(w for w in words(text) if w not in particles())


@cache
def _synonyms() -> dict[str, str]:
    return {fold(k): v for k, v in lexicon()["title_synonyms"].items()}


def title_word(word: str) -> str:
    """One spelling per title word: synonyms mapped ("sr" → "senior"), then Portuguese gender/plural endings
    dropped from long words ("desenvolvedora"/"desenvolvedores" → "desenvolvedor")."""
    word = _synonyms().get(word, word)
    if len(word) > 5 and word.endswith("es") and word[-3] in "rsz":
        word = word[:-2]
    elif len(word) > 4 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 5 and word[-1] in "ao":
        word = word[:-1]
    return _synonyms().get(word, word)


def title_words(text: str) -> list[str]:
    return [title_word(w) for w in words(text) if w not in particles()]


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A span of the question's words that names table values, by kind ("client", "city", "candidate"...)."""

    start: int
    end: int
    text: str
    kinds: dict[str, frozenset[str]]

    def values(self, kind: str) -> frozenset[str]:
        return self.kinds.get(kind, frozenset())


@dataclass(kw_only=True)
class Gazetteer:
    """Word sequences → the values they name, for every kind of value a question can name."""

    index: dict[tuple[str, ...], dict[str, set[str]]] = field(default_factory=dict)

    def add(self, kind: str, key: tuple[str, ...], value: str) -> None:
        if key and len(key) <= MAX_SPAN:
            self.index.setdefault(key, {}).setdefault(kind, set()).add(value)

    def add_name(self, kind: str, value: str, *, partial: bool) -> None:
        """A value by its words; a person (``partial``) also by first + last name."""
        key = name_words(value)
        self.add(kind, key, value)
        if partial:  # "Mariana do Nascimento" for the record's "Dra. Mariana do Nascimento"
            honorifics = set(lexicon()["honorifics"])
            bare = tuple(w for i, w in enumerate(key) if not (w in honorifics and i < len(key) - 2))
            if bare != key:
                self.add(kind, bare, value)
            if len(bare) >= 3:
                self.add(kind, (bare[0], bare[-1]), value)
        if partial and len(key) >= 3:
            self.add(kind, (key[0], key[-1]), value)

    def find(self, question: str) -> tuple[list[str], list[Mention]]:
        """The question's words (particles dropped) and the longest non-overlapping mentions in them."""
        toks = [w for w in words(question) if w not in particles()]
        written = f" {' '.join(words(question))} "  # the question as written, particles kept
        found: list[Mention] = []
        taken = [False] * len(toks)
        spans = {
            (i, j): tuple(toks[i:j])
            for i in range(len(toks))
            for j in range(min(len(toks), i + MAX_SPAN), i, -1)
            if tuple(toks[i:j]) in self.index
        }
        spans.update(self._possessives(toks, spans))
        for (i, j), key in sorted(spans.items(), key=lambda s: (-(s[0][1] - s[0][0]), s[0][0])):
            if any(taken[i:j]):
                continue
            taken[i:j] = [True] * (j - i)
            kinds = {k: _as_written(v, written) for k, v in self.index[key].items()}
            found.append(Mention(start=i, end=j, text=" ".join(toks[i:j]), kinds=kinds))
        return toks, sorted(found, key=lambda m: m.start)

    def _possessives(
        self, toks: list[str], spans: dict[tuple[int, int], tuple[str, ...]]
    ) -> dict[tuple[int, int], tuple[str, ...]]:
        """A person's name whose last word is typed with a possessive "s" and no apostrophe ("whats calebe castros
        english like"): the name, when the words as typed name nothing."""
        out = {}
        for i in range(len(toks)):
            for j in range(min(len(toks), i + MAX_SPAN), i + 1, -1):
                last = toks[j - 1]
                if (i, j) in spans or not last.endswith("s") or len(last) < 4:
                    continue
                key = (*toks[i : j - 1], last[:-1])
                if set(self.index.get(key, {})) & {"candidate", "recruiter", "analyst"}:
                    out[(i, j)] = key
        return out


def _as_written(values: set[str], written: str) -> frozenset[str]:
    """Of values that differ only in particles ("Wagner Carvalho" / "Wagner de Carvalho", "Carnaúba Seguros
    Brasil" / "Carnaúba Seguros do Brasil"), the ones the question spells out; all of them when it spells none."""
    if len(values) > 1:
        literal = frozenset(v for v in values if f" {' '.join(words(v))} " in written)
        if literal:
            return literal
    return frozenset(values)


def build_gazetteer(table: RecordsTable) -> Gazetteer:
    g = Gazetteer()
    v, apps = table.vagas, table.applications
    for client in set(v["client"]) | set(apps["client"]):
        if client.strip():
            g.add_name("client", client, partial=False)
    for city in set(v["city"]) | set(table.applicants["city"]):
        if city.strip():
            g.add_name("city", city, partial=False)
    for state in set(v["state"]):
        if state.strip():
            g.add_name("state", state, partial=False)
    for uf, state in lexicon()["states"].items():
        if state in set(v["state"]):
            g.add("state", (uf,), state)
    for person in set(apps["recruiter"]):
        if person.strip():
            g.add_name("recruiter", person, partial=True)
    for person in set(v["analyst"]):
        if person.strip():
            g.add_name("analyst", person, partial=True)
    for person in table.names():
        g.add_name("candidate", person, partial=True)
    _add_client_brands(g, table)
    return g


def _add_client_brands(g: Gazetteer, table: RecordsTable) -> None:
    """A client also by its first word ("Horizonte" for "Horizonte Seguros") when that word is nothing else:
    no title word, no place, no person's first name, no other client's first word."""
    firsts: Counter[str] = Counter()
    clients = [c for c in set(table.vagas["client"]) if c.strip()]
    for c in clients:
        key = name_words(c)
        if len(key) >= 2:
            firsts[key[0]] += 1
    taken = {w for key in g.index for w in key}
    taken |= {w for t in table.vagas["title"] for w in words(t)}
    for c in clients:
        key = name_words(c)
        if (
            len(key) >= 2
            and firsts[key[0]] == 1
            and len(key[0]) >= 4
            and (key[0],) not in g.index
            and key[0] not in taken
            and not key[0].isdigit()
        ):
            g.add("client", (key[0],), c)


# --------------------------------------------------------------------------------------------------- vagas
@dataclass(kw_only=True)
class VagaIndex:
    """Titles as word sets with idf weights: which vagas does a description ("Programador Java Sr") mean?"""

    ids: list[str]
    titles: list[frozenset[str]]
    idf: dict[str, float]
    postings: dict[str, list[int]]
    positions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, table: RecordsTable) -> VagaIndex:
        ids = table.vagas["vaga_id"].tolist()
        raw = table.vagas["title"].tolist()
        # a vaga known only from its applications (the real slices do not join) is a vaga too, by its title there
        known = set(ids)
        apps = table.applications
        for vid, title in zip(apps["vaga_id"].tolist(), apps["vaga_title"].tolist(), strict=True):
            if vid not in known and str(title).strip():
                known.add(vid)
                ids.append(vid)
                raw.append(title)
        titles = [frozenset(title_words(t)) for t in raw]
        df: Counter[str] = Counter(w for t in titles for w in t)
        n = max(len(titles), 1)
        idf = {w: math.log(1 + n / c) for w, c in df.items()}
        postings: dict[str, list[int]] = {}
        for pos, t in enumerate(titles):
            for w in t:
                postings.setdefault(w, []).append(pos)
        return cls(ids=ids, titles=titles, idf=idf, postings=postings, positions={v: i for i, v in enumerate(ids)})

    def known(self, word: str) -> bool:
        return word in self.idf

    def together(self, a: str, b: str) -> bool:
        """Whether some vaga's title holds both title words."""
        return self.holds([a, b])

    def holds(self, title_words: list[str]) -> bool:
        """Whether some vaga's title holds every one of ``title_words`` (none: False)."""
        common: set[int] | None = None
        for w in dict.fromkeys(title_words):
            found = set(self.postings.get(w, ()))
            common = found if common is None else common & found
            if not common:
                return False
        return bool(common)

    def score(self, description: list[str], allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(vaga id, score in 0..1) of the vagas whose title shares a word with ``description``, best first.

        The score is the harmonic mean of how much of the title the description covers and how much of the
        description (its words that are title words somewhere) the title explains, both idf-weighted."""
        q = {w for w in description if w in self.idf}
        if not q:
            return []
        q_weight = sum(self.idf[w] for w in q)
        if allowed is not None and len(allowed) < 1000:
            cands = {self.positions[v] for v in allowed if v in self.positions and q & self.titles[self.positions[v]]}
        else:
            cands = {pos for w in q for pos in self.postings[w]}
        out = []
        for pos in cands:
            vid = self.ids[pos]
            if allowed is not None and vid not in allowed:
                continue
            t = self.titles[pos]
            common = sum(self.idf[w] for w in q & t)
            cov_t = common / sum(self.idf[w] for w in t)
            cov_q = common / q_weight
            out.append((vid, 2 * cov_t * cov_q / (cov_t + cov_q)))
        return sorted(out, key=lambda x: (-x[1], int(x[0]) if x[0].isdigit() else 0, x[0]))


def skills_in(text: str) -> list[str]:
    """Canonical skills a question names (the matcher's taxonomy), without the parents they imply
    ("Spring Boot" is spring boot, not also spring and java)."""
    from recruta.facts import extract_skills, load_taxonomy

    found = extract_skills(text)
    parents = load_taxonomy().parents
    implied = {(p, ev.quote) for name, ev in found.items() for p in parents.get(name, ())}
    return [name for name, ev in found.items() if (name, ev.quote) not in implied]


def declared_items(text: str) -> list[str]:
    """The items of a declared-skills field ("SAP Activate, Web API; Postman"), folded; long free text yields
    nothing (a sentence is not a skill)."""
    items = (fold(s).casefold().strip(" .") for s in re.split(r"[,;]", text or ""))
    return [s for s in items if 2 <= len(s) <= 40]


def declared_index(table: RecordsTable) -> dict[str, set[str]]:
    """Declared skill (folded item) → codes of the candidates who declared it, once per table."""
    if "declared" not in table._cache:
        out: dict[str, set[str]] = {}
        a = table.applicants
        for code, text in zip(a["code"].tolist(), a["declared_skills"].tolist(), strict=True):
            for item in declared_items(text):
                out.setdefault(item, set()).add(code)
        table._cache["declared"] = out
    index: dict[str, set[str]] = table._cache["declared"]
    return index


def build_skill_gazetteer(table: RecordsTable) -> Gazetteer:
    """The skills candidates declare, by their words: what a search names ("SAP Activate", "Acesso Remoto") even
    when the taxonomy knows it only by a broader name, or not at all."""
    g = Gazetteer()
    for item in declared_index(table):
        key = name_words(item)
        if key and not all(w.isdigit() for w in key):
            g.add("skill", key, item)
    return g


__all__ = [
    "Gazetteer",
    "Mention",
    "VagaIndex",
    "build_gazetteer",
    "build_skill_gazetteer",
    "declared_index",
    "declared_items",
    "lexicon",
    "name_words",
    "skills_in",
    "title_word",
    "title_words",
    "words",
]
