"""The evaluation set: questions asked the way recruiters ask, with exact expected answers computed from the records.

    python -m recruta.rag.evalset --data-dir data                      # dev + held-out ("test") → data/evalset.jsonl
    python -m recruta.rag.evalset --data-dir DIR --phrasings FILE.jsonl --out OUT.jsonl   # + the "unseen" split

Most questions name no record id: a vaga is described by its title, client, city, level or date ("a vaga de Scrum
Master da Pampa Energia"), a person by name. Kinds: ``vaga_field``, ``hired``, ``application_status``, ``count``,
``ranking``, ``candidate_search``, ``candidate_by_name``, ``compare``, ``unanswerable``, ``ambiguous`` (a title
several vagas share: the answer must list them) and a small ``by_id`` (the old way, with the id). Questions are
filled from templates in pt/en/es: the project's own (``phrasings.json``; ~25% of the items held out as split
``test`` by a stable hash of the item id, the rest ``dev``) and, as split ``unseen``, recruiters' phrasings read from
a file outside the project (``--phrasings``; never copied in). On data whose files do not join (the real Decision
slices: vagas, applicants and prospects from different samples) only what each file settles is asked.

An item (one JSON line)::

    {"id": "hired:hired:1042:3f2a9c1d", "question": "Quem foi contratado para a vaga de Scrum Master da Pampa Energia?",
     "reference": "Foi contratado(a): Ana Souza.", "record_ids": ["prospect:1042:10311"], "kind": "hired",
     "split": "dev", "lang": "pt", "intent": "hired", "template": "3f2a9c1d",
     "expected": {"type": "set", "items": ["Ana Souza"], "namespace": "person", "claim": "hired",
                  "not_hired": ["Caio Lima", …]}}

``expected`` is judged by :func:`recruta.rag.judge.judge`. Its ``type``:

- ``value``: ``value`` must be stated (or a listed translation); ``alternatives`` (other values of the same
  ``field``) or other names of ``namespace`` ("client", "city", "recruiter") contradict it;
- ``set``: every one of ``items`` stated and no other name of ``namespace`` ("person", "skill", "title") nor of
  ``alternatives`` — with ``claim: "hired"`` (who was hired), no other person *called hired* (the other
  applicants may be named with their status); an empty set means the answer must say nobody/none;
- ``number``: the count ``value`` exactly; ``date``: ``value`` (ISO) and no other date;
- ``text``: free text (a vaga's activities) given as ``items``: at least half must be covered;
- ``ranking``: ``k`` names at least, in order, each with the count of its position (``ranking``: [name, count]
  rows, ties included; ``namespace`` says what is ranked);
- ``options``: every matching vaga's ``label`` (its client or city, per ``by``) listed;
- ``compare``: ``winner`` named and said to be hired (``loser`` was not);
- ``none``: the records do not hold it — the answer must say so in ``lang``.

``not_hired`` (any type) lists people in the question's scope whom the records show not hired: calling one of them
hired is a false hire. ``reference`` is a written-out answer for ROUGE/BLEU; ``record_ids`` the records that support
the answer (hit@k, MRR, citation precision/recall).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import Dataset, load_dataset
from recruta.rag.evalset.facts import Facts
from recruta.rag.evalset.fills import (
    Fill,
    fill_ambiguous,
    fill_by_id,
    fill_count,
    fill_hired,
    fill_ranking,
    fill_status,
    fill_vaga_field,
)
from recruta.rag.evalset.fills_people import fill_by_name, fill_compare, fill_search, fill_unanswerable
from recruta.rag.evalset.templates import KINDS, Template, load_external, project_phrasings, project_templates

__all__ = ["HELD_OUT", "KINDS", "SPLITS", "EvalItem", "build", "build_unseen", "load", "main", "save", "split_of"]

SPLITS = ("dev", "test", "unseen")
HELD_OUT = "test"
Filler = Callable[[Facts, Template, random.Random], Iterator[Fill]]
FILLERS: dict[str, Filler] = {
    "vaga_field": fill_vaga_field,
    "hired": fill_hired,
    "application_status": fill_status,
    "count": fill_count,
    "ranking": fill_ranking,
    "candidate_search": fill_search,
    "candidate_by_name": fill_by_name,
    "compare": fill_compare,
    "unanswerable": fill_unanswerable,
    "ambiguous": fill_ambiguous,
    "by_id": fill_by_id,
}
# Share of the set per kind (renormalised over the kinds a dataset supports).
WEIGHTS = {
    "vaga_field": 3.0,
    "hired": 2.0,
    "application_status": 2.0,
    "count": 3.0,
    "ranking": 1.5,
    "candidate_search": 2.0,
    "candidate_by_name": 2.0,
    "compare": 1.5,
    "unanswerable": 2.0,
    "ambiguous": 1.0,
    "by_id": 0.7,
}


@dataclass(frozen=True, kw_only=True)
class EvalItem:
    id: str
    question: str
    reference: str
    record_ids: list[str]
    kind: str
    split: str
    lang: str = "pt"
    intent: str = ""
    template: str = ""
    expected: dict[str, Any] = field(default_factory=dict)


def split_of(item_id: str, test_share: float) -> str:
    h = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return HELD_OUT if h < test_share else "dev"


def _reference(t: Template, fill: Fill) -> str:
    refs: dict[str, dict[str, str]] = project_phrasings()["references"]
    exp = fill.expected
    if exp["type"] == "none":
        name = "none"
    elif exp["type"] == "set" and not exp.get("items"):
        name = "nobody"
    elif exp["type"] in ("options", "compare"):
        name = exp["type"]
    elif t.kind in ("vaga_field", "by_id") and t.intent in refs:
        name = t.intent
    elif t.kind == "candidate_by_name":
        name = f"by_name_{t.intent}"
    else:
        name = {
            "hired": "hired",
            "application_status": "status",
            "count": "count",
            "ranking": "ranking",
            "candidate_search": "search",
        }[t.kind]
    text = refs[name].get(t.lang) or refs[name]["pt"]
    return text.format(answer=fill.answer, **fill.extra)


def _item(t: Template, fill: Fill, split: str) -> EvalItem:
    prefix = "unseen:" if t.source == "unseen" else ""
    item_id = f"{prefix}{t.kind}:{t.intent}:{fill.subject}:{t.id}"
    return EvalItem(
        id=item_id,
        question=t.fill({**{s: "" for s in t.slots}, **fill.slots}),
        reference=_reference(t, fill),
        record_ids=list(dict.fromkeys(fill.record_ids)),
        kind=t.kind,
        split=split,
        lang=t.lang,
        intent=t.intent,
        template=t.id,
        expected=fill.expected,
    )


def _take(
    facts: Facts, templates: Sequence[Template], quota: int, seed: int, *, distinct: bool
) -> list[tuple[Template, Fill]]:
    """Up to ``quota`` fills, round-robin over ``templates`` (a template whose records run out drops out);
    with ``distinct``, one question per (intent, subject)."""
    gens = {t.id: FILLERS[t.kind](facts, t, random.Random(f"{seed}:{t.id}")) for t in templates}
    live = list(templates)
    seen: set[tuple[str, str]] = set()
    out: list[tuple[Template, Fill]] = []
    while live and len(out) < quota:
        for t in list(live):
            fill = next((f for f in gens[t.id] if not distinct or (t.intent, f.subject) not in seen), None)
            if fill is None:
                live.remove(t)
                continue
            seen.add((t.intent, fill.subject))
            out.append((t, fill))
            if len(out) >= quota:
                break
    return out


def _interleave(items: list[EvalItem]) -> list[EvalItem]:
    """Kinds in turn (each in id order), so ``items[:limit]`` of any split is a mix of kinds."""
    by_kind: dict[str, list[EvalItem]] = {}
    for item in sorted(items, key=lambda i: i.id):
        by_kind.setdefault(item.kind, []).append(item)
    queues = [by_kind[k] for k in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))]
    out = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


def build(
    ds: Dataset, *, n: int = 260, seed: int = 7, test_share: float = 0.25, templates: Sequence[Template] | None = None
) -> list[EvalItem]:
    """About ``n`` items from the project's templates, spread over the kinds the data supports (``dev``/``test``)."""
    facts = Facts(ds)
    templates = list(templates if templates is not None else project_templates())
    kinds = [k for k in KINDS if any(t.kind == k for t in templates)]
    total = sum(WEIGHTS.get(k, 1.0) for k in kinds)
    items = []
    for kind in kinds:
        quota = max(1, round(n * WEIGHTS.get(kind, 1.0) / total))
        for t, fill in _take(facts, [t for t in templates if t.kind == kind], quota, seed, distinct=kind != "ranking"):
            item = _item(t, fill, "dev")
            items.append(EvalItem(**{**asdict(item), "split": split_of(item.id, test_share)}))
    return _interleave(items)


def build_unseen(
    ds: Dataset, phrasings: Path, *, per_template: int = 2, seed: int = 7
) -> tuple[list[EvalItem], list[str]]:
    """Split ``unseen``: every recruiter template of ``phrasings`` filled ``per_template`` times from the records
    (fewer when the records do not settle it: such templates are reported, with the lines whose intent was not
    recognised)."""
    facts = Facts(ds)
    templates, skipped = load_external(phrasings)
    items = []
    for t in templates:
        got = _take(facts, [t], per_template, seed, distinct=t.kind != "ranking")
        if not got:
            skipped.append(f"not buildable on this data ({t.kind}/{t.intent}): {t.text}")
        items += [_item(t, fill, "unseen") for _, fill in got]
    return _interleave(items), skipped


def save(items: list[EvalItem], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(asdict(i), ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def load(path: Path) -> list[EvalItem]:
    return [EvalItem(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summary(items: Sequence[EvalItem]) -> str:
    """Items per kind and split, as a small table."""
    counts = Counter((i.kind, i.split) for i in items)
    splits = [s for s in SPLITS if any(i.split == s for i in items)]
    rows = [f"{'kind':20}" + "".join(f"{s:>8}" for s in splits)]
    for kind in sorted({i.kind for i in items}, key=lambda k: KINDS.index(k) if k in KINDS else 99):
        rows.append(f"{kind:20}" + "".join(f"{counts[(kind, s)]:>8}" for s in splits))
    rows.append(f"{'total':20}" + "".join(f"{sum(counts[(k, s)] for k in KINDS):>8}" for s in splits))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, default=None, help="default: DATA_DIR/evalset.jsonl")
    parser.add_argument("-n", type=int, default=260, help="about this many dev + held-out items")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--phrasings",
        type=Path,
        default=None,
        help="recruiters' question templates (JSONL: kind, lang, text) for the 'unseen' split",
    )
    parser.add_argument("--per-template", type=int, default=2, help="unseen items per template")
    args = parser.parse_args(argv)
    ds = load_dataset(args.data_dir, hired_statuses=DEFAULT_HIRED)
    items = build(ds, n=args.n, seed=args.seed)
    if args.phrasings is not None:
        unseen, skipped = build_unseen(ds, args.phrasings, per_template=args.per_template, seed=args.seed)
        items += unseen
        for line in skipped:
            print(f"unseen: {line}")
    out = args.out or args.data_dir / "evalset.jsonl"
    save(items, out)
    print(summary(items))
    print(f"{len(items)} items → {out}")
    return 0
