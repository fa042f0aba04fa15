"""A damaged or missing index is rebuilt (by `ask()`, `assistant ask` and `assistant ingest`),
or refused with a message that says what to run."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from _robust import DEADLINE, assert_answers_right, assert_deadline, copy_index, run_cli

from assistant import IndexUnavailableError, ask, ingest
from assistant.index.layout import active_build
from assistant.index.opened import Index


def _store_dir(index_dir):
    """The active build's embedded Chroma folder, as its manifest names it."""
    build = active_build(index_dir)
    return build / json.loads((build / "index.json").read_text("utf-8"))["store"]["path"]


def _delete_chroma(index_dir):
    shutil.rmtree(_store_dir(index_dir))


def _truncate_passages(index_dir):
    path = active_build(index_dir) / "passages.json"
    path.write_bytes(path.read_bytes()[:500])


def _binary_garbage_in_active(index_dir):
    (index_dir / "ACTIVE").write_bytes(b"\xff\xfe\x00garbage\x9b\x00\n" + bytes(range(256)))


def _text_garbage_in_active(index_dir):
    (index_dir / "ACTIVE").write_text("../../../etc/passwd\n", "utf-8")


def _empty_active(index_dir):
    (index_dir / "ACTIVE").write_text("", "utf-8")


def _garbage_chroma_sqlite(index_dir):
    sqlite = _store_dir(index_dir) / "chroma.sqlite3"
    sqlite.write_bytes(b"this is not a database" * 500)


def _truncate_chroma_sqlite(index_dir):
    sqlite = _store_dir(index_dir) / "chroma.sqlite3"
    sqlite.write_bytes(sqlite.read_bytes()[:8192])


def _garbage_manifest(index_dir):
    (active_build(index_dir) / "index.json").write_text("{not json", "utf-8")


def _delete_lexical(index_dir):
    shutil.rmtree(active_build(index_dir) / "lexical")


def _garbage_embeddings(index_dir):
    (active_build(index_dir) / "embeddings.npy").write_bytes(b"\x93NUMPY garbage" * 10)


def _delete_question_words(index_dir):
    (active_build(index_dir) / "question_words.npz").unlink()
    (active_build(index_dir) / "question_words.json").unlink()


def _delete_unanswered_words(index_dir):
    (active_build(index_dir) / "unanswered_words.npz").unlink()
    (active_build(index_dir) / "unanswered_words.json").unlink()


def _delete_build(index_dir):
    shutil.rmtree(active_build(index_dir))


def _delete_index(index_dir):
    shutil.rmtree(index_dir)


# Damage to what a question reads: the index cannot open, and `ask()` rebuilds it.
UNREADABLE = [
    _truncate_passages,
    _binary_garbage_in_active,
    _text_garbage_in_active,
    _empty_active,
    _garbage_manifest,
    _delete_lexical,
    _garbage_embeddings,
    _delete_question_words,
    _delete_unanswered_words,
    _delete_build,
    _delete_index,
]
# Damage to the Chroma store only: questions read the build's own copy of the vectors
# (embeddings.npy), so they are still answered; `assistant ingest` repairs the store.
STORE_ONLY = [_delete_chroma, _garbage_chroma_sqlite, _truncate_chroma_sqlite]


def _name(damage):
    return damage.__name__.strip("_")


def _assert_whole(settings):
    """The active build opens, and Chroma holds exactly its passages."""
    index = Index.open(settings)
    assert len(index.passages) == 74
    assert index.store.count() == 74
    assert sorted(index.store.ids()) == sorted(index.passages)
    leftovers = [p.name for p in (settings.index_dir / "builds").iterdir() if p != index.folder]
    assert leftovers == []


@pytest.mark.parametrize("damage", UNREADABLE, ids=_name)
def test_ask_rebuilds_an_unreadable_index_and_answers_right(settings, tmp_path, damage):
    mine = copy_index(settings, tmp_path)
    damage(mine.index_dir)
    if damage is not _delete_index:
        with pytest.raises(IndexUnavailableError, match="Run `assistant ingest`"):
            Index.open(mine)
    assert_deadline(ask(DEADLINE["da"][0], settings=mine), "da")
    assert_deadline(ask(DEADLINE["pl"][0], settings=mine), "pl")
    _assert_whole(mine)


@pytest.mark.parametrize("damage", STORE_ONLY, ids=_name)
def test_a_damaged_chroma_store_still_answers_and_ingest_repairs_it(settings, tmp_path, damage):
    mine = copy_index(settings, tmp_path)
    active = active_build(mine.index_dir)
    damage(mine.index_dir)
    assert_answers_right(mine)
    assert active_build(mine.index_dir) == active  # answered as it was, not rebuilt
    report = ingest(mine)  # what the damage message says to run
    assert report.changed and report.passages == 74
    _assert_whole(mine)
    assert_answers_right(mine)


# (A garbage ONNX graph, for models encoded that way: tests/test_embedding_backends.py.)
@pytest.mark.parametrize("damage", [_truncate_passages], ids=_name)
def test_assistant_ingest_repairs_what_the_message_tells_to_run_it_for(settings, tmp_path, damage):
    """The message says "Run `assistant ingest`": that must repair the index, not report an
    unchanged corpus as up to date."""
    mine = copy_index(settings, tmp_path)
    damage(mine.index_dir)
    with pytest.raises(IndexUnavailableError, match="Run `assistant ingest` to rebuild it"):
        Index.open(mine)
    result = run_cli(mine, "ingest", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built index ") and "74 passages" in result.stdout
    _assert_whole(mine)
    assert_answers_right(mine)


@pytest.mark.parametrize("damage", [_binary_garbage_in_active, _delete_chroma], ids=_name)
def test_assistant_ask_on_a_damaged_index_answers_right(settings, tmp_path, damage):
    mine = copy_index(settings, tmp_path)
    damage(mine.index_dir)
    result = run_cli(mine, "ask", "--json", DEADLINE["pl"][0])
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    answer = json.loads(result.stdout)
    assert answer["language"] == "pl" and DEADLINE["pl"][1] in answer["text"]
    assert answer["citations"][0]["url"].endswith("/pl/policies/ai-office")


def test_assistant_ask_says_what_to_run_when_it_cannot_rebuild(settings, tmp_path):
    """A damaged index built with another model is not rebuilt behind the user's back."""
    mine = copy_index(settings, tmp_path)
    manifest_path = active_build(mine.index_dir) / "index.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["model_fingerprint"] = "some-other-model@000000000000"
    manifest["model"] = "some-other-model"
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    result = run_cli(mine, "ask", DEADLINE["da"][0])
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: ") and "Run `assistant ingest" in line
    assert "Traceback" not in result.stderr
    assert os.path.isfile(manifest_path)  # refused, not rebuilt
