"""The records seen the way recruiters describe them: jobs by title/client/city/date, people by name.

The evaluation set computes every expected answer here, from the loaded :class:`Dataset`, never from the index or
the agent. Jobs are the union of ``vagas.json`` and ``prospects.json`` (the real Decision slices do not join: a
job may exist only as a prospects entry, with a title and applications but no client or city). People are keyed by
candidate code, with the applicant record when there is one. A description ("Scrum Master da Pampa Energia")
matches a job when the description's title words are all in the job's title and every other given attribute is
equal (accents and case folded), so "Scrum Master" also matches "Scrum Master Pleno": a description is only used
when exactly one job matches it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from recruta.ingest.loaders import Dataset, ProspectRecord
from recruta.ingest.schema import Applicant, Vaga
from recruta.text.fold import fold

__all__ = ["ENGLISH_ORDER", "Facts", "Job", "Person", "VAGA_FIELDS", "key", "parse_date", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_HONORIFIC = re.compile(r"^(?:sr|sra|srta|dr|dra)\.?\s+", re.I)
# English levels in increasing order: a search for "inglês Avançado" is only asked when "exactly Avançado" and
# "Avançado or better" give the same people.
ENGLISH_ORDER = ("nenhum", "basico", "intermediario", "avancado", "fluente")
WITHDREW = ("desistiu",)


def key(text: str) -> str:
    """Folded, single-spaced: the form two values are compared in."""
    return " ".join(fold(text).split())


def words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(text)))


def parse_date(text: str) -> date | None:
    m = _DATE.match(text or "")
    if not m:
        return None
    d, mo, y = (int(x) for x in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def useful(value: str) -> bool:
    """A field value worth asking about: not empty and not a placeholder ("-", ":")."""
    return bool(value.strip(" -:.\t\n"))


def strip_honorific(name: str) -> str:
    return _HONORIFIC.sub("", name).strip()


def _vaga_field(getter: str) -> tuple[str, str]:
    section, _, attr = getter.partition(".")
    return section, attr


# intent → (section, attribute) of a Vaga; what a vaga_field question asks.
VAGA_FIELDS: dict[str, tuple[str, str]] = {
    "ingles": _vaga_field("perfil_vaga.nivel_ingles"),
    "espanhol": _vaga_field("perfil_vaga.nivel_espanhol"),
    "nivel_profissional": _vaga_field("perfil_vaga.nivel_profissional"),
    "nivel_academico": _vaga_field("perfil_vaga.nivel_academico"),
    "atividades": _vaga_field("perfil_vaga.principais_atividades"),
    "cliente": _vaga_field("informacoes_basicas.cliente"),
    "cidade": _vaga_field("perfil_vaga.cidade"),
    "data": _vaga_field("informacoes_basicas.data_requicisao"),
    "tipo_contratacao": _vaga_field("informacoes_basicas.tipo_contratacao"),
    "analista": _vaga_field("informacoes_basicas.analista_responsavel"),
}


def vaga_value(vaga: Vaga, intent: str) -> str:
    section, attr = VAGA_FIELDS[intent]
    return str(getattr(getattr(vaga, section), attr))


@dataclass(kw_only=True)
class Job:
    """A vaga (from vagas.json, prospects.json or both) with its applications."""

    id: str
    titulo: str
    vaga: Vaga | None = None
    apps: list[ProspectRecord] = field(default_factory=list)

    @property
    def cliente(self) -> str:
        return self.vaga.informacoes_basicas.cliente if self.vaga else ""

    @property
    def cidade(self) -> str:
        return self.vaga.perfil_vaga.cidade if self.vaga else ""

    @property
    def senioridade(self) -> str:
        return self.vaga.perfil_vaga.nivel_profissional if self.vaga else ""

    @property
    def opened(self) -> date | None:
        return parse_date(self.vaga.informacoes_basicas.data_requicisao) if self.vaga else None

    @property
    def hires(self) -> list[ProspectRecord]:
        return [a for a in self.apps if a.hired]

    @property
    def record_id(self) -> str:
        return f"vaga:{self.id}"


@dataclass(kw_only=True)
class Person:
    """A candidate code: its name, applicant record (if any) and applications."""

    codigo: str
    nome: str
    applicant: Applicant | None = None
    apps: list[ProspectRecord] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return f"candidato:{self.codigo}"

    @property
    def city(self) -> str:
        return self.applicant.infos_basicas.local.split(",")[0].strip() if self.applicant else ""

    @property
    def english(self) -> str:
        return self.applicant.formacao_e_idiomas.nivel_ingles if self.applicant else ""

    @property
    def seniority(self) -> str:
        return self.applicant.informacoes_profissionais.nivel_profissional if self.applicant else ""

    @property
    def skills(self) -> list[str]:
        """The items of ``conhecimentos_tecnicos`` (comma/semicolon lists); long free text yields nothing."""
        if not self.applicant:
            return []
        items = [
            s.strip(" .") for s in re.split(r"[,;]", self.applicant.informacoes_profissionais.conhecimentos_tecnicos)
        ]
        return [s for s in items if 2 <= len(s) <= 40]


def prospect_id(app: ProspectRecord) -> str:
    return f"prospect:{app.vaga_id}:{app.codigo}"


class Facts:
    """Indexes over one Dataset; every query returns records, so expected answers carry their ids."""

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.jobs: dict[str, Job] = {}
        for vid, v in ds.vagas.items():
            self.jobs[vid] = Job(id=vid, titulo=v.titulo, vaga=v)
        for vid, p in ds.prospects.items():
            job = self.jobs.setdefault(vid, Job(id=vid, titulo=p.titulo))
            job.titulo = job.titulo or p.titulo
        seen: set[tuple[str, str]] = set()
        for app in ds.applications:
            if (app.vaga_id, app.codigo) not in seen:  # documents.py keeps the first of a duplicated application
                seen.add((app.vaga_id, app.codigo))
                self.jobs[app.vaga_id].apps.append(app)
        self.people: dict[str, Person] = {}
        for code, a in ds.applicants.items():
            self.people[code] = Person(codigo=code, nome=a.nome, applicant=a)
        for job in self.jobs.values():
            for app in job.apps:
                person = self.people.setdefault(app.codigo, Person(codigo=app.codigo, nome=app.prospect.nome))
                person.nome = person.nome or app.prospect.nome
                person.apps.append(app)
        self._by_name: dict[str, set[str]] = defaultdict(set)
        for code, person in self.people.items():
            for name in {person.nome, *(a.prospect.nome for a in person.apps)}:
                if name:
                    self._by_name[key(name)].add(code)

    # ----------------------------------------------------------------- people
    def person_by_name(self, name: str) -> Person | None:
        """The one person with this name, or None when nobody or several people carry it."""
        codes = self._by_name.get(key(name), set())
        return self.people[next(iter(codes))] if len(codes) == 1 else None

    def name_exists(self, name: str) -> bool:
        """Any person whose name is, or contains, these words in order (a made-up name must match nobody)."""
        k = key(name)
        return any(k == n or f" {k} " in f" {n} " for n in self._by_name)

    @cached_property
    def hired_names(self) -> frozenset[str]:
        return frozenset(key(p.nome) for p in self.people.values() if any(a.hired for a in p.apps))

    # ------------------------------------------------------------------- jobs
    def jobs_matching(
        self,
        *,
        titulo: str | None = None,
        cliente: str | None = None,
        cidade: str | None = None,
        ano: int | None = None,
        mes: int | None = None,
        senioridade: str | None = None,
    ) -> list[Job]:
        tw = words(titulo) if titulo else None
        out = []
        for job in self.jobs.values():
            if tw is not None and not tw <= words(job.titulo):
                continue
            if cliente is not None and key(job.cliente) != key(cliente):
                continue
            if cidade is not None and key(job.cidade) != key(cidade):
                continue
            if senioridade is not None and key(job.senioridade) != key(senioridade):
                continue
            if ano is not None or mes is not None:
                opened = job.opened
                if (
                    opened is None
                    or (ano is not None and opened.year != ano)
                    or (mes is not None and opened.month != mes)
                ):
                    continue
            out.append(job)
        return out

    @cached_property
    def vagas(self) -> list[Job]:
        """Jobs that have a vagas.json record (client, city, levels, dates)."""
        return [j for j in self.jobs.values() if j.vaga is not None]

    def field_values(self, intent: str) -> list[str]:
        """Every distinct value a vaga field takes in the records (a value question's possible contradictions)."""
        return sorted({vaga_value(j.vaga, intent) for j in self.vagas if j.vaga and useful(vaga_value(j.vaga, intent))})

    # ------------------------------------------------------------- aggregates
    def vagas_per(self, attr: str, jobs: Iterable[Job] | None = None) -> Counter[str]:
        """Vagas per client ("cliente") or per title ("titulo"), over vagas.json records."""
        return Counter(getattr(j, attr) for j in (self.vagas if jobs is None else jobs) if getattr(j, attr))

    @cached_property
    def applications(self) -> list[ProspectRecord]:
        return [a for j in self.jobs.values() for a in j.apps]

    def hire_year(self, app: ProspectRecord) -> int | None:
        """A hire happens when the application's status last changed: the year of ``ultima_atualizacao``."""
        d = parse_date(app.prospect.ultima_atualizacao)
        return d.year if d else None

    def client_of(self, app: ProspectRecord) -> str:
        return self.jobs[app.vaga_id].cliente

    @staticmethod
    def withdrew(app: ProspectRecord) -> bool:
        return any(w in key(app.prospect.situacao_candidado) for w in WITHDREW)

    @cached_property
    def joined(self) -> bool:
        """Do applications point at vagas with a client (the project sample), or only at prospects entries
        (the real slices)? Client-level aggregates of applications need the join."""
        with_client = sum(1 for a in self.applications if self.client_of(a))
        return bool(self.applications) and with_client >= 0.5 * len(self.applications)

    # ------------------------------------------------------------- candidates
    @cached_property
    def applicants(self) -> list[Person]:
        return [p for p in self.people.values() if p.applicant is not None]

    def skill_population(self) -> float:
        """Share of applicants with a usable skills list (candidate search by skill needs most of them)."""
        return sum(1 for p in self.applicants if p.skills) / max(1, len(self.applicants))

    @staticmethod
    def english_rank(level: str) -> int | None:
        k = key(level)
        return ENGLISH_ORDER.index(k) if k in ENGLISH_ORDER else None
