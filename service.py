"""Step 5 of the pipeline: the BentoML service (HTTP glue only; the logic lives in the ``recruta`` packages).

    bentoml serve service:Recruta            # http://127.0.0.1:3000 — OpenAPI page at /, schema at /docs.json

POST /responder {"pergunta": "..."} → {"resposta", "fontes": [...], ...}
POST /info → the served champion: registry version, alias, run id, params, ROUGE/BLEU/hit@k, and the generator
answering (RECRUTA_GENERATOR at serve time overrides the champion's: ``serve_time_generator``).
POST /match, /match_file, /rank → CV ↔ job scores; /chat/* → a conversation about a candidate's documents;
POST /generate_jd, /jd/* → grounded job descriptions.

Every endpoint has a response model (``recruta/api/models.py``), so ``/docs.json`` describes what it returns, and
every error, wherever it comes from, has one shape worded in the request's language (``recruta/api/errors.py``,
hooked into BentoML once by :func:`recruta.core.http.answer_errors_with`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from recruta.core.settings import get_settings, quiet_telemetry

settings = get_settings()
quiet_telemetry()
os.environ.setdefault("BENTOML_HOME", str(settings.bentoml_home))

import bentoml  # noqa: E402
from starlette.responses import StreamingResponse  # noqa: E402

from recruta.api.errors import ApiError, ErrorBody, domain_errors, endpoint_error, negotiate  # noqa: E402
from recruta.api.models import (  # noqa: E402
    ChatAnswer,
    ChatDeleted,
    ChatDocumentUpload,
    ChatHistory,
    ChatList,
    ChatSession,
    ChatUpload,
    Fonte,
    JDFeedback,
    JDInput,
    JobDescription,
    MatchResult,
    MaxTokens,
    ModelInfo,
    RankResult,
    Resposta,
    SuggestResult,
    Temperature,
    VagaId,
    respond,
)
from recruta.chat.service import MAX_MESSAGE_CHARS, ChatService  # noqa: E402
from recruta.core.db import database_url, make_sessionmaker  # noqa: E402
from recruta.core.http import (  # noqa: E402
    REQUEST_ID,
    RecrutaMiddleware,
    answer_errors_with,
    document_errors,
    harden_form_parsing,
    install_log_filters,
    upload_name,
)
from recruta.ingest.backend_choice import backend_note  # noqa: E402
from recruta.jd.service import JDService  # noqa: E402
from recruta.jd.wording import LIST_SECTIONS, SECTIONS  # noqa: E402
from recruta.rag.generators import Sampling, generator_backend, writes_prose  # noqa: E402
from recruta.rag.prompting import guard_answer  # noqa: E402
from recruta.screening.screener import MAX_SUGGESTIONS, Screener  # noqa: E402
from recruta.web import web_app  # noqa: E402

log = logging.getLogger("recruta.service")
harden_form_parsing()  # malformed multipart → 400, file fields take uploads only
answer_errors_with(endpoint_error)  # every error of every endpoint: one shape, in the request's language
_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
document_errors(_schema, defs=_schema.pop("$defs", {}))

MAX_TEXT_CHARS = Screener.max_cv_chars  # pasted CV / job texts: longer is a 400, not a silent cut
# A whole request: the four chat documents at the upload limit, plus the form around them.
MAX_BODY_BYTES = 4 * settings.max_upload_bytes + 1_000_000
JobText = Annotated[str, Field(max_length=MAX_TEXT_CHARS, description="The job's text (instead of a vaga_id).")]
OutputLanguage = Annotated[
    Literal["pt", "en", "es", "ru"],
    Field(
        description="Language of the verdict, advice and signal details; else Accept-Language, "
        "else the CV's own language (the job's on /rank)."
    ),
]


def output_language(language: str | None, ctx: bentoml.Context) -> str | None:
    """The wording language a request asks for: its ``language`` field, else its Accept-Language header (None:
    neither, and the texts' own language decides)."""
    return language or negotiate(ctx.request.headers.get("accept-language"))


def clean_text(value: str, *, field: str, limit: int, key: str | None = None) -> str:
    """Stripped text; blank or over ``limit`` characters is a 400 (``key``: a field-specific wording)."""
    text = value.strip()
    if not text:
        raise ApiError(f"{key}.blank" if key else "text.blank", field=field)
    if len(text) > limit:
        raise ApiError(f"{key}.too_long" if key else "text.too_long", field=field, size=len(text), limit=limit)
    return text


def one_job(vaga_id: str | None, job_text: str | None) -> None:
    """A job is named by a vaga of the index or by its text: exactly one of them."""
    has_id, has_text = bool(vaga_id and vaga_id.strip()), bool(job_text and job_text.strip())
    if has_id and has_text:
        raise ApiError("job.both", field="vaga_id")
    if not has_id and not has_text:
        raise ApiError("job.missing", field="vaga_id")


def check_upload(path: Path, *, field: str) -> tuple[str, bytes]:
    """(client file name, bytes) of an upload within the size limit (413 otherwise)."""
    name, size = upload_name(path), path.stat().st_size
    if size > settings.max_upload_bytes:
        raise ApiError("file.too_large", status=413, field=field, name=name, limit=settings.max_upload_bytes)
    return name, path.read_bytes()


def check_section(section: str, content: str | list[str]) -> None:
    """The limits ``JDService.regenerate`` applies to an edited section, checked here to word them."""
    if isinstance(content, list):
        if len([x for x in content if x.strip()]) > 60:
            raise ApiError("list.too_long", field="content", limit=60)
        for n, item in enumerate(content):
            if len(item.strip()) > 1000:
                raise ApiError("text.too_long", field=f"content[{n}]", limit=1000)
    elif section not in LIST_SECTIONS:
        text = content.strip()
        if len(text) > 5000:
            raise ApiError("text.too_long", field="content", limit=5000)
        if section == "summary" and not text:
            raise ApiError("text.blank", field="content")


def serve_time_generator(agent: Any) -> Literal["model", "RECRUTA_GENERATOR"]:
    """RECRUTA_GENERATOR set when serving (e.g. ``openai:llama-3.1-8b-instant`` with RECRUTA_OPENAI_BASE_URL)
    replaces the generator the champion was logged with, without re-running experiments: retrieval answers,
    rewordings of planned answers and plan proposals then come from it. Returns where the generator came from."""
    if "generator" not in settings.model_fields_set or settings.generator == agent.generator.name:
        return "model"
    from recruta.rag.generators import generator_for

    generator = generator_for(settings.generator, settings)
    agent.generator = generator
    agent.config.generator = settings.generator
    if agent.answerer is not None:  # only an OpenAI-compatible endpoint proposes plans (recruta/answer/llm.py)
        agent.answerer.llm = generator if settings.generator.startswith("openai:") else None
    log.info("generator %s (RECRUTA_GENERATOR) instead of the champion's", settings.generator)
    return "RECRUTA_GENERATOR"


@bentoml.service(
    name="recruta",
    traffic={"timeout": 300},
    workers=settings.workers,
    http={
        "cors": {
            "enabled": bool(settings.cors_origins),
            "access_control_allow_origins": list(settings.cors_origins),
            "access_control_allow_methods": ["GET", "POST"],
            "access_control_allow_headers": ["*"],
        }
    },
)
@bentoml.asgi_app(web_app, path="/ui")  # the recruiters' page (recruta/web): static files + read-only lookups
class Recruta:
    champion = bentoml.models.BentoModel(f"{settings.model_name}:latest")

    def __init__(self) -> None:
        install_log_filters()  # request ids on every line; no request data in error lines
        logging.getLogger("recruta").setLevel(logging.INFO)  # our per-request lines (ids, timings, counts only)
        from recruta.core import compute

        compute.one_blas_thread()  # numpy's BLAS threads would spin on the cores torch's threads search with
        if settings.torch_threads:  # per worker: the embedder, the LLM and the screening share them
            import torch

            compute.run(torch.set_num_threads, settings.torch_threads)  # the thread that runs torch (compute.py)
        self.pyfunc = bentoml.mlflow.load_model(self.champion)
        self.agent = self.pyfunc.unwrap_python_model().agent
        source = serve_time_generator(self.agent)
        meta = dict(self.champion.info.metadata)
        self.model_info = {
            "bento_tag": str(self.champion.tag),
            **meta,
            "generator": self.agent.generator.name,
            "generator_source": source,
            "generator_backend": generator_backend(self.agent.generator),
            "embedder": self.agent.config.embedder,
            "embedder_backend": self.agent.config.embedder_backend,
            "embedder_backend_choice": backend_note(
                settings.model_copy(update={"embedder": self.agent.config.embedder}), self.agent.config.embedder_backend
            ),
        }
        self.model_label = f"{meta.get('registered_model', settings.model_name)} v{meta.get('registry_version', '?')}"
        writer = self.agent.generator if writes_prose(self.agent.generator, settings.llm_writes) else None
        self.screener = Screener(
            store=self.agent.store,
            embedder=self.agent.embedder,
            profile_cache=settings.home / "served" / f"profiles-{self.agent.store.name}.pkl",
            generator=writer,  # an LLM able to write (settings.llm_writes) words checked advice on /match
        )
        # Every indexed candidate's and vaga's profile (~7 s per 1,000 each, cold): built in the background,
        # /rank and /suggest_vagas wait for the same build if they come first.
        self.screener.warm_up()
        self.db = make_sessionmaker(database_url(settings.home, settings.database_url))
        self.chat = ChatService(
            sessionmaker=self.db,
            generator=self.agent.generator,
            embedder=self.agent.embedder,
            retrieve=self.agent.retrieve,
            max_upload_bytes=settings.max_upload_bytes,
        )
        self.jd = JDService(sessionmaker=self.db, retrieve=self.agent.retrieve, generator=writer)

    # ------------------------------------------------------------------ questions about the history
    @bentoml.api
    def responder(
        self,
        pergunta: str = Field(description="A pergunta sobre o histórico de vagas, candidatos e contratações."),
        filtros: dict[str, Any] | None = Field(
            default=None,
            description='Filtro de metadados (sintaxe Chroma), ex. {"type": "vaga"} ou '
            '{"type": "prospect", "outcome": "hired"}; chave desconhecida = 400.',
        ),
        top_k: int | None = Field(default=None, ge=1, le=50, description="Quantas fontes recuperar."),
    ) -> Resposta:
        """Answer a question about the hiring history, citing the indexed records it drew on."""
        request_id = REQUEST_ID.get()
        question = clean_text(pergunta, field="pergunta", limit=settings.max_question_chars, key="question")
        ans = self.agent.answer(question, k=top_k, filters=filtros)
        log.info(
            "request %s: answered in %s ms with %d sources", request_id, sum(ans.timings_ms.values()), len(ans.sources)
        )
        answer = guard_answer(ans.answer, template=self.agent.config.template, lang=ans.language)
        return Resposta(
            resposta=answer,
            fontes=[Fonte.model_validate(s) for s in ans.sources],
            idioma=ans.language,
            tempos_ms=ans.timings_ms,
            modelo=self.model_label,
            request_id=request_id,
        )

    @bentoml.api
    def info(self) -> ModelInfo:
        """The champion being served: registry name, version, alias, run, params and metrics."""
        return respond(ModelInfo, self.model_info)

    # ------------------------------------------------------------------ screening
    @bentoml.api
    def match(
        self,
        cv_text: str = Field(description="O texto do CV.", max_length=MAX_TEXT_CHARS),
        vaga_id: VagaId | None = None,
        job_text: JobText | None = None,
        language: OutputLanguage | None = None,
        temperature: Temperature = 0.0,
        max_tokens: MaxTokens = 256,
        *,
        ctx: bentoml.Context,  # BentoML passes the request's context (its Accept-Language)
    ) -> MatchResult:
        """Score 0–100 with per-signal breakdown, strengths, gaps, section check, advice and verdict.
        Name the job by `vaga_id` or by `job_text`, not both. With an LLM configured, `temperature` and
        `max_tokens` tune the advice it writes (the score never depends on them)."""
        one_job(vaga_id, job_text)
        lang = output_language(language, ctx)
        sampling = Sampling(temperature=temperature, max_tokens=max_tokens)
        with domain_errors(not_found=("vaga_id", vaga_id)):
            return respond(
                MatchResult,
                self.screener.match(
                    cv_text=cv_text, vaga_id=vaga_id, job_text=job_text, language=lang, sampling=sampling
                ),
            )

    @bentoml.api
    def match_file(
        self,
        cv_file: Path = Field(description="CV em PDF, DOCX ou TXT (até 5 MB)."),
        vaga_id: VagaId | None = None,
        job_text: JobText | None = None,
        language: OutputLanguage | None = None,
        temperature: Temperature = 0.0,
        max_tokens: MaxTokens = 256,
        *,
        ctx: bentoml.Context,  # BentoML passes the request's context (its Accept-Language)
    ) -> MatchResult:
        """Same as /match, for an uploaded CV file (multipart/form-data)."""
        one_job(vaga_id, job_text)
        name, data = check_upload(cv_file, field="cv_file")
        lang = output_language(language, ctx)
        sampling = Sampling(temperature=temperature, max_tokens=max_tokens)
        with domain_errors(uploads={"cv_file": name}, not_found=("vaga_id", vaga_id)):
            return respond(
                MatchResult,
                self.screener.match(
                    data=data, filename=name, vaga_id=vaga_id, job_text=job_text, language=lang, sampling=sampling
                ),
            )

    @bentoml.api
    def suggest_vagas(
        self,
        cv_text: str = Field(description="O texto do CV.", max_length=MAX_TEXT_CHARS),
        limit: int = Field(default=10, ge=1, le=MAX_SUGGESTIONS),
        language: OutputLanguage | None = None,
        *,
        ctx: bentoml.Context,
    ) -> SuggestResult:
        """The indexed vagas that fit a CV best, each with /match's score, strengths, gaps and verdict."""
        lang = output_language(language, ctx)
        with domain_errors():
            return respond(SuggestResult, self.screener.suggest(cv_text=cv_text, limit=limit, language=lang))

    @bentoml.api
    def suggest_vagas_file(
        self,
        cv_file: Path = Field(description="CV em PDF, DOCX ou TXT."),
        limit: int = Field(default=10, ge=1, le=MAX_SUGGESTIONS),
        language: OutputLanguage | None = None,
        *,
        ctx: bentoml.Context,
    ) -> SuggestResult:
        """Same as /suggest_vagas, for an uploaded CV file (multipart/form-data)."""
        name, data = check_upload(cv_file, field="cv_file")
        lang = output_language(language, ctx)
        with domain_errors(uploads={"cv_file": name}):
            return respond(SuggestResult, self.screener.suggest(data=data, filename=name, limit=limit, language=lang))

    @bentoml.api
    def rank(
        self,
        vaga_id: VagaId | None = None,
        job_text: JobText | None = None,
        cvs: list[Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] | None = Field(
            default=None, max_length=200, description="CVs em texto; vazio = candidatos do índice."
        ),
        scope: Literal["all", "applicants"] = Field(
            default="all", description="Without `cvs`: every indexed candidate, or the vaga's applicants."
        ),
        limit: int = Field(default=20, ge=1, le=1000),
        language: OutputLanguage | None = None,
        *,
        ctx: bentoml.Context,  # BentoML passes the request's context (its Accept-Language)
    ) -> RankResult:
        """Candidates ordered by score; for a vaga with history, the actual hires are marked."""
        one_job(vaga_id, job_text)
        if scope == "applicants" and not cvs and not vaga_id:
            raise ApiError("rank.scope_needs_vaga", field="scope")
        for n, cv in enumerate(cvs or []):
            if not cv.strip():
                raise ApiError("text.blank", field=f"cvs[{n}]")
        with domain_errors(rename={"cv_text": "cvs"}, not_found=("vaga_id", vaga_id)):
            return respond(
                RankResult,
                self.screener.rank(
                    vaga_id=vaga_id,
                    job_text=job_text,
                    cvs=cvs,
                    scope=scope,
                    limit=limit,
                    language=output_language(language, ctx),
                ),
            )

    # ------------------------------------------------------------------ chat about a candidate
    @bentoml.api(route="/chat/sessions", input_spec=ChatUpload)
    def chat_create(self, ctx: bentoml.Context, **fields: Any) -> ChatSession:
        """Open a session with the candidate's documents; returns the CV summary (in the Accept-Language's
        language, else the CV's) and the loaded documents."""
        docs, names = [], {}
        for kind in ("cv", "recommendation", "interests", "job_description"):
            value = fields.get(kind)
            for path in value if isinstance(value, list) else [value] if value is not None else []:
                name, data = check_upload(path, field=kind)
                docs.append((kind, name, data))
                names[kind] = name
        with domain_errors(uploads=names):
            return respond(
                ChatSession,
                self.chat.create_session(
                    documents=docs, title=fields.get("title"), language=output_language(None, ctx)
                ),
            )

    @bentoml.api(route="/chat/documents", input_spec=ChatDocumentUpload)
    def chat_add_document(self, session_id: str, kind: str, file: Path, *, ctx: bentoml.Context) -> ChatHistory:
        """Add a document to an open session, or replace the one of the same kind (a newer CV, the job); the
        change is noted in the history and the next answers use it."""
        name, data = check_upload(file, field="file")
        with domain_errors(uploads={kind: name}, not_found=("session_id", session_id)):
            return respond(
                ChatHistory,
                self.chat.add_document(
                    session_id, kind=kind, filename=name, data=data, language=output_language(None, ctx)
                ),
            )

    @bentoml.api(route="/chat/message")
    def chat_message(self, session_id: str, message: str, include_history_hires: bool = False) -> ChatAnswer:
        """Ask a question in a session; the whole answer with the passages it drew on."""
        text = clean_text(message, field="message", limit=MAX_MESSAGE_CHARS, key="message")
        with domain_errors(not_found=("session_id", session_id)):
            return respond(ChatAnswer, self.chat.send(session_id, text, include_history_hires=include_history_hires))

    @bentoml.api(route="/chat/stream")
    def chat_stream(self, session_id: str, message: str, include_history_hires: bool = False) -> str:
        """Same as /chat/message, streamed as plain text pieces (validated before the stream starts)."""
        text = clean_text(message, field="message", limit=MAX_MESSAGE_CHARS, key="message")
        with domain_errors(not_found=("session_id", session_id)):
            pieces = self.chat.stream(session_id, text, include_history_hires=include_history_hires)
        return StreamingResponse(pieces, media_type="text/plain; charset=utf-8")  # type: ignore[return-value]

    @bentoml.api(route="/chat/history")
    def chat_history(self, session_id: str) -> ChatHistory:
        """The session (title, summary, documents, dates) and its messages in order."""
        with domain_errors(not_found=("session_id", session_id)):
            return respond(ChatHistory, self.chat.history(session_id))

    @bentoml.api(route="/chat/list")
    def chat_list(self) -> ChatList:
        """Every session, most recently active first."""
        with domain_errors():
            return respond(ChatList, {"sessions": self.chat.list_sessions()})

    @bentoml.api(route="/chat/delete")
    def chat_delete(self, session_id: str) -> ChatDeleted:
        """Delete a session with its documents and messages."""
        with domain_errors(not_found=("session_id", session_id)):
            self.chat.delete(session_id)
        return ChatDeleted(deleted=session_id)

    # ------------------------------------------------------------------ job descriptions
    @bentoml.api(input_spec=JDInput)
    def generate_jd(self, **fields: Any) -> JobDescription:
        """A structured JD (JSON + Markdown) grounded in the most similar historical vagas; nothing invented."""
        inp = JDInput.model_validate(fields)
        with domain_errors():
            return respond(JobDescription, self.jd.generate(inp.to_domain(), sampling=inp.sampling()))

    @bentoml.api(route="/jd/regenerate")
    def jd_regenerate(
        self,
        jd_id: str,
        section: Literal[SECTIONS] = Field(description="The section you edited."),  # type: ignore[valid-type]
        content: str | list[str] = Field(description="Its new text (summary, salary) or items (the lists)."),
        temperature: Temperature = 0.0,
        max_tokens: MaxTokens = 256,
    ) -> JobDescription:
        """Keep the recruiter's edit of one section verbatim and regenerate the rest."""
        check_section(section, content)
        sampling = Sampling(temperature=temperature, max_tokens=max_tokens)
        with domain_errors(not_found=("jd_id", jd_id)):
            return respond(
                JobDescription, self.jd.regenerate(jd_id, section=section, content=content, sampling=sampling)
            )

    @bentoml.api(route="/jd/feedback")
    def jd_feedback(
        self, jd_id: str, rating: int = Field(ge=1, le=5), comment: str = Field(default="", max_length=4000)
    ) -> JDFeedback:
        """Store a 1–5 rating (and a comment) of a generated JD."""
        with domain_errors(not_found=("jd_id", jd_id)):
            return respond(JDFeedback, self.jd.feedback(jd_id, rating=rating, comment=comment))

    @bentoml.api(route="/jd/get")
    def jd_get(self, jd_id: str) -> JobDescription:
        """A generated JD by id."""
        with domain_errors(not_found=("jd_id", jd_id)):
            return respond(JobDescription, self.jd.get(jd_id))


Recruta.add_asgi_middleware(RecrutaMiddleware, api_key=settings.api_key, max_body_bytes=MAX_BODY_BYTES)
