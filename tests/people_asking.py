"""Asking paraphrased people questions of a data folder, as the paraphrase tests do (tests/test_people_paraphrases.py
on the sample, tests/test_people_paraphrases_real.py on the real slices): fill a template from the records with the
evaluation set's fillers (which compute the exact expected answer), answer from the folder's records table with the
fake (hash) embedder, as the agent would, and judge like the benchmark."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

SEED = 13
PER_TEMPLATE = 2  # records each paraphrase is asked about


@lru_cache(maxsize=4)
def facts_and_names(folder: Path) -> tuple[Any, Any]:
    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.loaders import load_dataset
    from recruta.rag.evalset.facts import Facts
    from recruta.rag.vocab import RecordNames

    ds = load_dataset(folder, hired_statuses=DEFAULT_HIRED)
    return Facts(ds), RecordNames.from_dataset(ds)


def fill(
    t: Any, folder: Path, *, typed: Callable[[str], str] | None = None, keep: Callable[[Any, Any], bool] | None = None
) -> list[Any]:
    """The template filled from the folder's records (``PER_TEMPLATE`` distinct subjects), each with its expected
    answer; ``typed`` rewrites each question as a recruiter would type it; ``keep(facts, fill)`` skips the fills
    the records do not settle."""
    from recruta.rag import evalset

    facts, _ = facts_and_names(folder)
    fills = evalset.FILLERS[t.kind](facts, t, random.Random(f"{SEED}:{t.id}"))
    out, seen = [], set()
    for f in fills:
        if f.subject in seen or (keep is not None and not keep(facts, f)):
            continue
        seen.add(f.subject)
        item = evalset._item(t, f, "dev")
        out.append(replace(item, question=typed(item.question)) if typed else item)
        if len(out) == PER_TEMPLATE:
            break
    return out


@lru_cache(maxsize=4)
def answerer(folder: Path) -> Any:
    import tempfile

    from recruta.answer.answerer import Answerer
    from recruta.answer.table import RecordsTable, build_table
    from recruta.ingest.embeddings import get_embedder

    facts, _ = facts_and_names(folder)
    path = build_table(facts.ds, Path(tempfile.mkdtemp(prefix=f"people-{folder.name}-")) / "table.sqlite3")
    return Answerer(RecordsTable.load(path), embedder=get_embedder("hash"))


def ask(folder: Path, item: Any, *, same_language: bool = False) -> tuple[str, Any]:
    """The answer the agent would give from the records table ("" when nothing plans), and the judge's verdict;
    with ``same_language``, an answer in another language than the question's is wrong too (issue 13's parity)."""
    from recruta.rag.judge import judge
    from recruta.rag.prompting import prompt_language

    _, names = facts_and_names(folder)
    got = answerer(folder).answer(item.question, lang=prompt_language(item.question))
    text = got.text if got is not None else ""
    verdict = judge(item.expected, text, question=item.question, lang=item.lang, names=names)
    if same_language and verdict.correct and got is not None and got.language != item.lang:
        verdict = replace(verdict, correct=False, reason=f"answered in {got.language}")
    return text, verdict


def wrong_answers(asked: Iterable[tuple[Any, str, Any]]) -> list[str]:
    """One line per wrongly answered (item, answer, verdict)."""
    return [
        f"{item.question!r} → {text[:200]!r} ({verdict.reason}; expected {item.reference!r})"
        for item, text, verdict in asked
        if not verdict.correct
    ]


def report(asked: Iterable[tuple[Any, str, Any, str]]) -> None:
    """Print each wrong answer, then accuracy per kind and language and the false hires, for the scripts' ``main``:
    ``asked`` holds (item, answer, verdict, where the records came from)."""
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    false_hires = 0
    for item, text, verdict, where in asked:
        false_hires += len(verdict.false_hires)
        for key in ((item.kind, "all"), ("all", item.lang), (item.kind, item.lang), ("all", "all")):
            total[key] += 1
            right[key] += verdict.correct
        if not verdict.correct:
            print(
                f"WRONG [{item.kind}/{item.lang}/{where}] {item.question}\n    → {' '.join(text.split())[:240]}\n"
                f"    ({verdict.reason}; expected {item.reference!r})"
            )
    for key in sorted(total):
        print(f"{key[0]:20} {key[1]:4} {right[key] / total[key]:.2f} ({right[key]}/{total[key]})")
    print(f"false hires: {false_hires}")
