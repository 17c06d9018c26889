"""Recruiter chat about one candidate, grounded in the documents uploaded to the session.

A session holds the candidate's CV (required) and, optionally, a recommendation letter, a personal-interests
document and the job description. Questions are answered from passages of those documents (and, when asked,
from similar past hires in the index); the conversation is stored so a recruiter can come back to it.

What is computed rather than generated, so it cannot be invented:

- the summary returned on upload (title, years, education, languages, top skills, and the match score when a
  job description is loaded) comes from :mod:`recruta.facts` / :mod:`recruta.screening.matching`;
- "is this candidate a fit?" is answered from :func:`recruta.screening.matching.match` (score, strengths and gaps quoting
  the evidence, a recommendation — against the role below 40);
- a question that shares nothing with the documents (no content word, low similarity), or that asks about a
  skill no document mentions, gets "the documents do not contain that" without calling the generator.

Everything else goes to the generator with the best passages (as ``Hit`` objects, so the extractive baseline
answers from them too) and as many recent turns as fit in ``max_context_chars``.

    svc = ChatService(sessionmaker=make_sessionmaker(url), generator=ExtractiveGenerator(), embedder=embedder)
    s = svc.create_session(documents=[("cv", "cv.pdf", data)])
    svc.send(s["session_id"], "Resuma a experiência em SAP")
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from recruta import facts as sk
from recruta.core.db import ChatDocument, ChatMessage, ChatSession
from recruta.core.errors import InvalidInput, NotFound
from recruta.files import FileError, parse_file
from recruta.ingest.embeddings import Embedder
from recruta.ingest.store import Hit
from recruta.rag.generators import GenerationInput, Generator
from recruta.rag.prompting import load_template, prompt_language
from recruta.screening.bands import advised_against, verdict
from recruta.screening.matching import (
    EDU_NAMES,
    LEVEL_NAMES,
    MatchResult,
    Profile,
    check_sections,
    job_focus_text,
    lexical_similarity,
    match,
    paragraphs,
    profile,
)
from recruta.text.fold import content_words

log = logging.getLogger("recruta.chat.service")

__all__ = ["DOC_KINDS", "MAX_MESSAGE_CHARS", "ChatError", "ChatService", "SessionNotFound"]

DOC_KINDS = ("cv", "recommendation", "interests", "job_description")
CANDIDATE_KINDS = ("cv", "recommendation", "interests")
MAX_MESSAGE_CHARS = 4000
MAX_DOC_CHARS = 100_000
HIRES_FILTER: dict[str, Any] = {"$and": [{"type": "prospect"}, {"outcome": "hired"}]}


class ChatError(InvalidInput):
    """Bad input (HTTP 400); ``code`` is the file parser's code for upload errors, else ``"invalid"``."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


class SessionNotFound(NotFound):
    """No chat session with that id (HTTP 404)."""


# --------------------------------------------------------------------------------------------------
# Wording (pt / en / es)
# --------------------------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "pt": {"cv": "CV", "recommendation": "Carta de recomendação", "interests": "Interesses",
           "job_description": "Vaga", "history": "Histórico"},
    "en": {"cv": "CV", "recommendation": "Recommendation letter", "interests": "Interests",
           "job_description": "Job description", "history": "Past hire"},
    "es": {"cv": "CV", "recommendation": "Carta de recomendación", "interests": "Intereses",
           "job_description": "Vacante", "history": "Histórico"},
}
NOT_FOUND = {
    "pt": "Os documentos carregados não trazem essa informação.",
    "en": "The uploaded documents do not contain that information.",
    "es": "Los documentos cargados no contienen esa información.",
}
NOT_MENTIONED = {
    "pt": "Os documentos carregados não trazem essa informação: não mencionam {skills}.",
    "en": "The uploaded documents do not contain that information: they do not mention {skills}.",
    "es": "Los documentos cargados no contienen esa información: no mencionan {skills}.",
}
_TEXT: dict[str, dict[str, str]] = {
    "pt": {
        "summary": "Resumo automático do CV (extraído do texto):", "title": "Cargo/objetivo",
        "years": "Experiência", "years_unit": "anos", "education": "Formação", "languages": "Idiomas",
        "skills": "Principais competências", "fit": "Aderência à vaga", "strengths": "Pontos fortes",
        "gaps": "Lacunas", "job_asks": "a vaga pede", "in_cv": "no CV", "no_evidence": "sem evidência no CV",
        "computed": "(Pontuação calculada a partir do CV e da vaga, não gerada por modelo.)",
        "need_job": "Para avaliar a aderência, carregue a descrição da vaga (documento \"job_description\") "
                    "nesta sessão. O que o CV mostra:",
        "rec_no": "Recomendação: não recomendo este perfil para esta vaga; ele não atende aos requisitos básicos.",
        "rec_maybe": "Recomendação: avançar só se as lacunas puderem ser confirmadas ou supridas; "
                     "valide-as na entrevista.",
        "rec_yes_gaps": "Recomendação: avançar para entrevista, validando as lacunas.",
        "rec_yes": "Recomendação: avançar para entrevista.",
    },
    "en": {
        "summary": "Automatic CV summary (extracted from the text):", "title": "Title/objective",
        "years": "Experience", "years_unit": "years", "education": "Education", "languages": "Languages",
        "skills": "Top skills", "fit": "Fit for the job", "strengths": "Strengths", "gaps": "Gaps",
        "job_asks": "the job asks", "in_cv": "in the CV", "no_evidence": "no evidence in the CV",
        "computed": "(Score computed from the CV and the job description, not generated by a model.)",
        "need_job": "To judge fit, upload the job description (document \"job_description\") to this session. "
                    "What the CV shows:",
        "rec_no": "Recommendation: I do not recommend this profile for this job; it does not meet the basic "
                  "requirements.",
        "rec_maybe": "Recommendation: move forward only if the gaps can be confirmed or closed; check them in the "
                     "interview.",
        "rec_yes_gaps": "Recommendation: move to interview, checking the gaps.",
        "rec_yes": "Recommendation: move to interview.",
    },
    "es": {
        "summary": "Resumen automático del CV (extraído del texto):", "title": "Cargo/objetivo",
        "years": "Experiencia", "years_unit": "años", "education": "Formación", "languages": "Idiomas",
        "skills": "Principales competencias", "fit": "Adecuación a la vacante", "strengths": "Fortalezas",
        "gaps": "Brechas", "job_asks": "la vacante pide", "in_cv": "en el CV", "no_evidence": "sin evidencia en el CV",
        "computed": "(Puntuación calculada a partir del CV y la vacante, no generada por un modelo.)",
        "need_job": "Para evaluar la adecuación, cargue la descripción de la vacante (documento \"job_description\") "
                    "en esta sesión. Lo que muestra el CV:",
        "rec_no": "Recomendación: no recomiendo este perfil para esta vacante; no cumple los requisitos básicos.",
        "rec_maybe": "Recomendación: avanzar solo si las brechas pueden confirmarse o cubrirse; valídelas en la "
                     "entrevista.",
        "rec_yes_gaps": "Recomendación: avanzar a entrevista, validando las brechas.",
        "rec_yes": "Recomendación: avanzar a entrevista.",
    },
}
_LEVELS = {"pt": LEVEL_NAMES,
           "en": {0: "none", 1: "basic", 2: "intermediate", 3: "advanced", 4: "fluent"},
           "es": {0: "ninguno", 1: "básico", 2: "intermedio", 3: "avanzado", 4: "fluido"}}
_LANG_NAMES = {"pt": {"english": "inglês", "spanish": "espanhol"},
               "en": {"english": "English", "spanish": "Spanish"},
               "es": {"english": "inglés", "spanish": "español"}}
_EDUCATION = {"pt": EDU_NAMES,
              "en": {0: "no formal education", 1: "secondary school", 2: "technical course",
                     3: "higher education (incomplete)", 4: "higher education (completed)", 5: "postgraduate"},
              "es": {0: "sin formación", 1: "enseñanza media", 2: "técnico", 3: "superior incompleto",
                     4: "superior completo", 5: "posgrado"}}
_SIGNAL_NAMES = {"pt": {"languages": "idiomas", "education": "formação", "experience": "experiência",
                        "location": "localização", "salary": "salário"},
                 "en": {"languages": "languages", "education": "education", "experience": "experience",
                        "location": "location", "salary": "salary"},
                 "es": {"languages": "idiomas", "education": "formación", "experience": "experiencia",
                        "location": "ubicación", "salary": "salario"}}


# --------------------------------------------------------------------------------------------------
# Question analysis
# --------------------------------------------------------------------------------------------------

# Words that frame a question without saying what it is about ("qual o nome dele", "tell me about their ...").
_FRAMING = content_words(
    "ele ela eles elas dele dela deles delas seu sua seus suas tem têm possui possuem há foi ser são está esta este "
    "esse essa isso isto você voce pode poderia pra mais muito nome pessoa cv currículo curriculo documento "
    "documentos resuma resumir resumo fale conte explique descreva detalhe detalhes detalhar elabore elaborar "
    "explicar melhor exemplo exemplos quanto quantos quantas "
    "quando onde como porque algum alguma alguns já ainda também num numa pelo pela me te nos lhe eu meu minha "
    "então tudo bem sim não nao entrevista pergunta perguntas perguntar devo deveria "
    "he she they his her hers their them him has have had does did do was were be been this that these those it "
    "its can could should would will you your we my our name person resume document documents summarise summarize "
    "summary tell describe explain elaborate detail details example examples more about any some much many when "
    "where why there at "
    "on with from by as an please also yes no interview ask question questions "
    "él ella ellos su sus tiene tienen ha fue este esta ese esa eso usted puede nombre documento resumen háblame "
    "hablame cuéntame cuentame describe explica detalla más cuánto cuántos cuándo dónde cómo qué cuál cuales algún "
    "también del los las la lo al un una en con para preguntar preguntas entrevista debo"
)

_FIT = re.compile(
    r"\b(?:adequad[oa]s?|aderente|aderencia|encaixa\w*|apt[oa]s?|recomend(?:a|as|aria|ar|o)|recomiend(?:a|as|o)|"
    r"recommend(?:s|ed)?|fit|fits|suitable|"
    r"qualified|good match|right candidate|se ajusta|ajusta|adecuad[oa]s?|idone[oa]s?|encaja\w*|bom candidato)\b"
)
_INTERVIEW = re.compile(r"\b(?:entrevista\w*|interview\w*|pergunt\w*|ask|preguntar?\w*)\b")
_OPEN = re.compile(
    r"\b(?:resum\w*|summar\w*|overview|visao geral|sintetiz\w*|pontos? fortes?|pontos? fracos?|strengths?|"
    r"weakness\w*|fortalezas?|debilidad\w*|lacunas?|gaps?|brechas?|riscos?|risks?|riesgos?|perfil|profile)\b"
)
_ABOUT_JOB = re.compile(r"\b(?:vaga|job|role|position|puesto|vacante|requisit\w*|exig\w*|requir\w*|oferta)\b")
_HIRES = re.compile(
    r"\b(?:historic[oa]s?(?! (?:profissional|escolar|academico|laboral|professional))|contratad[oa]s|similar\w*|"
    r"parecid[oa]s|semelhantes?|hired before|past hires|previous hires|similar hires)\b"
)
_CONCEPTS: dict[str, tuple[re.Pattern[str], str, Callable[[Profile, dict[str, bool]], bool]]] = {
    # name: (question cue on folded text, words added to the ranking query, is it in the candidate's documents?)
    "education": (re.compile(r"\b(?:estud\w*|study\w*|studied|formacao|formad[oa]|gradua\w*|faculdade|universi\w*|"
                             r"college|degree|diploma|escolaridade|educa\w*|academ\w*)\b"),
                  "education formação escolaridade universidade university degree graduação bacharel bachelor",
                  lambda cv, sec: sec["education"]),
    "languages": (re.compile(r"\b(?:idiomas?|languages?|lenguas?|ingles|english|espanhol|espanol|spanish|fala|falam|"
                             r"speaks?|habla)\b"),
                  "idiomas languages inglês english espanhol spanish", lambda cv, sec: sec["languages"]),
    "experience": (re.compile(r"\b(?:trabalh\w*|worked|works|emprego\w*|empresas?|compan(?:y|ies)|experien\w*|"
                              r"carreira|career|trajetoria|trayectoria)\b"),
                   "experiência experience cargo empresa", lambda cv, sec: sec["experience"] or bool(cv.years)),
    "location": (re.compile(r"\b(?:mora|morar|reside\w*|lives?|cidade|city|ciudad|localiza\w*|location|vive)\b"),
                 "cidade city localização location", lambda cv, sec: bool(cv.locations)),
    "salary": (re.compile(r"\b(?:salari\w*|salary|pretensao|remunera\w*|sueldo|compensation)\b"),
               "salário salary pretensão remuneração", lambda cv, sec: any(cv.salary[:2])),
}
# A follow-up that points back at the conversation ("pode detalhar isso?", "tell me more about that").
_ANAPHORA = re.compile(r"\b(?:isso|disso|nisso|isto|aquilo|acima|anterior|that|this|above|previous|eso|esto|arriba)\b")
_PT_HINT = re.compile(r"[ãõç]|\b(?:o|os|as|do|da|dos|das|que|qual|quais|ele|ela|dele|dela|voce|sua|seu|nao|em)\b")


def _fold(text: str) -> str:
    return sk.fold(text).casefold()


def question_language(question: str) -> str:
    """pt / en / es: the language the chat answers ``question`` in."""
    return prompt_language(question)


def question_words(question: str) -> set[str]:
    """Content words that say what the question is about (framing words removed)."""
    return content_words(question) - _FRAMING


def stems(words: set[str]) -> set[str]:
    """Crude prefix stems, so "equipes"/"equipe" and "liderou"/"liderança" count as shared words."""
    return {w[:5] for w in words}


def is_fit_question(question: str) -> bool:
    q = _fold(question)
    return bool(_FIT.search(q)) and not _INTERVIEW.search(q)


def wants_hires(question: str) -> bool:
    return bool(_HIRES.search(_fold(question)))


# --------------------------------------------------------------------------------------------------
# CV facts
# --------------------------------------------------------------------------------------------------

_CONTACT = re.compile(
    r"@|https?://|www\.|linkedin|github\.com|\+?\d[\d\s().-]{7,}\d|"
    r"\b(?:rua|avenida|cep|data de nascimento|nascimento|telefone|celular|phone|e-?mail|endereco|address)\b"
)
_HEADINGS = {"curriculum vitae", "curriculo", "curriculum", "resume", "cv", "hoja de vida", "perfil", "profile",
             "summary", "resumo", "resumen", "dados pessoais", "personal information", "datos personales"}
_OBJECTIVE_HEADINGS = {"objetivo", "objetivo profissional", "objective", "career objective", "objetivo laboral"}
_LABELLED = re.compile(
    r"^(?:objetivo(?: profissional)?|cargo(?: pretendido| atual| deseado)?|titulo(?: profissional)?|objective|"
    r"title|position|puesto)\s*[:\-]\s*(.+)$"
)
_ROLE = re.compile(
    r"\b(?:engineer|developer|desenvolvedor[a]?|engenheir[oa]|consultor[a]?|consultant|analista|analyst|gerente|"
    r"manager|coordenador[a]?|coordinator|designer|especialista|specialist|tecnic[oa]|technician|programador[a]?|"
    r"programmer|arquitet[oa]|architect|cientista|scientist|administrador[a]?|administrator|assistente|assistant|"
    r"auxiliar|vendedor[a]?|contador[a]?|accountant|professor[a]?|teacher|enfermeir[oa]|nurse|advogad[oa]|lawyer|"
    r"ingenier[oa]|desarrollador[a]?|director[a]?|diretor[a]?|estagiari[oa]|intern|supervisor[a]?|lider|lead|head|"
    r"product owner|scrum master|devops|recepcionista|operador[a]?|comprador[a]?|executiv[oa])\b"
)


_URLS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|io|net|br|dev)(?:/\S*)?")


def _meaningful(line: str) -> bool:
    folded = _fold(line).strip(" :")
    return (2 <= len(folded) <= 150 and sum(c.isalpha() for c in folded) >= 2 and not _CONTACT.search(folded)
            and folded not in _HEADINGS and folded not in _OBJECTIVE_HEADINGS)


def cv_title(text: str) -> str:
    """The CV's title/objective line, copied from the CV: the first early line naming a role or level
    ("SENIOR SOFTWARE ENGINEER", not the name above it), else an "Objetivo:"/"Cargo:" field, else the first
    meaningful line."""
    lines = [re.sub(r"\s+", " ", raw).strip(" \t-•*|") for raw in text.splitlines()]
    lines = [line for line in lines if line][:40]
    meaningful = [line for line in lines if _meaningful(line)]
    for line in meaningful[:8]:
        if _ROLE.search(_fold(line)) or sk.seniority(line) is not None:
            return line[:120]
    for n, line in enumerate(lines):
        folded = _fold(line)
        m = _LABELLED.match(folded)
        if m and _meaningful(line[m.start(1):]):
            return line[m.start(1):][:120]
        if folded.strip(" :") in _OBJECTIVE_HEADINGS and n + 1 < len(lines) and _meaningful(lines[n + 1]):
            return lines[n + 1][:120]
    return meaningful[0][:120] if meaningful else ""


def top_skills(cv: Profile, *, limit: int = 10) -> list[str]:
    """The CV's skills as written in the CV (hard/tool first, then by how often they appear), deduplicated."""
    folded = _URLS.sub(" ", sk.fold(cv.text))  # "github.com/johndoe" is not a skill
    rows: list[tuple[int, int, int, str]] = []
    seen: set[str] = set()
    for ev in cv.skills.values():
        quote = " ".join(ev.quote.split())
        key = sk.fold(quote)
        if not quote or key in seen:
            continue
        seen.add(key)
        count = len(re.findall(rf"(?<!\w){re.escape(key)}(?!\w)", folded))
        if not count:
            continue
        rows.append((0 if ev.category in ("hard", "tool") else 1, -count, ev.start, quote))
    return [row[3] for row in sorted(rows)[:limit]]


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang != "en" else text


def fact_lines(cv: Profile, *, lang: str) -> list[str]:
    """"- label: value" lines for the facts the CV states; facts it does not state are left out."""
    t = _TEXT[lang]
    out = []
    title = cv_title(cv.text)
    if title:
        out.append(f"- {t['title']}: {title}")
    if cv.years:
        out.append(f"- {t['years']}: {_number(cv.years, lang)} {t['years_unit']}")
    if cv.education is not None:
        out.append(f"- {t['education']}: {_EDUCATION[lang].get(cv.education, '')}")
    langs = [f"{_LANG_NAMES[lang].get(name, name)} ({_LEVELS[lang].get(level, level)})"
             for name, level in sorted(cv.languages.items())]
    if langs:
        out.append(f"- {t['languages']}: {', '.join(langs)}")
    skills = top_skills(cv)
    if skills:
        out.append(f"- {t['skills']}: {', '.join(skills)}")
    return out


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _evidence_line(text: str, start: int, quote: str, *, limit: int = 100) -> str:
    """The CV line holding a skill's evidence, clipped around the quote."""
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    line = text[begin: end if end >= 0 else len(text)]
    offset = start - begin
    if len(line) > limit:
        lo = max(0, min(offset - limit // 3, len(line) - limit))
        line = ("…" if lo else "") + line[lo: lo + limit].strip() + ("…" if lo + limit < len(line) else "")
    return " ".join(line.split()) or quote


# --------------------------------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Passage:
    kind: str
    n: int
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.n}"


@dataclass(kw_only=True)
class _Plan:
    lang: str
    turn: int
    mode: str  # "generated" | "not_found" | "fit" | "fit_needs_job"
    answer: str | None = None  # set for deterministic answers
    inp: GenerationInput | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _pieces(text: str, *, words: int = 6) -> Iterator[str]:
    """A deterministic answer in a few stream pieces whose concatenation is exactly ``text``."""
    tokens = [t for t in re.split(r"(?<=\s)(?=\S)", text) if t]
    for i in range(0, len(tokens), words):
        yield "".join(tokens[i: i + words])


@dataclass(kw_only=True)
class ChatService:
    sessionmaker: sessionmaker[Session]
    generator: Generator
    embedder: Embedder | None
    retrieve: Callable[..., list[Hit]] | None = None
    max_context_chars: int = 6000
    max_new_tokens: int = 256
    max_upload_bytes: int = 5_000_000
    passage_share: float = 0.6  # of max_context_chars for document passages; history turns get the rest
    min_similarity: float = 0.4  # below this best cosine, and with no shared content word: "not in the documents"

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._vectors_cache: dict[str, np.ndarray] = {}
        self._profiles: dict[str, Profile] = {}

    # ------------------------------------------------------------------ sessions and documents
    def create_session(self, *, documents: list[tuple[str, str, bytes]], title: str | None = None) -> dict[str, Any]:
        """Open a session from uploads ``(kind, filename, data)``: the CV is required, at most one per kind."""
        if not isinstance(documents, (list, tuple)) or not documents:
            raise ChatError("envie ao menos o CV (kind 'cv')")
        parsed: dict[str, tuple[str, str]] = {}
        for item in documents:
            if not isinstance(item, (list, tuple)) or len(item) != 3:
                raise ChatError("cada documento deve ser (kind, filename, data)")
            kind, filename, data = item
            kind = self._kind(kind)
            if kind in parsed:
                raise ChatError(f"documento duplicado: {kind!r} (envie um de cada tipo)")
            parsed[kind] = (self._filename(filename, kind), self._parse(kind=kind, filename=filename, data=data))
        if "cv" not in parsed:
            raise ChatError("o CV é obrigatório (kind 'cv')")
        if title is not None and not isinstance(title, str):
            raise ChatError("title deve ser texto")
        texts = {k: text for k, (_, text) in parsed.items()}
        title = " ".join((title or "").split())[:200] or cv_title(texts["cv"])[:200] or parsed["cv"][0][:200]
        obj = ChatSession(title=title, summary=self._summary(texts))
        obj.documents = [ChatDocument(kind=k, filename=parsed[k][0], text=parsed[k][1]) for k in DOC_KINDS
                         if k in parsed]
        with self.sessionmaker.begin() as db:
            db.add(obj)
        return self._info(obj)

    def add_document(self, session_id: str, *, kind: str, filename: str, data: bytes) -> dict[str, Any]:
        """Add a document to a session, replacing the one of the same kind; the summary is recomputed."""
        kind = self._kind(kind)
        text = self._parse(kind=kind, filename=filename, data=data)
        with self.sessionmaker.begin() as db:
            obj = self._get(db, session_id)
            for doc in [d for d in obj.documents if d.kind == kind]:
                obj.documents.remove(doc)
            db.flush()
            obj.documents.append(ChatDocument(kind=kind, filename=self._filename(filename, kind), text=text))
            obj.summary = self._summary({d.kind: d.text for d in obj.documents})
            obj.updated_at = datetime.now(UTC)
            db.flush()
            return self._info(obj)

    def history(self, session_id: str) -> dict[str, Any]:
        """The session (title, summary, documents, dates) and its messages in order."""
        with self.sessionmaker() as db:
            obj = self._get(db, session_id)
            return {**self._info(obj), "created_at": _iso(obj.created_at), "updated_at": _iso(obj.updated_at),
                    "messages": [{"role": m.role, "content": m.content, "created_at": _iso(m.created_at)}
                                 for m in obj.messages]}

    def list_sessions(self) -> list[dict[str, Any]]:
        """Every session, most recently active first."""
        counts = (select(ChatMessage.session_id, func.count(ChatMessage.id).label("n"))
                  .group_by(ChatMessage.session_id).subquery())
        query = (select(ChatSession, func.coalesce(counts.c.n, 0))
                 .outerjoin(counts, counts.c.session_id == ChatSession.id)
                 .options(selectinload(ChatSession.documents))
                 .order_by(ChatSession.updated_at.desc(), ChatSession.created_at.desc()))
        with self.sessionmaker() as db:
            return [{"session_id": obj.id, "title": obj.title, "created_at": _iso(obj.created_at),
                     "updated_at": _iso(obj.updated_at), "n_messages": int(n),
                     "documents": [k for k in DOC_KINDS if any(d.kind == k for d in obj.documents)]}
                    for obj, n in db.execute(query).all()]

    def delete(self, session_id: str) -> None:
        """Delete a session with its documents and messages."""
        with self.sessionmaker.begin() as db:
            db.delete(self._get(db, session_id))

    # ------------------------------------------------------------------ chat
    def send(self, session_id: str, message: str, *, include_history_hires: bool = False) -> dict[str, Any]:
        """Answer one message; the user message and the answer are stored as the next two turns."""
        message = self._message(message)
        plan = self._plan(session_id, message, include_history_hires=include_history_hires)
        answer = plan.answer
        if answer is None:
            assert plan.inp is not None
            answer = self.generator.generate(plan.inp, max_new_tokens=self.max_new_tokens).strip()
            answer = answer or NOT_FOUND[plan.lang]
        self._append(session_id, [("user", message), ("assistant", answer)])
        return {"answer": answer, "sources": plan.sources, "session_id": session_id, "turn": plan.turn,
                "mode": plan.mode, "language": plan.lang}

    def stream(self, session_id: str, message: str, *, include_history_hires: bool = False) -> Iterator[str]:
        """Answer as text pieces. Input is validated now (errors raise here, not on first ``next``); the user
        message is stored when iteration starts and the answer when it ends — also if the consumer stops early
        (then the part produced so far is stored)."""
        message = self._message(message)
        plan = self._plan(session_id, message, include_history_hires=include_history_hires)
        return self._stream(session_id, message, plan)

    def _stream(self, session_id: str, message: str, plan: _Plan) -> Iterator[str]:
        self._append(session_id, [("user", message)])
        produced: list[str] = []
        try:
            if plan.answer is not None:
                for piece in _pieces(plan.answer):
                    produced.append(piece)
                    yield piece
            else:
                assert plan.inp is not None
                for piece in self.generator.stream(plan.inp, max_new_tokens=self.max_new_tokens):
                    if piece:
                        produced.append(piece)
                        yield piece
                if not "".join(produced).strip():
                    produced.append(NOT_FOUND[plan.lang])
                    yield produced[-1]
        finally:
            text = "".join(produced)
            if text:
                try:
                    self._append(session_id, [("assistant", text)])
                except SessionNotFound:
                    log.warning("chat session %s deleted while streaming; answer not stored", session_id)

    # ------------------------------------------------------------------ planning an answer
    def _plan(self, session_id: str, message: str, *, include_history_hires: bool) -> _Plan:
        with self.sessionmaker() as db:
            obj = self._get(db, session_id)
            docs = {d.kind: d.text for d in obj.documents}
            msgs = [(m.role, m.content) for m in obj.messages]
        turns = _pair_turns(msgs)
        lang = question_language(message)
        turn = sum(role == "user" for role, _ in msgs) + 1
        plan = _Plan(lang=lang, turn=turn, mode="generated")
        folded = _fold(message)

        if is_fit_question(message):
            return self._fit_plan(plan, docs)
        about_job = bool(_ABOUT_JOB.search(folded))
        interview = bool(_INTERVIEW.search(folded))
        open_question = interview or bool(_OPEN.search(folded))

        hires: list[Hit] = []
        if self.retrieve is not None and (include_history_hires or wants_hires(message)):
            hires = self._hires(docs["cv"])
        checked = not hires and not interview  # questions whose subject must be in the documents

        missing = self._unmentioned_skills(message, docs, about_job=about_job) if checked else []
        if missing:
            plan.mode, plan.answer = "not_found", NOT_MENTIONED[lang].format(skills=", ".join(missing))
            return plan

        q_words = question_words(message)
        doc_words = set().union(*(content_words(docs[k]) for k in docs))
        # "where did he study?" shares no word with "EDUCATION / UC Berkeley": look for the CV section instead
        concepts = [] if about_job else [c for c, (pattern, _, _) in _CONCEPTS.items() if pattern.search(folded)]
        present: list[str] = []
        if concepts:
            candidate = self._profile("\n\n".join(docs[k] for k in CANDIDATE_KINDS if k in docs), is_job=False)
            sections = check_sections(candidate)
            present = [c for c in concepts if _CONCEPTS[c][2](candidate, sections)]
            other_words = {w for w in q_words if not any(_CONCEPTS[c][0].search(w) for c in concepts)}
            if checked and not present and not stems(other_words) & stems(doc_words):
                plan.mode, plan.answer = "not_found", NOT_FOUND[lang]
                return plan

        query = " ".join([message, *(_CONCEPTS[c][1] for c in present)])
        q_words = q_words | set().union(*(content_words(_CONCEPTS[c][1]) for c in present))
        passages = [_Passage(kind=k, n=n, text=p) for k in DOC_KINDS if k in docs
                    for n, p in enumerate(paragraphs(docs[k]), 1)]
        named = set(sk.extract_skills(message))  # "tecnologias de nuvem" names cloud, which AWS in a CV implies
        unrelated = (bool(q_words) and not stems(q_words) & stems(doc_words) and not present
                     and not named & self._doc_skills(docs, DOC_KINDS))
        if unrelated and turns:
            last_user, last_answer = turns[-1]
            if stems(q_words) & stems(content_words(f"{last_user}\n{last_answer}")) or _ANAPHORA.search(folded):
                # a follow-up: rank with the previous question too
                unrelated = False
                query = f"{last_user}\n{query}"
                q_words = q_words | question_words(last_user)
        scored = self._rank(query, passages, q_words=q_words, by_order=open_question and not q_words and not present,
                            prefer_candidate=not about_job, named=named)
        best = max((cos for cos, _ in scored), default=0.0)
        if checked and unrelated and best < self.min_similarity and not open_question:
            plan.mode, plan.answer = "not_found", NOT_FOUND[lang]
            return plan

        budget = max(1, int(self.max_context_chars * self.passage_share))
        labels = LABELS[lang]
        chosen: list[tuple[Hit, str]] = []  # (hit, rendered "[Label] text")
        used = 0
        hire_hits = [Hit(id=f"history:{h.id}", text=_clip(h.text, 700),
                         metadata={"type": "history", "source_id": h.id}, score=float(h.score)) for h in hires]
        doc_hits = [Hit(id=p.id, text=p.text, metadata={"type": p.kind}, score=round(float(cos), 4))
                    for cos, p in scored]
        # asked about past hires: they come first; only flagged (include_history_hires): after the documents
        candidates = hire_hits + doc_hits if wants_hires(message) else doc_hits + hire_hits
        for hit in candidates:
            rendered = f"[{labels[hit.metadata['type']]}] {hit.text}"
            if used + len(rendered) > budget:
                if chosen:
                    continue
                rendered = _clip(rendered, budget)
            chosen.append((hit, rendered))
            used += len(rendered)
        # Prompt passages in document order (easier to read); hits in rank order (the extractive prior).
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
        messages = [{"role": "system", "content": system}]
        for user, answer in kept:
            messages += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
        messages.append({"role": "user",
                         "content": user_template.replace("{context}", context).replace("{question}", message)})
        hits = [hit for hit, _ in chosen]
        # ``question`` is what the extractive baseline matches lines against: the expanded ranking query
        plan.inp = GenerationInput(question=query, hits=hits, messages=messages)
        plan.sources = [{"document": h.metadata["type"], "passage": h.text, "id": h.id, "score": h.score} for h in hits]
        return plan

    def _fit_plan(self, plan: _Plan, docs: dict[str, str]) -> _Plan:
        lang, t = plan.lang, _TEXT[plan.lang]
        cv = self._profile(docs["cv"], is_job=False)
        if "job_description" not in docs:
            plan.mode = "fit_needs_job"
            plan.answer = "\n".join([t["need_job"], *fact_lines(cv, lang=lang)])
            return plan
        job = self._profile(docs["job_description"], is_job=True)
        result = self._match(cv, job)
        lines = [f"{t['fit']}: {result.score}/100 — {verdict(result.score, lang)}"]
        strengths = _unique(result.strengths, job, limit=5)
        if strengths:
            lines.append(f"{t['strengths']}:")
            for label, s in strengths:
                ev = cv.skills[str(s["skill"])]
                lines.append(f"- {label}: {t['job_asks']} \"{_clip(str(s['requirement']), 100)}\"; {t['in_cv']}: "
                             f"\"{_evidence_line(cv.text, ev.start, ev.quote)}\"")
        skill_gaps = _unique([g for g in result.gaps if g["skill"]], job, limit=5)
        other_gaps = [g for g in result.gaps if not g["skill"]][:3]
        if skill_gaps or other_gaps:
            lines.append(f"{t['gaps']}:")
            for label, g in skill_gaps:
                lines.append(f"- {label}: {t['job_asks']} \"{_clip(str(g['requirement']), 100)}\"; {t['no_evidence']}")
            for g in other_gaps:
                lines.append(f"- {_SIGNAL_NAMES[lang].get(str(g['requirement']), g['requirement'])}: {g['evidence']}")
        if advised_against(result.score):
            lines.append(t["rec_no"])
        elif result.score < 55:
            lines.append(t["rec_maybe"])
        else:
            lines.append(t["rec_yes_gaps"] if result.gaps else t["rec_yes"])
        lines.append(t["computed"])
        plan.mode, plan.answer = "fit", "\n".join(lines)
        return plan

    def _unmentioned_skills(self, message: str, docs: dict[str, str], *, about_job: bool) -> list[str]:
        """Hard skills/tools the question names that no relevant document mentions (all of them, else []): the
        candidate's documents, or all of them when the question is about the job."""
        asked = {name: ev for name, ev in sk.extract_skills(message).items() if ev.category in ("hard", "tool")}
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
                out |= set(self._profile(docs[k], is_job=k == "job_description").skills)
        return out

    def _hires(self, cv_text: str) -> list[Hit]:
        cv = self._profile(cv_text, is_job=False)
        query = " ".join([cv_title(cv_text), *top_skills(cv, limit=8)]).strip() or cv_text[:500]
        assert self.retrieve is not None
        try:
            return list(self.retrieve(query, k=3, filters=HIRES_FILTER))
        except Exception as exc:  # the index is optional for the chat: answer from the documents alone
            log.warning("similar hires unavailable: %s", exc)
            return []

    def _rank(self, query: str, passages: Sequence[_Passage], *, q_words: set[str], by_order: bool,
              prefer_candidate: bool, named: set[str]) -> list[tuple[float, _Passage]]:
        """(cosine, passage), best first: cosine (char n-gram similarity without an embedder) plus bonuses for
        the share of the question's content words the passage has and for naming a skill the question names
        ("nuvem" → the passage with "AWS"), minus a little for the job description's passages when the question
        is about the candidate; ``by_order`` interleaves the documents' passages in reading order instead (open
        questions such as "summarise")."""
        if not passages:
            return []
        if self.embedder is not None:
            vectors = self._vectors([p.text for p in passages])
            qv = self.embedder.embed([query])[0]
            sims = [float(x) for x in vectors @ qv]
        else:
            sims = [lexical_similarity(query, p.text) for p in passages]
        if by_order:
            rows = [(p.n, DOC_KINDS.index(p.kind), sim, p) for sim, p in zip(sims, passages, strict=True)]
            return [(sim, p) for _, _, sim, p in sorted(rows, key=lambda r: (r[0], r[1]))]
        rows2 = []
        for i, (sim, p) in enumerate(zip(sims, passages, strict=True)):
            overlap = len(stems(q_words) & stems(content_words(p.text))) / len(q_words) if q_words else 0.0
            skill = 0.15 if named and named & set(self._profile(p.text, is_job=False).skills) else 0.0
            penalty = 0.1 if prefer_candidate and p.kind == "job_description" else 0.0
            rows2.append((-(sim + 0.15 * overlap + skill - penalty), i, sim, p))
        return [(sim, p) for _, _, sim, p in sorted(rows2, key=lambda r: (r[0], r[1]))]

    # ------------------------------------------------------------------ summary and facts
    def _summary(self, texts: dict[str, str]) -> str:
        cv = self._profile(texts["cv"], is_job=False)
        lang = cv.language if cv.language in ("pt", "en", "es") else "pt"
        lines = [_TEXT[lang]["summary"], *fact_lines(cv, lang=lang)]
        if "job_description" in texts:
            result = self._match(cv, self._profile(texts["job_description"], is_job=True))
            lines.append(f"- {_TEXT[lang]['fit']}: {result.score}/100 — {verdict(result.score, lang)}")
        return "\n".join(lines)

    def _match(self, cv: Profile, job: Profile) -> MatchResult:
        cv_vectors = job_vector = None
        if self.embedder is not None:
            cv_vectors = self._vectors(paragraphs(cv.text))
            job_vector = self._vectors([job_focus_text(job)[:2000]])[0]
        return match(cv, job, embedder=self.embedder, cv_vectors=cv_vectors, job_vector=job_vector)

    def _profile(self, text: str, *, is_job: bool) -> Profile:
        key = f"{is_job}:{hashlib.sha1(text.encode()).hexdigest()}"
        with self._lock:
            hit = self._profiles.get(key)
        if hit is None:
            hit = profile(text, is_job=is_job)
            with self._lock:
                if len(self._profiles) > 4096:
                    self._profiles.clear()
                self._profiles[key] = hit
        return hit

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of document passages, cached by content (a session's documents are re-ranked every turn)."""
        assert self.embedder is not None
        if not texts:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        keys = [f"{self.embedder.name}:{hashlib.sha1(t.encode()).hexdigest()}" for t in texts]
        with self._lock:
            found = {k: self._vectors_cache[k] for k in keys if k in self._vectors_cache}
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = self.embedder.embed([text_of[k] for k in missing])
            found.update(zip(missing, fresh, strict=True))
            with self._lock:
                if len(self._vectors_cache) > 20_000:
                    self._vectors_cache.clear()
                self._vectors_cache.update(zip(missing, fresh, strict=True))
        return np.vstack([found[k] for k in keys])

    # ------------------------------------------------------------------ helpers
    def _kind(self, kind: object) -> str:
        value = kind.strip().lower() if isinstance(kind, str) else ""
        if value not in DOC_KINDS:
            raise ChatError(f"tipo de documento desconhecido: {kind!r}; use um de {', '.join(DOC_KINDS)}")
        return value

    @staticmethod
    def _filename(filename: object, kind: str) -> str:
        name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip() if isinstance(filename, str) else ""
        return name[:255] or kind

    def _parse(self, *, kind: str, filename: object, data: object) -> str:
        name = self._filename(filename, kind)
        if isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        if not isinstance(data, bytes):
            raise ChatError(f"{name}: o conteúdo do arquivo deve ser bytes")
        try:
            return parse_file(data, filename=name, max_bytes=self.max_upload_bytes, max_chars=MAX_DOC_CHARS).text
        except FileError as exc:
            raise ChatError(f"{name}: {exc}", code=exc.code) from exc

    @staticmethod
    def _message(message: object) -> str:
        if not isinstance(message, str) or not message.strip():
            raise ChatError("a mensagem está vazia")
        message = message.strip()
        if len(message) > MAX_MESSAGE_CHARS:
            raise ChatError(f"a mensagem tem {len(message)} caracteres; o limite é {MAX_MESSAGE_CHARS}")
        return message

    @staticmethod
    def _get(db: Session, session_id: object) -> ChatSession:
        obj = db.get(ChatSession, session_id, options=[selectinload(ChatSession.documents),
                                                        selectinload(ChatSession.messages)]) \
            if isinstance(session_id, str) and session_id else None
        if obj is None:
            raise SessionNotFound(f"sessão {session_id!r} não encontrada")
        return obj

    @staticmethod
    def _info(obj: ChatSession) -> dict[str, Any]:
        docs = sorted(obj.documents, key=lambda d: DOC_KINDS.index(d.kind) if d.kind in DOC_KINDS else 99)
        return {"session_id": obj.id, "title": obj.title, "summary": obj.summary,
                "documents": [{"kind": d.kind, "filename": d.filename, "chars": len(d.text)} for d in docs]}

    def _append(self, session_id: str, messages: Sequence[tuple[str, str]]) -> None:
        with self.sessionmaker.begin() as db:
            obj = db.get(ChatSession, session_id)
            if obj is None:
                raise SessionNotFound(f"sessão {session_id!r} não encontrada")
            seq = db.scalar(select(func.max(ChatMessage.seq)).where(ChatMessage.session_id == session_id)) or 0
            for role, content in messages:
                seq += 1
                db.add(ChatMessage(session_id=session_id, seq=seq, role=role, content=content))
            obj.updated_at = datetime.now(UTC)


def _unique(items: Sequence[dict[str, Any]], job: Profile, *, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """Strengths/gaps labelled by the job's own wording of the skill, one per wording ("AWS" names aws and cloud)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for item in items:
        label = " ".join(job.skills[str(item["skill"])].quote.split())
        out.setdefault(sk.fold(label), (label, item))
    return list(out.values())[:limit]


def _pair_turns(messages: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
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
