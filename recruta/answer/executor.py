"""Running a plan on the records table: exact filters, counts and rankings in pandas, never a model.

The result is a :class:`~recruta.answer.result.Result`: what to say (``kind`` and ``facts``, worded by
``phrasing.py``) and the records that support it (``sources``). Hired means the application's status is one of the
settings' hired statuses (the table's ``hired`` column), nothing else.

:class:`Executor` dispatches a plan to its intent's handler. The handlers about one vaga or one/two people
(a vaga's field or hires, a candidate's status or profile, a comparison) are here; the parts they share live in
their own modules: ``resolve.py`` (descriptions and names → records), ``search.py`` (candidate search),
``counting.py`` (counts and rankings), ``result.py`` (the result and its source dicts).
"""

from __future__ import annotations

from typing import Any

from recruta.answer.counting import Counting
from recruta.answer.plan import Plan
from recruta.answer.result import MAX_SOURCES, Result, application_source, candidate_source, vaga_source


class Executor(Counting):
    """A plan → its :class:`~recruta.answer.result.Result` (``run``); the lookups warmed at start-up."""

    def warm(self) -> None:
        """Build the lookups every first question would otherwise pay for."""
        for frame, columns in (
            ("vagas", ("client", "city", "state", "level", "analyst")),
            ("applications", ("client", "recruiter")),
            ("applicants", ("city", "level", "title")),
        ):
            for column in columns:
                self.folded(frame, column)
        _ = self.table.skill_index, self.table.by_vaga, self.table.by_code, self.table.names()
        self.mapping("applicants", "english")

    # ---------------------------------------------------------------------------------------- run
    def run(self, plan: Plan) -> Result | None:
        """The result of ``plan``; None when the table cannot answer it (retrieval then does)."""
        handler = getattr(self, f"_{plan.intent}", None)
        if handler is None:
            return None
        result: Result | None = handler(plan)
        return result

    def _unanswerable(self, plan: Plan) -> Result:
        return Result(kind="unanswerable", facts={"reason": plan.reason or "not_in_records"})

    def _vaga_field(self, plan: Plan) -> Result | None:
        vid, other = self._one_vaga(plan.vaga)
        if vid is None:
            return other
        row = self.vaga_row(vid)
        facts: dict[str, Any] = {"vaga": row, "field": plan.field}
        if plan.field == "applications":
            facts["applications"] = len(self.table.by_vaga.get(vid, []))
        return Result(kind="vaga_field", facts=facts, sources=[vaga_source(row)])

    def _vaga_hires(self, plan: Plan) -> Result | None:
        vid, other = self._one_vaga(plan.vaga)
        if vid is None:
            return other
        row = self.vaga_row(vid)
        apps = self.applications_of(vid)
        hires = [a for a in apps if a["hired"]]
        return Result(
            kind="vaga_hires",
            facts={"vaga": row, "hires": hires, "applications": len(apps)},
            sources=[*(application_source(a) for a in hires), vaga_source(row)][:MAX_SOURCES],
        )

    def _applicant_status(self, plan: Plan) -> Result | None:
        codes, other = self._people(plan, 1)
        if not codes:
            return other
        person = self.person_row(codes[0])
        apps = self.applications_by(codes[0])
        vaga_ids: list[str] = []
        own = self.apps_for_vaga(apps, plan.vaga)
        if own:
            apps, vaga_ids = own, list(dict.fromkeys(a["vaga_id"] for a in own))
        return Result(
            kind="status",
            facts={"person": person, "applications": apps, "asked_vagas": vaga_ids},
            sources=[*(application_source(a) for a in apps), candidate_source(person)][:MAX_SOURCES],
        )

    def _candidate_profile(self, plan: Plan) -> Result | None:
        codes, other = self._people(plan, 1)
        if not codes:
            return other
        person = self.person_row(codes[0])
        apps = self.applications_by(codes[0])
        return Result(
            kind="profile",
            facts={"person": person, "applications": apps, "field": plan.field},
            sources=[candidate_source(person), *(application_source(a) for a in apps)][:MAX_SOURCES],
        )

    def _compare(self, plan: Plan) -> Result | None:
        codes, other = self._people(plan, 2)
        if not codes:
            return other
        applied = [{a["vaga_id"] for a in self.applications_by(c)} for c in codes]
        vid, other = self._one_vaga(plan.vaga)
        if other is not None and other.kind == "ambiguous_vagas":
            # several vagas fit the description: the one the two applied to settles it (else one either applied to)
            ids = self.resolve_vagas(plan.vaga) if plan.vaga is not None else []
            both = [i for i in ids if i in applied[0] & applied[1]]
            either = [i for i in ids if i in applied[0] | applied[1]]
            pick = both if both else either
            if len(pick) == 1:
                vid, other = pick[0], None
        common = applied[0] & applied[1]
        if len(common) == 1 and (
            (vid is None and (other is None or other.kind in ("ambiguous_vagas", "no_vaga_described")))
            or (vid is not None and vid not in applied[0] | applied[1] and plan.vaga is not None and not plan.vaga.ids)
        ):
            # the one vaga both applied to settles a description neither applied under (a requisition code in
            # a title, a vaga present only in the applications)
            vid, other = next(iter(common)), None
        if other is not None:
            return other
        vaga = self.vaga_row(vid) if vid and vid in self.table.vagas.index else self.vaga_of_applications(vid)
        wanted = _vaga_skills(vaga) if vaga else []
        people = []
        for code in codes:
            person = self.person_row(code)
            have = set(filter(None, person["skills"].split("; ")))
            app = next((a for a in self.applications_by(code) if vid and a["vaga_id"] == vid), None)
            people.append({**person, "covered": [s for s in wanted if s in have], "application": app})
        hired = [p for p in people if p["application"] and p["application"]["hired"]]
        return Result(
            kind="compare",
            facts={"vaga": vaga, "people": people, "skills": wanted, "hired": [p["code"] for p in hired]},
            # the vaga, then the applications: they carry the outcome the comparison states
            sources=[
                *([vaga_source(vaga)] if vaga else []),
                *(application_source(p["application"]) for p in people if p["application"]),
                *(candidate_source(p) for p in people),
            ][:MAX_SOURCES],
        )


def _vaga_skills(vaga: dict[str, Any]) -> list[str]:
    from recruta.answer.entities import skills_in

    return skills_in("\n".join(str(vaga.get(k, "")) for k in ("title", "activities", "requirements")))[:15]


__all__ = ["Executor"]
