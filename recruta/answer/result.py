"""What running a plan says: a :class:`Result` and the records that support it, as retrieval's source dicts.

A result is ``kind`` and ``facts`` (worded by ``phrasing.py``) plus ``sources``: the same dicts retrieval cites
(ids ``vaga:1271``, ``candidato:10042``, ``prospect:1271:10042``), so an exact answer and a retrieved one cite
records alike. Every part of the executor builds these, and phrasing reads them, so they live apart from both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_SOURCES = 10


@dataclass(kw_only=True)
class Result:
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)


def _snippet(parts: list[tuple[str, Any]]) -> str:
    text = " | ".join(f"{k}: {v}" for k, v in parts if str(v).strip())
    return text if len(text) <= 240 else text[:239].rsplit(" ", 1)[0] + "…"


def vaga_source(v: dict[str, Any]) -> dict[str, Any]:
    location = ", ".join(x for x in (v.get("city", ""), v.get("state", ""), v.get("country", "")) if x)
    return {
        "id": f"vaga:{v['vaga_id']}",
        "type": "vaga",
        "score": 1.0,
        "snippet": _snippet(
            [
                ("Vaga", f"{v['vaga_id']} - {v['title']}"),
                ("Cliente", v["client"]),
                ("Local", location),
                ("Nível profissional", v["level"]),
                ("Inglês", v["english"]),
            ]
        ),
        "metadata": {
            "type": "vaga",
            "vaga_id": v["vaga_id"],
            "title": v["title"],
            "client": v["client"],
            "level": v["level"],
            "english": v["english"],
            "location": location,
            "state": v["state"],
        },
    }


def candidate_source(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"candidato:{p['code']}",
        "type": "candidato",
        "score": 1.0,
        "snippet": _snippet(
            [
                ("Candidato", f"{p['name']} (código {p['code']})"),
                ("Título profissional", p.get("title", "")),
                ("Nível profissional", p.get("level", "")),
                ("Inglês", p.get("english", "")),
                ("Local", p.get("city", "")),
            ]
        ),
        "metadata": {
            "type": "candidato",
            "candidate_id": p["code"],
            "name": p["name"],
            "title": p.get("title", ""),
            "level": p.get("level", ""),
            "english": p.get("english", ""),
            "location": p.get("city", ""),
        },
    }


def application_source(a: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"prospect:{a['vaga_id']}:{a['code']}",
        "type": "prospect",
        "score": 1.0,
        "snippet": _snippet(
            [
                ("Candidatura", f"{a['name']} (código {a['code']}) na vaga {a['vaga_id']} - {a['title']}"),
                ("Situação", a["status"]),
                ("Data da candidatura", a["applied"]),
                ("Recrutador", a["recruiter"]),
            ]
        ),
        "metadata": {
            "type": "prospect",
            "vaga_id": a["vaga_id"],
            "candidate_id": a["code"],
            "name": a["name"],
            "title": a["title"],
            "status": a["status"],
            "outcome": a["outcome"],
            "hired": bool(a["hired"]),
        },
    }


def source_of(row: dict[str, Any], measure: str) -> dict[str, Any]:
    if measure == "vagas":
        return vaga_source(row)
    if measure == "candidates":
        return candidate_source(row)
    return application_source(row)


__all__ = ["MAX_SOURCES", "Result", "application_source", "candidate_source", "source_of", "vaga_source"]
