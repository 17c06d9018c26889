"""Candidate search: the candidates meeting a plan's filters, ranked by the skills they have.

Who has a skill is the candidate's own declared list when anyone declares it, else the taxonomy's reading of
declared skills and CVs; every required skill must be met (all of them, else any when nobody has them all), and
English/Spanish levels mean "at least". Counts of candidates (``counting.py``) count the same set, so the filter
lives here once.
"""

from __future__ import annotations

from recruta.answer.entities import declared_index, lexicon
from recruta.answer.plan import Filters, Plan
from recruta.answer.resolve import Resolver, folded_text, id_key
from recruta.answer.result import Result, candidate_source


class CandidateSearch(Resolver):
    """The ``candidate_search`` intent and the candidate filter behind it."""

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
            ranked.append((-score, -level, id_key(code), code, matched))
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
            mask &= self.folded("applicants", "city").isin({folded_text(x) for x in self.canonical("city", f.city)})
            cv_city = a["city_source"] == "cv"
        if f.level:  # the level field; a title's level word only where the field is empty
            lvl, level = folded_text(f.level), self.folded("applicants", "level")
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
        return sorted(pool, key=id_key), relaxed

    def skill_codes(self, skill: str) -> set[str]:
        """Who has ``skill``: those who declare it, when anyone does (the candidate's own list); else those whose
        declared skills or CV the taxonomy finds it in."""
        declared = declared_index(self.table).get(folded_text(skill))
        return declared if declared else self.table.skill_index.get(skill, set())


__all__ = ["CandidateSearch"]
