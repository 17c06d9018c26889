"""Question templates: the project's own (``phrasings.json``) and recruiters' phrasings read from a file outside the
project (``--phrasings``, the "unseen" split), whose intent is recognised from the template's words and slots.

A template is a question with slots ({titulo}, {cliente}, {nome}…); its *kind* says what sort of question it is
(vaga_field, count…) and its *intent* exactly what is asked (the English level, vagas per client…), which decides
how the expected answer is computed. The project's templates state their intent; an external template only has a
kind, so :func:`classify` reads the intent from its words (the unseen file's templates are never copied into the
project: they are read at build time).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from recruta.rag.vocab import canon

__all__ = ["KINDS", "Template", "classify", "load_external", "project_phrasings", "project_templates"]

KINDS = (
    "vaga_field",
    "hired",
    "application_status",
    "count",
    "ranking",
    "candidate_search",
    "candidate_by_name",
    "compare",
    "unanswerable",
    "ambiguous",
    "by_id",
)
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, kw_only=True)
class Template:
    kind: str
    intent: str
    lang: str
    text: str
    source: str = "project"  # "project" | "unseen"

    @cached_property
    def slots(self) -> frozenset[str]:
        return frozenset(_SLOT.findall(self.text))

    @cached_property
    def id(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:8]

    def fill(self, values: dict[str, str]) -> str:
        return _SLOT.sub(lambda m: values[m.group(1)], self.text)


def project_phrasings() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("recruta.rag.evalset").joinpath("phrasings.json").read_text("utf-8")
    )
    return data


def project_templates() -> list[Template]:
    return [Template(**t) for t in project_phrasings()["templates"]]


def _has(text: str, *patterns: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def classify(kind: str, text: str) -> str | None:
    """The intent of an external template of ``kind`` from its words and slots; None when not recognised."""
    t = canon(_SLOT.sub(" ", text))  # the words, not the slot names ("{cliente}" says nothing)
    slots = set(_SLOT.findall(text))
    if kind == "vaga_field":
        for intent, pats in (
            ("espanhol", (r"espanhol|spanish|espanol",)),
            ("ingles", (r"ingles|english",)),
            ("nivel_academico", (r"formac|escolaridade|education|academ|degree",)),
            ("atividades", (r"atividades|actividades|activities|responsibilit|tarefas|tareas",)),
            ("nivel_profissional", (r"nivel profissional|nivel profesional|senior|junior|seniority|senioridade",)),
            ("tipo_contratacao", (r"\bclt\b|\bpj\b|contrat(o|acao|acion)|contract",)),
            ("analista", (r"analista|analyst|responsavel|in charge",)),
            ("data", (r"quando|when|cuando|\bdata\b|\bdate\b|fecha",)),
            ("cidade", (r"cidade|city|ciudad|\bonde\b|where|donde",)),
            ("cliente", (r"cliente|client|empresa|company",)),
        ):
            if _has(t, *pats):
                return intent
        return None
    if kind in ("hired", "application_status", "compare"):
        return {"hired": "hired", "application_status": "status", "compare": "compare"}[kind]
    if kind == "count":
        if "recrutador" in slots:
            hires = _has(t, r"contrata|hire")
            return "contratacoes_recrutador" if hires else "candidatos_recrutador"
        if "ano" in slots and _has(t, r"contrata|hire"):
            return "contratacoes_ano"
        if "cliente" in slots and _has(t, r"contrat|hire"):
            return "contratacoes_cliente"
        if "cliente" in slots:
            return "vagas_cliente_ano" if "ano" in slots else "vagas_cliente"
        if "titulo" in slots and _has(t, r"\bvagas\b|openings|positions|vacantes|postos"):
            return "vagas_titulo"
        if "titulo" in slots:
            return "candidaturas_vaga"
        if "ano" in slots:
            return "vagas_ano"
        return None
    if kind == "ranking":
        if _has(t, r"recrutador|recruiter|reclutador"):
            return "recrutadores_contratacoes" if _has(t, r"contrata|hire") else "recrutadores_candidaturas"
        if _has(t, r"desist|withdr|gave up|abandon"):
            return "clientes_desistencias"
        if _has(t, r"cargo|titulo|title|puesto|funcao|role") and _has(t, r"candidat|applica|applicant|postula"):
            return "titulos_candidaturas"
        if _has(t, r"client|empresa") and _has(t, r"contrat|hire"):
            return "clientes_contratacoes"
        if _has(t, r"client|empresa"):
            return "clientes_vagas_ano" if "ano" in slots else "clientes_vagas"
        return None
    if kind == "candidate_search":
        if "skill" in slots and "nivel" in slots:
            return "skill_ingles"
        if "skill" in slots and "cidade" in slots:
            return "skill_cidade"
        if "skill" in slots and _has(t, r"senior|junior|pleno|especialista"):
            return "skill_senioridade"
        if "cidade" in slots and "nivel" in slots:
            return "cidade_ingles"
        return "skill" if slots == {"skill"} else None
    if kind == "candidate_by_name":
        for intent, pat in (
            ("ingles", r"ingles|english"),
            ("vagas", r"\bvagas\b|participou|applied|jobs|vacantes|postul"),
            ("skills", r"skill|conhecimento|conocimiento|tecnolog|habilidade|habilidad"),
            ("academico", r"formac|escolaridade|education|estudos|estudios|degree"),
            ("titulo", r"titulo|title|faz hoje|cargo|does .* do|trabaja|profiss"),
        ):
            if _has(t, pat):
                return intent
        return None
    if kind == "unanswerable":
        for intent, pat in (
            ("motivo_saida", r"saiu|deixou|left|leave|salio|dejo|motivo|why did"),
            ("nota_entrevista", r"\bnota\b|score|pontua|puntua"),
            ("funcionarios_cliente", r"funcionarios|employees|empleados|faturamento|revenue"),
            ("orcamento_vaga", r"orcamento|presupuesto|budget"),
        ):
            if _has(t, pat):
                return intent
        return None
    return None


def load_external(path: Path) -> tuple[list[Template], list[str]]:
    """Templates of a recruiter-phrasings JSONL file ({"kind", "lang", "text"} per line); also the lines skipped
    (unknown kind or intent) with why."""
    templates, skipped = [], []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        kind, text, lang = row.get("kind", ""), row.get("text", ""), row.get("lang", "pt")
        intent = classify(kind, text) if kind in KINDS else None
        if intent is None:
            skipped.append(f"line {n}: no intent recognised for kind {kind!r}: {text}")
            continue
        templates.append(Template(kind=kind, intent=intent, lang=lang, text=text, source="unseen"))
    return templates, skipped
