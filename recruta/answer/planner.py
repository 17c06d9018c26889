"""Question → plan, deterministically: cue rules over what :func:`~recruta.answer.parsing.parse` read.

1. :func:`~recruta.answer.parsing.parse` finds what the question names (``parsing.py``).
2. :class:`Planner` picks the intent with ordered cue rules (personal data → compare → ranking → count →
   hires → candidate status/profile → candidate search → a vaga's field), and fills the slots from (1).
3. When no rule fires, the question (its named values masked as ``{client}``, ``{title}``...) is compared with
   example questions (``examples.py``) by embedding similarity; a close example lends its intent.
Nothing here writes SQL or code: the result is a :class:`~recruta.answer.plan.Plan`.

The cue vocabularies (pt/en/es) are data, in ``cues.json`` compiled by ``cues.py`` (and the title/level/number
words in ``lexicon.json``); this module holds only the rules that choose the plan kind from them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from recruta.answer.cues import (
    AGENT_PLURALS,
    APPLICATION_WORDS,
    APPLIED,
    BY,
    CANDIDATE_CUES,
    COMPARE,
    CONTRACT,
    COUNT,
    DISTINCT,
    FIELD_CUES,
    FRAME,
    GROUP_NOUNS,
    HIRE,
    HIRE_NOUN,
    HIRE_TO_COME,
    HIRED,
    NOMINAL_COUNT,
    NOT_HELD,
    OPENED,
    OUTCOME_CUES,
    PAY,
    PERSON_ASK,
    PERSON_WORDS,
    PRIVATE,
    RANK,
    SEARCH,
    STATUS,
    STATUS_GENERIC,
    STATUS_STRONG,
    VAGA_APPS,
    VAGA_LIST,
    VAGA_WORDS,
    WHO_ASK,
    WHO_NOT_HIRE,
)
from recruta.answer.entities import Gazetteer, Mention, VagaIndex, lexicon, name_words, skills_in, title_words
from recruta.answer.examples import example_vectors, nearest_example
from recruta.answer.parsing import Parsed, level_words, parse, title_cased
from recruta.answer.plan import Filters, Plan, VagaRef
from recruta.text.fold import fold

if TYPE_CHECKING:
    from recruta.ingest.embeddings import Embedder

_POSITIONS = "positions?|puestos?|jobs?|roles?|cargos?"  # asked which one, a job title rather than one vaga
SIMILARITY_MIN = 0.75  # an example this close (cosine) lends its intent when no rule fires


_IN_CHARGE = re.compile(r"\ba (?:su|sus) cargo\b|\ba cargo\b")


def _group(folded: str, measure: str) -> str:
    """The grouping a question asks for: "por cliente", "which recruiters", "clients with the most"."""
    folded = _IN_CHARGE.sub(" ", folded)  # "con más postulaciones a su cargo": in their charge, no job title
    for name, nouns in GROUP_NOUNS:
        if name == "vaga" and measure == "vagas":
            continue
        if name == "vaga" and (
            re.search(
                rf"\b(?:which|what|que|cual|cuales|qual|quais)(?: (?:are|is|were|was|son|es|sao|e|foram|fueron) "
                rf"(?:the|los|las|el|la|os|as|o|a))? (?:\w+ )?(?:{_POSITIONS})\b",
                folded,
            )
            # "el puesto con más postulaciones", "the role with the most applicants": a job title ranked
            or re.search(rf"\b(?:the|el|la|o|a) (?:{_POSITIONS}) (?:with|con|com) (?:the )?(?:most|mas|mais)\b", folded)
        ):
            return "title"  # "what position gets the most applicants", "¿qué puesto recibe más…?": a job title
        if (
            re.search(rf"\b{BY} (?:{nouns})\b", folded)
            or re.search(
                rf"\b(?:quais|qual|que|q|which|what|cuales|cual|algum|alguma|algun|alguna|any|some|top \d+|top|os|as|o|a|the|los|las|el|la|al|del|ao|our|nuestr[oa]s?|noss[oa]s?|\d+|biggest|largest|maior|maiores|mayor|mayores|best|mejor(?:es)?|melhor(?:es)?) (?:\w+ )?(?:{nouns})\b",
                folded,
            )
            or re.search(rf"^\W*(?:{nouns})\b", folded)  # "¿Cliente con más vacantes…?"
            # "most applied-to job title", "the most requested roles": a superlative before the noun
            or re.search(rf"\b(?:most|mais|mas) [\w-]+ (?:\w+ )?(?:{nouns})\b", folded)
            # "ranking of recruiters by hires", "listado de clientes por vacantes": the ranked nouns follow
            or re.search(
                rf"\b(?:ranking|rank|list|lista|listado|listagem|top \d+|top) (?:of |de |dos |das |del |do |da )?"
                rf"(?:the |os |as |los |las |our |nuestr[oa]s |noss[oa]s )?(?:{nouns})\b",
                folded,
            )
            # "quem contratou mais gente que qualquer outro recrutador?": compared with every other of the group
            or re.search(
                rf"\b(?:qualquer|quaisquer|tod[oa]s (?:os|as)|(?:os|as) demais|any|every|all the|cualquier|tod[oa]s "
                rf"(?:los|las)|(?:los|las) demas) (?:outr[oa]s? |other |otr[oa]s? )?(?:{nouns})\b",
                folded,
            )
        ):
            return name
    return ""


def _untitled(p: Parsed) -> str:
    """The folded question without the words of the job title it writes out ("Analista de Requisitos" asks no
    requirements, "Application Developer" no count of applications): as many of each word as are written
    capitalised, the first ones ("a Analista de Infraestrutura … quem é o analista dela?" still asks the analyst)."""
    titled = title_cased(p.question) & set(p.words)
    q = _cue_text(p)
    if not titled:
        return q
    written = [
        w
        for m in list(re.finditer(r"\w+", p.question))[1:]
        if m.group(0)[0].isupper() and (w := fold(m.group(0)).casefold()) in titled
    ]
    return _dropped(q, written)


def _without(folded: str, mentions: list[Mention]) -> str:
    """``folded`` without the values the question names, word by word whatever stands between them as written
    ("Dra. Mariana do Nascimento", "Brisa Participações")."""
    between = r"\W+(?:(?:" + "|".join(map(re.escape, lexicon()["particles"])) + r")\W+)?"
    for m in mentions:
        folded = re.sub(r"\b" + between.join(map(re.escape, m.text.split())) + r"\b", " ", folded)
    return folded


# fields a question asks of the job itself, which a "hire" noun ("the X hire at Y") or "hiring" does not turn into
# a question about who was hired
_ASKED_OF_THE_JOB = frozenset(
    {"activities", "requirements", "behaviour", "english", "spanish", "academic", "level", "contract"}
)
_HIRING = re.compile(r"\b(?:hiring|contratac(?:ao|oes|ion|iones))\b")  # "a contratação pra X é CLT ou PJ?"
# "in São Paulo or somewhere else?", "¿en Lima o en otra ciudad?": a value offered with an alternative (pt "o" is
# an article, so Spanish "o" counts only before another place)
_OFFERED = re.compile(r"\b(?:or|ou)\b|\bo (?:en|em|otr[ao]|outr[ao]|algun\w*)\b")

_HIRES_ACTIVELY = re.compile(r"\b(?:contratou|fechou|colocou|emplacou|hired|placed|contrato|coloco|cerro)\b")
# "candidatos na X", "candidatos (que) a gente já mandou pra X", "candidates we sent to X": a job's applicants
_OF_A_JOB = re.compile(
    r"\b(?:candidat[oa]s?|applicants?|postulantes?|pessoas|people) (?:(?:na|no|da|do|del|de la|en el|en la)\b"
    r"|(?:(?:que|a gente|nos|voces?|we|you|ja|foram|have|were|hemos|han) )*"
    r"(?:mand|envi|apresent|indic|encaminh|sent|submitted|present)\w* (?:pra|para|pro|na|no|to|for|a la|al)\b)"
)
# fields a who-question may describe its vaga by ("quem pegou a vaga de X aberta em maio em Campinas")
_DESCRIBING_FIELDS = frozenset({"", "location", "client", "requested", "period", "title"})


# "quantas pessoas o X colocou em processo", "put into the process": people a recruiter brought in, not the
# applications still in process
_INTO_A_PROCESS = re.compile(
    r"\b(?:coloc|inclu|inscrev|pus|pos|entr|put|brought|meti)\w* (?:\w+ ){0,2}(?:em|no|na|en|el|la|into|in) "
    r"(?:processos?|procesos?|process|selec\w*|seletiv\w*)\b"
)


def _measure(p: Parsed, *, default: str) -> str:
    q = _INTO_A_PROCESS.sub(" ", _untitled(p))
    if HIRE.search(CONTRACT.sub(" ", q)):
        return "hires"
    if DISTINCT.search(q) and PERSON_WORDS.search(q):
        return "people"  # "distinct/unique" people, whatever they did ("con cuántos postulantes distintos")
    if any(rx.search(q) for _, rx in OUTCOME_CUES) or VAGA_APPS.search(q):
        return "applications"  # withdrawals, rejections, open processes; "how many people applied"
    staff = p.first("recruiter") or p.first("analyst")
    if (DISTINCT.search(q) and APPLIED.search(q)) or (
        staff and PERSON_WORDS.search(q) and not APPLICATION_WORDS.search(q)
    ):
        return "people"  # "com quantos candidatos (distintos) a recrutadora trabalhou": each person once
    # "quantos candidatos na Engenheiro de Dados Pleno da X": a described job's candidates are its applications,
    # whatever skill its title's words name (not "candidatos no Rio com Java": a place follows, not the title)
    job_of = _OF_A_JOB.search(p.folded)
    after = p.folded[job_of.end() :].split()[:1] if job_of else []
    of_a_job = bool(after) and after[0].strip("?.,;:!()") in set(p.words)
    if APPLIED.search(q) and not (
        PERSON_WORDS.search(q)
        and not VAGA_WORDS.search(q)
        and not of_a_job
        and (p.skills or p.english or p.spanish or p.levels)
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
    _last_names: frozenset[str] | None = field(default=None, repr=False)

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

    @property
    def last_names(self) -> frozenset[str]:
        """Surnames of the candidates on file (the last word of each name), to tell a name typed in lowercase."""
        if self._last_names is None:
            self._last_names = frozenset(
                key[-1] for key, kinds in self.gazetteer.index.items() if "candidate" in kinds and len(key) >= 2
            )
        return self._last_names

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
            | set(level_words())
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
        q = _cue_text(p)
        # "tipo de contratação" asks for a vaga's field, not about hires; nor does a hire to come ("o que vai fazer
        # quem for contratado como X", "quanto ganha quem entrar como X"): it describes the job
        to_come = HIRE_TO_COME.sub(" ", q)
        hire_q = CONTRACT.sub(" ", to_come)
        unnamed = _without(q, p.people())  # a name is no cue ("Eduardo Farias Nascimento" asks no birth date)
        unnamed = _sought_skills_out(unnamed, p)  # "Orçamento candidates" seek a skill, ask no budget
        people = p.people()
        # a job's pay ("what's the pay for the X job", "el salario del puesto") is not in the records; a person's
        # is personal data; a title's words ("Consultor Oracle P2P (procure to pay)") in a question that asks a
        # field or a count are neither, nor is a title held as written ("Analista de Contas a Pagar")
        untitled = _without(_untitled(p), people)  # its words written capitalised, or all of a title held
        if len(p.description) >= 2 and self.vagas.holds(p.description):
            untitled = _dropped(untitled, p.words)
        pay = bool(PAY.search(untitled)) and not (_field(_untitled(p), FIELD_CUES) or COUNT.search(q))
        paid = pay and not (people or p.codes or PERSON_WORDS.search(q) or HIRED.search(to_come))  # "del contratado"
        if PRIVATE.search(PAY.sub(" ", unnamed) if paid else unnamed) or (pay and not paid):
            return Plan(intent="unanswerable", reason="private")
        # "como vai ser contratado: CLT ou PJ?" asks the regime; a title as written ("assistente de faturamento da
        # X") asks no revenue
        held = CONTRACT.sub(" ", untitled)
        if p.declared and (PERSON_WORDS.search(q) or PERSON_ASK.search(q) or SEARCH.search(q)):
            # "preciso de gente com Benefícios": a skill people declare, sought in people, is no vaga's benefits
            for skill in p.declared:
                held = re.sub(rf"\b{re.escape(fold(skill).casefold())}\b", " ", held)
        if NOT_HELD.search(held) or paid:
            return Plan(intent="unanswerable", reason="not_in_records")
        unknown = p.unknown_names(self.first_names, self.last_names) if not people and not p.codes else []
        # "… - Replace - Letícia Cebim Dela Croce": a name a job title holds as written with the description
        unknown = [u for u in unknown if not self.vagas.holds([*p.description, *title_words(u)])]
        if unknown:  # "Em que etapa está Fulana de Tal?" about nobody on file: say so, do not search the texts
            return Plan(intent="candidate_profile", candidates=(unknown[0],), field="summary")
        names = tuple(sorted(m.values("candidate"))[0] if len(m.values("candidate")) == 1 else m.text for m in people)
        candidates = tuple(dict.fromkeys((*p.codes, *names)))
        vaga = self._vaga_ref(p)
        if len(candidates) >= 2 and (COMPARE.search(q) or WHO_ASK.search(q) or re.search(r"\b(?:ou|or|o)\b", q)):
            return Plan(intent="compare", candidates=candidates[:2], vaga=None if vaga.empty() else vaga)
        # "the biggest client in number of openings" ranks; "number of" there is the criterion, not a count
        # (and so is "the highest number of", "el mayor número de": a superlative of a number; "en total" too)
        criterion = re.sub(
            r"\b(?:(?:in|by|em|en|por|pelo|por el) (?:the |o |el )?|(?:highest|largest|greatest|biggest|maior|mayor)(?:es)? )"
            r"(?:numero|number|total|quantidade|cantidad) (?:de|of)\b|\b(?:in|en|em|no) total\b|\boverall\b"
            r"|\b(?:highest|largest|greatest|biggest|heaviest|maior|mayor)(?:es)? (?:\w+ )?volumen?\b",
            " ",
            q,
        )  # "o recrutador com maior volume de candidaturas" ranks too
        if RANK.search(q) and (not COUNT.search(criterion) or re.search(r"\b(?:top|ranking)\b", q)):
            measure = _measure(p, default="vagas")
            group = _group(q, measure)
            if not group and measure == "vagas" and WHO_ASK.search(q) and _field(q, FIELD_CUES) != "analyst":
                group = "client"  # "who sends us the most reqs?": the vagas come from clients
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
        # (a nominal count names no candidate: "Candidatos únicos gestionados por X" names X as the recruiter)
        staff_only = all(_staff_named(m) or _agent(q, m) for m in people) and not p.codes
        if COUNT.search(q) or (NOMINAL_COUNT.search(q) and staff_only and not WHO_ASK.search(q)):
            measure = _measure(p, default="vagas")
            group = _group(q, measure) if re.search(rf"\b{BY}\b", q) else ""
            plan = Plan(
                intent="count", measure=measure, group_by=group, n=p.n or 10, filters=self._filters(p, measure=measure)
            )
            if measure in ("applications", "hires") and (vaga.ids or vaga.title) and not group:
                plan = replace(plan, vaga=vaga, filters=replace(plan.filters, title=""))
            # "em quantas vagas X se candidatou"; but "how many has Caio Machado placed": the recruiter of that
            # exact name, not a candidate whose name merely contains it
            hiring = bool(_HIRES_ACTIVELY.search(q))  # "Carlos Ribeiro contratou quantos?": the one who hires
            counted = tuple(
                dict.fromkeys(
                    (
                        *p.codes,
                        *(
                            n
                            for m, n in zip(people, names, strict=True)
                            if not (_staff_named(m, hiring=hiring) or _agent(q, m))
                        ),
                    )
                )
            )
            if measure in ("applications", "hires") and counted:
                plan = replace(plan, candidates=counted[:1])
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
        if _field(_untitled(p), FIELD_CUES) in _ASKED_OF_THE_JOB | {"analyst"} and not HIRED.search(hire_q):
            # "what will the new hire do", "how fluent must the X hire be", "what level is Y hiring at": the job's
            # duties or requirements, not who was hired; "quem cuida da contratação do X": who handles the job
            hire_q = _HIRING.sub(" ", HIRE_NOUN.sub(" ", hire_q))
        if HIRE.search(hire_q) and not candidates:
            # a year alone dates the hires ("contratados como analista em 2022"); "aberta em maio de 2019" dates the
            # vaga the question describes
            if vaga.ids or (vaga.title and (not p.years or OPENED.search(q))):
                return Plan(intent="vaga_hires", vaga=vaga)
            return Plan(
                intent="count", measure="hires", op="list", n=p.n or 10, filters=self._filters(p, measure="hires")
            )
        # "Brisa Participações" asks about no participation; a hire to come asks about no hire
        plain = _without(HIRE_TO_COME.sub(" ", _untitled(p)), p.mentions)
        if (
            not candidates
            and vaga.title
            and not _levels_only(p)  # "quem é Júnior e trabalha com X?" describes people, not a vaga's hire
            and WHO_ASK.search(plain)
            and _field(plain, FIELD_CUES) in _DESCRIBING_FIELDS
            and not (WHO_NOT_HIRE.search(plain) or VAGA_APPS.search(plain) or APPLIED.search(plain))
            and not (SEARCH.search(plain) or PERSON_ASK.search(plain) or p.english or p.spanish)
        ):
            # "A vaga de X foi fechada com quem?", "who took the X job": a person asked of a vaga is its hire
            return Plan(intent="vaga_hires", vaga=vaga)
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
            if not vaga.ids and _levels_only(p):
                # "¿X es junior, pleno o senior?", "is X a senior?": level words alone describe no vaga, they ask
                # the person's level
                return Plan(intent="candidate_profile", candidates=candidates[:1], field="level")
            # a person and a vaga, nothing asked of the person ("X na vaga de Y?"): how the application stands
            described = (vaga.ids or vaga.title) and not _field(_untitled(p), CANDIDATE_CUES)
            # "where did X land in the T process?": a process word with the vaga named asks the status, whatever
            # "where" says elsewhere
            in_process = bool(STATUS_STRONG.search(q)) and bool(vaga.ids or vaga.title)
            if STATUS.search(q) or HIRE.search(hire_q) or described or in_process:
                return Plan(intent="applicant_status", candidates=candidates[:1], vaga=None if vaga.empty() else vaga)
            return Plan(
                intent="candidate_profile", candidates=candidates[:1], field=_field(q, CANDIDATE_CUES) or "summary"
            )
        # "do applicants for the X req need a degree?" asks the job's requirement, not its applicants
        of_the_job = _field(_untitled(p), FIELD_CUES) in _ASKED_OF_THE_JOB and not (
            WHO_ASK.search(q) or SEARCH.search(q)
        )
        if VAGA_APPS.search(q) and (vaga.ids or vaga.title or vaga.client) and not COUNT.search(q) and not of_the_job:
            return Plan(intent="count", measure="applications", op="list", vaga=vaga, n=p.n or 10)
        # "Java developers with fluent English": professions in the plural, no vaga named and nothing asked of one
        # (a language with its level named is a filter, not the field asked: "with fluent English")
        asked = _field(q, FIELD_CUES)
        filtered = (asked == "english" and p.english) or (asked == "spanish" and p.spanish)
        agents = bool(AGENT_PLURALS.search(q)) and not VAGA_WORDS.search(q) and (not asked or bool(filtered))
        if (
            # "si contratamos a alguien como X", "o profissional que a gente colocar na X" seek nobody
            (PERSON_WORDS.search(to_come) or PERSON_ASK.search(to_come) or agents)
            and (SEARCH.search(q) or p.skills or p.declared or p.english or p.spanish)
            and not vaga.ids
            and (p.skills or p.declared or p.english or p.spanish or p.levels or p.first("city") or p.first("state"))
            and not (vaga.client and _field(q, FIELD_CUES))  # "do candidates for the X opening at Y need English?"
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
            # a cue word of the title as written ("Analista de Requisitos") is not the field asked
            fld = _field(_untitled(p), FIELD_CUES) or _field(q, FIELD_CUES)
            if fld == "location" and vaga.city and _OFFERED.search(q):
                vaga = replace(vaga, city="", state="")  # "is it in São Paulo or somewhere else?": a guess, no filter
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


# a sentence's end: "." or "!" after a word that is no abbreviation ("Ltda.", "Sr.", "S.A."), or a colon
_SENTENCE_END = re.compile(r"(?<=\w)[.!:](?=\s+\S)")
_ABBREVIATED = frozenset({"ltda", "sr", "sra", "jr", "pl", "dr", "dra", "cia", "a", "s", "me", "etc", "av", "n", "no"})


# an ask that only points back at its topic: "what's the figure?", "¿cuál es la cifra?", "qual é o total?"
_REFERRING = re.compile(
    r"\W*(?:(?:what|which|cual|qual|que)(?:['’ ]s| is| es| e| eh)?\s+)?(?:(?:the|la|el|o|a|os|as)\s+)?"
    r"(?:figure|number|total|count|tally|cifra|numero|cantidad|quantidade|conteo|contagem|resultado)s?\s*\?\s*$"
)


# a greeting that opens the message, with whom it greets ("oi gente,", "bom dia, pessoal!", "hi team"): "gente"
# there is the colleagues, not people sought
_GREETING = re.compile(
    r"^(?:oi+|ola|opa|e ai|fala|bom dia|boa tarde|boa noite|hello|hi|hey|hola|buen(?:os|as) (?:dias|tardes|noches))"
    r"(?:,? (?:gente|pessoal|galera|time|equipe|(?:a )?todos|all|team|everyone|folks|chicos|equipo))?\s*[,!.]\s*"
    r"(?:(?:tudo|td) (?:bem|certo|joia|bom)|beleza|blz|como vai|como (?:estas|esta)|que tal|all good|how are you)?"
    r"\s*[?!,.]?\s*"
)


# a question that closes a message and asks nothing of its own ("O X perguntou como tá o processo dele. Alguém
# sabe?", "…, vc sabe?"): "sabe" there asks nobody's skills
_TAG_QUESTION = re.compile(
    r"[.,!]?\s*\b(?:alguem|voce|vc|voces|vcs|ce|tu|vos|anyone|somebody|someone|alguien|usted|ustedes)"
    r" (?:ai |aqui )?(?:sabe|sabem|sabes|saben|knows?)\s*\?\s*$"
)


def _the_ask(folded: str) -> str:
    """The message without what it says before its question: a greeting or context that ends in "." / "!" / ":"
    before a sentence that asks ("Bom dia! Antes de ligar pro cliente queria confirmar a data: quando foi aberta a
    vaga de X?" asks the date, not the client). Questions are all kept ("Não foi contratado ninguém pra X? Se foi,
    quem?"), as is a message without "?" or whose ask is too short to stand alone; an opening greeting goes
    whatever follows it ("oi gente, a X pede inglês?"), and so does what follows the last question."""
    greeted = _GREETING.match(folded)
    if greeted and re.search(r"\w", folded[greeted.end() :]):
        folded = folded[greeted.end() :]
    if "?" not in folded:
        return folded
    start = 0
    for m in _SENTENCE_END.finditer(folded):
        if folded.rfind("?", 0, m.start()) >= start:
            break  # a question has begun: what follows it is part of the ask
        before = folded[start : m.start()].split()
        abbreviated = _ABBREVIATED | set(lexicon()["honorifics"])  # "Srta. Bella Ferreira"
        after = folded[m.end() :]
        if (
            (before and before[-1].rsplit(".", 1)[-1] in abbreviated)
            or len(after.split()) < 3
            or _REFERRING.match(after)
        ):
            continue  # "Contratações em 2020: quantas?", "Vacancies opened in 2022: what's the figure?": an ask that
            # is short or only points back ("the figure", "la cifra") leans on what its topic names
        start = m.end()
    rest = _TAG_QUESTION.sub("", folded[start:].strip()).strip()
    # what follows the last question is context too ("Quando foi aberta a vaga X? Preciso ligar pro cliente.")
    asked = rest[: rest.rfind("?") + 1]
    rest = asked if len(asked.split()) >= 3 else rest
    return rest if re.search(r"\w", rest) else folded


def _dropped(text: str, words: list[str]) -> str:
    """``text`` without ``words``, each as many times as listed, the first ones ("Analista de Contas a Pagar - Pleno
    vai pagar quanto?" keeps the last "pagar")."""
    left = Counter(words)
    out = []
    for w in text.split():
        if left[k := w.strip("?.,;:!()¿¡")] > 0:
            left[k] -= 1
        else:
            out.append(w)
    return " ".join(out)


def _cue_text(p: Parsed) -> str:
    """The folded question's ask (:func:`_the_ask`) without the skills it names in several words: "Gestão de
    Contratos" hires nobody, "Avaliação de Desempenho" asks no performance review."""
    q = _the_ask(p.folded)
    for skill in (*p.declared, *p.skills):
        if len(skill.split()) > 1:
            q = re.sub(rf"\b{re.escape(fold(skill).casefold())}\b", " ", q)
    return q


def _levels_only(p: Parsed) -> bool:
    """Whether the question's description is level words alone ("junior, pleno o senior"), or nothing once levels
    offered as alternatives were read as the level asked ("senior, mid or junior?")."""
    from recruta.answer.entities import title_word

    level_titles = {title_word(w) for ws in lexicon()["levels"].values() for w in ws}
    return bool(p.levels) and set(p.description) <= level_titles


def _staff_named(m: Mention, *, hiring: bool = False) -> bool:
    """A mention that is a recruiter's or analyst's full name and only part of a candidate's; or, when the name
    hires (``hiring``: "X contratou quantos?"), a staff member's full name whoever else bears it."""

    def exact(kind: str) -> bool:
        return any(" ".join(name_words(v)) == m.text for v in m.values(kind))

    return (exact("recruiter") or exact("analyst")) and (hiring or not exact("candidate"))


def _sought_skills_out(folded: str, p: Parsed) -> str:
    """``folded`` without the skills a people search names next to its people noun ("Orçamento candidates",
    "candidatos con Orçamento"): the skill sought, not a cue of what is asked."""
    people = PERSON_WORDS.pattern
    for skill in (*p.declared, *p.skills):
        s = re.escape(fold(skill).casefold())
        folded = re.sub(rf"\b{s}\b(?= {people})", " ", folded)
        folded = re.sub(rf"({people}) (with|com|con|de) {s}\b", r"\1 \2 ", folded)
    return folded


def _agent(folded: str, m: Mention) -> bool:
    """A staff name as the agent of a passive ("hires closed by X", "candidaturas gestionadas por X"): the
    recruiter or analyst, even when a candidate has that name too."""
    if not ({"recruiter", "analyst"} & set(m.kinds)):
        return False
    staff = r"(?:(?:the )?(?:recruiter|recrutador[a]?|reclutador[a]?|analyst|analista) )?"
    return bool(re.search(rf"\b(?:by|por|pelo|pela|por el|por la) {staff}{re.escape(m.text)}\b", folded))


def _field(folded: str, cues: tuple[tuple[str, re.Pattern[str]], ...]) -> str:
    for name, rx in cues:
        if rx.search(folded):
            return name
    return ""


__all__ = ["SIMILARITY_MIN", "Planner"]
