"""The records table: the three Decision files flattened into three tables the planner's plans run on.

Retrieval over text chunks cannot count, rank or find "the vaga of Programador Java Sr at Horizonte Seguros"
reliably; these tables can, exactly. They are built at ingestion from the validated records, saved as one
SQLite file next to the index (and bundled with the served model next to its snapshot), and loaded into pandas
at start-up: every plan then runs in memory (see ``bench`` numbers in the package docstring).

Only whitelisted fields are copied, as for the index documents (``recruta/ingest/documents.py``): no CPF,
e-mail, phone, birth date, address or social link ever enters; free text (activities, requirements, comments,
declared skills) goes through :func:`recruta.text.redact.redact`. Candidates' skills are the taxonomy's
canonical names (``recruta.facts.extract_skills``) found in their declared skills and CV, never the CV itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recruta.ingest.documents import outcome
from recruta.text.redact import redact

if TYPE_CHECKING:
    import pandas as pd

    from recruta.core.settings import Settings
    from recruta.ingest.loaders import Dataset
    from recruta.ingest.store import Store

TABLE_FILE = "table.sqlite3"  # its name inside a model's snapshot folder
SCHEMA_VERSION = 2  # 2: applicants.city_source
CV_HEAD_CHARS = 600  # where a CV states the candidate's city (its header), when the profile field is empty

VAGA_COLUMNS = (
    "vaga_id",
    "title",
    "client",
    "city",
    "state",
    "country",
    "level",
    "academic",
    "english",
    "spanish",
    "other_language",
    "area",
    "contract",
    "activities",
    "requirements",
    "behaviour",
    "notes",
    "requested",
    "start",
    "end",
    "analyst",
    "requester",
    "division",
    "sap",
    "priority",
    "travel",
    "hours",
)
APPLICANT_COLUMNS = (
    "code",
    "name",
    "title",
    "area",
    "level",
    "declared_skills",
    "skills",
    "certifications",
    "academic",
    "courses",
    "institution",
    "english",
    "spanish",
    "other_language",
    "city",
    "objective",
    "created",
    "city_source",  # "field": the profile's city; "cv": read from the CV header (the profile has none)
)
APPLICATION_COLUMNS = (
    "vaga_id",
    "code",
    "name",
    "vaga_title",
    "status",
    "outcome",
    "hired",
    "applied",
    "updated",
    "recruiter",
    "comment",
)
# Never a column, whatever a future schema adds (checked when a table is saved).
FORBIDDEN_COLUMNS = frozenset(
    {
        "cpf",
        "email",
        "telefone",
        "phone",
        "data_nascimento",
        "birth_date",
        "endereco",
        "address",
        "url_linkedin",
        "facebook",
        "skype",
        "remuneracao",
    }
)

_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})|(\d{4})-(\d{2})-(\d{2})")


def iso_date(text: str) -> str:
    """ "05-09-2022" / "05/09/2022 10:11" / "2022-09-05" → "2022-09-05"; "" when there is no valid date."""
    m = _DATE.search(text or "")
    if not m:
        return ""
    d, mo, y = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
    try:
        return date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return ""


def _city_of(local: str, cv: str) -> str:
    """The candidate's city: the profile's "City, State" field, else the first city the CV header names."""
    if local.strip():
        return local.split(",")[0].strip()
    from recruta.facts import locations

    found = sorted(c for c in locations(cv[:CV_HEAD_CHARS]) if c != "remote")
    return found[0].title().replace(" De ", " de ").replace(" Do ", " do ").replace(" Da ", " da ") if found else ""


def _skills(*texts: str) -> str:
    from recruta.facts import extract_skills

    found: dict[str, None] = {}
    for text in texts:
        for name in extract_skills(text):
            found.setdefault(name, None)
    return "; ".join(found)


def vaga_rows(ds: Dataset, *, pii: Counter[str] | None = None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for vid, v in ds.vagas.items():
        b, p = v.informacoes_basicas, v.perfil_vaga
        extra = b.model_extra or {}
        rows.append(
            (
                vid,
                b.titulo_vaga,
                b.cliente,
                p.cidade,
                p.estado,
                p.pais,
                p.nivel_profissional,
                p.nivel_academico,
                p.nivel_ingles,
                p.nivel_espanhol,
                p.outro_idioma,
                p.areas_atuacao.strip(" -"),
                b.tipo_contratacao,
                redact(p.principais_atividades, counts=pii),
                redact(p.competencia_tecnicas_e_comportamentais, counts=pii),
                redact(p.habilidades_comportamentais_necessarias, counts=pii),
                redact(p.demais_observacoes, counts=pii),
                iso_date(b.data_requicisao),
                iso_date(str(extra.get("data_inicial") or "")),
                iso_date(str(extra.get("data_final") or "")),
                b.analista_responsavel,
                str(extra.get("requisitante") or "").strip(),
                b.empresa_divisao,
                b.vaga_sap,
                b.prioridade_vaga,
                p.viagens_requeridas,
                p.horario_trabalho,
            )
        )
    return rows


def applicant_rows(ds: Dataset, *, pii: Counter[str] | None = None) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for code, a in ds.applicants.items():
        pr, fo, ib = a.informacoes_profissionais, a.formacao_e_idiomas, a.infos_basicas
        declared = redact(pr.conhecimentos_tecnicos, counts=pii)
        rows.append(
            (
                code,
                a.nome,
                pr.titulo_profissional,
                pr.area_atuacao.strip(" -"),
                pr.nivel_profissional,
                declared,
                _skills(pr.titulo_profissional, declared, a.cv_pt, a.cv_en),
                redact(" ".join(x for x in (pr.certificacoes, pr.outras_certificacoes) if x), counts=pii),
                fo.nivel_academico,
                fo.cursos,
                fo.instituicao_ensino_superior,
                fo.nivel_ingles,
                fo.nivel_espanhol,
                fo.outro_idioma.strip(" -"),
                _city_of(ib.local, a.cv_pt or a.cv_en),
                redact(ib.objetivo_profissional, counts=pii),
                iso_date(str((ib.model_extra or {}).get("data_criacao") or "")),
                "field" if ib.local.strip() else "cv",
            )
        )
    return rows


def application_rows(ds: Dataset, *, pii: Counter[str] | None = None) -> list[tuple[Any, ...]]:
    rows, seen = [], set()
    for rec in ds.applications:
        p = rec.prospect
        if (rec.vaga_id, p.codigo) in seen:  # the same candidate listed twice in one vaga: the first, as the index
            continue
        seen.add((rec.vaga_id, p.codigo))
        rows.append(
            (
                rec.vaga_id,
                p.codigo,
                p.nome,
                rec.vaga_titulo,
                p.situacao_candidado,
                outcome(p.situacao_candidado, hired=rec.hired),
                int(rec.hired),
                iso_date(p.data_candidatura),
                iso_date(p.ultima_atualizacao),
                p.recrutador,
                redact(p.comentario, counts=pii),
            )
        )
    return rows


def build_table(ds: Dataset, path: Path, *, pii: Counter[str] | None = None) -> Path:
    """Write the records table of ``ds`` to ``path`` (replaced atomically: a reader never sees half a table)."""
    for columns in (VAGA_COLUMNS, APPLICANT_COLUMNS, APPLICATION_COLUMNS):
        if FORBIDDEN_COLUMNS & set(columns):
            raise ValueError(f"personal data column in the records table: {FORBIDDEN_COLUMNS & set(columns)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        for name, columns, rows in (
            ("vagas", VAGA_COLUMNS, vaga_rows(ds, pii=pii)),
            ("applicants", APPLICANT_COLUMNS, applicant_rows(ds, pii=pii)),
            ("applications", APPLICATION_COLUMNS, application_rows(ds, pii=pii)),
        ):
            cols = ", ".join(f'"{c}" {"INTEGER" if c == "hired" else "TEXT"}' for c in columns)
            con.execute(f"CREATE TABLE {name} ({cols})")
            con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})", rows)
        con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (json.dumps(SCHEMA_VERSION),))
        con.commit()
    finally:
        con.close()
    tmp.replace(path)
    return path


@dataclass(kw_only=True)
class RecordsTable:
    """The three tables in memory (pandas), with the lookups the planner and the executor share."""

    vagas: pd.DataFrame
    applicants: pd.DataFrame
    applications: pd.DataFrame
    source: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path) -> RecordsTable:
        import pandas as pd

        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            frames = {
                name: pd.read_sql_query(f"SELECT * FROM {name}", con).fillna("")
                for name in ("vagas", "applicants", "applications")
            }
        finally:
            con.close()
        return cls.from_frames(**frames, source=str(path))

    @classmethod
    def from_frames(
        cls, *, vagas: pd.DataFrame, applicants: pd.DataFrame, applications: pd.DataFrame, source: str = ""
    ) -> RecordsTable:
        """Derived columns every plan uses (years, the vaga's client on each application), computed once."""
        vagas = vagas.set_index("vaga_id", drop=False)
        applicants = applicants.set_index("code", drop=False)
        if "city_source" not in applicants:  # a table of schema 1: every city counted as the profile's
            applicants["city_source"] = "field"
        applications = applications.copy()
        applications["hired"] = applications["hired"].astype(int).astype(bool)
        vagas["year"] = vagas["requested"].str[:4]
        applications["applied_year"] = applications["applied"].str[:4]
        # The hire's date: the application's last update (when its status last changed), else its date.
        applications["hire_year"] = (
            applications["updated"].where(applications["updated"] != "", applications["applied"]).str[:4]
        )
        applications["client"] = applications["vaga_id"].map(vagas["client"]).fillna("")
        applications["title"] = applications["vaga_id"].map(vagas["title"]).fillna("")
        applications["title"] = applications["title"].where(applications["title"] != "", applications["vaga_title"])
        return cls(vagas=vagas, applicants=applicants, applications=applications, source=source)

    @cached_property
    def by_vaga(self) -> dict[str, list[int]]:
        """Row positions of each vaga's applications."""
        out: dict[str, list[int]] = {}
        for pos, vid in enumerate(self.applications["vaga_id"].tolist()):
            out.setdefault(vid, []).append(pos)
        return out

    @cached_property
    def by_code(self) -> dict[str, list[int]]:
        """Row positions of each candidate's applications."""
        out: dict[str, list[int]] = {}
        for pos, code in enumerate(self.applications["code"].tolist()):
            out.setdefault(code, []).append(pos)
        return out

    @cached_property
    def skill_index(self) -> dict[str, set[str]]:
        """Canonical skill → codes of the candidates who have it."""
        out: dict[str, set[str]] = {}
        for code, skills in zip(self.applicants["code"].tolist(), self.applicants["skills"].tolist(), strict=True):
            for skill in filter(None, skills.split("; ")):
                out.setdefault(skill, set()).add(code)
        return out

    def names(self) -> dict[str, set[str]]:
        """Candidate name → codes (from the applicants file and the applications, which name them too)."""
        if "names" not in self._cache:
            out: dict[str, set[str]] = {}
            for frame in (self.applicants, self.applications):
                for name, code in zip(frame["name"].tolist(), frame["code"].tolist(), strict=True):
                    if name.strip():
                        out.setdefault(name.strip(), set()).add(code)
            self._cache["names"] = out
        result: dict[str, set[str]] = self._cache["names"]
        return result

    def candidate_name(self, code: str) -> str:
        if code in self.applicants.index:
            return str(self.applicants.at[code, "name"])
        rows = self.by_code.get(code)
        return str(self.applications.iloc[rows[0]]["name"]) if rows else ""

    def counts(self) -> dict[str, int]:
        return {"vagas": len(self.vagas), "applicants": len(self.applicants), "applications": len(self.applications)}


def local_folder(client: Any) -> Path | None:
    """The folder of an embedded Chroma client (None for a server): where its records table lives."""
    try:
        conf = client.get_settings()
    except Exception:
        return None
    if conf.is_persistent and conf.persist_directory and not getattr(conf, "chroma_server_host", None):
        return Path(conf.persist_directory)
    return None


def table_path(store: Store, *, settings: Settings | None = None) -> Path:
    """Where ingestion writes the records table of ``store``'s index: beside an embedded index, in
    ``RECRUTA_RECORDS_DIR`` (default ``RECRUTA_HOME/records``) for a Chroma server."""
    folder = local_folder(store.client)
    if folder is None:
        from recruta.core.settings import get_settings

        folder = (settings or get_settings()).records_folder
    return folder / f"table-{store.name}.sqlite3"


__all__ = [
    "APPLICANT_COLUMNS",
    "APPLICATION_COLUMNS",
    "FORBIDDEN_COLUMNS",
    "TABLE_FILE",
    "VAGA_COLUMNS",
    "RecordsTable",
    "build_table",
    "iso_date",
    "local_folder",
    "table_path",
]
