"""The index folder: which build is active, and what a complete build holds.

    ACTIVE                 name of the build that answers questions (replaced atomically)
    .lock                  held while a build runs: Chroma's embedded store is one-process
    builds/<id>/           one complete build: index.json (written last), passages.json,
                           embeddings.npy, sentences.npy + sentences.json (each sentence's
                           vector), questions.npy + questions.json (the written questions'
                           vectors), question_words.npz + .json (their character
                           n-grams, TF-IDF), encoder.onnx (the model as an ONNX graph, for models
                           that have one), lexical/<lang>/ (BM25), chroma/ (embedded store)

`assistant.index.builds` writes builds; `assistant.index.opened` opens the active one.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from assistant.index.lexical import ANALYSIS_VERSION
from assistant.ingest.chunking import Chunk

FORMAT_VERSION = 5  # 2: sentence vectors; 3: written-question vectors; 4: their n-grams;
# 5: the unanswered questions' n-grams
ACTIVE = "ACTIVE"


def analysis_fingerprint() -> str:
    """The version of the code that turns pages into passages and tokens: when it changes, an
    index built by the old code no longer matches how questions are analysed."""
    return f"analysis-{ANALYSIS_VERSION}"


def active_build(index_dir: Path) -> Path | None:
    """The folder of the active build, or None when there is none."""
    # Asked on every question (a newer build replaces the engine's index): while the marker's
    # inode, size and times are those seen when it was last read, so is its content, and one
    # stat does instead of an open and a read. As git does with its index, a marker read
    # within RACY_NS of its last change is not remembered: a file system's clock can be
    # coarse, and a change in the same tick would leave the same times.
    marker = os.path.join(index_dir, ACTIVE)
    try:
        seen = os.stat(marker)
    except OSError:
        return None  # none yet
    key = (seen.st_ino, seen.st_dev, seen.st_size, seen.st_mtime_ns, seen.st_ctime_ns)
    last = _last_read.get(marker)
    if last is not None and last[0] == key:
        return last[1]
    try:
        name = Path(marker).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None  # a folder in its place, or binary garbage: no build
    # Anything but a plain folder name (garbage, a path out of builds/) names no build.
    found = index_dir / "builds" / name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else None
    if time.time_ns() - max(seen.st_mtime_ns, seen.st_ctime_ns) > RACY_NS:
        _last_read[marker] = (key, found)
    return found


RACY_NS = 2_000_000_000
# Marker path -> (its stat when read, the build it named).
_last_read: dict[str, tuple[tuple[int, ...], Path | None]] = {}


def is_complete(folder: Path) -> bool:
    """Whether a build folder holds a whole build (its manifest is written last)."""
    return (folder / "index.json").is_file() and (folder / "passages.json").is_file()


def switch_active(index_dir: Path, build_id: str) -> None:
    """Make `build_id` the active build, atomically."""
    tmp = index_dir / f"{ACTIVE}.tmp-{os.getpid()}"
    tmp.write_text(build_id, "utf-8")
    os.replace(tmp, index_dir / ACTIVE)  # atomic on POSIX: readers see old or new


def read_passages(folder: Path) -> list[Chunk]:
    """The passages of a build, in build order (row i of its vectors is passage i)."""
    raw = json.loads((folder / "passages.json").read_text("utf-8"))
    return [Chunk(**item) for item in raw]
