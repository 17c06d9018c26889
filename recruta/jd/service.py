"""Job descriptions from structured fields, grounded in the most similar historical vagas.

    service = JDService(sessionmaker=make_sessionmaker(url), retrieve=agent.retrieve)
    jd = service.generate(JDRequest(title="Engenheiro de Dados", skills=["Python", "Airflow"], language="pt"))
    jd["sections"], jd["markdown"], jd["source_vaga_ids"]

Generation is deterministic and extractive, never free-written:

- the *responsibilities* are activity lines of the retrieved vagas ("Principais atividades"), preferring
  lines that mention the requested skills or title words; without usable lines, sentences built from the
  given skills with fixed per-language templates;
- the *requirements* are the given skills (verbatim), the given years, and up to 3 competency lines of the
  retrieved vagas that mention a given skill; *nice-to-have* is the given list plus up to 3 technical skills
  named in the retrieved vagas' competencies (quoted as written there);
- the *summary* is a template sentence holding exactly the given facts (title, company and its description,
  job type, location, work model); the *benefits* and the *salary line* exist only when given.

Grounded lines that carry facts of another job (numbers, years, money, benefits, its client, a place, a
language requirement, redaction markers) are dropped, and a line is used only when it is written in the
output language (history is Portuguese, so en/es outputs mostly fall back to the skill templates).
An LLM (``generator``) may only rephrase the summary; the rephrasing is kept only if it still contains every
given value verbatim and no number, money or benefit that the template summary did not have.

Vaga documents in the index are chunks (``recruta.ingest.documents.vaga_documents``) that cut lines in the middle;
the chunks of each retrieved vaga are fetched together (one extra ``retrieve`` call filtered on their ids),
stitched on their overlap, and lines cut at a chunk boundary are never used.
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import statistics
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from sqlalchemy import func, orm, select

from recruta.core.db import GeneratedJD, JDFeedback
from recruta.core.errors import InvalidInput, NotFound
from recruta.facts import Evidence, detect_language, extract_skills, fold, load_taxonomy, locations, requirements
from recruta.facts import years_of_experience as _years_of_experience
from recruta.ingest.schema import Vaga
from recruta.ingest.store import Hit
from recruta.rag.generators import GenerationInput, Generator
from recruta.text.fold import content_words

log = logging.getLogger("recruta.jd.service")

Language = Literal["pt", "en", "es"]
Remote = Literal["remoto", "hibrido", "presencial"]
LANGUAGES: tuple[str, ...] = ("pt", "en", "es")
SECTIONS: tuple[str, ...] = ("summary", "responsibilities", "requirements", "nice_to_have", "benefits", "salary")
LIST_SECTIONS = frozenset({"responsibilities", "requirements", "nice_to_have", "benefits"})
FIELDS: tuple[str, ...] = (
    "title", "years_experience", "skills", "company", "company_description", "job_type", "location", "remote",
    "salary_min", "salary_max", "currency", "benefits", "language", "nice_to_have",
)


class JDError(InvalidInput):
    """Bad input for a job description (the message says which field and why)."""


# --------------------------------------------------------------------------- the request
_REMOTE_SYNONYMS = {
    "remoto": "remoto", "remote": "remoto", "home office": "remoto", "teletrabajo": "remoto",
    "hibrido": "hibrido", "hybrid": "hibrido",
    "presencial": "presencial", "onsite": "presencial", "on-site": "presencial", "on site": "presencial",
    "in office": "presencial", "in-office": "presencial",
}


def _text(value: Any, *, name: str, max_len: int, optional: bool) -> str | None:
    """Strip and collapse whitespace; blank optional text is None, blank required text an error."""
    if value is None:
        if optional:
            return None
        raise ValueError(f"{name} is required")
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {type(value).__name__}")
    text = " ".join(value.split())
    if not text:
        if optional:
            return None
        raise ValueError(f"{name} must not be blank")
    if len(text) > max_len:
        raise ValueError(f"{name} is too long ({len(text)} characters, at most {max_len})")
    return text


def _text_list(value: Any, *, name: str, max_items: int, max_len: int) -> list[str]:
    """A list of non-blank texts, deduplicated case-insensitively in order."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{name} must be a list of texts, got {type(value).__name__}")
    out: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        text = _text(item, name=f"{name}[{i}]", max_len=max_len, optional=False)
        assert text is not None
        key = text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(text)
    if len(out) > max_items:
        raise ValueError(f"{name} has {len(out)} items, at most {max_items}")
    return out


def _money_value(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number")
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    if value > 1e9:
        raise ValueError(f"{name} is too large (at most 1,000,000,000)")
    return value


class JDRequest(BaseModel):
    """The structured fields a recruiter fills in. Unknown fields are rejected; text is stripped."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: str
    years_experience: int | None = None
    skills: list[str] = []
    company: str | None = None
    company_description: str | None = None
    job_type: str | None = None
    location: str | None = None
    remote: Remote | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    currency: str = "BRL"
    benefits: list[str] = []
    language: Language = "pt"
    nice_to_have: list[str] = []

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v: Any) -> str | None:
        return _text(v, name="title", max_len=150, optional=False)

    @field_validator("company", mode="before")
    @classmethod
    def _company(cls, v: Any) -> str | None:
        return _text(v, name="company", max_len=200, optional=True)

    @field_validator("company_description", mode="before")
    @classmethod
    def _company_description(cls, v: Any) -> str | None:
        return _text(v, name="company_description", max_len=1000, optional=True)

    @field_validator("job_type", mode="before")
    @classmethod
    def _job_type(cls, v: Any) -> str | None:
        return _text(v, name="job_type", max_len=80, optional=True)

    @field_validator("location", mode="before")
    @classmethod
    def _location(cls, v: Any) -> str | None:
        return _text(v, name="location", max_len=200, optional=True)

    @field_validator("skills", mode="before")
    @classmethod
    def _skills(cls, v: Any) -> list[str]:
        return _text_list(v, name="skills", max_items=40, max_len=80)

    @field_validator("benefits", mode="before")
    @classmethod
    def _benefits(cls, v: Any) -> list[str]:
        return _text_list(v, name="benefits", max_items=30, max_len=200)

    @field_validator("nice_to_have", mode="before")
    @classmethod
    def _nice(cls, v: Any) -> list[str]:
        return _text_list(v, name="nice_to_have", max_items=30, max_len=200)

    @field_validator("years_experience", mode="before")
    @classmethod
    def _years(cls, v: Any) -> int | None:
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 50:
            raise ValueError(f"years_experience must be a whole number from 0 to 50, got {v!r}")
        return v

    @field_validator("salary_min", "salary_max", mode="before")
    @classmethod
    def _salary(cls, v: Any, info: Any) -> float | None:
        return _money_value(v, info.field_name)

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v: Any) -> str:
        if v is None:
            return "BRL"
        if not isinstance(v, str) or not re.fullmatch(r"[A-Za-z]{3}", v.strip()):
            raise ValueError(f"currency must be a 3-letter ISO code such as BRL, USD or EUR, got {v!r}")
        return v.strip().upper()

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, v: Any) -> str:
        if v is None:
            return "pt"
        if not isinstance(v, str) or v.strip().lower() not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {v!r}")
        return v.strip().lower()

    @field_validator("remote", mode="before")
    @classmethod
    def _remote(cls, v: Any) -> str | None:
        if v is None:
            return None
        if not isinstance(v, str):
            raise ValueError(f"remote must be text, got {type(v).__name__}")
        key = " ".join(fold(v).split())
        if not key:
            return None
        if key not in _REMOTE_SYNONYMS:
            raise ValueError(f"remote must be one of remoto/remote, hibrido/híbrido/hybrid, presencial/onsite; got {v!r}")
        return _REMOTE_SYNONYMS[key]

    @model_validator(mode="after")
    def _salary_order(self) -> JDRequest:
        if self.salary_min is not None and self.salary_max is not None and self.salary_min > self.salary_max:
            raise ValueError(f"salary_min ({self.salary_min:g}) must not exceed salary_max ({self.salary_max:g})")
        return self

    @property
    def has_salary(self) -> bool:
        return self.salary_min is not None or self.salary_max is not None


def parse_request(data: JDRequest | Mapping[str, Any]) -> JDRequest:
    """Validate a request (e.g. a JSON body); errors become one :class:`JDError` naming each bad field."""
    if isinstance(data, JDRequest):
        return data
    if not isinstance(data, Mapping):
        raise JDError(f"expected an object with the job fields, got {type(data).__name__}")
    try:
        return JDRequest.model_validate(dict(data))
    except ValidationError as exc:
        raise JDError(_explain(exc)) from None


def _explain(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            msg = f"unknown field (allowed: {', '.join(FIELDS)})"
        elif err["type"] == "missing":
            msg = "is required"
        elif not loc:
            msg = str(err["msg"]).removeprefix("Value error, ")
        else:
            msg = str(err["msg"]).removeprefix("Value error, ")
            loc = "" if not loc or msg.startswith(loc.split(".")[0]) else loc
        problems.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(problems)


# --------------------------------------------------------------------------- language resources
_HEADINGS = {
    "pt": {"summary": "Resumo", "responsibilities": "Responsabilidades", "requirements": "Requisitos",
           "nice_to_have": "Diferenciais", "benefits": "Benefícios", "salary": "Remuneração"},
    "en": {"summary": "Summary", "responsibilities": "Responsibilities", "requirements": "Requirements",
           "nice_to_have": "Nice to have", "benefits": "Benefits", "salary": "Compensation"},
    "es": {"summary": "Resumen", "responsibilities": "Responsabilidades", "requirements": "Requisitos",
           "nice_to_have": "Deseable", "benefits": "Beneficios", "salary": "Remuneración"},
}
_REMOTE_LABEL = {
    "pt": {"remoto": "Remoto", "hibrido": "Híbrido", "presencial": "Presencial"},
    "en": {"remoto": "Remote", "hibrido": "Hybrid", "presencial": "On-site"},
    "es": {"remoto": "Remoto", "hibrido": "Híbrido", "presencial": "Presencial"},
}
_SUMMARY = {
    "pt": {"hiring": "{company} está contratando: {title}", "opening": "Vaga para {title}",
           "about": "Sobre a empresa: {text}", "job_type": "Regime de contratação: {text}",
           "location": "Local: {text}", "remote": "Modelo de trabalho: {text}"},
    "en": {"hiring": "{company} is hiring: {title}", "opening": "Opening for {title}",
           "about": "About the company: {text}", "job_type": "Employment type: {text}",
           "location": "Location: {text}", "remote": "Work model: {text}"},
    "es": {"hiring": "{company} está contratando: {title}", "opening": "Vacante para {title}",
           "about": "Sobre la empresa: {text}", "job_type": "Tipo de contratación: {text}",
           "location": "Ubicación: {text}", "remote": "Modalidad de trabajo: {text}"},
}
_TEMPLATES = {  # responsibility from a skill, by skill category ("" = hard/tool/unknown)
    "pt": {"": "Desenvolver e manter soluções com {skill}", "soft": "Colaborar com a equipe aplicando {skill}",
           "domain": "Atuar em demandas de {skill}", "title": "Atuar como {title}, colaborando com a equipe"},
    "en": {"": "Build and maintain solutions with {skill}", "soft": "Collaborate with the team applying {skill}",
           "domain": "Work on {skill} initiatives", "title": "Work as {title}, collaborating with the team"},
    "es": {"": "Desarrollar y mantener soluciones con {skill}", "soft": "Colaborar con el equipo aplicando {skill}",
           "domain": "Trabajar en iniciativas de {skill}", "title": "Trabajar como {title}, colaborando con el equipo"},
}
_REQUIREMENT = {  # requirement from a skill
    "pt": {"": "Experiência com {skill}", "domain": "Conhecimento em {skill}"},
    "en": {"": "Experience with {skill}", "domain": "Knowledge of {skill}"},
    "es": {"": "Experiencia con {skill}", "domain": "Conocimiento en {skill}"},
}
_YEARS = {
    "pt": ("Experiência prévia não obrigatória (0 anos)", "1+ ano de experiência como {title}",
           "{n}+ anos de experiência como {title}"),
    "en": ("No prior experience required (0 years)", "1+ year of experience as {title}",
           "{n}+ years of experience as {title}"),
    "es": ("No se requiere experiencia previa (0 años)", "1+ año de experiencia como {title}",
           "{n}+ años de experiencia como {title}"),
}
_SALARY = {
    "pt": ("Faixa salarial: {lo} – {hi}", "Faixa salarial: a partir de {lo}", "Faixa salarial: até {hi}",
           "Faixa salarial: {lo}"),
    "en": ("Salary range: {lo} – {hi}", "Salary range: from {lo}", "Salary range: up to {hi}", "Salary: {lo}"),
    "es": ("Rango salarial: {lo} – {hi}", "Rango salarial: desde {lo}", "Rango salarial: hasta {hi}",
           "Salario: {lo}"),
}
_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "GBP": "£"}
_LANG_NAME = {"pt": "português do Brasil", "en": "English", "es": "español"}

# Money, salary and benefit words: never in an output that was not given them.
_MONEY = re.compile(
    r"R\$|US\$|[$€£₽]|\b(?:BRL|USD|EUR|GBP)\b|sal[áa]ri\w*|salary|remunera\w*|compensation|faixa salarial|"
    r"rango salarial|sueldo|pretens[ãa]o salarial",
    re.I,
)
_BENEFIT = re.compile(
    r"benef[íi]c\w*|benefits?|\bvale[- ]|\bvr\b|\bva\b|\bplr\b|b[ôo]nus|bonus|plano de sa[úu]de|plano odonto\w*|"
    r"aux[íi]lio|seguro de vida|gympass|wellhub|health insurance|meal allowance|seguro m[ée]dico",
    re.I,
)
# Facts of another job that must not leak into this one.
_SPECIFIC = re.compile(
    r"ingl[eê]s|espanhol|english|spanish|franc[eê]s|alem[aã]o|viage\w*|viaj\w*|travel|hor[aá]rio|turno|"
    r"plant[aã]o|sobreaviso|\bpcd\b|idade|\bcnh\b|mudan[çc]a|reloca\w*|disponibilidade",
    re.I,
)
_ROLE = re.compile(
    r"\b(?:analista|desenvolvedor\w*|cientista|engenheir\w*|consultor\w*|gerente|arquitet\w*|coordenador\w*|"
    r"especialista|tecnico|assistente|developer|engineer|analyst|scientist|manager|architect|consultant|dba)\b"
)
_REDACTED = re.compile(r"\[[A-Z_]{3,}\]")
_LABEL_LIKE = re.compile(r"^[^:]{1,40}:\s")
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_NICE_HEADER = re.compile(r"diferencia|desejav|nice to have|\bplus\b|deseable")
_DESC_HEADER = re.compile(r"descri|sobre|about|objetivo|contexto|resumo|quem somos|empresa")
_INLINE_NICE = re.compile(r"^(?:desej[aá]vel|diferencia(?:l|is)|nice to have|deseable)\s*:\s*", re.I)
_BULLET = re.compile(r"^\s*(?:[-–—*•·▪●◦]\s*)+")
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP_TITLE = _wordset(
    "de da do das dos e em para com a o as os the of and for in junior jr pleno pl senior sr especialista "
    "lead lider trainee estagiario estagio i ii iii iv"
)
_GENERIC_REQ = _wordset(
    "experiencia comprovada solido solida solidos conhecimento conhecimentos vivencia dominio com em de e "
    "da do das dos na no nas nos a o as os habilidade habilidades avancado avancada bom boa pratica "
    "praticas atuacao atuar"
)

_BODY_LABELS = (
    ("Principais atividades:", "activities"),
    ("Competências técnicas e comportamentais:", "competencies"),
    ("Habilidades comportamentais:", "behaviour"),
    ("Observações:", "notes"),
)
# what an unlabeled run of lines was, given the next label in the chunk (the labels come in this order)
_BEFORE_LABEL = {"activities": "header", "competencies": "activities", "behaviour": "competencies",
                 "notes": "competencies"}


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _fmt_number(value: float, lang: str) -> str:
    decimals = 0 if float(value).is_integer() else 2
    text = f"{value:,.{decimals}f}"  # 12,345.67
    if lang in ("pt", "es"):
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_money(value: float, *, currency: str, lang: str) -> str:
    """``R$ 8.000`` (pt/es), ``R$ 8,000`` (en); the symbol from the currency code, else the code."""
    return f"{_SYMBOLS.get(currency, currency)} {_fmt_number(value, lang)}"


def salary_line(req: JDRequest) -> str | None:
    """The salary line in the output language, or None when no salary was given."""
    if not req.has_salary:
        return None
    both, lo_only, hi_only, single = _SALARY[req.language]
    lo = format_money(req.salary_min, currency=req.currency, lang=req.language) if req.salary_min is not None else ""
    hi = format_money(req.salary_max, currency=req.currency, lang=req.language) if req.salary_max is not None else ""
    if lo and hi:
        return single.format(lo=lo) if lo == hi else both.format(lo=lo, hi=hi)
    return lo_only.format(lo=lo) if lo else hi_only.format(hi=hi)


def remote_label(req: JDRequest) -> str | None:
    return _REMOTE_LABEL[req.language][req.remote] if req.remote else None


def field_values(req: JDRequest) -> dict[str, list[str]]:
    """For each field that was given, the strings that must appear verbatim in the output."""
    out: dict[str, list[str]] = {"title": [req.title]}
    if req.years_experience is not None:
        out["years_experience"] = [str(req.years_experience)]
    for name in ("skills", "benefits", "nice_to_have"):
        if getattr(req, name):
            out[name] = list(getattr(req, name))
    for name in ("company", "company_description", "job_type", "location"):
        if getattr(req, name):
            out[name] = [getattr(req, name)]
    if req.remote:
        out["remote"] = [remote_label(req) or req.remote]
    if req.salary_min is not None:
        out["salary_min"] = [format_money(req.salary_min, currency=req.currency, lang=req.language)]
    if req.salary_max is not None:
        out["salary_max"] = [format_money(req.salary_max, currency=req.currency, lang=req.language)]
    return out


# --------------------------------------------------------------------------- reading vaga chunks
@dataclass(frozen=True, kw_only=True)
class _Line:
    text: str
    kind: str  # activities | competencies | nice
    rank: int  # retrieval rank of its vaga
    order: int  # position inside its vaga
    vaga_id: str


def _body(hit: Hit) -> str:
    """The chunk text without the ``Vaga 123 - Title | `` prefix later chunks carry."""
    text = hit.text
    meta = hit.metadata
    prefix = f"Vaga {meta.get('vaga_id', '')} - {meta.get('title', '')} | "
    if text.startswith(prefix):
        return text[len(prefix):]
    if int(meta.get("chunk", 0) or 0) > 0:
        m = re.match(r"Vaga \S+ - [^\n]*? \| ", text)
        if m:
            return text[m.end():]
    return text


def _stitch(a: str, b: str) -> str | None:
    """``a`` + ``b`` where ``b`` starts with a suffix of ``a`` (chunk overlap), or None if they don't overlap."""
    probe = b[:12]
    if len(probe) < 12:
        return a if a.endswith(b) else None
    pos = a.find(probe)
    while pos != -1:
        if b.startswith(a[pos:]):
            return a[:pos] + b
        pos = a.find(probe, pos + 1)
    return None


def _segments(hits: Sequence[Hit], *, complete: bool) -> list[tuple[str, bool, bool]]:
    """Contiguous texts of one vaga: (text, starts at the document start, ends at the document end)."""
    chunks: dict[int, str] = {}
    for hit in hits:
        idx = int(hit.metadata.get("chunk", 0) or 0)
        chunks.setdefault(idx, _body(hit))
    if not chunks:
        return []
    last = max(chunks)
    out: list[tuple[str, bool, bool]] = []
    text, start_idx, prev = "", -1, -2
    for idx in sorted(chunks):
        merged = _stitch(text, chunks[idx]) if idx == prev + 1 and text else None
        if merged is not None:
            text = merged
        else:
            if text:
                out.append((text, start_idx == 0, False))
            text, start_idx = chunks[idx], idx
        prev = idx
    out.append((text, start_idx == 0, complete and prev == last))
    return out


def _parse_segment(text: str, *, at_start: bool, at_end: bool) -> list[tuple[str, str]]:
    """(kind, raw line) pairs of a segment; lines cut by a chunk boundary are dropped."""
    lines = text.split("\n")
    labels = tuple(label for label, _ in _BODY_LABELS)
    if not at_start and lines and not lines[0].lstrip().startswith(labels) and not _BULLET.match(lines[0]):
        lines = lines[1:]
    if not at_end and lines:
        lines = lines[:-1]
    section: str | None = "header" if at_start else None
    pending: list[str] = []
    out: list[tuple[str, str]] = []
    for line in lines:
        found = next(((label, kind) for label, kind in _BODY_LABELS if line.startswith(label)), None)
        if found:
            label, kind = found
            if section is None:
                before = _BEFORE_LABEL[kind]
                out.extend((before, p) for p in pending)
                pending = []
            section = kind
            line = line[len(label):]
        if section is None:
            pending.append(line)
        else:
            out.append((section, line))
    return out


def _vaga_lines(hits: Sequence[Hit], *, rank: int, complete: bool) -> list[_Line]:
    vaga_id = str(hits[0].metadata.get("vaga_id", ""))
    out: list[_Line] = []
    order = 0
    for text, at_start, at_end in _segments(hits, complete=complete):
        sub = ""
        current = ""
        for section, raw in _parse_segment(text, at_start=at_start, at_end=at_end):
            if section != current:
                current, sub = section, ""
            if section not in ("activities", "competencies", "behaviour"):
                continue
            line = raw.strip()
            if not line:
                continue
            bare = _BULLET.sub("", line).strip()
            if bare.endswith(":") and len(bare) <= 60:
                folded = fold(bare)
                sub = "desc" if _DESC_HEADER.search(folded) else "nice" if _NICE_HEADER.search(folded) else ""
                continue
            if sub == "desc":
                continue
            kind = "activities" if section == "activities" else "competencies"
            m = _INLINE_NICE.match(bare)
            if sub == "nice" or m:
                kind = "nice"
                line = bare[m.end():] if m else line
            for piece in requirements(line):
                out.append(_Line(text=piece, kind=kind, rank=rank, order=order, vaga_id=vaga_id))
                order += 1
    return out


def _usable(line: str, *, client: str) -> bool:
    """A grounded line that carries no fact of its own job (money, numbers, its client, places...)."""
    if not 3 <= len(line) <= 220 or len(_WORD.findall(line)) < 2:
        return False
    if _MONEY.search(line) or _BENEFIT.search(line) or _REDACTED.search(line) or _LABEL_LIKE.match(line):
        return False
    if client and len(client) >= 3 and fold(client) in fold(line):
        return False
    stripped = line
    for ev in _skills_of(line).values():
        stripped = stripped.replace(ev.quote, " ")
    if _DIGIT.search(stripped):  # "até 15 pessoas", "5 anos" — but "ECC 6.0", "S/4HANA" are skill names
        return False
    return not locations(line)


# --------------------------------------------------------------------------- skills of the request
@dataclass(frozen=True, kw_only=True)
class _Wanted:
    """What the request asks for, to score grounded lines."""

    primaries: list[frozenset[str]]  # per given skill, its most specific canonical skills
    folded: list[str]  # per given skill, its folded text
    all_names: frozenset[str]  # every canonical skill the request implies (with parents)
    parents: frozenset[str]
    title_words: frozenset[str]


def _primary(names: set[str]) -> set[str]:
    parents = load_taxonomy().parents
    implied = {p for n in names for p in parents.get(n, ())}
    return names - implied


def _wanted(title: str, skills: Sequence[str]) -> _Wanted:
    parents = load_taxonomy().parents
    primaries, folded, all_names, par = [], [], set(), set()
    for skill in skills:
        names = set(_skills_of(skill))
        prim = _primary(names)
        primaries.append(frozenset(prim))
        folded.append(" ".join(fold(skill).split()))
        all_names |= names
        par |= {p for n in prim for p in parents.get(n, ())}
    title_words = frozenset(w for w in _WORD.findall(fold(title)) if len(w) > 2 and w not in _STOP_TITLE)
    return _Wanted(primaries=primaries, folded=folded, all_names=frozenset(all_names), parents=frozenset(par),
                   title_words=title_words)


def _literal(folded_skill: str, folded_line: str) -> bool:
    return bool(folded_skill) and re.search(rf"(?<!\w){re.escape(folded_skill)}(?!\w)", folded_line) is not None


@dataclass(frozen=True, kw_only=True)
class _Score:
    skills: int  # given skills the line names
    related: int  # given skills whose parent skill the line names
    title: int  # title words in the line
    foreign: int  # technical skills the request does not mention

    @property
    def value(self) -> float:
        return 3 * self.skills + self.related + min(self.title, 2) - 0.5 * self.foreign


def _score(line: str, wanted: _Wanted) -> _Score:
    tax = load_taxonomy()
    found = _skills_of(line)
    names = set(found)
    prim = _primary(names)
    folded = " ".join(fold(line).split())
    direct = related = 0
    for skill_prim, skill_fold in zip(wanted.primaries, wanted.folded, strict=True):
        if (skill_prim and skill_prim <= names) or _literal(skill_fold, folded):
            direct += 1
        elif prim & {p for n in skill_prim for p in tax.parents.get(n, ())}:
            related += 1
    foreign = sum(
        1 for n in prim
        if found[n].category in ("hard", "tool") and n not in wanted.all_names
        and not set(tax.parents.get(n, ())) & wanted.all_names
    )
    title = len(wanted.title_words & set(_WORD.findall(folded)))
    return _Score(skills=direct, related=related, title=title, foreign=foreign)


def _in_language(text: str, lang: str) -> bool:
    """Written in ``lang``. Short lines fool stopword counts ("as" is English, "de" is not Portuguese), so
    en/es need a margin of two markers over Portuguese, the language of the history (ties are Portuguese)."""
    if lang == "pt":
        return detect_language(text) == "pt"
    return detect_language(f"{text} do") == lang


@lru_cache(maxsize=8192)
def _skills_of(text: str) -> dict[str, Evidence]:
    return extract_skills(text)


def _near_duplicate(text: str, chosen: Sequence[str]) -> bool:
    """Same activity worded with another lead verb ("Atuar com X" / "Responsável por X")."""
    words = content_words(text)
    for other in chosen:
        theirs = content_words(other)
        if words and theirs and len(words & theirs) / len(words | theirs) >= 0.6:
            return True
    return False


def _neutral(text: str) -> bool:
    """Text with no language markers (a product name such as "Power BI"): one marker word decides it."""
    return all(detect_language(f"{text} {probe}") == lang for lang, probe in (("en", "the"), ("es", "el"), ("pt", "do")))


def _quote_fits(quote: str, canonical: str, lang: str) -> bool:
    """A skill as quoted from the (Portuguese) history may be shown in ``lang``: in pt when it is not written
    in another language; in en/es only when it is the skill's own (English, mostly product) name. Job titles
    that the taxonomy counts as skills ("Cientista de Dados", "DBA") are not skills to list."""
    if _ROLE.search(fold(quote)):
        return False
    if lang == "pt":
        return _neutral(quote) or _in_language(quote, "pt")
    return " ".join(fold(quote).split()) == canonical


def _skill_category(skill: str) -> str:
    found = _skills_of(skill)
    prim = _primary(set(found))
    cats = {found[n].category for n in prim}
    if not cats or cats & {"hard", "tool"}:
        return ""
    return "domain" if "domain" in cats else "soft"


# --------------------------------------------------------------------------- composing a JD
@dataclass(kw_only=True)
class _Grounding:
    vaga_ids: list[str] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)  # usable as text (no facts of their own job)
    skill_lines: list[_Line] = field(default_factory=list)  # every line, for skill names only
    retrieve_ms: float = 0.0


def _responsibilities(req: JDRequest, g: _Grounding, wanted: _Wanted, used: set[str]) -> list[str]:
    lang = req.language
    cands = [(ln, _score(ln.text, wanted)) for ln in g.lines
             if ln.kind == "activities" and len(_WORD.findall(ln.text)) >= 3 and _in_language(ln.text, lang)]
    chosen: list[_Line] = []
    seen: set[str] = set()

    def take(line: _Line) -> None:
        key = " ".join(fold(line.text).split())
        if key not in seen and len(chosen) < 8 and not _near_duplicate(line.text, [c.text for c in chosen]):
            seen.add(key)
            chosen.append(line)

    relevant = [(ln, s) for ln, s in cands if s.value > 0 and (s.skills or not _SPECIFIC.search(ln.text))]
    for ln, _s in sorted(relevant, key=lambda c: (-c[1].value, c[0].rank, c[0].order)):
        take(ln)
    if len(chosen) < 4:  # generic activities of the most similar vagas: no technology the request lacks
        for ln, s in cands:
            if len(chosen) >= 4:
                break
            if s.value == 0 and s.foreign == 0 and not _SPECIFIC.search(ln.text):
                take(ln)
    out = [ln.text for ln in chosen]
    used.update(ln.vaga_id for ln in chosen)
    target = 4 if out else 8
    text = fold(" ".join(out))
    for skill in req.skills:
        if len(out) >= target:
            break
        if not _literal(" ".join(fold(skill).split()), text):
            out.append(_TEMPLATES[lang][_skill_category(skill)].format(skill=skill))
    if not out:
        out.append(_TEMPLATES[lang]["title"].format(title=req.title))
    return out


def _skill_requirement(skill: str, lang: str) -> str:
    category = _skill_category(skill)
    if category == "soft" or len(skill.split()) > 3 or not _skills_of(skill):
        return skill
    return _REQUIREMENT[lang].get(category, _REQUIREMENT[lang][""]).format(skill=skill)


def _requirements(req: JDRequest, g: _Grounding, wanted: _Wanted, used: set[str]) -> list[str]:
    lang = req.language
    out: list[str] = []
    if req.years_experience is not None:
        zero, one, many = _YEARS[lang]
        n = req.years_experience
        out.append(zero if n == 0 else one.format(title=req.title) if n == 1 else many.format(n=n, title=req.title))
    out.extend(_skill_requirement(s, lang) for s in req.skills)
    skill_words = {w for s in req.skills for w in _WORD.findall(fold(s))} | _GENERIC_REQ
    seen = {" ".join(fold(x).split()) for x in out}
    grounded: list[tuple[_Score, _Line]] = []
    for ln in g.lines:
        if ln.kind != "competencies" or not _in_language(ln.text, lang):
            continue
        score = _score(ln.text, wanted)
        if not score.skills or not set(_WORD.findall(fold(ln.text))) - skill_words:
            continue  # names no given skill, or says nothing beyond "experiência com <skill>"
        grounded.append((score, ln))
    added = 0
    for _, ln in sorted(grounded, key=lambda c: (-c[0].value, c[1].rank, c[1].order)):
        key = " ".join(fold(ln.text).split())
        if added < 3 and key not in seen and not _near_duplicate(ln.text, out):
            seen.add(key)
            out.append(ln.text)
            used.add(ln.vaga_id)
            added += 1
    return out


def _nice_to_have(req: JDRequest, g: _Grounding, wanted: _Wanted, taken: str, used: set[str]) -> list[str]:
    """Given items verbatim + up to 3 technical skills named in the retrieved vagas' competencies."""
    lang = req.language
    out = list(req.nice_to_have)
    taken_folded = fold(taken + " " + " ".join(out))
    counts: dict[str, set[str]] = {}
    first: dict[str, tuple[int, int, int, str, str]] = {}
    for ln in g.skill_lines:
        if ln.kind not in ("competencies", "nice"):
            continue
        found = _skills_of(ln.text)
        for name in _primary(set(found)):
            ev = found[name]
            if ev.category not in ("hard", "tool") or name in wanted.all_names:
                continue
            quote = " ".join(ev.quote.split())
            if len(quote) < 2 or _literal(" ".join(fold(quote).split()), taken_folded):
                continue
            if not _quote_fits(quote, name, lang):
                continue
            counts.setdefault(name, set()).add(ln.vaga_id)
            first.setdefault(name, (0 if ln.kind == "nice" else 1, ln.rank, ln.order, quote, ln.vaga_id))
    ranked = sorted(first, key=lambda n: (-len(counts[n]), first[n][:3], n))
    seen = {fold(x) for x in out}
    added = 0
    for name in ranked:
        quote, vaga_id = first[name][3], first[name][4]
        if added < 3 and fold(quote) not in seen:
            seen.add(fold(quote))
            out.append(quote)
            used.add(vaga_id)
            added += 1
    return out


def template_summary(req: JDRequest) -> str:
    t = _SUMMARY[req.language]
    parts = [t["hiring"].format(company=req.company, title=req.title) if req.company
             else t["opening"].format(title=req.title)]
    if req.company_description:
        parts.append(t["about"].format(text=req.company_description))
    if req.job_type:
        parts.append(t["job_type"].format(text=req.job_type))
    if req.location:
        parts.append(t["location"].format(text=req.location))
    if req.remote:
        parts.append(t["remote"].format(text=remote_label(req)))
    return " ".join(_sentence(p) for p in parts)


_SUMMARY_FIELDS = ("title", "company", "company_description", "job_type", "location", "remote")


def summary_ok(candidate: str, *, template: str, req: JDRequest) -> bool:
    """An LLM summary is kept only if it holds every given value verbatim and adds no number/money/benefit."""
    if not candidate or len(candidate) > 2 * len(template) + 300:
        return False
    values = field_values(req)
    if any(v not in candidate for name in _SUMMARY_FIELDS for v in values.get(name, [])):
        return False
    if _MONEY.search(candidate) or (_BENEFIT.search(candidate) and not _BENEFIT.search(template)):
        return False
    if any(num not in template for num in re.findall(r"\d+(?:[.,]\d+)*", candidate)):
        return False
    return _in_language(candidate, req.language)


def render_markdown(title: str, sections: Mapping[str, Any], lang: str) -> str:
    h = _HEADINGS[lang]
    parts = [f"# {title}", f"## {h['summary']}", str(sections.get("summary") or "")]
    for name in ("responsibilities", "requirements", "nice_to_have", "benefits"):
        items = sections.get(name) or []
        if items:
            parts += [f"## {h[name]}", "\n".join(f"- {item}" for item in items)]
    if sections.get("salary"):
        parts += [f"## {h['salary']}", str(sections["salary"])]
    return "\n\n".join(parts) + "\n"


def _edit_content(section: str, content: Any) -> str | list[str] | None:
    if section not in SECTIONS:
        raise JDError(f"section must be one of {', '.join(SECTIONS)}, got {section!r}")
    if section in LIST_SECTIONS:
        if isinstance(content, str):
            items = [_BULLET.sub("", x).strip() for x in content.splitlines()]
        elif isinstance(content, (list, tuple)) and all(isinstance(x, str) for x in content):
            items = [x.strip() for x in content]
        else:
            raise JDError(f"{section}: expected a list of texts (or lines of text)")
        items = [x for x in items if x]
        if len(items) > 60 or any(len(x) > 1000 for x in items):
            raise JDError(f"{section}: at most 60 items of at most 1000 characters")
        return items
    if not isinstance(content, str):
        raise JDError(f"{section}: expected text")
    text = content.strip()
    if len(text) > 5000:
        raise JDError(f"{section}: at most 5000 characters")
    if section == "summary" and not text:
        raise JDError("summary: must not be blank")
    return text or None


# --------------------------------------------------------------------------- the service
@dataclass(kw_only=True)
class JDService:
    """Generate, edit/regenerate, store and rate job descriptions.

    ``retrieve`` is ``RAGAgent.retrieve`` (``retrieve(question, k=, filters=)`` → hits) or None for
    templates only. ``generator`` (optional, not the extractive one) only rephrases the summary.
    ``generator_name`` labels the variant for :meth:`average_ratings`.
    """

    sessionmaker: orm.sessionmaker
    retrieve: Callable[..., list[Hit]] | None
    generator: Generator | None = None
    generator_name: str = "template"
    expand_chunks: bool = True
    max_new_tokens: int = 220

    def __post_init__(self) -> None:
        if self._llm is not None and self.generator_name == "template":
            self.generator_name = f"template+{self._llm.name}"

    @property
    def _llm(self) -> Generator | None:
        gen = self.generator
        return None if gen is None or getattr(gen, "name", "") == "extractive" else gen

    # ---------------------------------------------------------------- public API
    def generate(self, req: JDRequest | Mapping[str, Any], *, k: int = 5) -> dict[str, Any]:
        req = parse_request(req)
        result = self._build(req, k=_check_k(k), edits={})
        return self._save(req, result, parent_id=None)

    def regenerate(self, jd_id: str, *, section: str, content: str | list[str], k: int | None = None) -> dict[str, Any]:
        """Keep ``section`` as edited (verbatim, with earlier edits of the same JD chain) and rebuild the rest."""
        edit = _edit_content(section, content)
        with self.sessionmaker() as s:
            parent = self._row(s, jd_id)
            request, result = dict(parent.request), dict(parent.result)
        req = JDRequest.model_validate(request)
        edits = {**result.get("edits", {}), section: edit}
        built = self._build(req, k=_check_k(k if k is not None else int(result.get("k", 5))), edits=edits)
        return self._save(req, built, parent_id=jd_id)

    def feedback(self, jd_id: str, *, rating: int, comment: str = "") -> dict[str, Any]:
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise JDError(f"rating must be a whole number from 1 to 5, got {rating!r}")
        if not isinstance(comment, str):
            raise JDError("comment must be text")
        comment = comment.strip()
        if len(comment) > 5000:
            raise JDError("comment is too long (at most 5000 characters)")
        with self.sessionmaker() as s:
            row = self._row(s, jd_id)
            fb = JDFeedback(jd_id=row.id, rating=rating, comment=comment)
            s.add(fb)
            s.commit()
            return {"id": fb.id, "jd_id": row.id, "rating": rating, "comment": comment, "generator": row.generator}

    def get(self, jd_id: str) -> dict[str, Any]:
        with self.sessionmaker() as s:
            return _out(self._row(s, jd_id))

    def average_ratings(self) -> dict[str, dict[str, float]]:
        """Per generator variant: number of ratings and their mean (all JDs in the database)."""
        with self.sessionmaker() as s:
            rows = s.execute(
                select(GeneratedJD.generator, func.count(JDFeedback.id), func.avg(JDFeedback.rating))
                .join(JDFeedback, JDFeedback.jd_id == GeneratedJD.id)
                .group_by(GeneratedJD.generator).order_by(GeneratedJD.generator)
            ).all()
        return {name: {"n": int(n), "mean": round(float(mean), 4)} for name, n, mean in rows}

    # ---------------------------------------------------------------- internals
    @staticmethod
    def _row(session: orm.Session, jd_id: Any) -> GeneratedJD:
        row = session.get(GeneratedJD, jd_id) if isinstance(jd_id, str) and jd_id else None
        if row is None:
            raise NotFound(f"no generated job description with id {jd_id!r}")
        return row

    def _save(self, req: JDRequest, result: dict[str, Any], *, parent_id: str | None) -> dict[str, Any]:
        row = GeneratedJD(id=uuid.uuid4().hex, request=req.model_dump(mode="json"), result=result,
                          generator=self.generator_name, parent_id=parent_id)
        with self.sessionmaker() as s:
            s.add(row)
            s.commit()
            return _out(row)

    def _ground(self, query: str, *, k: int, clients: dict[str, str]) -> _Grounding:
        g = _Grounding()
        if self.retrieve is None:
            return g
        t0 = time.perf_counter()
        hits = [h for h in self.retrieve(query, k=k, filters={"type": "vaga"})
                if h.metadata.get("type", "vaga") == "vaga" and h.metadata.get("vaga_id") not in (None, "")]
        g.vaga_ids = list(dict.fromkeys(str(h.metadata["vaga_id"]) for h in hits))
        complete = False
        if self.expand_chunks and g.vaga_ids:
            want = min(400, 12 * len(g.vaga_ids))
            where = {"$and": [{"type": "vaga"}, {"vaga_id": {"$in": g.vaga_ids}}]}
            try:
                more = self.retrieve(query, k=want, filters=where)
            except Exception as exc:  # grounding on the chunks at hand is still fine
                log.warning("fetching the retrieved vagas' other chunks failed: %s", exc)
                more = []
            complete = bool(more) and len(more) < want
            hits += [h for h in more if str(h.metadata.get("vaga_id")) in g.vaga_ids]
        g.retrieve_ms = round((time.perf_counter() - t0) * 1000, 1)
        by_vaga: dict[str, dict[str, Hit]] = {}
        for h in hits:
            by_vaga.setdefault(str(h.metadata["vaga_id"]), {}).setdefault(h.id, h)
        for rank, vid in enumerate(g.vaga_ids):
            vhits = list(by_vaga[vid].values())
            clients[vid] = str(vhits[0].metadata.get("client", "") or "")
            lines = _vaga_lines(vhits, rank=rank, complete=complete)
            g.skill_lines += lines
            g.lines += [ln for ln in lines if _usable(ln.text, client=clients[vid])]
        return g

    def _build(self, req: JDRequest, *, k: int, edits: Mapping[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        edited_text = "\n".join(
            "\n".join(v) if isinstance(v, list) else str(v or "") for v in edits.values()
        )
        extra = [ev.quote for ev in _skills_of(edited_text).values()]
        extra = list(dict.fromkeys(q for q in extra if q.casefold() not in {s.casefold() for s in req.skills}))
        query = " ".join([req.title, *req.skills, *extra])
        clients: dict[str, str] = {}
        g = self._ground(query, k=k, clients=clients)
        wanted = _wanted(req.title, [*req.skills, *extra])
        used: set[str] = set()
        template = template_summary(req)
        summary, summary_source = template, "template"
        if "summary" not in edits and self._llm is not None:
            summary, summary_source = self._polish(template, req)
        sections: dict[str, Any] = {
            "summary": summary,
            "responsibilities": _responsibilities(req, g, wanted, used),
            "requirements": _requirements(req, g, wanted, used),
        }
        for name in ("responsibilities", "requirements"):
            if name in edits:
                sections[name] = list(edits[name])
        taken = "\n".join(sections["requirements"]) + "\n" + edited_text
        sections["nice_to_have"] = _nice_to_have(req, g, wanted, taken, used)
        sections["benefits"] = list(req.benefits) or None
        sections["salary"] = salary_line(req)
        for name, value in edits.items():
            sections[name] = (list(value) or None) if name == "benefits" else value
        if "summary" in edits:
            summary_source = "edited"
        ordered = {name: sections.get(name) for name in SECTIONS}
        total_ms = round((time.perf_counter() - t0) * 1000, 1)
        return {
            "sections": ordered,
            "markdown": render_markdown(req.title, ordered, req.language),
            "source_vaga_ids": g.vaga_ids,
            "used_vaga_ids": [v for v in g.vaga_ids if v in used],
            "language": req.language,
            "generator": self.generator_name,
            "summary_source": summary_source,
            "edits": dict(edits),
            "k": k,
            "timings_ms": {"retrieve": g.retrieve_ms, "total": total_ms},
        }

    def _polish(self, template: str, req: JDRequest) -> tuple[str, str]:
        llm = self._llm
        assert llm is not None
        lang = req.language
        must = [v for name in _SUMMARY_FIELDS for v in field_values(req).get(name, [])]
        system = (
            f"You rewrite a job-ad summary in {_LANG_NAME[lang]} so it reads naturally, in 2-4 sentences. "
            "Copy every quoted value exactly as written. Do not add any fact, number, salary, benefit, skill "
            "or requirement. Answer with the summary only."
        )
        user = f"Summary:\n{template}\n\nValues to keep verbatim:\n" + "\n".join(f'- "{v}"' for v in must)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            text = llm.generate(GenerationInput(question=template, hits=[], messages=messages),
                                max_new_tokens=self.max_new_tokens)
        except Exception as exc:  # an unreachable/broken LLM must not break generation
            log.warning("summary rephrasing failed (%s); keeping the template summary", exc)
            return template, "template"
        text = " ".join(str(text).split()).strip().strip('"').strip()
        if summary_ok(text, template=template, req=req):
            return text, "llm"
        log.info("LLM summary rejected (a given value missing or something added); keeping the template")
        return template, "template"


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 50:
        raise JDError(f"k must be a whole number from 1 to 50, got {k!r}")
    return k


def _iso(when: datetime | None) -> str | None:
    """UTC ISO time; SQLite hands datetimes back without their zone."""
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def _out(row: GeneratedJD) -> dict[str, Any]:
    result = row.result
    return {
        "id": row.id,
        "sections": result["sections"],
        "markdown": result["markdown"],
        "source_vaga_ids": result["source_vaga_ids"],
        "used_vaga_ids": result.get("used_vaga_ids", []),
        "language": result["language"],
        "generator": row.generator,
        "summary_source": result.get("summary_source", "template"),
        "edits": result.get("edits", {}),
        "parent_id": row.parent_id,
        "request": row.request,
        "timings_ms": result.get("timings_ms", {}),
        "created_at": _iso(row.created_at),
    }


def rating_metrics(averages: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """:meth:`JDService.average_ratings` as MLflow metric names (``jd_rating_mean/<variant>``, ``jd_rating_n/...``)."""
    out: dict[str, float] = {}
    for name, stats in averages.items():
        safe = re.sub(r"[^\w.\- ]", "_", name) or "_"
        out[f"jd_rating_mean/{safe}"] = float(stats["mean"])
        out[f"jd_rating_n/{safe}"] = float(stats["n"])
    return out


# --------------------------------------------------------------------------- measurement
def invented_salary(jd: Mapping[str, Any]) -> bool:
    """A currency symbol or salary word anywhere in the output (markdown or sections)."""
    values = [v for v in jd["sections"].values() if v]
    text = jd["markdown"] + "\n" + json.dumps(values, ensure_ascii=False)
    return _MONEY.search(text) is not None


def measure(service: JDService, requests: Sequence[JDRequest], *, k: int = 5) -> dict[str, Any]:
    """Share of given field values present verbatim, share of invented salaries, generation latency."""
    present = total = no_salary = invented = 0
    latencies: list[float] = []
    missing: list[dict[str, Any]] = []
    for i, req in enumerate(requests):
        t0 = time.perf_counter()
        jd = service.generate(req, k=k)
        latencies.append((time.perf_counter() - t0) * 1000)
        for name, values in field_values(req).items():
            for value in values:
                total += 1
                if value in jd["markdown"]:
                    present += 1
                else:
                    missing.append({"request": i, "field": name, "value": value})
        if not req.has_salary:
            no_salary += 1
            invented += invented_salary(jd)
    return {
        "fields_present_share": present / total if total else 1.0,
        "invented_salary_share": invented / no_salary if no_salary else 0.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_max_ms": round(max(latencies), 1) if latencies else 0.0,
        "n": len(requests),
        "missing": missing[:20],
    }


_SAMPLE_BENEFITS = {
    "pt": ["Plano de saúde", "Vale-refeição", "Gympass", "Previdência privada"],
    "en": ["Health insurance", "Meal allowance", "Gym membership", "Pension plan"],
    "es": ["Seguro médico", "Vales de comida", "Gimnasio", "Plan de pensiones"],
}
_SAMPLE_ABOUT = {
    "pt": "Empresa atendida pela Decision na área de {area}",
    "en": "A Decision client working in {area}",
    "es": "Cliente de Decision en el área de {area}",
}
_SAMPLE_REMOTE = {"pt": ("remoto", "híbrido", "presencial"), "en": ("remote", "hybrid", "onsite"),
                  "es": ("remoto", "híbrido", "presencial")}


def _quotes(text: str, *, limit: int, lang: str) -> list[str]:
    """Technical skills of a text as written there (for en/es requests, only those written by their own name)."""
    found = _skills_of(text)
    out: list[str] = []
    for name in _primary(set(found)):
        ev = found[name]
        quote = " ".join(ev.quote.split())
        if ev.category not in ("hard", "tool") or not 1 <= len(quote) <= 80 or not _quote_fits(quote, name, lang):
            continue
        if quote.casefold() not in {q.casefold() for q in out}:
            out.append(quote)
    order = {q: text.find(q) for q in out}
    return sorted(out, key=lambda q: (order[q], q))[:limit]


def sample_requests(data_dir: Path, n: int = 20, seed: int = 0) -> list[JDRequest]:
    """Realistic requests from ``data_dir/vagas.json``: half with salary and benefits, languages pt/en/es."""
    raw = json.loads((Path(data_dir) / "vagas.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    ids = sorted(raw)
    rng.shuffle(ids)
    out: list[JDRequest] = []
    for vid in ids:
        if len(out) >= n:
            break
        try:
            vaga = Vaga.model_validate(raw[vid])
        except ValidationError:
            continue
        b, p = vaga.informacoes_basicas, vaga.perfil_vaga
        title = " ".join(b.titulo_vaga.split())[:150].strip()
        if not title:
            continue
        i = len(out)
        lang = LANGUAGES[i % 3]
        skills = (_quotes(p.competencia_tecnicas_e_comportamentais, limit=6, lang=lang)
                  or _quotes(p.principais_atividades, limit=4, lang=lang))
        years = _years_of_experience(f"{p.competencia_tecnicas_e_comportamentais}\n{p.principais_atividades}", job=True)
        extra = [q for q in _quotes(p.principais_atividades, limit=8, lang=lang) if q.casefold() not in {s.casefold() for s in skills}]
        place = list(dict.fromkeys(x for x in (p.cidade, p.estado) if x))
        area = p.areas_atuacao.strip(" -") or "TI"
        fields: dict[str, Any] = {
            "title": title,
            "skills": skills,
            "years_experience": None if years is None else max(0, min(50, int(round(years)))),
            "company": b.cliente or None,
            "company_description": _SAMPLE_ABOUT[lang].format(area=area) if i % 3 != 2 else None,
            "job_type": b.tipo_contratacao[:80] or None,
            "location": ", ".join(place) or None,
            "remote": (None, *_SAMPLE_REMOTE[lang])[i % 4],
            "language": lang,
            "nice_to_have": extra[:1] if i % 4 == 3 else [],
        }
        if i % 2 == 0:
            low = rng.randrange(4, 20) * 1000
            fields |= {"salary_min": float(low), "salary_max": float(low + rng.randrange(2, 9) * 1000),
                       "benefits": rng.sample(_SAMPLE_BENEFITS[lang], 2)}
        out.append(JDRequest.model_validate(fields))
    return out


__all__ = [
    "FIELDS", "LANGUAGES", "SECTIONS", "JDError", "JDRequest", "JDService", "field_values", "format_money",
    "invented_salary", "measure", "parse_request", "rating_metrics", "render_markdown", "salary_line",
    "sample_requests", "summary_ok", "template_summary",
]
