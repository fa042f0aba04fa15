"""The ranking's cost benchmark alternates its sides fairly (`bench.ranking_cost`)."""

from __future__ import annotations

from bench.ranking_cost import alternated


def test_the_side_that_goes_first_switches_every_question():
    """The second retrieval of a question finds caches warm: a side always run first would
    be charged for it."""
    calls: list[tuple[str, str]] = []
    questions = [("q1", "da"), ("q2", "pl"), ("q3", "da")]
    first, second = alternated(
        questions,
        lambda q, _: calls.append(("a", q)),
        lambda q, _: calls.append(("b", q)),
    )
    assert calls == [("a", "q1"), ("b", "q1"), ("b", "q2"), ("a", "q2"), ("a", "q3"), ("b", "q3")]
    assert first >= 0 and second >= 0
