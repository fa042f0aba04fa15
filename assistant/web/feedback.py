"""Thumbs up / down on answers, kept locally as JSON Lines so real questions can grow the
evaluation set.

One line per vote: the question, the answer text, its language, its citations and the vote,
with a UTC timestamp. The file is the `feedback_file` setting (`ASSISTANT_FEEDBACK_FILE`,
default `feedback/feedback.jsonl` in the state folder). Writers in threads and in other
processes take a lock, so lines never mix.

The page is public, so nothing a client sends may grow the disk without bound: every text
field is cut to `ASSISTANT_FEEDBACK_MAX_FIELD_CHARS` (the record names the fields it cut), a
record keeps at most `MAX_CITATIONS` citations, and when the file would pass
`ASSISTANT_FEEDBACK_MAX_BYTES` it is rotated (`feedback.1.jsonl` is the newest old file) and
only `ASSISTANT_FEEDBACK_KEEP` old files are kept. So a burst of votes uses at most
(keep + 1) x max bytes of disk, and the oldest votes go first.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock

from assistant.answer import Answer
from assistant.settings import Settings

FEEDBACK_ENV = "ASSISTANT_FEEDBACK_FILE"
MAX_FIELD_CHARS_ENV = "ASSISTANT_FEEDBACK_MAX_FIELD_CHARS"
MAX_BYTES_ENV = "ASSISTANT_FEEDBACK_MAX_BYTES"
KEEP_ENV = "ASSISTANT_FEEDBACK_KEEP"
VOTES = ("up", "down", "withdrawn")
MAX_CITATIONS = 10  # an answer cites two or three passages; more is not an answer of ours
CUT_MARK = "…"

_thread_lock = threading.Lock()


@dataclass(frozen=True)
class FeedbackLimits:
    """How much the feedback file may hold: per text field, per file, and old files kept."""

    max_field_chars: int = 4000  # questions are cut at 2000 by `ask()`; answers are shorter
    max_bytes: int = 5_000_000
    keep: int = 3

    @classmethod
    def from_env(cls, environ: dict | None = None) -> FeedbackLimits:
        """The limits from the environment, each falling back to its default.

        Raises ValueError naming the variable when one is set but not a whole number in range.
        """
        environ = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            max_field_chars=_whole(environ, MAX_FIELD_CHARS_ENV, defaults.max_field_chars, 100),
            max_bytes=_whole(environ, MAX_BYTES_ENV, defaults.max_bytes, 10_000),
            keep=_whole(environ, KEEP_ENV, defaults.keep, 0),
        )


def _whole(environ: dict, name: str, default: int, least: int) -> int:
    raw = str(environ.get(name, "")).strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, at least {least}.") from None
    if value < least:
        raise ValueError(f"{name} must be at least {least}.")
    return value


def feedback_file() -> Path:
    """Where votes go: the `feedback_file` setting (`ASSISTANT_FEEDBACK_FILE`, default
    `feedback/feedback.jsonl` in the state folder)."""
    return Settings.from_env().feedback_file


def rotated_files(path: Path, limits: FeedbackLimits | None = None) -> list[Path]:
    """The old files of `path` that rotation keeps, newest first (`feedback.1.jsonl`, ...)."""
    keep = (limits or FeedbackLimits.from_env()).keep
    return [path.with_name(f"{path.stem}.{n}{path.suffix}") for n in range(1, keep + 1)]


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
    question: str,
    answer: Answer,
    vote: str,
    *,
    now: datetime | None = None,
    limits: FeedbackLimits | None = None,
) -> dict:
    """The JSON object stored for one vote on one answer, every text cut to the field limit.

    When a field was cut, `"cut"` lists the fields (citation fields as `citations.quote`).
    """
    cap = (limits or FeedbackLimits.from_env()).max_field_chars
    cut: list[str] = []

    def text(name: str, value: object) -> str:
        value = "" if value is None else str(value)
        if len(value) <= cap:
            return value
        if name not in cut:
            cut.append(name)
        return value[: cap - len(CUT_MARK)] + CUT_MARK

    citations = [
        {
            "number": c.number,
            "passage_id": text("citations.passage_id", c.passage_id),
            "language": text("citations.language", c.language),
            "url": text("citations.url", c.url),
            "section": text("citations.section", c.section),
            "quote": text("citations.quote", c.quote),
            "link": text("citations.link", c.link),
        }
        for c in answer.citations[:MAX_CITATIONS]
    ]
    if len(answer.citations) > MAX_CITATIONS:
        cut.append("citations")
    record = {
        "timestamp": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "vote": text("vote", vote),
        "question": text("question", question),
        "answer": text("answer", answer.text),
        "language": text("language", answer.language),
        "abstained": bool(answer.abstained),
        "reason": text("reason", answer.reason),
        "resolved_question": text("resolved_question", answer.resolved_question),
        "citations": citations,
    }
    if cut:
        record["cut"] = cut
    return record


def record_feedback(
    question: str,
    answer: Answer,
    vote: str,
    *,
    path: str | Path | None = None,
    now: datetime | None = None,
    limits: FeedbackLimits | None = None,
) -> dict:
    """Append one vote to the feedback file (rotating it when full) and return what was stored.

    Args:
        question: the question as the person asked it.
        answer: the Answer they voted on.
        vote: "up", "down" or "withdrawn" (see `vote_from_like`); any other non-empty string
            is stored as a custom option.
        path: the file (default `feedback_file()`); its folder is created when missing.
        now: the time of the vote (default: now, UTC).
        limits: field and file limits (default `FeedbackLimits.from_env()`).
    """
    if not isinstance(vote, str) or not vote.strip():
        # The value itself is not repeated: it comes from a client.
        raise ValueError(
            f"A vote must be one of {', '.join(VOTES)} (got an empty or non-text vote)."
        )
    limits = limits or FeedbackLimits.from_env()
    record = feedback_record(question, answer, vote, now=now, limits=limits)
    target = Path(path) if path is not None else feedback_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    # The thread lock keeps this process's writers in order; the file lock, other processes'.
    with _thread_lock, FileLock(str(target) + ".lock", timeout=30):
        size = target.stat().st_size if target.exists() else 0
        if size and size + len(line) > limits.max_bytes:
            _rotate(target, limits)
        with target.open("ab") as stream:
            stream.write(line)
            stream.flush()
            os.fsync(stream.fileno())
    return record


def _rotate(target: Path, limits: FeedbackLimits) -> None:
    """feedback.jsonl -> feedback.1.jsonl -> feedback.2.jsonl ...; the oldest past `keep` goes."""
    old = rotated_files(target, limits)
    if not old:
        target.unlink()
        return
    old[-1].unlink(missing_ok=True)
    for newer, older in zip(reversed(old[:-1]), reversed(old[1:]), strict=True):
        if newer.exists():
            newer.replace(older)
    target.replace(old[0])


def read_feedback(path: str | Path | None = None) -> list[dict]:
    """All stored votes, the rotated files' included, oldest first ([] when there are none)."""
    target = Path(path) if path is not None else feedback_file()
    records: list[dict] = []
    for file in [*reversed(rotated_files(target)), target]:
        if file.exists():
            with file.open(encoding="utf-8") as stream:
                records.extend(json.loads(line) for line in stream if line.strip())
    return records
