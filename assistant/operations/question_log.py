"""The question log: one record per ask, kept in a local SQLite database for the operator.

A record holds the time (UTC), the question as it was answered, the answer's language, the
outcome ("answered" or "abstained") and its reason, the passages cited, the latency, and later
the asker's vote. Nothing about the asker is kept: no address, no user name, no session or
cookie; the log is written by `ask()`, which never sees them.

Safe under concurrent asks and a crash mid-write: SQLite in WAL mode (standard library
`sqlite3`), one short transaction per record, a busy timeout for writers in other processes.
Bounded: records older than the retention (days) are deleted, and the oldest beyond a maximum
count, when the log is opened and every `PRUNE_EVERY` records after.

The switch is the `question_log` setting (`ASSISTANT_QUESTION_LOG`): off for the library, on
for `assistant serve`; see docs/deploying.md.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assistant.answer import Answer
from assistant.settings import Settings

log = logging.getLogger("assistant.question_log")

PRUNE_EVERY = 200  # records written between two retention passes
MAX_TEXT_CHARS = 4000  # `ask()` cuts questions at 2000; a bound of the log's own all the same
VOTES = {"up": "up", "down": "down", "withdrawn": None}
BUSY_MILLISECONDS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at TEXT NOT NULL,          -- UTC, ISO 8601 to the second
    question TEXT NOT NULL,
    language TEXT NOT NULL,          -- the language answered in (detected or chosen)
    outcome TEXT NOT NULL,           -- "answered" or "abstained"
    reason TEXT NOT NULL,            -- "" when answered; "not_on_page", "out_of_scope", ...
    cited TEXT NOT NULL,             -- JSON list of the cited passage ids
    latency_ms REAL NOT NULL,
    vote TEXT,                       -- "up", "down" or NULL
    voted_at TEXT
);
CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at);
"""


@dataclass(frozen=True)
class LoggedQuestion:
    """One ask as the log keeps it."""

    id: int
    asked_at: datetime
    question: str
    language: str
    outcome: str
    reason: str
    cited: list[str]
    latency_ms: float
    vote: str | None = None

    @property
    def day(self) -> str:
        return self.asked_at.date().isoformat()


class QuestionLog:
    """The log in one SQLite file, shared by this process's threads (one connection, a lock)
    and by other processes (WAL mode, busy timeout)."""

    def __init__(self, path: str | Path, retention_days: int = 90, max_records: int = 100_000):
        self.path = Path(path)
        self.retention_days = retention_days
        self.max_records = max_records
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._written = 0
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_MILLISECONDS / 1000, check_same_thread=False
        )
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL loses no committed record to a crash of the process (only, at
            # worst, the last ones to a power cut) and spares an fsync per ask.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(f"PRAGMA busy_timeout={BUSY_MILLISECONDS}")
            self._db.executescript(_SCHEMA)
            self._db.commit()
        self.prune()

    @classmethod
    def for_settings(cls, settings: Settings) -> QuestionLog:
        """The process's log for these settings (opened once per file)."""
        key = (
            settings.question_log_file,
            settings.question_log_days,
            settings.question_log_max_records,
        )
        with _opened_lock:
            if key not in _opened:
                _opened[key] = cls(*key)
            return _opened[key]

    def record(
        self, question: str, answer: Answer, seconds: float, *, now: datetime | None = None
    ) -> int:
        """Store one ask and return its record's id (for the vote that may follow)."""
        asked_at = _stamp(now)
        cited = json.dumps([c.passage_id for c in answer.citations][:20])
        row = (
            asked_at,
            str(question)[:MAX_TEXT_CHARS],
            str(answer.language)[:20],
            "abstained" if answer.abstained else "answered",
            str(answer.reason)[:40],
            cited,
            round(max(0.0, seconds) * 1000, 1),
        )
        with self._lock:
            with self._db:
                cursor = self._db.execute(
                    "INSERT INTO questions (asked_at, question, language, outcome, reason, "
                    "cited, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            self._written += 1
            due = self._written % PRUNE_EVERY == 0
        if due:
            self.prune()
        return int(cursor.lastrowid)

    def vote(self, record_id: int, vote: str, *, now: datetime | None = None) -> bool:
        """Put a vote ("up", "down"; "withdrawn" clears it) on a record; False when the
        record is gone (pruned) or the vote is not one of those."""
        if vote not in VOTES or not isinstance(record_id, int) or record_id <= 0:
            return False
        with self._lock, self._db:
            cursor = self._db.execute(
                "UPDATE questions SET vote = ?, voted_at = ? WHERE id = ?",
                (VOTES[vote], _stamp(now) if VOTES[vote] else None, record_id),
            )
        return cursor.rowcount == 1

    def prune(self, now: datetime | None = None) -> int:
        """Delete records older than the retention and the oldest beyond the maximum count;
        returns how many went."""
        cutoff = _stamp((now or datetime.now(UTC)) - timedelta(days=self.retention_days))
        with self._lock, self._db:
            old = self._db.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
            over = self._db.execute(
                "DELETE FROM questions WHERE id <= (SELECT id FROM questions "
                "ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self.max_records,),
            )
        return old.rowcount + over.rowcount

    def records(self, since: datetime | None = None) -> list[LoggedQuestion]:
        """The records, oldest first (from `since` on, when given)."""
        query = "SELECT id, asked_at, question, language, outcome, reason, cited, latency_ms, vote"
        query += " FROM questions WHERE asked_at >= ? ORDER BY id"
        with self._lock:
            rows = self._db.execute(query, (_stamp(since) if since else "",)).fetchall()
        return [
            LoggedQuestion(
                id=row[0],
                asked_at=datetime.fromisoformat(row[1]),
                question=row[2],
                language=row[3],
                outcome=row[4],
                reason=row[5],
                cited=json.loads(row[6]),
                latency_ms=row[7],
                vote=row[8],
            )
            for row in rows
        ]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()


_opened: dict[tuple, QuestionLog] = {}
_opened_lock = threading.Lock()


def _stamp(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def log_ask(settings: Settings, question: str, answer: Answer, seconds: float) -> int:
    """Record an ask when the settings turn the log on; the record's id, or 0 when the log is
    off or could not be written (answering never fails because of the log: the failure is
    logged by its kind, never with the question)."""
    if not settings.logs_questions:
        return 0
    try:
        return QuestionLog.for_settings(settings).record(question, answer, seconds)
    except (sqlite3.Error, OSError) as exc:
        log.warning("the question log could not be written: %s", type(exc).__name__)
        return 0


def log_vote(settings: Settings, record_id: int, vote: str) -> bool:
    """Put a vote on a logged ask when the log is on; False when there is nothing to vote on."""
    if not settings.logs_questions or not record_id:
        return False
    try:
        return QuestionLog.for_settings(settings).vote(record_id, vote)
    except (sqlite3.Error, OSError) as exc:
        log.warning("the question log could not take a vote: %s", type(exc).__name__)
        return False
