"""BM25's candidates (`retriever._top`): the same scores on a large corpus, faster.

On a large corpus the top k are chosen among the positive scores only (most passages score 0,
and partitioning tens of thousands of equal zeros was the slow part of an ask at 100,000
passages); on a small one, bm25s's own selection, whose order of equal scores the measured
answers were made with.
"""

import numpy as np
import pytest
from bm25s.selection import topk

from assistant.retrieval import retriever
from assistant.retrieval.retriever import SMALL_CORPUS, _top

pytestmark = pytest.mark.unit


def _bm25s(scores: np.ndarray, k: int) -> list[int]:
    _, indices = topk(scores, min(k, len(scores)), backend="numpy")
    return [int(i) for i in indices]


def test_large_corpus_takes_the_best_positive_scores_equal_ones_in_passage_order():
    scores = np.zeros(SMALL_CORPUS + 1000, dtype=np.float32)
    scores[[7, 4000, 5100]] = 3.0
    scores[[12, 900, 2500, 5999]] = 2.0
    scores[[30, 31]] = 0.5
    assert _top(scores, 5) == [7, 4000, 5100, 12, 900]
    assert _top(scores, 20) == [7, 4000, 5100, 12, 900, 2500, 5999, 30, 31]  # no zeros
    assert _top(np.zeros(SMALL_CORPUS + 1, dtype=np.float32), 5) == []


def test_large_corpus_selects_the_same_scores_as_bm25s():
    rng = np.random.default_rng(0)
    scores = np.zeros(20_000, dtype=np.float32)
    matching = rng.choice(len(scores), 3000, replace=False)
    scores[matching] = rng.integers(1, 40, len(matching)) / 4  # many ties, as BM25 gives
    for k in (1, 20, 40):
        ours = _top(scores, k)
        assert [float(scores[i]) for i in ours] == sorted(
            (float(scores[i]) for i in _bm25s(scores, k)), reverse=True
        )
        assert len(set(ours)) == k and all(scores[i] > 0 for i in ours)


def test_small_corpus_keeps_bm25s_selection_and_its_order(monkeypatch):
    scores = np.array([0.0, 1.0, 2.0, 1.0, 0.0, 2.0, 1.0], dtype=np.float32)
    assert _top(scores, 4) == _bm25s(scores, 4)
    monkeypatch.setattr(retriever, "SMALL_CORPUS", 0)
    assert _top(scores, 4) == [2, 5, 1, 3]
