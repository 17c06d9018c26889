"""Writes ``recruta/ingest/calibration_texts.json``: the int8 embedder's calibration texts (chunks and questions
as the index and the service see them, from the synthetic sample, seed 7; never the committed data/'s 42, so the
int8 model is not calibrated on the records its retrieval quality is measured on).

    python -m devtools.calibration
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from devtools import sample
from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.documents import build_documents
from recruta.ingest.embeddings import CALIBRATION_PATH
from recruta.ingest.loaders import load_dataset
from recruta.rag import evalset


def build(*, n_chunks: int = 60, n_questions: int = 20, seed: int = 7) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        sample.generate(Path(tmp), n_vagas=30, n_applicants=60, n_prospects=90, seed=seed)
        ds = load_dataset(Path(tmp), hired_statuses=DEFAULT_HIRED)
    chunks = [d.text for d in build_documents(ds, chunk_size=800, chunk_overlap=100)]
    questions = [item.question for item in evalset.build(ds, n=n_questions * 2, seed=seed)]
    rng = random.Random(seed)
    return rng.sample(chunks, min(n_chunks, len(chunks))) + rng.sample(questions, min(n_questions, len(questions)))


if __name__ == "__main__":
    CALIBRATION_PATH.write_text(json.dumps(build(), ensure_ascii=False, indent=0) + "\n")
    print(f"wrote {CALIBRATION_PATH}")
