"""The generator's vocabulary, read once from the JSON files in ``vocab/`` into typed, immutable values.

The words live in data files so they can be read and edited without touching the generator's logic; the code
keeps the structure of each record (keys, their order, the real files' quirks) and the probabilities of its
branches. Lists keep their order (draws index into them) and [value, weight] pairs keep their weights' types,
so the same files give byte-identical output. Each file opens with an ``_about`` line saying what it holds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "ACADEMIC_APPLICANT",
    "ACADEMIC_VAGA",
    "AREAS",
    "AREA_INDEX",
    "BAIRROS",
    "BEHAVIOURAL",
    "BIZ_GENERIC",
    "CITIES",
    "COMMON_IT_SKILLS",
    "COMPANY_A",
    "COMPANY_B",
    "COMPANY_SUFFIX",
    "EMAIL_DOMAINS",
    "FEMALE",
    "FIRST_NAMES",
    "HIRE_STATUSES",
    "IMPLIED_LEVEL",
    "INSTITUTIONS",
    "IT_GENERIC",
    "LANG",
    "LANG_EN",
    "LEVELS_APPLICANT",
    "LEVELS_VAGA",
    "LEVEL_ORD",
    "MALE",
    "PARTICLES",
    "SECTORS",
    "SOURCES",
    "STATUS_MIX",
    "STATUS_SLOPE",
    "STREETS",
    "SURNAMES",
    "TIPOS",
    "VAGA_ENGLISH",
    "VAGA_SPANISH",
    "Area",
    "City",
    "Weighted",
    "text",
    "weighted",
]

FOLDER = Path(__file__).resolve().parent / "vocab"

Weighted = tuple[tuple[str, float], ...]  # [value, weight] pairs for random.choices


@cache
def _file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _strs(items: Any) -> tuple[str, ...]:
    return tuple(str(x) for x in items)


def _pairs(items: Any) -> Weighted:
    return tuple((str(value), weight) for value, weight in items)


def text(name: str) -> dict[str, Any]:
    """One phrase file (``vaga_text``, ``applicant_text``, ``comments``, ``cv``) as loaded: its entries are
    strings (``str.format`` templates where they hold ``{...}``), lists of them, or [value, weight] lists."""
    return _file(name)


def weighted(name: str, key: str) -> Weighted:
    """A [value, weight] list of a phrase file, e.g. ``weighted("vaga_text", "fields")``'s entries."""
    node: Any = _file(name)
    for part in key.split("."):
        node = node[part]
    return _pairs(node)


@dataclass(frozen=True)
class Area:
    """A professional area: how vagas and CVs name it, its roles, skills and activity phrases."""

    key: str
    vaga_label: str  # perfil_vaga.areas_atuacao (with the real files' trailing "-")
    cand_label: str  # informacoes_profissionais.area_atuacao
    desc: str  # "profissional com N anos de experiência em <desc>"
    desc_en: str
    team: str  # "<nivel> de <team>" titles
    roles: tuple[tuple[str, str], ...]  # (role title, focus skill it implies)
    leads: tuple[str, ...]  # titles for Líder/Coordenador/Gerente levels
    skills: tuple[str, ...]  # core skills first
    activities: tuple[str, ...]  # noun phrases; "{f}" is replaced by the focus skill
    certs: tuple[str, ...]
    courses: tuple[str, ...]
    related: tuple[str, ...]
    it: bool
    vaga_weight: float
    applicant_weight: float


@dataclass(frozen=True)
class City:
    """A city with what fake addresses and phones need, and its weight among vagas and among applicants."""

    city: str
    state: str
    uf: str
    ddd: int
    cep: tuple[int, int]
    w_vagas: float
    w_applicants: float


def _area(a: dict[str, Any]) -> Area:
    return Area(
        key=a["key"],
        vaga_label=a["vaga_label"],
        cand_label=a["cand_label"],
        desc=a["desc"],
        desc_en=a["desc_en"],
        team=a["team"],
        roles=tuple((str(r), str(f)) for r, f in a["roles"]),
        leads=_strs(a["leads"]),
        skills=_strs(a["skills"]),
        activities=_strs(a["activities"]),
        certs=_strs(a["certs"]),
        courses=_strs(a["courses"]),
        related=_strs(a["related"]),
        it=bool(a["it"]),
        vaga_weight=a["vaga_weight"],
        applicant_weight=a["applicant_weight"],
    )


def _city(c: dict[str, Any]) -> City:
    lo, hi = c["cep"]
    return City(
        city=c["city"],
        state=c["state"],
        uf=c["uf"],
        ddd=int(c["ddd"]),
        cep=(int(lo), int(hi)),
        w_vagas=c["w_vagas"],
        w_applicants=c["w_applicants"],
    )


AREAS: tuple[Area, ...] = tuple(_area(a) for a in _file("areas")["areas"])
AREA_INDEX: dict[str, int] = {a.key: i for i, a in enumerate(AREAS)}
COMMON_IT_SKILLS = _strs(_file("areas")["common_it_skills"])  # any IT CV may add one

_people = _file("people")
FEMALE = _strs(_people["female"])
MALE = _strs(_people["male"])
FIRST_NAMES = FEMALE + MALE
SURNAMES = _strs(_people["surnames"])
PARTICLES: dict[str, str] = dict(_people["particles"])

_places = _file("places")
CITIES: tuple[City, ...] = tuple(_city(c) for c in _places["cities"])
STREETS = _strs(_places["streets"])
BAIRROS = _strs(_places["bairros"])
EMAIL_DOMAINS = _strs(_places["email_domains"])

_orgs = _file("organisations")
COMPANY_A = _strs(_orgs["company_a"])
COMPANY_B = _strs(_orgs["company_b"])
COMPANY_SUFFIX = _strs(_orgs["company_suffix"])
INSTITUTIONS = _strs(_orgs["institutions"])
SECTORS = _strs(_orgs["sectors"])

_levels = _file("levels")
LEVEL_ORD: dict[str, int] = dict(_levels["level_ord"])  # nivel profissional -> 1 junior ... 5 manager
IMPLIED_LEVEL: dict[str, str] = dict(_levels["implied_level"])  # roles whose first word already says the level
LEVELS_VAGA = _pairs(_levels["vaga_levels"])
LEVELS_APPLICANT = _pairs(_levels["applicant_levels"])
LANG = _strs(_levels["languages"])
LANG_EN = _strs(_levels["languages_en"])
VAGA_ENGLISH: tuple[tuple[str, int, float], ...] = tuple((str(v), int(o), w) for v, o, w in _levels["vaga_english"])
VAGA_SPANISH = _pairs(_levels["vaga_spanish"])
ACADEMIC_VAGA = _pairs(_levels["vaga_academic"])
ACADEMIC_APPLICANT = _pairs(_levels["applicant_academic"])
TIPOS = _pairs(_levels["tipos"])
SOURCES = _strs(_levels["sources"])

_statuses = _file("statuses")
STATUS_MIX: dict[str, float] = dict(_statuses["mix"])  # target share (%) of each situacao_candidado
STATUS_SLOPE: dict[str, float] = dict(_statuses["slope"])  # log-odds slope on the match score
HIRE_STATUSES: tuple[str, ...] = _strs(_statuses["hired"])  # = recruta.core.settings.DEFAULT_HIRED

_vaga_text = _file("vaga_text")
IT_GENERIC = _strs(_vaga_text["it_generic"])
BIZ_GENERIC = _strs(_vaga_text["biz_generic"])
BEHAVIOURAL = _strs(_vaga_text["behavioural"])
