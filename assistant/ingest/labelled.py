"""The corpus's labelled questions, and the folds they are asked in for training.

The questions people wrote for each passage (`*.questions.json`: the pages answer them) and
those written as not answered by the pages (`*.unanswered.jsonl`) are what the trained parts
learn from: answerability (`answering.training`) and the order of the passages found
(`retrieval.ranking_training`). Both ask them cross-fitted: a fold's questions are asked of an
index built without them, as a new asker's question would be. The eval set is never read here.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.ingest.corpus import load_pages
from assistant.ingest.written import UNANSWERED_SUFFIX, questions_paths, unanswered_paths

ANSWERED = "answered"  # the label of a written question, and answerability's outcome for it
SEED = 20261203
# Two folds: half of the written questions are held out at a time. With five, a held-out
# question still had its near-twins (written by the same person for the same passage) in the
# index, and the model learned closeness no real asker reaches (dev false abstentions 0.196
# with five, 0.162 with two; folds by language instead, with no written question in the
# asker's language: 0.044, but not on the pages only 0.50 abstained, from 0.95).
# (This is for one author per kind. With several authors' files, each author is a fold of
# their own: four authors, four folds, each asked of an index holding the other three's.)
FOLDS = 2


@dataclass(frozen=True)
class Example:
    """One labelled question; `fold` is the fold whose index it is asked of."""

    question: str
    language: str
    label: str
    fold: int
    passage_id: str = ""  # for written questions: the passage it was written for


def examples(corpus_dir: Path, folds: int = FOLDS, seed: int = SEED) -> list[Example]:
    """The labelled questions of a corpus, each assigned to a fold (seeded, reproducible).

    Questions come in files, one per author. Where a kind (written, unanswered) has several
    authors' files, the n-th file's questions make fold n: a question is then asked of an
    index that holds only other people's wordings, as a new asker's is. Near-twins by the
    same writer ("Hvornår er fristen?", "Hvornår er sidste frist?") would otherwise sit in
    the index and teach the model a closeness no real asker reaches. With one file per kind,
    its questions are shuffled into the folds.
    """
    corpus_dir = Path(corpus_dir)
    written: list[list[Example]] = []  # one list per author, across pages
    for page in load_pages(corpus_dir):
        for author, path in enumerate(questions_paths(corpus_dir, page)):
            if len(written) <= author:
                written.append([])
            for entry in json.loads(path.read_text("utf-8"))["passages"]:
                for language, questions in entry["questions"].items():
                    written[author] += [
                        Example(q, language, ANSWERED, 0, entry["id"]) for q in questions
                    ]
    unanswered = [
        [
            Example(raw["question"], raw["language"], raw["kind"], 0)
            for raw in map(json.loads, filter(str.strip, path.read_text("utf-8").splitlines()))
        ]
        for path in unanswered_paths(corpus_dir)
    ]
    return _by_author(written, folds, seed) + _by_author(unanswered, folds, seed)


def _by_author(authors: list[list[Example]], folds: int, seed: int) -> list[Example]:
    """Fold n for the n-th author's questions, or `folds` shuffled folds when there is one
    author."""
    if len(authors) > 1:
        return [replace(e, fold=n) for n, mine in enumerate(authors) for e in mine]
    found = authors[0] if authors else []
    order = list(range(len(found)))
    random.Random(seed).shuffle(order)
    return [replace(found[i], fold=n % folds) for n, i in enumerate(order)]


def corpus_without(corpus_dir: Path, held_out: set[str], target: Path) -> Path:
    """A copy of the corpus whose questions files lack the `held_out` questions."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in Path(corpus_dir).iterdir():
        if path.is_file() and not path.name.endswith(UNANSWERED_SUFFIX):
            shutil.copy2(path, target / path.name)
        elif path.is_file():
            kept = [
                line
                for line in path.read_text("utf-8").splitlines()
                if line.strip() and json.loads(line)["question"] not in held_out
            ]
            (target / path.name).write_text("\n".join(kept) + "\n", "utf-8")
    for page in load_pages(target):
        for path in questions_paths(target, page):
            raw = json.loads(path.read_text("utf-8"))
            for entry in raw["passages"]:
                entry["questions"] = {
                    lang: [q for q in qs if q not in held_out]
                    for lang, qs in entry["questions"].items()
                }
            path.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    return target


def written_for(index, found: str, wanted: str) -> bool:
    """Whether the passage `found` is `wanted`, the one a question was written for, or its
    translation."""
    chunk = index.passages.get(found)
    return bool(wanted) and chunk is not None and wanted in {found, *chunk.translations.values()}


def table_digest(rows: list[dict]) -> str:
    """A training table's fingerprint, recorded in the model fitted from it."""
    return hashlib.sha256(
        "\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in rows).encode()
    ).hexdigest()[:16]


def write_rows(rows: list[dict], path: Path) -> None:
    """A training table, one JSON row per line, keys sorted (so it diffs and digests alike)."""
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows), "utf-8"
    )


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
