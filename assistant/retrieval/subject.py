"""Questions about the site's subject itself, and the words that only name it.

The site's subject has a name ("Det Europæiske AI-kontor"), and words that only name it
("AI", "Office", "Biuro"), per language, in `corpus/site.json`: data beside the pages. In a
question in a language the pages are not in those words match letter for letter wherever the
pages quote the name untranslated, so they are left out of its search. A question with nothing
else ("What is the AI Office?", "Czym jest Biuro ds. AI?") asks about the subject itself, and
the retriever searches it with the subject's name.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.analysis.text import content_stems, words
from assistant.retrieval.focus import without


def without_subject(
    question: str, subject: frozenset[str], tokens: Sequence[str] | None = None
) -> str:
    """The question without the words that only name the site's subject (`site.json`).
    `tokens` are `words(question)` when the caller has them already."""
    stripped = question
    for word in words(question) if tokens is None else tokens:
        if word.lower() in subject:
            stripped = without(stripped, word)
    return stripped


def names_only_the_subject(
    question: str, language: str, subject: frozenset[str], tokens: Sequence[str] | None = None
) -> bool:
    """Whether the question asks about the site's subject itself: besides function words it
    holds only words that name the subject ("What is the AI Office?", "Czym jest Biuro ds.
    AI?"), and one of them is more than an abbreviation: "AI" or "EU" alone names a field,
    not the subject ("Co to jest AI?")."""
    tokens = words(question) if tokens is None else tokens
    named = [w for w in tokens if w.lower() in subject]
    return any(len(w) > 2 for w in named) and not content_stems(
        without_subject(question, subject, tokens), language
    )
