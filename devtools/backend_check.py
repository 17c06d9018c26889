"""Writes ``recruta/ingest/backend_check.json``: the small retrieval check the embedder-backend calibration runs
(recruta/ingest/backend_choice.py). Chunks of a synthetic sample (seed 11: neither the int8 calibration's seed 7
nor the committed data/'s 42) built by the project's own document builder, and evaluation-set questions
(recruta/rag/evalset) with the records that answer them, so a backend is judged by hit@5 / MRR as bench/embeddings.py
judges it, over a few hundred chunks: seconds, not minutes.

    python -m devtools.backend_check
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from devtools import sample
from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.backend_choice import CHECK_PATH
from recruta.ingest.documents import build_documents
from recruta.ingest.loaders import load_dataset
from recruta.rag import evalset

__all__ = ["build"]


def build(*, seed: int = 11, n_questions: int = 60) -> dict[str, object]:
    """The check set: ``chunks`` (id, text) and ``questions`` (text, record ids)."""
    with tempfile.TemporaryDirectory() as tmp:
        sample.generate(Path(tmp), n_vagas=25, n_applicants=50, n_prospects=80, seed=seed)
        ds = load_dataset(Path(tmp), hired_statuses=DEFAULT_HIRED)
    docs = list(build_documents(ds, chunk_size=800, chunk_overlap=100))
    items = [i for i in evalset.build(ds, n=n_questions, seed=seed) if i.record_ids]
    return {
        "seed": seed,
        "chunks": [{"id": d.id, "text": d.text} for d in docs],
        "questions": [{"question": i.question, "record_ids": list(i.record_ids), "kind": i.kind} for i in items],
    }


if __name__ == "__main__":
    CHECK_PATH.write_text(json.dumps(build(), ensure_ascii=False, indent=0) + "\n")
    print(f"wrote {CHECK_PATH}")
