"""Step 2 of the pipeline: the RAG agent (``recruta/rag/agent.py``) as an MLflow pyfunc.

    from model import RAGAgent, RAGConfig
    agent = RAGAgent.from_config(RAGConfig(generator="extractive"))
    agent.answer("Qual o nível de inglês exigido para a vaga 1003?")

The pyfunc bundles a snapshot of the index (ids, texts, metadata, embeddings) with the
config, so a model (and a Bento built from it) answers on a fresh machine: at load time the
snapshot is materialised into an embedded Chroma under ``RECRUTA_HOME/served`` — or, when
``RECRUTA_CHROMA_HOST`` is set, the server's collection of the same name is used instead.
The snapshot folder also carries the records table (``table.sqlite3``, built at ingestion) that
the planner's exact answers run on; the agent loads it from there.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

import mlflow
from mlflow.pyfunc.model import PythonModel  # typed there (``mlflow.pyfunc`` is a lazy loader to mypy)

from recruta.core.settings import quiet_telemetry
from recruta.ingest.store import Store
from recruta.rag.agent import Answer, RAGAgent, RAGConfig, materialise_snapshot, referenced_ids


# --------------------------------------------------------------------------- MLflow pyfunc
class RecrutaRAGModel(PythonModel):
    """Input: a DataFrame/list of dicts with ``pergunta`` (or a list of strings). Output: list of answers."""

    def load_context(self, context: Any) -> None:
        quiet_telemetry()
        config = RAGConfig(**(context.model_config or {}))
        self.agent = RAGAgent.from_config(config, snapshot=Path(context.artifacts["index"]))

    # No hints on purpose: mlflow would infer the signature and validate inputs from them (type: ignore for that).
    def predict(self, context, model_input, params=None):  # type: ignore[no-untyped-def]  # noqa: ANN001
        if hasattr(model_input, "to_dict"):
            rows = model_input.to_dict(orient="records")
        elif isinstance(model_input, (str, dict)):
            rows = [model_input]
        else:
            rows = list(model_input)
        questions = [r if isinstance(r, str) else r.get("pergunta") or r.get("question", "") for r in rows]
        return [self.agent.answer(q).to_dict() for q in questions]


def log_rag_model(config: RAGConfig, *, snapshot: Path, name: str = "model") -> Any:
    """Log the agent as a pyfunc in the active run, with config and the index snapshot."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    root = Path(__file__).resolve().parent
    return mlflow.pyfunc.log_model(
        name=name,
        python_model=RecrutaRAGModel(),
        artifacts={"index": str(snapshot)},
        model_config=asdict(config),
        code_paths=[str(root / "model.py"), str(root / "recruta")],
        signature=ModelSignature(inputs=Schema([ColSpec("string", "pergunta")])),
        pip_requirements=str(root / "requirements.txt"),
    )


def export_snapshot(store: Store, folder: Path, *, table: Path | None = None) -> Path:
    """The index snapshot in ``folder`` (re-exported when the index changed) with the records table beside it
    (``table``, default: where ingestion wrote the table of this index)."""
    from recruta.answer.table import TABLE_FILE, table_path

    if (
        not (folder / "manifest.json").exists()
        or json.loads((folder / "manifest.json").read_text())["count"] != store.count()
    ):
        store.export(folder)
    source = table or table_path(store)
    target = folder / TABLE_FILE
    if source.exists():
        if (
            not target.exists()
            or source.stat().st_size != target.stat().st_size
            or source.stat().st_mtime_ns > target.stat().st_mtime_ns
        ):
            shutil.copy2(source, target)
    else:
        target.unlink(missing_ok=True)  # a stale table must not answer for a different index
    return folder


__all__ = [
    "Answer",
    "RAGAgent",
    "RAGConfig",
    "RecrutaRAGModel",
    "export_snapshot",
    "log_rag_model",
    "materialise_snapshot",
    "referenced_ids",
]
