"""bench.peer's outputs: the comparison figure and the markdown section (from the run's JSON-able data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from bench.harness import BenchData, Plots, contention_note, table  # noqa: E402
from bench.peer.systems import OURS, OURS_NO_ROUTING, PEER, QUALITY_TOLERANCE, SHIPPED, SYSTEMS  # noqa: E402

__all__ = ["plot", "render", "verdict"]


def plot(data: dict[str, Any], path: Path) -> Path:
    lat, ing, q = data["latency"], data["ingestion"]["seconds"], data["quality"]
    colors = {SHIPPED: "#1f4e79", OURS: "#3b6ea8", OURS_NO_ROUTING: "#9bb7d9", PEER: "#c0504d"}
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    names = [n for n in SYSTEMS if n in ing]
    axes[0].bar([n.replace(" (", "\n(") for n in names], [ing[n] for n in names], color=[colors[n] for n in names])
    axes[0].tick_params(axis="x", labelsize=7)
    axes[0].set_ylabel("seconds (lower is better)")
    axes[0].set_title(f"ingest {data['slice']['chunks']:,} chunks", fontsize=9)
    width = 0.8 / len(SYSTEMS)
    measures = list(lat)
    for j, name in enumerate(SYSTEMS):
        xs = [x + j * width for x, m in enumerate(measures) if name in lat[m]]
        axes[1].bar(
            xs,
            [lat[m][name]["p50_ms"] for m in measures if name in lat[m]],
            width=width,
            color=colors[name],
            label=name,
        )
    axes[1].set_xticks([x + width * (len(SYSTEMS) - 1) / 2 for x in range(len(measures))], measures)
    axes[1].set_yscale("log")
    axes[1].set_ylabel("p50 ms (log; lower is better)")
    axes[1].legend(fontsize=7)
    axes[1].set_title("query latency: retrieval only, end to end by answerer", fontsize=9)
    bars = [(f"{mode} {m}", mode, m) for mode in q for m in ("rougeL", "hit_at_k", "mrr")]
    for j, name in enumerate(SYSTEMS):
        ys = [y + j * width for y, (_, mode, _) in enumerate(bars) if name in q[mode]]
        axes[2].barh(
            ys,
            [q[mode][name][m] for _, mode, m in bars if name in q[mode]],
            height=width,
            color=colors[name],
            label=name,
        )
    axes[2].set_yticks([y + width * (len(SYSTEMS) - 1) / 2 for y in range(len(bars))], [b[0] for b in bars], fontsize=8)
    axes[2].set_xlim(0, 1)
    axes[2].set_title("quality (higher is better)", fontsize=9)
    fig.suptitle(
        "ours (as shipped, and on LlamaIndex's runtimes) vs the same RAG built with LlamaIndex "
        "(one run, systems alternated)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


MEASURES = {
    "retrieval": "retrieval only (embed query + vector search)",
    "extractive": "end to end, extractive answerer",
    "llm": "end to end, SmolLM2",
}
SPEED_LABELS = {"ingestion": "ingestion", "retrieval": "retrieval", "extractive": "extractive", "llm": "LLM"}


def verdict(v: dict[str, Any]) -> str:
    """One system's aim, in words, from :func:`aim`'s numbers."""
    speed = ", ".join(f"{SPEED_LABELS[m]} **{r:.2f}×**" for m, r in v["speed"].items())
    if v["met"]:
        why = f"faster on all {len(v['speed'])}, no quality measure lower"
    else:
        why = "; ".join(
            filter(
                None,
                [
                    "not faster on " + ", ".join(f"{SPEED_LABELS[m]} ({v['speed'][m]:.2f}×)" for m in v["slower"])
                    if v["slower"]
                    else "",
                    "lower quality on "
                    + ", ".join(
                        f"{m} ({v['quality'][m]['diff']:+.3f} ± {v['quality'][m]['se']:.3f})" for m in v["lower"]
                    )
                    if v["lower"]
                    else "",
                ],
            )
        )
    return f"{speed} — aim {'**met**' if v['met'] else '**not met**'} ({why})"


def render(data: dict[str, Any], *, bench: BenchData, plots: Plots, png: Path) -> str:
    s, ing, lat, q, k = data["slice"], data["ingestion"], data["latency"], data["quality"], data["top_k"]
    systems, shipped = data["systems"], data["shipped_defaults"]
    lat_rows = []
    for measure, label in MEASURES.items():
        for ours in (SHIPPED, OURS, OURS_NO_ROUTING):
            if measure in lat and ours in lat[measure]:
                o, p = lat[measure][ours], lat[measure][PEER]
                lat_rows.append(
                    {
                        "what": label,
                        "ours": ours,
                        "n": o["n"],
                        "o50": o["p50_ms"],
                        "o95": o["p95_ms"],
                        "p50": p["p50_ms"],
                        "p95": p["p95_ms"],
                        "r50": p["p50_ms"] / o["p50_ms"],
                        "r95": p["p95_ms"] / o["p95_ms"],
                    }
                )
    ing_rows = [
        {
            "system": name,
            "runtime": systems[name]["embedder_runtime"],
            "s": ing["seconds"][name],
            "cps": s["chunks"] / ing["seconds"][name],
            "r": ing["ratio"].get(name),
            "parts": " / ".join(f"{p[PEER] / p[name]:.2f}" for p in ing["per_part"]) if name != PEER else "",
        }
        for name in SYSTEMS
        if name in ing["seconds"]
    ]
    q_rows = [
        {"system": name, "answerer": mode, "n": int(q[mode][name]["n_questions"]), **q[mode][name]}
        for mode in q
        for name in SYSTEMS
        if name in q[mode]
    ]
    tokens = data["llm_tokens"]
    token_names = [n for n in SYSTEMS if n in tokens]
    llm_note = (
        f"The LLM rows answer {len(data['llm_ids'])} of the questions, one question kind after another, to fit the "
        "time budget. SmolLM2-135M is weak at this task (README: ROUGE-L 0.07 on the dev split), so its ROUGE-L "
        f"over {len(data['llm_ids'])} questions is mostly noise; hit@k says whether it was shown the right record. "
        "LLM prompts averaged "
        + ", ".join(f"{tokens[n]['prompt_tokens_mean']:.0f}" for n in token_names)
        + " tokens and answers "
        + ", ".join(f"{tokens[n]['answer_tokens_mean']:.0f}" for n in token_names)
        + f" tokens ({', '.join(token_names)}): with a CPU LLM, their lengths set the end-to-end time."
        if tokens
        else ""
    )
    short = "\n".join(
        f"- **{name}** (LlamaIndex / ours, p50 for queries): {verdict(data['aim'][name])}."
        for name in (SHIPPED, OURS)
        if name in data["aim"]
    )
    quality = "; ".join(
        f"{mode}: ROUGE-L "
        + " / ".join(f"{q[mode][n]['rougeL']:.3f}" for n in (SHIPPED, OURS, PEER))
        + f", hit@{k} "
        + " / ".join(f"{q[mode][n]['hit_at_k']:.2f}" for n in (SHIPPED, OURS, PEER))
        for mode in q
    )
    return "\n".join(
        [
            "## Side by side: the same RAG built with LlamaIndex",
            "",
            f"`{data['command']}` — {data['machine']['machine']}. {contention_note(data['machine'])} "
            f"Whole run (imports and model loading included): {data['wall_s']:.0f} s.",
            "",
            f"**Same on every side**: the data — {s['chunks']:,} chunks ({s['vagas']} vagas with their "
            f"{s['applications']:,} applications, {s['applicants']} applicants) cut from {bench.label}: the records that "
            f"all {len(data['dev_ids'])} dev questions of its evaluation set need, plus distractors in the full data's "
            "proportions. LlamaIndex gets our chunk texts, ids and metadata as `TextNode`s (metadata kept out of the "
            "embedded and the LLM text, so every side embeds and prompts the same text). The embedder weights "
            f"(all-MiniLM-L6-v2 from the same folder, batch {data['embed_batch_size']}), the store (embedded Chroma), "
            f"top-k {k}, the `{data['template']}` prompt file (a `ChatPromptTemplate` on LlamaIndex), and the LLM "
            "weights: SmolLM2-135M-Instruct from the packaged GGUF, greedy, repetition penalty 1.1, "
            f"≤ {data['max_new_tokens']} new tokens.",
            "",
            "**The runtimes**: LlamaIndex runs them the common way, " + systems[PEER]["runtime"] + ". "
            f"**{OURS}** runs the same: {systems[OURS]['runtime']}, so only the framework differs. "
            f"**{SHIPPED}** runs the project's shipped defaults (`recruta/core/settings.py`: "
            f"`embedder_backend={shipped['embedder_backend']}`, `llm_dtype={shipped['llm_dtype']}`): "
            f"{systems[SHIPPED]['runtime']} — same weights, measured in bench/embeddings.py and bench/generation.py "
            "to keep retrieval and answer quality. **Different by design**: ours routes a question that names a vaga "
            "or a candidate code to those records (one metadata read, ranked in memory) and clips each retrieved chunk "
            "to 700 characters, numbered; LlamaIndex's default retriever is vector top-k only (no id routing) and its "
            "`compact` synthesizer joins the chunks whole; its Chroma collection is made LlamaIndex's way (default L2 "
            "space: the same ranking for unit vectors).",
            "",
            "All in one process, the systems alternated so other work on the machine hits them alike: ingestion in "
            f"{len(ing['per_part'])} parts, the order changing every part ("
            + "; ".join(p["order"] for p in ing["per_part"])
            + "), each system into its own fresh folder (model "
            "loading, conversion and a warm-up batch excluded on every side); every query rotates which system goes "
            f"first. Ratios are **LlamaIndex / ours: above 1 = ours faster**. The `{OURS_NO_ROUTING}` rows are our "
            "code retrieving exactly what LlamaIndex retrieves: the framework's own cost, like for like.",
            "",
            table(
                ing_rows,
                [
                    ("system", f"ingest {s['chunks']:,} chunks (read, chunk, embed, store)"),
                    ("runtime", "embedder runtime"),
                    ("s", "seconds", ".1f"),
                    ("cps", "chunks/s", ".1f"),
                    ("r", "ratio LlamaIndex / this", ".2f"),
                    ("parts", "ratio by part (noise)"),
                ],
            ),
            "",
            table(
                lat_rows,
                [
                    ("what", "query latency"),
                    ("ours", "ours as"),
                    ("n", "queries each"),
                    ("o50", "ours p50 (ms)", ".1f"),
                    ("o95", "ours p95 (ms)", ".1f"),
                    ("p50", "LlamaIndex p50 (ms)", ".1f"),
                    ("p95", "LlamaIndex p95 (ms)", ".1f"),
                    ("r50", "ratio p50", ".2f"),
                    ("r95", "ratio p95", ".2f"),
                ],
            ),
            "",
            table(
                q_rows,
                [
                    ("system", "system"),
                    ("answerer", "answerer"),
                    ("n", "questions"),
                    ("rougeL", "ROUGE-L", ".3f"),
                    ("bleu", "BLEU", ".1f"),
                    ("hit_at_k", f"hit@{k}", ".2f"),
                    ("mrr", "MRR", ".2f"),
                ],
            ),
            "",
            f"The extractive rows answer all {len(data['dev_ids'])} dev questions with the same answer rule on every side "
            "(recruta's ExtractiveGenerator; a LlamaIndex response synthesizer on the peer), so their differences are "
            "retrieval. Every question names its vaga or candidate code, which vector search alone rarely matches to the "
            f"record. {llm_note}",
            "",
            "**In short** — the aim is *ours faster at equal quality*: every ratio above 1 (ingestion and the p50 of "
            "retrieval, extractive and LLM answers) and no quality measure (ROUGE-L, hit@k, MRR of each answerer) lower "
            f"than LlamaIndex's by more than {QUALITY_TOLERANCE} and twice the paired standard error over the questions.",
            "",
            short,
            "",
            f"Quality, {SHIPPED} / {OURS} / LlamaIndex — {quality}.",
            "",
            plots.link(png, "ingestion time, p50 latency and quality, ours (as shipped, same runtime) vs LlamaIndex"),
        ]
    )
