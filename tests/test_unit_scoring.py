"""Unit tier: the pure scoring functions (fusion, coverage, answer types, answerability) on
tiny inline data, with exact expected values. No index, no model."""

import pytest

from assistant.analysis.answer_types import DATE, EMAIL, passage_types, question_types
from assistant.retrieval.fusion import (
    FUZZY_WEIGHT,
    contains,
    coverage,
    forms_of_one_word,
    max_normalised,
    min_max_normalised,
    similar_stems,
    weighted_sum,
)
from assistant.retrieval.retriever import held_or_words
from assistant.retrieval.subject import names_only_the_subject, without_subject

pytestmark = pytest.mark.unit


def test_max_normalised_divides_by_the_best_and_drops_an_all_zero_ranking():
    assert max_normalised({"a": 2.0, "b": 1.0, "c": 0.0}) == {"a": 1.0, "b": 0.5, "c": 0.0}
    assert max_normalised({"a": 0.0, "b": 0.0}) == {}
    assert max_normalised({}) == {}


def test_min_max_normalised_spreads_over_zero_to_one_and_flattens_ties():
    assert min_max_normalised({"a": 0.9, "b": 0.5, "c": 0.7}) == pytest.approx(
        {"a": 1.0, "b": 0.0, "c": 0.5}
    )
    assert min_max_normalised({"a": 0.3, "b": 0.3}) == {"a": 0.0, "b": 0.0}
    assert min_max_normalised({}) == {}


def test_weighted_sum_adds_weighted_scores_per_id():
    fused = weighted_sum([(0.6, {"a": 1.0, "b": 0.5}), (0.4, {"b": 1.0, "c": 0.25})])
    assert fused == pytest.approx({"a": 0.6, "b": 0.7, "c": 0.1})
    # The passage that both rankings like wins over the one only the heavier ranking likes.
    assert max(fused, key=fused.get) == "b"


def test_similar_stems_joins_forms_of_one_word_and_compound_heads_only():
    assert similar_stems("uruchomion", "uruchom")  # Polish forms Snowball leaves apart
    assert similar_stems("ansøgning", "ansøgningsskema")  # a compound's head
    assert not similar_stems("kontor", "kontrakt")
    assert not similar_stems("led", "ledig")  # short stems must match exactly


def test_forms_of_one_word_differ_only_in_an_ending_not_a_compound():
    assert forms_of_one_word("uruchomion", "uruchom")
    assert forms_of_one_word("nadzoruj", "nadzorowa")
    # A compound that begins with a word is another word: a member is not a member state.
    assert similar_stems("medlem", "medlemsstat")
    assert not forms_of_one_word("medlem", "medlemsstat")
    assert not forms_of_one_word("ansøgning", "ansøgningsskema")
    assert not forms_of_one_word("kontor", "kontrakt")
    assert contains({"medlemsstat"}, "medlem")
    assert not contains({"medlemsstat"}, "medlem", same_word=True)
    assert contains({"uruchomion"}, "uruchom", same_word=True)


def test_contains_finds_a_stem_itself_or_as_a_longer_form():
    stems = {"ansøgningsskema", "ai"}
    assert contains(stems, "ai")
    assert contains(stems, "ansøgning")
    assert not contains(stems, "pagt")
    assert not contains(stems, "a")  # too short for a fuzzy match


def test_coverage_weighs_by_idf_and_counts_another_form_a_little_less():
    idf = {"pagt": 3.0, "ai": 1.0, "ansøgning": 2.0}.__getitem__
    assert coverage(["pagt", "ai"], ["ai"], idf) == pytest.approx(1 / 4)
    assert coverage(["pagt", "ai"], ["pagt", "ai"], idf) == pytest.approx(1.0)
    assert coverage(["ansøgning"], ["ansøgningsskema"], idf) == pytest.approx(FUZZY_WEIGHT)
    assert coverage(["ai", "ai"], ["ai"], idf) == pytest.approx(1.0)  # repeats count once
    assert coverage([], ["ai"], idf) == 0.0


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Skriv til CNECT-AIOFFICE@ec.europa.eu for spørgsmål.", [EMAIL]),
        ("Fristen er den 27. marts 2024 kl. 12.00 CET.", [DATE]),
        ("Termin upływa 27 marca 2024 r.", [DATE]),
        ("Kontoret samarbejder med medlemsstaterne.", []),
    ],
)
def test_passage_types(text, expected):
    assert passage_types(text) == expected


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Hvad er e-mailadressen?", [EMAIL]),
        ("Jak mogę się skontaktować z urzędem?", [EMAIL]),
        ("Hvornår er fristen?", [DATE]),
        ("Kiedy uruchomiono pakiet?", [DATE]),
        ("Hvad laver AI-kontoret?", []),
    ],
)
def test_question_types(question, expected):
    assert question_types(question) == expected


def test_a_question_that_names_only_the_subject_is_about_the_subject_itself():
    english = frozenset({"office", "ai", "european", "eu"})
    polish = frozenset({"ai", "biuro", "ds", "urząd"})
    assert without_subject("What is the AI Office?", english) == "What is the ?"
    assert names_only_the_subject("What is the AI Office?", "en", english)
    assert names_only_the_subject("AI Office", "en", english)
    assert names_only_the_subject("Czym jest Biuro ds. AI?", "pl", polish)
    # Something besides the subject: the question asks about that.
    assert not names_only_the_subject("Can I apply for a job at the AI Office?", "en", english)
    # An abbreviation alone names a field, not the subject.
    assert not names_only_the_subject("What is AI?", "en", english)
    assert not names_only_the_subject("Co to jest AI?", "pl", polish)
    # No subject word at all.
    assert not names_only_the_subject("What is this?", "en", english)


def test_an_answer_types_token_counts_in_coverage_only_where_a_passage_holds_one():
    asked = ["forum", "opret", DATE]
    # Without a date the passage is judged on the question's words alone ...
    assert held_or_words(asked, {"forum", "opret"}) == ["forum", "opret"]
    assert (
        coverage(held_or_words(asked, {"forum", "opret"}), {"forum", "opret"}, lambda s: 1.0) == 1.0
    )
    # ... with one, the token adds to what it holds.
    assert held_or_words(asked, {"forum", DATE}) == asked
