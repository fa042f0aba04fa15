"""The page's own words: every language has every text, and the page follows the
conversation's language (Danish, Polish, else English)."""

from __future__ import annotations

import json

import pytest

from assistant.web.ui_text import (
    UI_TEXT,
    auth_message,
    examples,
    forced_language,
    language_choices,
    language_from_header,
    language_name,
    page_adjective,
    page_language,
    ui_text,
)


def test_every_page_language_has_every_text():
    keys = set(UI_TEXT["en"])
    for language, texts in UI_TEXT.items():
        assert set(texts) == keys, language
        assert all(text.strip() for text in texts.values()), language


def test_page_language_follows_da_and_pl_else_english():
    assert page_language("da") == "da"
    assert page_language("pl") == "pl"
    assert page_language("de") == "en"
    assert page_language(None) == "en"


def test_ui_text_fills_in_values_even_one_called_language():
    assert ui_text("send", "pl") == "Zapytaj"
    assert ui_text("send", "sv") == "Ask"
    assert ui_text("language_line", "da", language="polsk") == "Sprog: polsk"


def test_language_names_and_page_adjectives():
    assert language_name("da", "pl") == "duński"
    assert language_name("de", "da") == "tysk"
    assert language_name("xx", "da") == "xx"
    assert page_adjective("pl", "da") == "polske"
    assert page_adjective("da", "en") == "Danish"


def test_language_choices_name_each_language_in_itself():
    assert language_choices("pl") == [("Automatycznie", "auto"), ("Dansk", "da"), ("Polski", "pl")]
    assert language_choices("da")[0] == ("Automatisk", "auto")


@pytest.mark.parametrize(
    "choice,forced", [("auto", None), ("da", "da"), ("pl", "pl"), ("", None), (None, None)]
)
def test_forced_language(choice, forced):
    assert forced_language(choice) == forced


@pytest.mark.parametrize(
    "header,language",
    [
        ("da-DK,da;q=0.9,en;q=0.8", "da"),
        ("pl-PL,pl;q=0.9", "pl"),
        ("de-DE,de;q=0.9,pl;q=0.5,da;q=0.4", "pl"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE", "en"),
        ("da;q=0.2,pl;q=0.8", "pl"),
        ("da;q=bogus,pl", "pl"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_from_accept_language_header(header, language):
    assert language_from_header(header) == language


def test_examples_title_and_login_words_come_from_the_corpus_site_file():
    assert any("interessetilkendegivelser" in q for q in examples())
    assert any("termin zgłoszeń" in q for q in examples())
    assert ui_text("title", "da") == "Spørg om Det Europæiske AI-kontor"
    assert "Europejski Urząd ds. AI" in auth_message()


def test_another_site_gets_its_own_words_and_generic_ones_without_a_site_file(
    tmp_path, monkeypatch
):
    site = {"title": {"en": "Ask about the Robotics Office"}, "examples": []}
    (tmp_path / "site.json").write_text(json.dumps(site), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path))
    assert ui_text("title", "en") == "Ask about the Robotics Office"
    assert ui_text("title", "da") == "Spørg om siderne"  # no Danish title: the generic one
    assert examples() == ()
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(tmp_path / "elsewhere"))
    assert ui_text("title", "pl") == "Zapytaj o strony"
