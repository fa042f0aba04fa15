"""Cleaning a question before it is answered, and saying why when it cannot be.

Control characters and binary junk are removed, markup is reduced to the text a browser would
show, whitespace is collapsed, and a question longer than the limit is cut (and the answer says
so). A question with no letters at all has nothing to search for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

# A tag opens with "<" and a letter, "/" or "!": "<10 ansatte" is text, "<b>" is markup.
_TAG = re.compile(r"<[A-Za-z/!]")
# A terminal's escape sequence ("\x1b[2J" clears the screen) pasted with a question: dropped
# whole, or its printable tail ("[2J") would glue onto the first word.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
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
    text = _ESCAPE.sub(" ", text)
    text = _CONTROL.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch) != "Cs" else " " for ch in text)
    if _TAG.search(text):
        text = shown_text(text)
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


class _ShownText(HTMLParser):
    """Collects the text a browser would show: no tags, attributes, scripts or styles."""

    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        self._hidden += tag in self._HIDDEN
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self._HIDDEN and self._hidden > 0
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shown_text(text: str) -> str:
    """`text` without its markup: "<script>alert(document.cookie)</script>" asks nothing
    (and its English words made it look like an English question), "<b>Hvornår ...?</b>" asks
    "Hvornår ...?"."""
    parser = _ShownText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)
