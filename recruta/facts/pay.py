"""Salary: ``(min, max, currency)`` stated in a CV (expectation) or a job (offer).

(Not named ``salary``, so it does not shadow the function re-exported as ``recruta.facts.salary``.)

Currency words and signs are data (``data/currencies.json``). The amount grammar (thousands separators,
"k"/"mil"/"тыс.", ranges, "от"/"até" bounds, "/hora") stays regex here: it is parsing, not a table.
"""

from __future__ import annotations

import re

from recruta.facts.tables import table
from recruta.text.fold import fold
from recruta.text.language import detect_language

__all__ = ["salary"]

_CUR = r"(?P<{n}>r\$|us\$|usd|brl|rub|eur|€|£|₽|\$|руб\w*\.?|р\.|reais|real|dolares|dollars?|euros?|pesos?)"
_AMT = r"(?P<{n}>\d{{1,3}}(?:[ .,]\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?)(?:\s*(?P<{m}>million|mil|mi|млн|k|тыс\w*)(?!\w)\.?)?"
_SAL_LABEL = re.compile(
    r"(?im)(?:заработн\w* плат\w*|зарплат\w*|з/п|оклад|доход|salario|salary|remuneracao|remuneracion|"
    r"pretensao salarial|pretensao|faixa salarial|compensation|sueldo|valor hora|valor/hora)[^\n]*"
)


def _amount_pattern(i: int) -> str:
    return rf"(?:{_CUR.format(n=f'c{i}a')}\s*)?{_AMT.format(n=f'a{i}', m=f'm{i}')}(?:\s*{_CUR.format(n=f'c{i}b')})?"


_SAL_RANGE = re.compile(
    rf"(?:от|de|from|entre|desde)?\s*{_amount_pattern(1)}\s*(?:-|до|a|ate|to|y|e|and|hasta)\s*{_amount_pattern(2)}"
)
_SAL_ONE = re.compile(rf"(?P<bound>от|до|a partir de|from|up to|ate|hasta|desde|de)?\s*{_amount_pattern(1)}")
_HOURLY = re.compile(r"^\s*(?:/\s*(?:h|hr|hora|hour|час)\b|por hora|per hour|an hour|/hora|в час|за час|por hr)")
_CURRENCY_CODES: dict[str, str] = dict(table("currencies")["codes"])
_CURRENCY_BY_LANGUAGE: dict[str, str] = dict(table("currencies")["by_language"])


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    token = token.strip()
    if token.startswith("руб"):
        return "RUB"
    return _CURRENCY_CODES.get(token)


def _amount(digits: str, mult: str | None) -> float:
    s = digits.replace(" ", "")
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        s = s.replace("," if dec == "." else ".", "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        if len(parts[-1]) == 3 and (len(parts) > 2 or 1 <= len(parts[0]) <= 3):
            s = s.replace(sep, "")
        else:  # the last separator is the decimal point, any before it group thousands ("R$ 4.000.00")
            s = "".join(parts[:-1]) + "." + parts[-1]
    value = float(s)
    if mult:
        value *= 1_000_000 if mult in ("млн", "mi", "million") else 1000  # k, mil, тыс.
    return value


def salary(text: str) -> tuple[float | None, float | None, str | None]:
    """``(min, max, currency)`` of the salary in ``text``.

    Looks at salary-labelled lines first ("Заработная плата:", "Salário:", "Pretensão salarial:"...),
    then at any amount with a currency. "от 80 000 ₽" → (80000, None, "RUB"), "до 65 000 ₽" →
    (None, 65000, "RUB"), "от 70 000 до 120 000 ₽" → (70000, 120000, "RUB"), a single figure
    ("Заработная плата: 70000 руб.", "R$ 6.000,00") → (x, x, cur); "PJ R$ 72,00/hora" → (72, 72, "BRL/h");
    "$120k-$150k" → (120000, 150000, "USD"). A labelled amount without a currency gets the text's
    language currency (pt → BRL, ru → RUB). Nothing found → (None, None, None).
    """
    norm = fold(text)
    for line in (m.group(0) for m in _SAL_LABEL.finditer(norm)):
        got = _parse_salary(line, labelled=True, text=text)
        if got[0] is not None or got[1] is not None:
            return got
    for line in norm.splitlines():
        if re.search(r"r\$|us\$|[€£₽$]|руб|\b(?:usd|brl|eur|rub)\b", line):
            got = _parse_salary(line, labelled=False, text=text)
            if got[0] is not None or got[1] is not None:
                return got
    return (None, None, None)


def _parse_salary(line: str, *, labelled: bool, text: str) -> tuple[float | None, float | None, str | None]:
    lo: float | None
    hi: float | None
    m = _SAL_RANGE.search(line)
    if m and (m.group("c1a") or m.group("c1b") or m.group("c2a") or m.group("c2b") or labelled):
        cur = _currency(m.group("c1a") or m.group("c2a") or m.group("c1b") or m.group("c2b"))
        lo, hi = _amount(m.group("a1"), m.group("m1")), _amount(m.group("a2"), m.group("m2"))
        if m.group("m2") and not m.group("m1"):  # "5 a 7 mil", "от 100 до 150 тыс."
            lo = min(_amount(m.group("a1"), m.group("m2")), hi)
        tail = line[m.end() :]
    else:
        for m in _SAL_ONE.finditer(line):
            cur_tok = m.group("c1a") or m.group("c1b")
            if not cur_tok and not labelled:
                continue
            value = _amount(m.group("a1"), m.group("m1"))
            if value < 10 and not cur_tok:
                continue
            bound = m.group("bound")
            cur = _currency(cur_tok)
            lo, hi = value, value
            if bound in ("от", "a partir de", "from", "desde"):
                hi = None
            elif bound in ("до", "up to", "ate", "hasta"):
                lo = None
            tail = line[m.end() :]
            break
        else:
            return (None, None, None)
    if cur is None and labelled:
        cur = _CURRENCY_BY_LANGUAGE.get(detect_language(text))
    if cur and _HOURLY.match(tail):
        cur += "/h"
    return (lo, hi, cur)
