"""Cleaning a question before it is answered, and saying why when it cannot be.

Control characters and binary junk are removed, whitespace is collapsed, and a question longer
than the limit is cut (and the answer says so). A question with no letters at all has nothing
to search for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


@dataclass(frozen=True)
class CleanQuestion:
    """A question ready to answer, or the reason it is not."""

    text: str
    original_length: int
    truncated: bool
    problem: str  # "", "empty" or "no_letters"


def clean_question(raw: object, max_chars: int) -> CleanQuestion:
    """Normalise a raw question (any type) into text the assistant can search for."""
    if raw is None:
        raw = ""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    text = unicodedata.normalize("NFC", str(raw))
    text = text.replace("\ufffd", " ")
    text = _CONTROL.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch) != "Cs" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    length = len(text)
    truncated = length > max_chars
    if truncated:
        cut = text[:max_chars]
        # Cut at a word boundary so the last word is not a fragment.
        text = cut.rsplit(" ", 1)[0] if " " in cut[-50:] else cut
    if not text:
        return CleanQuestion("", length, False, "empty")
    if not any(ch.isalpha() for ch in text):
        return CleanQuestion(text, length, truncated, "no_letters")
    return CleanQuestion(text, length, truncated, "")
