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
from typing import Any, Literal

from pydantic import BaseModel, Field

from recruta.settings import get_settings, quiet_telemetry

settings = get_settings()
quiet_telemetry()
os.environ.setdefault("BENTOML_HOME", str(settings.bentoml_home))

import bentoml  # noqa: E402
from bentoml.exceptions import InvalidArgument, NotFound  # noqa: E402
from starlette.responses import JSONResponse  # noqa: E402

from recruta.http import REQUEST_ID, RecrutaMiddleware, RequestIdFilter  # noqa: E402
from recruta.screening import Screener, ScreeningError, UnknownVaga  # noqa: E402
from recruta.store import StoreUnavailable  # noqa: E402

log = logging.getLogger("recruta.service")


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


def unavailable() -> JSONResponse:
    """503 with a readable message (BentoML would replace a raised 5xx's message with a generic one)."""
    return JSONResponse({"error": UNAVAILABLE}, status_code=503, headers={"Retry-After": "5"})


def clean_question(pergunta: str) -> str:
    text = pergunta.strip()
    if not text:
        raise InvalidArgument("'pergunta' está vazia: envie uma pergunta em texto.")
    if len(text) > settings.max_question_chars:
        raise InvalidArgument(f"'pergunta' tem {len(text)} caracteres; o limite é {settings.max_question_chars}.")
    return text


@bentoml.service(
    name="recruta", traffic={"timeout": 300}, workers=1,
    http={"cors": {"enabled": bool(settings.cors_origins), "access_control_allow_origins": list(settings.cors_origins),
                   "access_control_allow_methods": ["GET", "POST"], "access_control_allow_headers": ["*"]}},
)
class Recruta:
    champion = bentoml.models.BentoModel(f"{settings.model_name}:latest")

    def __init__(self) -> None:
        for handler in logging.getLogger().handlers:
            handler.addFilter(RequestIdFilter())
        self.pyfunc = bentoml.mlflow.load_model(self.champion)
        self.agent = self.pyfunc.unwrap_python_model().agent
        meta = dict(self.champion.info.metadata)
        self.model_info = {"bento_tag": str(self.champion.tag), **meta,
                           "generator": self.agent.config.generator, "embedder": self.agent.config.embedder}
        self.model_label = f"{meta.get('registered_model', settings.model_name)} v{meta.get('registry_version', '?')}"
        self.screener = Screener(store=self.agent.store, embedder=self.agent.embedder)
        # Profiles of every indexed candidate (~7 s per 1,000): built in the background, /rank waits if needed.
        threading.Thread(target=lambda: self.screener.pool, daemon=True, name="candidate-pool").start()

    def _screen(self, fn: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return fn(**kwargs)
        except ScreeningError as exc:
            raise InvalidArgument(str(exc)) from exc
        except UnknownVaga as exc:
            raise NotFound(str(exc)) from exc
        except StoreUnavailable:
            return unavailable()

    @bentoml.api
    def responder(
        self,
        pergunta: str = Field(description="A pergunta sobre o histórico de vagas, candidatos e contratações."),
        filtros: dict[str, Any] | None = Field(default=None, description='Filtro de metadados Chroma, ex. {"type": "vaga"}.'),
        top_k: int | None = Field(default=None, ge=1, le=50),
    ) -> Resposta:  # or a 503 JSONResponse when the index is down
        request_id = REQUEST_ID.get()
        question = clean_question(pergunta)
        try:
            ans = self.agent.answer(question, k=top_k, filters=filtros)
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from exc
        except StoreUnavailable:
            log.warning("request %s: vector store unavailable", request_id)
            return unavailable()
        log.info("request %s: answered in %s ms with %d sources", request_id,
                 sum(ans.timings_ms.values()), len(ans.sources))
        return Resposta(resposta=ans.answer, fontes=[Fonte(**s) for s in ans.sources], idioma=ans.language,
                        tempos_ms=ans.timings_ms, modelo=self.model_label, request_id=request_id)

    @bentoml.api
    def match(
        self,
        cv_text: str = Field(description="O texto do CV."),
        vaga_id: str | None = Field(default=None, description="Uma vaga do índice (ex. '1003')."),
        job_text: str | None = Field(default=None, description="Ou o texto de uma vaga."),
    ) -> dict[str, Any]:
        """Score 0–100 with per-signal breakdown, strengths, gaps, section check, advice and verdict."""
        return self._screen(self.screener.match, cv_text=cv_text, vaga_id=vaga_id, job_text=job_text)

    @bentoml.api
    def match_file(
        self,
        cv_file: Path = Field(description="CV em PDF, DOCX ou TXT (até 5 MB)."),
        vaga_id: str | None = None,
        job_text: str | None = None,
    ) -> dict[str, Any]:
        """Same as /match, for an uploaded CV file (multipart/form-data)."""
        size = cv_file.stat().st_size
        if size > 5_000_000:
            raise InvalidArgument(f"cv_file: {size} bytes; the limit is 5,000,000")
        return self._screen(self.screener.match, data=cv_file.read_bytes(), filename=cv_file.name,
                            vaga_id=vaga_id, job_text=job_text)

    @bentoml.api
    def rank(
        self,
        vaga_id: str | None = None,
        job_text: str | None = None,
        cvs: list[str] | None = Field(default=None, max_length=200, description="CVs em texto; vazio = candidatos do índice."),
        scope: Literal["all", "applicants"] = "all",
        limit: int = Field(default=20, ge=1, le=1000),
    ) -> dict[str, Any]:
        """Candidates ordered by score; for a vaga with history, the actual hires are marked."""
        return self._screen(self.screener.rank, vaga_id=vaga_id, job_text=job_text, cvs=cvs, scope=scope, limit=limit)

    @bentoml.api
    def info(self) -> dict[str, Any]:
        return self.model_info


Recruta.add_asgi_middleware(RecrutaMiddleware, api_key=settings.api_key)
