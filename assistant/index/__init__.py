"""The second stage: builds of the index (passages, vectors in Chroma, BM25 per language).

`ingest()` makes a build from the corpus (`builds`); `Index.open()` opens the active one
(`opened`); `layout` is the folder they share.
"""

from assistant.index.builds import BuildReport, ingest
from assistant.index.layout import active_build
from assistant.index.opened import Index

__all__ = ["BuildReport", "Index", "active_build", "ingest"]
