"""Sentences, stems and glued words."""

import pytest

from assistant.analysis.text import content_stems, sentences, split_glued

pytestmark = pytest.mark.unit


def test_sentences_keep_dates_times_and_abbreviations_whole():
    da = (
        "Læs mere i meddelelsen Fristen er den 27. marts 2024 kl. 12.00 CET. Du kan "
        "tilkendegive din interesse."
    )
    assert sentences(da) == [
        "Læs mere i meddelelsen Fristen er den 27. marts 2024 kl. 12.00 CET.",
        "Du kan tilkendegive din interesse.",
    ]
    pl = "Europejski Urząd ds. AI będzie centrum. W styczniu 2024 r. Komisja uruchomiła pakiet."
    assert sentences(pl) == [
        "Europejski Urząd ds. AI będzie centrum.",
        "W styczniu 2024 r. Komisja uruchomiła pakiet.",
    ]


def test_glued_words_are_split_when_both_halves_are_known():
    vocabulary = frozenset({"celu", "akt", "af", "reglerne"})
    assert split_glued("celuakt", vocabulary) == ["celuakt", "celu", "akt"]
    assert split_glued("håndhævelseaf", vocabulary) == ["håndhævelseaf", "håndhævelse", "af"]
    assert split_glued("reglerne", vocabulary) == ["reglerne"]


def test_camel_case_glue_is_split():
    assert "panel" in content_stems("PanelNaukowy", "pl")
    assert "ue" in content_stems("UEdąży", "pl")


def test_long_words_are_not_cut_to_colliding_short_stems():
    # Snowball gives "led" for both; "who leads" must not match "vacancies".
    assert content_stems("leder", "da") != content_stems("ledige", "da")
