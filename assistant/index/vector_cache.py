"""Vectors kept on disk by model and text, shared by every index folder on the machine.

A build already reuses the vectors of the build it replaces (`builds.py`). This cache serves
what that cannot: a new or deleted index folder, a Chroma server's index beside the local one,
another process, another corpus that shares text with this one. Re-ingesting text that was
encoded once encodes nothing. The vectors are the encoder's own bits, so a build from the
cache is the build that encoding would write.

One SQLite file per model (its fingerprint, backend and prefixes), keyed by the text's role
(question or passage) and SHA-256. The cache only saves time: a file that cannot be opened,
read or written is set aside with one warning, and ingestion encodes as if it were empty.
It is bounded (`MAX_VECTORS` per model): a corpus refreshed often brings new texts with every
capture, and the vectors no build has read for longest are dropped first.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

QUERY, PASSAGE = "query", "passage"
_CHUNK = 500  # keys per SELECT: under SQLite's limit on bound parameters
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors "
    "(key BLOB PRIMARY KEY, vector BLOB NOT NULL, used INTEGER NOT NULL DEFAULT 0)"
)
# Vectors kept per model: about 600 MB of 384-dimensional ones, some 30 full builds of the
# shipped pages' 8,700 texts (each rewording of a passage or question adds one).
MAX_VECTORS = 400_000


class VectorCache:
    """Text -> vector for one model, in `folder`; `hits` counts texts served without encoding."""

    def __init__(self, folder: Path, model_key: str, max_vectors: int = MAX_VECTORS):
        name = hashlib.sha256(model_key.encode()).hexdigest()[:16]
        self.path = Path(folder) / f"{name}.sqlite3"
        self.max_vectors = max_vectors
        self.hits = 0
        self._usable = True

    @classmethod
    def for_embedder(cls, folder: Path, embedder) -> VectorCache:
        """The cache of `embedder`'s model: the same weights, backend and prefixes."""
        from assistant.index.embedding import model_fingerprint
        from assistant.index.encoder import CONVERTER_VERSION

        key = "|".join(
            (
                model_fingerprint(embedder.model_name),
                f"{embedder.backend}-{CONVERTER_VERSION}",
                embedder.query_prefix,
                embedder.passage_prefix,
            )
        )
        return cls(folder, key)

    def encoding(
        self, encode: Callable[[list[str]], np.ndarray], role: str
    ) -> Callable[[list[str]], np.ndarray]:
        """`encode` with the cache in front: known texts are read, only the rest encoded (and
        then kept). `role` is QUERY or PASSAGE: the model encodes the same text differently."""

        def encode_cached(texts: list[str]) -> np.ndarray:
            if not texts:
                return encode(texts)
            unique = list(dict.fromkeys(texts))
            known = self._read(role, unique)
            missing = [t for t in unique if t not in known]
            if missing:
                fresh = np.asarray(encode(missing), dtype=np.float32)
                known.update(zip(missing, fresh, strict=True))
                self._write(role, missing, fresh)
            self.hits += len(unique) - len(missing)
            return np.stack([known[t] for t in texts]).astype(np.float32)

        return encode_cached

    def _read(self, role: str, texts: list[str]) -> dict[str, np.ndarray]:
        if not self._usable or not self.path.is_file():
            return {}
        keys = {_key(role, t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        try:
            with closing(self._connect()) as db:
                for part, marks in _in_chunks(list(keys)):
                    query = f"SELECT key, vector FROM vectors WHERE key IN ({marks})"
                    for key, blob in db.execute(query, part):
                        found[keys[bytes(key)]] = np.frombuffer(blob, dtype=np.float32).copy()
                self._touch(db, [k for k, t in keys.items() if t in found])
        except (sqlite3.Error, OSError) as exc:
            self._set_aside(exc)
            return {}
        return found

    def _touch(self, db: sqlite3.Connection, keys: list[bytes]) -> None:
        """Mark vectors as read now, so pruning keeps them. A cache this process may read but
        not write (a shared, read-only folder) still serves its vectors: not worth a warning."""
        if not keys:
            return
        try:
            with db:
                self._upgrade(db)
                now = _now()
                for part, marks in _in_chunks(keys):
                    db.execute(f"UPDATE vectors SET used = ? WHERE key IN ({marks})", [now, *part])
        except (sqlite3.Error, OSError) as exc:
            log.debug("vector cache %s: last use not recorded (%s)", self.path, type(exc).__name__)

    def _write(self, role: str, texts: list[str], vectors: np.ndarray) -> None:
        if not self._usable:
            return
        now = _now()
        rows = [
            (_key(role, t), np.ascontiguousarray(v, dtype=np.float32).tobytes(), now)
            for t, v in zip(texts, vectors, strict=True)
        ]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as db, db:
                db.execute(_SCHEMA)
                self._upgrade(db)
                db.executemany(
                    "INSERT OR REPLACE INTO vectors (key, vector, used) VALUES (?, ?, ?)", rows
                )
                self._prune(db)
        except (sqlite3.Error, OSError) as exc:
            self._set_aside(exc)

    def _prune(self, db: sqlite3.Connection) -> None:
        """Drop the vectors read longest ago beyond `max_vectors` (ties: the oldest written)."""
        (count,) = db.execute("SELECT COUNT(*) FROM vectors").fetchone()
        if count > self.max_vectors:
            db.execute(
                "DELETE FROM vectors WHERE rowid IN "
                "(SELECT rowid FROM vectors ORDER BY used, rowid LIMIT ?)",
                (count - self.max_vectors,),
            )

    @staticmethod
    def _upgrade(db: sqlite3.Connection) -> None:
        """A file from before the bound has no `used` column: add it (its vectors count as
        read longest ago)."""
        columns = {row[1] for row in db.execute("PRAGMA table_info(vectors)")}
        if columns and "used" not in columns:
            db.execute("ALTER TABLE vectors ADD COLUMN used INTEGER NOT NULL DEFAULT 0")

    def _connect(self) -> sqlite3.Connection:
        # Several ingestions (other index folders, other processes) may share the file.
        return sqlite3.connect(self.path, timeout=60)

    def _set_aside(self, exc: Exception) -> None:
        """Stop using a cache that fails; a damaged file is removed (it only saves time)."""
        self._usable = False
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self.path.unlink(missing_ok=True)
        log.warning(
            "The vector cache %s could not be used (%s); this ingestion encodes every text.",
            self.path,
            type(exc).__name__,
        )


def _in_chunks(keys: list[bytes]):
    """`keys` in parts small enough for one statement, each with its "?,?,..." placeholders."""
    for start in range(0, len(keys), _CHUNK):
        part = keys[start : start + _CHUNK]
        yield part, ",".join("?" * len(part))


def _now() -> int:
    """Last-use stamps in nanoseconds: the texts of one build differ from the next build's."""
    return time.time_ns()


def _key(role: str, text: str) -> bytes:
    return hashlib.sha256(f"{role}\0{text}".encode()).digest()
