"""Expected answer types: a question that asks "when" wants a date, "which e-mail" an address.

Passages get a type token for what they contain (an e-mail address, a date); questions get
the token of the answer they ask for. The tokens then take part in BM25 and coverage like
words, so "Hvad er e-mailadressen?" finds the passage with CNECT-AIOFFICE@ec.europa.eu even
though the page never says "e-mail", and a "when" question prefers the sentence with the date.
"""

from __future__ import annotations

import re

EMAIL = "⟨email⟩"
DATE = "⟨date⟩"

# An e-mail address, without the full stop of a sentence that ends with one. Shared by the
# grounding check and the evaluation's judge, which need the same addresses verbatim.
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DATE_IN_TEXT = re.compile(
    r"\b(19|20)\d{2}\b|\b\d{1,2}\.\d{2}\b|"
    r"\b(januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|"
    r"stycz\w*|lut\w*|mar(ca|zec)|kwie\w*|maj\w*|czerw\w*|lip\w*|sierp\w*|wrze\w*|paździer\w*|"
    r"listopad\w*|grud\w*)\b",
    re.IGNORECASE,
)
_ASKS_EMAIL = re.compile(
    r"e-?mail|\bmail|kontakt|contact|skontaktow|adres|\bskrive|\bhenvend|napisa|\bwrite\b",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(
    r"\b(hvornår|når|kiedy|when|wann|quand|frist\w*|termin\w*|deadline\w*|dato\w*|data|date)\b",
    re.IGNORECASE,
)


def passage_types(text: str) -> list[str]:
    """Type tokens for what a passage holds."""
    types = []
    if EMAIL_ADDRESS.search(text):
        types.append(EMAIL)
    if _DATE_IN_TEXT.search(text):
        types.append(DATE)
    return types


def question_types(text: str) -> list[str]:
    """Type tokens for the answer a question asks for."""
    types = []
    if _ASKS_EMAIL.search(text):
        types.append(EMAIL)
    if _ASKS_DATE.search(text):
        types.append(DATE)
    return types
