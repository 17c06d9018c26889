"""Job descriptions from structured fields, grounded in the most similar historical vagas.

    from recruta.jd import JDRequest, JDService
    service = JDService(sessionmaker=make_sessionmaker(url), retrieve=agent.retrieve)
    jd = service.generate(JDRequest(title="Engenheiro de Dados", skills=["Python", "Airflow"], language="pt"))

The package by job:

- :mod:`~recruta.jd.request` — the request model (:class:`JDRequest`, pydantic constraints) and its errors;
- :mod:`~recruta.jd.wording` — headings and sentences per language (``recruta/i18n/catalogues/jd.json``),
  money, the template summary, Markdown;
- :mod:`~recruta.jd.grounding` — the retrieved vagas' lines (chunks stitched back) and what they may be used for;
- :mod:`~recruta.jd.fit` — whether a retrieved vaga is similar enough to lend lines (a measured threshold) and
  whether a line fits the requested role;
- :mod:`~recruta.jd.compose` — the sections, from the fields and the fitting lines, each borrowed item with its vaga;
- :mod:`~recruta.jd.service` — :class:`JDService`: generate, edit/regenerate, store, rate.
"""

from __future__ import annotations

from recruta.jd.compose import summary_ok
from recruta.jd.request import FIELDS, LANGUAGES, JDError, JDRequest, parse_request
from recruta.jd.service import JDService, rating_metrics
from recruta.jd.wording import (
    SECTIONS,
    field_values,
    format_money,
    render_markdown,
    salary_line,
    template_summary,
)

__all__ = [
    "FIELDS",
    "LANGUAGES",
    "SECTIONS",
    "JDError",
    "JDRequest",
    "JDService",
    "field_values",
    "format_money",
    "parse_request",
    "rating_metrics",
    "render_markdown",
    "salary_line",
    "summary_ok",
    "template_summary",
]
