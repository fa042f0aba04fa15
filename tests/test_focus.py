"""Words of the question a passage does not account for (`retrieval.focus`), and the
"not on the pages" decision they lead to (`answering.answerability`)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from assistant import ask
from assistant.analysis.question import analyse_question
from assistant.answering.answerability import (
    ANSWERED,
    MULTILINGUAL,
    NOT_ON_PAGE,
    Decision,
    focus_can_matter,
    lacks_focus,
)
from assistant.answering.engine import Engine
from assistant.answering.learned import Verdict
from assistant.index.opened import Index
from assistant.retrieval.focus import MAX_WORDS, removal_gains, unaccounted_words, without
from assistant.retrieval.retriever import HybridRetriever


@pytest.mark.unit
def test_only_content_words_the_passage_lacks_and_the_pages_never_use_are_checked():
    known = {"kontor", "arbejd"}
    found = unaccounted_words(
        "Kan man arbejde hjemmefra i kontoret?", "da", {"ansæt"}, lambda s: s in known
    )
    assert found == ["hjemmefra"]  # "kan", "man", "i" are function words; the rest are known


@pytest.mark.unit
def test_the_most_frequent_words_of_a_language_are_never_what_is_asked_about():
    # "mam" and "jeśli" are on no stop-word list here, but wordfreq knows them as function
    # words (once in a thousand words of Polish or more).
    found = unaccounted_words(
        "Do kogo mam napisać, jeśli mam pytanie?", "pl", set(), lambda s: False
    )
    assert found == ["napisać", "pytanie"]


def test_remnants_of_control_sequences_are_not_words_of_the_question():
    found = unaccounted_words("2JKiedy mija termin OECD xKiedy?", "pl", set(), lambda s: False)
    assert found == ["mija", "termin", "OECD"]


@pytest.mark.unit
def test_a_long_question_costs_a_few_encodings_at_most():
    unknown = ["ukendt" + "".join(chr(ord("a") + int(d)) for d in str(n)) for n in range(300)]
    found = unaccounted_words(" ".join(unknown), "da", set(), lambda s: False)
    assert found == unknown[:MAX_WORDS]


@pytest.mark.unit
def test_a_word_is_left_out_wherever_it_stands_and_only_as_a_whole_word():
    assert (
        without("Czy można pracować zdalnie? Zdalnie!", "zdalnie")
        == "Czy można pracować ? Zdalnie!"
    )
    assert without("deltid deltidsjob", "deltid") == "deltidsjob"


@pytest.mark.unit
def test_the_gain_is_how_much_closer_the_question_comes_without_the_word():
    sentences = {"p": np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)}
    query = np.array([0.6, 0.8], dtype=np.float32)  # best sentence: 0.8
    encoded = []

    def encode(texts):
        encoded.extend(texts)
        return np.array([[0.0, 1.0]], dtype=np.float32)  # without the word: 1.0

    gains = removal_gains(
        "Kan man arbejde hjemmefra?", {"p": ["hjemmefra"]}, sentences, query, encode, "fokus"
    )
    [(word, gain)] = gains["p"]
    assert word == "hjemmefra" and gain == pytest.approx(0.2, abs=1e-6)
    assert encoded == ["Kan man arbejde ? fokus"]
    assert removal_gains("Hvad?", {"p": []}, sentences, query, encode) == {}


def _hits(settings, question, language):
    """The question's hits with their focus gains, as answering asks for them."""
    index = Index.open(settings)
    retriever = HybridRetriever(index, index.embedder())
    hits = retriever.retrieve(question, language)
    return retriever.check_focus(hits, analyse_question(question, language, index))


@pytest.mark.parametrize(
    ("question", "language", "word"),
    [
        ("Czy w Biurze ds. AI można pracować z domu?", "pl", "domu"),
        ("Czy Biuro ds. AI ma stołówkę?", "pl", "stołówkę"),
    ],
)
def test_a_question_about_what_no_passage_says_is_not_on_the_pages(
    settings, question, language, word
):
    recruitment = next(
        h for h in _hits(settings, question, language) if h.chunk.id == "ai-office/pl/b030"
    )
    assert lacks_focus(recruitment, MULTILINGUAL) == word
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "not_on_page"
    assert answer.language == "pl"
    # The trained model may refuse it before the check is asked for; with the check on every
    # answer the rules would give, the check refuses it, naming the word.
    engine = Engine(settings, build_if_missing=False)
    engine.limits = replace(engine.limits, focus_unsure=(0.0, float("inf")), veto=0.0)
    checked = engine.answer(question)
    assert checked.abstained and checked.reason == "not_on_page"
    assert f'"{word}"' in checked.trace.why


def test_a_passage_the_unaccounted_word_only_pushes_away_less_does_not_answer(settings):
    # The recruitment passage does not account for "hjemmefra"; the newsletter passage is
    # pushed away by it less, but pushed away all the same: that is no answer either.
    question = "Kan man arbejde hjemmefra i AI-kontoret?"
    hits = _hits(settings, question, "da")
    gains = {h.chunk.id: dict(h.focus_gains).get("hjemmefra") for h in hits[:3]}
    assert gains["ai-office/da/b030"] >= MULTILINGUAL.focus_gain
    assert all(g is None or g > 0 for g in gains.values()), gains
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "not_on_page", answer.text
    # The trained model may refuse it before the check is asked for (it does since the fact
    # questions joined the written ones); with the check on every answer the rules would
    # give, the check refuses it, naming the word.
    engine = Engine(settings, build_if_missing=False)
    engine.limits = replace(engine.limits, focus_unsure=(0.0, float("inf")), veto=0.0)
    checked = engine.answer(question)
    assert checked.abstained and checked.reason == "not_on_page", checked.text
    assert '"hjemmefra"' in checked.trace.why


@pytest.mark.parametrize(
    ("question", "language", "passage_id"),
    [
        # Worded without the page's words: the words it lacks are synonyms of what it says.
        ("Czy Urząd ds. AI obecnie zatrudnia ludzi?", "pl", "ai-office/pl/b030"),
        ("Ansætter AI-kontoret folk for tiden?", "da", "ai-office/da/b030"),
    ],
)
def test_a_paraphrase_keeps_its_answer(settings, question, language, passage_id):
    hit = next(h for h in _hits(settings, question, language) if h.chunk.id == passage_id)
    assert lacks_focus(hit, MULTILINGUAL) == ""
    answer = ask(question, settings=settings)
    assert not answer.abstained
    assert answer.citations[0].passage_id == passage_id


def test_the_focus_check_runs_only_where_the_rules_answer_and_the_model_is_unsure():
    answered = Decision(ANSWERED, "the rules answer")
    refused = Decision(NOT_ON_PAGE, "the rules refuse")
    low, high = MULTILINGUAL.focus_unsure

    def verdict(p_answered: float) -> Verdict:
        return Verdict(
            outcome=ANSWERED,
            probabilities={ANSWERED: p_answered, NOT_ON_PAGE: 1 - p_answered},
        )

    assert focus_can_matter(answered, verdict((low + high) / 2), MULTILINGUAL)
    assert focus_can_matter(answered, verdict(low), MULTILINGUAL)
    assert not focus_can_matter(answered, verdict(high), MULTILINGUAL)
    assert not focus_can_matter(answered, verdict(low / 2), MULTILINGUAL)
    assert not focus_can_matter(refused, verdict((low + high) / 2), MULTILINGUAL)
    # Without a trained model the check is all there is between the rules and an answer.
    assert focus_can_matter(answered, None, MULTILINGUAL)


@pytest.mark.parametrize(
    ("question", "abstained", "passage"),
    [
        # The model is sure it is answered: "jobs" and "folk" are words no passage uses, and
        # checking them would cost three more encodings for the same answer.
        ("Hvilke jobs søger AI-kontoret folk til?", False, "ai-office/da/b030"),
        # The model is sure it is not: "hjemmefra" is not checked either.
        ("Kan man arbejde hjemmefra, hvis man bliver ansat?", True, None),
    ],
)
def test_a_question_the_model_is_sure_of_is_encoded_once(settings, question, abstained, passage):
    engine = Engine(settings, build_if_missing=False)
    encoded: list[str] = []
    encode = engine.retriever.embedder.encode_queries

    def counting(texts):
        encoded.extend(texts)
        return encode(texts)

    engine.retriever.embedder.encode_queries = counting
    answer = engine.answer(question)
    assert answer.abstained is abstained
    if passage:
        assert answer.citations[0].passage_id == passage
    assert encoded == [question]

    # Checking every answer the rules would give encodes the question without each word.
    encoded.clear()
    engine.retriever._recent.clear()
    engine.limits = replace(engine.limits, focus_unsure=(0.0, float("inf")))
    assert engine.answer(question).abstained is abstained
    assert len(encoded) > 1
