"""A question analysed once: its words, stems and expected answer types, handed down.

The engine cleans a question and detects its language once; `analyse_question` then splits it
into words, stems it for each page's index, types what it asks for and finds its most
specific words, once. Retrieval, the follow-up check, answerability, its features and
composition read this value. Before, each stage split and stemmed the same text again (one
Danish question: its words split 11 times, its answer types asked for 5 times); a stage that
re-analyses the text does work already done, and may do it differently.

The rules for each part stay with the stage that owns them (`LexicalIndex.analyse_query`,
`focus.candidate_words`, `features.content_terms`); this module only runs them once, on one split.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from assistant.analysis.answer_types import expected_types, question_types
from assistant.analysis.text import words


@dataclass(frozen=True)
class AnalysedQuestion:
    """What the stages read of one question (cleaned text) in the language it is read in."""

    text: str  # the cleaned question
    language: str  # the language its words are read in (its own, even when answered in another)
    words: tuple[str, ...]  # `text.words`: the tokens every stage reads
    expected_types: frozenset[str]  # every answer type it asks for (`answer_types`)
    searched_types: tuple[str, ...]  # those BM25 sees as tokens (`question_types`)
    # The question's tokens for each page language's index (`LexicalIndex.analyse_query`),
    # and of those the most specific (`LexicalIndex.most_specific`).
    stems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    most_specific: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Without the words that only name the site's subject, and whether nothing else is left
    # (`retrieval.subject`).
    subject_stripped: str = ""
    names_only_subject: bool = False
    # Its content words with their stems, as the trained model's features read them
    # (`features.content_terms`: the subject's words left out), and the words the focus check may
    # leave out, with their stems (`focus.candidate_words`; for a page language only).
    terms: tuple[tuple[str, str], ...] = ()
    candidates: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def stems_for(self, page_language: str) -> list[str]:
        """The question's tokens for the index of `page_language` (a fresh list)."""
        return list(self.stems[page_language])


def analysis_of(
    analysed: AnalysedQuestion | None, text: str, language: str | None = None
) -> AnalysedQuestion | None:
    """`analysed` when it is `text` (read in `language`, when given), else None.

    A stage handed the engine's analysis may be working on another text (a follow-up searched
    with the previous question) or language (an answer forced into another): it reads the
    analysis only when it is of what the stage reads."""
    if analysed is None or analysed.text != text:
        return None
    if language is not None and analysed.language != language:
        return None
    return analysed


def analysed_for(
    text: str, language: str, index, analysed: AnalysedQuestion | None = None
) -> AnalysedQuestion:
    """`analysed` when it is `text` read in `language`, else `text` analysed now."""
    return analysis_of(analysed, text, language) or analyse_question(text, language, index)


def analyse_question(
    text: str, language: str, index, tokens: tuple[str, ...] | None = None
) -> AnalysedQuestion:
    """Analyse a cleaned question once for every stage.

    Args:
        text: the question, cleaned (`clean_question`).
        language: the language it is written in (detected, or the answer language).
        index: the opened index (its lexical indexes and the site's subject words).
        tokens: `words(text)`, when the engine has split it already (for detection).
    """
    # The stages own their rules and import this module's type: imported here, not above.
    from assistant.answering.features import content_terms
    from assistant.retrieval.focus import candidate_words
    from assistant.retrieval.subject import names_only_the_subject, without_subject

    tokens = tuple(words(text)) if tokens is None else tuple(tokens)
    asked = frozenset(expected_types(text))
    searched = tuple(question_types(text))
    stems = {
        page_language: tuple(lexical.analyse_query(text, language, tokens, searched))
        for page_language, lexical in index.lexical.items()
    }
    most_specific = {
        page_language: index.lexical[page_language].most_specific(list(found))
        for page_language, found in stems.items()
    }
    subject = index.subject_words.get(language, frozenset())
    return AnalysedQuestion(
        text=text,
        language=language,
        words=tokens,
        expected_types=asked,
        searched_types=searched,
        stems=MappingProxyType(stems),
        most_specific=MappingProxyType(most_specific),
        subject_stripped=without_subject(text, subject, tokens),
        names_only_subject=names_only_the_subject(text, language, subject, tokens),
        terms=tuple(content_terms(text, language, subject, tokens)),
        # Checked on a page in the question's own language only (`HybridRetriever`).
        candidates=candidate_words(text, language, tokens) if language in index.lexical else (),
    )
