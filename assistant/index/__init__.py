"""The second stage: builds of the index (passages, vectors in Chroma, BM25 per language).

`ingest()` makes a build from the corpus; `Index.open()` opens the active one.
"""

from assistant.index.builds import BuildReport, Index, active_build, ingest

__all__ = ["BuildReport", "Index", "active_build", "ingest"]
