"""The questions each passage answers, written by people, kept beside each page.

A page `ai-office.da.txt` may have `ai-office.da.questions.json` beside it, and more authors'
questions in `ai-office.da.<author>.questions.json`: for each passage, by id, the questions it
answers, in the words people use rather than the page's, per language. One file per author, so
that training can judge one person's wordings against other people's only (`training`). They
teach the assistant what a passage answers where the small model alone reads only what it says
(`docs/answering.md`).

Each entry is keyed by the passage's id and the hash of its text: a passage that was reworded
or moved no longer matches, and its questions are left out with a warning that names it, so
that nobody's questions silently describe a sentence the page no longer has.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError
from assistant.ingest.corpus import Page

logger = logging.getLogger(__name__)

SUFFIX = ".questions.json"
# llama-index's metadata key for the questions a node answers (QuestionsAnsweredExtractor).
METADATA_KEY = "questions_this_excerpt_can_answer"


@dataclass(frozen=True)
class WrittenQuestion:
    """One question a person wrote for one passage."""

    passage_id: str
    language: str  # the question's language
    text: str


def text_hash(text: str) -> str:
    """The key that ties written questions to the exact wording of their passage."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_DATED = re.compile(r"\.\d{4}-\d{2}-\d{2}(?:-\d+)?$")


def questions_path(corpus_dir: Path, page: Page) -> Path:
    """Where a page's (first author's) written questions live: beside the page, same name."""
    return Path(corpus_dir) / f"{_stem(page)}{SUFFIX}"


def questions_paths(corpus_dir: Path, page: Page) -> list[Path]:
    """Every author's questions file for a page that exists: `<page>.questions.json` first,
    then `<page>.<author>.questions.json` by name."""
    first = questions_path(corpus_dir, page)
    others = sorted(Path(corpus_dir).glob(f"{glob.escape(_stem(page))}.*{SUFFIX}"))
    return [p for p in [first, *others] if p.is_file()]


def _stem(page: Page) -> str:
    stem = page.file.rsplit(".", 1)[0] if "." in page.file else page.file
    # A dated capture ("ai-office.da.2026-12-03.txt") keeps its page's questions files.
    return _DATED.sub("", stem)


def load_written(corpus_dir: str | Path, pages: list[Page], passages) -> list[WrittenQuestion]:
    """The written questions of every page that has them, for the passages as they stand.

    `passages` are the chunks (with .id, .text). An entry whose passage is gone or whose text
    hash no longer matches is skipped with a warning; a file that is not valid JSON stops the
    ingestion with CorpusError (before the index is touched).
    """
    texts = {p.id: p.text for p in passages}
    # A passage that moved (a new capture numbers its blocks anew) keeps its questions: they
    # follow its text. Among equal texts, the first passage of the page.
    moved: dict[tuple[str, str], str] = {}
    for passage in passages:
        key = (passage.id.rsplit("/", 1)[0], text_hash(passage.text))
        moved.setdefault(key, passage.id)
    found: list[WrittenQuestion] = []
    for path in (p for page in pages for p in questions_paths(Path(corpus_dir), page)):
        entries = _entries(path)
        stale = []
        for entry in entries:
            passage_id = entry["id"]
            text = texts.get(passage_id)
            if text is None or text_hash(text) != entry.get("text_sha256"):
                new_id = moved.get((passage_id.rsplit("/", 1)[0], entry.get("text_sha256")))
                if new_id is None:
                    stale.append(passage_id)
                    continue
                passage_id = new_id
            for language, questions in entry["questions"].items():
                for question in dict.fromkeys(q.strip() for q in questions if q.strip()):
                    found.append(WrittenQuestion(passage_id, language, question))
        if stale:
            logger.warning(
                "corpus: %s: %d passage(s) were reworded, moved or removed since their "
                "questions were written (%s); those questions are left out until someone "
                "reviews them and updates text_sha256.",
                path.name,
                len(stale),
                ", ".join(stale[:5]) + (" ..." if len(stale) > 5 else ""),
            )
    return found


UNANSWERED_SUFFIX = ".unanswered.jsonl"


def unanswered_paths(corpus_dir: str | Path) -> list[Path]:
    """The files of questions the pages do not answer, one per author: the shortest name
    (`ai-office.unanswered.jsonl`) first, then `ai-office.<author>.unanswered.jsonl`."""
    return sorted(
        Path(corpus_dir).glob(f"*{UNANSWERED_SUFFIX}"), key=lambda p: (p.name.count("."), p.name)
    )


def load_unanswered(corpus_dir: str | Path) -> list[WrittenQuestion]:
    """The questions written as close to the pages but not answered by them ("not_on_page")
    or about other things ("out_of_scope"), from `*.unanswered.jsonl`; `passage_id` holds the
    kind. A line that is not valid stops the ingestion with CorpusError."""
    found = []
    for path in unanswered_paths(corpus_dir):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                found.append(WrittenQuestion(raw["kind"], raw["language"], raw["question"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path}:{number}: not a valid question ({exc}).") from exc
    return found


def _entries(path: Path) -> list[dict]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = raw["passages"]
        for entry in entries:
            if not isinstance(entry["id"], str) or not isinstance(entry["questions"], dict):
                raise TypeError("each passage needs an 'id' and a 'questions' object")
            for language, questions in entry["questions"].items():
                if not isinstance(language, str) or not isinstance(questions, list):
                    raise TypeError("'questions' maps a language code to a list of questions")
                if not all(isinstance(q, str) for q in questions):
                    raise TypeError("every question is a string")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: not a valid questions file ({exc}).") from exc
    return entries


def files_fingerprint(corpus_dir: str | Path, pages: list[Page]) -> str:
    """A hash of the questions files: new questions make a new build."""
    digest = hashlib.sha256()
    paths = [p for page in pages for p in questions_paths(Path(corpus_dir), page)]
    for path in sorted([*paths, *unanswered_paths(corpus_dir)]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
