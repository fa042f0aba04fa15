"""Cleaning a question: markup is reduced to the text a browser would show."""

import pytest

from assistant.analysis.questions import clean_question


@pytest.mark.unit
@pytest.mark.parametrize(
    ("raw", "text", "problem"),
    [
        ("<b>Hvornår er fristen?</b>", "Hvornår er fristen?", ""),
        ('<img src=x onerror="alert(1)"><p>Kiedy mija termin?', "Kiedy mija termin?", ""),
        # A script's code is not text a reader sees: its English words ("alert", "document",
        # "cookie") made it an English question answered with the recruitment passage.
        ("<script>alert(document.cookie)</script>", "", "empty"),
        ("<style>p {color: red}</style>", "", "empty"),
        # "<" before a digit or a space is no tag: the question keeps it.
        ("Er der mere end <10 ansatte?", "Er der mere end <10 ansatte?", ""),
        ("Czy a < b?", "Czy a < b?", ""),
    ],
)
def test_markup_is_reduced_to_the_text_a_browser_shows(raw, text, problem):
    cleaned = clean_question(raw, max_chars=500)
    assert (cleaned.text, cleaned.problem) == (text, problem)
