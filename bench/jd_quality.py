"""JD quality measurements: given fields present verbatim, invented salaries, latency — over realistic requests;
lines foreign to the role on titles far from the history, and lines borrowed on titles it holds.

    from bench.jd_quality import measure, sample_requests
    measure(JDService(sessionmaker=sm, retrieve=agent.retrieve), sample_requests(settings.data_dir, n=20))
    far_titles(service, load_far_titles(path))   # tests/data/jd_far_titles.json
    borrowing(service, sample_requests(settings.data_dir, n=60, seed=1))

:func:`sample_requests` builds requests from the records of ``vagas.json`` (titles, skills quoted from their
competencies, places, clients), half of them with a salary and benefits, in pt/en/es; :func:`measure` generates
a JD for each and counts what was given but missing, and salaries that appear though none was given.
:func:`far_titles` follows the far-titles set's own "measure" (a line is foreign when it holds one of the item's
foreign markers outside the values the recruiter gave); :func:`borrowing` counts the items of a JD that the
request alone could not have produced (:func:`own_lines`), so a fix that stops foreign lines can be seen not to
stop borrowing altogether. Used by ``bench/chat_jd.py``, ``tests/test_jd.py`` and ``tests/test_jd_far_titles.py``.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from recruta.facts import years_of_experience
from recruta.i18n import catalogue
from recruta.ingest.schema import Vaga
from recruta.jd import LANGUAGES, JDRequest, JDService, field_values
from recruta.jd.fit import primary, quote_fits
from recruta.jd.grounding import MONEY, skills_of
from recruta.text.fold import fold

BORROWING_SECTIONS = ("responsibilities", "requirements", "nice_to_have")


def invented_salary(jd: Mapping[str, Any]) -> bool:
    """A currency symbol or salary word anywhere in the output (markdown or sections)."""
    values = [v for v in jd["sections"].values() if v]
    text = jd["markdown"] + "\n" + json.dumps(values, ensure_ascii=False)
    return MONEY.search(text) is not None


def measure(service: JDService, requests: Sequence[JDRequest], *, k: int = 5) -> dict[str, Any]:
    """Share of given field values present verbatim, share of invented salaries, generation latency."""
    present = total = no_salary = invented = 0
    latencies: list[float] = []
    missing: list[dict[str, Any]] = []
    for i, req in enumerate(requests):
        t0 = time.perf_counter()
        jd = service.generate(req, k=k)
        latencies.append((time.perf_counter() - t0) * 1000)
        for name, values in field_values(req).items():
            for value in values:
                total += 1
                if value in jd["markdown"]:
                    present += 1
                else:
                    missing.append({"request": i, "field": name, "value": value})
        if not req.has_salary:
            no_salary += 1
            invented += invented_salary(jd)
    return {
        "fields_present_share": present / total if total else 1.0,
        "invented_salary_share": invented / no_salary if no_salary else 0.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_max_ms": round(max(latencies), 1) if latencies else 0.0,
        "n": len(requests),
        "missing": missing[:20],
    }


_SAMPLE_BENEFITS = {
    "pt": ["Plano de saúde", "Vale-refeição", "Gympass", "Previdência privada"],
    "en": ["Health insurance", "Meal allowance", "Gym membership", "Pension plan"],
    "es": ["Seguro médico", "Vales de comida", "Gimnasio", "Plan de pensiones"],
}
_SAMPLE_ABOUT = {
    "pt": "Empresa atendida pela Decision na área de {area}",
    "en": "A Decision client working in {area}",
    "es": "Cliente de Decision en el área de {area}",
}
_SAMPLE_REMOTE = {
    "pt": ("remoto", "híbrido", "presencial"),
    "en": ("remote", "hybrid", "onsite"),
    "es": ("remoto", "híbrido", "presencial"),
}


def _quotes(text: str, *, limit: int, lang: str) -> list[str]:
    """Technical skills of a text as written there (for en/es requests, only those written by their own name)."""
    found = skills_of(text)
    out: list[str] = []
    for name in primary(set(found)):
        ev = found[name]
        quote = " ".join(ev.quote.split())
        if ev.category not in ("hard", "tool") or not 1 <= len(quote) <= 80 or not quote_fits(quote, name, lang):
            continue
        if quote.casefold() not in {q.casefold() for q in out}:
            out.append(quote)
    order = {q: text.find(q) for q in out}
    return sorted(out, key=lambda q: (order[q], q))[:limit]


def sample_requests(data_dir: Path, n: int = 20, seed: int = 0) -> list[JDRequest]:
    """Realistic requests from ``data_dir/vagas.json``: half with salary and benefits, languages pt/en/es."""
    raw = json.loads((Path(data_dir) / "vagas.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    ids = sorted(raw)
    rng.shuffle(ids)
    out: list[JDRequest] = []
    for vid in ids:
        if len(out) >= n:
            break
        try:
            vaga = Vaga.model_validate(raw[vid])
        except ValidationError:
            continue
        b, p = vaga.informacoes_basicas, vaga.perfil_vaga
        title = " ".join(b.titulo_vaga.split())[:150].strip()
        if not title:
            continue
        i = len(out)
        lang = LANGUAGES[i % 3]
        skills = _quotes(p.competencia_tecnicas_e_comportamentais, limit=6, lang=lang) or _quotes(
            p.principais_atividades, limit=4, lang=lang
        )
        years = years_of_experience(f"{p.competencia_tecnicas_e_comportamentais}\n{p.principais_atividades}", job=True)
        extra = [
            q
            for q in _quotes(p.principais_atividades, limit=8, lang=lang)
            if q.casefold() not in {s.casefold() for s in skills}
        ]
        place = list(dict.fromkeys(x for x in (p.cidade, p.estado) if x))
        area = p.areas_atuacao.strip(" -") or "TI"
        fields: dict[str, Any] = {
            "title": title,
            "skills": skills,
            "years_experience": None if years is None else max(0, min(50, int(round(years)))),
            "company": b.cliente or None,
            "company_description": _SAMPLE_ABOUT[lang].format(area=area) if i % 3 != 2 else None,
            "job_type": b.tipo_contratacao[:80] or None,
            "location": ", ".join(place) or None,
            "remote": (None, *_SAMPLE_REMOTE[lang])[i % 4],
            "language": lang,
            "nice_to_have": extra[:1] if i % 4 == 3 else [],
        }
        if i % 2 == 0:
            low = rng.randrange(4, 20) * 1000
            fields |= {
                "salary_min": float(low),
                "salary_max": float(low + rng.randrange(2, 9) * 1000),
                "benefits": rng.sample(_SAMPLE_BENEFITS[lang], 2),
            }
        out.append(JDRequest.model_validate(fields))
    return out


# --------------------------------------------------------------------------- borrowing and foreign lines
def own_lines(req: JDRequest) -> set[str]:
    """What a JD may say without borrowing: the given values and the ``jd`` catalogue's sentences filled with them
    (every template the catalogue has, so an older catalogue's choices count as own too)."""
    out = {*req.skills, *req.nice_to_have, *req.benefits}
    for text in catalogue("jd")[req.language].values():
        for skill in [*req.skills, ""]:
            try:
                out.add(text.format(skill=skill, title=req.title, n=req.years_experience))
            except KeyError:
                continue
    return out


def section_lines(jd: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(section, line) of every line a JD may borrow: responsibilities, requirements, nice-to-have."""
    return [(name, line) for name in BORROWING_SECTIONS for line in jd["sections"].get(name) or []]


def borrowed_lines(jd: Mapping[str, Any], req: JDRequest) -> list[str]:
    own = own_lines(req)
    return [line for _, line in section_lines(jd) if line not in own]


def uncited_lines(jd: Mapping[str, Any], req: JDRequest) -> list[str]:
    """Borrowed lines whose ``line_sources`` entry does not name one of the JD's ``source_vaga_ids``."""
    own, sources, allowed = own_lines(req), jd.get("line_sources") or {}, set(jd["source_vaga_ids"])
    out: list[str] = []
    for name in BORROWING_SECTIONS:
        lines, ids = jd["sections"].get(name) or [], sources.get(name) or []
        out += [line for i, line in enumerate(lines) if line not in own and (i >= len(ids) or ids[i] not in allowed)]
    return out


def _phrase(text: str) -> re.Pattern[str]:
    """A marker as a whole word/phrase of folded text ('SAP' is not in 'sapato', 'Git' not in 'digital')."""
    return re.compile(rf"(?<!\w){re.escape(' '.join(fold(text).casefold().split()))}(?!\w)")


def _given(req: JDRequest) -> list[str]:
    values = [req.title, *req.skills, *req.nice_to_have, *(v for v in (req.company,) if v)]
    return sorted((" ".join(fold(v).casefold().split()) for v in values), key=len, reverse=True)


def foreign_markers(line: str, markers: Sequence[str], req: JDRequest) -> list[str]:
    """The markers a line holds outside the values the recruiter gave (a line repeating a given field is never
    foreign)."""
    text = " ".join(fold(line).casefold().split())
    for value in _given(req):
        if value:
            text = text.replace(value, " ")
    return [m for m in markers if _phrase(m).search(text)]


def load_far_titles(path: Path) -> list[dict[str, Any]]:
    """The items of a far-titles set (``tests/data/jd_far_titles.json``); ``seniority`` is not a request field."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items: list[dict[str, Any]] = data["items"]
    return items


def far_titles(service: JDService, items: Sequence[Mapping[str, Any]], *, k: int = 5) -> dict[str, Any]:
    """The set's measure: share of foreign lines over every borrowing-section line of every JD (target 0), share
    of lines holding a role marker, borrowed lines and similar-history flags, per item and overall."""
    per_item: list[dict[str, Any]] = []
    lines = foreign = on_role = borrowed = uncited = 0
    for item in items:
        req = JDRequest.model_validate(item["request"])
        jd = service.generate(req, k=k)
        found = [(name, line, foreign_markers(line, item["foreign_markers"], req)) for name, line in section_lines(jd)]
        bad = [{"section": name, "line": line, "markers": marks} for name, line, marks in found if marks]
        role = sum(1 for _, line, _ in found if foreign_markers(line, item.get("role_markers", []), req))
        lent, unnamed = borrowed_lines(jd, req), uncited_lines(jd, req)
        lines, foreign, on_role = lines + len(found), foreign + len(bad), on_role + role
        borrowed, uncited = borrowed + len(lent), uncited + len(unnamed)
        sims = jd.get("vaga_similarity") or {}
        per_item.append(
            {
                "id": item["id"],
                "lines": len(found),
                "foreign": bad,
                "role_lines": role,
                "borrowed": lent,
                "uncited": unnamed,
                "similar_history": jd.get("similar_history"),
                "max_similarity": max(sims.values(), default=None),
                "source_vaga_ids": jd["source_vaga_ids"],
            }
        )
    return {
        "n": len(per_item),
        "lines": lines,
        "foreign_share": foreign / lines if lines else 0.0,
        "role_share": on_role / lines if lines else 0.0,
        "borrowed_per_jd": borrowed / len(per_item) if per_item else 0.0,
        "uncited": uncited,
        "items": per_item,
    }


def borrowing(service: JDService, requests: Sequence[JDRequest], *, k: int = 5) -> dict[str, Any]:
    """Lines borrowed per JD (overall and per language), share of JDs that borrow, uncited borrowed lines."""
    counts: dict[str, list[int]] = {}
    uncited = 0
    for req in requests:
        jd = service.generate(req, k=k)
        counts.setdefault(req.language, []).append(len(borrowed_lines(jd, req)))
        uncited += len(uncited_lines(jd, req))
    every = [c for cs in counts.values() for c in cs]
    return {
        "n": len(every),
        "borrowed_per_jd": round(statistics.mean(every), 3) if every else 0.0,
        "borrowed_per_jd_by_language": {lang: round(statistics.mean(cs), 3) for lang, cs in sorted(counts.items())},
        "jds_borrowing_share": sum(1 for c in every if c) / len(every) if every else 0.0,
        "uncited": uncited,
    }


__all__ = [
    "borrowed_lines",
    "borrowing",
    "far_titles",
    "foreign_markers",
    "invented_salary",
    "load_far_titles",
    "measure",
    "own_lines",
    "sample_requests",
    "section_lines",
    "uncited_lines",
]
