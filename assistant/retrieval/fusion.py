"""Pure scoring functions: rank fusion and lexical coverage. No I/O, testable alone."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence


def max_normalised(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores divided by the best one, so that rankings of different kinds can be summed."""
    top = max(scores.values(), default=0.0)
    return {key: value / top for key, value in scores.items()} if top > 0 else {}


def min_max_normalised(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores spread over [0, 1]; all-equal scores give all zeros (nothing to prefer)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high - low <= 1e-9:
        return {key: 0.0 for key in scores}
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def standard_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """How many standard deviations each score stands above the mean of all of them."""
    if len(scores) < 2:
        return {key: 0.0 for key in scores}
    values = list(scores.values())
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    if spread <= 1e-9:
        return {key: 0.0 for key in scores}
    return {key: (value - mean) / spread for key, value in scores.items()}


def weighted_sum(rankings: Iterable[tuple[float, Mapping[str, float]]]) -> dict[str, float]:
    """Convex score fusion: the weighted sum of already-normalised scores per id.

    Score fusion rather than reciprocal-rank fusion, because rank throws away what matters
    most here: a passage that matches a rare word of the question ("AI-pagten") must stand
    far above passages that only share "AI", while their ranks are 1 and 2.
    """
    fused: dict[str, float] = {}
    for weight, scores in rankings:
        for key, value in scores.items():
            fused[key] = fused.get(key, 0.0) + weight * value
    return fused


PREFIX_MIN = 5  # stems this long also match other forms of their word (`similar_stems`)
# Letters an ending may add to a stem Snowball left long ("uruchomion" / "uruchom"); more is
# another word built on it ("medlem" / "medlemsstat": a member is not a member state).
ENDING_MAX = 3  # (`forms_of_one_word`)
FUZZY_WEIGHT = 0.8  # another form of the word (see `similar_stems`) counts a little less


def coverage(
    query_stems: Sequence[str], text_stems: Iterable[str], idf: Callable[[str], float]
) -> float:
    """Share of the question's meaning (IDF-weighted stems) that a text contains.

    An unknown stem weighs the most, so a question about something the corpus never mentions
    ("pizza") scores low even when a common word ("AI") matches.
    """
    unique = list(dict.fromkeys(query_stems))
    total = sum(idf(s) for s in unique)
    if total <= 0:
        return 0.0
    present = set(text_stems)
    # Another form of the word counts a little less than the word itself, so that of two
    # sentences the one with the question's own word wins.
    return (
        sum(
            idf(s) * (1.0 if s in present else FUZZY_WEIGHT) for s in unique if contains(present, s)
        )
        / total
    )


def contains(stems: set[str], stem: str, same_word: bool = False) -> bool:
    """A stem is present as itself or as a related stem (`similar_stems`); with `same_word`,
    only as another form of the same word (`forms_of_one_word`)."""
    if stem in stems:
        return True
    if len(stem) < PREFIX_MIN:
        return False
    related = forms_of_one_word if same_word else similar_stems
    # Both relations need a shared prefix of PREFIX_MIN letters: the cheap C-level check
    # first leaves the Python one for the few stems that can match (it was a third of the
    # time a question spent outside the encoder).
    head = stem[:PREFIX_MIN]
    return any(related(stem, t) for t in stems if t.startswith(head))


def similar_stems(a: str, b: str) -> bool:
    """Two related stems: one begins the other, or they differ only in the last two letters.
    Snowball leaves Polish (and some Danish) forms of one word with different stems
    ("uruchomion"/"uruchom", "nadzoruj"/"nadzorowa"), and a compound that begins with a word
    ("ansøgningsskema") is about it, which is enough for search and for coverage."""
    if len(a) < PREFIX_MIN or len(b) < PREFIX_MIN:
        return a == b
    shared = len(os.path.commonprefix([a, b]))
    return shared >= max(PREFIX_MIN, min(len(a), len(b)) - 2)


def forms_of_one_word(a: str, b: str) -> bool:
    """Two stems of one word: related (`similar_stems`) and differing only in an ending.

    A compound that begins with a word is not that word: Danish compounds end in their head,
    so "medlemsstat" is a kind of state. What a count or a date is about must be the word
    itself: "Hvor mange medlemmer har AI-pagten?" was answered with "27 medlemsstater"."""
    shared = len(os.path.commonprefix([a, b]))
    return similar_stems(a, b) and max(len(a), len(b)) - shared <= ENDING_MAX
