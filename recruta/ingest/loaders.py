"""Read the three Decision files into validated records, reporting what is skipped."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from recruta.core.errors import InvalidInput
from recruta.ingest.schema import Applicant, Prospect, Vaga, VagaProspects

FILES = {"vagas": "vagas.json", "applicants": "applicants.json", "prospects": "prospects.json"}


class DataFileError(InvalidInput):
    """A data file that cannot be read at all (truncated or not JSON)."""

    def __init__(self, path: Path, reason: str, position: int | None = None) -> None:
        where = f" at byte {position}" if position is not None else ""
        super().__init__(f"{path}: {reason}{where}")
        self.path, self.reason, self.position = path, reason, position

    def __reduce__(self) -> tuple[type[DataFileError], tuple[Path, str, int | None]]:
        """Picklable with its own arguments (``Exception`` would re-create it from the message alone): a Ray task
        that meets a broken file hands this error to the driver."""
        return type(self), (self.path, self.reason, self.position)


@dataclass(frozen=True, kw_only=True)
class Skipped:
    file: str
    record_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} [{self.record_id}]: {self.reason}"


@dataclass(kw_only=True)
class ProspectRecord:
    """One application: a candidate in a vaga, with the full status and our outcome label."""

    vaga_id: str
    vaga_titulo: str
    prospect: Prospect
    hired: bool

    @property
    def codigo(self) -> str:
        return self.prospect.codigo


@dataclass(kw_only=True)
class Dataset:
    vagas: dict[str, Vaga] = field(default_factory=dict)
    applicants: dict[str, Applicant] = field(default_factory=dict)
    prospects: dict[str, VagaProspects] = field(default_factory=dict)
    applications: list[ProspectRecord] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)

    def applications_of(self, vaga_id: str) -> list[ProspectRecord]:
        return [a for a in self.applications if a.vaga_id == vaga_id]

    def hired_codes(self) -> set[str]:
        return {a.codigo for a in self.applications if a.hired}


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"]) or "record"
    more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{loc}: {first['msg']}{more}"


def read_json_object(path: Path) -> dict[str, Any]:
    """Load a top-level JSON object; a truncated file is an error naming the byte position."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, "not valid UTF-8", exc.start) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:  # exc.pos counts characters; report bytes (what editors and `head -c` show)
        raise DataFileError(path, f"invalid JSON ({exc.msg})", len(text[: exc.pos].encode("utf-8"))) from exc
    except RecursionError as exc:
        raise DataFileError(path, "invalid JSON (nested too deeply)") from exc
    if not isinstance(data, dict):
        raise DataFileError(path, f"expected a JSON object keyed by id, got {type(data).__name__}")
    return data


_Record = TypeVar("_Record", bound=BaseModel)


def _validate(
    items: Iterable[tuple[str, Any]], model: type[_Record], file: str, skipped: list[Skipped]
) -> dict[str, _Record]:
    out: dict[str, _Record] = {}
    for key, value in items:
        if not isinstance(value, dict):
            skipped.append(
                Skipped(file=file, record_id=str(key), reason=f"expected an object, got {type(value).__name__}")
            )
            continue
        try:
            out[str(key)] = model.model_validate(value)
        except ValidationError as exc:
            skipped.append(Skipped(file=file, record_id=str(key), reason=_reason(exc)))
    return out


MODELS: dict[str, type] = {"vagas": Vaga, "applicants": Applicant, "prospects": VagaProspects}


def validate_records(kind: str, items: Iterable[tuple[str, Any]], skipped: list[Skipped]) -> dict[str, Any]:
    """One file's raw ``(id, record)`` pairs → validated models by id; malformed ones go to ``skipped``.

    Public so that a shard of a file (recruta/ingest/distributed.py) is validated by exactly this code."""
    return _validate(items, MODELS[kind], FILES[kind], skipped)


def prospect_records(
    prospects: dict[str, VagaProspects], *, hired: set[str], titles: dict[str, str], skipped: list[Skipped]
) -> list[ProspectRecord]:
    """The applications of validated prospects entries, in file order; ``hired``: casefolded statuses that mean
    hired; ``titles``: vaga id → title, used when an entry has no title of its own."""
    out: list[ProspectRecord] = []
    for vaga_id, job in prospects.items():
        for i, item in enumerate(job.prospects):
            rid = f"{vaga_id}/{i}"
            if not isinstance(item, dict):
                skipped.append(Skipped(file=FILES["prospects"], record_id=rid, reason="prospect is not an object"))
                continue
            try:
                p = Prospect.model_validate(item)
            except ValidationError as exc:
                skipped.append(Skipped(file=FILES["prospects"], record_id=rid, reason=_reason(exc)))
                continue
            if not p.codigo:
                skipped.append(Skipped(file=FILES["prospects"], record_id=rid, reason="codigo is empty"))
                continue
            out.append(
                ProspectRecord(
                    vaga_id=vaga_id,
                    vaga_titulo=job.titulo or titles.get(vaga_id, ""),
                    prospect=p,
                    hired=p.situacao_candidado.strip().casefold() in hired,
                )
            )
    return out


def hired_set(hired_statuses: Iterable[str]) -> set[str]:
    return {s.strip().casefold() for s in hired_statuses}


def load_dataset(data_dir: Path, *, hired_statuses: Iterable[str]) -> Dataset:
    """Load whatever of the three files exist in ``data_dir``.

    Missing files are listed in ``missing_files``; malformed records are skipped and
    listed in ``skipped``. Truncated/invalid files raise :class:`DataFileError`.
    """
    data_dir = Path(data_dir)
    ds = Dataset()
    raw: dict[str, dict[str, Any]] = {}
    for kind, name in FILES.items():
        path = data_dir / name
        if path.exists():
            raw[kind] = read_json_object(path)
        else:
            ds.missing_files.append(name)
    ds.vagas = validate_records("vagas", raw.get("vagas", {}).items(), ds.skipped)
    ds.applicants = validate_records("applicants", raw.get("applicants", {}).items(), ds.skipped)
    ds.prospects = validate_records("prospects", raw.get("prospects", {}).items(), ds.skipped)
    ds.applications = prospect_records(
        ds.prospects,
        hired=hired_set(hired_statuses),
        titles={vid: v.titulo for vid, v in ds.vagas.items()},
        skipped=ds.skipped,
    )
    return ds
