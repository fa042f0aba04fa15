"""From use to improvement: candidates drawn from the question log, for a person to review.

`export_candidates()` writes two JSON Lines files into a folder, and adds nothing anywhere
else: the Q&A set (`eval/`) and the corpus are changed only by a person who reads them.

- `eval-candidates.jsonl`: questions for the evaluation set, each with `needs_label: true`:
  the answered questions voted down (with what their answer cited) and the questions the pages
  did not answer (with the group they belong to), one line per distinct question.
- `passage-questions.jsonl`: for each passage that answers were drawn from, the questions
  people asked that it answered and nobody voted down: candidates for the passage's written
  questions (`corpus/*.questions.json`), with `needs_review: true`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.operations.question_log import LoggedQuestion
from assistant.operations.report import Report, outcome_of

EVAL_FILE = "eval-candidates.jsonl"
PASSAGE_FILE = "passage-questions.jsonl"


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the two files and how many lines each holds."""

    eval_file: Path
    eval_candidates: int
    passage_file: Path
    passages: int


def eval_candidates(records: list[LoggedQuestion], report: Report) -> list[dict]:
    """The evaluation set's candidates: down-voted answers, then unanswered questions."""
    group_of = {
        (q.text, q.language): group.label for group in report.not_on_page for q in group.questions
    }
    seen: set[tuple[str, str, str]] = set()
    candidates = []
    for record in records:
        down = record.vote == "down" and record.outcome == "answered"
        unanswered = outcome_of(record) == "not_on_page"
        if not (down or unanswered):
            continue
        source = "down_voted" if down else "not_on_page"
        key = (source, record.question.strip(), record.language)
        if key in seen or not key[1]:
            continue
        seen.add(key)
        candidate = {
            "question": key[1],
            "language": record.language,
            "source": source,
            "asked_at": record.asked_at.isoformat(timespec="seconds"),
            "cited": record.cited,
            "needs_label": True,
        }
        if unanswered:
            candidate["group"] = group_of.get((key[1], record.language), key[1])
        candidates.append(candidate)
    return candidates


def passage_questions(records: list[LoggedQuestion]) -> list[dict]:
    """For each passage first cited by an answer nobody voted down, the questions it
    answered, most asked first."""
    asked: dict[str, Counter] = {}
    for record in records:
        if record.outcome != "answered" or record.vote == "down" or not record.cited:
            continue
        asked.setdefault(record.cited[0], Counter())[
            (record.question.strip(), record.language)
        ] += 1
    return [
        {
            "passage_id": passage,
            "questions": [
                {"question": text, "language": language, "asked": count}
                for (text, language), count in counts.most_common()
            ],
            "needs_review": True,
        }
        for passage, counts in sorted(asked.items())
    ]


def export_candidates(
    records: list[LoggedQuestion], report: Report, folder: str | Path
) -> Exported:
    """Write both candidate files into `folder` (created when missing; earlier exports there
    are replaced) and say what was written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    evals = eval_candidates(records, report)
    passages = passage_questions(records)
    _write(folder / EVAL_FILE, evals)
    _write(folder / PASSAGE_FILE, passages)
    return Exported(folder / EVAL_FILE, len(evals), folder / PASSAGE_FILE, len(passages))


def _write(path: Path, rows: list[dict]) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    with partial.open("w", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(path)  # a reader never sees half a file
