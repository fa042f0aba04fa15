"""The vector cache: text encoded once is read back, bit for bit, by any later build."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace

import numpy as np
import pytest

from assistant import ask, ingest
from assistant.index.layout import active_build
from assistant.index.vector_cache import PASSAGE, QUERY, VectorCache, _key
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings


class CountingEncoder:
    """A stand-in for the model that records what it was asked to encode."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], dtype=np.float32)


@pytest.mark.unit
def test_known_texts_are_read_back_and_only_new_ones_encoded(tmp_path):
    encoder = CountingEncoder()
    first = VectorCache(tmp_path, "model-a").encoding(encoder, PASSAGE)(["ab", "cde", "ab"])
    cache = VectorCache(tmp_path, "model-a")  # another build, another process: the same file
    second = cache.encoding(encoder, PASSAGE)(["cde", "fghi", "ab"])
    assert encoder.calls == [["ab", "cde"], ["fghi"]]  # each text once, duplicates too
    assert cache.hits == 2
    np.testing.assert_array_equal(second[[0, 2]], first[[1, 0]])
    assert second.dtype == np.float32 and second.shape == (3, 3)


@pytest.mark.unit
def test_roles_and_models_do_not_share_vectors(tmp_path):
    encoder = CountingEncoder()
    VectorCache(tmp_path, "model-a").encoding(encoder, PASSAGE)(["ab"])
    VectorCache(tmp_path, "model-a").encoding(encoder, QUERY)(["ab"])
    VectorCache(tmp_path, "model-b").encoding(encoder, PASSAGE)(["ab"])
    assert encoder.calls == [["ab"], ["ab"], ["ab"]]
    assert len(list(tmp_path.glob("*.sqlite3"))) == 2


@pytest.mark.unit
def test_a_damaged_cache_file_is_set_aside_and_nothing_is_lost(tmp_path, caplog):
    cache = VectorCache(tmp_path, "model-a")
    cache.path.write_bytes(b"this is not a database" * 100)
    encoder = CountingEncoder()
    with caplog.at_level(logging.WARNING, logger="assistant.index.vector_cache"):
        vectors = cache.encoding(encoder, PASSAGE)(["ab", "cde"])
    assert encoder.calls == [["ab", "cde"]] and vectors.shape == (2, 3)
    assert "could not be used" in caplog.text and "encodes every text" in caplog.text
    assert "not a database" not in caplog.text  # the file's content is never echoed
    assert not cache.path.exists()  # removed: the next build starts a sound one
    again = VectorCache(tmp_path, "model-a")
    again.encoding(encoder, PASSAGE)(["ab"])
    VectorCache(tmp_path, "model-a").encoding(encoder, PASSAGE)(["ab"])
    assert encoder.calls[1:] == [["ab"]]  # written once by the new file, then read


def _pages_only(folder):
    """The shipped pages without their written questions: a build in seconds."""
    folder.mkdir()
    for name in ("manifest.json", "site.json", "ai-office.da.txt", "ai-office.pl.txt"):
        shutil.copy(PROJECT_DIR / "corpus" / name, folder / name)
    return folder


def test_a_new_index_folder_reads_every_vector_from_the_cache(tmp_path):
    corpus = _pages_only(tmp_path / "corpus")
    first = Settings(
        index_dir=tmp_path / "one", corpus_dir=corpus, vector_cache_dir=tmp_path / "vectors"
    )
    second = replace(first, index_dir=tmp_path / "two")
    built = ingest(first)
    assert built.changed and built.reused_embeddings == 0 and built.embedded == 74
    again = ingest(second)
    assert again.changed and again.reused_embeddings == 74 and again.embedded == 0
    one, two = active_build(first.index_dir), active_build(second.index_dir)
    for name in ("embeddings.npy", "sentences.npy"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    answers = [ask("Hvad er AI-pagten?", settings=s) for s in (first, second)]
    assert answers[0].citations[0].passage_id == "ai-office/da/b027"
    assert answers[0].text == answers[1].text
    assert answers[0].citations == answers[1].citations


@pytest.mark.unit
def test_the_cache_is_bounded_and_drops_what_was_read_longest_ago(tmp_path):
    encoder = CountingEncoder()
    VectorCache(tmp_path, "model-a", max_vectors=3).encoding(encoder, PASSAGE)(["a", "bb", "ccc"])
    VectorCache(tmp_path, "model-a", max_vectors=3).encoding(encoder, PASSAGE)(["a"])  # read: kept
    VectorCache(tmp_path, "model-a", max_vectors=3).encoding(encoder, PASSAGE)(["dddd"])
    cache = VectorCache(tmp_path, "model-a", max_vectors=3)
    cache.encoding(encoder, PASSAGE)(["a", "ccc", "dddd"])
    assert cache.hits == 3  # "bb", read longest ago, made room for "dddd"
    VectorCache(tmp_path, "model-a", max_vectors=3).encoding(encoder, PASSAGE)(["bb"])
    assert encoder.calls == [["a", "bb", "ccc"], ["dddd"], ["bb"]]


@pytest.mark.unit
def test_a_cache_file_from_before_the_bound_keeps_its_vectors(tmp_path):
    cache = VectorCache(tmp_path, "model-a")
    vector = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    with closing(sqlite3.connect(cache.path)) as db, db:
        db.execute("CREATE TABLE vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("INSERT INTO vectors VALUES (?, ?)", (_key(PASSAGE, "ab"), vector.tobytes()))
    encoder = CountingEncoder()
    got = cache.encoding(encoder, PASSAGE)(["ab", "cde"])
    np.testing.assert_array_equal(got[0], vector)
    assert encoder.calls == [["cde"]]
    again = VectorCache(tmp_path, "model-a")
    again.encoding(encoder, PASSAGE)(["ab", "cde"])
    assert again.hits == 2 and encoder.calls == [["cde"]]
