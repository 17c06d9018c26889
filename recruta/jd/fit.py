"""How well history fits a request: whether a retrieved vaga is about the same role, and whether one of its lines
fits the requested role.

Two gates keep a job description from copying another job (issue #18: a security analyst got "modelos
preditivos em Python", a nursing technician got "Jira, Kanban"):

1. **The vaga is similar enough** (:func:`vaga_similarity` ≥ :data:`MIN_SIMILARITY`). The similarity is the share
   of what the request names that the vaga names too: the *role terms* of the title (its canonical skills and its
   domain words, :func:`role_terms`), weighted twice, and the given skills, once. It is computed from the titles
   and skills themselves, not from the retrieval's cosine: the chunks that retrieval scores carry the client,
   place, levels and a page of activities, so cosines of titles far from every vaga overlap those of titles that
   exist in the sample (measured in ``tests/test_jd_far_titles.py``; the numbers are in the threshold's comment).
2. **The line fits the requested role** (:func:`line_fits`): it names a given skill; or it names no technology
   the request lacks; and in both cases no other role ("como Cientista de Dados" in an analyst's JD).

Scoring a line for ordering (:func:`score`) lives here too: the same request terms decide both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recruta.facts import load_taxonomy
from recruta.jd.grounding import WORD, skills_of
from recruta.text.fold import fold, wordset
from recruta.text.language import fits_language

# A vaga is similar enough to lend lines when its vaga_similarity reaches this. Chosen by measurement before the
# far-titles set was read: over 20 far titles of our own (nursing, law, kitchen, driving...) every retrieved vaga
# scored <= 0.17 (hash and MiniLM retrieval alike); over 60 requests built from the sample's own vagas
# (bench.jd_quality.sample_requests) the best retrieved vaga scored >= 0.83 for 90% of them (median 1.0). 0.5 sits
# in that gap and reads as a rule: a vaga whose title shares none of the request's role terms never lends (at most
# 1/3, from the skills alone); a title fully matched lends even with none of the given skills (2/3); half matched
# (or a sibling: "SAP SD" for "SAP EWM"), with at least half of the skills. On the far-titles set written apart
# (tests/data/jd_far_titles.json): 21 of 23 titles <= 0.27; the two "HR Business Partner" requests reach 0.67 —
# the sample holds "Business Partner de RH" vagas. The retrieval's cosine does not separate the two kinds: the set's
# best 0.23-0.61 vs the sample's 0.40-0.75 (MiniLM; hash 0.09-0.72 vs 0.23-0.81).
MIN_SIMILARITY = 0.5

_TITLE_WEIGHT = 2.0
_SIBLING_CREDIT = 0.5
# Role nouns: they say which kind of job, not which job ("Analista de BI" and "Analista de Compras" share only
# this). In a title they count only when nothing else is left; in a line they name a role ("como Cientista de
# Dados") that must be the requested one. Folded regex stems. "técnico/técnica" is a role in a title ("Técnico de
# Enfermagem") but mostly an adjective in a line ("documentação técnica", "suporte técnico"): titles only.
_ROLE_NOUNS: tuple[tuple[str, str], ...] = (
    ("analyst", r"analist\w*|analyst\w*"),
    ("developer", r"desenvolvedor\w*|developer\w*|desarrollador\w*|programador\w*|programmer\w*"),
    ("engineer", r"engenheir\w*|engineer\w*|ingenier\w*"),
    ("consultant", r"consultor\w*|consultant\w*"),
    ("scientist", r"cientista\w*|scientist\w*|cientific[oa]s? de dat\w*"),
    ("manager", r"gerente\w*|manager\w*|gestor\w*|head"),
    ("coordinator", r"coordenador\w*|coordinator\w*|coordinador\w*"),
    ("supervisor", r"supervisor\w*"),
    ("lead", r"lider\w*|leader\w*|tech lead|team lead"),  # not bare "lead": "lead time"
    ("specialist", r"especialista\w*|specialist\w*"),
    ("assistant", r"assistente\w*|assistant\w*|asistente\w*|auxiliar\w*"),
    ("administrator", r"administrador\w*|administrator\w*"),
    ("architect", r"arquitet\w*|architect\w*|arquitect\w*"),
    ("director", r"diretor\w*|director\w*"),
    ("operator", r"operador\w*|operator\w*"),
    ("dba", r"dba"),
)
_TITLE_ONLY_ROLES: tuple[tuple[str, str], ...] = (("technician", r"tecnic[oa]s?|technician\w*"),)


def _roles_re(nouns: Sequence[tuple[str, str]]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>(?<!\\w)(?:{pattern})(?!\\w))" for name, pattern in nouns))


_ROLE_RE = _roles_re(_ROLE_NOUNS)
_TITLE_ROLE_RE = _roles_re((*_ROLE_NOUNS, *_TITLE_ONLY_ROLES))
# Words of a title that name neither the role nor its domain: function words, levels, "TI".
_TITLE_STOP = wordset(
    "de da do das dos e em para com a o as os the of and for in y del la el los las "
    "junior jr pleno pl senior sr especialista lead lider trainee estagiario estagio intern i ii iii iv "
    "ti it n1 n2 n3 nivel"
)


# --------------------------------------------------------------------------- role terms of a title
def primary(names: set[str]) -> set[str]:
    """The most specific of ``names``: without the parents the others imply ("spring" → "java")."""
    parents = load_taxonomy().parents
    implied = {p for n in names for p in parents.get(n, ())}
    return names - implied


def with_parents(names: Iterable[str]) -> set[str]:
    parents = load_taxonomy().parents
    out = set(names)
    for n in list(out):
        out.update(parents.get(n, ()))
    return out


def _stem(word: str) -> str:
    """A crude Portuguese/Spanish stem so "logística"/"logístico", "dados"/"dado" meet."""
    word = word[:-1] if len(word) > 4 and word.endswith("s") else word
    return word[:-1] if len(word) > 4 and word[-1] in "aoe" else word


def role_groups(text: str, *, title: bool = False) -> set[str]:
    """The role nouns ``text`` names, as group names ("analistas" → "analyst"); a ``title`` also has "técnico"."""
    pattern = _TITLE_ROLE_RE if title else _ROLE_RE
    return {m.lastgroup for m in pattern.finditer(fold(text)) if m.lastgroup}


def role_terms(title: str) -> frozenset[str]:
    """What a title says the job is: its canonical (non-soft) skills, most specific first ("skill:sql server"),
    and the stems of its other words ("word:enfermagem") without levels, function words and role nouns; role
    nouns only when nothing else is left ("Analista" → "role:analyst")."""
    found = skills_of(title)
    terms = {f"skill:{n}" for n in primary(set(found)) if found[n].category != "soft"}
    chars = list(fold(title))
    for ev in found.values():  # the words a skill was read from are that skill
        chars[ev.start : ev.end] = " " * (ev.end - ev.start)
    rest = _TITLE_ROLE_RE.sub(" ", "".join(chars))
    terms |= {f"word:{_stem(w)}" for w in WORD.findall(rest) if w not in _TITLE_STOP and len(w) > 1}
    if not terms:
        terms = {f"role:{g}" for g in role_groups(title, title=True)}
    return frozenset(terms)


def _expanded_terms(title: str) -> frozenset[str]:
    """:func:`role_terms` with every parent of its skills: what a vaga's title covers."""
    terms = set(role_terms(title))
    found = skills_of(title)
    terms |= {f"skill:{n}" for n in with_parents(found) if found.get(n) is None or found[n].category != "soft"}
    terms |= {f"role:{g}" for g in role_groups(title, title=True)}
    return frozenset(terms)


# --------------------------------------------------------------------------- what the request asks for
@dataclass(frozen=True, kw_only=True)
class Wanted:
    """What the request asks for, to judge vagas and lines."""

    title: str
    primaries: list[frozenset[str]]  # per given skill, its most specific canonical skills
    folded: list[str]  # per given skill, its folded text
    soft: list[bool]  # per given skill, whether it is a soft skill (it says nothing about the role)
    all_names: frozenset[str]  # every canonical skill the request implies (with parents)
    parents: frozenset[str]
    terms: frozenset[str]  # role terms of the title
    title_words: frozenset[str]  # stems of the title's domain words
    title_skills: frozenset[str]  # canonical skills of the title (with parents)
    roles: frozenset[str]  # role nouns of the title


def wanted_by(title: str, skills: Sequence[str]) -> Wanted:
    parents = load_taxonomy().parents
    primaries: list[frozenset[str]] = []
    folded: list[str] = []
    soft: list[bool] = []
    all_names: set[str] = set()
    par: set[str] = set()
    for skill in skills:
        found = skills_of(skill)
        names = set(found)
        prim = primary(names)
        primaries.append(frozenset(prim))
        folded.append(" ".join(fold(skill).split()))
        soft.append(bool(prim) and all(found[n].category == "soft" for n in prim))
        all_names |= names
        par |= {p for n in prim for p in parents.get(n, ())}
    title_found = skills_of(title)
    all_names |= set(title_found)
    terms = role_terms(title)
    return Wanted(
        title=title,
        primaries=primaries,
        folded=folded,
        soft=soft,
        all_names=frozenset(all_names),
        parents=frozenset(par),
        terms=terms,
        title_words=frozenset(t[5:] for t in terms if t.startswith("word:")),
        title_skills=frozenset(with_parents(n for n in title_found if title_found[n].category != "soft")),
        roles=frozenset(role_groups(title, title=True)),
    )


def literal(folded_skill: str, folded_line: str) -> bool:
    """The folded skill written as whole words in the folded line."""
    return bool(folded_skill) and re.search(rf"(?<!\w){re.escape(folded_skill)}(?!\w)", folded_line) is not None


# --------------------------------------------------------------------------- gate 1: the vaga
@dataclass(frozen=True, kw_only=True)
class Similarity:
    """How much of the request a vaga names: its title's share of the request's role terms, the share of the
    (non-soft) given skills it names anywhere, and the weighted mean of both (:data:`MIN_SIMILARITY`)."""

    title: float
    skills: float | None  # None: no non-soft skill was given
    value: float


def _term_credit(term: str, covered: frozenset[str]) -> float:
    """1 when a vaga's title covers a role term; half when it covers the term's parent skill, a sibling role
    ("SAP SD" for "SAP EWM", "Oracle" for "SQL Server": same family, other module); else 0."""
    if term in covered:
        return 1.0
    if term.startswith("skill:") and any(f"skill:{p}" in covered for p in load_taxonomy().parents.get(term[6:], ())):
        return _SIBLING_CREDIT
    return 0.0


def vaga_similarity(wanted: Wanted, *, title: str, text: str) -> Similarity:
    """How similar a vaga (its title and its text) is to the request (see :class:`Similarity`)."""
    covered = _expanded_terms(title)
    t = sum(_term_credit(term, covered) for term in wanted.terms) / len(wanted.terms) if wanted.terms else 0.0
    given = [(p, f) for p, f, s in zip(wanted.primaries, wanted.folded, wanted.soft, strict=True) if not s]
    if not given:
        return Similarity(title=round(t, 4), skills=None, value=round(t, 4))
    names = with_parents(skills_of(f"{title}\n{text}"))
    folded = " ".join(fold(f"{title}\n{text}").split())
    named = sum(1 for prim, f in given if (prim and prim <= names) or literal(f, folded))
    s = named / len(given)
    value = (_TITLE_WEIGHT * t + s) / (_TITLE_WEIGHT + 1)
    return Similarity(title=round(t, 4), skills=round(s, 4), value=round(value, 4))


# --------------------------------------------------------------------------- gate 2 and ordering: the line
@dataclass(frozen=True, kw_only=True)
class Score:
    skills: int  # given skills the line names
    related: int  # given skills whose parent skill the line names
    title: int  # role terms of the title the line names
    foreign: int  # technical skills the request does not mention
    other_role: bool  # the line names a role (analista, cientista...) the title does not, or none of its terms

    @property
    def value(self) -> float:
        return 3 * self.skills + self.related + min(self.title, 2) - 0.5 * self.foreign


def score(line: str, wanted: Wanted) -> Score:
    """How well a grounded line fits the request: given skills named, related ones, title terms, foreign tech."""
    tax = load_taxonomy()
    found = skills_of(line)
    names = set(found)
    prim = primary(names)
    folded = " ".join(fold(line).split())
    direct = related = 0
    for skill_prim, skill_fold in zip(wanted.primaries, wanted.folded, strict=True):
        if (skill_prim and skill_prim <= names) or literal(skill_fold, folded):
            direct += 1
        elif prim & {p for n in skill_prim for p in tax.parents.get(n, ())}:
            related += 1
    foreign = sum(
        1
        for n in prim
        if found[n].category in ("hard", "tool")
        and n not in wanted.all_names
        and not set(tax.parents.get(n, ())) & wanted.all_names
    )
    title = len(wanted.title_words & {_stem(w) for w in WORD.findall(folded)}) + len(wanted.title_skills & prim)
    roles = role_groups(line)  # "como Analista de Requisitos" in an "Analista de Backup" JD is another role
    other_role = bool(roles - wanted.roles) or (bool(roles) and title == 0)
    return Score(skills=direct, related=related, title=title, foreign=foreign, other_role=other_role)


def line_fits(fit: Score) -> bool:
    """A line of a similar vaga fits the requested role: it names no other role, and it either names a given
    skill or names no technology the request lacks."""
    return not fit.other_role and (fit.skills > 0 or fit.foreign == 0)


def quote_fits(quote: str, canonical: str, lang: str) -> bool:
    """A skill as quoted from the (Portuguese) history may be shown in ``lang``: in pt when it is not written
    in another language; in en/es only when it is the skill's own (English, mostly product) name. Job titles
    that the taxonomy counts as skills ("Cientista de Dados", "DBA") are not skills to list."""
    if role_groups(quote):
        return False
    if lang == "pt":
        return fits_language(quote, "pt")
    return " ".join(fold(quote).split()) == canonical


def skill_category(skill: str) -> str:
    """ "" for technical skills, "domain" or "soft" for those, "unknown" for what the taxonomy does not know:
    it picks the sentence a skill goes in."""
    found = skills_of(skill)
    prim = primary(set(found))
    cats = {found[n].category for n in prim}
    if not cats:
        return "unknown"
    if cats & {"hard", "tool"}:
        return ""
    return "domain" if "domain" in cats else "soft"


__all__ = [
    "MIN_SIMILARITY",
    "Score",
    "Similarity",
    "Wanted",
    "line_fits",
    "literal",
    "primary",
    "quote_fits",
    "role_groups",
    "role_terms",
    "score",
    "skill_category",
    "vaga_similarity",
    "wanted_by",
    "with_parents",
]
