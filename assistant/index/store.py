"""The vector store: a Chroma collection, embedded on disk or on a Chroma server.

Passages are written through llama-index's ChromaVectorStore as TextNodes (so the collection is
one any llama-index tool can read). Chroma is the store of record; how a question reads it
depends on where it lives:

- on a Chroma server, the server is queried (`VectorStore.query`): the vectors live there;
- in the embedded store, the build's own copy of the same vectors (embeddings.npy, written
  in the same build, row i = passage i) is searched exactly with one matrix-vector product
  (`ArrayStore`). That spares a question process the chromadb import and client start-up
  (over a second), and at 100k passages the exact search still takes milliseconds.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from assistant.errors import AssistantError
from assistant.ingest.chunking import Chunk

# Chroma's telemetry would try to reach the network: off before chromadb is imported.
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_BATCH = 2000  # below Chroma's maximum batch size


def chroma_client(path: Path | None, host: str = "", port: int = 8000):
    """An embedded persistent client at `path`, or an HTTP client when `host` is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if host:
        try:
            return chromadb.HttpClient(host=host, port=port, settings=settings)
        except Exception as exc:  # chromadb raises several types for an unreachable server
            raise AssistantError(
                f"Cannot reach the Chroma server at {host}:{port} ({exc}). Start it with "
                f"`chroma run --host {host} --port {port} --path <folder>` or unset "
                "ASSISTANT_CHROMA_HOST to use the embedded store."
            ) from exc
    assert path is not None
    return chromadb.PersistentClient(path=str(path), settings=settings)


def forget_client(path: Path) -> None:
    """Drop chromadb's in-process client for `path`, if it holds one. It keeps one system per
    folder for the life of the process: a build written again at a path it saw before (a
    refresh restored in the same process) would write through the old, deleted database."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(path), None)


class VectorStore:
    """One Chroma collection of passage vectors (cosine space)."""

    def __init__(self, client, name: str, create: bool = False):
        self._client = client
        self.name = name
        if create:
            self._collection = client.get_or_create_collection(
                name, metadata={"hnsw:space": "cosine"}
            )
        else:
            self._collection = client.get_collection(name)

    def add(
        self, chunks: list[Chunk], embeddings, questions: dict[str, list[str]] | None = None
    ) -> None:
        """Write passages with their vectors, via llama-index nodes (upsert by stable id);
        `questions` (passage id -> the questions written for it) go in llama-index's metadata
        key for them, kept out of what an LLM or an embedding sees of the node."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from assistant.ingest.written import METADATA_KEY

        store = ChromaVectorStore(chroma_collection=self._collection)
        for start in range(0, len(chunks), _BATCH):
            nodes = []
            for chunk, vector in zip(
                chunks[start : start + _BATCH], embeddings[start : start + _BATCH], strict=True
            ):
                node = TextNode(
                    id_=chunk.id,
                    text=chunk.text,
                    embedding=[float(x) for x in vector],
                    metadata={
                        "language": chunk.language,
                        "page": chunk.page,
                        "url": chunk.url,
                        "title": chunk.title,
                        "section": chunk.section,
                        "position": chunk.position,
                        **{f"translation_{k}": v for k, v in chunk.translations.items()},
                        # Chroma's metadata takes scalars: the questions one per line.
                        **(
                            {METADATA_KEY: "\n".join(questions[chunk.id])}
                            if questions and questions.get(chunk.id)
                            else {}
                        ),
                    },
                    excluded_embed_metadata_keys=[METADATA_KEY],
                    excluded_llm_metadata_keys=[METADATA_KEY],
                )
                node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(
                    node_id=f"{chunk.page}/{chunk.language}"
                )
                nodes.append(node)
            store.add(nodes)

    def count(self) -> int:
        return self._collection.count()

    def ids(self) -> list[str]:
        return list(self._collection.get(include=[])["ids"])

    def query(self, vector, k: int) -> list[tuple[str, float]]:
        """The k nearest passages as (id, cosine similarity), best first."""
        k = min(k, self.count())
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[[float(x) for x in vector]], n_results=k, include=["distances"]
        )
        return [(i, 1.0 - d) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]


class ArrayStore:
    """Exact cosine search over a build's normalised vectors (row i belongs to ids[i]).

    Answers `query`, `count` and `ids` like VectorStore, for the read side of an embedded
    build; the Chroma collection beside it holds the same vectors.
    """

    def __init__(self, vectors: np.ndarray, ids: list[str]):
        if vectors.ndim != 2 or len(vectors) != len(ids):
            raise ValueError(f"{len(ids)} ids for vectors of shape {vectors.shape}")
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._ids = list(ids)

    @classmethod
    def load(cls, path: Path, ids: list[str]) -> ArrayStore:
        return cls(np.load(path), ids)

    def count(self) -> int:
        return len(self._ids)

    def ids(self) -> list[str]:
        return list(self._ids)

    def query(self, vector, k: int) -> list[tuple[str, float]]:
        """The k nearest passages as (id, cosine similarity), best first."""
        k = min(k, len(self._ids))
        if k <= 0:
            return []
        scores = self._vectors @ np.asarray(vector, dtype=np.float32)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top]
