"""The written-question searches read one product per family and a partial sort, and give
what a full stable sort and a product per reader gave (docs/performance.md)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.question_vectors import (
    SHARPNESS,
    QuestionVectors,
    answered_nearby,
    nearest_first,
)
from assistant.ingest.written import WrittenQuestion


@pytest.mark.parametrize("k", [1, 5, 25, 40, 60])
def test_the_nearest_come_first_with_ties_in_row_order(k):
    rng = np.random.default_rng(7)
    # Few distinct values: many ties, at the k-th place too.
    scores = rng.integers(0, 6, size=40).astype(np.float32) / 5
    expected = np.argsort(-scores, kind="stable")[:k]
    assert nearest_first(scores, k).tolist() == expected.tolist()


def test_no_scores_no_rows():
    assert nearest_first(np.zeros(0, dtype=np.float32), 25).tolist() == []


def unit_rows(rng, n: int) -> np.ndarray:
    rows = rng.normal(size=(n, 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_scores_read_once_give_what_each_reader_computed():
    rng = np.random.default_rng(11)
    answered = QuestionVectors(
        unit_rows(rng, 30),
        [WrittenQuestion(f"p{i % 6}", "da", f"spørgsmål {i}") for i in range(30)],
    )
    unanswered = QuestionVectors(
        unit_rows(rng, 12), [WrittenQuestion(f"kind{i % 3}", "da", f"ikke {i}") for i in range(12)]
    )
    query = unit_rows(rng, 1)[0]
    cosines = (answered.cosines(query), unanswered.cosines(query))
    kept = cosines[0].copy()

    assert answered.best(query, scores=cosines[0]) == answered.best(query)
    # Leaving a question out does not change the scores the caller reads next.
    text = answered.questions[int(np.argmax(cosines[0]))].text
    assert answered.best(query, frozenset({text}), scores=cosines[0]) == answered.best(
        query, frozenset({text})
    )
    assert np.array_equal(cosines[0], kept)
    assert answered_nearby(query, answered, unanswered, cosines=cosines) == answered_nearby(
        query, answered, unanswered
    )


def test_a_build_without_written_questions_has_no_cosines():
    nothing = QuestionVectors(np.zeros((0, 1), dtype=np.float32), [])
    query = np.ones(384, dtype=np.float32)
    assert nothing.cosines(query).shape == (0,)
    assert nothing.best(query) == {}
    assert answered_nearby(query, nothing, nothing) == ()


def test_the_vote_shares_the_nearest_questions_by_passage():
    """Each passage's share of the `VOTERS` nearest, a nearer question weighing more: two
    questions just as near count twice one, one far below the nearest almost nothing, and a
    question beyond the nearest few not at all."""
    questions = [
        WrittenQuestion("near", "da", "a"),
        WrittenQuestion("near", "da", "b"),
        WrittenQuestion("single", "da", "c"),
        WrittenQuestion("far", "da", "d"),
        WrittenQuestion("beyond", "da", "e"),
    ]
    written = QuestionVectors(np.eye(5, dtype=np.float32), questions)
    # Each question's cosine to the query is its own entry of it (the rows are unit vectors).
    scores = written.cosines(np.array([0.90, 0.90, 0.90, 0.70, 0.10], dtype=np.float32))
    votes = written.votes(scores, k=4)
    assert set(votes) == {"near", "single", "far"}
    assert sum(votes.values()) == pytest.approx(1.0)
    assert votes["near"] == pytest.approx(2 * votes["single"])
    assert votes["far"] == pytest.approx(votes["single"] * np.exp(-0.2 * SHARPNESS), rel=1e-4)
    assert votes["near"] > 0.66
    assert QuestionVectors(np.zeros((0, 1), dtype=np.float32), []).votes(scores[:0]) == {}
