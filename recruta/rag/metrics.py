"""Answer and retrieval metrics: answer accuracy (the judge, ``recruta.rag.judge``), false hires, citation
precision/recall, hit@k, MRR, latency — overall and per question kind — and ROUGE (Portuguese-aware tokens), BLEU."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import sacrebleu
from rouge_score import rouge_scorer

from recruta.ingest.documents import record_id
from recruta.rag.judge import judge
from recruta.rag.vocab import RecordNames

__all__ = [
    "PER_KIND",
    "PortugueseTokenizer",
    "answer_row",
    "bleu",
    "citation_scores",
    "hit_at_k",
    "mrr",
    "percentile",
    "retrieval_rank",
    "rouge",
    "sentence_bleu",
    "summarise",
]

_TOKEN = re.compile(r"\w+", re.UNICODE)


class PortugueseTokenizer:
    """rouge_score's default tokenizer drops "é", "ç", "ã"…; this one keeps every Unicode word."""

    def tokenize(self, text: str) -> list[str]:
        return _TOKEN.findall(text.casefold())


_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=PortugueseTokenizer())


def rouge(prediction: str, reference: str) -> dict[str, float]:
    scores = _SCORER.score(reference, prediction)
    return {k: v.fmeasure for k, v in scores.items()}


def bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Corpus BLEU (0–100) with sacrebleu's international tokenisation."""
    return float(sacrebleu.corpus_bleu(list(predictions), [list(references)], tokenize="intl").score)


def sentence_bleu(prediction: str, reference: str) -> float:
    return float(sacrebleu.sentence_bleu(prediction, [reference], tokenize="intl").score)


def retrieval_rank(retrieved_ids: Sequence[str], expected: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved chunk belonging to an expected record, else None."""
    wanted = set(expected)
    for rank, doc_id in enumerate(retrieved_ids, 1):
        if doc_id in wanted or record_id(doc_id) in wanted:
            return rank
    return None


def hit_at_k(ranks: Sequence[int | None], k: int) -> float:
    return float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0


def mrr(ranks: Sequence[int | None]) -> float:
    return float(np.mean([1.0 / r if r else 0.0 for r in ranks])) if ranks else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else 0.0


# ------------------------------------------------------------------ answers judged against the records
def citation_scores(cited_ids: Sequence[str], expected: Sequence[str]) -> tuple[float, float] | None:
    """(precision, recall) of the records an answer cites (its sources, chunks folded to records) against the
    records that support the expected answer; None when nothing supports it (a question the records cannot answer)."""
    want = set(expected)
    if not want:
        return None
    cited = list(dict.fromkeys(record_id(i) for i in cited_ids))
    right = {c for c in cited if c in want}
    return (len(right) / len(cited) if cited else 0.0), len(right) / len(want)


def answer_row(
    item: Any, *, prediction: str, source_ids: Sequence[str], latency_ms: float, names: RecordNames | None = None
) -> dict[str, Any]:
    """One evaluated question: the judge's verdict, citations, retrieval rank, latency and ROUGE, as a flat row
    (what experiment.py logs as its predictions table and summarises)."""
    expected = getattr(item, "expected", None) or {}
    verdict = (
        judge(expected, prediction, question=item.question, lang=getattr(item, "lang", "pt"), names=names)
        if expected
        else None
    )
    cites = citation_scores(source_ids, item.record_ids)
    return {
        "id": item.id,
        "split": item.split,
        "kind": item.kind,
        "intent": getattr(item, "intent", ""),
        "lang": getattr(item, "lang", ""),
        "question": item.question,
        "reference": item.reference,
        "expected": json.dumps(expected, ensure_ascii=False),
        "prediction": prediction,
        "sources": ", ".join(source_ids),
        "correct": None if verdict is None else verdict.correct,
        "verdict": "" if verdict is None else verdict.reason,
        "false_hire": bool(verdict and verdict.false_hires),
        "refused": bool(verdict and verdict.refused),
        "citation_precision": None if cites is None else cites[0],
        "citation_recall": None if cites is None else cites[1],
        "has_records": bool(item.record_ids),
        "rank": retrieval_rank(source_ids, item.record_ids),
        "latency_ms": round(latency_ms, 1),
        **rouge(prediction, item.reference),
    }


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def _group_metrics(rows: Sequence[dict[str, Any]], k: int) -> dict[str, float]:
    judged = [r for r in rows if r.get("correct") is not None]
    cited = [r for r in rows if r.get("citation_precision") is not None]
    ranks = [r["rank"] for r in rows if r.get("has_records", True)]
    out = {
        f"hit_at_{k}": hit_at_k(ranks, k),
        "hit_at_k": hit_at_k(ranks, k),
        "hit_at_1": hit_at_k(ranks, 1),
        "mrr": mrr(ranks),
        "latency_p50_ms": percentile([r["latency_ms"] for r in rows], 50),
        "latency_p95_ms": percentile([r["latency_ms"] for r in rows], 95),
        "n_questions": float(len(rows)),
    }
    if judged:
        out["answer_accuracy"] = _mean([float(r["correct"]) for r in judged])
        out["false_hire_rate"] = _mean([float(r["false_hire"]) for r in judged])
    if cited:
        out["citation_precision"] = _mean([r["citation_precision"] for r in cited])
        out["citation_recall"] = _mean([r["citation_recall"] for r in cited])
    return out


PER_KIND = (
    "answer_accuracy",
    "false_hire_rate",
    "citation_precision",
    "citation_recall",
    "hit_at_k",
    "mrr",
    "latency_p50_ms",
    "n_questions",
)


def summarise(rows: Sequence[dict[str, Any]], *, k: int) -> dict[str, float]:
    """Overall metrics (ROUGE-1/2/L, BLEU, hit@k, MRR, latency; answer accuracy, false-hire rate and citation
    precision/recall when the rows were judged) and the same per kind as ``<metric>/<kind>``."""
    if not rows:
        return {}
    out = {
        "rouge1": _mean([r["rouge1"] for r in rows]),
        "rouge2": _mean([r["rouge2"] for r in rows]),
        "rougeL": _mean([r["rougeL"] for r in rows]),
        "bleu": bleu([r["prediction"] for r in rows], [r["reference"] for r in rows]),
        **_group_metrics(rows, k),
    }
    if any(r.get("correct") is not None for r in rows):
        for kind in sorted({r["kind"] for r in rows}):
            group = _group_metrics([r for r in rows if r["kind"] == kind], k)
            out.update({f"{m}/{kind}": group[m] for m in PER_KIND if m in group})
    return out
