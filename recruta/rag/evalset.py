"""Evaluation questions whose reference answers are taken from the data itself.

Each item names the record(s) that answer it (``vaga:1003``, ``candidato:10042``,
``prospect:1003:10042``) so retrieval is scored too (hit@k, MRR). The reference is never
the question. A stable hash of the item id puts ~25% of items in the held-out ``test`` split.

    python -m recruta.rag.evalset --data-dir data --out data/evalset.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import Dataset, load_dataset
from recruta.text.redact import redact


@dataclass(frozen=True, kw_only=True)
class EvalItem:
    id: str
    question: str
    reference: str
    record_ids: list[str]
    kind: str
    split: str


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(redact(text).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _split(item_id: str, test_share: float) -> str:
    h = int(hashlib.sha256(item_id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < test_share else "dev"


def _useful(value: str) -> bool:
    return bool(value) and value.strip(" -:.").casefold() not in {"", "nenhum", "não", "nao", "-"}


def build(ds: Dataset, *, n: int = 80, seed: int = 7, test_share: float = 0.25) -> list[EvalItem]:
    """About ``n`` items spread over vaga, candidate and application questions."""
    rng = random.Random(seed)
    raw: list[tuple[str, str, str, list[str], str]] = []
    for vid, v in ds.vagas.items():
        b, p = v.informacoes_basicas, v.perfil_vaga
        t = f"vaga {vid} ({b.titulo_vaga})" if b.titulo_vaga else f"vaga {vid}"
        rid = [f"vaga:{vid}"]
        if _useful(p.nivel_ingles):
            raw.append((f"ingles:{vid}", f"Qual o nível de inglês exigido para a {t}?",
                        f"O nível de inglês exigido para a vaga {vid} é {p.nivel_ingles}.", rid, "vaga_ingles"))
        if _useful(p.principais_atividades):
            raw.append((f"atividades:{vid}", f"Quais são as principais atividades da {t}?",
                        _clip(p.principais_atividades), rid, "vaga_atividades"))
        if _useful(p.competencia_tecnicas_e_comportamentais):
            raw.append((f"competencias:{vid}", f"Quais competências técnicas a {t} exige?",
                        _clip(p.competencia_tecnicas_e_comportamentais), rid, "vaga_competencias"))
        if _useful(p.nivel_profissional):
            raw.append((f"nivel:{vid}", f"Qual o nível profissional da {t}?",
                        f"A vaga {vid} é de nível {p.nivel_profissional}.", rid, "vaga_nivel"))
        if _useful(b.cliente):
            raw.append((f"cliente:{vid}", f"Para qual cliente é a {t}?",
                        f"A vaga {vid} é para o cliente {b.cliente}.", rid, "vaga_cliente"))
    hires: dict[str, list[tuple[str, str]]] = {}
    for rec in ds.applications:
        if rec.hired:
            hires.setdefault(rec.vaga_id, []).append((rec.prospect.nome, rec.codigo))
    for vid, people in hires.items():
        titulo = ds.vagas[vid].titulo if vid in ds.vagas else ds.prospects[vid].titulo
        names = "; ".join(f"{n} (código {c})" for n, c in people)
        raw.append((f"contratado:{vid}", f"Quem foi contratado para a vaga {vid} ({titulo})?",
                    f"{names} foi contratado para a vaga {vid}.", [f"prospect:{vid}:{c}" for _, c in people],
                    "vaga_contratados"))
    for code, a in ds.applicants.items():
        pr, fo = a.informacoes_profissionais, a.formacao_e_idiomas
        who = f"{a.nome} (código {code})"
        rid = [f"candidato:{code}"]
        if _useful(pr.conhecimentos_tecnicos):
            raw.append((f"conhecimentos:{code}", f"Quais os conhecimentos técnicos do candidato {who}?",
                        _clip(pr.conhecimentos_tecnicos), rid, "candidato_conhecimentos"))
        if _useful(fo.nivel_ingles):
            raw.append((f"ingles_cand:{code}", f"Qual o nível de inglês do candidato {who}?",
                        f"{a.nome} tem inglês {fo.nivel_ingles}.", rid, "candidato_ingles"))
        if _useful(pr.titulo_profissional):
            raw.append((f"titulo:{code}", f"Qual o título profissional do candidato {who}?",
                        f"{a.nome} é {pr.titulo_profissional}.", rid, "candidato_titulo"))
    for rec in ds.applications:
        if rec.codigo in ds.applicants and rec.prospect.situacao_candidado:
            raw.append((f"situacao:{rec.vaga_id}:{rec.codigo}",
                        f"Qual a situação de {rec.prospect.nome} (código {rec.codigo}) na vaga {rec.vaga_id}?",
                        f"{rec.prospect.situacao_candidado}.", [f"prospect:{rec.vaga_id}:{rec.codigo}"],
                        "candidatura_situacao"))
    by_kind: dict[str, list[tuple[str, str, str, list[str], str]]] = {}
    for item in raw:
        by_kind.setdefault(item[4], []).append(item)
    per_kind = max(1, n // max(1, len(by_kind)))
    chosen = []
    for kind in sorted(by_kind):
        items = by_kind[kind]
        chosen += rng.sample(items, min(per_kind, len(items)))
    return [EvalItem(id=i, question=q, reference=r, record_ids=ids, kind=k, split=_split(i, test_share))
            for i, q, r, ids, k in sorted(chosen)]


def save(items: list[EvalItem], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(asdict(i), ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def load(path: Path) -> list[EvalItem]:
    return [EvalItem(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--out", type=Path, default=None, help="default: DATA_DIR/evalset.jsonl")
    parser.add_argument("-n", type=int, default=80)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    items = build(load_dataset(args.data_dir, hired_statuses=DEFAULT_HIRED), n=args.n, seed=args.seed)
    out = args.out or args.data_dir / "evalset.jsonl"
    save(items, out)
    print(f"{len(items)} items ({sum(i.split == 'test' for i in items)} held out) → {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
