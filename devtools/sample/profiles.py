"""Profiles: the few attributes of a vaga or an applicant the prospects plan needs (area, role, level,
English, skills, city), drawn from per-record generators, and the fit score between the two."""

from __future__ import annotations

import random
from dataclasses import dataclass

from devtools.sample import vocab
from devtools.sample.common import DATE0, DATE1, level_title, person, skewed, wchoice

__all__ = ["APPLICANT_ID_START", "VAGA_ID_START", "Applicant", "Vaga", "applicant_profile", "match", "vaga_profile"]

VAGA_ID_START = 1000
APPLICANT_ID_START = 10000


@dataclass(slots=True)
class Vaga:
    vid: str
    area: int
    role: str
    focus: str
    titulo: str
    nivel: str
    level: int
    ingles: str
    english: int
    required: tuple[str, ...]
    day: int
    tipo: str
    modalidade: str
    analista: str
    city: int


@dataclass(slots=True)
class Applicant:
    codigo: str
    nome: str
    female: bool
    area: int
    role: str
    focus: str
    nivel: str
    level: int
    english: int
    spanish: int
    skills: tuple[str, ...]
    city: int
    years: int


def vaga_profile(seed: int, i: int, staff: list[str]) -> Vaga:
    rng = random.Random(f"{seed}:vaga:{i}")
    ai = rng.choices(range(len(vocab.AREAS)), weights=[a.vaga_weight for a in vocab.AREAS])[0]
    area = vocab.AREAS[ai]
    role, focus = rng.choice(area.roles)
    nivel = vocab.IMPLIED_LEVEL.get(role.split()[0]) or wchoice(rng, vocab.LEVELS_VAGA)
    titulo = level_title(rng, area, role, nivel)
    r = rng.random()
    if r < 0.08:
        titulo = titulo.upper()
    elif r < 0.11:
        titulo += " -"
    eng = rng.choices(vocab.VAGA_ENGLISH, weights=[e[2] for e in vocab.VAGA_ENGLISH])[0]
    required = (focus, *skewed(rng, area.skills, rng.randint(3, 6), exclude=(focus,)))
    tipo = wchoice(rng, vocab.TIPOS)
    modalidade = ""
    if rng.random() < 0.07:
        modalidade = (
            "PJ" if "PJ" in tipo else "Cooperado" if tipo == "Cooperado" else rng.choice(("CLT", "CLT - Estratégico"))
        )
    city = rng.choices(range(len(vocab.CITIES)), weights=[c.w_vagas for c in vocab.CITIES])[0]
    return Vaga(
        vid=str(VAGA_ID_START + i),
        area=ai,
        role=role,
        focus=focus,
        titulo=titulo,
        nivel=nivel,
        level=vocab.LEVEL_ORD[nivel],
        ingles=eng[0],
        english=eng[1],
        required=required,
        day=rng.randint(DATE0, DATE1),
        tipo=tipo,
        modalidade=modalidade,
        analista=rng.choice(staff),
        city=city,
    )


def applicant_profile(seed: int, i: int) -> Applicant:
    rng = random.Random(f"{seed}:applicant:{i}")
    nome, female = person(rng)
    ai = rng.choices(range(len(vocab.AREAS)), weights=[a.applicant_weight for a in vocab.AREAS])[0]
    area = vocab.AREAS[ai]
    role, focus = rng.choice(area.roles)
    nivel = vocab.IMPLIED_LEVEL.get(role.split()[0]) or wchoice(rng, vocab.LEVELS_APPLICANT)
    level = vocab.LEVEL_ORD[nivel]
    english = rng.choices(range(5), weights=(12, 33, 27, 16, 12))[0]
    if (level >= 3 or area.key in ("sap", "cloud", "java")) and english < 4 and rng.random() < 0.3:
        english += 1
    if not area.it and english > 0 and rng.random() < 0.3:
        english -= 1
    spanish = rng.choices(range(5), weights=(40, 40, 12, 4, 4))[0]
    skills = [focus, *skewed(rng, area.skills, rng.randint(3, 8), exclude=(focus,))]
    if area.related and rng.random() < 0.5:
        other = vocab.AREAS[vocab.AREA_INDEX[rng.choice(area.related)]]
        skills += skewed(rng, other.skills, rng.randint(1, 3), exclude=skills)
    if area.it and rng.random() < 0.4:
        skills += skewed(rng, vocab.COMMON_IT_SKILLS, 1, exclude=skills)
    years = max(0, {1: 2, 2: 5, 3: 10, 4: 13, 5: 16}[level] + rng.randint(-2, 6))
    city = rng.choices(range(len(vocab.CITIES)), weights=[c.w_applicants for c in vocab.CITIES])[0]
    return Applicant(
        codigo=str(APPLICANT_ID_START + i),
        nome=nome,
        female=female,
        area=ai,
        role=role,
        focus=focus,
        nivel=nivel,
        level=level,
        english=english,
        spanish=spanish,
        skills=tuple(skills),
        city=city,
        years=years,
    )


def match(v: Vaga, a: Applicant) -> float:
    """0..1 fit between a vaga and an applicant: area, required skills, seniority and English."""
    if a.area == v.area:
        area = 1.0
    elif (
        vocab.AREAS[a.area].key in vocab.AREAS[v.area].related or vocab.AREAS[v.area].key in vocab.AREAS[a.area].related
    ):
        area = 0.4
    else:
        area = 0.0
    have = set(a.skills)
    skills = sum(1 for s in v.required if s in have) / len(v.required)
    level = {0: 1.0, 1: 0.5}.get(abs(a.level - v.level), 0.0)
    english = 1.0 if a.english >= v.english else 0.5 if a.english == v.english - 1 else 0.0
    return 0.4 * area + 0.3 * skills + 0.15 * level + 0.15 * english
