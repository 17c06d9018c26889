"""Turn validated Decision records into redacted, chunked documents for the index.

Three kinds of documents, each with metadata that retrieval can filter on:
- ``vaga``: one per job (title, client, level, languages, activities, competencies);
- ``candidato``: one or more chunks per applicant (profile header + CV text);
- ``prospect``: one per application (which candidate went through which vaga, the
  full status, our outcome label and the recruiter comment).
Only whitelisted fields are copied, so structured PII (CPF, e-mail, phones, birth
date, address, social links) never enters; free text goes through :func:`redact`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from recruta.ingest.loaders import Dataset, ProspectRecord
from recruta.ingest.schema import Applicant, Vaga
from recruta.text.redact import redact

Meta = dict[str, str | int | float | bool]

OUTCOME_REJECTED = ("não aprovado", "nao aprovado", "reprovado")
OUTCOME_WITHDRAWN = ("desistiu",)


@dataclass(frozen=True, kw_only=True)
class Document:
    id: str
    text: str
    metadata: Meta = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256(self.text.encode())
        h.update(repr(sorted(self.metadata.items())).encode())
        return h.hexdigest()[:16]


def record_id(doc_id: str) -> str:
    """``candidato:10001:2`` → ``candidato:10001`` (the record a chunk belongs to)."""
    kind, _, rest = doc_id.partition(":")
    return f"{kind}:{rest.split(':')[0]}" if kind in ("vaga", "candidato") else doc_id


def outcome(status: str, *, hired: bool) -> str:
    s = status.casefold()
    if hired:
        return "hired"
    if any(k in s for k in OUTCOME_REJECTED):
        return "not_approved"
    if any(k in s for k in OUTCOME_WITHDRAWN):
        return "withdrew"
    return "in_process"


def chunk_text(text: str, *, size: int, overlap: int) -> list[str]:
    """Split into pieces of at most ``size`` characters, cutting at whitespace, with ``overlap``.

    Runs of spaces collapse; line breaks are kept (one per run) so "Campo: valor" lines survive.
    """
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" ?\n[\s]*", "\n", text).strip()
    if len(text) <= size:
        return [text] if text else []
    chunks, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind(" ", start + size // 2, end), text.rfind("\n", start + size // 2, end))
            end = cut if cut > 0 else end
        chunks.append(text[start:end].strip())
        if end >= len(text):
            break
        back = max(text.rfind(" ", start, end - overlap), text.rfind("\n", start, end - overlap)) if overlap else -1
        start = back + 1 if back > start else end
    return [c for c in chunks if c]


def _lines(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in pairs if v and v.strip(" -:"))


def vaga_documents(
    vaga_id: str, v: Vaga, *, size: int, overlap: int, pii: Counter[str] | None = None
) -> list[Document]:
    b, p = v.informacoes_basicas, v.perfil_vaga
    local = ", ".join(x for x in (p.cidade, p.estado, p.pais) if x)
    header = _lines(
        [
            ("Vaga", f"{vaga_id} - {b.titulo_vaga}"),
            ("Cliente", b.cliente),
            ("Tipo de contratação", b.tipo_contratacao),
            ("Local", local),
            ("Nível profissional", p.nivel_profissional),
            ("Nível acadêmico", p.nivel_academico),
            ("Inglês", p.nivel_ingles),
            ("Espanhol", p.nivel_espanhol),
            ("Outro idioma", p.outro_idioma),
            ("Área de atuação", p.areas_atuacao),
            ("Vaga SAP", b.vaga_sap),
        ]
    )
    body = _lines(
        [
            ("Principais atividades", redact(p.principais_atividades, counts=pii)),
            ("Competências técnicas e comportamentais", redact(p.competencia_tecnicas_e_comportamentais, counts=pii)),
            ("Habilidades comportamentais", redact(p.habilidades_comportamentais_necessarias, counts=pii)),
            ("Observações", redact(p.demais_observacoes, counts=pii)),
        ]
    )
    meta: Meta = {
        "type": "vaga",
        "vaga_id": vaga_id,
        "title": b.titulo_vaga,
        "client": b.cliente,
        "level": p.nivel_profissional,
        "english": p.nivel_ingles,
        "location": local,
        "state": p.estado,
    }
    return _chunked(f"vaga:{vaga_id}", f"Vaga {vaga_id} - {b.titulo_vaga}", header, body, meta, size, overlap)


def candidate_documents(
    codigo: str, a: Applicant, *, hired: bool, size: int, overlap: int, pii: Counter[str] | None = None
) -> list[Document]:
    pr, fo = a.informacoes_profissionais, a.formacao_e_idiomas
    header = _lines(
        [
            ("Candidato", f"{a.nome} (código {codigo})"),
            ("Título profissional", pr.titulo_profissional),
            ("Área de atuação", pr.area_atuacao),
            ("Nível profissional", pr.nivel_profissional),
            ("Conhecimentos técnicos", redact(pr.conhecimentos_tecnicos, counts=pii)),
            (
                "Certificações",
                redact(" ".join(x for x in (pr.certificacoes, pr.outras_certificacoes) if x), counts=pii),
            ),
            ("Formação", ", ".join(x for x in (fo.nivel_academico, fo.cursos, fo.instituicao_ensino_superior) if x)),
            ("Inglês", fo.nivel_ingles),
            ("Espanhol", fo.nivel_espanhol),
            ("Outro idioma", fo.outro_idioma),
            ("Objetivo", redact(a.infos_basicas.objetivo_profissional, counts=pii)),
            ("Local", a.infos_basicas.local),
        ]
    )
    cv = "\n".join(x for x in (a.cv_pt, a.cv_en) if x)
    body = f"CV: {redact(cv, counts=pii)}" if cv.strip() else ""
    meta: Meta = {
        "type": "candidato",
        "candidate_id": codigo,
        "name": a.nome,
        "title": pr.titulo_profissional,
        "level": pr.nivel_profissional,
        "english": fo.nivel_ingles,
        "location": a.infos_basicas.local,
        "hired": hired,
    }
    return _chunked(f"candidato:{codigo}", f"Candidato {a.nome} ({codigo})", header, body, meta, size, overlap)


def prospect_document(rec: ProspectRecord, *, pii: Counter[str] | None = None) -> Document:
    p = rec.prospect
    label = outcome(p.situacao_candidado, hired=rec.hired)
    text = _lines(
        [
            ("Candidatura", f"{p.nome} (código {p.codigo}) na vaga {rec.vaga_id} - {rec.vaga_titulo}"),
            ("Situação", p.situacao_candidado),
            (
                "Resultado",
                {
                    "hired": "contratado",
                    "not_approved": "não aprovado",
                    "withdrew": "desistiu",
                    "in_process": "em andamento",
                }[label],
            ),
            ("Data da candidatura", p.data_candidatura),
            ("Última atualização", p.ultima_atualizacao),
            ("Recrutador", p.recrutador),
            ("Comentário", redact(p.comentario, counts=pii)),
        ]
    )
    meta: Meta = {
        "type": "prospect",
        "vaga_id": rec.vaga_id,
        "candidate_id": p.codigo,
        "name": p.nome,
        "title": rec.vaga_titulo,
        "status": p.situacao_candidado,
        "outcome": label,
        "hired": rec.hired,
    }
    return Document(id=f"prospect:{rec.vaga_id}:{p.codigo}", text=text, metadata=meta)


def _chunked(base_id: str, title: str, header: str, body: str, meta: Meta, size: int, overlap: int) -> list[Document]:
    """Header + body cut into chunks; chunks after the first carry the record's title for context."""
    full = "\n".join(x for x in (header, body) if x)
    pieces = chunk_text(full, size=size, overlap=overlap)
    return [
        Document(id=f"{base_id}:{i}", text=piece if i == 0 else f"{title} | {piece}", metadata={**meta, "chunk": i})
        for i, piece in enumerate(pieces)
    ]


def build_documents(
    ds: Dataset, *, chunk_size: int, chunk_overlap: int, pii: Counter[str] | None = None
) -> Iterator[Document]:
    """All documents of a dataset, in a stable order (vagas, candidates, applications)."""
    hired = ds.hired_codes()
    for vid, v in ds.vagas.items():
        yield from vaga_documents(vid, v, size=chunk_size, overlap=chunk_overlap, pii=pii)
    for code, a in ds.applicants.items():
        yield from candidate_documents(code, a, hired=code in hired, size=chunk_size, overlap=chunk_overlap, pii=pii)
    seen: set[str] = set()
    for rec in ds.applications:
        doc = prospect_document(rec, pii=pii)
        if doc.id not in seen:  # the same candidate listed twice in one vaga: keep the first
            seen.add(doc.id)
            yield doc


ESTIMATE_SAMPLE = 500  # records of each kind chunked to estimate the documents of a dataset (~0.5 s at full scale)
KINDS = ("vaga", "candidato", "prospect")  # the documents' types, in the order build_documents yields them


def estimate_documents(
    ds: Dataset, *, chunk_size: int, chunk_overlap: int, sample: int = ESTIMATE_SAMPLE
) -> dict[str, int]:
    """About how many documents of each type (:data:`KINDS`) :func:`build_documents` yields for ``ds``, without
    building them all: the total of the ingestion's progress bar, so it shows a percentage and a time left.

    Applications are one document each, duplicates dropped: counted exactly. Vagas and applicants are cut into a
    number of chunks that depends on their text: ``sample`` records of each kind, evenly spaced through the file,
    are chunked and their mean scaled to all of them (exact when there are no more than ``sample``)."""

    def scaled(n: int, chunks: Callable[[int], int]) -> int:
        """Chunks of ``n`` records, from ``sample`` of them evenly spaced (``chunks(i)``: those of the i-th)."""
        picked = [int(i * max(1.0, n / sample)) for i in range(min(sample, n))]
        return round(sum(chunks(i) for i in picked) * n / len(picked)) if picked else 0

    vagas, applicants = list(ds.vagas.items()), list(ds.applicants.items())
    size, overlap = chunk_size, chunk_overlap
    return {
        "vaga": scaled(len(vagas), lambda i: len(vaga_documents(*vagas[i], size=size, overlap=overlap))),
        "candidato": scaled(  # hired or not changes the metadata only, not the chunks
            len(applicants),
            lambda i: len(candidate_documents(*applicants[i], hired=False, size=size, overlap=overlap)),
        ),
        "prospect": len({(rec.vaga_id, rec.codigo) for rec in ds.applications}),
    }


@dataclass(kw_only=True)
class DocumentTally:
    """The documents expected in all, refined as they are built: per type the estimate (never below the count so
    far) until that type is done, then its count. :func:`build_documents` yields the types in turn, so a type is
    done when a later one starts; the applications, last, are counted exactly from the start."""

    expected: dict[str, int]
    seen: Counter[str] = field(default_factory=Counter)

    def add(self, docs: Iterable[Document]) -> int:
        """Count ``docs`` (just built); returns the new :attr:`total`."""
        self.seen.update(str(d.metadata["type"]) for d in docs)
        return self.total

    @property
    def total(self) -> int:
        current = max((KINDS.index(k) for k in self.seen), default=-1)
        return sum(
            self.seen[k] if i < current else max(self.expected.get(k, 0), self.seen[k]) for i, k in enumerate(KINDS)
        )
