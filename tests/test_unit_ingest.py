"""Unit tier: reading a corpus and cutting it into passages, on tiny inline pages.

Covers the manifest checks, the passage structure (sections, bullets, lead-ins, chrome and
image descriptions), stable ids, and the block alignment of translations checked at
ingestion (misaligned pages lose their links, with a warning)."""

import json
import logging

import pytest

from assistant.errors import CorpusError
from assistant.ingest.chunking import chunk_page, chunk_pages
from assistant.ingest.corpus import Page, corpus_fingerprint, load_pages

pytestmark = pytest.mark.unit

DA = """Menu  Søg  Log ind

Kontoret

Kontoret hjælper virksomheder. Det åbnede i 2024.

   Et billede af en bygning.

Opgaver

Kontoret gør tre ting:

• Det rådgiver.
• Det fører tilsyn.

Skriv til kontor@example.eu."""

PL = """Menu  Szukaj

Urząd

Urząd pomaga firmom. Otwarto go w 2024 r.

   Zdjęcie budynku.

Zadania

Urząd robi trzy rzeczy:

• Doradza.
• Nadzoruje.

Napisz na kontor@example.eu."""


def _page(language: str, text: str, title: str) -> Page:
    return Page(f"p.{language}.txt", "p", language, f"https://x.eu/{language}", title, text)


def test_a_page_becomes_paragraph_and_bullet_passages_under_their_headings():
    chunks = chunk_page(_page("da", DA, "Kontoret"))
    assert [(c.id, c.section, c.text) for c in chunks] == [
        ("p/da/b002", "Kontoret", "Kontoret hjælper virksomheder. Det åbnede i 2024."),
        ("p/da/b005", "Opgaver", "Kontoret gør tre ting:"),
        ("p/da/b006.00", "Opgaver", "Det rådgiver."),
        ("p/da/b006.01", "Opgaver", "Det fører tilsyn."),
        ("p/da/b007", "Opgaver", "Skriv til kontor@example.eu."),
    ]
    # A bullet keeps its list's lead-in for search, not in its quoted text.
    assert chunks[2].context == "Kontoret gør tre ting:"
    assert chunks[2].search_text == "Opgaver\nKontoret gør tre ting:\nDet rådgiver."


def test_aligned_translations_link_passage_to_passage():
    chunks = {c.id: c for c in chunk_pages([_page("da", DA, "Kontoret"), _page("pl", PL, "Urząd")])}
    assert chunks["p/da/b006.01"].translations == {"pl": "p/pl/b006.01"}
    assert chunks["p/pl/b007"].translations == {"da": "p/da/b007"}


def test_misaligned_translations_lose_their_links_with_a_warning(caplog):
    # The Polish capture has one paragraph split in two: block i no longer matches block i.
    split = PL.replace("Urząd pomaga firmom. ", "Urząd pomaga firmom.\n\n")
    with caplog.at_level(logging.WARNING):
        chunks = chunk_pages([_page("da", DA, "Kontoret"), _page("pl", split, "Urząd")])
    assert all(c.translations == {} for c in chunks)
    assert "page 'p'" in caplog.text and "da and pl" in caplog.text
    assert "do not line up" in caplog.text


def test_a_third_language_links_only_where_it_lines_up(caplog):
    de = DA.replace("Kontoret hjælper", "Das Büro hilft").replace("• Det fører tilsyn.\n", "")
    pages = [_page("da", DA, "Kontoret"), _page("pl", PL, "Urząd"), _page("de", de, "Kontoret")]
    with caplog.at_level(logging.WARNING):
        chunks = {c.id: c for c in chunk_pages(pages)}
    assert chunks["p/da/b002"].translations == {"pl": "p/pl/b002"}
    assert chunks["p/de/b002"].translations == {}
    assert "de and pl" in caplog.text and "da and pl" not in caplog.text


def _corpus(tmp_path, entries, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    (tmp_path / "manifest.json").write_text(json.dumps({"pages": entries}), "utf-8")
    return tmp_path


def _entry(language, file=None):
    file = file or f"p.{language}.txt"
    return {"file": file, "page": "p", "language": language, "url": "u", "title": "Kontoret"}


def test_load_pages_reads_what_the_manifest_names(tmp_path):
    corpus = _corpus(tmp_path, [_entry("da"), _entry("pl")], {"p.da.txt": DA, "p.pl.txt": PL})
    pages = load_pages(corpus)
    assert [(p.language, p.file) for p in pages] == [("da", "p.da.txt"), ("pl", "p.pl.txt")]
    assert pages[0].text == DA
    # The fingerprint follows the text and nothing else about the folder.
    assert corpus_fingerprint(pages) == corpus_fingerprint(list(reversed(pages)))
    changed = [pages[0], _page("pl", PL + " Nyt.", "Kontoret")]
    assert corpus_fingerprint(changed) != corpus_fingerprint(pages)


@pytest.mark.parametrize(
    "entries,files,message",
    [
        ([_entry("da")], {}, "does not exist"),
        ([_entry("da")], {"p.da.txt": "  \n"}, "empty"),
        ([_entry("da"), _entry("da", "q.da.txt")], {"p.da.txt": DA, "q.da.txt": PL}, "duplicate"),
        ([_entry("da"), _entry("pl")], {"p.da.txt": DA, "p.pl.txt": DA}, "same text"),
        ([], {}, "lists no pages"),
        ([{"file": "p.da.txt"}], {"p.da.txt": DA}, "lacks field"),
    ],
)
def test_a_bad_corpus_is_refused_naming_what_is_wrong(tmp_path, entries, files, message):
    with pytest.raises(CorpusError, match=message):
        load_pages(_corpus(tmp_path, entries, files))


def test_a_missing_manifest_says_how_to_make_one(tmp_path):
    with pytest.raises(CorpusError, match="manifest not found"):
        load_pages(tmp_path)
