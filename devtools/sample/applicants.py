"""A full applicants.json record from an applicant profile: contact details (fake, in realistic Brazilian
formats, so the PII redactor is tested on them), professional and schooling fields, and the CVs (cv_pt, grown
to a target length; sometimes cv_en)."""

from __future__ import annotations

import random
from datetime import date

from devtools.sample import vocab
from devtools.sample.common import (
    DATE0,
    DATE1,
    activities,
    company,
    cpf,
    dmy,
    level_title,
    money,
    months,
    phone,
    rate,
    salary,
    slug,
    wchoice,
)
from devtools.sample.profiles import Applicant

__all__ = ["applicant_record"]

_T = vocab.text("applicant_text")
_CV = vocab.text("cv")


def applicant_record(
    seed: int, i: int, a: Applicant, first_day: int | None, cv_chars: int, staff: list[str]
) -> dict[str, object]:
    rng = random.Random(f"{seed}:applicant-text:{i}")
    area = vocab.AREAS[a.area]
    place = vocab.CITIES[a.city]
    city, state, uf, ddd, (cep_lo, cep_hi) = place.city, place.state, place.uf, place.ddd, place.cep
    created = rng.randint(DATE0 - 200, DATE1) if first_day is None else first_day - rng.randint(0, 540)
    updated = created if rng.random() < 0.5 else created + rng.randint(0, 120)
    t1, t2 = rng.randrange(7 * 3600, 22 * 3600), rng.randrange(7 * 3600, 22 * 3600)

    def stamp(day: int, secs: int) -> str:
        return f"{dmy(day)} {secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"

    first, last = a.nome.split()[0], a.nome.split()[-1]
    user: str = rng.choice(_T["email_users"]).format(first=first, last=last, initial=first[0])
    user = slug(user, "") + (str(rng.randint(1, 99)) if rng.random() < 0.35 else "")
    email = f"{user}@{rng.choice(vocab.EMAIL_DOMAINS)}"
    mobile, mobile_alt, mobile_intl = phone(rng, ddd)
    recado = phone(rng, ddd)[0] if rng.random() < 0.1 else ""
    birth_year = date.fromordinal(created).year - (22 + a.years + rng.randint(0, 8))
    birth = date(birth_year, 1, 1).toordinal() + rng.randint(0, 364)
    has_birth = rng.random() < 0.75
    cpf_ = cpf(rng) if rng.random() < 0.6 else ""
    number = rng.randint(10, 2999)
    cep = f"{rng.randint(cep_lo, cep_hi):05d}-{rng.randint(0, 999):03d}"
    street = f"{rng.choice(vocab.STREETS)}, {number}"
    full_address = f"{street} - {rng.choice(vocab.BAIRROS)}, {city.lower()} - {uf.lower()}, cep {cep}"
    r = rng.random()
    endereco = full_address if r < 0.35 else state.lower() if r < 0.65 else ""
    hexa, n = f"{rng.getrandbits(24):06x}", rng.randint(1, 999)
    linkedin: str = rng.choice(_T["linkedin"]).format(
        slug=slug(a.nome, "-"), hex=hexa, handle=slug(first + last, ""), n=n
    )
    source = rng.choice(vocab.SOURCES) if rng.random() < 0.4 else ""
    titulo = a.role if rng.random() < 0.5 else level_title(rng, area, a.role, a.nivel)

    infos = {
        "telefone_recado": recado,
        "telefone": mobile,
        "objetivo_profissional": titulo if rng.random() < 0.4 else "",
        "data_criacao": stamp(created, t1),
        "inserido_por": "pelo próprio candidato" if rng.random() < 0.15 else rng.choice(staff),
        "email": email,
        "local": f"{city}, {state}" if rng.random() < 0.45 else "",
        "sabendo_de_nos_por": source,
        "data_atualizacao": stamp(updated, t2 if updated > created else t1),
        "codigo_profissional": a.codigo,
        "nome": a.nome,
    }
    second_email = rng.random() < 0.1
    aceite = "Cadastro anterior ao registro de aceite"
    if rng.random() < 0.2:
        aceite = date.fromordinal(updated).strftime("%d/%m/%Y") + f" {t2 // 3600:02d}:{t2 // 60 % 60:02d}"
    pessoais: dict[str, str] = {"data_aceite": aceite}
    if rng.random() < 0.01:
        pessoais["download_cv"] = f"{a.codigo}.pdf"
    pessoais.update(
        {
            "nome": a.nome,
            "cpf": cpf_,
            "fonte_indicacao": f"{source}:"
            + (" " + rng.choice(_T["job_boards"]) if source == "Site de Empregos" and rng.random() < 0.5 else ""),
            "email": email,
            "email_secundario": f"{slug(a.nome, '.')}@{rng.choice(vocab.EMAIL_DOMAINS)}" if second_email else "",
            "data_nascimento": dmy(birth) if has_birth else "0000-00-00",
            "telefone_celular": mobile,
            "telefone_recado": recado,
            "sexo": ("Feminino" if a.female else "Masculino") if rng.random() < 0.6 else "",
            "estado_civil": wchoice(rng, vocab.weighted("applicant_text", "estado_civil")),
            "pcd": wchoice(rng, vocab.weighted("applicant_text", "pcd")),
            "endereco": endereco,
            "skype": f"live:{slug(first + last, '')}" if rng.random() < 0.05 else "",
            "url_linkedin": linkedin if rng.random() < 0.5 else "",
            "facebook": "",
        }
    )
    profissionais = _profissionais(rng, a, titulo)
    course = rng.choice(area.courses)
    institution = rng.choice(vocab.INSTITUTIONS)
    grad_year = birth_year + 22 + rng.randint(0, 6)
    formacao = _formacao(rng, a, course=course, institution=institution, grad_year=grad_year)

    pii = {
        "email": email,
        "phone": mobile,
        "phone_alt": mobile_alt,
        "phone_intl": mobile_intl,
        "birth_slash": date.fromordinal(birth).strftime("%d/%m/%Y") if has_birth else "",
        "cpf": cpf_ or cpf(rng),
        "street": street,
        "cep": cep,
        "linkedin": linkedin,
    }
    target = int(cv_chars * rng.uniform(0.75, 1.25))
    with_pii = rng.random() < 0.15
    cv_pt = _cv_pt(rng, a, pii, created, target, institution, course, grad_year, with_pii)
    if rng.random() < 0.005:
        cv_pt = ""
    cv_en = _cv_en(rng, a, course) if a.english >= 3 and rng.random() < 0.1 else ""
    return {
        "infos_basicas": infos,
        "informacoes_pessoais": pessoais,
        "informacoes_profissionais": profissionais,
        "formacao_e_idiomas": formacao,
        "cargo_atual": {},
        "cv_pt": cv_pt,
        "cv_en": cv_en,
    }


def _profissionais(rng: random.Random, a: Applicant, titulo: str) -> dict[str, str]:
    area = vocab.AREAS[a.area]
    remun = ""
    if rng.random() < 0.55:
        sal = salary(rng, a.level, area.it)
        hourly = rate(rng, a.level)
        remun = rng.choice(_T["remuneracao"]).format(salary=sal, money=money(sal), rate=hourly)
    return {
        "titulo_profissional": titulo if rng.random() < 0.75 else "",
        "area_atuacao": area.cand_label if rng.random() < 0.7 else "",
        "conhecimentos_tecnicos": ", ".join(a.skills) if rng.random() < 0.7 else "",
        "certificacoes": ", ".join(rng.sample(area.certs, rng.randint(1, min(2, len(area.certs)))))
        if rng.random() < 0.2
        else "",
        "outras_certificacoes": _T["outras_certificacoes"].format(rng.choice(a.skills)) if rng.random() < 0.1 else "",
        "remuneracao": remun,
        "nivel_profissional": a.nivel if rng.random() < 0.6 else "",
    }


def _formacao(rng: random.Random, a: Applicant, *, course: str, institution: str, grad_year: int) -> dict[str, str]:
    academico = wchoice(rng, vocab.ACADEMIC_APPLICANT) if rng.random() < 0.7 else ""
    formacao: dict[str, str] = {"nivel_academico": academico}
    if rng.random() < 0.15:
        formacao["instituicao_ensino_superior"] = institution if rng.random() < 0.5 else ""
        formacao["cursos"] = course if rng.random() < 0.9 else ""
        formacao["ano_conclusao"] = str(grad_year) if rng.random() < 0.85 else "0"
    formacao["nivel_ingles"] = vocab.LANG[a.english] if rng.random() < 0.75 else ""
    formacao["nivel_espanhol"] = vocab.LANG[a.spanish] if rng.random() < 0.75 else ""
    formacao["outro_idioma"] = "-" if rng.random() < 0.95 else rng.choice(_T["other_languages"])
    return formacao


def _cv_pt(
    rng: random.Random,
    a: Applicant,
    pii: dict[str, str],
    created: int,
    target: int,
    institution: str,
    course: str,
    grad_year: int,
    with_pii: bool,
) -> str:
    """A lower-case Portuguese CV: header (contacts when ``with_pii``), objective, summary, jobs newest first,
    schooling, languages, skills (last line, as the tests rely on); grown until ``target`` characters."""
    pt = _CV["pt"]
    area = vocab.AREAS[a.area]
    city, uf = vocab.CITIES[a.city].city, vocab.CITIES[a.city].uf
    today = date.fromordinal(created)
    now_m = today.year * 12 + today.month - 1

    header = [a.role if rng.random() < 0.5 else level_title(rng, area, a.role, a.nivel), "", a.nome, f"{city} - {uf}"]
    if with_pii:
        contacts = pt["contacts"]
        options = [
            contacts["email"].format(pii["email"]),
            rng.choice(contacts["phones"]).format(**pii),
            contacts["birth"].format(pii["birth_slash"]) if pii["birth_slash"] else "",
            contacts["cpf"].format(pii["cpf"]) if pii["cpf"] else "",
            contacts["address"].format(**pii),
            pii["linkedin"],
        ]
        options = [o for o in options if o]
        header += rng.sample(options, min(len(options), rng.randint(2, 4)))
    header.append("")

    objetivo = [rng.choice(pt["objective_heads"]), rng.choice(pt["objectives"]).format(role=a.role, desc=area.desc), ""]
    sector = rng.choice(vocab.SECTORS)
    resumo_lines = [
        pt["summary"].format(
            years=max(1, a.years), desc=area.desc, sector=sector, other_sector=rng.choice(vocab.SECTORS)
        ),
        pt["knowledge"].format(", ".join(a.skills[:3])),
    ]
    extra_summary = list(pt["extra_summary"])
    resumo_head = rng.choice(pt["summary_heads"])

    # Jobs, newest first, each with a few activities; grown until the target length.
    n_jobs = rng.randint(2, 4)
    jobs: list[tuple[str, str, list[str]]] = []  # (company and period, title, activities)
    end = now_m if rng.random() < 0.7 else now_m - rng.randint(1, 8)
    current = end == now_m
    span = max(12 * a.years, 6 * n_jobs)
    for j in range(n_jobs):
        length = max(4, int(span / n_jobs * rng.uniform(0.5, 1.5)))
        start = end - length
        ladder = max(0, min(2, a.level - 1) - j)  # earlier jobs one step less senior
        title = a.role if j == 0 else level_title(rng, area, a.role, ("Júnior", "Pleno", "Sênior")[ladder])
        period = pt["period"].format(start=months(start), end=pt["now"] if j == 0 and current else months(end))
        where = pt["job"].format(company=company(rng).lower(), period=period)
        jobs.append((where, title, activities(rng, area, a.focus, 2)))
        end = start - rng.randint(0, 4)
    status = pt["graduated"].format(grad_year) if grad_year <= today.year else pt["studying"]
    courses = [pt["degree"].format(course=course, institution=institution, status=status)]
    langs = [
        pt["languages_head"],
        pt["english"].format(vocab.LANG[a.english].lower()),
        pt["spanish"].format(vocab.LANG[a.spanish].lower()),
        "",
    ]
    skills_block = [rng.choice(pt["skills_heads"]), ", ".join(a.skills), ""]

    exp_head = rng.choice(pt["experience_heads"])
    edu_head = rng.choice(pt["education_heads"])
    inline = rng.random() < 0.35
    edu_first = rng.random() < 0.25

    def render() -> str:
        parts = list(header) + objetivo + [resumo_head, *resumo_lines, "", exp_head]
        for where, title, acts in jobs:
            parts += [where, pt["position"].format(title)]
            if inline:
                parts.append(pt["activities_inline"].format("; ".join(acts)))
            else:
                parts.append(pt["activities_head"])
                parts += [pt["activity"].format(x) for x in acts]
            parts.append("")
        edu = [edu_head, *courses, ""]
        if edu_first:
            parts[len(header) : len(header)] = edu
        else:
            parts += edu
        parts += langs + skills_block
        return "\n".join(parts)

    extra_courses = [pt["certification"].format(c) for c in area.certs] + [
        pt["course"].format(skill=s, school=rng.choice(pt["course_schools"])) for s in a.skills[:4]
    ]
    rng.shuffle(extra_courses)
    text = render()
    for _ in range(60):
        if len(text) >= target:
            break
        r = rng.random()
        acts = jobs[rng.randrange(len(jobs))][2]
        if r < 0.7:
            more = [x for x in activities(rng, area, a.focus, 3) if x not in acts]
            if more:
                acts.append(more[0])
        elif r < 0.85 and extra_courses:
            courses.append(extra_courses.pop())
        elif extra_summary:
            resumo_lines.append(extra_summary.pop(rng.randrange(len(extra_summary))))
        text = render()
    return text.lower()


def _cv_en(rng: random.Random, a: Applicant, course: str) -> str:
    en = _CV["en"]
    area = vocab.AREAS[a.area]
    lines = [
        a.nome,
        "",
        en["summary_head"],
        en["summary"].format(role=a.role.lower(), years=max(1, a.years), desc=area.desc_en),
        "",
        en["skills_head"],
        ", ".join(a.skills),
        "",
        en["experience_head"],
    ]
    for _ in range(rng.randint(2, 3)):
        years = rng.randint(1, 6)
        lines.append(en["job"].format(company=company(rng), years=years, unit=en["years" if years > 1 else "year"]))
        s = rng.sample(a.skills, min(3, len(a.skills)))
        lines.append(en["worked_on"].format(desc=area.desc_en, skills=", ".join(s)))
        lines.append(rng.choice(en["achievements"]))
        lines.append("")
    lines += [
        en["education_head"],
        en["degree"].format(course.lower()),
        "",
        en["languages_head"],
        en["languages"].format(vocab.LANG_EN[a.english]),
    ]
    return "\n".join(lines)
