"""Years of experience: a CV's total, or the minimum a job asks for.

Number words and month names are data (``data/numbers.json``, ``data/months.json``). The phrasing around
them — units ("anos", "лет"), bounds ("at least", "от"), "now" words, experience keywords — stays regex
here: it is the grammar of a claim, and split into word lists it would no longer read as one.
"""

from __future__ import annotations

import re
from datetime import date

from recruta.facts.kind import looks_like_job
from recruta.facts.tables import table
from recruta.text.fold import fold

__all__ = ["date_ranges", "experience_claim", "years_of_experience"]

_NUM_WORDS: dict[str, float] = {
    word: float(value) for group in ("pt_es_en", "ru") for word, value in table("numbers")[group].items()
}
_NUM = r"(\d{1,2}(?:[.,]\d)?|" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")(?:-?(?:х|ти|и|ми))?"
_YEAR = r"(?:лет|года|год|anos?|years?|yrs?)(?!\w)"
_MONTH = r"(?:месяц\w*|мес\.?|meses|mes|months?|mos\.?)(?!\w)"
_EXP_KW = re.compile(
    r"опыт|стаж|experienc|experiencia|atuacao|atuando|atuo|trabalh|trabaj|carreira|career|work(?:ing|ed)?\b|"
    r"vivencia|background"
)
_RU_REQUIRED = re.compile(
    rf"требуемый опыт работы\s*:?\s*(?:(не требуется|без опыта)|(?:от|более|свыше)?\s*{_NUM}"
    rf"(?:\s*[-–]\s*{_NUM})?\s*(?:{_YEAR})?)"
)
_RU_TOTAL = re.compile(
    rf"опыт работы\s*:?\s*(?:опыт работы\s*)?{_NUM}\s*{_YEAR}(?:\s*{_NUM}\s*{_MONTH})?|"
    rf"опыт работы\s*:?\s*(?:опыт работы\s*)?{_NUM}\s*{_MONTH}"
)
# Words that make "N years" an age. Whole words: "age" is inside "storage", "idade" inside "qualidade", "edad" inside
# "sociedad" — a claim next to them is still a claim.
# Only just before the number ("Idade: 35 anos", "возраст: Мужчина, 29 лет") or just after it ("30 years old").
_AGE = re.compile(r"(?<!\w)(?:idade|age|edad|возраст\w*|родил\w*)(?!\w)")
_AGE_AFTER = re.compile(r"\s*(?:old|de idade|de edad|de vida)(?!\w)")
_FROM_ONE = re.compile(r"(?:от|не менее|более|свыше)\s+(полугода|года)(?!\w)")
_BOUND = (
    r"(?:от|не менее|более|свыше|at least|minimum(?: of)?|min\.?|minimo(?: de)?|pelo menos|mais de|acima de|"
    r"no minimo|over|more than|al menos|mas de|como minimo|desde)"
)
_CLAIM = re.compile(
    rf"(?<![\w.,])(?:{_BOUND}\s+)?{_NUM}\s*\+?\s*(?:(?:-|a|to|ate|до)\s*{_NUM}\s*\+?\s*)?{_YEAR}"
    rf"(?:\s*(?:e|and|y|и)?\s*{_NUM}\s*{_MONTH})?"
)
_MONTHS: dict[str, int] = {
    name: number for number, names in enumerate(table("months")["months"], start=1) for name in names
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = rf"(?:(?:(\d{{1,2}})\s*/\s*|({_MONTH_NAME})\.?\s*(?:de\s+|/\s*)?)?((?:19|20)\d\d))"
_NOW = r"(atual|atualmente|presente|present|now|current|today|hoje|actualidad|actual|hoy|(?:по )?настоящее время|н\.\s?в\.|сейчас)"
_RANGE_SEP = r"(?:-|a|ate|to|until|hasta|по|—)"
_RANGE = re.compile(rf"(?<!\d){_DATE}\s*{_RANGE_SEP}\s*(?:{_DATE}|{_NOW})")
# "Desde 2015 atuo como analista", "since 2017": a range up to now (not "desde 2015 a 2019", which _RANGE reads).
_SINCE = re.compile(rf"(?<!\w)(?:desde|since|a partir de)\s+{_DATE}(?!\s*{_RANGE_SEP}\s*(?:\d|{_NOW}))")


def _num(token: str) -> float:
    token = token.replace(",", ".")
    return float(_NUM_WORDS[token]) if token in _NUM_WORDS else float(token)


def years_of_experience(text: str, *, job: bool | None = None, today: date | None = None) -> float | None:
    """Years of experience, one decimal.

    CV (``job=False``): the total claimed ("Опыт работы 3 года 11 месяцев" → 3.9, "mais de 10 anos de
    experiência" → 10, "10 anos em SAP"), the largest claim when several, else derived from date ranges
    ("09/2011 a atual", "jan/2022 até hoje", "desde 2015 atuo como…" — "now" is ``today``, default the date the
    text is read, or the latest year the text names if that is later).
    Job (``job=True``): the required minimum — the hh.ru field "Требуемый опыт работы: 1–3 года" (→ 1,
    "не требуется" → 0) when present, else the largest "at least N years" / "от 3 лет" / "experiência
    mínima de 2 anos" / "5+ years". ``job=None`` guesses with :func:`looks_like_job`.
    """
    norm = fold(text)
    is_job = looks_like_job(text) if job is None else job
    if is_job:
        m = _RU_REQUIRED.search(norm)
        if m:
            if m.group(1):
                return 0.0
            return round(_num(m.group(2)), 1)
    else:
        m = _RU_TOTAL.search(norm)
        if m:
            if m.group(1) is not None:
                years = _num(m.group(1)) + (_num(m.group(2)) / 12 if m.group(2) else 0.0)
            else:
                years = _num(m.group(3)) / 12
            return round(years, 1)
    claims = _experience_claims(norm)
    if claims:
        return round(max(claims), 1)
    if not is_job:
        derived = _years_from_ranges(norm, today or date.today())
        if derived:
            return round(derived, 1)
    return None


def _experience_claims(norm: str) -> list[float]:
    """Every "N years" near an experience word (not an age), plus "от года"/"более полугода"."""
    return [value for value, _, _ in _claims(norm)]


def experience_claim(text: str) -> tuple[int, int] | None:
    """Where a CV claims its largest "N years" of experience ("5+ years of proven expertise"): the (start, end)
    offsets of the words :func:`years_of_experience` read the claim from; None when the text claims none."""
    claims = _claims(fold(text))
    if not claims:
        return None
    _, start, end = max(claims, key=lambda c: (c[0], -c[1]))
    return start, end


def _claims(norm: str) -> list[tuple[float, int, int]]:
    """Each claim's years and where it is written."""
    claims: list[tuple[float, int, int]] = []
    for m in _CLAIM.finditer(norm):
        window = norm[max(0, m.start() - 60) : m.end() + 40]
        tail = norm[m.end() : m.end() + 12]
        if not (_EXP_KW.search(window) or re.match(r"\s*(?:em|de|na|no|com|como|in|of|with|as|en|con)\s", tail)):
            continue
        if _is_age(norm, m.start(), tail):
            continue
        value = _num(m.group(1))
        if m.group(3):  # "N years and M months"
            value += _num(m.group(3)) / 12
        if value <= 50:
            claims.append((value, m.start(), m.end()))
    for m in _FROM_ONE.finditer(norm):
        if _EXP_KW.search(norm[max(0, m.start() - 60) : m.end() + 40]):
            claims.append((0.5 if m.group(1) == "полугода" else 1.0, m.start(), m.end()))
    return claims


def _is_age(norm: str, start: int, tail: str) -> bool:
    """Is the number at ``start`` an age: "30 years old", or the first number after "Idade:"/"возраст" (not a
    later one: "Edad: 29 años, 5 años de experiencia" claims 5 years)."""
    if _AGE_AFTER.match(tail):
        return True
    before = norm[max(0, start - 30) : start]
    ages = list(_AGE.finditer(before))
    return bool(ages) and not re.search(r"\d", before[ages[-1].end() :])


def date_ranges(text: str, *, today: date | None = None) -> list[tuple[int, int, int, int]]:
    """Every work period a text writes ("03/2015 - 07/2019", "jan 2020 – atual", "desde 2015 atuo…"): (start, end)
    offsets of where it is written, and (first, last) months as ``year * 12 + month - 1``, in order of position."""
    norm = fold(text)
    return _ranges(norm, today or date.today())


def _ranges(norm: str, today: date) -> list[tuple[int, int, int, int]]:
    years_written = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", norm)]
    if not years_written:
        return []
    now = max(today.year * 12 + today.month - 1, max(years_written) * 12 + 11)
    out: list[tuple[int, int, int, int]] = []
    for m in _RANGE.finditer(norm):
        start = _month_index(m.group(1), m.group(2), m.group(3), default_month=1)
        end = now if m.group(7) else _month_index(m.group(4), m.group(5), m.group(6), default_month=12)
        if start is not None and end is not None and end >= start:
            out.append((m.start(), m.end(), start, end))
    for m in _SINCE.finditer(norm):
        if not _EXP_KW.search(norm, max(0, m.start() - 40), m.end() + 40):
            continue  # "casado desde 2015" is no work
        start = _month_index(m.group(1), m.group(2), m.group(3), default_month=1)
        if start is not None and now >= start:
            out.append((m.start(), m.end(), start, now))
    return sorted(out)


def _years_from_ranges(norm: str, today: date) -> float | None:
    """Total of the date ranges, overlaps counted once."""
    spans = sorted((first, last) for _, _, first, last in _ranges(norm, today))
    if not spans:
        return None
    total = 0
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if s <= cur_e:
            cur_e = max(cur_e, e)
        else:
            total += cur_e - cur_s + 1
            cur_s, cur_e = s, e
    total += cur_e - cur_s + 1
    return total / 12


def _month_index(month_num: str | None, month_name: str | None, year: str | None, *, default_month: int) -> int | None:
    if year is None:
        return None
    month = default_month
    if month_num:
        month = int(month_num)
    elif month_name:
        month = _MONTHS.get(month_name.rstrip("."), default_month)
    if not 1 <= month <= 12:
        return None
    return int(year) * 12 + month - 1
