"""A bad corpus stops ingestion with a message naming the file and what is wrong, and the
index that was there keeps answering, untouched."""

from __future__ import annotations

import json
import shutil

import pytest
from _robust import assert_answers_right, copy_index, run_cli, snapshot

from assistant import CorpusError, ingest
from assistant.index.layout import active_build


def _manifest(corpus):
    return json.loads((corpus / "manifest.json").read_text("utf-8"))


def _add_entry(corpus, **entry):
    manifest = _manifest(corpus)
    manifest["pages"].append(
        {"url": "https://example.org/side", "title": "Side", "page": "side", **entry}
    )
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


def _empty_file(corpus):
    (corpus / "ai-office.pl.txt").write_text("", "utf-8")
    return "ai-office.pl.txt", "the file is empty"


def _blank_file(corpus):
    (corpus / "ai-office.da.txt").write_text(" \n\n\t \n", "utf-8")
    return "ai-office.da.txt", "the file is empty"


def _language_that_is_no_language(corpus):
    manifest = _manifest(corpus)
    manifest["pages"][1]["language"] = "polish?"
    (corpus / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return "ai-office.pl.txt", "language 'polish?' is not supported: give its ISO 639-1 code"


def _entry_pointing_nowhere(corpus):
    _add_entry(corpus, file="vejledning.da.txt", language="da")
    return "vejledning.da.txt", "named in the manifest but the file does not exist"


def _duplicate_page(corpus):
    (corpus / "ai-office-kopi.da.txt").write_text("Kopi\n\nEn anden tekst.\n", "utf-8")
    _add_entry(corpus, file="ai-office-kopi.da.txt", language="da", page="ai-office")
    return (
        "ai-office-kopi.da.txt",
        "duplicate page: 'ai-office' in 'da' is already ai-office.da.txt",
    )


def _duplicate_text(corpus):
    shutil.copy(corpus / "ai-office.pl.txt", corpus / "biuro.pl.txt")
    _add_entry(corpus, file="biuro.pl.txt", language="pl", page="biuro")
    return "biuro.pl.txt", "duplicate page: same text as ai-office.pl.txt"


BREAKAGES = [
    _empty_file,
    _blank_file,
    _language_that_is_no_language,
    _entry_pointing_nowhere,
    _duplicate_page,
    _duplicate_text,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__.strip("_"))
def test_a_bad_corpus_stops_ingestion_and_the_index_keeps_answering(settings, tmp_path, breakage):
    mine = copy_index(settings, tmp_path)
    assert not ingest(mine).changed  # the copy is the up-to-date index of the copied corpus
    active = active_build(mine.index_dir)
    before = snapshot(mine.index_dir)

    file, problem = breakage(mine.corpus_dir)
    expected = f"{mine.corpus_dir / file}: {problem}"

    with pytest.raises(CorpusError) as raised:
        ingest(mine)
    assert str(raised.value).startswith(expected), str(raised.value)

    result = run_cli(mine, "ingest", "--quiet")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Ingesting ")]
    assert errors == [f"error: {raised.value}"], result.stderr  # one line, no traceback
    assert result.stdout == ""

    assert active_build(mine.index_dir) == active
    assert snapshot(mine.index_dir) == before  # not a byte touched
    assert_answers_right(mine)


def test_a_page_in_a_language_without_a_stemmer_is_read_with_a_warning(settings, tmp_path):
    # Icelandic: a real language with no Snowball stemmer and no lemmatizer here. It used to
    # be refused; it is read with its words lower-cased, and ingestion says so.
    mine = copy_index(settings, tmp_path)
    (mine.corpus_dir / "gervigreind.is.txt").write_text(
        "Gervigreindarskrifstofan\n\nSkrifstofan er í Brussel.\n", "utf-8"
    )
    _add_entry(mine.corpus_dir, file="gervigreind.is.txt", language="is")
    result = run_cli(mine, "ingest", "--quiet")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings[0] == (
        "warning: language 'is' (gervigreind.is.txt): no stemmer or lemmatizer: words are "
        "matched as written, lower-cased"
    )
    assert "1 is" in result.stdout  # its sentence is a passage (the title heads it)
    assert_answers_right(mine)
