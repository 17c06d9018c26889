"""Filling a template's slots from the records, with the exact expected answer and the ids that support it.

One generator per intent yields :class:`Fill`s in a seeded random order; the builder takes as many as it needs.
A fill is only yielded when its slots identify what is asked (one vaga, one person, one application) — see
:mod:`recruta.rag.evalset.facts` for how descriptions match — and when the records settle the answer (an English
search is only asked when "exactly Avançado" and "Avançado or better" name the same people; a vaga's hires are only
asked when its applications are in the data). Expected answer types are documented in
:mod:`recruta.rag.evalset`.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from recruta.ingest.loaders import ProspectRecord
from recruta.rag.evalset.facts import Facts, Job, key, prospect_id, useful, vaga_value, words
from recruta.rag.evalset.templates import Template
from recruta.rag.vocab import lexicon
from recruta.text.fold import content_words
from recruta.text.redact import redact

__all__ = [
    "Fill",
    "describe",
    "fill_ambiguous",
    "fill_by_id",
    "fill_count",
    "fill_hired",
    "fill_ranking",
    "fill_status",
    "fill_vaga_field",
    "label",
]

DESC_SLOTS = frozenset({"titulo", "cliente", "cidade", "mes", "ano", "senioridade"})
_BULLET = re.compile(r"^\s*(?:[-•*·▪o]|\d{1,2}[.)])\s+(.*)$")


@dataclass(kw_only=True)
class Fill:
    subject: str  # what is asked about, stable across runs (a vaga id, a name, "Guaraci Financeira|2022")
    slots: dict[str, str]
    expected: dict[str, Any]
    record_ids: list[str]
    answer: str  # the expected answer written out, for the reference
    extra: dict[str, str] = field(default_factory=dict)  # more reference slots ({other} of a comparison)


def label(value: str, lang: str) -> str:
    """A record value as a recruiter would write it in ``lang`` ("Sênior" → "Senior" in English)."""
    forms = lexicon()["equivalents"].get(key(value).replace("-", " "), {}).get(lang)
    return str(forms[0]) if forms else value


def _month(month: int, lang: str) -> str:
    return str(lexicon()["month_names"][lang][month - 1])


def _joined(names: Iterable[str], lang: str) -> str:
    names = list(names)
    conj = {"pt": "e", "en": "and", "es": "y"}.get(lang, "e")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {conj} " + names[-1]


def _shuffled(items: Iterable[Any], rng: random.Random) -> list[Any]:
    out = list(items)
    rng.shuffle(out)
    return out


# ------------------------------------------------------------------------------ vagas
def describe(facts: Facts, job: Job, t: Template) -> dict[str, str] | None:
    """The template's description slots filled from ``job``, or None when empty or not unique to it."""
    need = t.slots & DESC_SLOTS
    if not need:
        return None
    opened = job.opened
    values = {
        "titulo": job.titulo,
        "cliente": job.cliente,
        "cidade": job.cidade,
        "ano": str(opened.year) if opened else "",
        "mes": _month(opened.month, t.lang) if opened else "",
        "senioridade": label(job.senioridade, t.lang) if job.senioridade else "",
    }
    slots = {s: values[s] for s in need}
    if not all(useful(v) for v in slots.values()):
        return None
    match = facts.jobs_matching(
        titulo=slots.get("titulo"),
        cliente=slots.get("cliente"),
        cidade=slots.get("cidade"),
        ano=opened.year if "ano" in need and opened else None,
        mes=opened.month if "mes" in need and opened else None,
        senioridade=job.senioridade if "senioridade" in need else None,
    )
    return slots if [j.id for j in match] == [job.id] else None


def _activity_items(text: str) -> list[str]:
    lines = [redact(m.group(1)).strip() for ln in text.splitlines() if (m := _BULLET.match(ln))]
    if len(lines) < 2:
        lines = [s.strip() for s in re.split(r"(?<=[.;])\s+|\n", redact(text))]
    return [ln for ln in lines if len(content_words(ln)) >= 3][:6]


def vaga_expected(facts: Facts, job: Job, intent: str) -> tuple[dict[str, Any], str] | None:
    """The expected answer to ``intent`` about a vaga, and its written form; None when the record has no value."""
    if job.vaga is None:
        return None
    value = vaga_value(job.vaga, intent)
    if not useful(value):
        return None
    if intent in ("ingles", "espanhol", "nivel_profissional", "nivel_academico"):
        return {"type": "value", "value": value, "field": intent, "alternatives": facts.field_values(intent)}, value
    if intent in ("cliente", "cidade", "analista"):
        namespace = {"cliente": "client", "cidade": "city", "analista": "recruiter"}[intent]
        return {"type": "value", "value": value, "namespace": namespace}, value
    if intent == "data":
        opened = job.opened
        return ({"type": "date", "value": opened.isoformat()}, f"{opened:%d/%m/%Y}") if opened else None
    if intent == "tipo_contratacao":
        items = [x.strip() for x in value.split(",") if x.strip()]
        alts = sorted({x.strip() for v in facts.field_values(intent) for x in v.split(",")} - set(items))
        return {"type": "set", "items": items, "alternatives": alts}, ", ".join(items)
    if intent == "atividades":
        items = _activity_items(value)
        return ({"type": "text", "items": items}, " ".join(items)) if len(items) >= 2 else None
    raise ValueError(f"unknown vaga field intent {intent!r}")


def fill_vaga_field(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    for job in _shuffled(facts.vagas, rng):
        got = vaga_expected(facts, job, t.intent)
        slots = describe(facts, job, t) if got else None
        if got and slots:
            yield Fill(subject=job.id, slots=slots, expected=got[0], record_ids=[job.record_id], answer=got[1])


def _hired_fill(facts: Facts, job: Job, slots: dict[str, str], lang: str) -> Fill:
    hires = list(dict.fromkeys(a.prospect.nome for a in job.hires))
    not_hired = sorted({a.prospect.nome for a in job.apps if not a.hired} - set(hires))
    ids = [prospect_id(a) for a in job.hires] or ([job.record_id] if job.vaga else [prospect_id(a) for a in job.apps])
    return Fill(
        subject=job.id,
        slots=slots,
        record_ids=ids,
        answer=_joined(hires, lang) if hires else "",
        expected={"type": "set", "items": hires, "namespace": "person", "claim": "hired", "not_hired": not_hired},
    )


def fill_hired(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """Vagas with hires and (one in four) without: "nobody was hired" is an answer too."""
    jobs = [j for j in facts.jobs.values() if j.id in facts.ds.prospects and j.apps]
    with_hires = _shuffled((j for j in jobs if j.hires), rng)
    without = _shuffled((j for j in jobs if not j.hires), rng)
    order = [j for quad in zip(*[iter(with_hires)] * 3, without, strict=False) for j in quad] + with_hires + without
    done: set[str] = set()
    for job in order:
        if job.id in done:
            continue
        done.add(job.id)
        slots = describe(facts, job, t)
        if slots:
            yield _hired_fill(facts, job, slots, t.lang)


def fill_status(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    statuses = sorted({a.prospect.situacao_candidado for a in facts.applications if a.prospect.situacao_candidado})
    for person in _shuffled(facts.people.values(), rng):
        if not person.apps or facts.person_by_name(person.nome) is None:
            continue
        for app in _shuffled(person.apps, rng):
            title = facts.jobs[app.vaga_id].titulo
            if not app.prospect.situacao_candidado or ("titulo" in t.slots and not useful(title)):
                continue
            same = [a for a in person.apps if "titulo" not in t.slots or words_in(title, facts.jobs[a.vaga_id].titulo)]
            if same != [app]:
                continue
            yield Fill(
                subject=f"{app.vaga_id}:{app.codigo}",
                slots={"nome": person.nome, "titulo": title},
                record_ids=[prospect_id(app)],
                answer=app.prospect.situacao_candidado,
                expected={
                    "type": "value",
                    "value": app.prospect.situacao_candidado,
                    "field": "status",
                    "alternatives": statuses,
                    "not_hired": [] if app.hired else [person.nome],
                },
            )
            break


def words_in(description: str, title: str) -> bool:
    return words(description) <= words(title)


# --------------------------------------------------------------------------- counts
def _count(subject: str, slots: dict[str, str], n: int, ids: list[str]) -> Fill:
    return Fill(subject=subject, slots=slots, expected={"type": "number", "value": n}, record_ids=ids, answer=str(n))


def fill_count(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    i = t.intent
    if i in ("vagas_cliente", "vagas_cliente_ano", "contratacoes_cliente"):
        if i == "contratacoes_cliente" and not facts.joined:
            return
        for client in _shuffled(sorted({j.cliente for j in facts.vagas if j.cliente}), rng):
            jobs = [j for j in facts.vagas if key(j.cliente) == key(client)]
            if i == "contratacoes_cliente":
                hires = [a for j in jobs for a in j.hires]
                yield _count(
                    client,
                    {"cliente": client},
                    len(hires),
                    [prospect_id(a) for a in hires] or [j.record_id for j in jobs],
                )
            elif i == "vagas_cliente":
                yield _count(client, {"cliente": client}, len(jobs), [j.record_id for j in jobs])
            else:
                for year in _shuffled(sorted({j.opened.year for j in jobs if j.opened}), rng):
                    hit = [j for j in jobs if j.opened and j.opened.year == year]
                    yield _count(
                        f"{client}|{year}", {"cliente": client, "ano": str(year)}, len(hit), [j.record_id for j in hit]
                    )
    elif i in ("vagas_ano", "vagas_mes"):
        periods = Counter((j.opened.year, j.opened.month if i == "vagas_mes" else 0) for j in facts.vagas if j.opened)
        for (year, month), n in _shuffled(sorted(periods.items()), rng):
            ids = [
                j.record_id
                for j in facts.vagas
                if j.opened and j.opened.year == year and (not month or j.opened.month == month)
            ]
            period = {"ano": str(year), "mes": _month(month, t.lang) if month else ""}
            yield _count(f"{year}-{month}", period, n, ids)
    elif i == "vagas_titulo":
        for title in _shuffled(sorted({j.titulo for j in facts.jobs.values() if useful(j.titulo)}), rng):
            same = facts.jobs_matching(titulo=title)  # a vaga known only from prospects.json: its first application
            ids = [j.record_id if j.vaga or not j.apps else prospect_id(j.apps[0]) for j in same]
            yield _count(title, {"titulo": title}, len(same), ids)
    elif i == "candidaturas_vaga":
        for job in _shuffled((j for j in facts.jobs.values() if j.id in facts.ds.prospects and j.apps), rng):
            described = describe(facts, job, t)
            if described:
                yield _count(job.id, described, len(job.apps), [prospect_id(a) for a in job.apps])
    elif i == "contratacoes_ano":
        years = Counter(y for a in facts.applications if a.hired and (y := facts.hire_year(a)))
        for year, n in _shuffled(sorted(years.items()), rng):
            ids = [prospect_id(a) for a in facts.applications if a.hired and facts.hire_year(a) == year]
            yield _count(str(year), {"ano": str(year)}, n, ids)
    elif i in ("contratacoes_recrutador", "candidaturas_recrutador", "candidatos_recrutador"):
        for rec in _shuffled(
            sorted({a.prospect.recrutador for a in facts.applications if useful(a.prospect.recrutador)}), rng
        ):
            apps = [a for a in facts.applications if key(a.prospect.recrutador) == key(rec)]
            if i == "contratacoes_recrutador":
                apps = [a for a in apps if a.hired]
            n = len({a.codigo for a in apps}) if i == "candidatos_recrutador" else len(apps)
            yield _count(rec, {"recrutador": rec}, n, [prospect_id(a) for a in apps])


# ------------------------------------------------------------------------- rankings
def _ranking_counts(
    facts: Facts, intent: str, year: int | None
) -> tuple[Counter[str], dict[str, list[str]], str] | None:
    """(count per entity, supporting ids per entity, namespace) of a ranking intent."""
    counts: Counter[str] = Counter()
    ids: dict[str, list[str]] = {}

    def add(name: str, rid: str) -> None:
        if useful(name):
            counts[name] += 1
            ids.setdefault(name, []).append(rid)

    if intent in ("clientes_vagas", "clientes_vagas_ano"):
        for j in facts.vagas:
            if year is None or (j.opened and j.opened.year == year):
                add(j.cliente, j.record_id)
        return counts, ids, "client"
    if intent in ("clientes_contratacoes", "clientes_desistencias"):
        if not facts.joined:
            return None
        test: Callable[[ProspectRecord], bool] = (
            (lambda a: a.hired) if intent == "clientes_contratacoes" else facts.withdrew
        )
        for a in facts.applications:
            if test(a):
                add(facts.client_of(a), prospect_id(a))
        return counts, ids, "client"
    if intent in ("recrutadores_contratacoes", "recrutadores_candidaturas"):
        for a in facts.applications:
            if a.hired or intent == "recrutadores_candidaturas":
                add(a.prospect.recrutador, prospect_id(a))
        return counts, ids, "recruiter"
    if intent == "titulos_candidaturas":
        for a in facts.applications:
            add(facts.jobs[a.vaga_id].titulo, prospect_id(a))
        return counts, ids, "title"
    raise ValueError(f"unknown ranking intent {intent!r}")


def fill_ranking(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    top = re.search(r"\btop\s*(\d+)|\b(\d+)\s+(?:clientes|clients|recrutadores|recruiters|cargos)", t.text, re.I)
    ks = [int(next(g for g in top.groups() if g))] if top else ([3, 5] if "k" in t.slots else [1])
    years = [None]
    if "ano" in t.slots:
        years = _shuffled(sorted({j.opened.year for j in facts.vagas if j.opened}), rng)
    for year in years:
        got = _ranking_counts(facts, t.intent, year)
        if not got or not got[0]:
            return
        counts, ids, namespace = got
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        for k in ks:
            keep = _verified_prefix([c for _, c in ranked], max(k, 5))
            if keep < k or ranked[k - 1][1] == 0 or sum(c >= ranked[k - 1][1] for _, c in ranked) > k + 2:
                continue  # a top shared by many (every client with one vaga) tells nothing: not asked
            rows = ranked[:keep]
            record_ids = [rid for name, _ in ranked[:k] for rid in ids[name]]
            slots = {"k": str(k), "ano": str(year) if year else ""}
            written = ", ".join(f"{n} ({c})" for n, c in rows[: max(k, 3)])
            yield Fill(
                subject=f"{year or 'all'}|k{k}",
                slots=slots,
                record_ids=record_ids,
                answer=written,
                expected={"type": "ranking", "k": k, "namespace": namespace, "ranking": [list(r) for r in rows]},
            )


def _verified_prefix(counts: list[int], want: int, cap: int = 60) -> int:
    """How many ranking positions to store: at least ``want`` plus every tie of the last one, at most ``cap``
    (a tie group that would overflow the cap is left out whole, so every stored position is exact)."""
    if len(counts) <= want:
        return len(counts)
    last = counts[want - 1]
    end = want
    while end < len(counts) and counts[end] == last:
        end += 1
    if end <= cap:
        return end
    start = counts.index(last)
    return start


# --------------------------------------------------------------------- ambiguity, ids
def fill_ambiguous(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """A title that 2–4 vagas share: the answer must list them (by client, or city) rather than pick one."""
    for title in _shuffled(sorted({j.titulo for j in facts.vagas if useful(j.titulo)}), rng):
        match = facts.jobs_matching(titulo=title)
        if not 2 <= len(match) <= 4 or any(j.vaga is None for j in match):
            continue
        for attr in ("cliente", "cidade"):
            labels = [getattr(j, attr) for j in match]
            if all(useful(lb) for lb in labels) and len({key(lb) for lb in labels}) == len(labels):
                options = [{"label": lb, "record": j.record_id} for lb, j in zip(labels, match, strict=True)]
                yield Fill(
                    subject=title,
                    slots={"titulo": title},
                    record_ids=[j.record_id for j in match],
                    answer=_joined(labels, t.lang),
                    extra={"n": str(len(match))},
                    expected={"type": "options", "by": attr, "options": options},
                )
                break


def fill_by_id(facts: Facts, t: Template, rng: random.Random) -> Iterator[Fill]:
    """The old way of asking, kept as a small kind: the vaga id (and candidate code) in the question."""
    for job in _shuffled(facts.jobs.values(), rng):
        if t.intent == "hired":
            if job.id in facts.ds.prospects and job.apps:
                yield _hired_fill(facts, job, {"id": job.id}, t.lang)
        elif t.intent == "status":
            for app in job.apps[:1]:
                if app.prospect.situacao_candidado:
                    yield Fill(
                        subject=f"{job.id}:{app.codigo}",
                        slots={"id": job.id, "codigo": app.codigo},
                        record_ids=[prospect_id(app)],
                        answer=app.prospect.situacao_candidado,
                        expected={
                            "type": "value",
                            "value": app.prospect.situacao_candidado,
                            "field": "status",
                            "alternatives": sorted(
                                {
                                    a.prospect.situacao_candidado
                                    for a in facts.applications
                                    if a.prospect.situacao_candidado
                                }
                            ),
                            "not_hired": [] if app.hired else [app.prospect.nome],
                        },
                    )
        elif (got := vaga_expected(facts, job, t.intent)) is not None:
            yield Fill(subject=job.id, slots={"id": job.id}, expected=got[0], record_ids=[job.record_id], answer=got[1])
