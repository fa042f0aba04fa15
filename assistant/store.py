"""The vector store: a Chroma collection, embedded on disk or on a Chroma server.

Passages are written through llama-index's ChromaVectorStore as TextNodes (so the collection is
one any llama-index tool can read), and queried with Chroma directly: a question needs only ids
and distances, and skipping the framework keeps a query cheap.
"""

from __future__ import annotations

import os
from pathlib import Path

from .chunking import Chunk
from .errors import AssistantError

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

    def add(self, chunks: list[Chunk], embeddings) -> None:
        """Write passages with their vectors, via llama-index nodes (upsert by stable id)."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
        from llama_index.vector_stores.chroma import ChromaVectorStore

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
                    },
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

    def drop(self) -> None:
        self._client.delete_collection(self.name)
