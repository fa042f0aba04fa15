"""The third stage: finding the passages for a question (BM25, vectors, fused)."""
