"""Is a sentence supported by a passage? The check a generated answer must pass.

Offline and language-aware: the sentence's content stems (Snowball, in the passage's
language, glued words split) must mostly appear in the passage. Numbers, dates and e-mail
addresses must appear exactly, because a changed date is the worst kind of wrong answer.
"""

from __future__ import annotations

import re

from assistant.analysis.answer_types import EMAIL_ADDRESS
from assistant.analysis.text import content_stems
from assistant.retrieval.fusion import contains

SUPPORT_THRESHOLD = 0.6  # share of a sentence's content stems the passage must hold
_EXACT = re.compile(rf"{EMAIL_ADDRESS.pattern}|\d+(?:[.,:]\d+)*")


def support(sentence: str, passage: str, language: str) -> float:
    """Share of the sentence's content stems found in the passage (0 when a number, date or
    address in the sentence is not in the passage)."""
    for exact in _EXACT.findall(sentence):
        if exact not in passage:
            return 0.0
    stems = list(dict.fromkeys(content_stems(sentence, language)))
    if not stems:
        return 0.0
    passage_stems = set(content_stems(passage, language))
    return sum(1 for s in stems if contains(passage_stems, s)) / len(stems)


def is_supported(sentence: str, passage: str, language: str) -> bool:
    return support(sentence, passage, language) >= SUPPORT_THRESHOLD
