"""The assistant's side of the benchmark, one mode per process (started by `bench.run`).

    python -m bench.ours ingest <corpus folder> <index folder>   # from scratch, in-process time
    python -m bench.ours serve  <corpus folder> <index folder>   # warm: timed on request

The whole `assistant ask "…"` process is measured on the real command line, not here.
"""

from __future__ import annotations

import json
import sys
import time

STARTED = time.perf_counter()

import assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

from .worker import finish, serve_loop  # noqa: E402

IMPORTED = time.perf_counter()


def ingest(corpus_dir: str, index_dir: str) -> dict:
    """Ingestion from scratch. `ingest_s` is the build alone: what ingestion imports is
    imported first, as the stock build's imports are, so the two compare like for like."""
    started = time.perf_counter()
    import bm25s  # noqa: F401
    import chromadb  # noqa: F401
    import llama_index.vector_stores.chroma  # noqa: F401
    import onnx  # noqa: F401
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401

    imports = time.perf_counter() - started
    report = assistant.ingest(Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir))
    return {
        "passages": report.passages,
        "ingest_s": report.seconds,
        "ingest_imports_s": imports,
        "changed": report.changed,
    }


def serve(corpus_dir: str, index_dir: str) -> dict:
    """Warm ask() (the full answer) and the question encoding it uses, on request."""
    from assistant.answering.engine import get_engine

    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    started = time.perf_counter()
    engine = get_engine(settings, build_if_missing=False)
    print(json.dumps({"open_s": time.perf_counter() - started}), file=sys.stderr)
    operations = {
        "ask": lambda q: assistant.ask(q, settings=settings),
        "encode": lambda q: engine.embedder.encode_queries([q]),
    }
    return serve_loop(operations)


def main(argv: list[str]) -> int:
    mode, corpus_dir, index_dir = argv
    result = {"ingest": ingest, "serve": serve}[mode](corpus_dir, index_dir)
    return finish(result, STARTED, IMPORTED)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
