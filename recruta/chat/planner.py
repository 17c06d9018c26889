"""How to answer one message: from the facts, "not in the documents", or the generator with passages.

The message's intent (:mod:`recruta.chat.intents`) decides:

- fit → :func:`recruta.chat.fit.fit_answer` (the match score against the loaded job, mode "computed"; without a
  job, a general assessment of the candidate from the extracted facts, mode "extracted");
- technologies, a yes/no competence check, education, experience, spoken languages, location, salary, personal
  facts (age, notice period, work permit...), summary, the job's requirements → :mod:`recruta.chat.answers` (facts with the lines they come from, mode "extracted";
  "não consta" when the documents do not state it);
- interview → :mod:`recruta.chat.interview` (questions from the gaps against the job, mode "computed");
- anything else (and a document or past-hires question) → the generator, after the old checks: a hard skill no
  relevant document mentions, a CV section the documents lack, or no shared content word and a low similarity
  (unless it is a follow-up of the previous turn) → "the documents do not contain that"; otherwise the best
  passages (as ``Hit`` objects, so the extractive baseline answers from them too; similar past hires from the
  index when asked) fill ``passage_share`` of ``max_context_chars`` and the most recent turns the rest, in the
  chat prompt template of the question's language (mode "generated").

A short elliptical follow-up ("E com Kubernetes?", "what about Go?") keeps the previous question's intent.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from recruta import facts as sk
from recruta.chat import answers
from recruta.chat import intents as it
from recruta.chat import questions as q
from recruta.chat.answers import Reply
from recruta.chat.documents import CANDIDATE_KINDS, DOC_KINDS
from recruta.chat.fit import fit_answer
from recruta.chat.interview import interview_questions
from recruta.chat.profiles import Analyst
from recruta.chat.summary import SUMMARY_LANGS, clip, cv_title, top_skills
from recruta.i18n import message, messages
from recruta.ingest.store import Hit
from recruta.rag.generators import GenerationInput
from recruta.rag.prompting import load_template
from recruta.screening.matching import check_sections, lexical_similarity, paragraphs
from recruta.text.fold import content_words
from recruta.text.language import language_scores

__all__ = ["HIRES_FILTER", "MODES", "NOT_FOUND_MODE", "Plan", "Planner", "pair_turns"]

log = logging.getLogger("recruta.chat.planner")

HIRES_FILTER: dict[str, Any] = {"$and": [{"type": "prospect"}, {"outcome": "hired"}]}
MODES = ("extracted", "computed", "generated")
NOT_FOUND_MODE = "extracted"  # "not in the documents" is read off the documents, nothing is generated
_ELLIPSIS = re.compile(r"^(?:e|and|y|what about|how about|e quanto a|e sobre|y (?:que tal|sobre)|tambem|also)\b")
# fact answers that do not look at the skills a message names: a named hard skill must be in the documents first
_SKILL_BLIND = frozenset({"summary", "education", "experience", "spoken_languages", "location", "salary", "personal"})
_LETTER_WORDS = re.compile(r"\b(?:carta|letter|referencias?|references?|recomendacao|recomendacion|recommendation)\b")


@dataclass(frozen=True, kw_only=True)
class _Passage:
    kind: str
    n: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.n}"


@dataclass(kw_only=True)
class Plan:
    lang: str
    turn: int
    intent: str = "general"
    mode: str = "generated"  # one of MODES: how the answer is made
    found: bool = True  # False: the answer says the documents do not hold it
    answer: str | None = None  # set for deterministic answers
    inp: GenerationInput | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

    def take(self, reply: Reply) -> Plan:
        self.mode, self.answer, self.found, self.sources = reply.mode, reply.answer, reply.found, reply.sources
        return self

    def not_found(self, answer: str) -> Plan:
        self.mode, self.answer, self.found = NOT_FOUND_MODE, answer, False
        return self


@dataclass(kw_only=True)
class Planner:
    analyst: Analyst
    retrieve: Callable[..., list[Hit]] | None = None
    max_context_chars: int = 6000
    passage_share: float = 0.6  # of max_context_chars for document passages; history turns get the rest
    min_similarity: float = 0.4  # below this best cosine, and with no shared content word: "not in the documents"

    def intent(self, text: str, history: Sequence[tuple[str, str]] = ()) -> it.Intent:
        """The message's intent; a short elliptical follow-up takes the previous question's intent."""
        embedder = self.analyst.embedder
        vectors = self.analyst.vectors if embedder is not None else None
        name = embedder.name if embedder is not None else ""
        found = it.detect(text, vectors=vectors, embedder_name=name)
        folded = it.folded(text)
        previous = next((content for role, content in reversed(history) if role == "user"), None)
        if previous and _ELLIPSIS.search(folded) and len(folded.split()) <= 6 and found.via != "rule":
            before = it.detect(previous, vectors=vectors, embedder_name=name)
            if before.name != found.name and before.name in ("general", "skill_check", "technologies"):
                return it.Intent(name=before.name, via="follow-up", traits=found.traits, skills=found.skills)
        return found

    def plan(
        self, documents: dict[str, str], history: Sequence[tuple[str, str]], text: str, *, include_history_hires: bool
    ) -> Plan:
        """The plan for ``text`` given the session's ``documents`` by kind and its ``history`` (role, content)."""
        docs = documents
        lang = self._language(text, docs, history)
        plan = Plan(lang=lang, turn=sum(role == "user" for role, _ in history) + 1)
        intent = self.intent(text, history)
        plan.intent = intent.name
        if intent.name in _SKILL_BLIND:  # "summarise their SAP experience": SAP must be in the documents first
            missing = self._unmentioned_skills(text, docs, about_job=intent.name == "job")
            if missing:
                return plan.not_found(message("chat", "answer.not_mentioned", lang, skills=", ".join(missing)))
        reply = self._facts(intent, text, docs, lang=lang)
        if reply is not None:
            return plan.take(reply)
        return self._generated(plan, docs, history, text, intent=intent, include_history_hires=include_history_hires)

    def _language(self, text: str, docs: dict[str, str], history: Sequence[tuple[str, str]]) -> str:
        """The question's language. When the detector's cues tie or are absent ("tech stack?", "herramientas de
        testing que conoce": "de"/"que" are Portuguese and Spanish alike), the tie is broken by the question's
        pronouns/verbs, then by the previous question's language, then by the CV's."""
        scores = language_scores(text)
        top = max(scores.get(lang, 0) for lang in SUMMARY_LANGS)
        leaders = [lang for lang in SUMMARY_LANGS if scores.get(lang, 0) == top]
        if len(leaders) == 1:
            return q.question_language(text)
        framing = q.framing_language(text)  # "ele sabe python?": the pronoun says Portuguese
        if framing in leaders:
            return framing
        previous = next((content for role, content in reversed(history) if role == "user"), None)
        if previous is not None and any(language_scores(previous).values()):
            before = q.question_language(previous)
            if before in leaders:
                return before
        cv_lang = self.analyst.profile(docs["cv"], is_job=False).language
        return cv_lang if cv_lang in leaders else q.question_language(text)

    def _facts(self, intent: it.Intent, text: str, docs: dict[str, str], *, lang: str) -> Reply | None:
        """The deterministic answer of a fact intent, or None for the generator."""
        a = self.analyst
        name = intent.name
        if name == "fit":
            return fit_answer(docs, lang=lang, analyst=a, question=text)
        if name == "interview":
            return interview_questions(text, docs, lang=lang, analyst=a)
        if name == "technologies":
            return answers.technologies(docs, lang=lang)
        if name == "skill_check":
            return answers.skill_check(text, intent, docs, lang=lang)
        if name == "summary":
            return answers.summary(docs, lang=lang, analyst=a)
        if name == "education":
            return answers.education(docs, lang=lang, analyst=a, question=text)
        if name == "experience":
            return answers.experience(docs, lang=lang, analyst=a)
        if name == "spoken_languages":
            return answers.spoken_languages(text, docs, lang=lang, analyst=a)
        if name == "location":
            return answers.location(text, docs, lang=lang, analyst=a)
        if name == "salary":
            return answers.salary(docs, lang=lang, analyst=a)
        if name == "personal":
            return answers.personal(text, docs, lang=lang)
        if name == "job":
            return answers.job_requirements(docs, lang=lang, analyst=a)
        if name == "document":
            kind = "recommendation" if _LETTER_WORDS.search(it.folded(text)) else "interests"
            if kind not in docs:
                label = messages("chat", lang)["label." + kind]
                return Reply(answer=message("chat", "doc.missing", lang, kind=label), found=False)
        return None

    def _generated(
        self,
        plan: Plan,
        docs: dict[str, str],
        history: Sequence[tuple[str, str]],
        text: str,
        *,
        intent: it.Intent,
        include_history_hires: bool,
    ) -> Plan:
        turns = pair_turns(history)
        lang = plan.lang
        folded = q.fold_question(text)
        about_job = q.about_job(folded)
        interview = intent.name == "interview"
        open_question = interview or q.is_open(folded) or intent.name == "document"

        hires: list[Hit] = []
        if self.retrieve is not None and (include_history_hires or intent.name == "hires" or q.wants_hires(text)):
            hires = self._hires(docs["cv"])
        checked = not hires and not interview  # questions whose subject must be in the documents

        missing = self._unmentioned_skills(text, docs, about_job=about_job) if checked else []
        if missing:
            return plan.not_found(message("chat", "answer.not_mentioned", lang, skills=", ".join(missing)))

        q_words = q.question_words(text)
        doc_words = set().union(*(content_words(docs[k]) for k in docs))
        # "where did he study?" shares no word with "EDUCATION / UC Berkeley": look for the CV section instead
        concepts = [] if about_job else q.concepts_in(folded)
        present: list[str] = []
        if concepts:
            candidate = self.analyst.profile("\n\n".join(docs[k] for k in CANDIDATE_KINDS if k in docs), is_job=False)
            sections = check_sections(candidate)
            present = [c for c in concepts if q.CONCEPTS[c].present(candidate, sections)]
            other_words = {w for w in q_words if not any(q.CONCEPTS[c].cue.search(w) for c in concepts)}
            if checked and not present and not q.stems(other_words) & q.stems(doc_words):
                return plan.not_found(message("chat", "answer.not_found", lang))

        query = " ".join([text, *(q.CONCEPTS[c].query_words for c in present)])
        q_words = q_words | set().union(*(content_words(q.CONCEPTS[c].query_words) for c in present))
        passages = [
            _Passage(kind=k, n=n, text=p) for k in DOC_KINDS if k in docs for n, p in enumerate(paragraphs(docs[k]), 1)
        ]
        named = set(sk.extract_skills(text))  # "tecnologias de nuvem" names cloud, which AWS in a CV implies
        unrelated = (
            bool(q_words)
            and not q.stems(q_words) & q.stems(doc_words)
            and not present
            and not named & self._doc_skills(docs, DOC_KINDS)
        )
        if unrelated and turns:
            last_user, last_answer = turns[-1]
            if q.stems(q_words) & q.stems(content_words(f"{last_user}\n{last_answer}")) or q.points_back(folded):
                # a follow-up: rank with the previous question too
                unrelated = False
                query = f"{last_user}\n{query}"
                q_words = q_words | q.question_words(last_user)
        scored = self._rank(
            query,
            passages,
            q_words=q_words,
            by_order=open_question and not q_words and not present,
            prefer_candidate=not about_job,
            named=named,
        )
        best = max((cos for cos, _ in scored), default=0.0)
        if checked and unrelated and best < self.min_similarity and not open_question:
            return plan.not_found(message("chat", "answer.not_found", lang))

        chosen, used = self._choose(scored, hires, lang=lang, hires_first=q.wants_hires(text))
        hits = [hit for hit, _ in chosen]
        # ``question`` is what the extractive baseline matches lines against: the expanded ranking query
        plan.inp = GenerationInput(
            question=query, hits=hits, messages=self._messages(chosen, turns, text, lang=lang, used=used)
        )
        plan.sources = [{"document": h.metadata["type"], "passage": h.text, "id": h.id, "score": h.score} for h in hits]
        return plan

    # ------------------------------------------------------------------ the prompt
    def _choose(
        self, scored: Sequence[tuple[float, _Passage]], hires: Sequence[Hit], *, lang: str, hires_first: bool
    ) -> tuple[list[tuple[Hit, str]], int]:
        """The passages that fit the passage budget, best first, as (hit, "[Label] text"), and their size."""
        budget = max(1, int(self.max_context_chars * self.passage_share))
        labels = messages("chat", lang)
        chosen: list[tuple[Hit, str]] = []
        used = 0
        hire_hits = [
            Hit(
                id=f"history:{h.id}",
                text=clip(h.text, 700),
                metadata={"type": "history", "source_id": h.id},
                score=float(h.score),
            )
            for h in hires
        ]
        doc_hits = [
            Hit(id=p.id, text=p.text, metadata={"type": p.kind}, score=round(float(cos), 4)) for cos, p in scored
        ]
        # asked about past hires: they come first; only flagged (include_history_hires): after the documents
        for hit in hire_hits + doc_hits if hires_first else doc_hits + hire_hits:
            rendered = f"[{labels['label.' + hit.metadata['type']]}] {hit.text}"
            if used + len(rendered) > budget:
                if chosen:
                    continue
                rendered = clip(rendered, budget)
            chosen.append((hit, rendered))
            used += len(rendered)
        return chosen, used

    def _messages(
        self, chosen: Sequence[tuple[Hit, str]], turns: Sequence[tuple[str, str]], text: str, *, lang: str, used: int
    ) -> list[dict[str, str]]:
        """System prompt, the newest turns that fit what the passages left of the budget, then the question with
        the passages in document order (easier to read; the hits stay in rank order, the extractive prior)."""
        order = {k: i for i, k in enumerate((*DOC_KINDS, "history"))}
        in_doc_order = sorted(chosen, key=lambda c: (order[c[0].metadata["type"]], _passage_n(c[0].id)))
        context = "\n\n".join(rendered for _, rendered in in_doc_order)

        kept: list[tuple[str, str]] = []
        room = self.max_context_chars - used
        for user, answer in reversed(turns):
            size = len(user) + len(answer)
            if size > room:
                break
            kept.insert(0, (user, answer))
            room -= size

        system, user_template = load_template("chat", lang)
        out = [{"role": "system", "content": system}]
        for user, answer in kept:
            out += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
        out.append({"role": "user", "content": user_template.replace("{context}", context).replace("{question}", text)})
        return out

    # ------------------------------------------------------------------ evidence
    def _unmentioned_skills(self, text: str, docs: dict[str, str], *, about_job: bool) -> list[str]:
        """Hard skills/tools the question names that no relevant document mentions (all of them, else []): the
        candidate's documents, or all of them when the question is about the job."""
        asked = {name: ev for name, ev in sk.extract_skills(text).items() if ev.category in ("hard", "tool")}
        if not asked:
            return []
        present = self._doc_skills(docs, DOC_KINDS if about_job else CANDIDATE_KINDS)
        if any(name in present for name in asked):
            return []
        return list(dict.fromkeys(" ".join(ev.quote.split()) for ev in asked.values()))

    def _doc_skills(self, docs: dict[str, str], kinds: Sequence[str]) -> set[str]:
        out: set[str] = set()
        for k in kinds:
            if k in docs:
                out |= set(self.analyst.profile(docs[k], is_job=k == "job_description").skills)
        return out

    def _hires(self, cv_text: str) -> list[Hit]:
        cv = self.analyst.profile(cv_text, is_job=False)
        query = " ".join([cv_title(cv_text), *top_skills(cv, limit=8)]).strip() or cv_text[:500]
        assert self.retrieve is not None
        try:
            return list(self.retrieve(query, k=3, filters=HIRES_FILTER))
        except Exception as exc:  # the index is optional for the chat: answer from the documents alone
            log.warning("similar hires unavailable: %s", exc)
            return []

    def _rank(
        self,
        query: str,
        passages: Sequence[_Passage],
        *,
        q_words: set[str],
        by_order: bool,
        prefer_candidate: bool,
        named: set[str],
    ) -> list[tuple[float, _Passage]]:
        """(cosine, passage), best first: cosine (char n-gram similarity without an embedder) plus bonuses for
        the share of the question's content words the passage has and for naming a skill the question names
        ("nuvem" → the passage with "AWS"), minus a little for the job description's passages when the question
        is about the candidate; ``by_order`` interleaves the documents' passages in reading order instead (open
        questions such as "summarise")."""
        if not passages:
            return []
        if self.analyst.embedder is not None:
            vectors = self.analyst.vectors([p.text for p in passages])
            qv = self.analyst.embedder.embed([query])[0]
            sims = [float(x) for x in vectors @ qv]
        else:
            sims = [lexical_similarity(query, p.text) for p in passages]
        if by_order:
            rows = [(p.n, DOC_KINDS.index(p.kind), sim, p) for sim, p in zip(sims, passages, strict=True)]
            return [(sim, p) for _, _, sim, p in sorted(rows, key=lambda r: (r[0], r[1]))]
        ranked = []
        for i, (sim, p) in enumerate(zip(sims, passages, strict=True)):
            overlap = len(q.stems(q_words) & q.stems(content_words(p.text))) / len(q_words) if q_words else 0.0
            skill = 0.15 if named and named & set(self.analyst.profile(p.text, is_job=False).skills) else 0.0
            penalty = 0.1 if prefer_candidate and p.kind == "job_description" else 0.0
            ranked.append((-(sim + 0.15 * overlap + skill - penalty), i, sim, p))
        return [(sim, p) for _, _, sim, p in sorted(ranked, key=lambda r: (r[0], r[1]))]


def pair_turns(messages: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(user, assistant) pairs in order; a user message left without an answer is skipped."""
    turns: list[tuple[str, str]] = []
    pending: str | None = None
    for role, content in messages:
        if role == "user":
            pending = content
        elif role == "assistant" and pending is not None:
            turns.append((pending, content))
            pending = None
    return turns


def _passage_n(hit_id: str) -> int:
    tail = hit_id.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else 0
