"""Job or CV? Some facts mean different things in each: in a job "the required minimum", in a CV "the highest
reached". Extractors that care take ``job=True/False`` and, when not told, guess with :func:`looks_like_job` from
section headers ("Требования", "Requisitos", "Requirements" vs "Ищет работу на должность", "Objetivo").

The cue phrases stay regex here: they are anchored headers and phrases, not a word → value table.
"""

from __future__ import annotations

import re
from functools import lru_cache

from recruta.text.fold import fold

__all__ = ["looks_like_job"]

_JOB_CUES = re.compile(
    r"(?im)^\s*(?:должность|требования|обязанности|условия|требуемый опыт|описание|вакансия)\s*:|"
    r"\b(?:requisitos|requirements|required|qualifications|responsibilities|responsabilidades|we are looking|"
    r"estamos contratando|buscamos|procuramos|desejavel|diferenciais|nice to have|must have|job description|"
    r"descricao da vaga|competencias? tecnicas|competencia_tecnicas|principais_atividades|requerimientos|"
    r"требуемый опыт|требования|обязанности|мы предлагаем|что мы предлагаем|приветствуется|"
    r"требуется|оформление по тк)\b"
)
_CV_CUES = re.compile(
    r"\b(?:ищет работу|пол, возраст|образование и вуз|последнее/нынешнее место работы|резюме|objetivo profissional|"
    r"objetivo|resumo profissional|historico profissional|experiencia profissional|formacao academica|"
    r"curriculum|curriculo|professional experience|work experience|professional summary|"
    r"experiencia laboral|formacion academica|sobre mim|about me)\b"
)


@lru_cache(maxsize=128)
def looks_like_job(text: str) -> bool:
    """Heuristic: does ``text`` read like a job description rather than a CV?"""
    norm = fold(text)
    return len(_JOB_CUES.findall(norm)) > 2 * len(_CV_CUES.findall(norm))
