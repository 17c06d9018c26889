"""Answer accuracy of the assistant on recruiters' questions (issue #13): per kind and split, with what is wrong.

    .venv/bin/python -m bench.answers                                   # the project sample, hash embedder, extractive
    .venv/bin/python -m bench.answers --embedder minilm                 # the real embedder
    .venv/bin/python -m bench.answers --data-dir ../shared/data/decision --embedder minilm
    .venv/bin/python -m bench.answers --generator smollm2 --limit 20    # an LLM answering (slow on a CPU)
    .venv/bin/python -m bench.answers --system llamaindex               # the same questions to LlamaIndex

``--system llamaindex`` asks the same questions to the RAG built with LlamaIndex the common way (bench/peer/
llamaindex_rag.py: our chunks as TextNodes, MiniLM through ``HuggingFaceEmbedding``, a Chroma-backed
``VectorStoreIndex``, top-k, recruta's extractive answer rule as its response synthesizer — no LLM, like ours by
default) and judges its answers the same way: what a team gets from the usual framework on these questions.

Builds (or loads) the evaluation set of the data folder — dev and held-out splits from the project's phrasings,
plus the "unseen" split from recruiters' phrasings (``--phrasings``, default ``../shared/data/phrasings/
recruiter_questions.jsonl`` when present) — indexes the data in a benchmark home of its own (once per data folder
and embedder: ``$RECRUTA_HOME/bench-answers/<folder>``), asks every question to ``RAGAgent`` and judges each answer
against the exact expected answer (``recruta.rag.judge``). Prints accuracy per kind and split, false hires,
citation precision/recall, hit@k, MRR and latency, and examples of wrong answers; writes ``answers.json`` and
``answers.md`` under ``--out``. The evaluation set of a folder other than the project's ``data/`` is written to the
benchmark home, never next to the data.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.harness import ROOT, BenchData, ensure_index, machine_info, table, write_outputs
from recruta.core.settings import Settings, get_settings, quiet_telemetry

quiet_telemetry()

NAME = "answers"
DEFAULT_PHRASINGS = ROOT.parent / "shared" / "data" / "phrasings" / "recruiter_questions.jsonl"
SPLIT_LABEL = {"dev": "dev", "test": "held-out", "unseen": "unseen"}


def bench_settings(data_dir: Path, *, embedder: str, backend: str, generator: str) -> Settings:
    """Settings whose home is this data folder's benchmark home (the project's model caches linked in)."""
    project = get_settings()
    home = project.home / "bench-answers" / data_dir.resolve().name
    home.mkdir(parents=True, exist_ok=True)
    for cache in (project.llm_cache, project.embedder_cache):
        cache.mkdir(parents=True, exist_ok=True)
        if not (home / cache.name).exists():
            (home / cache.name).symlink_to(cache, target_is_directory=True)
    return project.model_copy(
        update={"home": home, "embedder": embedder, "embedder_backend": backend, "generator": generator}
    )


def eval_items(
    data_dir: Path,
    settings: Settings,
    *,
    phrasings: Path | None,
    rebuild: bool,
    size: int | None = None,
    per_template: int = 2,
) -> tuple[list[Any], Any]:
    """The folder's evaluation set (the project's committed one for data/, else built into the bench home) plus
    the unseen split; and the dataset. ``size`` builds a larger (or smaller) dev + held-out set of about that many
    items into the bench home instead (same templates, more fills: per-kind accuracy on groups of 2–8 questions is
    mostly noise); ``per_template`` fills each unseen template that many times."""
    from recruta.ingest.loaders import load_dataset
    from recruta.rag import evalset

    ds = load_dataset(data_dir, hired_statuses=settings.hired_statuses)
    if size is not None:
        path = settings.home / f"evalset-{size}.jsonl"
    elif data_dir.resolve() == (ROOT / "data").resolve():
        path = data_dir / "evalset.jsonl"
    else:
        path = settings.home / "evalset.jsonl"
    if rebuild or not path.exists():
        evalset.save(evalset.build(ds) if size is None else evalset.build(ds, n=size), path)
    items = [i for i in evalset.load(path) if i.split != "unseen"]
    if phrasings is not None and phrasings.exists():
        unseen, skipped = evalset.build_unseen(ds, phrasings, per_template=per_template)
        items += unseen
        for line in skipped:
            print(f"unseen: {line}")
    return items, ds


class LlamaIndexAnswerer:
    """The LlamaIndex peer behind the agent's interface (``answer(question)`` → ``.answer``, ``.sources``)."""

    def __init__(self, data_dir: Path, settings: Settings) -> None:
        from bench.peer.llamaindex_rag import LlamaIndexRAG, PeerConfig, local_embedding, use_local_models
        from recruta.ingest.embeddings import minilm_path

        config = PeerConfig.from_settings(settings)
        use_local_models(
            embed_model=local_embedding(batch_size=config.embed_batch_size), llm=None, tokenizer_folder=minilm_path()
        )
        folder = settings.home / "llamaindex"
        if folder.exists():  # LlamaIndex re-inserts on every ingest: start from an empty store each run
            import shutil

            shutil.rmtree(folder)
        self.config = config
        self.rag = LlamaIndexRAG(persist_dir=folder, config=config)
        self.rag.ingest(data_dir)

    def answer(self, question: str) -> Any:
        return self.rag.answer(question, mode="extractive")


def ask_all(agent: Any, items: Sequence[Any], *, names: Any) -> list[dict[str, Any]]:
    from recruta.rag.metrics import answer_row

    rows = []
    for n, item in enumerate(items, 1):
        started = time.perf_counter()
        ans = agent.answer(item.question)
        rows.append(
            answer_row(
                item,
                prediction=ans.answer,
                source_ids=[s["id"] for s in ans.sources],
                latency_ms=(time.perf_counter() - started) * 1000,
                names=names,
            )
        )
        if n % 50 == 0:
            print(f"  {n}/{len(items)} answered", flush=True)
    return rows


def accuracy_table(rows: Sequence[dict[str, Any]], *, by: str = "kind") -> tuple[list[dict[str, Any]], list[str]]:
    """Rows of kind (or language, ``by="lang"``) × split accuracy ("0.25 (3/12)") and the split columns, plus an
    "all kinds" row."""
    from recruta.rag.evalset import KINDS

    order = list(KINDS) if by == "kind" else ["pt", "en", "es"]
    splits = [s for s in SPLIT_LABEL if any(r["split"] == s for r in rows)]
    kinds = sorted({r[by] for r in rows}, key=lambda k: order.index(k) if k in order else 99)
    out = []
    for kind in [*kinds, "all kinds"]:
        row: dict[str, Any] = {"kind": kind}
        for split in splits:
            group = [
                r
                for r in rows
                if r["split"] == split and (kind == "all kinds" or r[by] == kind) and r["correct"] is not None
            ]
            right = sum(bool(r["correct"]) for r in group)
            row[split] = f"{right / len(group):.2f} ({right}/{len(group)})" if group else ""
        out.append(row)
    return out, splits


def examples(rows: Sequence[dict[str, Any]], *, per_kind: int) -> list[dict[str, str]]:
    """A few wrong answers per kind: the question, what was expected, what came back, the judge's reason."""
    shown: Counter[str] = Counter()
    out = []
    for r in rows:
        if r["correct"] is False and shown[r["kind"]] < per_kind:
            shown[r["kind"]] += 1
            pred = " ".join(r["prediction"].split())
            out.append(
                {
                    "kind": r["kind"],
                    "split": SPLIT_LABEL.get(r["split"], r["split"]),
                    "question": r["question"],
                    "expected": r["reference"],
                    "answer": pred[:160] + ("…" if len(pred) > 160 else ""),
                    "why": r["verdict"],
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--phrasings", type=Path, default=DEFAULT_PHRASINGS if DEFAULT_PHRASINGS.exists() else None)
    parser.add_argument("--embedder", default="hash", help="hash (fast, fake) | minilm (the shipped model)")
    parser.add_argument("--backend", default="torch", help="the embedder's backend (default: %(default)s)")
    parser.add_argument("--generator", default="extractive")
    parser.add_argument(
        "--system", default="recruta", choices=("recruta", "llamaindex"), help="who answers (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=None, help="at most this many questions per split")
    parser.add_argument("--examples", type=int, default=2, help="wrong answers shown per kind")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the evaluation set of a non-project folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--size",
        type=int,
        default=None,
        help="build a dev + held-out set of about this many items into the bench home (default: the folder's own, ~260)",
    )
    parser.add_argument("--per-template", type=int, default=2, help="fills of each unseen template (default: 2)")
    parser.add_argument(
        "--splits",
        default="dev,test,unseen",
        help="comma-separated splits to ask: dev, test (held-out), unseen (default: all). Tune rules on dev only.",
    )
    args = parser.parse_args(argv)
    wanted = {s.strip() for s in args.splits.split(",") if s.strip()}
    if unknown := wanted - set(SPLIT_LABEL):
        parser.error(f"unknown split(s) {', '.join(sorted(unknown))}: choose from {', '.join(SPLIT_LABEL)}")

    from model import RAGAgent, RAGConfig
    from recruta.rag.metrics import summarise
    from recruta.rag.vocab import RecordNames

    settings = bench_settings(args.data_dir, embedder=args.embedder, backend=args.backend, generator=args.generator)
    items, ds = eval_items(
        args.data_dir,
        settings,
        phrasings=args.phrasings if "unseen" in wanted else None,
        rebuild=args.rebuild,
        size=args.size,
        per_template=args.per_template,
    )
    by_split = {s: [i for i in items if i.split == s][: args.limit] for s in SPLIT_LABEL if s in wanted}
    asked = [i for s in by_split for i in by_split[s]]
    agent: Any
    if args.system == "llamaindex":
        started = time.perf_counter()
        agent = LlamaIndexAnswerer(args.data_dir, settings)
        index_s = time.perf_counter() - started
    else:
        _, index_s = ensure_index(BenchData(data_dir=args.data_dir, label=str(args.data_dir)), settings)
        agent = RAGAgent.from_config(RAGConfig.from_settings(settings), settings=settings)
    print(
        f"{len(asked)} questions ({', '.join(f'{SPLIT_LABEL[s]} {len(v)}' for s, v in by_split.items())}) "
        f"on {args.data_dir}; "
        + (
            "LlamaIndex (MiniLM on torch, extractive synthesizer)"
            if args.system == "llamaindex"
            else f"embedder {args.embedder}, generator {args.generator}"
        ),
        flush=True,
    )
    started = time.perf_counter()
    rows = ask_all(agent, asked, names=RecordNames.from_dataset(ds))
    elapsed = time.perf_counter() - started
    k = agent.config.top_k
    metrics = {
        SPLIT_LABEL[s]: summarise([r for r in rows if r["split"] == s], k=k)
        for s in SPLIT_LABEL
        if any(r["split"] == s for r in rows)
    }
    acc_rows, splits = accuracy_table(rows)
    lang_rows, _ = accuracy_table(rows, by="lang")
    overall = [{"split": name, **{m: m_ for m, m_ in got.items() if "/" not in m}} for name, got in metrics.items()]
    wrong = examples(rows, per_kind=args.examples)
    md = "\n\n".join(
        [
            f"## Answer accuracy on recruiters' questions: {args.data_dir.name}"
            + (" — LlamaIndex" if args.system == "llamaindex" else ""),
            f"`.venv/bin/python -m bench.answers {' '.join(sys.argv[1:])}` — "
            + (
                "LlamaIndex: MiniLM on torch (`HuggingFaceEmbedding`), a Chroma-backed `VectorStoreIndex`, "
                "recruta's extractive answer rule as its synthesizer"
                if args.system == "llamaindex"
                else f"embedder `{args.embedder}` ({args.backend}), generator `{args.generator}`"
            )
            + f", top-{k}; {len(rows)} questions in {elapsed:.0f} s (index ready in {index_s:.0f} s).",
            "Accuracy per question kind (right/judged):",
            table(acc_rows, [("kind", "kind"), *[(s, SPLIT_LABEL[s]) for s in splits]]),
            "Accuracy per question language:",
            table(lang_rows, [("kind", "language"), *[(s, SPLIT_LABEL[s]) for s in splits]]),
            table(
                overall,
                [
                    ("split", "split"),
                    ("answer_accuracy", "accuracy", ".3f"),
                    ("false_hire_rate", "false hires", ".3f"),
                    ("citation_precision", "citation P", ".3f"),
                    ("citation_recall", "citation R", ".3f"),
                    ("hit_at_k", f"hit@{k}", ".3f"),
                    ("mrr", "MRR", ".3f"),
                    ("rougeL", "ROUGE-L", ".3f"),
                    ("latency_p50_ms", "p50 ms", ".0f"),
                    ("n_questions", "n", ".0f"),
                ],
            ),
            "Wrong answers (examples):",
            table(
                wrong,
                [
                    ("kind", "kind"),
                    ("split", "split"),
                    ("question", "question"),
                    ("expected", "expected"),
                    ("answer", "answer"),
                    ("why", "why wrong"),
                ],
            ),
        ]
    )
    print("\n" + md)
    write_outputs(
        NAME if args.system == "recruta" else f"{NAME}_{args.system}",
        args.out,
        {
            "machine": machine_info(),
            "args": {k_: str(v) for k_, v in vars(args).items()},
            "metrics": metrics,
            "rows": rows,
        },
        md,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
