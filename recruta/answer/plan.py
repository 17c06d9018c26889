"""The plan: what a question asks of the records table, as data — never as SQL or code.

A plan names an intent, the records it is about (a vaga by id or description, candidates by name or code),
filters, a grouping and how many rows to show. Every value is a short string, a year or a small number,
compared as a literal with the table's values by the executor; the enumerations below are all a plan can
say. :meth:`Plan.from_dict` is the one gate a plan proposed by a language model goes through: unknown keys,
wrong types, unknown enumeration values, over-long strings or out-of-range numbers make it
:class:`InvalidPlan`, and the question then goes to retrieval instead.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from dataclasses import field as _field
from typing import Any

from recruta.core.errors import InvalidInput

INTENTS = (
    "vaga_field",  # a vaga's field (English level, activities, client...) — by id or description
    "vaga_hires",  # who was hired for a vaga
    "applicant_status",  # where a candidate stands (in one vaga or in all of theirs)
    "count",  # how many vagas / applications / hires / candidates, optionally grouped, or the list
    "ranking",  # the groups (clients, recruiters, titles...) with the most vagas / applications / hires
    "candidate_search",  # candidates with skills, English level, city, seniority
    "candidate_profile",  # one candidate by name or code
    "compare",  # two candidates side by side for one vaga
    "unanswerable",  # the records do not hold it (or it is personal data)
    "retrieval",  # none of the above: text retrieval answers
)
VAGA_FIELDS = (
    "summary",
    "title",
    "client",
    "location",
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
    "period",
    "analyst",
    "requester",
    "sap",
    "priority",
    "travel",
    "hours",
    "applications",
)
CANDIDATE_FIELDS = (
    "summary",
    "title",
    "level",
    "skills",
    "english",
    "spanish",
    "academic",
    "location",
    "applications",
    "certifications",
)
MEASURES = ("vagas", "applications", "hires", "candidates", "people")  # people: distinct applicants
GROUPS = ("", "client", "recruiter", "analyst", "title", "vaga", "year", "city", "state", "level", "status")
OPS = ("count", "list")
OUTCOMES = ("", "hired", "not_approved", "withdrew", "in_process")
REASONS = ("", "private", "not_in_records")
LANGUAGE_LEVELS = ("", "Nenhum", "Básico", "Técnico", "Intermediário", "Avançado", "Fluente")
MAX_TEXT = 120
MAX_ITEMS = 8
MAX_N = 50
_DIGITS = re.compile(r"^\d{1,9}$")


class InvalidPlan(InvalidInput):
    """A proposed plan that does not fit the schema."""


@dataclass(frozen=True, kw_only=True)
class VagaRef:
    """One vaga: by ``ids``, or described by title words and the client/city/level it has."""

    ids: tuple[str, ...] = ()
    title: str = ""
    client: str = ""
    city: str = ""
    state: str = ""
    level: str = ""
    year: int | None = None  # when it was opened ("aberta em maio de 2019"): narrows equally fitting vagas
    month: int | None = None

    def empty(self) -> bool:
        return not (self.ids or self.title or self.client or self.city or self.state or self.level)


@dataclass(frozen=True, kw_only=True)
class Filters:
    year: int | None = None
    month: int | None = None  # with a year: "vagas abertas em junho de 2020"
    client: str = ""
    recruiter: str = ""
    analyst: str = ""
    city: str = ""
    state: str = ""
    level: str = ""
    english: str = ""
    spanish: str = ""
    skills: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    outcome: str = ""
    title: str = ""


@dataclass(frozen=True, kw_only=True)
class Plan:
    intent: str
    vaga: VagaRef | None = None
    candidates: tuple[str, ...] = ()  # names or codes, as the question gives them
    field: str = "summary"
    measure: str = "vagas"
    op: str = "count"
    group_by: str = ""
    filters: Filters = _field(default_factory=Filters)
    n: int = 5
    reason: str = ""
    source: str = "rules"  # "rules", "examples" or "llm": who made it (logged, not trusted)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        """Validate a plan given as JSON data; anything outside the schema is :class:`InvalidPlan`."""
        if not isinstance(data, dict):
            raise InvalidPlan("plan: expected an object")
        _keys(data, cls, "plan")
        intent = _enum(data.get("intent"), INTENTS, "intent", required=True)
        vaga = None
        if data.get("vaga") is not None:
            raw = data["vaga"]
            if not isinstance(raw, dict):
                raise InvalidPlan("vaga: expected an object")
            _keys(raw, VagaRef, "vaga")
            vaga = VagaRef(
                ids=_ids(raw.get("ids", ()), "vaga.ids"),
                year=_year(raw.get("year"), "vaga.year"),
                month=_month(raw.get("month"), "vaga.month"),
                **{k: _text(raw.get(k, ""), f"vaga.{k}") for k in ("title", "client", "city", "state", "level")},
            )
        raw_f = data.get("filters") or {}
        if not isinstance(raw_f, dict):
            raise InvalidPlan("filters: expected an object")
        _keys(raw_f, Filters, "filters")
        filters = Filters(
            year=_year(raw_f.get("year"), "filters.year"),
            month=_month(raw_f.get("month"), "filters.month"),
            skills=_texts(raw_f.get("skills", ()), "filters.skills"),
            keywords=_texts(raw_f.get("keywords", ()), "filters.keywords"),
            outcome=_enum(raw_f.get("outcome", ""), OUTCOMES, "filters.outcome"),
            english=_enum(raw_f.get("english", ""), LANGUAGE_LEVELS, "filters.english"),
            spanish=_enum(raw_f.get("spanish", ""), LANGUAGE_LEVELS, "filters.spanish"),
            **{
                k: _text(raw_f.get(k, ""), f"filters.{k}")
                for k in ("client", "recruiter", "analyst", "city", "state", "level", "title")
            },
        )
        n = data.get("n", 5)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= MAX_N:
            raise InvalidPlan(f"n: expected a whole number from 1 to {MAX_N}")
        candidates = _texts(data.get("candidates", ()), "candidates")
        return cls(
            intent=intent,
            vaga=vaga,
            candidates=candidates,
            field=_enum(data.get("field", "summary"), tuple(dict.fromkeys(VAGA_FIELDS + CANDIDATE_FIELDS)), "field"),
            measure=_enum(data.get("measure", "vagas"), MEASURES, "measure"),
            op=_enum(data.get("op", "count"), OPS, "op"),
            group_by=_enum(data.get("group_by", ""), GROUPS, "group_by"),
            filters=filters,
            n=n,
            reason=_enum(data.get("reason", ""), REASONS, "reason"),
            source=_enum(data.get("source", "rules"), ("rules", "examples", "llm"), "source"),
        )


def _year(value: Any, where: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100):
        raise InvalidPlan(f"{where}: expected a year")
    return value


def _month(value: Any, where: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12):
        raise InvalidPlan(f"{where}: expected a month number")
    return value


def _keys(data: dict[str, Any], cls: type, where: str) -> None:
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise InvalidPlan(f"{where}: unknown keys {sorted(unknown)[:5]}")


def _enum(value: Any, allowed: tuple[str, ...], where: str, *, required: bool = False) -> str:
    if value is None and not required:
        return allowed[0]
    if not isinstance(value, str) or value not in allowed:
        raise InvalidPlan(f"{where}: expected one of {list(allowed)}")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise InvalidPlan(f"{where}: expected a text of at most {MAX_TEXT} characters")
    return value.strip()


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or len(value) > MAX_ITEMS:
        raise InvalidPlan(f"{where}: expected a list of at most {MAX_ITEMS} texts")
    return tuple(_text(v, where) for v in value)


def _ids(value: Any, where: str) -> tuple[str, ...]:
    out = _texts(value, where)
    if not all(_DIGITS.match(v) for v in out):
        raise InvalidPlan(f"{where}: ids are digits")
    return out


__all__ = [
    "CANDIDATE_FIELDS",
    "GROUPS",
    "INTENTS",
    "MEASURES",
    "OPS",
    "VAGA_FIELDS",
    "Filters",
    "InvalidPlan",
    "Plan",
    "VagaRef",
]
