"""The systems bench.peer compares, the runtimes they run on, and how the aim (ours faster at equal quality)
is judged from the numbers."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any

from recruta.core.settings import EmbedderBackend, Settings

__all__ = [
    "OURS",
    "OURS_NO_ROUTING",
    "PEER",
    "QUALITY",
    "QUALITY_TOLERANCE",
    "SAME_BACKEND",
    "SAME_DTYPE",
    "SHIPPED",
    "SHIPPED_BACKEND",
    "SHIPPED_DTYPE",
    "SYSTEMS",
    "aim",
]

SHIPPED, OURS, PEER = "ours (as shipped)", "ours (same runtime)", "LlamaIndex"
OURS_NO_ROUTING = "ours (same runtime), no id routing"
SYSTEMS = (SHIPPED, OURS, OURS_NO_ROUTING, PEER)  # display order
SHIPPED_BACKEND: EmbedderBackend = Settings.model_fields[
    "embedder_backend"
].default  # the project's defaults, whatever they are
SHIPPED_DTYPE: str = Settings.model_fields["llm_dtype"].default
SAME_BACKEND: EmbedderBackend = "torch"  # what HuggingFaceEmbedding runs
SAME_DTYPE = "bfloat16"  # what HuggingFaceLLM (bf16) runs
QUALITY = ("rougeL", "hit_at_k", "mrr")  # per-question means, compared pairwise for the aim
QUALITY_TOLERANCE = 0.01


def _per_question(rows: Sequence[dict[str, Any]], metric: str, k: int) -> list[float]:
    """ROUGE-L, hit@k or reciprocal rank of each answer: the means of these are summarise()'s numbers."""
    if metric == "rougeL":
        return [r["rougeL"] for r in rows]
    if metric == "hit_at_k":
        return [float(r["rank"] is not None and r["rank"] <= k) for r in rows]
    if metric == "mrr":
        return [1.0 / r["rank"] if r["rank"] else 0.0 for r in rows]
    raise ValueError(f"no per-question form of {metric!r}")


def aim(
    ours: str,
    *,
    ingestion: dict[str, Any],
    latency: dict[str, dict[str, dict[str, float]]],
    rows: dict[str, dict[str, list[dict[str, Any]]]],
    k: int,
) -> dict[str, Any]:
    """Is ``ours`` faster than LlamaIndex at equal quality? Faster: every ratio LlamaIndex / ours (ingestion, and
    p50 of each query measure) above 1. Equal quality: on every answerer, no measure of :data:`QUALITY` below
    LlamaIndex's by more than ``QUALITY_TOLERANCE`` and twice the paired standard error (questions answered by
    both, in the same order), so a few noisy LLM answers do not decide it."""
    speed = {
        "ingestion": ingestion["ratio"][ours],
        **{m: by[PEER]["p50_ms"] / by[ours]["p50_ms"] for m, by in latency.items() if ours in by},
    }
    quality: dict[str, dict[str, Any]] = {}
    for mode, by in rows.items():
        if ours not in by:
            continue
        for metric in QUALITY:
            diffs = [
                a - b
                for a, b in zip(_per_question(by[ours], metric, k), _per_question(by[PEER], metric, k), strict=True)
            ]
            mean = statistics.mean(diffs)
            se = statistics.stdev(diffs) / math.sqrt(len(diffs)) if len(diffs) > 1 else 0.0
            quality[f"{mode} {metric}"] = {"diff": mean, "se": se, "lower": mean < -max(QUALITY_TOLERANCE, 2 * se)}
    slower = [m for m, r in speed.items() if r <= 1]
    lower = [m for m, q in quality.items() if q["lower"]]
    return {"speed": speed, "quality": quality, "slower": slower, "lower": lower, "met": not slower and not lower}
