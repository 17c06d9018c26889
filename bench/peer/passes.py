"""The timed passes of bench.peer, the systems always in turn so other work on the machine hits them alike:
ingestion part by part, retrieval-only latency, end-to-end answers; and the recorders of every LLM call
(ours and LlamaIndex's) for prompt and answer token counts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index.core.instrumentation.events import BaseEvent
from llama_index.core.instrumentation.events.llm import LLMChatEndEvent

from bench.peer.llamaindex_rag import LlamaIndexRAG, Mode
from bench.peer.slicing import Slice
from bench.peer.systems import PEER
from recruta.rag.evalset import EvalItem
from recruta.rag.metrics import hit_at_k, mrr, percentile, retrieval_rank, rouge

__all__ = [
    "RecordingGenerator",
    "RecordingHandler",
    "answer_pass",
    "ingest_all",
    "latency_of",
    "ours_answer",
    "part_orders",
    "peer_answer",
    "retrieval_pass",
    "token_counts",
]


def _seconds(fn: Callable[[Path], Any], folder: Path) -> float:
    started = time.perf_counter()
    fn(folder)
    return time.perf_counter() - started


def part_orders(names: Sequence[str], parts: int) -> list[list[str]]:
    """The systems' order in each ingestion part: the rotations of ``names``, then the rotations of their reverse,
    over and over. Two systems: AB, BA, BA, AB (ABBA); three in six parts: every order once, so each system
    is first, second and last twice and directly follows each other one twice."""
    cycle = [_rotated(names, i) for i in range(len(names))] + [_rotated(names[::-1], i) for i in range(len(names))]
    return [cycle[p % len(cycle)] for p in range(parts)]


def ingest_all(data: Slice, *, runs: dict[str, Callable[[Path], Any]]) -> dict[str, Any]:
    """Each part into every system, in :func:`part_orders`' order; ratios LlamaIndex / each of ours."""
    per_part: list[dict[str, Any]] = []
    for n, (folder, order) in enumerate(zip(data.parts, part_orders(list(runs), len(data.parts)), strict=True)):
        per_part.append(
            {"part": n + 1, "order": " → ".join(order), **{name: _seconds(runs[name], folder) for name in order}}
        )
    seconds = {name: sum(p[name] for p in per_part) for name in runs}
    return {
        "per_part": per_part,
        "seconds": seconds,
        "ratio": {name: seconds[PEER] / seconds[name] for name in runs if name != PEER},
    }


def latency_of(m: dict[str, float]) -> dict[str, float]:
    return {key: m[key] for key in ("p50_ms", "p95_ms", "n")}


def _latency(ms: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "n": len(ms)}


def _rotated(names: Sequence[str], shift: int) -> list[str]:
    """The systems in turn: which one goes first moves on with every query."""
    shift %= len(names)
    return [*names[shift:], *names[:shift]]


def retrieval_pass(
    items: Sequence[EvalItem], *, systems: dict[str, Callable[[str], list[str]]], k: int, rounds: int
) -> dict[str, dict[str, float]]:
    """Retrieval-only latency per system over ``rounds`` passes of ``items``; hit@k and MRR from the first pass."""
    ms: dict[str, list[float]] = {name: [] for name in systems}
    ranks: dict[str, list[int | None]] = {name: [] for name in systems}
    for r in range(rounds):
        for i, item in enumerate(items):
            for name in _rotated(list(systems), i + r):
                started = time.perf_counter()
                ids = systems[name](item.question)
                ms[name].append((time.perf_counter() - started) * 1000)
                if r == 0:
                    ranks[name].append(retrieval_rank(ids, item.record_ids))
    return {
        name: {**_latency(ms[name]), "hit_at_k": hit_at_k(ranks[name], k), "mrr": mrr(ranks[name])} for name in systems
    }


def answer_pass(
    items: Sequence[EvalItem], *, systems: dict[str, Callable[[str], tuple[str, list[str]]]], k: int
) -> tuple[dict[str, dict[str, float]], dict[str, list[dict[str, Any]]]]:
    """End-to-end answers, systems in turn; rows and metrics as experiment.evaluate/summarise make them."""
    from experiment import summarise

    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in systems}
    for i, item in enumerate(items):
        for name in _rotated(list(systems), i):
            started = time.perf_counter()
            prediction, ids = systems[name](item.question)
            latency = (time.perf_counter() - started) * 1000
            rows[name].append(
                {
                    "id": item.id,
                    "split": item.split,
                    "kind": item.kind,
                    "question": item.question,
                    "reference": item.reference,
                    "prediction": prediction,
                    "sources": ", ".join(ids),
                    "rank": retrieval_rank(ids, item.record_ids),
                    "latency_ms": round(latency, 1),
                    **rouge(prediction, item.reference),
                }
            )
    return {name: summarise(rows[name], k=k) for name in systems}, rows


def ours_answer(agent: Any) -> Callable[[str], tuple[str, list[str]]]:
    def run(question: str) -> tuple[str, list[str]]:
        ans = agent.answer(question)
        return ans.answer, [s["id"] for s in ans.sources]

    return run


def peer_answer(peer: LlamaIndexRAG, mode: Mode) -> Callable[[str], tuple[str, list[str]]]:
    def run(question: str) -> tuple[str, list[str]]:
        ans = peer.answer(question, mode=mode)
        return ans.answer, [s["id"] for s in ans.sources]

    return run


Call = tuple[list[dict[str, str]], str]  # the chat messages an LLM got, and its answer


class RecordingGenerator:
    """Our TransformersGenerator, keeping each call's messages and answer (for prompt/answer token counts)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name = inner, inner.name
        self.calls: list[Call] = []

    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        text: str = self.inner.generate(inp, max_new_tokens=max_new_tokens)
        self.calls.append((list(inp.messages), text))
        return text


class RecordingHandler(BaseEventHandler):
    """The same for LlamaIndex, through its instrumentation API: every chat call's messages and answer."""

    calls: list[Call] = []

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        if isinstance(event, LLMChatEndEvent) and event.response is not None:
            self.calls.append(
                (
                    [{"role": m.role.value, "content": m.content or ""} for m in event.messages],
                    event.response.message.content or "",
                )
            )


def token_counts(calls: Sequence[Call], *, tokenizer: Any) -> dict[str, float]:
    """Mean prompt tokens (chat template applied, as generate() sees them) and answer tokens per LLM call."""
    prompts = [
        len(tokenizer.apply_chat_template(m, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
        for m, _ in calls
    ]
    answers = [len(tokenizer(text, add_special_tokens=False)["input_ids"]) for _, text in calls]
    return {
        "llm_calls": len(calls),
        "prompt_tokens_mean": statistics.mean(prompts) if prompts else 0.0,
        "answer_tokens_mean": statistics.mean(answers) if answers else 0.0,
    }
