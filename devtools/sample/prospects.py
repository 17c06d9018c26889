"""The prospects plan: who applied to which vaga, with which outcome and recruiter comment.

Outcomes follow the vaga/applicant fit noisily: per score bin, status weights are calibrated so the overall mix
matches ``STATUS_MIX``, each status leaning on the score by its slope; a vaga keeps at most one or two hires.
"""

from __future__ import annotations

import bisect
import math
import random
from datetime import date

from devtools.sample import vocab
from devtools.sample.common import money, rate, salary
from devtools.sample.profiles import Applicant, Vaga, match
from devtools.sample.vocab import HIRE_STATUSES, STATUS_MIX, STATUS_SLOPE

__all__ = ["Prospect", "plan"]

# (applicant index, status, candidatura day, atualização day, comentário, recrutador)
Prospect = tuple[int, str, int, int, str, str]
_BINS = 80
_LO, _HI = -0.3, 1.3
_COMMENTS = vocab.text("comments")


def _bin(m: float) -> int:
    return min(_BINS - 1, max(0, int((m - _LO) / (_HI - _LO) * _BINS)))


def _calibrate(hist: list[int], boost: float) -> list[tuple[list[float], list[float]]]:
    """Per score bin, cumulative status weights whose mixture over ``hist`` matches STATUS_MIX.

    Hire statuses are multiplied by ``boost``; the second list of each bin leaves them out.
    """
    names = list(STATUS_MIX)
    total_mix = sum(STATUS_MIX.values())
    target = [STATUS_MIX[s] / total_mix * (boost if s in HIRE_STATUSES else 1.0) for s in names]
    norm = sum(target)
    target = [t / norm for t in target]
    centre = sum((_LO + (b + 0.5) * (_HI - _LO) / _BINS) * c for b, c in enumerate(hist)) / max(1, sum(hist))
    lift = [
        [math.exp(STATUS_SLOPE[s] * (_LO + (b + 0.5) * (_HI - _LO) / _BINS - centre)) for s in names]
        for b in range(_BINS)
    ]
    base = list(target)
    n = max(1, sum(hist))
    for _ in range(60):
        mean = [0.0] * len(names)
        for b, count in enumerate(hist):
            if not count:
                continue
            w = [base[j] * lift[b][j] for j in range(len(names))]
            z = sum(w)
            for j in range(len(names)):
                mean[j] += count * w[j] / z
        base = [base[j] * target[j] / (mean[j] / n) if mean[j] else base[j] for j in range(len(names))]
    cums: list[tuple[list[float], list[float]]] = []
    for b in range(_BINS):
        acc, acc_no = 0.0, 0.0
        cum: list[float] = []
        cum_no: list[float] = []
        for j, name in enumerate(names):
            weight = base[j] * lift[b][j]
            acc += weight
            acc_no += 0.0 if name in HIRE_STATUSES else weight
            cum.append(acc)
            cum_no.append(acc_no)
        cums.append((cum, cum_no))
    return cums


def _pick_applicant(rng: random.Random, v: Vaga, pools: list[list[int]], n_apps: int, seen: set[int]) -> int:
    related = vocab.AREAS[v.area].related
    for _ in range(30):
        r = rng.random()
        if r < 0.62 and pools[v.area]:
            pool = pools[v.area]
        elif r < 0.80 and related:
            pool = pools[vocab.AREA_INDEX[rng.choice(related)]]
        else:
            pool = []
        idx = pool[rng.randrange(len(pool))] if pool else rng.randrange(n_apps)
        if idx not in seen:
            return idx
    start = rng.randrange(n_apps)
    for k in range(n_apps):
        idx = (start + k) % n_apps
        if idx not in seen:
            return idx
    raise ValueError("no free applicant left for this vaga")


def _counts(rng: random.Random, n_v: int, n_a: int, n_prospects: int) -> list[int]:
    """How many prospects each vaga gets: lognormal popularity, capped so every vaga's applicants are distinct."""
    cap = min(n_a, max(30, 4 * math.ceil(n_prospects / n_v)))
    if cap * n_v < n_prospects:
        raise ValueError(f"cannot place {n_prospects} distinct prospects in {n_v} vagas x {n_a} applicants")
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(n_v)]
    counts = [0] * n_v
    for j in rng.choices(range(n_v), weights=weights, k=n_prospects):
        counts[j] += 1
    excess = sum(max(0, c - cap) for c in counts)
    counts = [min(c, cap) for c in counts]
    while excess:
        j = rng.randrange(n_v)
        if counts[j] < cap:
            counts[j] += 1
            excess -= 1
    return counts


def _choose(
    rng: random.Random, vagas: list[Vaga], apps: list[Applicant], counts: list[int]
) -> tuple[list[list[tuple[int, float]]], list[int]]:
    """Who applies where, and how well they fit (plus unobserved interview performance); the score histogram."""
    pools: list[list[int]] = [[] for _ in vocab.AREAS]
    for idx, a in enumerate(apps):
        pools[a.area].append(idx)
    chosen: list[list[tuple[int, float]]] = []
    hist = [0] * _BINS
    for v, k in zip(vagas, counts, strict=True):
        seen: set[int] = set()
        row = []
        for _ in range(k):
            idx = _pick_applicant(rng, v, pools, len(apps), seen)
            seen.add(idx)
            m = match(v, apps[idx]) + rng.gauss(0.0, 0.12)
            hist[_bin(m)] += 1
            row.append((idx, m))
        chosen.append(row)
    return chosen, hist


def plan(
    seed: int, vagas: list[Vaga], apps: list[Applicant], n_prospects: int, staff: list[str]
) -> list[list[Prospect]]:
    """Per vaga, its prospects in order."""
    rng = random.Random(f"{seed}:plan")
    n_v, n_a = len(vagas), len(apps)
    out: list[list[Prospect]] = [[] for _ in range(n_v)]
    if n_prospects <= 0:
        return out
    if not n_v or not n_a:
        raise ValueError("prospects need at least one vaga and one applicant")
    chosen, hist = _choose(rng, vagas, apps, _counts(rng, n_v, n_a, n_prospects))

    names = list(STATUS_MIX)
    hire_share = sum(STATUS_MIX[x] for x in HIRE_STATUSES) / sum(STATUS_MIX.values())
    boost = 1.0
    for _attempt in range(6):  # the per-vaga hire cap removes hires: raise their odds until the share fits
        cums = _calibrate(hist, boost)
        statuses = _draw_statuses(random.Random(f"{seed}:status"), chosen, cums, names)
        hires = sum(s in HIRE_STATUSES for row in statuses for s in row)
        if not hires or abs(hires / n_prospects - hire_share) < 0.02 * hire_share:
            break
        boost *= hire_share * n_prospects / hires

    rng = random.Random(f"{seed}:plan-details")
    for vi, (v, row) in enumerate(zip(vagas, chosen, strict=True)):
        for (idx, _m), status in zip(row, statuses[vi], strict=True):
            applied = v.day + rng.randint(0, 40)
            if status in ("Prospect", "Inscrito") and rng.random() < 0.7:
                updated = applied
            elif status in HIRE_STATUSES or status in ("Documentação PJ", "Desistiu da Contratação"):
                updated = applied + rng.randint(7, 60)
            else:
                updated = applied + rng.randint(0, 30)
            recruiter = v.analista if rng.random() < 0.75 else rng.choice(staff)
            out[vi].append((idx, status, applied, updated, _comment(rng, status, v, applied), recruiter))
    return out


def _draw_statuses(
    rng: random.Random,
    chosen: list[list[tuple[int, float]]],
    cums: list[tuple[list[float], list[float]]],
    names: list[str],
) -> list[list[str]]:
    """Sample each prospect's status from its score bin; a vaga keeps at most one or two hires."""
    out = []
    for row in chosen:
        statuses = []
        for _idx, m in row:
            cum = cums[_bin(m)][0]
            statuses.append(names[min(len(names) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))])
        max_hires = 1 if rng.random() < 0.8 else 2
        hired = sorted((j for j, s in enumerate(statuses) if s in HIRE_STATUSES), key=lambda j: -row[j][1])
        for j in hired[max_hires:]:  # someone else got the job: redraw among the non-hire outcomes
            cum = cums[_bin(row[j][1])][1]
            statuses[j] = names[min(len(names) - 1, bisect.bisect_right(cum, rng.random() * cum[-1]))]
        out.append(statuses)
    return out


def _comment(rng: random.Random, status: str, v: Vaga, applied: int) -> str:
    """The recruiter's comment: often blank, else a phrase of the status' group (templates filled in)."""
    it = vocab.AREAS[v.area].it
    pj = _COMMENTS["pj"].format(rate=rate(rng, v.level))
    clt = _COMMENTS["clt"].format(salary=money(salary(rng, v.level, it)))
    start = date.fromordinal(applied + rng.randint(15, 50)).strftime("%d/%m")
    someone = rng.choice(vocab.FIRST_NAMES).split()[0]
    gestor = rng.choice(("", "", someone))
    fill = {"pj": pj, "clt": clt, "start": start, "gestor": gestor, "titulo": v.titulo, "focus": v.focus}

    def pick(group: str, blank_below: float = 0.0) -> str:
        if r < blank_below:
            return ""
        template: str = rng.choice(_COMMENTS[group])
        return template.format(**fill)

    r = rng.random()
    if status in ("Prospect", "Inscrito"):
        return pick("prospect", 0.8)
    if status == "Encaminhado ao Requisitante":
        return pick("forwarded", 0.35)
    if status.startswith("Não Aprovado"):
        return pick("rejected", 0.4)
    if status in ("Desistiu", "Desistiu da Contratação"):
        return pick("gave_up", 0.4)
    if status in HIRE_STATUSES:
        return pick("hired", 0.25)
    if status in ("Entrevista Técnica", "Entrevista com Cliente"):
        fill["hour"] = str(rng.randint(9, 17))
        return pick("interview")
    if status == "Em avaliação pelo RH":
        return pick("hr_review")
    if status == "Documentação PJ":
        return pick("pj_documents")
    return ""
