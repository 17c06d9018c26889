"""What a plan names, found in the records table: the vagas a description means, the people a name means.

:class:`Resolver` holds the table's lookups (columns folded once, columns as dicts), the records as plain rows
(a vaga, a person, their applications) and the resolution every intent starts with: a :class:`~recruta.answer.
plan.VagaRef` → the vaga ids it means (idf-weighted title words, narrowed by date and spelling), names/codes →
candidate codes. A description that fits several vagas, or a name several people share, is a result too
(``ambiguous_vagas``, ``ambiguous_people``). The counting, search and per-intent parts of the executor build on
it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from recruta.answer.entities import Gazetteer, VagaIndex, name_words, title_words
from recruta.answer.entities import words as folded_words
from recruta.answer.plan import Plan, VagaRef
from recruta.answer.result import MAX_SOURCES, Result, candidate_source, vaga_source
from recruta.text.fold import fold

if TYPE_CHECKING:
    import pandas as pd

    from recruta.answer.table import RecordsTable

CLOSE = 0.05  # vagas whose description score is this close to the best one are equally meant
MIN_SCORE = 0.34  # below this a description does not name a vaga
CLOSEST = 5  # the vagas offered in place of one a client or place lacks
MIN_OWN_SCORE = 0.2  # among one person's applications, a looser description still picks the vaga


def folded_text(text: Any) -> str:
    """``text`` folded as every comparison here folds it: no case, no accents, no outer spaces."""
    return fold(str(text)).casefold().strip()


def id_key(value: Any) -> tuple[int, str]:
    """Sort key of an id: numeric ids in numeric order, others after them."""
    text = str(value)
    return (int(text), text) if text.isdigit() else (1 << 62, text)


@dataclass(kw_only=True)
class Resolver:
    table: RecordsTable
    gazetteer: Gazetteer
    vagas: VagaIndex

    # ---------------------------------------------------------------------------------------- lookups
    def folded(self, frame: str, column: str) -> pd.Series:
        """A column folded once (case and accents ignored in every comparison)."""
        key = f"folded:{frame}:{column}"
        if key not in self.table._cache:
            self.table._cache[key] = getattr(self.table, frame)[column].map(folded_text)
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
        if not hit:
            return {text}
        # values apart only by particles ("Carnaúba Seguros Brasil" / "Carnaúba Seguros do Brasil"): the one spelled
        spelled = {h for h in hit if fold(h).casefold() == fold(text).casefold()}
        return spelled or set(hit)

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
                wanted = {folded_text(x) for x in self.canonical(kind, value)}
                m = self.folded("vagas", col).isin(wanted)
                mask = m if mask is None else mask & m
        allowed = set(v.index[mask]) if mask is not None else None
        if not ref.title:
            return sorted(allowed or (), key=id_key) if allowed is not None else []
        found = self._described(ref, allowed)
        placed = self._place_in_title(ref)
        if placed and not (found and set(title_words(ref.title)) <= self._title_of(found[0])):
            # "IT Operations Sao Paulo - 11787405": the place is written inside the title, not where the vaga is
            return self._narrowed(placed, ref) if len(placed) > 1 else placed
        return found

    def _title_of(self, vid: str) -> frozenset[str]:
        pos = self.vagas.positions.get(vid)
        return self.vagas.titles[pos] if pos is not None else frozenset()

    def _place_in_title(self, ref: VagaRef) -> list[str]:
        """The vagas whose title as written holds the description's words and the place it names."""
        kind, place = ("city", ref.city) if ref.city else ("state", ref.state)
        if not place:
            return []
        # the place as any of its spellings on file ("SP" for São Paulo), each checked with the description's words
        spellings = {tuple(title_words(place))} | {
            k for k, kinds in self.gazetteer.index.items() if place in kinds.get(kind, ())
        }
        base = set(title_words(ref.title))
        return sorted(
            (
                vid
                for vid, words in zip(self.vagas.ids, self.vagas.titles, strict=True)
                if base <= words and any(set(sp) <= words for sp in spellings if sp)
            ),
            key=id_key,
        )

    def _described(self, ref: VagaRef, allowed: set[str] | None) -> list[str]:
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
        found = close + sorted(wider, key=id_key)
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
            # "Wagner Carvalho" as written, not Wagner de Carvalho (the same name words but for a particle)
            written = {n for n in names_hit if folded_words(n) == folded_words(item)}
            names_hit = written if len(written) == 1 else names_hit
            codes = sorted({c for n in names_hit for c in known.get(n, ())} or known.get(item, set()), key=id_key)
            out.append(codes)
        return out

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
                # then, as other clients' or places', the vagas the description alone means
                where = [x for x in (ref.client, ref.city, ref.state) if x]
                closest = self.resolve_vagas(replace(ref, client="", city="", state=""))
                rows = [self.vaga_row(i) for i in closest[:CLOSEST]]
                facts = {
                    "title": ref.title,
                    "where": where,
                    "client": ref.client,
                    "place": ref.city or ref.state,
                    "closest": rows,
                    "total": len(closest),
                }
                return None, Result(kind="no_vaga_described", facts=facts, sources=[vaga_source(r) for r in rows])
            return None, None
        if len(ids) > 1:
            rows = [self.vaga_row(i) for i in ids[:MAX_SOURCES]]
            return None, Result(
                kind="ambiguous_vagas", facts={"vagas": rows, "total": len(ids)}, sources=[vaga_source(r) for r in rows]
            )
        return ids[0], None

    def apps_for_vaga(self, apps: list[dict[str, Any]], ref: VagaRef | None) -> list[dict[str, Any]]:
        """The applications among ``apps`` to the vaga ``ref`` describes: by id, else by the best title match
        among the vagas these applications are to (a person's own applications settle a loose description)."""
        if ref is None or ref.empty() or not apps:
            return []
        if ref.ids:
            return [a for a in apps if a["vaga_id"] in ref.ids]
        if ref.client:
            wanted = {folded_text(x) for x in self.canonical("client", ref.client)}
            apps = [a for a in apps if folded_text(a.get("client", "")) in wanted] or apps
        if not ref.title:
            return []
        scored = self.vagas.score(title_words(ref.title), {a["vaga_id"] for a in apps})
        if not scored or scored[0][1] < MIN_OWN_SCORE:
            return []
        keep = {vid for vid, sc in scored if sc >= scored[0][1] - CLOSE}
        if len(keep) > 1:  # "Desenvolvedor C# Senior" is that title as written, not "Desenvolvedor C# Sr"
            written = set(folded_words(ref.title))
            literal = {
                a["vaga_id"]
                for a in apps
                if a["vaga_id"] in keep and written <= set(folded_words(str(a.get("title") or a.get("vaga_title", ""))))
            }
            keep = literal or keep
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


__all__ = ["CLOSE", "CLOSEST", "MIN_OWN_SCORE", "MIN_SCORE", "Resolver", "folded_text", "id_key"]
