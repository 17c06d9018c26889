"""The same RAG built the way LlamaIndex's docs build it: the peer that bench.peer measures ours against.

Same data, embedder, vector store, top-k, prompt and LLM as recruta's pipeline, wired LlamaIndex's way:

    nodes  = our documents (``recruta.ingest.documents.build_documents``: the exact chunk texts, ids and metadata)
             as TextNodes, so no LlamaIndex splitter re-cuts them
    embed  = HuggingFaceEmbedding(all-MiniLM-L6-v2 folder, same batch size)
    store  = ChromaVectorStore on an embedded chromadb.PersistentClient collection (LlamaIndex's defaults)
    index  = VectorStoreIndex(nodes, storage_context=...); later parts via index.insert_nodes
    answer = index.as_query_engine(similarity_top_k=K, llm=HuggingFaceLLM(same bf16 SmolLM2 folder),
                                   text_qa_template=<recruta/rag/prompts/rag_pt.txt as a ChatPromptTemplate>)

Offline: LlamaIndex's defaults (OpenAI LLM and embeddings, tiktoken) would reach the network, so
:func:`use_local_models` points ``llama_index.core.Settings`` at the local models first. Metadata is excluded
from the embedded and the LLM text (LlamaIndex's default prepends it), so both systems embed and show the
LLM the same chunk texts. The ``extractive`` mode swaps the LLM for recruta's ExtractiveGenerator as a
LlamaIndex response synthesizer: the same answer rule on each side, so only retrieval and framework differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from devtools.servers import quiet_env
from recruta.core.settings import DEFAULT_HIRED, Settings

quiet_env()  # telemetry off and offline, before llama_index and chromadb are imported

import chromadb  # noqa: E402
from llama_index.core import Settings as LlamaSettings  # noqa: E402
from llama_index.core import StorageContext, VectorStoreIndex  # noqa: E402
from llama_index.core.base.base_query_engine import BaseQueryEngine  # noqa: E402
from llama_index.core.base.base_retriever import BaseRetriever  # noqa: E402
from llama_index.core.llms import LLM, ChatMessage, MessageRole, MockLLM  # noqa: E402
from llama_index.core.prompts import ChatPromptTemplate  # noqa: E402
from llama_index.core.response_synthesizers import BaseSynthesizer  # noqa: E402
from llama_index.core.schema import NodeWithScore, TextNode  # noqa: E402
from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # noqa: E402
from llama_index.llms.huggingface import HuggingFaceLLM  # noqa: E402
from llama_index.vector_stores.chroma import ChromaVectorStore  # noqa: E402

from recruta.ingest.documents import build_documents  # noqa: E402
from recruta.ingest.embeddings import minilm_path  # noqa: E402
from recruta.ingest.loaders import load_dataset  # noqa: E402
from recruta.ingest.store import Hit  # noqa: E402
from recruta.rag.generators import ExtractiveGenerator, GenerationInput  # noqa: E402
from recruta.rag.prompting import load_template  # noqa: E402

Mode = Literal["llm", "extractive"]


@dataclass(frozen=True, kw_only=True)
class PeerConfig:
    """The knobs both systems share; :meth:`from_settings` copies ours so they cannot drift apart."""

    top_k: int = 5
    chunk_size: int = 800
    chunk_overlap: int = 100
    embed_batch_size: int = 32
    max_new_tokens: int = 128
    template: str = "rag"
    lang: str = "pt"
    collection: str = "decision"
    hired_statuses: tuple[str, ...] = DEFAULT_HIRED

    @classmethod
    def from_settings(cls, settings: Settings, *, max_new_tokens: int | None = None) -> PeerConfig:
        return cls(
            top_k=settings.top_k,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            embed_batch_size=settings.embed_batch_size,
            template=settings.template,
            max_new_tokens=max_new_tokens or settings.max_new_tokens,
            collection=settings.collection,
            hired_statuses=settings.hired_statuses,
        )


@dataclass(frozen=True, kw_only=True)
class PeerAnswer:
    answer: str
    sources: list[dict[str, Any]]


def local_embedding(*, batch_size: int) -> HuggingFaceEmbedding:
    """all-MiniLM-L6-v2 from the same offline folder our embedder loads."""
    return HuggingFaceEmbedding(model_name=minilm_path(), embed_batch_size=batch_size, device="cpu")


def local_llm(folder: Path, *, max_new_tokens: int, dtype: str = "bfloat16") -> HuggingFaceLLM:
    """SmolLM2 from the bf16 folder TransformersGenerator converts once; greedy, like ours."""
    import torch
    from transformers import AutoConfig

    window = int(AutoConfig.from_pretrained(folder).max_position_embeddings)
    return HuggingFaceLLM(
        model_name=str(folder),
        tokenizer_name=str(folder),
        context_window=window,
        max_new_tokens=max_new_tokens,
        device_map="cpu",
        model_kwargs={"dtype": getattr(torch, dtype)},
        is_chat_model=True,
        generate_kwargs={"do_sample": False, "repetition_penalty": 1.1},  # recruta's TransformersGenerator decoding
    )


def use_local_models(*, embed_model: HuggingFaceEmbedding, llm: LLM | None, tokenizer_folder: Path | str) -> None:
    """Set LlamaIndex's global Settings to local models (its defaults, OpenAI and tiktoken, need the network).

    ``llm=None`` is LlamaIndex's documented way to run without an LLM (it installs a MockLLM)."""
    from transformers import AutoTokenizer

    LlamaSettings.embed_model = embed_model
    LlamaSettings.llm = llm
    LlamaSettings.tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_folder)).encode


def read_nodes(data_dir: Path, *, config: PeerConfig) -> list[TextNode]:
    """Our loader and chunker as the "reader": the same chunk texts, ids and metadata, as TextNodes."""
    ds = load_dataset(data_dir, hired_statuses=config.hired_statuses)
    return [
        TextNode(
            id_=d.id,
            text=d.text,
            metadata=dict(d.metadata),
            excluded_embed_metadata_keys=list(d.metadata),
            excluded_llm_metadata_keys=list(d.metadata),
        )
        for d in build_documents(ds, chunk_size=config.chunk_size, chunk_overlap=config.chunk_overlap)
    ]


def qa_template(*, template: str, lang: str) -> ChatPromptTemplate:
    """Our prompt file, verbatim, as LlamaIndex's text_qa_template ({context}/{question} mapped to its names)."""
    system, user = load_template(template, lang)
    return ChatPromptTemplate(
        message_templates=[
            ChatMessage(role=MessageRole.SYSTEM, content=system),
            ChatMessage(role=MessageRole.USER, content=user),
        ],
        template_var_mappings={"context_str": "context", "query_str": "question"},
    )


class ExtractiveSynthesizer(BaseSynthesizer):
    """recruta's ExtractiveGenerator as a LlamaIndex response synthesizer (the retrieved chunks, in rank order)."""

    def __init__(self) -> None:
        super().__init__(llm=MockLLM())
        self._generator = ExtractiveGenerator()

    def _get_prompts(self) -> dict[str, Any]:
        return {}

    def _update_prompts(self, prompts_dict: dict[str, Any]) -> None:
        return None

    def get_response(self, query_str: str, text_chunks: Sequence[str], **response_kwargs: Any) -> str:
        hits = [Hit(id=str(n), text=text, metadata={}, score=0.0) for n, text in enumerate(text_chunks)]
        return self._generator.generate(GenerationInput(question=query_str, hits=hits, messages=[]))

    async def aget_response(self, query_str: str, text_chunks: Sequence[str], **response_kwargs: Any) -> str:
        return self.get_response(query_str, text_chunks, **response_kwargs)


def source(hit: NodeWithScore, *, snippet_chars: int = 240) -> dict[str, Any]:
    """A retrieved node in the shape of our Answer.sources."""
    snippet = " ".join(hit.node.get_content().split())
    return {
        "id": hit.node.node_id,
        "type": hit.node.metadata.get("type", ""),
        "score": round(hit.score or 0.0, 4),
        "snippet": snippet[:snippet_chars],
        "metadata": dict(hit.node.metadata),
    }


class LlamaIndexRAG:
    """Ingest data folders into a Chroma-backed VectorStoreIndex; retrieve; answer with a query engine.

    Call :func:`use_local_models` first: the index embeds with ``Settings.embed_model``."""

    def __init__(self, *, persist_dir: Path, config: PeerConfig, llm: LLM | None = None) -> None:
        self.persist_dir, self.config, self.llm = persist_dir, config, llm
        self.index: VectorStoreIndex | None = None
        self._collection: Any = None
        self._retriever: BaseRetriever | None = None
        self._engines: dict[Mode, BaseQueryEngine] = {}

    def ingest(self, data_dir: Path) -> int:
        """Read, embed and store one data folder; the first call creates the index. Returns the node count."""
        nodes = read_nodes(data_dir, config=self.config)
        if self.index is None:
            client = chromadb.PersistentClient(path=str(self.persist_dir))
            self._collection = client.get_or_create_collection(self.config.collection)
            storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=self._collection))
            self.index = VectorStoreIndex(nodes, storage_context=storage)
        else:
            self.index.insert_nodes(nodes)
        return len(nodes)

    def count(self) -> int:
        return self._collection.count() if self._collection is not None else 0

    def _built(self) -> VectorStoreIndex:
        if self.index is None:
            raise RuntimeError("nothing ingested yet: call ingest() first")
        return self.index

    def retrieve(self, question: str) -> list[NodeWithScore]:
        if self._retriever is None:
            self._retriever = self._built().as_retriever(similarity_top_k=self.config.top_k)
        return self._retriever.retrieve(question)

    def _engine(self, mode: Mode) -> BaseQueryEngine:
        if mode not in self._engines:
            index = self._built()
            if mode == "llm":
                if self.llm is None:
                    raise ValueError("mode 'llm' needs an llm (see local_llm)")
                self._engines[mode] = index.as_query_engine(
                    similarity_top_k=self.config.top_k,
                    llm=self.llm,
                    text_qa_template=qa_template(template=self.config.template, lang=self.config.lang),
                )
            else:
                self._engines[mode] = index.as_query_engine(
                    similarity_top_k=self.config.top_k, response_synthesizer=ExtractiveSynthesizer()
                )
        return self._engines[mode]

    def answer(self, question: str, *, mode: Mode) -> PeerAnswer:
        response = self._engine(mode).query(question)
        return PeerAnswer(answer=str(response).strip(), sources=[source(n) for n in response.source_nodes])
