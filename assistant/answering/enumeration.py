"""Lists inside a sentence: which sentences enumerate, and when they answer.

A page often lists things in running text rather than as bullets ("til politisk, teknisk og
juridisk arbejde og administrativ bistand"). A question that asks for those things is answered
by that sentence, and the passage's sentence that names the subject is not enough without it.
Which sentence says it is judged by meaning: the multilingual model's cosine of the question
to each sentence (`Hit.sentence_cosines`). The conjunctions that close a list are function
words of each language, data in `analysis/question_shapes.json`.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from assistant.analysis.text import sentences, stopwords
from assistant.ingest.chunking import Chunk
from assistant.retrieval.retriever import Hit

# An enumerating sentence joins the answer when its cosine to the question is within this of
# its passage's best sentence's (the model's cosines crowd into a narrow band, 0.80-0.90).
ENUMERATION_MARGIN = 0.05  # dev: 0.00-0.03 key facts 0.86, 0.05 and 0.08 0.88
# Most words of an element before its conjunction ("teknisk og"). Dev: 2 to 5 alike; 5 also
# took a clause (", aby czerpać korzyści społeczne i gospodarcze") for a list.
ENUMERATION_ELEMENT_WORDS = 3
_SHAPES_FILE = Path(__file__).resolve().parent.parent / "analysis" / "question_shapes.json"

Quote = tuple[Chunk, str]  # a sentence quoted from a passage


@cache
def _conjunctions() -> dict[str, frozenset[str]]:
    table = json.loads(_SHAPES_FILE.read_text(encoding="utf-8"))["conjunctions"]
    return {language: frozenset(words) for language, words in table.items()}


def enumerates(sentence: str, language: str) -> bool:
    """Whether a sentence lists three or more things in a row: a short element after a comma,
    then a conjunction ("til politisk, teknisk og juridisk arbejde"). The element is a word
    of content: in "Zarówno X, jak i Y" (both X and Y) "jak i" is one conjunction of two."""
    conjunctions = _conjunctions().get(language, frozenset())
    function_words = stopwords(language)
    for segment in re.split(r"[,;]", sentence)[1:]:
        words = [w.casefold() for w in segment.split()[: ENUMERATION_ELEMENT_WORDS + 1]]
        # Not the segment's first word: ", og ..." joins two clauses, not a list's elements.
        for at, word in enumerate(words[1:], start=1):
            if word in conjunctions and any(w not in function_words for w in words[:at]):
                return True
    return False


def sentence_cosines(hit: Hit) -> list[float]:
    """The question's cosine to each quoted sentence of the hit (empty when they do not align:
    the question was matched against a translation that splits differently)."""
    quoted = sentences(hit.chunk.text)
    return list(hit.sentence_cosines) if len(hit.sentence_cosines) == len(quoted) else []


def closest_enumeration(candidates: list[Hit]) -> Quote | None:
    """The sentence closest in meaning to the question of all the candidates' sentences, when
    it enumerates; None when the closest one lists nothing."""
    closest = None
    for hit in candidates:
        for sentence, cosine in zip(sentences(hit.chunk.text), sentence_cosines(hit), strict=False):
            if closest is None or cosine > closest[2]:
                closest = (hit.chunk, sentence, cosine)
    if closest is None or not enumerates(closest[1], closest[0].language):
        return None
    return closest[0], closest[1]


def with_enumeration(chosen: Quote, hit: Hit | None, several: bool = False) -> list[Quote]:
    """The chosen sentence, with its passage's sentence that enumerates beside it (in page
    order) when that one is nearly as close to the question in meaning: "Disse kombinerer viden
    fra A, B og C" after the sentence that names them. Just the chosen one otherwise, and when
    it enumerates itself.

    A question that asks for `several` things takes the enumerating sentence however far: the
    list is what it asks for, and the sentence naming the subject is nearer by its name alone
    ("Hvilke brancher kan GenAI4EU bruges i?" is nearest "Både GenAI4EU-initiativet og
    AI-kontoret var en del af denne pakke", 0.06 above the sentence with the areas)."""
    chunk, chosen_sentence = chosen
    cosines = sentence_cosines(hit) if hit is not None else []
    if not cosines or enumerates(chosen_sentence, chunk.language):
        return [chosen]
    own = sentences(chunk.text)
    listing = [
        (cosine, at)
        for at, (sentence, cosine) in enumerate(zip(own, cosines, strict=True))
        if sentence != chosen_sentence and enumerates(sentence, chunk.language)
    ]
    margin = float("inf") if several else ENUMERATION_MARGIN
    if not listing or max(listing)[0] < max(cosines) - margin:
        return [chosen]
    at = max(listing)[1]
    added = (chunk, own[at])
    before = chosen_sentence in own and at < own.index(chosen_sentence)
    return [added, chosen] if before else [chosen, added]
