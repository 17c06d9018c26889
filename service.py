"""Step 5 of the pipeline: the BentoML service (HTTP glue only; the logic lives in model.py).

    bentoml serve service:Recruta            # http://127.0.0.1:3000

POST /responder {"pergunta": "..."} → {"resposta", "fontes": [...], ...}
POST /info → the served champion: registry version, alias, run id, params, ROUGE/BLEU/hit@k.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from recruta.core.settings import get_settings, quiet_telemetry

settings = get_settings()
quiet_telemetry()
os.environ.setdefault("BENTOML_HOME", str(settings.bentoml_home))

import bentoml  # noqa: E402
from bentoml.exceptions import InvalidArgument, NotFound  # noqa: E402
from starlette.responses import JSONResponse, StreamingResponse  # noqa: E402

from recruta.chat.service import ChatService  # noqa: E402
from recruta.core.db import database_url, make_sessionmaker  # noqa: E402
from recruta.core.errors import NotFound as DomainNotFound  # noqa: E402
from recruta.core.errors import RecrutaError, Unavailable  # noqa: E402
from recruta.core.http import (  # noqa: E402
    REQUEST_ID,
    RecrutaMiddleware,
    harden_form_parsing,
    install_log_filters,
    upload_name,
)
from recruta.jd.service import JDRequest, JDService, parse_request  # noqa: E402
from recruta.rag.prompting import guard_answer  # noqa: E402
from recruta.screening.screener import Screener  # noqa: E402
from recruta.web import web_app  # noqa: E402

log = logging.getLogger("recruta.service")
harden_form_parsing()  # malformed multipart → 400, file fields take uploads only


class Fonte(BaseModel):
    id: str
    type: str
    score: float
    snippet: str
    metadata: dict[str, Any] = Field(default_factory=dict)


class Resposta(BaseModel):
    resposta: str
    fontes: list[Fonte]
    idioma: str
    tempos_ms: dict[str, float]
    modelo: str
    request_id: str


UNAVAILABLE = "O índice (Chroma) está indisponível; tente novamente em instantes."
MAX_TEXT_CHARS = Screener.max_cv_chars  # pasted CV / job texts: longer is a 400, not a silent cut
# A whole request: the four chat documents at the upload limit, plus the form around them.
MAX_BODY_BYTES = 4 * settings.max_upload_bytes + 1_000_000


def unavailable() -> JSONResponse:
    """503 with a readable message (BentoML would replace a raised 5xx's message with a generic one)."""
    return JSONResponse({"error": UNAVAILABLE}, status_code=503, headers={"Retry-After": "5"})


class ChatUpload(BaseModel):
    """multipart/form-data: the candidate's documents (PDF, DOCX or TXT). Only the CV is required."""

    # Optional documents are lists of at most one file: BentoML 1.4 cannot build Optional[file] on Python 3.11
    # (its annotated file type is unhashable inside a Union). Clients just send the form field, or not.
    cv: Path = Field(description="CV do candidato — obrigatório.")
    recommendation: list[Path] = Field(default_factory=list, max_length=1, description="Carta de recomendação.")
    interests: list[Path] = Field(default_factory=list, max_length=1, description="Interesses pessoais.")
    job_description: list[Path] = Field(default_factory=list, max_length=1, description="Descrição da vaga.")
    title: str | None = None


def clean_question(pergunta: str) -> str:
    text = pergunta.strip()
    if not text:
        raise InvalidArgument("'pergunta' está vazia: envie uma pergunta em texto.")
    if len(text) > settings.max_question_chars:
        raise InvalidArgument(f"'pergunta' tem {len(text)} caracteres; o limite é {settings.max_question_chars}.")
    return text


@bentoml.service(
    name="recruta", traffic={"timeout": 300}, workers=settings.workers,
    http={"cors": {"enabled": bool(settings.cors_origins), "access_control_allow_origins": list(settings.cors_origins),
                   "access_control_allow_methods": ["GET", "POST"], "access_control_allow_headers": ["*"]}},
)
@bentoml.asgi_app(web_app, path="/ui")  # the recruiters' page (recruta/web): static files + read-only lookups
class Recruta:
    champion = bentoml.models.BentoModel(f"{settings.model_name}:latest")

    def __init__(self) -> None:
        install_log_filters()  # request ids on every line; no request data in error lines
        logging.getLogger("recruta").setLevel(logging.INFO)  # our per-request lines (ids, timings, counts only)
        if settings.torch_threads:  # per worker: the embedder, the LLM and the screening share them
            import torch

            from recruta.core import compute

            compute.run(torch.set_num_threads, settings.torch_threads)  # the thread that runs torch (compute.py)
        self.pyfunc = bentoml.mlflow.load_model(self.champion)
        self.agent = self.pyfunc.unwrap_python_model().agent
        meta = dict(self.champion.info.metadata)
        self.model_info = {"bento_tag": str(self.champion.tag), **meta,
                           "generator": self.agent.config.generator, "embedder": self.agent.config.embedder}
        self.model_label = f"{meta.get('registered_model', settings.model_name)} v{meta.get('registry_version', '?')}"
        self.screener = Screener(store=self.agent.store, embedder=self.agent.embedder,
                                 profile_cache=settings.home / "served" / f"profiles-{self.agent.store.name}.pkl")
        # Profiles of every indexed candidate (~7 s per 1,000): built in the background, /rank waits if needed.
        threading.Thread(target=lambda: self.screener.pool, daemon=True, name="candidate-pool").start()
        self.db = make_sessionmaker(database_url(settings.home, settings.database_url))
        self.chat = ChatService(sessionmaker=self.db, generator=self.agent.generator, embedder=self.agent.embedder,
                                retrieve=self.agent.retrieve, max_upload_bytes=settings.max_upload_bytes)
        self.jd = JDService(sessionmaker=self.db, retrieve=self.agent.retrieve)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run domain code; its errors become HTTP errors in this one place (recruta/core/errors.py)."""
        try:
            return fn(*args, **kwargs)
        except Unavailable:
            log.warning("request %s: a backing service is unavailable", REQUEST_ID.get())
            return unavailable()
        except DomainNotFound as exc:
            raise NotFound(str(exc)) from exc
        except RecrutaError as exc:
            raise InvalidArgument(str(exc)) from exc

    @bentoml.api
    def responder(
        self,
        pergunta: str = Field(description="A pergunta sobre o histórico de vagas, candidatos e contratações."),
        filtros: dict[str, Any] | None = Field(default=None, description='Filtro de metadados Chroma, ex. {"type": "vaga"}.'),
        top_k: int | None = Field(default=None, ge=1, le=50),
    ) -> Resposta:  # or a 503 JSONResponse when the index is down
        request_id = REQUEST_ID.get()
        question = clean_question(pergunta)
        ans = self._call(self.agent.answer, question, k=top_k, filters=filtros)
        if isinstance(ans, JSONResponse):
            return ans
        log.info("request %s: answered in %s ms with %d sources", request_id,
                 sum(ans.timings_ms.values()), len(ans.sources))
        answer = guard_answer(ans.answer, template=self.agent.config.template, lang=ans.language)
        return Resposta(resposta=answer, fontes=[Fonte(**s) for s in ans.sources], idioma=ans.language,
                        tempos_ms=ans.timings_ms, modelo=self.model_label, request_id=request_id)

    @bentoml.api
    def match(
        self,
        cv_text: str = Field(description="O texto do CV.", max_length=MAX_TEXT_CHARS),
        vaga_id: str | None = Field(default=None, description="Uma vaga do índice (ex. '1003').", max_length=64),
        job_text: str | None = Field(default=None, description="Ou o texto de uma vaga.", max_length=MAX_TEXT_CHARS),
    ) -> dict[str, Any]:
        """Score 0–100 with per-signal breakdown, strengths, gaps, section check, advice and verdict."""
        return self._call(self.screener.match, cv_text=cv_text, vaga_id=vaga_id, job_text=job_text)

    @bentoml.api
    def match_file(
        self,
        cv_file: Path = Field(description="CV em PDF, DOCX ou TXT (até 5 MB)."),
        vaga_id: str | None = Field(default=None, max_length=64),
        job_text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS),
    ) -> dict[str, Any]:
        """Same as /match, for an uploaded CV file (multipart/form-data)."""
        size = cv_file.stat().st_size
        if size > settings.max_upload_bytes:
            raise InvalidArgument(f"cv_file: {size} bytes; the limit is {settings.max_upload_bytes:,}")
        return self._call(self.screener.match, data=cv_file.read_bytes(), filename=upload_name(cv_file),
                            vaga_id=vaga_id, job_text=job_text)

    @bentoml.api
    def rank(
        self,
        vaga_id: str | None = Field(default=None, max_length=64),
        job_text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS),
        cvs: list[Annotated[str, Field(max_length=MAX_TEXT_CHARS)]] | None = Field(
            default=None, max_length=200, description="CVs em texto; vazio = candidatos do índice."),
        scope: Literal["all", "applicants"] = "all",
        limit: int = Field(default=20, ge=1, le=1000),
    ) -> dict[str, Any]:
        """Candidates ordered by score; for a vaga with history, the actual hires are marked."""
        return self._call(self.screener.rank, vaga_id=vaga_id, job_text=job_text, cvs=cvs, scope=scope, limit=limit)

    # ------------------------------------------------------------------ chat about a candidate
    @bentoml.api(route="/chat/sessions", input_spec=ChatUpload)
    def chat_create(self, **fields: Any) -> dict[str, Any]:
        """Open a session with the candidate's documents; returns the CV summary and the loaded documents."""
        docs = []
        for kind in ("cv", "recommendation", "interests", "job_description"):
            value = fields.get(kind)
            for path in value if isinstance(value, list) else [value] if value is not None else []:
                size = path.stat().st_size
                if size > settings.max_upload_bytes:
                    raise InvalidArgument(f"{kind}: {size} bytes; the limit is {settings.max_upload_bytes}")
                docs.append((kind, upload_name(path), path.read_bytes()))
        return self._call(self.chat.create_session, documents=docs, title=fields.get("title"))

    @bentoml.api(route="/chat/message")
    def chat_message(self, session_id: str, message: str, include_history_hires: bool = False) -> dict[str, Any]:
        """Ask a question in a session; the whole answer with the passages it drew on."""
        return self._call(self.chat.send, session_id, message, include_history_hires=include_history_hires)

    @bentoml.api(route="/chat/stream")
    def chat_stream(self, session_id: str, message: str, include_history_hires: bool = False) -> str:
        """Same as /chat/message, streamed as plain text pieces (validated before the stream starts)."""
        pieces = self._call(self.chat.stream, session_id, message, include_history_hires=include_history_hires)
        return StreamingResponse(pieces, media_type="text/plain; charset=utf-8")

    @bentoml.api(route="/chat/history")
    def chat_history(self, session_id: str) -> dict[str, Any]:
        return self._call(self.chat.history, session_id)

    @bentoml.api(route="/chat/list")
    def chat_list(self) -> dict[str, Any]:
        return {"sessions": self.chat.list_sessions()}

    @bentoml.api(route="/chat/delete")
    def chat_delete(self, session_id: str) -> dict[str, Any]:
        self._call(self.chat.delete, session_id)
        return {"deleted": session_id}

    # ------------------------------------------------------------------ job descriptions
    @bentoml.api(input_spec=JDRequest)
    def generate_jd(self, **fields: Any) -> dict[str, Any]:
        """A structured JD (JSON + Markdown) grounded in the most similar historical vagas; nothing invented."""
        return self._call(self.jd.generate, parse_request(fields))

    @bentoml.api(route="/jd/regenerate")
    def jd_regenerate(self, jd_id: str, section: str, content: str | list[str]) -> dict[str, Any]:
        """Keep the recruiter's edit of one section verbatim and regenerate the rest."""
        return self._call(self.jd.regenerate, jd_id, section=section, content=content)

    @bentoml.api(route="/jd/feedback")
    def jd_feedback(self, jd_id: str, rating: int = Field(ge=1, le=5), comment: str = Field(default="", max_length=4000)) -> dict[str, Any]:
        return self._call(self.jd.feedback, jd_id, rating=rating, comment=comment)

    @bentoml.api(route="/jd/get")
    def jd_get(self, jd_id: str) -> dict[str, Any]:
        return self._call(self.jd.get, jd_id)

    @bentoml.api
    def info(self) -> dict[str, Any]:
        return self.model_info


Recruta.add_asgi_middleware(RecrutaMiddleware, api_key=settings.api_key, max_body_bytes=MAX_BODY_BYTES)
