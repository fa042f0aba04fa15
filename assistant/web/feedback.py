"""Thumbs up / down on answers, kept locally as JSON Lines so real questions can grow the
evaluation set.

One line per vote: the question, the answer text, its language, its citations and the vote,
with a UTC timestamp. The file is the `feedback_file` setting (`ASSISTANT_FEEDBACK_FILE`,
default `feedback/feedback.jsonl` in the state folder). Writers in threads and in other
processes take a lock, so lines never mix.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

from assistant.answer import Answer
from assistant.settings import Settings

VOTES = ("up", "down", "withdrawn")

_thread_lock = threading.Lock()


def feedback_file() -> Path:
    """Where votes go: the `feedback_file` setting (`ASSISTANT_FEEDBACK_FILE`, default
    `feedback/feedback.jsonl` in the state folder)."""
    return Settings.from_env().feedback_file


def vote_from_like(liked: object) -> str:
    """A chat widget's like value as a vote: True "up", False "down", empty "withdrawn".

    Any other string (a custom feedback option) is kept as it is.
    """
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    if liked in (None, ""):
        return "withdrawn"
    return str(liked)


def feedback_record(
    question: str, answer: Answer, vote: str, *, now: datetime | None = None
) -> dict:
    """The JSON object stored for one vote on one answer."""
    return {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "vote": vote,
        "question": question,
        "answer": answer.text,
        "language": answer.language,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "resolved_question": answer.resolved_question,
        "citations": [c.summary() for c in answer.citations],
    }


def record_feedback(
    question: str,
    answer: Answer,
    vote: str,
    *,
    path: str | Path | None = None,
    now: datetime | None = None,
) -> dict:
    """Append one vote to the feedback file and return what was stored.

    Args:
        question: the question as the person asked it.
        answer: the Answer they voted on.
        vote: "up", "down" or "withdrawn" (see `vote_from_like`); any other non-empty string
            is stored as a custom option.
        path: the file (default `feedback_file()`); its folder is created when missing.
        now: the time of the vote (default: now, UTC).
    """
    if not isinstance(vote, str) or not vote.strip():
        raise ValueError(f"A vote must be one of {', '.join(VOTES)}, not {vote!r}.")
    record = feedback_record(question, answer, vote, now=now)
    target = Path(path) if path is not None else feedback_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    # The thread lock keeps this process's writers in order; the file lock, other processes'.
    with _thread_lock, FileLock(str(target) + ".lock", timeout=30):
        with target.open("a", encoding="utf-8") as stream:
            stream.write(line)
            stream.flush()
            os.fsync(stream.fileno())
    return record


def read_feedback(path: str | Path | None = None) -> list[dict]:
    """All stored votes, oldest first ([] when there are none yet)."""
    target = Path(path) if path is not None else feedback_file()
    if not target.exists():
        return []
    with target.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]
