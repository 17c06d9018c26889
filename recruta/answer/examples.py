"""Example questions (``examples.jsonl``, pt/en/es) and the nearest one to a masked question.

When no cue rule fires, :class:`~recruta.answer.planner.Planner` compares the question, its named values masked,
with these examples by embedding similarity; a close example lends its plan skeleton. The examples are also what
the LLM planner (``llm.py``) is shown, so they live in their own module that neither planner has to import the
other for.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.answer.entities import words

if TYPE_CHECKING:
    from recruta.ingest.embeddings import Embedder

EXAMPLES_PATH = Path(__file__).with_name("examples.jsonl")


@lru_cache(maxsize=1)
def load_examples() -> tuple[tuple[str, str, str, dict[str, Any]], ...]:
    """(intent, language, question, plan skeleton) of every example question (``examples.jsonl``)."""
    rows = []
    for line in EXAMPLES_PATH.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((item["intent"], item["lang"], item["question"], item.get("plan", {})))
    return tuple(rows)


def example_vectors(embedder: Embedder) -> Any:
    """The example questions (their words, placeholders as plain words) embedded."""
    import numpy as np

    masked = [" ".join(words(q)) for _, _, q, _ in load_examples()]
    return np.asarray(embedder.embed(masked), dtype=np.float32)


def nearest_example(
    embedder: Embedder, masked_question: str, *, vectors: Any = None
) -> tuple[tuple[str, dict[str, Any]], float]:
    """(intent, plan skeleton) of the example most similar to ``masked_question``, and the cosine similarity."""
    import numpy as np

    vectors = example_vectors(embedder) if vectors is None else vectors
    v = np.asarray(embedder.embed([masked_question])[0], dtype=np.float32)
    scores = vectors @ v
    best = int(np.argmax(scores))
    intent, _, _, skeleton = load_examples()[best]
    return (intent, skeleton), float(scores[best])


__all__ = ["EXAMPLES_PATH", "example_vectors", "load_examples", "nearest_example"]
