"""Reading a question: what it names, before any rule decides what it asks.

:func:`parse` finds vaga ids and candidate codes, clients, cities, states, staff and candidates
(``entities.Gazetteer``), skills (the matcher's taxonomy), English/Spanish and professional levels, years and
"junho de 2020", "three"/"top 5", and the leftover words that are vaga title words (the vaga's description); it
also masks the named values (``{client}``, ``{title}``...) for the example-question match. It lives apart from
:mod:`~recruta.answer.planner` because reading is the same whatever plan the rules then choose: a new intent
should not touch how names, titles and dates are read, and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recruta.answer.cues import (
    APPLIED,
    CANDIDATE_CUES,
    COUNT,
    DISTINCT,
    FIELD_CUES,
    FRAME,
    HIRE,
    PERSON_WORDS,
    RANK,
    STAFF_NOUN,
    STATUS,
    VAGA_WORDS,
    cues,
)
from recruta.answer.entities import Gazetteer, Mention, VagaIndex, lexicon, skills_in, words
from recruta.text.fold import STOPWORDS, fold


@dataclass(kw_only=True)
class Parsed:
    """What a question names."""

    question: str
    folded: str
    mentions: list[Mention]
    vaga_ids: list[str]
    codes: list[str]
    years: list[int]
    skills: list[str]
    levels: list[str]
    english: str
    spanish: str
    n: int | None
    description: list[str]  # leftover words that are vaga title words: the vaga's description
    masked: str = ""
    month: int | None = None
    words: list[str] = field(default_factory=list)  # the description as the question spells it
    toks: list[str] = field(default_factory=list)
    declared: list[str] = field(default_factory=list)  # skills candidates declare that the question names

    def values(self, kind: str) -> list[str]:
        out: dict[str, None] = {}
        for m in self.mentions:
            out.update(dict.fromkeys(sorted(m.values(kind))))
        return list(out)

    def people(self) -> list[Mention]:
        """Candidates named; a name that is also staff's, right after "recrutador"/"analista", is the staff's."""
        return [
            m
            for m in self.mentions
            if "candidate" in m.kinds
            and not (
                set(m.kinds) & {"recruiter", "analyst"}
                and m.start > 0
                and self.toks
                and STAFF_NOUN.fullmatch(self.toks[m.start - 1])
            )
        ]

    def unknown_names(self, first_names: frozenset[str], last_names: frozenset[str] = frozenset()) -> list[str]:
        """Names the records do not hold: a capitalised first name that someone on file has, followed by
        capitalised words ("Bianca Martins"), where no known value was found. In a question typed all in lowercase
        ("manuela teixeira passou?"), the words after the first name are surnames someone on file has."""
        named = {w for m in self.mentions for w in m.text.split()}
        out = []
        raw = [(m.group(0), fold(m.group(0)).casefold()) for m in re.finditer(r"\w+", self.question)]
        lower = not any(c.isupper() for c in self.question)

        def starts(word: str, key: str) -> bool:
            return (word[0].isupper() or lower) and key in first_names and key not in named

        def goes_on(word: str, key: str) -> bool:
            return (key in last_names if lower else word[0].isupper()) or key in lexicon()["particles"]

        i = 0
        while i < len(raw):
            word, key = raw[i]
            if starts(word, key):
                j, run = i + 1, [word]
                while j < len(raw) and goes_on(*raw[j]):
                    run.append(raw[j][0])
                    j += 1
                while run and run[-1].casefold() in lexicon()["particles"]:
                    run.pop()
                if len(run) >= 2 and not {fold(w).casefold() for w in run} & named:
                    out.append(" ".join(run))
                i = j
            else:
                i += 1
        return out

    def first(self, kind: str) -> str:
        vals = [m for m in self.mentions if kind in m.kinds]
        if not vals:
            return ""
        named = vals[0].values(kind)
        if len({fold(v).casefold() for v in named}) > 1:
            # values apart only by particles ("Carnaúba Seguros Brasil" / "Carnaúba Seguros do Brasil"): the one
            # the question spells out
            spelled = {v for v in named if re.search(rf"\b{re.escape(fold(v).casefold())}\b", self.folded)}
            named = frozenset(spelled) or named
        # one value however the records capitalise it ("São José dos Campos" / "São José Dos Campos")
        return sorted(named)[0] if len({fold(v).casefold() for v in named}) == 1 else ""


_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# numbers joined into a code ("2021-2605708", "787/2021", "2021 2610800"); a date ("29/04/2021") is kept
_CODE = re.compile(r"\d+(?:\s*[-/]\s*\d+)+|\d+(?:\s+\d{5,})+")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_MONTHS = {w: i + 1 for names in cues()["months"].values() for i, w in enumerate(names)}
# a month only next to its year ("junho de 2020", "June 2020"): "may" alone is a verb
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(?:de\s+|of\s+|del\s+)?(19[89]\d|20\d\d)\b")
# a participle after an auxiliary ("que más vacantes nos ha dado", "has given", "foi fechado") is the verb's
_PARTICIPLE = re.compile(r"(?:ad[oa]s?|id[oa]s?|ed|en|iert[oa]s?|ech[oa]s?|ito)$")
_WHERE = re.compile(
    r"\b(?:in|on|en|em|na|no|dentro de)\s+(?:our|the|la|las|nuestra|nuestro|nuestras|nossa|nosso|a|o|el)\s+"
    r"(?:databases?|data ?bases?|base de datos|bases? de datos|banco de dados|base|system|sistema|records|registros|"
    r"files|arquivos|archivos|talent pool|pool)\b",
    re.I,
)
_PRONOUN_I = re.compile(
    r"\bI\s+(?:need|want|would|am|was|have|had|think|wonder|just|also|can|could|should|will|guess|believe|must|"
    r"like|mean|only|really|already|do|did|don)\b"
    r"|\b(?:[Cc]an|[Cc]ould|[Mm]ay|[Ss]hould|[Dd]o|[Dd]id|[Ss]hall|[Ww]ould|[Aa]m|[Ww]ill) I\b"  # "Can I get…?"
)
_CONTRACTION = re.compile(r"\b(\w+)['’](m|re|ve|ll|d|t)\b")
_BACK_IN = re.compile(r"\b(back|alla)\s+(?:in|por|en)\s+(?:19[89]\d|20\d\d)\b")
_FRONTED_TIME = re.compile(r"\s*([^,;:?]{0,40}?\b(?:19[89]\d|20\d\d))\s*,")
# a year said relative to today: "no ano passado", "last year", "el año pasado"; "este ano", "this year"
_RELATIVE_YEAR = re.compile(
    r"\b(?P<last>ano passado|ano anterior|last year|previous year|ano pasado)\b"
    r"|\b(?P<this>(?:n?est|ness)e ano|this year|ano atual|ano corrente|current year|ano en curso|ano em curso)\b"
)


def this_year() -> int:
    """The calendar year questions like "last year" count from (today's; tests fix it)."""
    import datetime

    return datetime.date.today().year


# the months from the first to the last of a year, as a span: the whole year
_WHOLE_YEAR = re.compile(
    r"\b(?:de |from |desde )?(?:janeiro|jan|january|enero|ene)\.?\s*(?:a|ate|ao|to|through|till|until|hasta|-|/)\s*"
    r"(?:dezembro|dez|december|dec|diciembre|dic)\b"
)
_TOP_N = re.compile(
    r"\b(?:top|os|as|the|los|las|primeir[oa]s|first|primer[oa]s)\s+(\d{1,2})\b|\b(\d{1,2})\s+"
    r"(?:candidat\w*|clientes?|clients?|recrutador\w*|recruiters?|vagas?|jobs?|titulos?|titles?"
    r"|pessoas|people|perfis|profiles|nomes|names|cidades?|cities|primeir\w*|maiores|mais)\b"
)


_LANGUAGES = frozenset({"ingles", "english", "espanhol", "spanish", "espanol", "idioma", "idiomas", "language"})


def level_words() -> dict[str, str]:
    """Each professional-level word ("sr", "senior", "pleno"...) → the level it names (``lexicon.json``)."""
    return {w: value for value, ws in lexicon()["levels"].items() for w in ws}


def _spans(toks: list[str], names: list[str]) -> set[int]:
    """The positions in ``toks`` of the words of each name of several words ("pl/sql" → "pl", "sql")."""
    out: set[int] = set()
    for name in names:
        ws = words(name)
        if len(ws) < 2:
            continue
        for i in range(len(toks) - len(ws) + 1):
            if toks[i : i + len(ws)] == ws:
                out |= set(range(i, i + len(ws)))
    return out


def _levels(toks: list[str], covered: set[int]) -> tuple[list[str], set[int]]:
    """The professional levels named outside the mentions, in order, a phrase before its words ("semi senior" is
    Pleno, not Sênior); and the positions of the words of such multi-word phrases."""
    phrases = {tuple(k.replace("-", " ").split()): v for k, v in level_words().items()}
    found: list[tuple[int, str]] = []
    taken: set[int] = set()
    in_phrase: set[int] = set()
    for size in sorted({len(k) for k in phrases}, reverse=True):
        for i in range(len(toks) - size + 1):
            span = set(range(i, i + size))
            near = set(toks[max(0, i - 2) : i] + toks[i + size : i + size + 2])
            if near & _LANGUAGES:  # "intermediate level English" is a language level
                continue
            if tuple(toks[i : i + size]) in phrases and not span & (covered | taken):
                found.append((i, phrases[tuple(toks[i : i + size])]))
                taken |= span
                in_phrase |= span if size > 1 else set()
    return list(dict.fromkeys(v for _, v in sorted(found))), in_phrase


def _language_level(folded: str, cue: str) -> str:
    """The level named next to a language ("inglês avançado", "advanced English", "fluent in English")."""
    levels = {w: value for value, ws in lexicon()["language_levels"].items() for w in ws}
    for m in re.finditer(cue, folded):
        # "fluent-level English", "ingles nivel-avanzado": a hyphen joins the level to its word
        before = re.split(r"[\s-]+", folded[max(0, m.start() - 30) : m.start()].strip())[-3:]
        after = re.split(r"[\s-]+", folded[m.end() : m.end() + 30].strip())[:3]
        for w in [*after, *reversed(before)]:
            w = w.strip(",.;:?!()")
            if w in levels and not (w == "no" and w in before):
                return str(levels[w])
    return ""


def parse(question: str, *, gazetteer: Gazetteer, vagas: VagaIndex) -> Parsed:
    from recruta.rag.agent import referenced_ids

    folded = fold(question).casefold()
    refs = referenced_ids(question)
    # "vaga 4329025 - SAP MM": a number that is no vaga's id but is in vaga titles is a requisition code
    codes = [v for v in refs["vaga_id"] if v not in vagas.positions and vagas.known(v)]
    refs["vaga_id"] = [v for v in refs["vaga_id"] if v not in codes]
    toks, mentions = gazetteer.find(question)
    mentions = _state_words(question, toks, _names_in_titles(toks, mentions, vagas))
    id_words = set(refs["vaga_id"]) | set(refs["candidate_id"])
    # a year inside a requisition code ("2021-2605708", "787/2021") dates nothing
    dated = _CODE.sub(lambda m: m.group(0) if _DATE.fullmatch(m.group(0)) else " ", folded)
    years = sorted({int(y) for y in _YEAR.findall(dated) if y not in id_words})
    if not years and (relative := _RELATIVE_YEAR.search(folded)):  # "last year": the calendar year before this one
        years = [this_year() - (1 if relative.group("last") else 0)]
    n = None
    if m := _TOP_N.search(folded):
        n = int(m.group(1) or m.group(2))
    else:
        numbers = lexicon()["numbers"]
        for w in words(question):
            if w in numbers and w not in ("um", "uma", "one", "uno", "dos"):
                n = numbers[w]
                break
    month_m = _MONTH_YEAR.search(folded)
    if month_m and _WHOLE_YEAR.search(folded):
        month_m = None  # "de janeiro a dezembro de 2022": the year, not December
    covered = {i for m in mentions for i in range(m.start, m.end)}
    # "in our database", "en la base": where the records are, not a skill asked
    skills = skills_in(_WHERE.sub(" ", question))
    # a level's abbreviation inside a skill's name ("PL/SQL": not Pleno) is the skill's
    levels, in_phrase = _levels(toks, covered | _spans(toks, skills))
    cue_words = {
        w
        for name, rx in (*FIELD_CUES, *CANDIDATE_CUES)
        for mm in rx.finditer(folded)
        for w in re.findall(r"\w+", mm.group(0))  # "senior, mid or junior": the words, not "senior,"
        if name not in ("title",)
    }
    # words of the hire/status/count/ranking cues ("se contrató", "how many applications", "leads in") frame the
    # question, unless written as a title word mid-question ("Analista de Contratos", "Application Developer")
    titled = title_cased(question)
    cue_words |= {
        w
        for rx in (HIRE, STATUS, COUNT, RANK, APPLIED, PERSON_WORDS, VAGA_WORDS, DISTINCT)
        for mm in rx.finditer(folded)
        for w in mm.group(0).split()
    } - titled

    auxiliaries = set(lexicon()["auxiliaries"])
    # a fronted time clause ("Back in 2019, how many…", "For the year 2021, …") dates the question; its words, the
    # first one aside written lowercase, describe no vaga
    # the pieces of an English contraction ("I'm", "we're", "don't") are no title's words ("SAP MM")
    contracted = {w for pair in _CONTRACTION.findall(folded) for w in pair}
    if _PRONOUN_I.search(question):  # "I need the number of…": the pronoun, not a title's "I" ("Gerente de Projetos I")
        contracted.add("i")
    contracted |= {m.group(1) for m in _BACK_IN.finditer(folded)}  # "opened back in 2024": a time, no title
    lead = _FRONTED_TIME.match(question)
    fronted = set(words(lead.group(1))) if lead and not title_cased(lead.group(1)) else set()

    def plain(i: int, w: str) -> bool:
        return (
            i not in covered
            and not (i and toks[i - 1] in auxiliaries and _PARTICIPLE.search(w))  # "nos ha dado": a verb
            and w not in fronted
            and w not in contracted
            and i not in in_phrase
            and w not in FRAME
            and w not in cue_words
            and (not w.isdigit() or (len(w) >= 3 and w not in id_words and int(w) not in (*years, n)))
            and vagas.known(_title(w))
        )

    particles = set(lexicon()["particles"])

    def neighbours(i: int) -> list[int]:
        """The words either side of ``i``, past particles ("Analista de Requisitos")."""
        out = []
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(toks) and toks[j] in particles:
                j += step
            out.append(j)
        return out

    def titled_frame(i: int, w: str) -> bool:
        """A frame word written capitalised next to a title word is the title's ("Recrutador Cloud", "Analista de
        Requisitos")."""
        return (
            i not in covered
            and w in titled
            and vagas.known(_title(w))
            and any(0 <= j < len(toks) and toks[j] in titled and plain(j, toks[j]) for j in neighbours(i))
        )

    def paired_frame(i: int, w: str) -> bool:
        """A frame word however written ("recrutador cloud") next to a title word that some vaga's title holds
        together with it is the title's; vaga and stop words never are."""
        return (
            i not in covered
            and w not in STOPWORDS
            and w not in cue_words
            and not VAGA_WORDS.search(w)
            and vagas.known(_title(w))
            and any(
                0 <= j < len(toks) and plain(j, toks[j]) and vagas.together(_title(w), _title(toks[j]))
                for j in (i - 1, i + 1)
            )
        )

    description = [w for i, w in enumerate(toks) if plain(i, w) or titled_frame(i, w) or paired_frame(i, w)]
    masked = _mask(toks, mentions)
    return Parsed(
        question=question,
        folded=folded,
        mentions=mentions,
        vaga_ids=refs["vaga_id"],
        codes=refs["candidate_id"],
        years=years,
        skills=skills,
        levels=levels,
        english=_language_level(folded, r"\b(?:ingles|english)\b"),
        spanish=_language_level(folded, r"\b(?:espanhol|spanish|espanol)\b"),
        n=n,
        description=[_title(w) for w in description],
        masked=masked,
        words=description,
        toks=toks,
        month=_MONTHS[month_m.group(1)] if month_m else None,
    )


_PERSON_KINDS = frozenset({"candidate", "recruiter", "analyst"})


def _state_words(question: str, toks: list[str], mentions: list[Mention]) -> list[Mention]:
    """A state abbreviation that is also a word ("ce" for "cê", "você") names its state only when written in
    capitals, after a place word ("em ce") or after a mark ("Fortaleza-CE", "Fortaleza/ce", "(CE)"); "ce sabe se
    pra X precisa de faculdade?" asks in no state."""
    lex = lexicon()
    shared, before = set(lex["state_words"]), set(lex["state_before"])
    capitals = {fold(w).casefold() for w in re.findall(r"\b[A-Z]{2}\b", question)}
    out = []
    for m in mentions:
        if set(m.kinds) == {"state"} and m.end - m.start == 1 and (w := toks[m.start]) in shared and w not in capitals:
            mark = re.search(rf"[-/(,]\s*{re.escape(w)}\b", fold(question).casefold())
            if not mark and not (m.start > 0 and toks[m.start - 1] in before):
                continue
        out.append(m)
    return out


def _names_in_titles(toks: list[str], mentions: list[Mention], vagas: VagaIndex) -> list[Mention]:
    """A person's name that a job title holds as written with the question's other title words ("Assistente
    Operações RH - Verzani - Replace - Juliana Garcia Buson") is the title's, not that person."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    rest = [_title(w) for i, w in enumerate(toks) if i not in covered and w not in FRAME and vagas.known(_title(w))]
    if len(rest) < 2:
        return mentions
    return [
        m
        for m in mentions
        if not (set(m.kinds) <= _PERSON_KINDS and vagas.holds([*rest, *(_title(w) for w in toks[m.start : m.end])]))
    ]


def title_cased(question: str) -> set[str]:
    """Folded words written capitalised after the question's first word: how a title or a name is written."""
    found = list(re.finditer(r"\w+", question))
    return {fold(m.group(0)).casefold() for m in found[1:] if m.group(0)[0].isupper()}


def _title(word: str) -> str:
    from recruta.answer.entities import title_word

    return title_word(word)


def _mask(toks: list[str], mentions: list[Mention]) -> str:
    out, i = [], 0
    starts = {m.start: m for m in mentions}
    while i < len(toks):
        if i in starts:
            out.append("{" + sorted(starts[i].kinds)[0] + "}")
            i = starts[i].end
        else:
            out.append(toks[i])
            i += 1
    return " ".join(out)


__all__ = ["Parsed", "level_words", "parse", "title_cased"]
