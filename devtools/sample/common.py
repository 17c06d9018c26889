"""Small helpers every part of the generator draws with: weighted and skewed choices, dates, fake people,
companies, CPFs and phones, titles by seniority, pay. Each takes the record's own ``random.Random``."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable
from datetime import date

from devtools.sample import vocab
from devtools.sample.vocab import Area, Weighted

__all__ = [
    "DATE0",
    "DATE1",
    "activities",
    "ascii_fold",
    "cap",
    "company",
    "cpf",
    "cpf_is_valid",
    "dmy",
    "level_title",
    "money",
    "months",
    "person",
    "phone",
    "rate",
    "salary",
    "skewed",
    "slug",
    "staff_name",
    "wchoice",
]

DATE0 = date(2019, 1, 2).toordinal()
DATE1 = date(2024, 10, 31).toordinal()


def wchoice(rng: random.Random, pairs: Weighted) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def skewed(rng: random.Random, items: tuple[str, ...], k: int, exclude: Iterable[str] = ()) -> list[str]:
    """Up to ``k`` distinct items, favouring the first (core) ones, in draw order."""
    out: list[str] = []
    taken = set(exclude)
    k = min(k, len(items) - len(taken & set(items)))
    while len(out) < k:
        item = items[int(len(items) * rng.random() ** 1.7)]
        if item not in taken:
            taken.add(item)
            out.append(item)
    return out


def dmy(ordinal: int) -> str:
    return date.fromordinal(ordinal).strftime("%d-%m-%Y")


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str, sep: str) -> str:
    return sep.join(ascii_fold(text).lower().split())


def cpf(rng: random.Random) -> str:
    """A fake CPF with valid check digits (so the PII redactor is tested on realistic numbers)."""
    digits = [rng.randrange(10) for _ in range(9)]
    if len(set(digits)) == 1:
        digits[0] = (digits[0] + 1) % 10
    for n in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(n, 1, -1), strict=True))
        digits.append((total * 10) % 11 % 10)
    s = "".join(map(str, digits))
    return f"{s[:3]}.{s[3:6]}.{s[6:9]}-{s[9:]}"


def cpf_is_valid(cpf: str) -> bool:
    """Check the two CPF verification digits (helper for tests and the PII redactor)."""
    digits = [int(c) for c in cpf if c.isdigit()]
    if len(digits) != 11 or len(set(digits)) == 1:
        return False
    for n in (9, 10):
        total = sum(d * w for d, w in zip(digits[:n], range(n + 1, 1, -1), strict=True))
        if (total * 10) % 11 % 10 != digits[n]:
            return False
    return True


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def person(rng: random.Random) -> tuple[str, bool]:
    """(full name, female?)."""
    female = rng.random() < 0.45
    first = rng.choice(vocab.FEMALE if female else vocab.MALE)
    last = rng.choice(vocab.SURNAMES)
    if last in vocab.PARTICLES and rng.random() < 0.35:
        last = vocab.PARTICLES[last] + last
    if rng.random() < 0.35:
        last = rng.choice(vocab.SURNAMES) + " " + last
    return f"{first} {last}", female


def staff_name(seed: int, k: int) -> str:
    return person(random.Random(f"{seed}:staff:{k}"))[0]


def company(rng: random.Random) -> str:
    a, b = rng.choice(vocab.COMPANY_A), rng.choice(vocab.COMPANY_B)
    name = f"Banco {a}" if b == "Bank" and rng.random() < 0.5 else f"{a} {b}"
    if rng.random() < 0.12:
        name = "Grupo " + name
    return name + rng.choice(vocab.COMPANY_SUFFIX)


def phone(rng: random.Random, ddd: int) -> tuple[str, str, str]:
    """(formatted "(11) 98765-4321", "+55 11 9 8765-4321" style, "+55 (11) 98765-4321" style)."""
    a, b = rng.randint(1000, 9999), rng.randint(0, 9999)
    return (f"({ddd}) 9{a}-{b:04d}", f"+55 {ddd} 9 {a}-{b:04d}", f"+55 ({ddd}) 9{a}-{b:04d}")


def months(m: int) -> str:
    """``m`` counted in months since year 0 as "mm/yyyy"."""
    return f"{m % 12 + 1:02d}/{m // 12}"


def level_title(rng: random.Random, area: Area, role: str, nivel: str) -> str:
    """A job title for ``role`` at seniority ``nivel``, written the many ways the real files write them."""
    if role.split()[0] in vocab.IMPLIED_LEVEL:
        return role
    level = vocab.LEVEL_ORD[nivel]
    if level >= 4:
        leads = [t for t in area.leads if t.startswith(nivel)]
        return rng.choice(leads) if leads and rng.random() < 0.7 else f"{nivel} de {area.team}"
    if nivel == "Especialista":
        return f"{role} Especialista" if rng.random() < 0.5 else f"Especialista {role.split(' ', 1)[-1]}"
    if nivel in ("Analista", "Assistente", "Trainee"):
        if role.startswith(("Analista", "Assistente", "Auxiliar")):
            return role
        return role if rng.random() < 0.5 else f"{role} Pleno"
    suffix = {
        "Júnior": ("Júnior", "Jr", "Junior"),
        "Pleno": ("Pleno", "Pl", "Pleno"),
        "Sênior": ("Sênior", "Sr", "Senior"),
    }[nivel]
    return f"{role} {rng.choice(suffix)}"


def activities(rng: random.Random, area: Area, focus: str, k: int) -> list[str]:
    """``k`` distinct activity phrases of the area, those about the focus skill first more often."""
    key = focus.lower()
    pool = [p.replace("{f}", focus) for p in area.activities]
    pool += rng.sample(vocab.IT_GENERIC if area.it else vocab.BIZ_GENERIC, 3)
    rng.shuffle(pool)
    pool.sort(key=lambda p: 0 if key in p.lower() and rng.random() < 0.8 else 1)
    return pool[:k]


def rate(rng: random.Random, level: int) -> int:
    """An hourly PJ rate (R$) for a seniority ordinal."""
    return rng.randint(35, 70) + 25 * (level - 1) + rng.choice((0, 0, 5, 10))


def salary(rng: random.Random, level: int, it: bool) -> int:
    """A monthly CLT salary (R$, rounded to 100) for a seniority ordinal; business areas pay less."""
    base = (2500, 5000, 9000, 13000, 17000)[level - 1] * (1.0 if it else 0.7)
    return int(base * rng.uniform(0.8, 1.35)) // 100 * 100
