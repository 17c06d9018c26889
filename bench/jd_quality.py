"""JD quality measurements: given fields present verbatim, invented salaries, latency — over realistic requests.

    from bench.jd_quality import measure, sample_requests
    measure(JDService(sessionmaker=sm, retrieve=agent.retrieve), sample_requests(settings.data_dir, n=20))

:func:`sample_requests` builds requests from the records of ``vagas.json`` (titles, skills quoted from their
competencies, places, clients), half of them with a salary and benefits, in pt/en/es; :func:`measure` generates
a JD for each and counts what was given but missing, and salaries that appear though none was given. Used by
``bench/chat_jd.py`` and ``tests/test_jd.py``.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from recruta.facts import years_of_experience
from recruta.ingest.schema import Vaga
from recruta.jd import LANGUAGES, JDRequest, JDService, field_values
from recruta.jd.fit import primary, quote_fits
from recruta.jd.grounding import MONEY, skills_of


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
_SAMPLE_REMOTE = {"pt": ("remoto", "híbrido", "presencial"), "en": ("remote", "hybrid", "onsite"),
                  "es": ("remoto", "híbrido", "presencial")}


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
        skills = (_quotes(p.competencia_tecnicas_e_comportamentais, limit=6, lang=lang)
                  or _quotes(p.principais_atividades, limit=4, lang=lang))
        years = years_of_experience(f"{p.competencia_tecnicas_e_comportamentais}\n{p.principais_atividades}", job=True)
        extra = [q for q in _quotes(p.principais_atividades, limit=8, lang=lang) if q.casefold() not in {s.casefold() for s in skills}]
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
            fields |= {"salary_min": float(low), "salary_max": float(low + rng.randrange(2, 9) * 1000),
                       "benefits": rng.sample(_SAMPLE_BENEFITS[lang], 2)}
        out.append(JDRequest.model_validate(fields))
    return out


__all__ = ["invented_salary", "measure", "sample_requests"]
