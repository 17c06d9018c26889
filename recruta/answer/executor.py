"""Running a plan on the records table: exact filters, counts and rankings in pandas, never a model.

The result is a :class:`Result`: what to say (``kind`` and ``facts``, worded by ``phrasing.py``) and the records
that support it (``sources``, the same dicts as retrieval's: ids ``vaga:1271``, ``candidato:10042``,
``prospect:1271:10042``). Hired means the application's status is one of the settings' hired statuses (the
table's ``hired`` column), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from recruta.answer.entities import (
    Gazetteer,
    VagaIndex,
    declared_index,
    lexicon,
    name_words,
    title_words,
)
from recruta.answer.entities import words as folded_words
from recruta.answer.plan import Filters, Plan, VagaRef
from recruta.text.fold import fold

if TYPE_CHECKING:
    import pandas as pd

    from recruta.answer.table import RecordsTable

CLOSE = 0.05  # vagas whose description score is this close to the best one are equally meant
MIN_SCORE = 0.34  # below this a description does not name a vaga
MIN_OWN_SCORE = 0.2  # among one person's applications, a looser description still picks the vaga
MAX_SOURCES = 10
ROWS = 50  # rows a count or ranking lists at most (sources: the first MAX_SOURCES)


@dataclass(kw_only=True)
class Result:
    kind: str
    facts: dict[str, Any] = field(default_factory=dict)
    sources: list[dict[str, Any]] = field(default_factory=list)


def _f(text: Any) -> str:
    return fold(str(text)).casefold().strip()


@dataclass(kw_only=True)
class Executor:
    table: RecordsTable
    gazetteer: Gazetteer
    vagas: VagaIndex

    # ---------------------------------------------------------------------------------------- lookups
    def folded(self, frame: str, column: str) -> pd.Series:
        """A column folded once (case and accents ignored in every comparison)."""
        key = f"folded:{frame}:{column}"
        if key not in self.table._cache:
            self.table._cache[key] = getattr(self.table, frame)[column].map(_f)
        series: pd.Series = self.table._cache[key]
        return series

    def mapping(self, frame: str, column: str) -> dict[str, str]:
        """A column as a plain dict by row id (per-row access to pandas' arrow strings is slow)."""
        key = f"map:{frame}:{column}"
        if key not in self.table._cache:
            df = getattr(self.table, frame)
            self.table._cache[key] = dict(zip(df.index.tolist(), df[column].tolist(), strict=True))
        mapped: dict[str, str] = self.table._cache[key]
        return mapped

    def canonical(self, kind: str, text: str) -> set[str]:
        """The table values of ``kind`` that ``text`` names (a plan's literal, resolved like a question's)."""
        if not text:
            return set()
        hit = self.gazetteer.index.get(name_words(text), {}).get(kind)
        return set(hit) if hit else {text}

    def resolve_vagas(self, ref: VagaRef) -> list[str]:
        """The vagas ``ref`` means, best first; several when the description fits several equally."""
        v = self.table.vagas
        if ref.ids:
            return [i for i in ref.ids if i in v.index]
        mask = None
        for col, kind, value in (
            ("client", "client", ref.client),
            ("city", "city", ref.city),
            ("state", "state", ref.state),
        ):
            if value:
                wanted = {_f(x) for x in self.canonical(kind, value)}
                m = self.folded("vagas", col).isin(wanted)
                mask = m if mask is None else mask & m
        allowed = set(v.index[mask]) if mask is not None else None
        if not ref.title:
            return sorted(allowed or (), key=_id_key) if allowed is not None else []
        scored = self.vagas.score(title_words(ref.title), allowed)
        if not scored or scored[0][1] < MIN_SCORE:
            return []
        best = scored[0][1]
        close = [vid for vid, s in scored if s >= best - CLOSE]
        # a vaga whose title has every word of the description ("Analista de BI Junior" for "Analista de BI") is
        # meant as much as the closest one: the description does not tell them apart
        need = set(title_words(ref.title))
        wider = [
            vid
            for vid, words in zip(self.vagas.ids, self.vagas.titles, strict=True)
            if need <= words and (allowed is None or vid in allowed) and vid not in close
        ]
        found = close + sorted(wider, key=_id_key)
        return self._narrowed(found, ref) if len(found) > 1 else found

    def _narrowed(self, ids: list[str], ref: VagaRef) -> list[str]:
        """Of vagas a description fits equally, those opened when the question says ("aberta em maio de 2019"),
        else, among titles that differ only in spelling, the one with the description's words as written ("PMO Sr"
        over "PMO Sênior"; a wider title, "Analista de BI Junior" for "Analista de BI", stays equally meant)."""
        if ref.year:
            when = f"{ref.year}-{ref.month:02d}" if ref.month else str(ref.year)
            dated = [i for i in ids if str(self.vaga_row(i).get("requested", "")).startswith(when)]
            if dated:
                ids = dated
        spellings = {self.vagas.titles[self.vagas.positions[i]] for i in ids if i in self.vagas.positions}
        if len(ids) > 1 and len(spellings) == 1:
            written = set(folded_words(ref.title))
            literal = [i for i in ids if written <= set(folded_words(str(self.vaga_row(i).get("title", ""))))]
            if len(literal) == 1:
                ids = literal
        return ids

    def resolve_people(self, names: tuple[str, ...]) -> list[list[str]]:
        """Each name or code → the candidate codes it names (several for a shared name)."""
        out = []
        known = self.table.names()
        for item in names:
            if item.isdigit():
                ok = item in self.table.applicants.index or item in self.table.by_code
                out.append([item] if ok else [])
                continue
            names_hit = self.gazetteer.index.get(name_words(item), {}).get("candidate", set())
            # "Paulo Moreira" is the Paulo Moreira on file, not Paulo Dias Moreira (found by first + last name)
            exact = {n for n in names_hit if name_words(n) == name_words(item)}
            names_hit = exact or names_hit
            codes = sorted({c for n in names_hit for c in known.get(n, ())} or known.get(item, set()), key=_id_key)
            out.append(codes)
        return out

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

    def _one_vaga(self, ref: VagaRef | None) -> tuple[str | None, Result | None]:
        """The one vaga a plan is about, or the result that says why there is none (None: no match at all)."""
        if ref is None or ref.empty():
            return None, None
        ids = self.resolve_vagas(ref)
        if not ids:
            if ref.ids:
                return None, Result(kind="no_vaga", facts={"ids": list(ref.ids)})
            if ref.title and (ref.client or ref.city or ref.state):
                # a known client or place without that job: the records say there is none, not a text search
                where = [x for x in (ref.client, ref.city, ref.state) if x]
                return None, Result(kind="no_vaga_described", facts={"title": ref.title, "where": where})
            return None, None
        if len(ids) > 1:
            rows = [self.vaga_row(i) for i in ids[:MAX_SOURCES]]
            return None, Result(
                kind="ambiguous_vagas", facts={"vagas": rows, "total": len(ids)}, sources=[vaga_source(r) for r in rows]
            )
        return ids[0], None

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

    def apps_for_vaga(self, apps: list[dict[str, Any]], ref: VagaRef | None) -> list[dict[str, Any]]:
        """The applications among ``apps`` to the vaga ``ref`` describes: by id, else by the best title match
        among the vagas these applications are to (a person's own applications settle a loose description)."""
        if ref is None or ref.empty() or not apps:
            return []
        if ref.ids:
            return [a for a in apps if a["vaga_id"] in ref.ids]
        if ref.client:
            wanted = {_f(x) for x in self.canonical("client", ref.client)}
            apps = [a for a in apps if _f(a.get("client", "")) in wanted] or apps
        if not ref.title:
            return []
        scored = self.vagas.score(title_words(ref.title), {a["vaga_id"] for a in apps})
        if not scored or scored[0][1] < MIN_OWN_SCORE:
            return []
        keep = {vid for vid, sc in scored if sc >= scored[0][1] - CLOSE}
        return [a for a in apps if a["vaga_id"] in keep]

    def _people(self, plan: Plan, wanted: int) -> tuple[list[str], Result | None]:
        resolved = self.resolve_people(plan.candidates[:wanted])
        if len(resolved) < wanted or any(not codes for codes in resolved):
            missing = [n for n, codes in zip(plan.candidates, resolved, strict=False) if not codes]
            return [], Result(kind="no_person", facts={"names": missing or list(plan.candidates)})
        if plan.vaga is not None and not plan.vaga.empty():
            # of two people sharing a name, the one who applied to the vaga the question describes
            resolved = [
                [c for c in codes if self.apps_for_vaga(self.applications_by(c), plan.vaga)] or codes
                if len(codes) > 1
                else codes
                for codes in resolved
            ]
        for name, codes in zip(plan.candidates, resolved, strict=False):
            if len(codes) > 1:
                people = [self.person_row(c) for c in codes[:MAX_SOURCES]]
                return [], Result(
                    kind="ambiguous_people",
                    facts={"name": name, "people": people, "total": len(codes)},
                    sources=[candidate_source(p) for p in people],
                )
        return [codes[0] for codes in resolved], None

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
            sources=[*([vaga_source(vaga)] if vaga else []), *(candidate_source(p) for p in people)],
        )

    def _candidate_search(self, plan: Plan) -> Result | None:
        f = plan.filters
        codes, relaxed = self.search_codes(f)
        if codes is None:
            return None
        order = lexicon()["language_order"]
        english = self.mapping("applicants", "english")
        ranked = []
        for code in codes:
            matched = [s for s in (*f.skills, *f.keywords) if code in self.skill_codes(s)]
            score = 2 * sum(s in f.skills for s in matched) + len(matched)
            level = order.index(english[code]) if english[code] in order else -1
            ranked.append((-score, -level, _id_key(code), code, matched))
        ranked.sort(key=lambda r: (r[0], r[1], r[2]))
        rows = [{**self.person_row(code), "matched": m} for *_, code, m in ranked[: plan.n]]
        return Result(
            kind="search",
            facts={"total": len(codes), "people": rows, "filters": f, "relaxed": relaxed, "n": plan.n},
            sources=[candidate_source(p) for p in rows],
        )

    def search_codes(self, f: Filters) -> tuple[list[str] | None, bool]:
        """Candidates meeting every filter (every required skill; if nobody has them all, any of them)."""
        a = self.table.applicants
        mask = a["code"] != ""
        if not (f.skills or f.keywords or f.english or f.spanish or f.city or f.state or f.level):
            return None, False
        order = lexicon()["language_order"]
        for column, wanted in (("english", f.english), ("spanish", f.spanish)):
            if wanted:
                mask &= a[column].isin(set(order[order.index(wanted) :]) if wanted in order else {wanted})
        cv_city = None
        if f.city:
            mask &= self.folded("applicants", "city").isin({_f(x) for x in self.canonical("city", f.city)})
            cv_city = a["city_source"] == "cv"
        if f.level:  # the level field; a title's level word only where the field is empty
            lvl, level = _f(f.level), self.folded("applicants", "level")
            mask &= (level == lvl) | ((level == "") & self.folded("applicants", "title").str.contains(lvl, regex=False))
        pool = set(a.index[mask])
        relaxed = False
        if f.skills:
            sets = [self.skill_codes(s) for s in f.skills]
            every = set.intersection(*sets) & pool
            if not every:
                every, relaxed = set.union(*sets) & pool, len(f.skills) > 1
            pool = every
        if cv_city is not None:
            # the profile's city is the record; a city read from a CV only stands in when no profile has it
            from_cv = pool & set(a.index[cv_city])
            if pool - from_cv:
                pool -= from_cv
        return sorted(pool, key=_id_key), relaxed

    def skill_codes(self, skill: str) -> set[str]:
        """Who has ``skill``: those who declare it, when anyone does (the candidate's own list); else those whose
        declared skills or CV the taxonomy finds it in."""
        declared = declared_index(self.table).get(_f(skill))
        return declared if declared else self.table.skill_index.get(skill, set())

    # ------------------------------------------------------------------------------------ count, ranking
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
        return Result(kind="count", facts=facts, sources=[_source_of(r, plan.measure) for r in rows[:MAX_SOURCES]])

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
            sources=[_source_of(r, plan.measure) for r in rows[:MAX_SOURCES]],
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
            wanted = {_f(x) for x in (self.canonical(kind, value) if kind else {value})}
            vaga_ok = self.folded("vagas", col).isin(wanted)
            if frame_name == "vagas":
                mask &= vaga_ok
            elif col == "client":
                mask &= self.folded("applications", "client").isin(wanted)
            else:
                mask &= frame["vaga_id"].isin(set(t.vagas.index[vaga_ok]))
        if f.recruiter and frame_name == "applications":
            wanted = {_f(x) for x in self.canonical("recruiter", f.recruiter)}
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

    # ---------------------------------------------------------------------------------------- rows
    def vaga_row(self, vid: str) -> dict[str, Any]:
        """The vaga's record; for a vaga known only from its applications, what they say of it."""
        if vid not in self.table.vagas.index:
            return self.vaga_of_applications(vid) or {**dict.fromkeys(self.table.vagas.columns, ""), "vaga_id": vid}
        row: dict[str, Any] = self.table.vagas.loc[vid].to_dict()
        return row

    def vaga_of_applications(self, vid: str | None) -> dict[str, Any] | None:
        """A vaga known only from its applications (a slice whose vagas file lacks it): id, title, client."""
        apps = self.applications_of(vid) if vid else []
        if not apps:
            return None
        row = dict.fromkeys(self.table.vagas.columns, "")
        return {**row, "vaga_id": vid, "title": apps[0].get("vaga_title", ""), "client": apps[0].get("client", "")}

    def person_row(self, code: str) -> dict[str, Any]:
        a = self.table.applicants
        if code in a.index:
            row: dict[str, Any] = a.loc[code].to_dict()
            return row
        return {**dict.fromkeys(a.columns, ""), "code": code, "name": self.table.candidate_name(code)}

    def applications_of(self, vid: str) -> list[dict[str, Any]]:
        rows = self.table.applications.iloc[self.table.by_vaga.get(vid, [])]
        return list(rows.to_dict(orient="records"))

    def applications_by(self, code: str) -> list[dict[str, Any]]:
        rows = self.table.applications.iloc[self.table.by_code.get(code, [])]
        return sorted(rows.to_dict(orient="records"), key=lambda r: (r["applied"], r["vaga_id"]), reverse=True)


def _id_key(value: Any) -> tuple[int, str]:
    text = str(value)
    return (int(text), text) if text.isdigit() else (1 << 62, text)


def _group_column(measure: str, group: str) -> str:
    if measure == "vagas":
        return {"year": "year", "vaga": "vaga_id", "recruiter": "analyst"}.get(group, group)
    return {"year": "hire_year" if measure == "hires" else "applied_year", "vaga": "vaga_id", "status": "status"}.get(
        group, group
    )


def _vaga_skills(vaga: dict[str, Any]) -> list[str]:
    from recruta.answer.entities import skills_in

    return skills_in("\n".join(str(vaga.get(k, "")) for k in ("title", "activities", "requirements")))[:15]


# ---------------------------------------------------------------------------------------------- sources
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


def _source_of(row: dict[str, Any], measure: str) -> dict[str, Any]:
    if measure == "vagas":
        return vaga_source(row)
    if measure == "candidates":
        return candidate_source(row)
    return application_source(row)


__all__ = ["Executor", "Result", "application_source", "candidate_source", "vaga_source"]
