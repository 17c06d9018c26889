"""Question → plan → exact result → words: the records-table side of the assistant.

    answerer = Answerer.load(path_to_table, embedder=embedder)
    answerer.answer("Quem foi contratado para a vaga de Programador Java Sr da Horizonte Seguros?", lang="pt")

Returns None for what the plan cannot answer (the agent then retrieves and generates, and says so).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.answer.cues import PEOPLE_COUNTED
from recruta.answer.entities import VagaIndex, build_gazetteer, build_skill_gazetteer
from recruta.answer.executor import Executor
from recruta.answer.missing import VAGA_INTENTS, Unknown, not_on_file, record_words, unknown_words, written_title
from recruta.answer.parsing import Parsed, title_cased
from recruta.answer.phrasing import phrase
from recruta.answer.plan import Plan, VagaRef
from recruta.answer.planner import Planner
from recruta.answer.result import Result
from recruta.answer.table import RecordsTable
from recruta.text.redact import redact

if TYPE_CHECKING:
    from recruta.ingest.embeddings import Embedder

log = logging.getLogger("recruta.answer")


@dataclass(kw_only=True)
class PlannedAnswer:
    text: str
    sources: list[dict[str, Any]]
    plan: Plan
    kind: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    language: str = "pt"
    result: Result | None = None  # the facts behind ``text`` (a language model may reword it, checked against them)


class Answerer:
    def __init__(self, table: RecordsTable, *, embedder: Embedder | None = None, generator: Any = None) -> None:
        self.table = table
        self.gazetteer = build_gazetteer(table)
        self.vagas = VagaIndex.build(table)
        self.planner = Planner(
            gazetteer=self.gazetteer, vagas=self.vagas, embedder=embedder, skills=build_skill_gazetteer(table)
        )
        self.executor = Executor(table=table, gazetteer=self.gazetteer, vagas=self.vagas)
        name = str(getattr(generator, "name", ""))
        self.llm = generator if name.startswith("openai:") else None
        self.executor.warm()  # the lazy parts, now rather than on the first question
        record_words(table)  # every word on file, for the names a question gives that no record holds (missing.py)
        self.planner.plan("Quem foi contratado para a vaga de analista com Java em 2022?")

    @classmethod
    def load(cls, path: Path, *, embedder: Embedder | None = None, generator: Any = None) -> Answerer | None:
        """The answerer of the table at ``path``; None when there is none (an index built before tables)."""
        if not path.exists():
            log.warning("no records table at %s: questions go to retrieval only (re-run ingestion.py)", path)
            return None
        return cls(RecordsTable.load(path), embedder=embedder, generator=generator)

    def plan(self, question: str) -> Plan:
        return self._plan(question)[0]

    def _plan(self, question: str) -> tuple[Plan, Parsed]:
        plan, parsed = self.planner.plan(question)
        if plan.intent == "retrieval" and self.llm is not None:
            from recruta.answer.llm import propose_plan

            plan = propose_plan(self.llm, question) or plan
        return plan, parsed

    def answer(self, question: str, *, lang: str) -> PlannedAnswer | None:
        """The planned answer, or None. ``lang`` is the question's language; when the values the question names
        ("São Paulo", "Ipê Roxo Bank") argue for another language than its own words, its words decide."""
        t0 = time.perf_counter()
        plan, parsed = self._plan(question)
        lang = words_language(question, parsed) or lang
        t1 = time.perf_counter()
        if plan.intent == "retrieval":
            # a job named by words no title holds ("a vaga de Astronauta Orbital") is none on file, not a search
            missing = self._unknown_job(parsed)
            if missing is None:
                return None
            plan = Plan(intent="vaga_field", vaga=VagaRef(title=missing.text))
        result = self._not_on_file(plan, parsed) or self.executor.run(plan)
        t2 = time.perf_counter()
        if result is None:
            return None
        if result.kind in ("no_vaga_described", "not_on_file"):
            # the title as the question writes it ("Gerente de Projetos de TI"), not its folded words
            result.facts["title"] = written_title(parsed) or result.facts.get("title", "")
        if result.kind == "count" and plan.measure == "hires":
            result.facts["people_first"] = bool(PEOPLE_COUNTED.search(parsed.folded))
        text = redact(phrase(result, lang))  # the table holds no personal data; this is the second lock
        t3 = time.perf_counter()
        ms = {
            "plan": round((t1 - t0) * 1000, 1),
            "execute": round((t2 - t1) * 1000, 1),
            "phrase": round((t3 - t2) * 1000, 1),
        }
        log.info("planned %s (%s) → %s in %s ms", plan.intent, plan.source, result.kind, ms)
        return PlannedAnswer(
            text=text, sources=result.sources, plan=plan, kind=result.kind, timings_ms=ms, language=lang, result=result
        )

    def _unknown_job(self, parsed: Parsed) -> Unknown | None:
        """The job a question names that no title holds, when nothing else in it was recognised."""
        if parsed.mentions or parsed.vaga_ids or parsed.codes or parsed.words:
            return None
        unknown = unknown_words(parsed, gazetteer=self.gazetteer, vagas=self.vagas, table=self.table)
        return unknown[0] if len(unknown) == 1 and unknown[0].in_title else None

    def _not_on_file(self, plan: Plan, parsed: Parsed) -> Result | None:
        """The answer to a question about vagas that names a client, place or title no record holds."""
        if plan.intent not in VAGA_INTENTS or (plan.vaga is not None and plan.vaga.ids):
            return None
        unknown = unknown_words(parsed, gazetteer=self.gazetteer, vagas=self.vagas, table=self.table)
        return not_on_file(plan, unknown, resolver=self.executor) if unknown else None


def words_language(question: str, parsed: Parsed) -> str:
    """The language of the question without the table values it names ("¿Cuántas vacantes hay en São Paulo?" is
    Spanish, whatever "São" says); "" when nothing is left to tell."""
    from recruta.answer.entities import lexicon
    from recruta.rag.prompting import prompt_language
    from recruta.text.fold import fold

    named = {w for m in parsed.mentions for w in m.text.split()}
    # skills are values too ("Gestão de Pessoas", "Admissão e Demissão" in an English question)
    named |= {w for s in (*parsed.skills, *parsed.declared) for w in fold(s).casefold().split()}
    # a job title written as the records spell it ("How many Analista de Sistemas Pleno openings?") is no
    # evidence of the question's language either, nor are its particles
    titled = title_cased(question) & set(parsed.words)
    if titled:
        named |= titled | {"de", "da", "do", "das", "dos", "e"}
    # so is one typed lowercase ("analista administrativo de rh - did we hire anybody?")
    named |= set(parsed.words)
    if not named:
        return ""
    # "¿" and "¡" say Spanish even when typed against a name ("¿dr. pedro mendes habla ingles?")
    marks = "".join(dict.fromkeys(re.findall(r"[¿¡]", question)))
    raw = question.split()
    # "Aurora Participações's Consultor SAP role": the possessive is the name's
    keys = [re.sub(r"['’]s$", "", fold(w).casefold().strip("¿?¡!.,;:()\"'")) for w in raw]
    drop = [k in named for k in keys]
    # the particles inside a name ("Patrícia de Almeida", "Papel e Celulose do Brasil") are the name's
    particles = set(lexicon()["particles"])
    for i in range(1, len(keys) - 1):
        if keys[i] in particles and drop[i - 1] and drop[i + 1]:
            drop[i] = True
    kept = [w for w, d in zip(raw, drop, strict=True) if not d]
    return prompt_language(" ".join([marks, *kept])) if kept else ""


__all__ = ["Answerer", "PlannedAnswer"]
