"""The data both systems ingest: a slice of a Decision folder holding the records the questions need plus
distractors, cut into parts; and which dev questions the LLM answers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from recruta.core.settings import Settings
from recruta.ingest.documents import build_documents
from recruta.ingest.loaders import FILES, load_dataset
from recruta.rag.evalset import EvalItem

__all__ = ["Slice", "make_slice", "pick_questions"]

Unit = tuple[str, str]  # ("vaga", id): a vaga with its applications; ("candidato", code): an applicant


@dataclass(frozen=True, kw_only=True)
class Slice:
    """The data both systems ingest: part folders (ingested one after the other) and what they hold."""

    parts: list[Path]
    chunks: int
    vagas: int
    applicants: int
    applications: int
    needed_records: int


def pick_questions(items: Sequence[EvalItem], limit: int) -> list[EvalItem]:
    """Dev questions one kind after another (the first of each kind, then the second…), ``limit`` in all."""
    by_kind: dict[str, list[EvalItem]] = {}
    for item in items:
        if item.split == "dev":
            by_kind.setdefault(item.kind, []).append(item)
    picked: list[EvalItem] = []
    depth = 0
    while len(picked) < limit and any(depth < len(v) for v in by_kind.values()):
        picked += [by_kind[k][depth] for k in sorted(by_kind) if depth < len(by_kind[k])]
        depth += 1
    return picked[:limit]


def _unit(record: str) -> Unit:
    """``vaga:1003`` / ``prospect:1003:10042`` → the vaga's unit; ``candidato:10042[:n]`` → the applicant's."""
    kind, _, rest = record.partition(":")
    return ("candidato", rest.split(":")[0]) if kind == "candidato" else ("vaga", rest.split(":")[0])


def make_slice(
    source: Path, out: Path, *, items: Sequence[EvalItem], target_chunks: int | None, parts: int, settings: Settings
) -> Slice:
    """Write ``parts`` Decision folders holding the records ``items`` need plus distractors up to ``target_chunks``.

    Distractors are taken in file order, vagas (with all their applications) and applicants in the proportion
    of the full data's chunks. ``target_chunks=None`` takes everything."""
    raw = {name: json.loads((source / file).read_text(encoding="utf-8")) for name, file in FILES.items()}
    ds = load_dataset(source, hired_statuses=settings.hired_statuses)
    sizes: Counter[Unit] = Counter(
        _unit(d.id) for d in build_documents(ds, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
    )
    chosen = [u for u in dict.fromkeys(_unit(r) for item in items for r in item.record_ids) if u in sizes]
    taken = set(chosen)
    pools = {kind: [u for u in sizes if u[0] == kind and u not in taken] for kind in ("vaga", "candidato")}
    share = {kind: sum(n for u, n in sizes.items() if u[0] == kind) / sum(sizes.values()) for kind in pools}
    held = {kind: sum(sizes[u] for u in chosen if u[0] == kind) for kind in pools}
    limit = sum(sizes.values()) if target_chunks is None else target_chunks
    while sum(held.values()) < limit and any(pools.values()):
        kind = min((k for k in pools if pools[k]), key=lambda k: held[k] / max(sum(held.values()), 1) - share[k])
        unit = pools[kind].pop(0)
        chosen.append(unit)
        held[kind] += sizes[unit]
    folders = []
    for p in range(parts):
        folder = out / f"part{p + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        mine = chosen[p::parts]
        vagas = [i for kind, i in mine if kind == "vaga"]
        codes = [i for kind, i in mine if kind == "candidato"]
        files = {
            "vagas": {i: raw["vagas"][i] for i in vagas if i in raw["vagas"]},
            "prospects": {i: raw["prospects"][i] for i in vagas if i in raw["prospects"]},
            "applicants": {c: raw["applicants"][c] for c in codes if c in raw["applicants"]},
        }
        for name, content in files.items():
            (folder / FILES[name]).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
        folders.append(folder)
    vaga_ids = {i for kind, i in chosen if kind == "vaga"}
    return Slice(
        parts=folders,
        chunks=sum(held.values()),
        vagas=len(vaga_ids & set(raw["vagas"])),
        applicants=sum(kind == "candidato" for kind, _ in chosen),
        applications=sum(len(raw["prospects"].get(i, {}).get("prospects", [])) for i in vaga_ids),
        needed_records=len({r for item in items for r in item.record_ids}),
    )
