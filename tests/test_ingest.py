"""Ingestion: idempotent, picks up new pages, atomic, and tied to its model."""

import json
import shutil

import pytest

from assistant import CorpusError, IndexUnavailableError, ask, ingest
from assistant.index.layout import active_build
from assistant.index.opened import Index
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings


@pytest.fixture()
def corpus_copy(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(PROJECT_DIR / "corpus", folder)
    return folder


def _snapshot(folder):
    return {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_reingesting_an_unchanged_corpus_changes_nothing(tmp_path, corpus_copy):
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy)._normalised()
    first = ingest(settings)
    assert first.changed and first.passages == 74 and first.languages == {"da": 37, "pl": 37}
    before = _snapshot(settings.index_dir / "builds")
    second = ingest(settings)
    assert not second.changed and second.build_id == first.build_id
    assert _snapshot(settings.index_dir / "builds") == before
    index = Index.open(settings)
    assert index.store.count() == 74  # no duplicated vectors
    assert sorted(index.store.ids()) == sorted(index.passages)


def test_a_new_page_in_the_corpus_is_picked_up(tmp_path, corpus_copy):
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy)._normalised()
    first = ingest(settings)
    (corpus_copy / "vejledning.da.txt").write_text(
        "Vejledning\n\nKontorets kantine serverer smørrebrød hver fredag kl. 11.30.\n", "utf-8"
    )
    manifest = json.loads((corpus_copy / "manifest.json").read_text("utf-8"))
    manifest["pages"].append(
        {
            "file": "vejledning.da.txt",
            "page": "vejledning",
            "language": "da",
            "url": "https://example.org/vejledning",
            "title": "Vejledning",
        }
    )
    (corpus_copy / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    second = ingest(settings)
    assert second.changed and second.passages == 75
    assert second.reused_embeddings == 74  # unchanged passages are not embedded again
    assert not (settings.index_dir / "builds" / first.build_id).exists()  # old build removed
    answer = ask("Hvornår serverer kantinen smørrebrød?", settings=settings)
    assert answer.citations[0].url == "https://example.org/vejledning"
    assert "fredag kl. 11.30" in answer.text


def test_a_bad_corpus_stops_ingestion_and_leaves_the_index_alone(tmp_path, corpus_copy):
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus_copy)._normalised()
    ingest(settings)
    active = active_build(settings.index_dir)
    (corpus_copy / "ai-office.pl.txt").write_text("   \n", "utf-8")
    with pytest.raises(CorpusError, match="ai-office.pl.txt: the file is empty"):
        ingest(settings)
    assert active_build(settings.index_dir) == active
    assert Index.open(settings).store.count() == 74


def test_ask_builds_a_missing_index_on_first_use(tmp_path):
    index_dir = tmp_path / "fresh"
    answer = ask("Hvad er AI-pagten?", index_dir=index_dir)
    assert answer.citations[0].passage_id == "ai-office/da/b027"
    assert active_build(index_dir) is not None


def test_an_index_built_with_another_model_is_never_used_silently(settings):
    with pytest.raises(IndexUnavailableError, match="built with model"):
        ask("Hvad er AI-pagten?", settings=settings, model="intfloat/multilingual-e5-base")


@pytest.mark.unit
def test_the_active_build_is_read_anew_whenever_the_marker_changes(tmp_path, monkeypatch):
    """The marker is read once per version of the file (one stat a question after that):
    a switch, however soon after the last, and a marker damaged in place are both seen."""
    import os
    import time

    from assistant.index import layout
    from assistant.index.layout import ACTIVE, switch_active

    assert active_build(tmp_path) is None
    names = ["a" * 16, "b" * 16, "c" * 16, "d" * 16]  # the same length, as build ids are
    for name in names:
        switch_active(tmp_path, name)
        assert active_build(tmp_path) == tmp_path / "builds" / name
        assert active_build(tmp_path) == tmp_path / "builds" / name
    (tmp_path / ACTIVE).write_text("../../etc/passwd", "utf-8")  # 16 letters too, in place
    assert active_build(tmp_path) is None
    # A marker older than a clock tick is remembered by its stat, and still read anew when
    # it changes.
    switch_active(tmp_path, names[0])
    old = time.time_ns() - 10 * layout.RACY_NS
    os.utime(tmp_path / ACTIVE, ns=(old, old))
    monkeypatch.setattr(layout, "RACY_NS", 0)  # its change time is now: count it old too
    assert active_build(tmp_path) == tmp_path / "builds" / names[0]
    assert str(tmp_path / ACTIVE) in layout._last_read
    switch_active(tmp_path, names[1])
    assert active_build(tmp_path) == tmp_path / "builds" / names[1]
    (tmp_path / ACTIVE).unlink()
    assert active_build(tmp_path) is None
