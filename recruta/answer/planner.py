"""Question → plan, deterministically: cue rules over the folded question plus the table values it names.

1. :func:`parse` finds what the question names: vaga ids and candidate codes, clients, cities, states, staff,
   candidates (``entities.Gazetteer``), skills (the matcher's taxonomy), English/Spanish and professional
   levels, years, "three"/"top 5", and the words left over that are title words (the vaga description).
2. :class:`Planner` picks the intent with ordered cue rules (personal data → compare → ranking → count →
   hires → candidate status/profile → candidate search → a vaga's field), and fills the slots from (1).
3. When no rule fires, the question (its named values masked as ``{client}``, ``{title}``...) is compared with
   example questions (``examples.jsonl``, pt/en/es) by embedding similarity; a close example lends its intent.
Nothing here writes SQL or code: the result is a :class:`~recruta.answer.plan.Plan`.

The cue vocabularies (pt/en/es) are data, in ``cues.json`` (and the title/level/number words in
``lexicon.json``); this module holds the rules that read them. It is one cohesive thing (parse, then rules), so it
stays one module past 500 lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.answer.entities import Gazetteer, Mention, VagaIndex, lexicon, skills_in, words
from recruta.answer.plan import Filters, Plan, VagaRef
from recruta.text.fold import STOPWORDS, fold

if TYPE_CHECKING:
    from recruta.ingest.embeddings import Embedder

EXAMPLES_PATH = Path(__file__).with_name("examples.jsonl")
CUES_PATH = Path(__file__).with_name("cues.json")
SIMILARITY_MIN = 0.75  # an example this close (cosine) lends its intent when no rule fires


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The planner's cue vocabularies (pt/en/es) as data: ``recruta/answer/cues.json``."""
    data: dict[str, Any] = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return data


def _named(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _rx(*alts)) for name, alts in cues()[key])


# Cues, matched in the folded question (lowercase, no accents); the words are in cues.json.
PRIVATE = _rx(*cues()["rx"]["private"])
NOT_HELD = _rx(*cues()["rx"]["not_held"])
HIRE = _rx(*cues()["rx"]["hire"])
HIRE_NOUN = _rx(*cues()["rx"]["hire_noun"])
HIRED = _rx(*cues()["rx"]["hired"])
COUNT = _rx(*cues()["rx"]["count"])
RANK = _rx(*cues()["rx"]["rank"])
COMPARE = _rx(*cues()["rx"]["compare"])
STATUS = _rx(*cues()["rx"]["status"])
STATUS_STRONG = _rx(*cues()["rx"]["status_strong"])
SEARCH = _rx(*cues()["rx"]["search"])
PERSON_ASK = _rx(*cues()["rx"]["person_ask"])
PERSON_WORDS = _rx(*cues()["rx"]["person_words"])
VAGA_LIST = _rx(*cues()["rx"]["vaga_list"])
APPLIED = _rx(*cues()["rx"]["applied"])
DISTINCT = _rx(*cues()["rx"]["distinct"])
APPLICATION_WORDS = _rx(*cues()["rx"]["application_words"])
VAGA_WORDS = _rx(*cues()["rx"]["vaga_words"])
VAGA_APPS = _rx(*cues()["rx"]["vaga_apps"])
CONTRACT = _rx(*cues()["rx"]["contract"])
STATUS_GENERIC = frozenset(cues()["status_generic"])  # status words that also ask where someone lives
OUTCOME_CUES = _named("outcomes")
BY = str(cues()["by"])
GROUP_NOUNS: tuple[tuple[str, str], ...] = tuple((name, nouns) for name, nouns in cues()["group_nouns"])
FIELD_CUES = _named("field_cues")
CANDIDATE_CUES = _named("candidate_cues")
STAFF_NOUN = re.compile(cues()["staff_noun"])
# Words that frame a question and are never part of a vaga description.
FRAME = frozenset(STOPWORDS | set(lexicon()["frame_words"]))


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

    def unknown_names(self, first_names: frozenset[str]) -> list[str]:
        """Names the records do not hold: a capitalised first name that someone on file has, followed by
        capitalised words ("Bianca Martins"), where no known value was found."""
        named = {w for m in self.mentions for w in m.text.split()}
        out = []
        raw = [(m.group(0), fold(m.group(0)).casefold()) for m in re.finditer(r"\w+", self.question)]
        i = 0
        while i < len(raw):
            word, key = raw[i]
            if word[0].isupper() and key in first_names and key not in named:
                j, run = i + 1, [word]
                while j < len(raw) and (raw[j][0][0].isupper() or raw[j][1] in lexicon()["particles"]):
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
        # one value however the records capitalise it ("São José dos Campos" / "São José Dos Campos")
        return sorted(named)[0] if len({fold(v).casefold() for v in named}) == 1 else ""


_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
# numbers joined into a code ("2021-2605708", "787/2021", "2021 2610800"); a date ("29/04/2021") is kept
_CODE = re.compile(r"\d+(?:\s*[-/]\s*\d+)+|\d+(?:\s+\d{5,})+")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
_MONTHS = {w: i + 1 for names in cues()["months"].values() for i, w in enumerate(names)}
# a month only next to its year ("junho de 2020", "June 2020"): "may" alone is a verb
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(?:de\s+|of\s+|del\s+)?(19[89]\d|20\d\d)\b")
_TOP_N = re.compile(
    r"\b(?:top|os|as|the|los|las|primeir[oa]s|first|primer[oa]s)\s+(\d{1,2})\b|\b(\d{1,2})\s+"
    r"(?:candidat\w*|clientes?|clients?|recrutador\w*|recruiters?|vagas?|jobs?|titulos?|titles?"
    r"|pessoas|people|perfis|profiles|nomes|names|cidades?|cities|primeir\w*|maiores|mais)\b"
)


def _level_words() -> dict[str, str]:
    return {w: value for value, ws in lexicon()["levels"].items() for w in ws}


def _language_level(folded: str, cue: str) -> str:
    """The level named next to a language ("inglês avançado", "advanced English", "fluent in English")."""
    levels = {w: value for value, ws in lexicon()["language_levels"].items() for w in ws}
    for m in re.finditer(cue, folded):
        before = folded[max(0, m.start() - 30) : m.start()].split()[-3:]
        after = folded[m.end() : m.end() + 30].split()[:3]
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
    id_words = set(refs["vaga_id"]) | set(refs["candidate_id"])
    # a year inside a requisition code ("2021-2605708", "787/2021") dates nothing
    dated = _CODE.sub(lambda m: m.group(0) if _DATE.fullmatch(m.group(0)) else " ", folded)
    years = sorted({int(y) for y in _YEAR.findall(dated) if y not in id_words})
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
    level_words = _level_words()
    covered = {i for m in mentions for i in range(m.start, m.end)}
    levels = list(dict.fromkeys(level_words[w] for i, w in enumerate(toks) if w in level_words and i not in covered))
    cue_words = {
        w
        for name, rx in (*FIELD_CUES, *CANDIDATE_CUES)
        for mm in rx.finditer(folded)
        for w in mm.group(0).split()
        if name not in ("title",)
    }
    # words of the hire/status/count cues ("se contrató", "how many applications") frame the question, unless
    # written as a title word mid-question ("Analista de Contratos", "Application Developer")
    titled = title_cased(question)
    cue_words |= {
        w
        for rx in (HIRE, STATUS, COUNT, APPLIED, PERSON_WORDS, VAGA_WORDS, DISTINCT)
        for mm in rx.finditer(folded)
        for w in mm.group(0).split()
    } - titled

    def plain(i: int, w: str) -> bool:
        return (
            i not in covered
            and w not in FRAME
            and w not in cue_words
            and (not w.isdigit() or (len(w) >= 3 and w not in id_words and int(w) not in (*years, n)))
            and vagas.known(_title(w))
        )

    def titled_frame(i: int, w: str) -> bool:
        """A frame word written capitalised next to a title word is the title's ("Recrutador Cloud")."""
        return (
            i not in covered
            and w in titled
            and vagas.known(_title(w))
            and any(0 <= j < len(toks) and toks[j] in titled and plain(j, toks[j]) for j in (i - 1, i + 1))
        )

    description = [w for i, w in enumerate(toks) if plain(i, w) or titled_frame(i, w)]
    masked = _mask(toks, mentions)
    return Parsed(
        question=question,
        folded=folded,
        mentions=mentions,
        vaga_ids=refs["vaga_id"],
        codes=refs["candidate_id"],
        years=years,
        skills=skills_in(question),
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


def _group(folded: str, measure: str) -> str:
    """The grouping a question asks for: "por cliente", "which recruiters", "clients with the most"."""
    for name, nouns in GROUP_NOUNS:
        if name == "vaga" and measure == "vagas":
            continue
        if (
            re.search(rf"\b{BY} (?:{nouns})\b", folded)
            or re.search(
                rf"\b(?:quais|qual|que|which|what|cuales|cual|top \d+|top|os|as|the|los|las|\d+) (?:\w+ )?(?:{nouns})\b",
                folded,
            )
            or re.search(rf"^(?:{nouns})\b", folded)
        ):
            return name
    return ""


def _measure(p: Parsed, *, default: str) -> str:
    # the described title's own words are no cue ("Application Developer" asks no count of applications)
    titled = title_cased(p.question) & set(p.words)
    q = " ".join(w for w in p.folded.split() if w.strip("?.,;:!()¿¡") not in titled) if titled else p.folded
    if HIRE.search(CONTRACT.sub(" ", q)):
        return "hires"
    if any(rx.search(q) for _, rx in OUTCOME_CUES) or VAGA_APPS.search(q):
        return "applications"  # withdrawals, rejections, open processes; "how many people applied"  # withdrawals, rejections, open processes are applications with that outcome
    staff = p.first("recruiter") or p.first("analyst")
    if (DISTINCT.search(q) and (APPLIED.search(q) or PERSON_WORDS.search(q))) or (
        staff and PERSON_WORDS.search(q) and not APPLICATION_WORDS.search(q)
    ):
        return "people"  # "com quantos candidatos (distintos) a recrutadora trabalhou": each person once
    if APPLIED.search(q) and not (
        PERSON_WORDS.search(q) and not VAGA_WORDS.search(q) and (p.skills or p.english or p.spanish or p.levels)
    ):
        return "applications"
    if VAGA_WORDS.search(q):
        return "vagas"
    if PERSON_WORDS.search(q):
        return "candidates"
    return default


@dataclass(kw_only=True)
class Planner:
    gazetteer: Gazetteer
    vagas: VagaIndex
    embedder: Embedder | None = None
    skills: Gazetteer | None = None  # declared skills (``entities.build_skill_gazetteer``)
    _examples: Any = field(default=None, repr=False)
    _first_names: frozenset[str] | None = field(default=None, repr=False)

    def plan(self, question: str) -> tuple[Plan, Parsed]:
        p = parse(question, gazetteer=self.gazetteer, vagas=self.vagas)
        if self.skills is not None:
            p.declared = self._declared(p)
        made = self._rules(p)
        if made is None:
            made = self._by_example(p)
        return made or Plan(intent="retrieval"), p

    @property
    def first_names(self) -> frozenset[str]:
        """First names of the people on file (candidates and staff), honorifics skipped."""
        if self._first_names is None:
            skip = set(lexicon()["honorifics"])
            self._first_names = frozenset(
                next(w for w in key if w not in skip)
                for key, kinds in self.gazetteer.index.items()
                if set(kinds) & {"candidate", "recruiter", "analyst"} and any(w not in skip for w in key)
            )
        return self._first_names

    def _declared(self, p: Parsed) -> list[str]:
        """Declared skills the question names, outside the names, places and language/level words it has."""
        assert self.skills is not None
        toks, found = self.skills.find(p.question)
        named = {
            i
            for m in p.mentions
            if set(m.kinds) & {"candidate", "city", "state", "client", "recruiter", "analyst"}
            for i in range(m.start, m.end)
        }
        plain = (
            FRAME
            | set(_level_words())
            | {w for ws in lexicon()["language_levels"].values() for w in ws}
            | {"ingles", "english", "espanhol", "spanish", "espanol", "candidato", "candidatos", "candidates"}
        )
        out = []
        for m in found:
            if set(range(m.start, m.end)) & named or all(w in plain for w in toks[m.start : m.end]):
                continue
            out.extend(sorted(m.values("skill")))
        return list(dict.fromkeys(out))

    # ----------------------------------------------------------------------------------------------- rules
    def _vaga_ref(self, p: Parsed) -> VagaRef:
        return VagaRef(
            ids=tuple(p.vaga_ids),
            title=" ".join(p.words),
            client=p.first("client"),
            city=p.first("city"),
            state="" if p.first("city") else p.first("state"),
            level="",
            year=p.years[0] if len(p.years) == 1 else None,
            month=p.month if len(p.years) == 1 else None,
        )

    def _filters(self, p: Parsed, *, measure: str) -> Filters:
        """Filters for counts and rankings. Level words alone ("vagas sênior", "nível Pleno") filter by the level
        field; with other title words ("Desenvolvedor Java Sênior") they are part of the title."""
        from recruta.answer.entities import title_word

        level_titles = {title_word(w) for ws in lexicon()["levels"].values() for w in ws}
        only_levels = bool(p.description) and set(p.description) <= level_titles and bool(p.levels)
        title = "" if only_levels else " ".join(p.words)
        staff = "analyst" if measure == "vagas" else "recruiter"
        person = p.first(staff) or (p.first("analyst" if staff == "recruiter" else "recruiter") and "")
        return Filters(
            year=p.years[0] if p.years else None,
            client=p.first("client"),
            month=p.month if p.years and p.month and len(p.years) == 1 else None,
            recruiter=person if staff == "recruiter" else "",
            analyst=person if staff == "analyst" else "",
            city=p.first("city"),
            state="" if p.first("city") else p.first("state"),
            level=p.levels[0] if p.levels and (only_levels or not p.description) else "",
            english=p.english,
            spanish=p.spanish,
            skills=tuple(p.skills[:6]) if measure == "candidates" else (),
            title=title,
            outcome="hired"
            if measure == "hires"
            else next((name for name, rx in OUTCOME_CUES if rx.search(p.folded)), "")
            if measure == "applications"
            else "",
        )

    def _rules(self, p: Parsed) -> Plan | None:
        q = p.folded
        hire_q = CONTRACT.sub(" ", q)  # "tipo de contratação" asks for a vaga's field, not about hires
        unnamed = q  # a person's name is not a cue ("Eduardo Farias Nascimento" does not ask a birth date)
        for m in p.people():
            unnamed = unnamed.replace(fold(m.text).casefold(), " ")
        if PRIVATE.search(unnamed):
            return Plan(intent="unanswerable", reason="private")
        if NOT_HELD.search(unnamed):
            return Plan(intent="unanswerable", reason="not_in_records")
        people = p.people()
        unknown = p.unknown_names(self.first_names) if not people and not p.codes else []
        if unknown:  # "Em que etapa está Fulana de Tal?" about nobody on file: say so, do not search the texts
            return Plan(intent="candidate_profile", candidates=(unknown[0],), field="summary")
        names = tuple(sorted(m.values("candidate"))[0] if len(m.values("candidate")) == 1 else m.text for m in people)
        candidates = tuple(dict.fromkeys((*p.codes, *names)))
        vaga = self._vaga_ref(p)
        if len(candidates) >= 2 and (COMPARE.search(q) or re.search(r"\b(?:ou|or|o)\b", q)):
            return Plan(intent="compare", candidates=candidates[:2], vaga=None if vaga.empty() else vaga)
        if RANK.search(q) and (not COUNT.search(q) or re.search(r"\b(?:top|ranking)\b", q)):
            measure = _measure(p, default="vagas")
            group = _group(q, measure)
            if group in ("city", "level") and PERSON_WORDS.search(q) and not APPLICATION_WORDS.search(q):
                measure = "candidates"  # "which cities have the most candidates": the candidates' own city
            if group and (measure != "candidates" or group in ("city", "level")):
                return Plan(
                    intent="ranking",
                    measure=measure,
                    group_by=group,
                    n=p.n or 5,
                    filters=self._filters(p, measure=measure),
                )
        if COUNT.search(q):
            measure = _measure(p, default="vagas")
            group = _group(q, measure) if re.search(rf"\b{BY}\b", q) else ""
            plan = Plan(
                intent="count", measure=measure, group_by=group, n=p.n or 10, filters=self._filters(p, measure=measure)
            )
            if measure in ("applications", "hires") and (vaga.ids or vaga.title) and not group:
                plan = replace(plan, vaga=vaga, filters=replace(plan.filters, title=""))
            if measure in ("applications", "hires") and candidates:  # "em quantas vagas X se candidatou"
                plan = replace(plan, candidates=candidates[:1])
            return plan
        if re.search(rf"\b{BY}\b", q) and not candidates and not vaga.ids and not vaga.title:
            # "Hires by client", "vacantes por ciudad": a count per group, whatever the verb
            measure = _measure(p, default="vagas")
            group = _group(q, measure)
            if group and group != "vaga" and not p.first(group):  # "hired by recruiter Ana": a filter, not a group
                return Plan(
                    intent="count",
                    measure=measure,
                    group_by=group,
                    n=p.n or 10,
                    filters=self._filters(p, measure=measure),
                )
        if _field(q, FIELD_CUES) in ("activities", "requirements", "behaviour") and not HIRED.search(hire_q):
            hire_q = HIRE_NOUN.sub(" ", hire_q)  # "what will the new hire do": the job's duties, not who was hired
        if HIRE.search(hire_q) and not candidates:
            if vaga.ids or (vaga.title and not p.years):
                return Plan(intent="vaga_hires", vaga=vaga)
            return Plan(
                intent="count", measure="hires", op="list", n=p.n or 10, filters=self._filters(p, measure="hires")
            )
        if candidates:
            asked = _field(q, CANDIDATE_CUES)
            status_cues = {m.group(0) for m in STATUS.finditer(q)} - STATUS_GENERIC
            if (
                asked
                and asked != "applications"
                and not status_cues
                and not STATUS_STRONG.search(q)
                and not HIRE.search(hire_q)
            ):
                # "Em que cidade vive X?" asks the profile, whatever "em que" says elsewhere
                return Plan(intent="candidate_profile", candidates=candidates[:1], field=asked)
            if STATUS.search(q) or HIRE.search(hire_q) or (vaga.ids and not asked):
                return Plan(intent="applicant_status", candidates=candidates[:1], vaga=None if vaga.empty() else vaga)
            return Plan(
                intent="candidate_profile", candidates=candidates[:1], field=_field(q, CANDIDATE_CUES) or "summary"
            )
        if VAGA_APPS.search(q) and (vaga.ids or vaga.title or vaga.client) and not COUNT.search(q):
            return Plan(intent="count", measure="applications", op="list", vaga=vaga, n=p.n or 10)
        if (
            (PERSON_WORDS.search(q) or PERSON_ASK.search(q))
            and (SEARCH.search(q) or p.skills or p.declared or p.english or p.spanish)
            and not vaga.ids
            and (p.skills or p.declared or p.english or p.spanish or p.levels or p.first("city") or p.first("state"))
        ):
            return Plan(intent="candidate_search", n=p.n or 10, filters=self._search_filters(p))
        listed = SEARCH.search(q) and VAGA_WORDS.search(q) and (vaga.client or vaga.city) and not vaga.title
        if (VAGA_LIST.search(q) or listed) and not vaga.ids:
            return Plan(
                intent="count", measure="vagas", op="list", n=p.n or 10, filters=self._filters(p, measure="vagas")
            )
        if vaga.ids or vaga.title or vaga.client:
            if APPLIED.search(q) and not _field(q, FIELD_CUES):
                return Plan(intent="count", measure="applications", op="list", vaga=vaga, n=p.n or 10)
            fld = _field(q, FIELD_CUES)
            if fld or vaga.ids or vaga.title:
                return Plan(intent="vaga_field", vaga=vaga, field=fld or "summary")
        return None

    def _search_filters(self, p: Parsed) -> Filters:
        """Candidate search: skills named before "para uma vaga de…/for a … role" are required; the vaga's own
        words after it only rank."""
        cut = re.search(
            r"\b(?:para|for|pra|para un|para una|para uma|a|an)\s+(?:uma |um |a |an |una |un )?"
            r"(?:vaga|posicao|position|role|job|puesto|vacante|oportunidade|cargo)\b",
            p.folded,
        )
        # a declared skill stands for the taxonomy's names of it ("Web API" rather than "apis")
        covered = {t for item in p.declared for t in skills_in(item)}
        named = [*p.declared, *(s for s in p.skills if s not in covered and s not in p.declared)]
        required, context = list(named), []
        if cut:
            head, tail = p.folded[: cut.start()], p.folded[cut.start() :]
            after = set(skills_in(p.question[cut.start() :])) | {d for d in p.declared if d in tail}
            before = set(skills_in(p.question[: cut.start()])) | {d for d in p.declared if d in head}
            required = [s for s in named if s in before or s not in after]
            context = [s for s in named if s in after and s not in before]
        return Filters(
            skills=tuple(required[:6]),
            keywords=tuple(context[:6]),
            english=p.english,
            spanish=p.spanish,
            city=p.first("city"),
            state="" if p.first("city") else p.first("state"),
            level=p.levels[0] if p.levels else "",
        )

    # ------------------------------------------------------------------------------------------ examples
    def _by_example(self, p: Parsed) -> Plan | None:
        """The closest example question's plan skeleton, filled from the question, when the example is close and
        the slots its intent needs are there."""
        if self.embedder is None:
            return None
        if self._examples is None:  # the example questions' vectors, once per planner
            self._examples = example_vectors(self.embedder)
        (intent, skeleton), score = nearest_example(self.embedder, p.masked, vectors=self._examples)
        if score < SIMILARITY_MIN:
            return None
        names = tuple(dict.fromkeys((*p.codes, *(m.text for m in p.people()))))
        vaga = self._vaga_ref(p)
        measure = skeleton.get("measure", "vagas")
        data: dict[str, Any] = {"intent": intent, **skeleton}
        plan = Plan(
            intent=intent,
            vaga=None if vaga.empty() else vaga,
            candidates=names[:2],
            field=data.get("field", "summary"),
            measure=measure,
            op=data.get("op", "count"),
            group_by=data.get("group_by", ""),
            filters=self._filters(p, measure=measure),
            n=p.n or 5,
            reason=data.get("reason", ""),
            source="examples",
        )
        if intent == "candidate_search":
            plan = replace(plan, filters=self._search_filters(p))
        needs = {
            "vaga_field": plan.vaga is not None,
            "vaga_hires": plan.vaga is not None,
            "applicant_status": bool(names),
            "candidate_profile": bool(names),
            "compare": len(names) >= 2,
        }
        return plan if needs.get(intent, True) else None


def _field(folded: str, cues: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    for name, rx in cues:
        if rx.search(folded):
            return name
    return ""


@lru_cache(maxsize=1)
def load_examples() -> tuple[tuple[str, str, str, dict[str, Any]], ...]:
    """(intent, language, question, plan skeleton) of every example question (``examples.jsonl``)."""
    rows = []
    for line in EXAMPLES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((item["intent"], item["lang"], item["question"], item.get("plan", {})))
    return tuple(rows)


def example_vectors(embedder: Embedder) -> Any:
    """The example questions (their words, placeholders as plain words) embedded."""
    import numpy as np

    masked = [" ".join(words(q)) for _, _, q, _ in load_examples()]
    return np.asarray(embedder.embed(masked), dtype=np.float32)


def nearest_example(
    embedder: Embedder, masked_question: str, *, vectors: Any = None
) -> tuple[tuple[str, dict[str, Any]], float]:
    """(intent, plan skeleton) of the example most similar to ``masked_question``, and the cosine similarity."""
    import numpy as np

    vectors = example_vectors(embedder) if vectors is None else vectors
    v = np.asarray(embedder.embed([masked_question])[0], dtype=np.float32)
    scores = vectors @ v
    best = int(np.argmax(scores))
    intent, _, _, skeleton = load_examples()[best]
    return (intent, skeleton), float(scores[best])


__all__ = [
    "CUES_PATH",
    "EXAMPLES_PATH",
    "Parsed",
    "Planner",
    "cues",
    "example_vectors",
    "load_examples",
    "nearest_example",
    "parse",
    "title_cased",
]
