"""Address audit: no candidate's street address may survive into what recruta stores or serves.

Every structured ``informacoes_pessoais.endereco`` of ``applicants.json`` that names a street and number
("rua dos girassóis, 263 - alto da colina, …") gives a needle, its street and number folded ("rua dos girassois,
263"); a bare city or state is not an address. The audit looks for every needle, and for the street name with the
number alone, in a set of texts: the documents ingestion builds, the index's texts, a bundled snapshot's records.

    python -m recruta.ingest.audit --data-dir data                  # documents + the local index
    python -m recruta.ingest.audit --data-dir data --snapshot DIR   # + a model's bundled index snapshot
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from recruta.ingest.loaders import read_json_object
from recruta.text.fold import fold

_STREET_NUMBER = re.compile(r"^\s*(?P<street>[^\d,;]{3,80}?)\s*,?\s*(?:n[º°o]\.?\s*)?(?P<number>\d{1,5})\b")
_STREET_WORD = re.compile(r"^(?:rua|r\.|av\.?|avenida|alameda|al\.?|travessa|tv\.?|rodovia|estrada|praca|largo)\s+")
_SPACES = re.compile(r"\s+")
# Shapes of an address left in free text whatever the structured data says: a street word, a name and a number;
# or a street name and number right after a redaction marker (what a rule that ate the street word leaves).
STREET_SHAPES = re.compile(
    r"\b(?:rua|avenida|av\.|alameda|travessa|rodovia|estrada|praça|praca|largo)\s+[^\n,;\[\]]{2,50}?,?\s*"
    r"(?:n[º°o]\.?\s*)?\d{1,5}\b"
    r"|\[[A-Z_]+\][^\S\n]+(?:d[aoe]s?\s+)?[^\W\d][^\n,;\[\]]{2,40},\s*\d{1,5}\b",
    re.I,
)


@dataclass(frozen=True, kw_only=True)
class Needle:
    codigo: str
    street: str  # folded, without the street word ("dos girassois")
    number: str

    def found_in(self, folded_text: str) -> bool:
        """The street name followed, within a few characters, by its number."""
        at = folded_text.find(self.street)
        while at >= 0:
            tail = folded_text[at + len(self.street) : at + len(self.street) + 8]
            if re.match(rf"\W{{0,6}}{self.number}\b", tail):
                return True
            at = folded_text.find(self.street, at + 1)
        return False


@dataclass(frozen=True, kw_only=True)
class Leak:
    where: str
    record_id: str
    codigo: str
    needle: str


def _norm(text: str) -> str:
    return _SPACES.sub(" ", fold(text).casefold())


def address_needles(data_dir: Path) -> list[Needle]:
    """One needle per structured address that names a street and a number."""
    path = data_dir / "applicants.json"
    if not path.exists():
        return []
    needles = []
    for codigo, record in read_json_object(path).items():
        raw = ((record or {}).get("informacoes_pessoais") or {}).get("endereco") or ""
        m = _STREET_NUMBER.match(_norm(str(raw)))
        if not m:
            continue
        street = _STREET_WORD.sub("", m.group("street").strip())
        if len(street) >= 4:
            needles.append(Needle(codigo=str(codigo), street=street, number=m.group("number")))
    return needles


def find_leaks(texts: Iterable[tuple[str, str]], needles: list[Needle], *, where: str) -> Iterator[Leak]:
    """(record id, text) pairs → every needle found in them."""
    by_first_word: dict[str, list[Needle]] = {}
    for n in needles:
        by_first_word.setdefault(n.street.split()[0], []).append(n)
    for record_id, text in texts:
        folded = _norm(text)
        words = set(re.findall(r"\w+", folded))
        for word in words & by_first_word.keys():
            for n in by_first_word[word]:
                if n.found_in(folded):
                    yield Leak(where=where, record_id=record_id, codigo=n.codigo, needle=f"{n.street}, {n.number}")


def find_street_shapes(texts: Iterable[tuple[str, str]], *, where: str) -> Iterator[Leak]:
    """Street-and-number shapes in (record id, text) pairs, with or without structured data to compare with."""
    for record_id, text in texts:
        for m in STREET_SHAPES.finditer(text):
            yield Leak(where=where, record_id=record_id, codigo="", needle=m.group(0))


def audit(texts: Iterable[tuple[str, str]], needles: list[Needle], *, where: str) -> list[Leak]:
    """Structured addresses and street shapes found in ``texts``."""
    pairs = list(texts)
    return [*find_leaks(pairs, needles, where=where), *find_street_shapes(pairs, where=where)]


def snapshot_texts(folder: Path) -> Iterator[tuple[str, str]]:
    with open(folder / "records.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield row["id"], row["text"]


def document_texts(data_dir: Path, *, chunk_size: int = 800, chunk_overlap: int = 100) -> Iterator[tuple[str, str]]:
    from recruta.core.settings import get_settings
    from recruta.ingest.documents import build_documents
    from recruta.ingest.loaders import load_dataset

    ds = load_dataset(data_dir, hired_statuses=get_settings().hired_statuses)
    for doc in build_documents(ds, chunk_size=chunk_size, chunk_overlap=chunk_overlap):
        yield doc.id, doc.text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--snapshot", type=Path, help="a bundled index snapshot folder (records.jsonl)")
    parser.add_argument("--no-index", action="store_true", help="skip the local index")
    args = parser.parse_args(argv)
    needles = address_needles(args.data_dir)
    leaks = audit(document_texts(args.data_dir), needles, where="documents")
    checked = ["documents"]
    if not args.no_index:
        from ingestion import open_index
        from recruta.core.settings import get_settings
        from recruta.ingest.embeddings import embedder_for

        settings = get_settings()
        store = open_index(settings, embedder_for(settings))
        ids = store.all_ids()
        got = store.get(ids=ids) if ids else {"ids": [], "documents": []}
        leaks += audit(zip(got["ids"], got["documents"], strict=True), needles, where="index")
        checked.append(f"index {store.name} ({len(ids)} chunks)")
    if args.snapshot:
        leaks += audit(snapshot_texts(args.snapshot), needles, where="snapshot")
        checked.append(f"snapshot {args.snapshot}")
    print(f"{len(needles)} structured street addresses; checked {', '.join(checked)}: {len(leaks)} found")
    for leak in leaks[:50]:
        print(f"  {leak.where} {leak.record_id}: candidate {leak.codigo} '{leak.needle}'")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
