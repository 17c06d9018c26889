"""Step 5 of the pipeline: the BentoML service (HTTP glue only; the logic lives in model.py).

    bentoml serve service:Recruta            # http://127.0.0.1:3000

POST /responder {"pergunta": "..."} → {"resposta", "fontes": [...], ...}
POST /info → the served champion: registry version, alias, run id, params, ROUGE/BLEU/hit@k.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

from pydantic import BaseModel, Field

from recruta.settings import get_settings, quiet_telemetry

settings = get_settings()
quiet_telemetry()
os.environ.setdefault("BENTOML_HOME", str(settings.bentoml_home))

import bentoml  # noqa: E402
from bentoml.exceptions import InvalidArgument, ServiceUnavailable  # noqa: E402

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


def clean_question(pergunta: str) -> str:
    text = pergunta.strip()
    if not text:
        raise InvalidArgument("'pergunta' está vazia: envie uma pergunta em texto.")
    if len(text) > settings.max_question_chars:
        raise InvalidArgument(f"'pergunta' tem {len(text)} caracteres; o limite é {settings.max_question_chars}.")
    return text


@bentoml.service(name="recruta", traffic={"timeout": 300}, workers=1)
class Recruta:
    champion = bentoml.models.BentoModel(f"{settings.model_name}:latest")

    def __init__(self) -> None:
        self.pyfunc = bentoml.mlflow.load_model(self.champion)
        self.agent = self.pyfunc.unwrap_python_model().agent
        meta = dict(self.champion.info.metadata)
        self.model_info = {"bento_tag": str(self.champion.tag), **meta,
                           "generator": self.agent.config.generator, "embedder": self.agent.config.embedder}
        self.model_label = f"{meta.get('registered_model', settings.model_name)} v{meta.get('registry_version', '?')}"

    @bentoml.api
    def responder(
        self,
        pergunta: str = Field(description="A pergunta sobre o histórico de vagas, candidatos e contratações."),
        filtros: dict[str, Any] | None = Field(default=None, description='Filtro de metadados Chroma, ex. {"type": "vaga"}.'),
        top_k: int | None = Field(default=None, ge=1, le=50),
    ) -> Resposta:
        request_id = uuid.uuid4().hex[:12]
        question = clean_question(pergunta)
        try:
            ans = self.agent.answer(question, k=top_k, filters=filtros)
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from exc
        except StoreUnavailable as exc:
            log.warning("request %s: vector store unavailable", request_id)
            raise ServiceUnavailable("O índice (Chroma) está indisponível; tente novamente em instantes.") from exc
        log.info("request %s: answered in %s ms with %d sources", request_id,
                 sum(ans.timings_ms.values()), len(ans.sources))
        return Resposta(resposta=ans.answer, fontes=[Fonte(**s) for s in ans.sources], idioma=ans.language,
                        tempos_ms=ans.timings_ms, modelo=self.model_label, request_id=request_id)

    @bentoml.api
    def info(self) -> dict[str, Any]:
        return self.model_info
