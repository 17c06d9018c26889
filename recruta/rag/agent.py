"""The assistant: a plan over the records table first, retrieval-generation for what it cannot plan.

    from recruta.rag.agent import RAGAgent, RAGConfig
    agent = RAGAgent.from_config(RAGConfig(generator="extractive"))
    agent.answer("Qual o nível de inglês exigido para a vaga 1003?")

``answer`` asks the planner (``recruta/answer``) first: a question it can turn into a plan (a vaga's field by
id or description, who was hired, counts, rankings, candidate search...) is answered exactly from the records
table, citing the records. Anything else goes to retrieval (metadata filters, id routing) → prompt from a
template file → generate, and the answer says it came from a text search.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from recruta.core.settings import EmbedderBackend, Settings, get_settings
from recruta.ingest.backend_choice import index_backend
from recruta.ingest.embeddings import Embedder, embedder_name, get_embedder
from recruta.ingest.store import Hit, Store, collection_name, make_client
from recruta.rag.generators import GenerationInput, Generator, generator_for, is_llm
from recruta.rag.prompting import prompt_language, render

if TYPE_CHECKING:
    from recruta.answer.answerer import Answerer

# "vaga 1234", "job #1234", "req 1234", "position number 1234", "whose job is 1234": the nouns a recruiter writes before a vaga's id
_VAGA_REF = re.compile(
    r"\b(?:vaga|job|puesto|vacante|vacancy|position|posting|opening|req|requisition|role|posicao|posição)"
    r"\s*(?:is\s+)?(?:n[º°o]\.?|id|#|número|numero|number)?\s*:?\s*(\d{3,7})\b",
    re.I,
)
_CAND_REF = re.compile(r"\b(?:c[oó]digo|candidat[oa]|code|applicant)\s*(?:n[º°o]\.?|#|:)?\s*(\d{3,7})\b", re.I)
_HIRED_INTENT = re.compile(r"\b(contratad[oa]s?|contrata[çc][ãa]o|admitid[oa]s?|hired|contratad[oa]s?)\b", re.I)
NAMED_LIMIT = 2000  # chunks of the records a question names, ranked in memory (a vaga's applications included)
_CAND_PAREN = re.compile(r"\((?:c[oó]digo|code)\s*(\d{3,7})\)", re.I)


@dataclass(kw_only=True)
class RAGConfig:
    """Everything that defines a variant; logged as MLflow params and the pyfunc's model_config."""

    embedder: str = "minilm"
    embedder_backend: EmbedderBackend = "torch"  # absent from models logged before it existed: they used torch
    collection: str = "decision"
    chunk_size: int = 800
    top_k: int = 5
    template: str = "rag"
    generator: str = "smollm2"
    max_new_tokens: int = 128
    context_chars: int = 700
    id_routing: bool = True
    filters: dict[str, Any] | None = None

    @property
    def index_name(self) -> str:
        return collection_name(
            self.collection, embedder_name(self.embedder, backend=self.embedder_backend), self.chunk_size
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> RAGConfig:
        base = cls(
            embedder=settings.embedder,
            embedder_backend=settings.embedder_backend,
            collection=settings.collection,
            chunk_size=settings.chunk_size,
            top_k=settings.top_k,
            template=settings.template,
            generator=settings.generator,
            max_new_tokens=settings.max_new_tokens,
        )
        config = cls(**{**asdict(base), **overrides})
        # "auto" is resolved here: a logged model records the backend its index was built with, so a served copy on
        # another machine embeds questions as its index's chunks were, whatever that machine would choose.
        backend = index_backend(settings, embedder=config.embedder, backend=config.embedder_backend)
        return replace(config, embedder_backend=cast(EmbedderBackend, backend))


@dataclass(kw_only=True)
class Answer:
    answer: str
    sources: list[dict[str, Any]]
    language: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    # "plan:<intent>" (answered from the records table; "+llm" reworded by the language model and checked, "+template"
    # when the rewording was refused), "retrieval" or "fallback"
    route: str = "retrieval"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def referenced_ids(question: str) -> dict[str, list[str]]:
    """Vaga ids and candidate codes named in the question ("vaga 1234", "código 10023")."""
    vagas = _VAGA_REF.findall(question)
    cands = _CAND_REF.findall(question) + _CAND_PAREN.findall(question)
    return {"vaga_id": sorted(set(vagas)), "candidate_id": sorted(set(cands) - set(vagas))}


def _and(*clauses: dict[str, Any] | None) -> dict[str, Any] | None:
    parts = [c for c in clauses if c]
    return None if not parts else parts[0] if len(parts) == 1 else {"$and": parts}


class RAGAgent:
    def __init__(
        self,
        *,
        config: RAGConfig,
        store: Store,
        embedder: Embedder,
        generator: Generator,
        answerer: Answerer | None = None,
    ) -> None:
        self.config, self.store, self.embedder, self.generator = config, store, embedder, generator
        self.answerer = answerer  # None: no records table (an index ingested before it existed)

    @classmethod
    def from_config(
        cls,
        config: RAGConfig,
        *,
        settings: Settings | None = None,
        snapshot: Path | None = None,
        generator: Generator | None = None,
    ) -> RAGAgent:
        settings = settings or get_settings()
        embedder = get_embedder(
            config.embedder,
            backend=config.embedder_backend,
            cache_dir=settings.embedder_cache,
            threads=settings.torch_threads,
        )
        if snapshot is not None and not settings.chroma_host:
            store = materialise_snapshot(snapshot, settings=settings, name=config.index_name)
        else:
            store = Store(make_client(settings), config.index_name, create=False, first_pass=settings.filter_first_pass)
        generator = generator or generator_for(config.generator, settings)
        from recruta.answer.answerer import Answerer
        from recruta.answer.table import TABLE_FILE, table_path

        # On a Chroma server the index queried is the server's, not the snapshot's: its table (written by the latest
        # ingestion into RECRUTA_RECORDS_DIR, e.g. a volume shared with the ingestion job) when there is one.
        live = table_path(store, settings=settings)
        champion = snapshot is not None and not (settings.chroma_host and live.exists())
        table = snapshot / TABLE_FILE if snapshot is not None and champion else live
        answerer = Answerer.load(table, embedder=embedder, generator=generator)
        return cls(config=config, store=store, embedder=embedder, generator=generator, answerer=answerer)

    def retrieve(
        self, question: str, *, k: int | None = None, filters: dict[str, Any] | None = None, vector: Any = None
    ) -> list[Hit]:
        """The top ``k`` chunks for ``question`` (``vector``: its embedding, when already computed)."""
        k = k or self.config.top_k
        base = _and(self.config.filters, filters)
        if vector is None:
            vector = self.embedder.embed([question])[0]
        # (filter, how many, the same filter as a test on a chunk's metadata) passes, most specific first; each
        # adds what the previous ones missed.
        passes: list[tuple[dict[str, Any] | None, int, Callable[[dict[str, Any]], bool] | None]] = []
        routed: dict[str, Any] | None = None
        if self.config.id_routing:
            refs = referenced_ids(question)
            vagas, cands = set(refs["vaga_id"]), set(refs["candidate_id"])
            routes = [{key: {"$in": ids}} for key, ids in refs.items() if ids]
            if routes:
                routed = routes[0] if len(routes) == 1 else {"$or": routes}
                if _HIRED_INTENT.search(question):  # "quem foi contratado para a vaga X": the hires first
                    passes.append((_and(base, routed, {"outcome": "hired"}), k, lambda m: m.get("outcome") == "hired"))
                if vagas and cands:  # "situação de X (código C) na vaga V": that application
                    passes.append(
                        (_and(base, *routes), k, lambda m: m.get("vaga_id") in vagas and m.get("candidate_id") in cands)
                    )
                head = max(2, k // 2)  # the named records themselves, then their applications
                if vagas:
                    passes.append(
                        (
                            _and(base, {"vaga_id": {"$in": refs["vaga_id"]}}, {"type": "vaga"}),
                            head,
                            lambda m: m.get("type") == "vaga" and m.get("vaga_id") in vagas,
                        )
                    )
                if cands:
                    passes.append(
                        (
                            _and(base, {"candidate_id": {"$in": refs["candidate_id"]}}, {"type": "candidato"}),
                            head,
                            lambda m: m.get("type") == "candidato" and m.get("candidate_id") in cands,
                        )
                    )
                passes.append((_and(base, routed), k, lambda m: True))
        # The routed passes only ever see the chunks of the named records: fetch those once by metadata and rank
        # them here (exact cosine, what a filtered vector search returns) instead of one filtered search each.
        named = self._named_chunks(_and(base, routed), vector) if routed is not None else None
        hits: list[Hit] = []
        for where, n, test in [*passes, (base, k, None)]:  # the last pass: the whole index (within `base`)
            seen = {h.id for h in hits}
            if test is not None and named is not None:
                found = [h for h in named if test(h.metadata)][:n]
            else:
                found = self.search(question, vector=vector, k=n, where=where)
            hits += [h for h in found if h.id not in seen][: k - len(hits)]
            if len(hits) >= k:
                break
        return hits[:k]

    def search(self, question: str, *, vector: Any, k: int, where: dict[str, Any] | None) -> list[Hit]:
        """One search of the index: the top ``k`` chunks for ``question`` within ``where``, by the retrieval
        method of ``RECRUTA_RETRIEVAL`` (default: BM25 fused with the dense ranking, recruta/rag/retrieval.py);
        every pass of :meth:`retrieve` gets it."""
        from recruta.rag.retrieval import search

        return search(self.store, question, vector=vector, k=k, where=where, method=get_settings().retrieval)

    def _named_chunks(self, where: dict[str, Any] | None, vector: Any) -> list[Hit] | None:
        """Every chunk matching ``where``, most similar to ``vector`` first; None when there are more than
        ``NAMED_LIMIT`` (then each routed pass asks the store itself)."""
        # The text table's metadata indexes list them without Chroma's scan of every chunk's metadata.
        listed = self.store.listed(where, limit=NAMED_LIMIT) if where else None
        if listed is not None:
            if len(listed) > NAMED_LIMIT:
                return None
            if not listed:
                return []
            got = self.store.get(ids=listed, include_embeddings=True)
        else:
            got = self.store.get(where=where, limit=NAMED_LIMIT + 1, include_embeddings=True)
        if len(got["ids"]) > NAMED_LIMIT:
            return None
        if not got["ids"]:
            return []
        scores = np.asarray(got["embeddings"], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        # Ties by id: the order must not depend on how the store was filled (a snapshot materialised on another
        # machine, e.g. by experiment.py --ray or a served model, holds the chunks in id order, not ingestion order).
        order = np.lexsort((np.asarray(got["ids"]), -scores))
        return [
            Hit(
                id=got["ids"][i],
                text=got["documents"][i] or "",
                metadata=got["metadatas"][i] or {},
                score=float(scores[i]),
            )
            for i in order
        ]

    def answer(self, question: str, *, k: int | None = None, filters: dict[str, Any] | None = None) -> Answer:
        """The records table's exact answer when the question plans; else retrieval-generation, saying so.

        Questions sent with metadata ``filters`` ask for retrieval itself and go straight to it."""
        lang = prompt_language(question)
        if self.answerer is None or filters is not None:
            return self.generate_answer(question, k=k, filters=filters, lang=lang)
        planned = self.answerer.answer(question, lang=lang)
        if planned is not None:
            sources = planned.sources[:k] if k else planned.sources
            text, route, ms = planned.text, f"plan:{planned.plan.intent}", dict(planned.timings_ms)
            if is_llm(self.generator) and planned.result is not None:  # reworded, checked against the facts
                from recruta.answer.phrasing import phrase_with_llm
                from recruta.text.redact import redact

                t0 = time.perf_counter()
                phrased = phrase_with_llm(
                    self.generator,
                    question=question,
                    result=planned.result,
                    template=text,
                    lang=planned.language,
                    max_new_tokens=self.config.max_new_tokens,
                )
                text, route, ms["llm_phrase"] = (
                    redact(phrased.text),
                    f"{route}+{phrased.by}",
                    _ms(time.perf_counter() - t0),
                )
            return Answer(answer=text, sources=sources, language=planned.language, timings_ms=ms, route=route)
        from recruta.i18n import message

        ans = self.generate_answer(question, k=k, filters=filters, lang=lang)
        ans.answer = f"{message('answers', 'fallback', lang)}\n{ans.answer}"
        ans.route = "fallback"
        return ans

    def generate_answer(
        self, question: str, *, k: int | None = None, filters: dict[str, Any] | None = None, lang: str | None = None
    ) -> Answer:
        """Retrieval → prompt → generation (what answered every question before the records table)."""
        t0 = time.perf_counter()
        vector = self.embedder.embed([question])[0]
        t1 = time.perf_counter()
        hits = self.retrieve(question, k=k, filters=filters, vector=vector)
        t2 = time.perf_counter()
        lang = lang or prompt_language(question)
        messages = render(
            self.config.template, question=question, hits=hits, max_chars=self.config.context_chars, lang=lang
        )
        t3 = time.perf_counter()
        text = self.generator.generate(
            GenerationInput(question=question, hits=hits, messages=messages), max_new_tokens=self.config.max_new_tokens
        )
        t4 = time.perf_counter()
        return Answer(
            answer=text,
            sources=[h.source() for h in hits],
            language=lang,
            timings_ms={
                "embed": _ms(t1 - t0),
                "search": _ms(t2 - t1),
                "prompt": _ms(t3 - t2),
                "generate": _ms(t4 - t3),
            },
        )


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("manifest.json", "records.jsonl"):
        with open(folder / name, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()[:12]


def materialise_snapshot(snapshot: Path, *, settings: Settings, name: str) -> Store:
    """Load a bundled index snapshot into an embedded Chroma once (reused across restarts)."""
    target = settings.home / "served" / f"{name}-{_digest(snapshot)}"
    target.mkdir(parents=True, exist_ok=True)
    expected = json.loads((snapshot / "manifest.json").read_text())["count"]
    with open(target / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        store = Store(make_client(settings, path=target), name, first_pass=settings.filter_first_pass)
        if store.count() != expected:
            store.import_snapshot(snapshot)
    return store


__all__ = ["Answer", "RAGAgent", "RAGConfig", "materialise_snapshot", "referenced_ids"]
