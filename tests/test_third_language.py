"""Languages come from the corpus: a made-up page in a third language, dropped into corpus/
next to the real two with its manifest entry, is ingested and answers questions in its
language, with no change to the code."""

from __future__ import annotations

import pytest
from _robust import corpus_with_page

from assistant import Settings, ask, ingest

GERMAN_PAGE = """Skip to main content

Gestaltung der digitalen Zukunft Europas

Das Europäische Büro für Robotik

Das Europäische Büro für Robotik fördert sichere Roboter in der Landwirtschaft.

Aufgaben

Das Büro prüft jedes Jahr die Sicherheit von Melkrobotern auf Bauernhöfen.

Kontakt

Anfragen zum Büro richten Sie bitte an robotik-buero@example.eu.
"""


@pytest.fixture(scope="module")
def three_languages(tmp_path_factory) -> Settings:
    title = "Das Europäische Büro für Robotik"
    corpus = corpus_with_page(
        tmp_path_factory.mktemp("corpus"), "robotik", "de", title, GERMAN_PAGE
    )
    settings = Settings(index_dir=tmp_path_factory.mktemp("index"), corpus_dir=corpus)
    report = ingest(settings)
    assert report.languages["de"] == 3
    return settings


def test_a_page_in_a_third_language_answers_in_that_language(three_languages):
    answer = ask("Was prüft das Büro für Robotik jedes Jahr?", settings=three_languages)
    assert answer.language == "de"
    assert not answer.abstained
    assert answer.citations[0].passage_id.startswith("robotik/de/")
    assert "Melkrobotern" in answer.citations[0].quote
    assert answer.citations[0].url == "https://example.eu/de/robotik"
    assert "Melkrobotern" in answer.text


def test_the_real_pages_still_answer_beside_it(three_languages):
    answer = ask("Hvornår er fristen for interessetilkendegivelser?", settings=three_languages)
    assert answer.language == "da" and not answer.abstained
    assert answer.citations[0].passage_id.startswith("ai-office/da/")
    assert "27. marts 2024" in answer.text


def test_words_that_only_name_the_subject_come_from_the_site_file(settings):
    from assistant.index.opened import Index

    index = Index.open(settings)
    lexical = index.lexical["da"]
    # "office" names the subject in an English question: it proves nothing, so it is dropped;
    # "deadline" is a word of the question itself and stays.
    assert "office" in lexical.subject_words["en"]
    stems = lexical.analyse_query("office deadline", "en")
    assert not any(s.startswith("offic") for s in stems)
