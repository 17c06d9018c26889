"""What a job description says in each language: headings, template sentences, money, the summary, Markdown.

Every sentence comes from the ``jd`` message catalogue (``recruta/i18n/catalogues/jd.json``); this module only
chooses and fills them. :func:`written_in` decides whether a line of the (Portuguese) history may be shown in an
output language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from recruta.i18n import message
from recruta.jd.request import JDRequest
from recruta.text.language import fits_language, language_scores

SECTIONS: tuple[str, ...] = ("summary", "responsibilities", "requirements", "nice_to_have", "benefits", "salary")
LIST_SECTIONS = frozenset({"responsibilities", "requirements", "nice_to_have", "benefits"})
SUMMARY_FIELDS: tuple[str, ...] = ("title", "company", "company_description", "job_type", "location", "remote")
_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "GBP": "£"}
# Cues a line needs over Portuguese before it counts as English/Spanish: the history is Portuguese, and short
# lines fool cue counts ("as" is English, "de" is Spanish too), so a single cue proves nothing.
_MARGIN_OVER_PT = 2


def phrase(key: str, lang: str, /, **fields: Any) -> str:
    """The ``key`` sentence of the ``jd`` catalogue in ``lang``, filled with ``fields``."""
    return message("jd", key, lang, **fields)


def written_in(text: str, lang: str) -> bool:
    """Whether ``text`` may be shown as written in ``lang``. Portuguese: nothing argues for another language
    (a line of skill names fits). English/Spanish: at least two cues more than Portuguese and no fewer than the
    other language, so an unmarked Portuguese line of the history does not pass for English."""
    if lang == "pt":
        return fits_language(text, "pt")
    scores = language_scores(text)
    return scores[lang] >= scores["pt"] + _MARGIN_OVER_PT and all(
        scores[lang] >= score for other, score in scores.items() if other != "pt"
    )


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
    lang = req.language
    lo = format_money(req.salary_min, currency=req.currency, lang=lang) if req.salary_min is not None else ""
    hi = format_money(req.salary_max, currency=req.currency, lang=lang) if req.salary_max is not None else ""
    if lo and hi:
        return phrase("salary.single", lang, lo=lo) if lo == hi else phrase("salary.range", lang, lo=lo, hi=hi)
    return phrase("salary.from", lang, lo=lo) if lo else phrase("salary.up_to", lang, hi=hi)


def remote_label(req: JDRequest) -> str | None:
    return phrase(f"remote.{req.remote}", req.language) if req.remote else None


def years_line(req: JDRequest) -> str | None:
    """The experience requirement, or None when no years were given."""
    n, lang = req.years_experience, req.language
    if n is None:
        return None
    if n == 0:
        return phrase("years.none", lang)
    return phrase("years.one", lang, title=req.title) if n == 1 else phrase("years.many", lang, n=n, title=req.title)


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


def template_summary(req: JDRequest) -> str:
    """A sentence per given fact: title and company, the company's description, job type, place, work model."""
    lang = req.language
    parts = [
        phrase("summary.hiring", lang, company=req.company, title=req.title)
        if req.company
        else phrase("summary.opening", lang, title=req.title)
    ]
    for name, text in (
        ("about", req.company_description),
        ("job_type", req.job_type),
        ("location", req.location),
        ("remote", remote_label(req)),
    ):
        if text:
            parts.append(phrase(f"summary.{name}", lang, text=text))
    return " ".join(_sentence(p) for p in parts)


def render_markdown(title: str, sections: Mapping[str, Any], lang: str) -> str:
    parts = [f"# {title}", f"## {phrase('heading.summary', lang)}", str(sections.get("summary") or "")]
    for name in ("responsibilities", "requirements", "nice_to_have", "benefits"):
        items = sections.get(name) or []
        if items:
            parts += [f"## {phrase(f'heading.{name}', lang)}", "\n".join(f"- {item}" for item in items)]
    if sections.get("salary"):
        parts += [f"## {phrase('heading.salary', lang)}", str(sections["salary"])]
    return "\n\n".join(parts) + "\n"


__all__ = [
    "LIST_SECTIONS",
    "SECTIONS",
    "SUMMARY_FIELDS",
    "field_values",
    "format_money",
    "phrase",
    "remote_label",
    "render_markdown",
    "salary_line",
    "template_summary",
    "written_in",
    "years_line",
]
