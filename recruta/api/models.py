"""Request and response models of the HTTP API: what ``/docs.json`` shows for every endpoint.

Response models describe what the domain code returns today (``recruta.screening``, ``recruta.chat``,
``recruta.jd``, ``recruta.rag``); ``respond`` validates a domain result against its model, so a change of shape
there is a 500 naming the drift in the server log (and a failing test), never a silently different API.
Fields keep the domain's names; unknown extra keys are dropped (``/info``'s model metadata excepted).

Naming convention (README, "The HTTP API"): English snake_case for every field and value, with two exceptions
kept for their users — ``/responder``'s original Portuguese contract (``pergunta``, ``filtros`` → ``resposta``,
``fontes``, ``idioma``, ``tempos_ms``, ``modelo``) and the data's own noun ``vaga`` (``vaga_id``,
``source_vaga_ids``: the Decision job openings, named as in the index and its filters). Old spellings stay
accepted where clients send them: ``remote`` in Portuguese (``remoto``, ``hibrido``, ``presencial``), a vaga id
sent as a number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from recruta.jd.service import JDError, JDRequest, parse_request
from recruta.rag.generators import MAX_TEMPERATURE, MAX_TOKENS, Sampling

__all__ = [
    "ChatAnswer",
    "ChatDeleted",
    "ChatHistory",
    "ChatList",
    "ChatSession",
    "ChatUpload",
    "Fonte",
    "JDFeedback",
    "JDInput",
    "JobDescription",
    "MatchResult",
    "MaxTokens",
    "ModelInfo",
    "RankResult",
    "Resposta",
    "Temperature",
    "VagaId",
    "respond",
]

M = TypeVar("M", bound=BaseModel)


def respond(model: type[M], data: Any) -> M:
    """``data`` (a domain result) as ``model``; a mismatch is our bug (500), never the client's (400)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuntimeError(f"{model.__name__}: the domain result no longer fits the response model") from exc


def _id_text(value: Any) -> Any:
    """A whole number sent for an id is that id's text (ids are stored as strings: 1003 means "1003")."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


VagaId = Annotated[
    str,
    BeforeValidator(_id_text),
    Field(max_length=64, description='A vaga of the index, e.g. "1003" (a number is accepted as its text).'),
]


# --------------------------------------------------------------------------- /responder, /info
class Fonte(BaseModel):
    """One indexed passage the answer drew on."""

    id: str = Field(description="Chunk id: `vaga:<id>:<n>`, `candidato:<código>:<n>` or `prospect:<vaga>:<código>`.")
    type: str = Field(description="vaga, candidato or prospect.")
    score: float = Field(description="Cosine similarity to the question (1 = identical).")
    snippet: str
    metadata: dict[str, str | int | float | bool] = Field(default_factory=dict)


class Resposta(BaseModel):
    resposta: str
    fontes: list[Fonte]
    idioma: str = Field(description="Language of the question and the answer: pt, en, es or ru.")
    tempos_ms: dict[str, float] = Field(description="embed, search, prompt, generate.")
    modelo: str = Field(description="Registered model and version, e.g. `recruta-rag v3`.")
    request_id: str


class ModelInfo(BaseModel):
    """The champion being served, as registered (register.py); further metadata keys pass through."""

    model_config = ConfigDict(extra="allow")

    bento_tag: str
    registered_model: str
    registry_version: str
    alias: str
    run_id: str
    run_name: str | None = None
    tracking_uri: str | None = None
    params: dict[str, str]
    metrics: dict[str, float]
    generator: str = Field(description='The generator answering now, e.g. "openai:llama-3.1-8b-instant".')
    generator_source: Literal["model", "RECRUTA_GENERATOR"] = Field(
        default="model", description="Where it comes from: the champion's config, or RECRUTA_GENERATOR at serve time."
    )
    generator_backend: str | None = Field(
        default=None,
        description='What decodes a local LLM (RECRUTA_LLM_BACKEND): "openvino", "llama.cpp" or "torch-int4", with the '
        "reason when a backend that is not installed fell back to torch; null for other generators.",
    )
    embedder: str
    embedder_backend: str = Field(default="", description='How the embedder runs, e.g. "openvino-int8".')
    embedder_backend_choice: str = Field(
        default="",
        description="How that backend was picked: the setting, or auto's calibration on this CPU (and its speed-up).",
    )


# --------------------------------------------------------------------------- /match, /match_file, /rank
class Signal(BaseModel):
    value: float = Field(ge=0, le=1)
    weight: float
    detail: str


class Strength(BaseModel):
    requirement: str = Field(description="The job's line naming the skill.")
    skill: str
    evidence: str = Field(
        description='Where the CV shows it (quoted); for an implied skill, said so: "Django (implies python)".'
    )
    implied_by: str | None = Field(default=None, description="The skill the CV names that implies this one (django).")


class Gap(BaseModel):
    requirement: str = Field(description="The job's line, or a signal name (languages, education, …).")
    skill: str | None
    evidence: str | None = Field(description="null for a missing skill; the signal's detail otherwise.")
    preferred: bool = Field(default=False, description="The job names the skill as a nice-to-have (desejável, a plus).")
    either: list[str] = Field(
        default_factory=list, description='Skills the same line accepts instead ("Java ou Spring"): any one meets it.'
    )


class Sections(BaseModel):
    experience: bool
    education: bool
    hard_skills: bool
    soft_skills: bool
    languages: bool


class JobInfo(BaseModel):
    vaga_id: str | None = Field(description="The vaga scored against; null for a pasted job text.")
    title: str


class CVInfo(BaseModel):
    kind: str = Field(description="pdf, docx, txt (uploads) or text (pasted).")
    pages: int | None
    warnings: list[str] = Field(description="What the parser ignored or cut (hidden text, AI instructions, …).")


class SideFacts(BaseModel):
    """What the score read from one side (None: not stated)."""

    years: float | None = Field(description="Years of experience (counted to today for 'atual'/'present').")
    seniority: int | None = Field(description="Seniority on recruta.facts.LEVELS' scale.")
    education: int | None = Field(description="Education on recruta.facts.LEVELS' scale.")
    languages: dict[str, int] = Field(description="Language → level on recruta.facts.LEVELS' scale.")
    places: list[str] = Field(description="Cities and states, plus 'remote' / 'relocate'.")


class MatchFacts(BaseModel):
    cv: SideFacts
    job: SideFacts


# Per request, for the texts an LLM writes (/match's advice, a JD's summary and responsibilities).
Temperature = Annotated[
    float, Field(ge=0, le=MAX_TEMPERATURE, description="The LLM's sampling temperature; 0 (default) is greedy.")
]
MaxTokens = Annotated[int, Field(ge=1, le=MAX_TOKENS, description="New tokens per LLM call.")]


class MatchResult(BaseModel):
    score: int = Field(ge=0, le=100)
    signals: dict[str, Signal] = Field(
        description="skills, semantic, lexical, experience, languages, education, "
        "location, salary — those that could be judged."
    )
    strengths: list[Strength]
    gaps: list[Gap]
    sections: Sections
    advice: list[str]
    advice_source: Literal["template", "llm"] = Field(
        default="template",
        description="llm: the advice starts with rewordings of the CV's own lines, each checked against the CV.",
    )
    verdict: str
    job: JobInfo
    cv: CVInfo
    facts: MatchFacts = Field(description="The facts the score was computed from, as numbers a program can check.")


class RankedCandidate(BaseModel):
    """An indexed candidate (no ``cvs`` sent)."""

    candidate_id: str
    name: str
    score: int = Field(ge=0, le=100)
    signals: dict[str, float]
    applied: bool = Field(description="Applied to this vaga.")
    status: str | None = Field(description="Their application's status in this vaga, if they applied.")
    hired: bool = Field(description="Actually hired for this vaga.")


class RankedCV(BaseModel):
    """One of the ``cvs`` sent, by its position in the list."""

    index: int
    score: int = Field(ge=0, le=100)
    signals: dict[str, float]
    verdict: str


class RankResult(BaseModel):
    job: JobInfo
    candidates: list[RankedCandidate | RankedCV]
    hired: list[str] = Field(
        default_factory=list, description="Candidate ids actually hired for the vaga (empty when ranking sent CVs)."
    )
    n_scored: int


class SuggestedVaga(BaseModel):
    vaga_id: str
    title: str
    client: str
    city: str
    location: str
    level: str
    score: int = Field(ge=0, le=100, description="/match's score for this CV and vaga.")
    band: Literal["strong", "good", "partial", "weak"]
    verdict: str
    strengths: list[Strength]
    gaps: list[Gap]
    signals: dict[str, float]
    candidate_score: float = Field(description="The cheap first stage's score that put the vaga among the scored.")


class SuggestResult(BaseModel):
    vagas: list[SuggestedVaga] = Field(description="Best first.")
    n_vagas: int = Field(description="Vagas in the index.")
    n_scored: int = Field(description="Vagas given the full /match score (the rest were cut by the first stage).")
    timings_ms: dict[str, float]
    cv: CVInfo


# --------------------------------------------------------------------------- /chat/*
class ChatUpload(BaseModel):
    """multipart/form-data: the candidate's documents (PDF, DOCX or TXT). Only the CV is required."""

    # Optional documents are lists of at most one file: BentoML 1.4 cannot build Optional[file] on Python 3.11
    # (its annotated file type is unhashable inside a Union). Clients just send the form field, or not.
    cv: Path = Field(description="CV do candidato — obrigatório.")
    recommendation: list[Path] = Field(default_factory=list, max_length=1, description="Carta de recomendação.")
    interests: list[Path] = Field(default_factory=list, max_length=1, description="Interesses pessoais.")
    job_description: list[Path] = Field(default_factory=list, max_length=1, description="Descrição da vaga.")
    title: str | None = None


class ChatDocument(BaseModel):
    kind: Literal["cv", "recommendation", "interests", "job_description"]
    filename: str
    chars: int


class ChatSession(BaseModel):
    session_id: str
    title: str
    summary: str = Field(description="Built from the CV's extracted facts (never generated).")
    documents: list[ChatDocument]


class ChatSource(BaseModel):
    document: str = Field(description="cv, recommendation, interests, job_description, or history (a past hire).")
    passage: str
    id: str
    score: float


class ChatAnswer(BaseModel):
    answer: str
    sources: list[ChatSource]
    session_id: str
    turn: int
    mode: Literal["extracted", "computed", "generated"] = Field(
        description="How the answer was made: extracted (facts or passages copied from the documents), computed "
        "(the match score, questions from the gaps), generated (an LLM wrote it)."
    )
    intent: str = Field(
        description="What the message asks: fit, technologies, skill_check, interview, summary, "
        "education, experience, … (recruta/chat/intents.py)."
    )
    found: bool = Field(description="False when the answer says the documents do not hold it.")
    language: str


class ChatMessage(BaseModel):
    role: Literal["user", "assistant", "event"] = Field(description="event: a note such as a document added.")
    content: str
    created_at: str | None


class ChatDocumentUpload(BaseModel):
    """multipart/form-data: one document to add to an open session (replacing the one of the same kind)."""

    session_id: str
    kind: Literal["cv", "recommendation", "interests", "job_description"]
    file: Path = Field(description="PDF, DOCX or TXT.")


class ChatHistory(ChatSession):
    created_at: str | None
    updated_at: str | None
    messages: list[ChatMessage]


class ChatListItem(BaseModel):
    session_id: str
    title: str
    created_at: str | None
    updated_at: str | None
    n_messages: int
    documents: list[str]


class ChatList(BaseModel):
    sessions: list[ChatListItem] = Field(description="Most recently active first.")


class ChatDeleted(BaseModel):
    deleted: str = Field(description="The session id that was deleted.")


# --------------------------------------------------------------------------- /generate_jd, /jd/*
_REMOTE = {"remoto": "remote", "hibrido": "hybrid", "presencial": "onsite"}


class JDInput(JDRequest):
    """The job's structured fields (the JD domain's request), with the API's English values for ``remote``.

    ``remote``: remote, hybrid or onsite; the Portuguese values (remoto, hibrido/híbrido, presencial) and other
    spellings the domain knows are accepted as well.
    """

    remote: Literal["remote", "hybrid", "onsite"] | None = None  # type: ignore[assignment]
    temperature: Temperature = 0.0
    max_tokens: MaxTokens = 256

    @field_validator("remote", mode="before")
    @classmethod
    def _remote(cls, v: Any) -> str | None:  # overrides JDRequest._remote: English values
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if not isinstance(v, str):
            raise PydanticCustomError("type.string", "must be text")
        try:
            domain = parse_request({"title": "-", "remote": v}).remote
        except JDError:
            raise PydanticCustomError(
                "choice", "must be one of {choices}", {"choices": "remote, hybrid, onsite"}
            ) from None
        return _REMOTE.get(domain or "", domain)

    @model_validator(mode="after")
    def _salary_order(self) -> JDInput:  # overrides JDRequest._salary_order: a catalogue key, not English
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise PydanticCustomError(
                "jd.salary_order",
                "salary_min must not exceed salary_max",
                {"low": self.salary_min, "high": self.salary_max},
            )
        return self

    def to_domain(self) -> JDRequest:
        return parse_request(self.model_dump(exclude={"temperature", "max_tokens"}))

    def sampling(self) -> Sampling:
        return Sampling(temperature=self.temperature, max_tokens=self.max_tokens)


class JDSections(BaseModel):
    summary: str
    responsibilities: list[str]
    requirements: list[str]
    nice_to_have: list[str]
    benefits: list[str] | None = Field(description="Only when benefits were given (or edited in).")
    salary: str | None = Field(description="Only when a salary was given (or edited in).")


class JobDescription(BaseModel):
    id: str
    sections: JDSections
    markdown: str
    source_vaga_ids: list[str] = Field(description="The historical vagas retrieved to ground the text.")
    used_vaga_ids: list[str] = Field(description="Those whose lines made it into the text.")
    line_sources: dict[str, list[str | None]] = Field(
        description="Per list section, the vaga id each item was borrowed from (null: built from your fields)."
    )
    similar_history: bool = Field(description="False when no retrieved vaga was similar enough to lend a line.")
    history_note: str | None = Field(description="Says, in the JD's language, that no similar history was found.")
    vaga_similarity: dict[str, float] = Field(description="Per retrieved vaga, its similarity to the request.")
    min_similarity: float | None = Field(
        description="The similarity a vaga needs to lend lines (null on JDs stored before the gate)."
    )
    language: Literal["pt", "en", "es"]
    generator: str
    summary_source: str = Field(description="template, llm (rephrased and checked) or edited.")
    responsibilities_source: str = Field(
        default="template", description="template (composed), llm (written and checked) or edited."
    )
    edits: dict[str, str | list[str] | None] = Field(description="Sections kept as the recruiter edited them.")
    parent_id: str | None = Field(description="The JD this one regenerated, if any.")
    request: JDInput = Field(description="The fields it was generated from.")
    timings_ms: dict[str, float]
    created_at: str | None


class JDFeedback(BaseModel):
    id: int
    jd_id: str
    rating: int = Field(ge=1, le=5)
    comment: str
    generator: str
