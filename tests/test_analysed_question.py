"""A question is analysed once per ask (`analysis.question`), and every stage reads that.

The counts are real: each analysing function is wrapped wherever an `assistant` module
imported it, and one real `ask` on the real index runs through them. A stage that split,
typed, stemmed or detected the question again would raise a count above one.
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from assistant import ask
from assistant.analysis import answer_types, language, question, questions, text
from assistant.answering.engine import get_engine
from assistant.index.lexical import LexicalIndex

FIRST = "Hvilke stillinger rekrutterer AI-kontoret til?"
FOLLOW_UP = "Og hvornår er fristen?"


class Calls:
    """The calls made to the analysing functions, by name, with their first text argument."""

    def __init__(self) -> None:
        self.made: Counter = Counter()

    def of(self, name: str, first: str, language_code: str | None = None) -> int:
        return sum(
            n
            for (called, arg, lang), n in self.made.items()
            if called == name and arg == first and language_code in (None, lang)
        )


def _count(monkeypatch, calls: Calls, name: str, original, owner: str = "") -> None:
    """Wrap `original` in every assistant module that holds it (not in `owner`, its own
    module, whose internal calls are not a stage's)."""

    def counted(*args, **kwargs):
        first = next((a for a in args if isinstance(a, str | bytes)), None)
        second = next((a for a in args[1:2] if isinstance(a, str)), None)
        calls.made[(name, first, second)] += 1
        return original(*args, **kwargs)

    for module in list(sys.modules.values()):
        module_name = getattr(module, "__name__", "") or ""
        if not module_name.startswith("assistant") or module_name == owner:
            continue
        if getattr(module, name, None) is original:
            monkeypatch.setattr(module, name, counted)


@pytest.fixture
def calls(monkeypatch) -> Calls:
    found = Calls()
    for name, function, owner in (
        ("clean_question", questions.clean_question, ""),
        ("detect_language", language.detect_language, ""),
        ("words", text.words, ""),
        ("content_stems", text.content_stems, ""),
        ("expected_types", answer_types.expected_types, answer_types.__name__),
        ("question_types", answer_types.question_types, ""),
        ("analyse_question", question.analyse_question, ""),
    ):
        _count(monkeypatch, found, name, function, owner)
    original = LexicalIndex.analyse_query

    def analyse_query(self, asked, *args, **kwargs):
        found.made[("analyse_query", asked, self.language)] += 1
        return original(self, asked, *args, **kwargs)

    monkeypatch.setattr(LexicalIndex, "analyse_query", analyse_query)
    return found


def _assert_analysed_once(calls: Calls, asked: str, page_languages: list[str]) -> None:
    assert calls.of("clean_question", asked) == 1
    assert calls.of("detect_language", asked) == 1
    assert calls.of("analyse_question", asked) == 1
    assert calls.of("words", asked) == 1  # split once, by the engine
    assert calls.of("expected_types", asked) == 1
    assert calls.of("question_types", asked) == 1
    # Stemmed once for each page's index: the question's own page with the whole text, the
    # other page with the words its stemmer can read.
    for page_language in page_languages:
        assert calls.of("analyse_query", asked, page_language) == 1
    assert calls.of("content_stems", asked) == 1


def test_a_question_is_cleaned_detected_split_typed_and_stemmed_once_per_ask(settings, calls):
    ask(FIRST, settings=settings)  # lazy loads first: the count is a warm ask's
    calls.made.clear()
    answer = ask(FIRST, settings=settings)
    assert answer.language == "da" and not answer.abstained
    assert answer.citations[0].passage_id.startswith("ai-office/da/")
    _assert_analysed_once(calls, FIRST, sorted(get_engine(settings).index.lexical))


def test_a_follow_up_is_analysed_once_and_its_context_once(settings, calls):
    first = ask(FIRST, settings=settings)
    ask(FOLLOW_UP, history=[(FIRST, first)], settings=settings)  # warm
    calls.made.clear()
    answer = ask(FOLLOW_UP, history=[(FIRST, first)], settings=settings)
    assert answer.citations[0].passage_id == "ai-office/da/b030"
    assert "27. marts 2024" in answer.text
    _assert_analysed_once(calls, FOLLOW_UP, sorted(get_engine(settings).index.lexical))
    # The previous question steers the combined search and names the subject: analysed once.
    assert calls.of("analyse_question", FIRST) == 1
    assert calls.of("words", FIRST) == 1


def test_the_count_sees_a_stage_that_analyses_again(settings, calls):
    """Retrieval handed the analysis splits nothing; handed the bare text, it analyses it
    itself, and the counts say so (they would catch a stage that did)."""
    engine = get_engine(settings)
    analysed = question.analyse_question(FIRST, "da", engine.index)
    calls.made.clear()
    with_analysis = engine.retriever.retrieve(FIRST, "da", analysed=analysed)
    assert calls.of("words", FIRST) == 0 and calls.of("analyse_query", FIRST) == 0
    without = engine.retriever.retrieve(FIRST, "da")
    assert calls.of("words", FIRST) == 1
    assert calls.of("analyse_query", FIRST) == len(engine.index.lexical)
    assert [h.chunk.id for h in with_analysis] == [h.chunk.id for h in without]
