"""The automatic CV summary returned on upload: facts copied or computed from the CV, never generated.

Title, years, education, languages and top skills come from the CV's profile (:mod:`recruta.facts`); with a job
description loaded, the match score and its band's verdict (:mod:`recruta.screening.bands`) are added. A fact the
CV does not state is left out rather than shown as "não informado". Wording: ``recruta/i18n/catalogues/chat.json``.
"""

from __future__ import annotations

import re

from recruta import facts as sk
from recruta.chat.profiles import Analyst
from recruta.i18n import message, messages
from recruta.screening.bands import verdict
from recruta.screening.matching import MatchResult, Profile
from recruta.text.fold import fold

__all__ = [
    "SUMMARY_LANGS",
    "candidate_name",
    "clip",
    "cv_title",
    "fact_lines",
    "score_line",
    "session_title",
    "summarise",
    "summary_language",
    "top_skills",
]

SUMMARY_LANGS = ("pt", "en", "es")  # the CV's own language when the catalogue has it, else Portuguese

_CONTACT = re.compile(
    r"@|https?://|www\.|linkedin|github\.com|\+?\d[\d\s().-]{7,}\d|"
    r"\b(?:rua|avenida|cep|data de nascimento|nascimento|telefone|celular|phone|e-?mail|endereco|address)\b"
)
_HEADINGS = {
    "curriculum vitae",
    "curriculo",
    "curriculum",
    "resume",
    "cv",
    "hoja de vida",
    "perfil",
    "profile",
    "summary",
    "resumo",
    "resumen",
    "dados pessoais",
    "personal information",
    "datos personales",
}
_OBJECTIVE_HEADINGS = {"objetivo", "objetivo profissional", "objective", "career objective", "objetivo laboral"}
_LABELLED = re.compile(
    r"^(?:objetivo(?: profissional)?|cargo(?: pretendido| atual| deseado)?|titulo(?: profissional)?|objective|"
    r"title|position|puesto)\s*[:\-]\s*(.+)$"
)
_ROLE = re.compile(
    r"\b(?:engineer|developer|desenvolvedor[a]?|engenheir[oa]|consultor[a]?|consultant|analista|analyst|gerente|"
    r"manager|coordenador[a]?|coordinator|designer|especialista|specialist|tecnic[oa]|technician|programador[a]?|"
    r"programmer|arquitet[oa]|architect|cientista|scientist|administrador[a]?|administrator|assistente|assistant|"
    r"auxiliar|vendedor[a]?|contador[a]?|accountant|professor[a]?|teacher|enfermeir[oa]|nurse|advogad[oa]|lawyer|"
    r"ingenier[oa]|desarrollador[a]?|director[a]?|diretor[a]?|estagiari[oa]|intern|supervisor[a]?|lider|lead|head|"
    r"product owner|scrum master|devops|recepcionista|operador[a]?|comprador[a]?|executiv[oa])\b"
)
_URLS = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|io|net|br|dev)(?:/\S*)?")


def _folded(text: str) -> str:
    return fold(text).casefold()


def _meaningful(line: str) -> bool:
    folded = _folded(line).strip(" :")
    return (
        2 <= len(folded) <= 150
        and sum(c.isalpha() for c in folded) >= 2
        and not _CONTACT.search(folded)
        and folded not in _HEADINGS
        and folded not in _OBJECTIVE_HEADINGS
    )


def cv_title(text: str) -> str:
    """The CV's title/objective line, copied from the CV: the first early line naming a role or level
    ("SENIOR SOFTWARE ENGINEER", not the name above it), else an "Objetivo:"/"Cargo:" field, else the first
    meaningful line."""
    lines = [re.sub(r"\s+", " ", raw).strip(" \t-•*|") for raw in text.splitlines()]
    lines = [line for line in lines if line][:40]
    meaningful = [line for line in lines if _meaningful(line)]
    for line in meaningful[:8]:
        if _ROLE.search(_folded(line)) or sk.seniority(line) is not None:
            return line[:120]
    for n, line in enumerate(lines):
        folded = _folded(line)
        m = _LABELLED.match(folded)
        if m and _meaningful(line[m.start(1) :]):
            return line[m.start(1) :][:120]
        if folded.strip(" :") in _OBJECTIVE_HEADINGS and n + 1 < len(lines) and _meaningful(lines[n + 1]):
            return lines[n + 1][:120]
    return meaningful[0][:120] if meaningful else ""


_NAME_FIELD = re.compile(r"^(?:nome(?: completo)?|name|full name|nombre(?: completo)?)\s*[:\-]\s*(.+)$")
_PARTICLES = {"da", "de", "do", "das", "dos", "e", "del", "la", "las", "los", "van", "von", "der", "di", "du", "y"}
_NOT_NAME_WORDS = {
    "resumo",
    "profissional",
    "experiencia",
    "experiencias",
    "formacao",
    "objetivo",
    "contato",
    "curriculo",
    "curriculum",
    "vitae",
    "dados",
    "pessoais",
    "informacoes",
    "summary",
    "experience",
    "education",
    "contact",
    "skills",
    "profile",
    "resumen",
    "perfil",
    "habilidades",
    "idiomas",
    "languages",
    "competencias",
    "carta",
    "recomendacao",
    "vaga",
    "requisitos",
    "sobre",
    "about",
}
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'’.\-]*(?:['’\-][^\W\d_]+)*\.?$")


def candidate_name(text: str) -> str:
    """The person's name as the CV writes it at the top ("Maria Souza", "JOHN DOE" → "John Doe"), or "": a
    "Nome:" field, else the first early line of 2-5 capitalised words that is no heading, role, place or
    contact line."""
    lines = [re.sub(r"\s+", " ", raw).strip(" \t-•*|") for raw in text.splitlines()]
    lines = [line for line in lines if line][:12]
    for line in lines:
        m = _NAME_FIELD.match(_folded(line))
        if m:
            value = line[m.start(1) :].strip()
            if _looks_like_name(value):
                return _name_case(value)
    for line in lines[:8]:
        if _looks_like_name(line):
            return _name_case(line)
    return ""


def _looks_like_name(line: str) -> bool:
    words = line.split()
    if not 2 <= len(words) <= 5 or len(line) > 60:
        return False
    folded = _folded(line)
    if _CONTACT.search(folded) or _ROLE.search(folded) or sk.seniority(line) is not None or sk.locations(line):
        return False
    if any(w in _NOT_NAME_WORDS for w in folded.split()) or folded.strip(" :") in _HEADINGS:
        return False
    if sk.extract_skills(line):
        return False
    names = [w for w in words if _folded(w) not in _PARTICLES]
    return len(names) >= 2 and all(_NAME_WORD.match(w) and w[0].isupper() for w in names)


def _name_case(line: str) -> str:
    if line.upper() != line:
        return line
    return " ".join(w.lower() if _folded(w) in _PARTICLES else w.capitalize() for w in line.split())


def session_title(text: str, *, fallback: str) -> str:
    """A chat session's default title: "Name — Role" from the CV (either alone when the other is not found)."""
    name, role = candidate_name(text), cv_title(text)
    if name and role and _folded(name) != _folded(role):
        return f"{name} — {role}"[:200]
    return (name or role or fallback)[:200]


def top_skills(cv: Profile, *, limit: int = 10) -> list[str]:
    """The CV's skills as written in the CV (hard/tool first, then by how often they appear), deduplicated."""
    folded = _URLS.sub(" ", fold(cv.text))  # "github.com/johndoe" is not a skill
    rows: list[tuple[int, int, int, str]] = []
    seen: set[str] = set()
    for ev in cv.skills.values():
        quote = " ".join(ev.quote.split())
        key = fold(quote)
        if not quote or key in seen:
            continue
        seen.add(key)
        count = len(re.findall(rf"(?<!\w){re.escape(key)}(?!\w)", folded))
        if not count:
            continue
        rows.append((0 if ev.category in ("hard", "tool") else 1, -count, ev.start, quote))
    return [row[3] for row in sorted(rows)[:limit]]


def _number(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang != "en" else text


def fact_lines(cv: Profile, *, lang: str) -> list[str]:
    """ "- label: value" lines for the facts the CV states; facts it does not state are left out."""
    t = messages("chat", lang)
    out = []
    title = cv_title(cv.text)
    if title:
        out.append(f"- {t['fact.title']}: {title}")
    if cv.years:
        out.append(f"- {t['fact.years']}: {_number(cv.years, lang)} {t['fact.years_unit']}")
    if cv.education is not None:
        out.append(f"- {t['fact.education']}: {t.get(f'education.{cv.education}', '')}")
    langs = [
        f"{t.get(f'language.{name}', name)} ({t.get(f'level.{level}', str(level))})"
        for name, level in sorted(cv.languages.items())
    ]
    if langs:
        out.append(f"- {t['fact.languages']}: {', '.join(langs)}")
    skills = top_skills(cv)
    if skills:
        out.append(f"- {t['fact.skills']}: {', '.join(skills)}")
    return out


def score_line(result: MatchResult, lang: str) -> str:
    """ "Aderência à vaga: 72/100 — <verdict>": the same line in the summary and the fit answer."""
    return f"{message('chat', 'fit.heading', lang)}: {result.score}/100 — {verdict(result.score, lang)}"


def summary_language(cv: Profile, asked: str | None = None) -> str:
    """The language a session's summary and notes are worded in: the one the request asks for when the chat
    catalogue speaks it, else the CV's own, else Portuguese."""
    if asked in SUMMARY_LANGS:
        return str(asked)
    return cv.language if cv.language in SUMMARY_LANGS else "pt"


def summarise(texts: dict[str, str], *, analyst: Analyst, lang: str | None = None) -> str:
    """The summary of a session's documents ``{kind: text}`` (the CV is required), in ``lang`` (see
    :func:`summary_language`)."""
    cv = analyst.profile(texts["cv"], is_job=False)
    lang = summary_language(cv, lang)
    lines = [message("chat", "summary.heading", lang), *fact_lines(cv, lang=lang)]
    if "job_description" in texts:
        result = analyst.match(cv, analyst.profile(texts["job_description"], is_job=True), lang=lang)
        lines.append(f"- {score_line(result, lang)}")
    return "\n".join(lines)


def clip(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word with "…"."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
