"""Write ``examples/``: a synthetic CV (PDF and DOCX), a recommendation letter and a job text to try recruta with.

    python -m devtools.examples [--out examples] [--seed 42]

Everything comes from the synthetic data generator (:mod:`devtools.sample`) with the seed ``make serve`` uses,
so the job is also vaga ``job.txt`` names in the served sample index. The pair is chosen by a fixed rule (same
area, several required skills shown, at least one missing) so ``/match`` has strengths *and* gaps to show.

Same arguments give byte-identical files (tests/test_examples.py checks the committed ones): the PDF is written
with ReportLab's ``invariant`` mode (no dates, fixed document id) and the DOCX is re-zipped with fixed member
dates and fixed core properties. ReportLab is a dev requirement: these files are for users trying the project,
never shipped in the Bento (bentofile.yaml includes only the package and the pipeline scripts).
"""

from __future__ import annotations

import argparse
import io
import random
import textwrap
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from devtools.sample import vocab
from devtools.sample.applicants import applicant_record
from devtools.sample.common import person, staff_name
from devtools.sample.profiles import Applicant, Vaga, applicant_profile, vaga_profile
from devtools.sample.vagas import vaga_record
from devtools.sample.writer import SCALES

__all__ = ["FILES", "Example", "choose", "main", "write"]

FILES = ("cv.pdf", "cv.docx", "letter.txt", "job.txt")
_FIXED_DATE = datetime(2024, 1, 1)  # DOCX core properties: a constant, never the clock
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, kw_only=True)
class Example:
    vaga_id: str
    job: str
    cv: str
    letter: str
    name: str


def _fit(v: Vaga, a: Applicant) -> tuple[int, int]:
    have = sum(s in a.skills for s in v.required)
    return have, len(v.required) - have


def choose(seed: int = 42) -> tuple[int, int]:
    """(vaga index, applicant index) of the sample scale: the first vaga, in order, with an applicant of its area
    who has its main skill and two more, misses at least one, and whose CV carries no contact details."""
    scale = SCALES["sample"]
    staff = [staff_name(seed, k) for k in range(24)]
    apps = [applicant_profile(seed, i) for i in range(scale["n_applicants"])]
    for vi in range(scale["n_vagas"]):
        v = vaga_profile(seed, vi, staff)
        for ai, a in enumerate(apps):
            have, miss = _fit(v, a)
            if a.area != v.area or v.focus not in a.skills or have < 3 or miss < 1 or a.level != v.level:
                continue
            cv = str(applicant_record(seed, ai, a, None, scale["cv_chars"], staff)["cv_pt"])
            if cv and "@" not in cv and "cpf" not in cv:
                return vi, ai
    raise LookupError("no vaga/applicant pair fits the rule")  # pragma: no cover - the generator always has one


def _job_text(record: dict[str, object]) -> str:
    basic = record["informacoes_basicas"]
    perfil = record["perfil_vaga"]
    assert isinstance(basic, dict) and isinstance(perfil, dict)
    lines = [
        str(basic["titulo_vaga"]).strip(" -"),
        f"{basic['cliente']} — {perfil['cidade']}, {perfil['estado']} ({basic['tipo_contratacao']})",
        "",
        str(perfil["principais_atividades"]).strip(),
        "",
        str(perfil["competencia_tecnicas_e_comportamentais"]).strip(),
        "",
        f"Nível profissional: {perfil['nivel profissional']}",
        f"Inglês: {perfil['nivel_ingles']}",
    ]
    return "\n".join(lines) + "\n"


def _letter(seed: int, a: Applicant) -> str:
    rng = random.Random(f"{seed}:example-letter:{a.codigo}")
    referee, female = person(rng)
    area = vocab.AREAS[a.area]
    first = a.nome.split()[0]
    skills = " e ".join(a.skills[:2])
    return (
        "Carta de recomendação\n\n"
        "A quem possa interessar,\n\n"
        f"Trabalhei com {a.nome} por dois anos, quando fui {'sua gestora' if female else 'seu gestor'} na área de {area.desc}. "
        f"Como {a.role}, {first} assumiu as entregas de {skills} da equipe e cumpriu os prazos com qualidade.\n\n"
        f"Destaco sua comunicação clara com os usuários, a organização e a disposição para ensinar colegas "
        f"mais novos. Recomendo {first} sem reservas para posições de {a.role}.\n\n"
        f"{referee}\n"
        "Gerente de projetos\n"
    )


def build(seed: int = 42) -> Example:
    vi, ai = choose(seed)
    scale = SCALES["sample"]
    staff = [staff_name(seed, k) for k in range(24)]
    v, a = vaga_profile(seed, vi, staff), applicant_profile(seed, ai)
    cv = str(applicant_record(seed, ai, a, None, scale["cv_chars"], staff)["cv_pt"]).strip() + "\n"
    job = _job_text(vaga_record(seed, vi, v, staff))
    return Example(vaga_id=v.vid, job=job, cv=cv, letter=_letter(seed, a), name=a.nome)


def pdf_bytes(text: str, *, title: str) -> bytes:
    """A text PDF (A4, Helvetica 10, wrapped at 95 columns), identical bytes for identical text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(title)
    c.setAuthor("recruta devtools.examples (synthetic)")
    width, height = A4
    y = height - 56
    c.setFont("Helvetica", 10)
    for raw in text.splitlines():
        for line in textwrap.wrap(raw, 95) or [""]:
            if y < 56:
                c.showPage()
                c.setFont("Helvetica", 10)
                y = height - 56
            c.drawString(56, y, line)
            y -= 13
    c.save()
    return buf.getvalue()


def docx_bytes(text: str, *, title: str) -> bytes:
    """A DOCX with one paragraph per line; fixed core properties and zip member dates so the bytes repeat."""
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "recruta devtools.examples (synthetic)", ""
    props.created = props.modified = _FIXED_DATE
    props.revision = 1
    for line in text.splitlines():
        doc.add_paragraph(line)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def render(seed: int = 42) -> dict[str, bytes]:
    """Every example file's name and bytes (nothing written)."""
    ex = build(seed)
    title = f"CV — {ex.name} (sintético)"
    return {
        "cv.pdf": pdf_bytes(ex.cv, title=title),
        "cv.docx": docx_bytes(ex.cv, title=title),
        "letter.txt": ex.letter.encode(),
        "job.txt": ex.job.encode(),
    }


def write(out: Path, *, seed: int = 42) -> dict[str, int]:
    """Write the example files into ``out``; returns their sizes."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, data in render(seed).items():
        (out / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("examples"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    sizes = write(args.out, seed=args.seed)
    print(" ".join(f"{k}={v}B" for k, v in sizes.items()) + f" -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
