"""Answer and retrieval metrics: ROUGE (Portuguese-aware tokens), BLEU, hit@k, MRR, latency."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import sacrebleu
from rouge_score import rouge_scorer

from recruta.ingest.documents import record_id

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
