"""Whether a passage accounts for every word of the question, by leaving each word out.

A question can sit close to a passage in meaning and still ask about something the passage
never says: "Kan man arbejde hjemmefra, hvis man bliver ansat?" is near the recruitment
passage, which says nothing about working from home. The test: for each word of the question
that the passage does not hold (by stem) and the pages never use, encode the question without
it. When the question comes *closer* to the passage's best sentence without the word, the
passage does not account for it: the word is what is asked about, and the passage is silent
on it. A synonym of something the passage says ("firmaer" for "virksomheder") brings the
question closer to the passage, so leaving it out moves the question away.

Measured here (retrieval has the model) when answering asks for it: each word checked costs an
encoding, so only where the outcome can depend on it (`answerability.focus_can_matter`).
Decided in `answering.answerability`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.analysis.language import is_common_word
from assistant.analysis.text import content_stems, stopwords, words
from assistant.retrieval.fusion import contains

MIN_WORD_LENGTH = 3  # shorter words are function words or initials, not what is asked about
# At most this many words are checked per question: each costs an encoding, and a question of
# hundreds of unknown words (pasted text, junk) must not cost hundreds.
MAX_WORDS = 5
# A word used once in a thousand words of its language ("mam", "jeśli", "kommer", "coś") is
# a function word whatever a stop-word list says: it is never what a question asks about.
FUNCTION_WORD_ZIPF = 6.0


Candidates = tuple[tuple[str, tuple[str, ...]], ...]


def unaccounted_words(
    question: str, language: str, passage_stems: set[str], knows: Callable[[str], bool]
) -> list[str]:
    """The question's content words that the passage does not hold and no passage uses."""
    return unaccounted_among(candidate_words(question, language), passage_stems, knows)


def candidate_words(
    question: str, language: str, tokens: Sequence[str] | None = None
) -> Candidates:
    """The question's words that could be what it asks about, each with its stems: not
    function words, not short, not junk, not common in the language. A property of the
    question alone (`analysis.question` keeps it); `tokens` are `words(question)` if known."""
    stop = stopwords(language)
    found: dict[str, tuple[str, ...]] = {}
    for word in words(question) if tokens is None else tokens:
        if word in found:
            continue
        if len(word) < MIN_WORD_LENGTH or word.lower() in stop or not _looks_like_a_word(word):
            continue
        if is_common_word(word.lower(), language, FUNCTION_WORD_ZIPF):
            continue
        found[word] = tuple(content_stems(word, language))
    return tuple(found.items())


def unaccounted_among(
    candidates: Candidates, passage_stems: set[str], knows: Callable[[str], bool]
) -> list[str]:
    """Of the question's candidate words, those the passage does not hold and no passage
    uses (at most MAX_WORDS)."""
    found = [
        word
        for word, stems in candidates
        if stems and not any(contains(passage_stems, s) or knows(s) for s in stems)
    ]
    return found[:MAX_WORDS]


def _looks_like_a_word(token: str) -> bool:
    """Letters only, capitalised at most at the start (or all capitals, an acronym): what is
    left of a control sequence or a glued fragment ("2JKiedy") asks about nothing."""
    return token.isalpha() and (token.isupper() or not any(c.isupper() for c in token[1:]))


def without(question: str, word: str) -> str:
    """The question with every occurrence of `word` left out."""
    return " ".join(re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", question).split())


def removal_gains(
    question: str,
    words_by_passage: dict[str, list[str]],
    sentence_vectors: dict[str, np.ndarray],
    query_vector: np.ndarray,
    encode: Callable[[list[str]], np.ndarray],
    focus: str = "",
) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each passage, how much closer the question comes to its best sentence when each
    of its unaccounted words is left out (positive: the passage does not account for it).

    One batch encodes every variant the passages need (a word shared by several passages is
    encoded once)."""
    needed: Sequence[str] = list(dict.fromkeys(w for ws in words_by_passage.values() for w in ws))
    if not needed:
        return {}
    variants = [without(question, w) + (f" {focus}" if focus else "") for w in needed]
    vectors = dict(zip(needed, encode(variants), strict=True))
    gains = {}
    for passage_id, unaccounted in words_by_passage.items():
        sentences = sentence_vectors[passage_id]
        if not unaccounted or not len(sentences):
            continue
        base = float((sentences @ query_vector).max())
        # Not rounded: a rounding step turns a last-digit difference in another CPU's
        # arithmetic into a whole step, and that flips near-ties (`Hit.sentence_cosines`).
        gains[passage_id] = tuple(
            (w, float((sentences @ vectors[w]).max()) - base) for w in unaccounted
        )
    return gains
