"""generate(): profiles, the prospects plan, then the three files written record by record; and the CLI."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from devtools.sample.applicants import applicant_record
from devtools.sample.common import dmy, staff_name
from devtools.sample.profiles import applicant_profile, vaga_profile
from devtools.sample.prospects import plan
from devtools.sample.vagas import vaga_record
from devtools.sample.vocab import HIRE_STATUSES

__all__ = ["SCALES", "generate", "main"]

SCALES: dict[str, dict[str, int]] = {
    "sample": {"n_vagas": 300, "n_applicants": 1000, "n_prospects": 3000, "cv_chars": 1600},
    "full": {"n_vagas": 14000, "n_applicants": 42000, "n_prospects": 54000, "cv_chars": 2700},
}


def _write_json_stream(path: Path, items: Iterable[tuple[str, object]]) -> int:
    """Write ``{key: value, ...}`` record by record, byte-identical to ``json.dumps(d, indent=1)``."""
    tmp = path.with_name(path.name + ".tmp")
    n = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        f.write("{")
        for key, value in items:
            body = json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n ")
            f.write(("\n " if n == 0 else ",\n ") + json.dumps(key, ensure_ascii=False) + ": " + body)
            n += 1
        f.write("\n}" if n else "}")
    tmp.replace(path)
    return n


def _progress(items: Iterable[int], total: int, desc: str, enabled: bool) -> Iterable[int]:
    if not enabled:
        return items
    try:
        from tqdm import tqdm  # type: ignore[import-untyped]
    except ImportError:
        return items
    bar: Iterable[int] = tqdm(items, total=total, desc=desc, unit="rec")
    return bar


def generate(
    out_dir: Path,
    *,
    n_vagas: int = 300,
    n_applicants: int = 1000,
    n_prospects: int = 3000,
    cv_chars: int = 1600,
    seed: int = 42,
    progress: bool = False,
) -> dict[str, int]:
    """Write vagas.json, applicants.json and prospects.json into ``out_dir`` and return the counts.

    Deterministic: the same arguments give byte-identical files.
    """
    if min(n_vagas, n_applicants, n_prospects) < 0 or cv_chars <= 0:
        raise ValueError("counts must be >= 0 and cv_chars > 0")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staff = [staff_name(seed, k) for k in range(24)]
    vagas = [vaga_profile(seed, i, staff) for i in range(n_vagas)]
    apps = [applicant_profile(seed, i) for i in range(n_applicants)]
    prospects = plan(seed, vagas, apps, n_prospects, staff)

    first_day: list[int | None] = [None] * n_applicants
    hires = 0
    for row in prospects:
        for idx, status, applied, *_ in row:
            day = first_day[idx]
            first_day[idx] = applied if day is None else min(day, applied)
            hires += status in HIRE_STATUSES

    def vaga_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_vagas), n_vagas, "vagas", progress):
            yield vagas[i].vid, vaga_record(seed, i, vagas[i], staff)

    def applicant_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_applicants), n_applicants, "applicants", progress):
            yield apps[i].codigo, applicant_record(seed, i, apps[i], first_day[i], cv_chars, staff)

    def prospect_items() -> Iterator[tuple[str, object]]:
        for i in _progress(range(n_vagas), n_vagas, "prospects", progress):
            v = vagas[i]
            rows = [
                {
                    "nome": apps[idx].nome,
                    "codigo": apps[idx].codigo,
                    "situacao_candidado": status,
                    "data_candidatura": dmy(applied),
                    "ultima_atualizacao": dmy(updated),
                    "comentario": comment,
                    "recrutador": recruiter,
                }
                for idx, status, applied, updated, comment, recruiter in prospects[i]
            ]
            yield v.vid, {"titulo": v.titulo, "modalidade": v.modalidade, "prospects": rows}

    counts = {
        "vagas": _write_json_stream(out_dir / "vagas.json", vaga_items()),
        "applicants": _write_json_stream(out_dir / "applicants.json", applicant_items()),
    }
    _write_json_stream(out_dir / "prospects.json", prospect_items())
    counts["prospects"] = sum(len(row) for row in prospects)
    counts["hires"] = hires
    return counts


def main(argv: list[str] | None = None) -> int:
    from devtools import sample

    doc = (sample.__doc__ or "").splitlines()[0]
    parser = argparse.ArgumentParser(prog="python -m devtools.sample", description=doc)
    parser.add_argument("--out", type=Path, required=True, help="output folder for the three json files")
    parser.add_argument("--scale", choices=sorted(SCALES), default="sample")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    counts = generate(args.out, seed=args.seed, progress=not args.quiet, **SCALES[args.scale])
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" -> {args.out}")
    return 0
