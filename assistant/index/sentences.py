"""Sentence vectors: every sentence of every passage embedded on its own.

A passage's vector blends its sentences (and its section heading), so a question about one
detail of a three-sentence paragraph matches it less well than a sentence that says just
that. Retrieval adds each candidate passage's best sentence cosine to its passage cosine, and
the answer picks the sentence that says what was asked by the same cosines.

Sentences are cut by `assistant.analysis.text.sentences`, the same function the answer quotes
with, so sentence i of a passage here is sentence i of its quote. Stored in the build as
`sentences.npy` (one row per sentence, passages in build order) and `sentences.json` (how
many sentences each passage has); read memory-mapped, since a question touches only its
candidates' rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.analysis.text import sentences

VECTORS = "sentences.npy"
COUNTS = "sentences.json"


def passage_sentences(text: str) -> list[str]:
    """The sentences of a passage as the answer quotes them (at least the whole passage)."""
    return sentences(text) or [text]


def embed_sentences(
    texts: Sequence[str],
    encode: Callable[[list[str]], np.ndarray],
    reuse: dict[str, np.ndarray],
) -> tuple[np.ndarray, list[int], int]:
    """Vectors for every sentence of `texts` (passages), in order; `reuse` maps a sentence
    to its vector from the previous build, so unchanged sentences are not encoded again.

    Returns the vectors, the number of sentences per passage and how many were reused.
    """
    split = [passage_sentences(t) for t in texts]
    flat = [s for group in split for s in group]
    missing = list(dict.fromkeys(s for s in flat if s not in reuse))
    fresh = dict(zip(missing, encode(missing), strict=True)) if missing else {}
    vectors = [reuse[s] if s in reuse else fresh[s] for s in flat]
    dimension = len(vectors[0]) if vectors else 0
    array = np.asarray(vectors, dtype=np.float32).reshape(len(flat), dimension)
    return array, [len(group) for group in split], sum(s in reuse for s in flat)


class SentenceVectors:
    """The sentence vectors of one build, looked up by passage id."""

    def __init__(self, vectors: np.ndarray, counts: list[int], passage_ids: Sequence[str]):
        if len(counts) != len(passage_ids) or sum(counts) != len(vectors):
            raise ValueError(
                f"{len(vectors)} sentence vectors for {sum(counts)} sentences of "
                f"{len(counts)} passages ({len(passage_ids)} in the build)"
            )
        # A plain ndarray view of the (memory-mapped) rows: slicing a np.memmap makes a new
        # memmap object each time, which cost more than the products read from it.
        self._vectors = vectors.view(np.ndarray) if isinstance(vectors, np.memmap) else vectors
        starts = np.concatenate([[0], np.cumsum(counts)]).astype(int)
        self._rows = {
            pid: (int(starts[i]), int(starts[i + 1])) for i, pid in enumerate(passage_ids)
        }

    def save(self, folder: Path, counts: list[int]) -> None:
        np.save(folder / VECTORS, self._vectors)
        (folder / COUNTS).write_text(json.dumps(counts), "utf-8")

    @classmethod
    def load(cls, folder: Path, passage_ids: Sequence[str]) -> SentenceVectors:
        counts = json.loads((folder / COUNTS).read_text("utf-8"))
        return cls(np.load(folder / VECTORS, mmap_mode="r"), counts, passage_ids)

    def cosines(self, passage_id: str, query: np.ndarray) -> np.ndarray:
        """Cosine of each sentence of the passage to the (normalised) question vector."""
        start, end = self._rows[passage_id]
        return np.asarray(self._vectors[start:end] @ query, dtype=np.float32)

    def best(self, passage_ids: Sequence[str], query: np.ndarray) -> dict[str, float]:
        """Each passage's best sentence cosine."""
        return {
            pid: float(self.cosines(pid, query).max())
            for pid in passage_ids
            if pid in self._rows and self._rows[pid][1] > self._rows[pid][0]
        }

    def vectors_of(self, passage_id: str) -> np.ndarray:
        """The passage's sentence vectors, one row per sentence."""
        start, end = self._rows[passage_id]
        return np.asarray(self._vectors[start:end])
