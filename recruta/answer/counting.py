"""Counts and rankings: vagas, applications, hires, people or candidates meeting the filters, grouped or not.

:meth:`Counting.measured` selects the rows a count or ranking counts (by year and month, client, place, level,
language, staff, outcome, title words, one person's or one vaga's applications); ``_count`` and ``_ranking``
turn them into results with the rows that support them. Candidates are counted as the search finds them, hence
the base class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recruta.answer.entities import title_words
from recruta.answer.plan import Plan
from recruta.answer.resolve import folded_text
from recruta.answer.result import MAX_SOURCES, Result, source_of
from recruta.answer.search import CandidateSearch

if TYPE_CHECKING:
    import pandas as pd

ROWS = 50  # rows a count or ranking lists at most (sources: the first MAX_SOURCES)


class Counting(CandidateSearch):
    """The ``count`` and ``ranking`` intents."""

    def _count(self, plan: Plan) -> Result | None:
        frame, err = self.measured(plan)
        if frame is None:
            return err
        facts: dict[str, Any] = {
            "measure": plan.measure,
            "filters": plan.filters,
            "group_by": plan.group_by,
            "op": plan.op,
            "n": plan.n,
            "total": int(frame["code"].nunique()) if plan.measure == "people" else len(frame),
        }
        if plan.vaga is not None and not plan.vaga.empty():
            vid = frame.attrs.get("vaga_id")
            facts["vaga"] = self.vaga_row(str(vid)) if vid else None
            facts["vaga_total"] = len(self.table.by_vaga.get(str(vid), [])) if vid else 0
        if plan.measure == "hires":
            facts["people"] = int(frame["code"].nunique())
        if frame.attrs.get("person"):
            facts["person"] = self.person_row(str(frame.attrs["person"]))
        if plan.group_by:
            facts["groups"] = self.grouped(frame, plan)
            facts["n_groups"] = len(facts["groups"])
            facts["groups"] = facts["groups"][: plan.n]
        rows = self.rows_of(frame, plan.measure)
        facts["rows"] = rows[: plan.n]
        return Result(kind="count", facts=facts, sources=[source_of(r, plan.measure) for r in rows[:MAX_SOURCES]])

    def _ranking(self, plan: Plan) -> Result | None:
        frame, err = self.measured(plan)
        if frame is None:
            return err
        groups = self.grouped(frame, plan)
        top = groups[: plan.n]
        keys = {k for k, _ in top}
        column = _group_column(plan.measure, plan.group_by)
        support = frame[frame[column].isin(keys)] if column in frame else frame.iloc[:0]
        rows = self.rows_of(support, plan.measure)
        return Result(
            kind="ranking",
            facts={
                "measure": plan.measure,
                "group_by": plan.group_by,
                "groups": top,
                "n_groups": len(groups),
                "total": len(frame),
                "filters": plan.filters,
            },
            sources=[source_of(r, plan.measure) for r in rows[:MAX_SOURCES]],
        )

    def _with_application_vagas(self, frame: pd.DataFrame, title: str) -> pd.DataFrame:
        """``frame`` plus the vagas known only from their applications whose title has every word of ``title``
        (a slice whose vagas file lacks them still had those openings)."""
        import pandas as pd

        need = set(title_words(title))
        extra = [
            self.vaga_row(vid)
            for vid, words in zip(self.vagas.ids, self.vagas.titles, strict=True)
            if need <= words and vid not in self.table.vagas.index
        ]
        if not extra:
            return frame
        more = pd.DataFrame(extra, columns=frame.columns).set_index(frame.index.name or "vaga_id", drop=False)
        return pd.concat([frame, more])

    def grouped(self, frame: pd.DataFrame, plan: Plan) -> list[tuple[str, int]]:
        column = _group_column(plan.measure, plan.group_by)
        if column not in frame:
            return []
        keys = frame[column].astype(str)
        if plan.measure == "people":  # each person once per group
            counts = frame[keys.str.strip() != ""].groupby(column)["code"].nunique()
        else:
            counts = keys[keys.str.strip() != ""].value_counts()
        return sorted(((str(k), int(c)) for k, c in counts.items()), key=lambda kc: (-kc[1], kc[0]))

    def measured(self, plan: Plan) -> tuple[pd.DataFrame | None, Result | None]:
        """The rows a count or ranking counts: vagas, applications, hires or candidates meeting the filters."""
        f, t = plan.filters, self.table
        if plan.measure == "candidates":
            codes, _ = self.search_codes(f)
            return (t.applicants.loc[codes] if codes is not None else t.applicants), None
        frame_name = "vagas" if plan.measure == "vagas" else "applications"
        frame = t.vagas if frame_name == "vagas" else t.applications
        mask = frame[frame.columns[0]].notna()
        vaga_id = None
        person = None
        if plan.candidates and frame_name == "applications":
            codes, other = self._people(plan, 1)
            if not codes:
                return None, other
            mask &= frame["code"].isin(codes)
            person = codes[0]
        if plan.vaga is not None and not plan.vaga.empty() and frame_name == "applications":
            vid, other = self._one_vaga(plan.vaga)
            if vid is None:
                return None, other
            mask &= frame["vaga_id"] == vid
            vaga_id = vid
        if plan.measure == "hires" or f.outcome == "hired":
            mask &= frame["hired"]
        elif f.outcome:
            mask &= frame["outcome"] == f.outcome
        year_col = {"vagas": "year", "applications": "applied_year", "hires": "hire_year", "people": "applied_year"}[
            plan.measure
        ]
        if f.year:
            mask &= frame[year_col] == str(f.year)
        if f.year and f.month:
            date_col = {"vagas": "requested", "applications": "applied", "hires": "updated", "people": "applied"}[
                plan.measure
            ]
            mask &= frame[date_col].astype(str).str[:7] == f"{f.year}-{f.month:02d}"
        vaga_cols = {
            "client": f.client,
            "city": f.city,
            "state": f.state,
            "level": f.level,
            "english": f.english,
            "spanish": f.spanish,
            "analyst": f.analyst or (f.recruiter if frame_name == "vagas" else ""),
        }
        for col, value in vaga_cols.items():
            if not value:
                continue
            kind = {"analyst": "analyst", "client": "client", "city": "city", "state": "state"}.get(col, "")
            wanted = {folded_text(x) for x in (self.canonical(kind, value) if kind else {value})}
            vaga_ok = self.folded("vagas", col).isin(wanted)
            if frame_name == "vagas":
                mask &= vaga_ok
            elif col == "client":
                mask &= self.folded("applications", "client").isin(wanted)
            else:
                mask &= frame["vaga_id"].isin(set(t.vagas.index[vaga_ok]))
        if f.recruiter and frame_name == "applications":
            wanted = {folded_text(x) for x in self.canonical("recruiter", f.recruiter)}
            mask &= self.folded("applications", "recruiter").isin(wanted)
        if f.title and vaga_id is None:
            need = set(title_words(f.title))
            ok = {vid for vid, words in zip(self.vagas.ids, self.vagas.titles, strict=True) if need <= words}
            mask &= (frame["vaga_id"] if frame_name == "applications" else frame.index.to_series()).isin(ok)
        out = frame[mask]
        if frame_name == "vagas" and f.title and not any((f.year, *vaga_cols.values())):
            out = self._with_application_vagas(out, f.title)
        out.attrs["vaga_id"] = vaga_id
        out.attrs["person"] = person
        return out, None

    def rows_of(self, frame: pd.DataFrame, measure: str) -> list[dict[str, Any]]:
        if measure == "vagas":
            part = frame.sort_values("requested", ascending=False, kind="stable").head(ROWS)
        elif measure == "candidates":
            part = frame.head(ROWS)
        else:
            part = frame.sort_values(["updated", "vaga_id", "code"], ascending=[False, True, True])
            part = (part.drop_duplicates("code") if measure == "people" else part).head(ROWS)
        return list(part.to_dict(orient="records"))


def _group_column(measure: str, group: str) -> str:
    if measure == "vagas":
        return {"year": "year", "vaga": "vaga_id", "recruiter": "analyst"}.get(group, group)
    return {"year": "hire_year" if measure == "hires" else "applied_year", "vaga": "vaga_id", "status": "status"}.get(
        group, group
    )


__all__ = ["ROWS", "Counting"]
