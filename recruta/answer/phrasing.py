"""A result in plain words, facts first, in the question's language (pt/en/es).

Every sentence comes from the ``answers`` message catalogue (``recruta/i18n/catalogues/answers.json``); values
come from the records as they are (a status is quoted, never reinterpreted: only an application whose status is
a hired status is ever called a hire). Level words of the data ("Fluente", "Ensino Superior Completo") are
translated for English and Spanish answers where the catalogue knows them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from recruta.answer.check import Verdict, check, flatten
from recruta.answer.plan import Filters
from recruta.answer.result import Result
from recruta.i18n import messages, plural_key
from recruta.text.fold import fold

log = logging.getLogger("recruta.answer.phrasing")
LONG_TEXT = 600  # activities / requirements are cut here (the source carries the whole record)
LIST_MAX = 10


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _place(city: str, state: str) -> str:
    """ "Sorocaba (SP)": a state that is also a city's name ("São Paulo", "Rio de Janeiro") by its abbreviation
    next to a city, so the answer names one city."""
    from recruta.answer.entities import lexicon

    if not (city and state):
        return city or state
    abbr = {fold(name).casefold(): code.upper() for code, name in lexicon()["states"].items()}
    return f"{city} ({abbr.get(fold(state).casefold(), state)})"


class Phraser:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in ("pt", "en", "es") else "pt"
        self.m = messages("answers", self.lang)

    def t(self, key: str, **fields: Any) -> str:
        return self.m[key].format(**fields)

    def tn(self, key: str, number: int, /, **fields: Any) -> str:
        """``key`` agreeing with ``number`` (its singular ``key_one`` when ``number`` is 1)."""
        return self.t(plural_key(self.m, key, number), **fields)

    def value(self, text: Any) -> str:
        raw = str(text).strip()
        return self.m.get(f"value.{fold(raw).casefold()}", raw)

    def date(self, iso: str) -> str:
        if len(iso) != 10:
            return iso
        return iso if self.lang == "en" else f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"

    def vaga(self, v: dict[str, Any], *, opened: bool = False) -> str:
        parts = [v["title"], v["client"], v["city"] or v["state"]]
        if opened and v.get("requested"):
            parts.append(self.t("vaga.opened", date=self.date(v["requested"])))
        return self.t("vaga", id=v["vaga_id"], desc=", ".join(p for p in parts if p))

    def person(self, p: dict[str, Any]) -> str:
        return f"{p['name']} ({self.t('label.code', value=p['code'])})"

    def join(self, items: list[str]) -> str:
        items = [i for i in items if i]
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.t('and')} " + items[-1]

    def more(self, total: int, shown: int) -> str:
        return f" {self.t('count.more', n=total - shown)}" if total > shown else ""

    # ------------------------------------------------------------------------------------------ vagas
    def vaga_field(self, f: dict[str, Any]) -> str:
        v, fld = f["vaga"], f["field"]
        ref = self.vaga(v)
        if fld == "summary":
            labels = [
                ("level", v["level"]),
                ("english", v["english"]),
                ("spanish", v["spanish"]),
                ("academic", v["academic"]),
                ("contract", v["contract"]),
                ("analyst", v["analyst"]),
            ]
            value = "; ".join(self.t(f"label.{k}", value=self.value(x)) for k, x in labels if x)
            if v.get("requested"):
                value += ("; " if value else "") + self.t("vaga.opened", date=self.date(v["requested"]))
            return _cap(self.t("field.summary", vaga=ref, value=value or "—"))
        if fld == "applications":
            return _cap(self.tn("field.applications", f["applications"], vaga=ref, value=f["applications"]))
        if fld == "location":
            value = ", ".join(x for x in (_place(v["city"], v["state"]), v["country"]) if x)
        elif fld == "period":
            value = " – ".join(self.date(x) for x in (v["start"], v["end"]) if x)
        elif fld == "requested":
            value = self.date(v["requested"])
        else:
            value = str(v.get(fld, "")).strip()
        if not value or fold(value).casefold() in ("-", ""):
            return _cap(self.t("field.missing", vaga=ref, what=self.t(f"what.{fld}")))
        if fld in ("english", "spanish") and fold(value).casefold() == "nenhum":
            return _cap(self.t(f"field.{fld}_none", vaga=ref))
        if len(value) > LONG_TEXT:
            value = value[:LONG_TEXT].rsplit(" ", 1)[0] + "…"
        if "\n" in value:
            value = "\n" + "\n".join(line for line in value.splitlines() if line.strip())
        return _cap(self.t(f"field.{fld}", vaga=ref, value=self.value(value)))

    def vaga_hires(self, f: dict[str, Any]) -> str:
        ref = self.vaga(f["vaga"])
        if not f["hires"]:
            return _cap(self.tn("hires.none", f["applications"], vaga=ref, n=f["applications"]))
        items = [
            f"{self.person(a)} — {a['status']}"
            + (f", {self.t('label.updated', value=self.date(a['updated']))}" if a["updated"] else "")
            for a in f["hires"]
        ]
        return _cap(self.t("hires.some", vaga=ref, list="; ".join(items)))

    # ------------------------------------------------------------------------------------- candidates
    def application(self, a: dict[str, Any]) -> str:
        extra = [
            self.t("label.applied", value=self.date(a["applied"])) if a["applied"] else "",
            self.t("label.updated", value=self.date(a["updated"])) if a["updated"] else "",
            self.t("label.recruiter", value=a["recruiter"]) if a["recruiter"] else "",
            self.t("label.comment", value=a["comment"]) if a["comment"] else "",
        ]
        item = self.t(
            "status.item", id=a["vaga_id"], title=a["title"], client=a.get("client") or "—", status=a["status"] or "—"
        )
        if not a.get("client"):  # a vaga known only from its applications has no client to name
            item = item.replace(", —)", ")")
        details = "; ".join(x for x in extra if x)
        return f"{item} ({details})" if details else item

    def status(self, f: dict[str, Any]) -> str:
        who, apps = self.person(f["person"]), f["applications"]
        if not apps:
            return self.t("status.none", person=who)
        asked = set(f["asked_vagas"])
        if asked and not any(a["vaga_id"] in asked for a in apps):
            return self.t(
                "status.not_in",
                person=who,
                vaga=self.t("vaga", id=", ".join(sorted(asked)), desc="…"),
                list="; ".join(self.application(a) for a in apps[:LIST_MAX]),
            )
        lines = [self.t("status.head", person=who)] + [f"- {self.application(a)}" for a in apps[:LIST_MAX]]
        return "\n".join(lines) + self.more(len(apps), LIST_MAX)

    def profile_bits(self, p: dict[str, Any]) -> str:
        skills = p.get("declared_skills") or ", ".join(p.get("skills", "").split("; ")[:12])
        bits = [
            p.get("title", ""),
            self.t("label.level", value=self.value(p["level"])) if p.get("level") else "",
            self.t("label.english", value=self.value(p["english"])) if p.get("english") else "",
            self.t("label.spanish", value=self.value(p["spanish"])) if p.get("spanish") else "",
            self.t("label.academic", value=self.value(p["academic"])) if p.get("academic") else "",
            self.t("label.city", value=p["city"]) if p.get("city") else "",
            self.t("label.skills", value=skills) if skills else "",
        ]
        return "; ".join(b for b in bits if b)

    def profile(self, f: dict[str, Any]) -> str:
        p, fld, who = f["person"], f["field"], self.person(f["person"])
        apps = f["applications"]
        app_list = "; ".join(f"{a['vaga_id']} ({a['title']}) — {a['status']}" for a in apps[:LIST_MAX])
        if fld in ("summary", "applications"):
            head = (
                "" if fld == "applications" else self.t("profile.head", person=who, value=self.profile_bits(p) or "—")
            )
            tail = self.t("profile.apps", n=len(apps), list=app_list) if apps else self.t("status.none", person=who)
            return "\n".join(x for x in (head, tail) if x)
        column = {"skills": "declared_skills", "location": "city"}.get(fld, fld)
        value = p.get(column) or (", ".join(p.get("skills", "").split("; ")[:15]) if fld == "skills" else "")
        if not value:
            return self.t(
                "profile.missing",
                person=who,
                what=self.t(f"what.{'requirements' if fld == 'skills' else fld}")
                if f"what.{fld}" in self.m or fld == "skills"
                else fld,
            )
        return self.t(f"profile.{fld}", person=who, value=self.value(value))

    def criteria(self, flt: Filters, measure: str, *, vaga: bool = False, n: int = 2) -> str:
        """The filters in words, agreeing with the ``n`` records they describe ("1 vaga aberta", "2 vagas abertas")."""
        bits = []
        if flt.skills:
            bits.append(self.t("crit.skills", value=self.join(list(flt.skills))))
        if flt.english:
            key = "crit.english_vaga" if vaga else "crit.english"
            bits.append(self.tn(key, n, value=self.value(flt.english)))
        if flt.spanish:
            key = "crit.spanish_vaga" if vaga else "crit.spanish"
            bits.append(self.tn(key, n, value=self.value(flt.spanish)))
        for key in ("client", "recruiter", "analyst", "city", "state"):
            if getattr(flt, key):
                bits.append(self.t(f"crit.{key}", value=getattr(flt, key)))
        if flt.level:
            bits.append(self.t("crit.level", value=self.value(flt.level)))
        if flt.outcome and flt.outcome != "hired":
            bits.append(self.tn(f"crit.outcome.{flt.outcome}", n))
        if flt.title:
            bits.append(self.t("crit.title", value=flt.title))
        if flt.year:
            when = f"{flt.year}-{flt.month:02d}" if flt.month else flt.year
            key = {"candidates": "vagas"}.get(measure, measure)
            bits.append(self.tn(f"crit.year_{key}", n, value=when))
        return " ".join(bits)

    def search(self, f: dict[str, Any]) -> str:
        crit = self.criteria(f["filters"], "candidates", n=f["total"])
        if not f["people"]:
            return self.t("search.none", criteria=crit)
        shown = self.tn("search.shown", len(f["people"]), n=len(f["people"]))
        key = "search.relaxed" if f["relaxed"] else "search.head"
        head = self.tn(key, f["total"], total=f["total"], criteria=crit, shown=shown).replace("  ", " ")
        lines = []
        for p in f["people"]:
            bits = [
                p.get("title", ""),
                self.t("label.english", value=self.value(p["english"])) if p["english"] else "",
                p.get("city", ""),
                self.t("label.has", value=", ".join(p["matched"])) if p["matched"] else "",
            ]
            lines.append(f"- {self.person(p)}: " + "; ".join(b for b in bits if b))
        return "\n".join([head, *lines])

    def compare(self, f: dict[str, Any]) -> str:
        vaga, people = f["vaga"], f["people"]
        if vaga is None:
            lines = [self.t("compare.head_novaga")]
            lines += [
                f"- {self.t('compare.person_novaga', person=self.person(p), profile=self.profile_bits(p))}"
                for p in people
            ]
            return "\n".join(lines)
        lines = [self.t("compare.head", vaga=self.vaga(vaga), skills=", ".join(f["skills"]) or "—")]
        for p in people:
            app = (
                self.t("compare.applied", status=p["application"]["status"])
                if p["application"]
                else self.t("compare.not_applied")
            )
            lines.append(
                "- "
                + self.t(
                    "compare.person",
                    person=self.person(p),
                    k=len(p["covered"]),
                    m=len(f["skills"]),
                    covered=", ".join(p["covered"]) or "—",
                    profile=self.profile_bits({**p, "skills": "", "declared_skills": ""}),
                    application=app,
                )
            )
        a, b = people
        hired = set(f.get("hired", ()))
        if len(hired) == 1:  # the outcome answers "who did better" before the skills do
            won, lost = (a, b) if a["code"] in hired else (b, a)
            lines.insert(0, self.t("compare.hired", person=self.person(won), other=self.person(lost)))
        if len(a["covered"]) == len(b["covered"]):
            lines.append(self.t("compare.tie"))
        else:
            lines.append(self.t("compare.more", person=self.person(a if len(a["covered"]) > len(b["covered"]) else b)))
        return "\n".join(lines)

    # ------------------------------------------------------------------------------------ counts, ranks
    def row(self, r: dict[str, Any], measure: str, *, one_vaga: bool = False) -> str:
        if one_vaga:
            return f"{self.person(r)} — {r['status']}"
        if measure == "vagas":
            return (
                f"{r['vaga_id']} {r['title']} ({', '.join(x for x in (r['client'], self.date(r['requested'])) if x)})"
            )
        if measure == "candidates":
            return self.person(r)
        return f"{self.person(r)} — {r['vaga_id']} {r['title']} — {r['status']}"

    def count(self, f: dict[str, Any]) -> str:
        measure, flt = f["measure"], f["filters"]
        crit = self.criteria(flt, measure, vaga=measure == "vagas", n=f["people" if measure == "hires" else "total"])
        if f.get("person"):
            crit = f"{self.t('crit.candidate', value=self.person(f['person']))} {crit}".strip()
        if f.get("vaga") and flt.outcome and measure == "applications":
            text = _cap(
                self.tn(
                    "count.applications_vaga_outcome",
                    f["total"],
                    vaga=self.vaga(f["vaga"]),
                    total=f["total"],
                    outcome=self.tn(f"crit.outcome.{flt.outcome}", f["total"]),
                    all=f["vaga_total"],
                )
            )
        elif f.get("vaga"):
            text = _cap(self.tn("count.applications_vaga", f["total"], vaga=self.vaga(f["vaga"]), total=f["total"]))
        elif measure == "hires":
            # the people first when the question counts candidates ("how many candidates were hired"), the hires
            # first when it counts hires ("how many hires/placements", "quantas pessoas contratamos")
            key = (
                "count.hires_same"
                if f["people"] == f["total"]
                else "count.hires"
                if f.get("people_first", True)
                else "count.hires_total"
            )
            text = self.tn(key, f["people"], people=f["people"], total=f["total"], criteria=crit)
            if flt.year:
                text += " " + self.t("count.hires_basis")
        else:
            text = self.tn(f"count.{measure}", f["total"], total=f["total"], criteria=crit)
        text = text.replace("  ", " ").replace(" .", ".").replace(" ,", ",").replace(" (", " (")
        if f["group_by"] and f.get("groups"):
            items = [f"{k if f['group_by'] != 'year' else k}: {c}" for k, c in f["groups"]]
            text += (
                " "
                + self.t("count.groups", group=self.t(f"groupw.{f['group_by']}"), list="; ".join(items))
                + self.more(f["n_groups"], len(f["groups"]))
            )
        elif f["op"] == "list" or (measure == "hires" and 0 < f["total"] <= LIST_MAX):
            rows = f["rows"]
            if rows:
                one = bool(f.get("vaga"))
                text += (
                    "\n"
                    + "\n".join(f"- {self.row(r, measure, one_vaga=one)}" for r in rows)
                    + self.more(f["total"], len(rows))
                )
        return text

    def ranking(self, f: dict[str, Any]) -> str:
        measure = self.t(f"measure.{f['measure']}")
        if not f["groups"]:
            return self.t("rank.none", measure=measure, criteria=self.criteria(f["filters"], f["measure"])).replace(
                "  ", " "
            )
        items = [f"{k} ({c})" for k, c in f["groups"]]
        head = self.t("rank.head", groups=self.t(f"group.{f['group_by']}"), measure=measure, list="; ".join(items))
        crit = self.criteria(f["filters"], f["measure"], vaga=f["measure"] == "vagas")
        if crit:
            head = head.replace(":", f" {crit}:", 1)
        return f"{head} {self.t('rank.of', n=f['n_groups'])}"

    # ------------------------------------------------------------------------------------------ other
    def ambiguous_vagas(self, f: dict[str, Any]) -> str:
        items = [
            f"{v['vaga_id']} ({', '.join(x for x in (v['title'], v['client'], v['city'], self.date(v['requested'])) if x)})"
            for v in f["vagas"]
        ]
        return self.t("ambiguous.vagas", total=f["total"], list="; ".join(items), example=f["vagas"][0]["vaga_id"])

    def vaga_items(self, vagas: list[dict[str, Any]]) -> str:
        return "; ".join(
            f"{v['vaga_id']} ({', '.join(x for x in (v['title'], v['client'], v['city'], self.date(v['requested'])) if x)})"
            for v in vagas
        )

    def closest(self, key: str, f: dict[str, Any]) -> str:
        """The vagas nearest to one the records lack, said to be others' ("Vagas de … de outros clientes: …")."""
        rows = f.get("closest") or []
        if not rows:
            return ""
        more = self.more(f["total"], len(rows)).rstrip(".")
        return " " + _cap(
            self.t(key, title=f'"{f["title"]}"', list=self.vaga_items(rows), more=more, example=rows[0]["vaga_id"])
        )

    def no_vaga_described(self, f: dict[str, Any]) -> str:
        """A known client or place without the described job: said first, then that job elsewhere."""
        where = ""
        if f.get("client"):
            where += self.t("where.client", client=f["client"])
        if f.get("place"):
            where += self.t("where.place", place=f["place"])
        if not (f.get("client") or f.get("place")) and f.get("where"):
            where = f" ({', '.join(f['where'])})"
        return self.t("no_vaga_described", what=f'"{f["title"]}"', where=where) + self.closest("closest.other", f)

    def not_on_file(self, f: dict[str, Any]) -> str:
        """Names no record holds (a client, a place, a title): said first, then the nearest vagas, as others'."""
        said = []
        if f["names"]:
            said.append(self.t("not_on_file.names", names=self.join([f'"{n}"' for n in f["names"]])))
        if f["titles"]:
            said.append(self.t("not_on_file.titles", titles=self.join([f'"{n}"' for n in f["titles"]])))
        # a title nobody has: the nearest by the rest of its words ("Desenvolvedor Sênior" of "Desenvolvedor Kotlin
        # Sênior"), called the closest, not that title at other clients
        return " ".join(said) + self.closest("closest.near" if f["titles"] else "closest.other", f)

    def ambiguous_people(self, f: dict[str, Any]) -> str:
        items = [
            f"{self.person(p)}"
            + (f" — {p['title']}" if p.get("title") else "")
            + (f", {p['city']}" if p.get("city") else "")
            for p in f["people"]
        ]
        return self.t(
            "ambiguous.people", total=f["total"], name=f["name"], list="; ".join(items), example=f["people"][0]["code"]
        )

    def render(self, result: Result) -> str:
        f = result.facts
        kind = result.kind
        if kind == "unanswerable":
            return self.t(f"unanswerable.{f['reason']}")
        if kind == "no_person":
            return self.t("no_person", names=self.join(list(f["names"])))
        if kind == "no_vaga":
            return self.t("no_vaga", ids=", ".join(f["ids"]))
        if kind == "no_vaga_described":
            return self.no_vaga_described(f)
        method = getattr(self, kind)
        text: str = method(f)
        return _ABBREVIATION_END.sub("", text)  # "… is Prisma Automotiva Ltda.", not "Ltda.."


# the sentence's period after a value that ends in one ("Ltda.", "S.A."); an ellipsis is left alone
_ABBREVIATION_END = re.compile(r"(?<=\w\.)\.(?=\s|$)")


def phrase(result: Result, lang: str) -> str:
    """``result`` in words, in ``lang`` (Portuguese for anything else)."""
    return Phraser(lang).render(result)


# ------------------------------------------------------------------------------------ with a language model
LLM_MAX_CHARS = 500  # longer answers (lists, long texts) are already plain; a small model would only cut them
LLM_MAX_LINES = 3
LLM_MAX_TOKENS = 96
LANGUAGE_NAMES = {"pt": "Portuguese (Brazil)", "en": "English", "es": "Spanish"}
LLM_SYSTEM = (
    "You reword an exact answer from a recruiting database for a recruiter, in plain {language}. "
    "Keep every number, id, date and name exactly as written. Add nothing that is not in the answer. "
    "At most two sentences. Answer with the reworded text only."
)


@dataclass(frozen=True, kw_only=True)
class Phrased:
    """The answer's words and who wrote them: ``"llm"`` (checked) or ``"template"`` (the catalogue's)."""

    text: str
    by: str
    verdict: Verdict | None = None


def key_facts(result: Result, template: str, lang: str) -> list[str]:
    """What the answer is about and a rewording must keep: the template's numbers (ids, counts, dates), the
    people it names, and a short value asked for ("Avançado")."""
    from recruta.answer.check import numbers_in

    keys = [n.raw for n in numbers_in(template)]

    def names(value: Any) -> list[str]:
        if isinstance(value, dict):
            own = [str(value["name"])] if isinstance(value.get("name"), str) else []
            return own + [x for v in value.values() for x in names(v)]
        if isinstance(value, (list, tuple)):
            return [x for v in value for x in names(v)]
        return []

    keys += [n for n in names(result.facts) if n and n in template]
    if result.kind in ("not_on_file", "no_vaga_described"):
        # what the records lack is the answer: a rewording that drops "Acme Corp" would offer others' vagas as its
        f = result.facts
        lacked = [*f.get("names", ()), *f.get("titles", ()), f.get("client", ""), f.get("place", "")]
        keys += [str(x) for x in lacked if x and str(x) in template]
    field_ = result.facts.get("field")
    record = result.facts.get("vaga") if result.kind == "vaga_field" else result.facts.get("person")
    if isinstance(field_, str) and isinstance(record, dict):
        raw = str(record.get(field_) or "").strip()
        value = Phraser(lang).value(raw) if raw else ""
        if value and len(value) <= 40 and "\n" not in value and value in template:
            keys.append(value)
    return list(dict.fromkeys(keys))


def phrase_with_llm(
    generator: Any, *, question: str, result: Result, template: str, lang: str, max_new_tokens: int = LLM_MAX_TOKENS
) -> Phrased:
    """``template`` reworded by ``generator`` when the rewording passes :func:`recruta.answer.check.check`;
    the template itself otherwise (long answers, an endpoint that fails, a number or name the facts do not
    hold, a key fact left out). The model sees the template answer, never the records: it can only reword."""
    if len(template) > LLM_MAX_CHARS or template.count("\n") >= LLM_MAX_LINES:
        return Phrased(text=template, by="template")
    from recruta.rag.generators import GenerationInput

    lang = lang if lang in LANGUAGE_NAMES else "pt"
    max_new_tokens = min(max_new_tokens, LLM_MAX_TOKENS)  # a rewording of a short answer is short
    messages = [
        {"role": "system", "content": LLM_SYSTEM.format(language=LANGUAGE_NAMES[lang])},
        {"role": "user", "content": f"Question: {question}\nExact answer: {template}\nReworded answer:"},
    ]
    try:
        text = generator.generate(
            GenerationInput(question=question, hits=[], messages=messages), max_new_tokens=max_new_tokens
        ).strip()
    except Exception as exc:  # the endpoint is down or refuses: the template answers
        log.warning("phrasing by %s failed: %s", getattr(generator, "name", "?"), type(exc).__name__)
        return Phrased(text=template, by="template")
    verdict = check(
        text, facts=[template, question, *flatten(result.facts)], keys=key_facts(result, template, lang), lang=lang
    )
    if not text or not verdict.ok:
        log.info("kept the template: the rewording invented %s, left out %s", verdict.invented, verdict.missing)
        return Phrased(text=template, by="template", verdict=verdict)
    return Phrased(text=text, by="llm", verdict=verdict)


__all__ = ["LLM_SYSTEM", "Phrased", "Phraser", "key_facts", "phrase", "phrase_with_llm"]
