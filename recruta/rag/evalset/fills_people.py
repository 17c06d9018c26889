"""Filling templates about people: candidate searches, a candidate by name, two candidates compared, and the
questions the records cannot answer. See :mod:`recruta.rag.evalset.fills` for the vaga-side fillers."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from itertools import product

from recruta.rag.evalset.facts import Facts, Person, key, prospect_id, strip_honorific, useful
from recruta.rag.evalset.fills import Fill, _joined, _shuffled, describe, label
from recruta.rag.evalset.templates import Template

__all__ = ["fill_by_name", "fill_compare", "fill_search", "fill_unanswerable"]

SEARCH_MAX = 6  # a candidate search is asked when 1..SEARCH_MAX people answer it
_AMOUNT = re.compile(r"\d+[.,]\d{2}\b")
_LEAVING = re.compile(r"motivo|sa[ií]da|deslig|demiss|reason for leaving|left the company|raz[oó]n", re.I)
_SCORE = re.compile(r"\bnota\b|score|pontua|puntua", re.I)
_SENIORITY_WORDS = (("senior", "Sênior"), ("junior", "Júnior"), ("pleno", "Pleno"), ("especialista", "Especialista"))
_SENIORITIES = frozenset(w for w, _ in _SENIORITY_WORDS)  # what a recruiter searches by (not "Analista", "Gerente")


def _unique_people(facts: Facts) -> list[Person]:
    return [p for p in facts.applicants if p.nome and facts.person_by_name(p.nome) is not None]


def _search_fill(people: list[Person], slots: dict[str, str], subject: str) -> Fill:
    names = sorted(p.nome for p in people)
    return Fill(
        subject=subject,
        slots=slots,
        record_ids=[p.record_id for p in people],
        answer=", ".join(names),
        expected={"type": "set", "items": names, "namespace": "person"},
    )


def fill_search(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """Candidates by skill, English level, city and seniority, asked only when 1..SEARCH_MAX people match and the
    "or better" reading of an English level names the same people."""
    people = facts.applicants
    if "skill" in t.intent and facts.skill_population() < 0.3:
        return  # the real slices barely fill the skills field: a search on it would not be settled by the records
    fixed = None
    if t.intent == "skill_senioridade" and "senioridade" not in t.slots:
        words = key(t.text)
        fixed = next((lv for w, lv in _SENIORITY_WORDS if w in words), None)
        if fixed is None:
            return
    dims = {
        "skill": lambda p: {key(s): s for s in p.skills},
        "ingles": lambda p: {key(p.english): p.english} if useful(p.english) else {},
        "cidade": lambda p: {key(p.city): p.city} if useful(p.city) else {},
        "senioridade": lambda p: {key(p.seniority): p.seniority} if key(p.seniority) in _SENIORITIES else {},
    }
    wanted = {
        "skill": ["skill"],
        "skill_ingles": ["skill", "ingles"],
        "skill_cidade": ["skill", "cidade"],
        "skill_senioridade": ["skill", "senioridade"],
        "cidade_ingles": ["cidade", "ingles"],
    }[t.intent]
    index: dict[tuple[str, ...], list[Person]] = {}
    labels: dict[tuple[str, ...], tuple[str, ...]] = {}
    for p in people:
        values: list[dict[str, str]] = [dims[d](p) for d in wanted]
        for combo in product(*(v.items() for v in values)):
            k = tuple(c[0] for c in combo)
            index.setdefault(k, []).append(p)
            labels.setdefault(k, tuple(c[1] for c in combo))
    for combo in _shuffled(sorted(index), rng):
        found = index[combo]
        if not 1 <= len(found) <= SEARCH_MAX or any(facts.person_by_name(p.nome) is None for p in found):
            continue
        named = dict(zip(wanted, labels[combo], strict=True))
        if fixed is not None and key(named["senioridade"]) != key(fixed):
            continue
        if "ingles" in named and not _same_or_better(facts, people, wanted, combo, found):
            continue
        slots = {
            "skill": named.get("skill", ""),
            "cidade": named.get("cidade", ""),
            "nivel": label(named.get("ingles", ""), t.lang),
            "senioridade": label(named.get("senioridade", ""), t.lang),
        }
        yield _search_fill(found, slots, "|".join(combo))


def _same_or_better(
    facts: Facts, people: list[Person], wanted: list[str], combo: tuple[str, ...], found: list[Person]
) -> bool:
    """Would "English at least this level" find the same people?"""
    level = facts.english_rank(combo[wanted.index("ingles")])
    if level is None:
        return False
    found_codes = {p.codigo for p in found}
    for p in people:
        rank = facts.english_rank(p.english)
        if p.codigo in found_codes or rank is None or rank <= level:
            continue
        others = [d for d in wanted if d != "ingles"]
        if all(_has(p, d, combo[wanted.index(d)]) for d in others):
            return False
    return True


def _has(p: Person, dim: str, value: str) -> bool:
    if dim == "skill":
        return value in {key(s) for s in p.skills}
    return key({"cidade": p.city, "senioridade": p.seniority}[dim]) == value


def fill_by_name(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    levels = {
        i: sorted({getattr(p, a) for p in facts.applicants if useful(getattr(p, a))})
        for i, a in (("ingles", "english"), ("senioridade", "seniority"))
    }
    academic = sorted(
        {
            p.applicant.formacao_e_idiomas.nivel_academico
            for p in facts.applicants
            if p.applicant and useful(p.applicant.formacao_e_idiomas.nivel_academico)
        }
    )
    for p in _shuffled(_unique_people(facts), rng):
        assert p.applicant is not None
        slots, ids = {"nome": p.nome}, [p.record_id]
        if t.intent == "titulo" and useful(v := p.applicant.informacoes_profissionais.titulo_profissional):
            yield Fill(subject=p.codigo, slots=slots, record_ids=ids, answer=v, expected={"type": "value", "value": v})
        elif t.intent == "ingles" and useful(p.english):
            yield Fill(
                subject=p.codigo,
                slots=slots,
                record_ids=ids,
                answer=p.english,
                expected={"type": "value", "value": p.english, "field": "ingles", "alternatives": levels["ingles"]},
            )
        elif t.intent == "senioridade" and useful(p.seniority):
            yield Fill(
                subject=p.codigo,
                slots=slots,
                record_ids=ids,
                answer=p.seniority,
                expected={
                    "type": "value",
                    "value": p.seniority,
                    "field": "nivel_profissional",
                    "alternatives": levels["senioridade"],
                },
            )
        elif t.intent == "academico" and useful(v := p.applicant.formacao_e_idiomas.nivel_academico):
            yield Fill(
                subject=p.codigo,
                slots=slots,
                record_ids=ids,
                answer=v,
                expected={"type": "value", "value": v, "field": "nivel_academico", "alternatives": academic},
            )
        elif t.intent == "cidade" and useful(p.city):
            yield Fill(
                subject=p.codigo,
                slots=slots,
                record_ids=ids,
                answer=p.city,
                expected={"type": "value", "value": p.city, "namespace": "city"},
            )
        elif t.intent == "skills" and 1 <= len(skills := list(dict.fromkeys(p.skills))) <= 10 and _listed(p):
            yield Fill(
                subject=p.codigo,
                slots=slots,
                record_ids=ids,
                answer=", ".join(skills),
                expected={"type": "set", "items": skills, "namespace": "skill"},
            )
        elif t.intent == "vagas" and p.apps:
            titles = list(dict.fromkeys(facts.jobs[a.vaga_id].titulo for a in p.apps))
            if all(useful(x) for x in titles) and len(titles) <= 8:
                yield Fill(
                    subject=p.codigo,
                    slots=slots,
                    record_ids=ids + [prospect_id(a) for a in p.apps],
                    answer=_joined(titles, t.lang),
                    expected={"type": "set", "items": titles, "namespace": "title"},
                )


def _listed(p: Person) -> bool:
    """Whether the skills field is a list whose every item :attr:`Person.skills` keeps: a free text (the real
    slices' "Curso de Java e Orientação Objetos. (Alura) …") is not settled by the short items split out of it,
    and an answer stating the whole field would be judged by a part of it."""
    assert p.applicant is not None
    items = [s.strip(" .") for s in re.split(r"[,;]", p.applicant.informacoes_profissionais.conhecimentos_tecnicos)]
    return len([s for s in items if s]) == len(p.skills)


def fill_compare(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """Two applicants of one vaga, exactly one hired: the records say who went further."""
    for job in _shuffled(facts.jobs.values(), rng):
        hired = [a for a in job.apps if a.hired and facts.person_by_name(a.prospect.nome)]
        others = [a for a in job.apps if not a.hired and facts.person_by_name(a.prospect.nome)]
        if not hired or not others or len(job.hires) != 1 or not useful(job.titulo):
            continue
        if [j.id for j in facts.jobs_matching(titulo=job.titulo)] != [job.id]:
            continue
        win, lose = hired[0], rng.choice(others)
        pair = [win, lose] if rng.random() < 0.5 else [lose, win]
        yield Fill(
            subject=f"{job.id}:{win.codigo}:{lose.codigo}",
            slots={"titulo": job.titulo, "nome": pair[0].prospect.nome, "nome2": pair[1].prospect.nome},
            record_ids=[prospect_id(win), prospect_id(lose)],
            answer=win.prospect.nome,
            extra={"other": lose.prospect.nome},
            expected={
                "type": "compare",
                "winner": win.prospect.nome,
                "loser": lose.prospect.nome,
                "statuses": {
                    win.prospect.nome: win.prospect.situacao_candidado,
                    lose.prospect.nome: lose.prospect.situacao_candidado,
                },
                "not_hired": [lose.prospect.nome],
            },
        )


def _none(subject: str, slots: dict[str, str], ids: list[str]) -> Fill:
    return Fill(subject=subject, slots=slots, record_ids=ids, answer="", expected={"type": "none"})


def fill_unanswerable(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """Questions about what the records do not hold: why someone left a job, interview scores, a client's size,
    a vaga's budget, a vaga or person that does not exist."""
    i = t.intent
    if i == "motivo_saida":
        for p in _shuffled(_unique_people(facts), rng):
            cv = (p.applicant.cv_pt + p.applicant.cv_en) if p.applicant else ""
            if not _LEAVING.search(cv):
                yield _none(p.codigo, {"nome": p.nome}, [p.record_id])
    elif i == "nota_entrevista":
        for p in _shuffled(facts.people.values(), rng):
            if (
                p.apps
                and facts.person_by_name(p.nome)
                and not any(_SCORE.search(a.prospect.comentario) for a in p.apps)
            ):
                yield _none(
                    p.codigo, {"nome": p.nome}, [p.record_id] if p.applicant else [prospect_id(a) for a in p.apps]
                )
    elif i == "funcionarios_cliente":
        for client in _shuffled(sorted({j.cliente for j in facts.vagas if useful(j.cliente)}), rng):
            yield _none(client, {"cliente": client}, [])
    elif i == "orcamento_vaga":
        for job in _shuffled(facts.vagas, rng):
            money = " ".join(str(v) for v in (job.vaga.beneficios.values() if job.vaga else []))
            slots = describe(facts, job, t)
            if slots and not _AMOUNT.search(money):
                yield _none(job.id, slots, [job.record_id])
    elif i == "vaga_inexistente":
        titles = sorted({j.titulo for j in facts.vagas if useful(j.titulo)})
        clients = sorted({j.cliente for j in facts.vagas if useful(j.cliente)})
        for title, client in zip(
            _shuffled(titles, rng), _shuffled(clients * (len(titles) // max(1, len(clients)) + 1), rng), strict=False
        ):
            if not facts.jobs_matching(titulo=title, cliente=client):
                yield _none(f"{title}|{client}", {"titulo": title, "cliente": client}, [])
    elif i == "pessoa_inexistente":
        names = [strip_honorific(p.nome).split() for p in facts.people.values()]
        names = [n for n in names if len(n) >= 2]
        for first, last in zip(_shuffled(names, rng), _shuffled(names, rng), strict=True):
            fake = f"{first[0]} {last[-1]}"
            if not facts.name_exists(fake) and not _anyone_with(facts, first[0], last[-1]):
                yield _none(fake, {"nome": fake}, [])


def _anyone_with(facts: Facts, first: str, last: str) -> bool:
    a, b = key(first), key(last)
    return any(a in key(p.nome).split() and b in key(p.nome).split() for p in facts.people.values())
