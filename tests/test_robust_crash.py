"""An ingestion killed mid-build leaves the previous index whole; the next one completes and
clears the leftovers. Two ingestions at once leave one consistent index."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from _robust import (
    DEADLINE,
    assert_answers_right,
    assert_deadline,
    cli_env,
    copy_index,
    snapshot,
)

from assistant import ask, ingest
from assistant.index.layout import active_build
from assistant.index.opened import Index

NEW_PAGE_URL = "https://example.org/vejledning"
NEW_QUESTION = "Hvornår serverer kantinen smørrebrød?"
NEW_FACT = "fredag kl. 11.30"

# Runs `assistant ingest`, but stops in the middle of writing the Chroma store: the first
# vectors are written, then it says so in a marker file and sleeps until it is killed.
HALF_WRITE = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import assistant.index.store as store

    marker = Path(sys.argv[1])
    original = store.VectorStore.add

    def add_half_then_hang(self, chunks, embeddings, *rest):
        original(self, chunks[:10], embeddings[:10], *rest)
        marker.write_text(str(os.getpid()))
        time.sleep(600)

    store.VectorStore.add = add_half_then_hang
    from assistant.cli import main
    sys.exit(main(sys.argv[2:]))
    """
)


def _add_page(corpus):
    """Change the corpus: one new Danish page, so the next build is a different one."""
    (corpus / "vejledning.da.txt").write_text(
        "Vejledning\n\nKontorets kantine serverer smørrebrød hver fredag kl. 11.30.\n", "utf-8"
    )
    manifest = json.loads((corpus / "manifest.json").read_text("utf-8"))
    manifest["pages"].append(
        {
            "file": "vejledning.da.txt",
            "page": "vejledning",
            "language": "da",
            "url": NEW_PAGE_URL,
            "title": "Vejledning",
        }
    )
    (corpus / "manifest.json").write_text(json.dumps(manifest), "utf-8")


def _partials(settings):
    return sorted((settings.index_dir / "builds").glob("*.partial-*"))


def _wait_for(condition, process, timeout=300.0, step=0.002):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"ingestion ended (exit {process.returncode}) first:\n{out}\n{err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("ingestion never reached the point to kill it at")
        time.sleep(step)


def _kill(process):
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


def _assert_previous_index_whole(mine, active, files_before):
    assert active_build(mine.index_dir) == active
    # The previous build is exactly as it was (Chroma's own files aside: Chroma rewrites
    # them whenever it opens them, and this test opens it below).
    assert snapshot(active) == files_before
    index = Index.open(mine)
    assert len(index.passages) == 74 and index.vectors.count() == 74
    assert_answers_right(mine)
    # ...and the new page is not in it: the half-built index never answers.
    new = ask(NEW_QUESTION, settings=mine)
    assert all(c.url != NEW_PAGE_URL for c in new.citations)


def _assert_next_ingestion_completes(mine):
    report = ingest(mine, lock_timeout=60)  # the killed process's lock died with it
    assert report.changed and report.passages == 75
    assert _partials(mine) == []  # the dead build's leftovers are gone
    assert [p.name for p in (mine.index_dir / "builds").iterdir()] == [report.build_id]
    index = Index.open(mine)
    assert index.store.count() == 75 and sorted(index.store.ids()) == sorted(index.passages)
    answer = ask(NEW_QUESTION, settings=mine)
    assert NEW_FACT in answer.text and answer.citations[0].url == NEW_PAGE_URL
    assert_answers_right(mine)


def test_an_ingestion_killed_while_writing_the_store_leaves_the_index_whole(settings, tmp_path):
    mine = copy_index(settings, tmp_path)
    active = active_build(mine.index_dir)
    files_before = snapshot(active)
    _add_page(mine.corpus_dir)
    marker = tmp_path / "writing"
    process = subprocess.Popen(
        [sys.executable, "-c", HALF_WRITE, str(marker), "ingest", "--quiet"],
        env=cli_env(mine),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(marker.exists, process)
    (partial,) = _partials(mine)
    # Killed mid-write: passages, vectors and BM25 written, the store half written, no
    # manifest (the manifest marks a build complete).
    assert (partial / "passages.json").is_file() and (partial / "chroma").is_dir()
    assert not (partial / "index.json").exists()
    _kill(process)

    _assert_previous_index_whole(mine, active, files_before)
    assert _partials(mine) == [partial]  # still there, until the next ingestion
    _assert_next_ingestion_completes(mine)


def test_an_ingestion_killed_as_soon_as_its_build_folder_appears(settings, tmp_path):
    """No hook in the process this time: killed at whatever it was doing."""
    mine = copy_index(settings, tmp_path)
    active = active_build(mine.index_dir)
    files_before = snapshot(active)
    _add_page(mine.corpus_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", "--quiet"],
        env=cli_env(mine),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: bool(_partials(mine)), process)
    _kill(process)
    assert len(_partials(mine)) == 1
    _assert_previous_index_whole(mine, active, files_before)
    _assert_next_ingestion_completes(mine)


def test_two_ingestions_at_once_leave_one_consistent_index(settings, tmp_path):
    mine = copy_index(settings, tmp_path)
    _add_page(mine.corpus_dir)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "ingest", "--quiet"],
            env=cli_env(mine),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    # Meanwhile this process keeps answering: the old index, then the new one, never a
    # half-built one.
    answered = 0
    while any(p.poll() is None for p in processes):
        assert_deadline(ask(DEADLINE["da"][0], settings=mine), "da")
        answered += 1
    results = [p.communicate(timeout=60) for p in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err
    outputs = sorted(out for out, _ in results)
    # One built the index; the other waited for the lock and found it up to date.
    assert outputs[0].startswith("Built index ") and "75 passages" in outputs[0], outputs
    assert outputs[1].startswith("Index ") and "is up to date: 75 passages" in outputs[1]

    build = active_build(mine.index_dir)
    assert [p.name for p in (mine.index_dir / "builds").iterdir()] == [build.name]
    index = Index.open(mine)
    assert len(index.passages) == 75 and index.vectors.count() == 75
    assert index.store.count() == 75 and sorted(index.store.ids()) == sorted(index.passages)
    answer = ask(NEW_QUESTION, settings=mine)
    assert NEW_FACT in answer.text and answer.citations[0].url == NEW_PAGE_URL
    assert_answers_right(mine)
    print(f"answered {answered} questions while the two ingestions ran")
