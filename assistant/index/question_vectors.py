"""Written-question vectors: every question people wrote for a passage, embedded as a question.

A question is closer in meaning to another question about the same thing than to the
passage's own sentence (question-to-question cosine found the right passage first for 6 of 8
new paraphrases, question-to-passage for 4 of 8), so retrieval scores each passage by its
best written question too. All of them are searched with one matrix product.

Stored in the build as `questions.npy` (one row per question, grouped by passage in build
order) and `questions.json` (each row's passage id, language and text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.ingest.written import WrittenQuestion

UNANSWERED = "unanswered"  # the questions written as not answered, grouped by kind

# How many of a question's nearest labelled questions vote on whether it is answered, and how
# sharply a nearer one outweighs a farther one (weight exp(SHARPNESS x (cosine - nearest))).
# Chosen by cross-validation over the authors' folds of the training questions, not on eval/:
# answered kept where 0.85 of the not-on-page questions are refused 0.887 -> 0.918 with these;
# k = 10 alone 0.915, sharpness 20 / 100: 0.916 / 0.906.
NEAREST = (5, 10, 25)
SHARPNESS = 50.0
# How many of the nearest written questions vote on which passage a question asks about
# (`QuestionVectors.votes`, read by the learned ranking). Cross-validated by author on the
# nine authors' 7,045 questions (7 December 2026): the ranking's first candidate was their
# passage for 0.9188 with 20 (sharpness 50), 0.9192 with 50, 0.9160-0.9185 with sharpness
# 20 or 100; 0.9094 without the vote.
VOTERS = 20


def embed_questions(
    questions: Sequence[WrittenQuestion],
    encode: Callable[[list[str]], np.ndarray],
    reuse: dict[str, np.ndarray],
    dimension: int,
) -> np.ndarray:
    """Vectors for the written questions, in order; unchanged ones come from `reuse`."""
    texts = [q.text for q in questions]
    missing = list(dict.fromkeys(t for t in texts if t not in reuse))
    fresh = dict(zip(missing, encode(missing), strict=True)) if missing else {}
    vectors = [reuse[t] if t in reuse else fresh[t] for t in texts]
    return np.asarray(vectors, dtype=np.float32).reshape(len(texts), dimension)


class QuestionVectors:
    """The written questions of one build and their vectors."""

    def __init__(self, vectors: np.ndarray, questions: Sequence[WrittenQuestion]):
        if len(vectors) != len(questions):
            raise ValueError(f"{len(vectors)} vectors for {len(questions)} written questions")
        # Rows grouped by passage, so each passage's best is one reduceat over the scores.
        order = sorted(range(len(questions)), key=lambda i: questions[i].passage_id)
        self.questions = [questions[i] for i in order]
        self._vectors = np.ascontiguousarray(
            np.asarray(vectors, dtype=np.float32)[order] if order else vectors, dtype=np.float32
        )
        ids = [q.passage_id for q in self.questions]
        self._starts = np.array([i for i, pid in enumerate(ids) if i == 0 or ids[i - 1] != pid])
        self._group_ids = [ids[i] for i in self._starts]
        self.passage_ids = frozenset(self._group_ids)  # the passages someone wrote for
        # Row -> its group's number, for the per-group argmax in `best`.
        self._group_of_row = (
            np.repeat(np.arange(len(self._starts)), np.diff([*self._starts, len(ids)]))
            if ids
            else np.zeros(0, dtype=np.int64)
        )
        self._rows_by_text: dict[str, list[int]] = {}
        for row, question in enumerate(self.questions):
            self._rows_by_text.setdefault(question.text, []).append(row)

    def __len__(self) -> int:
        return len(self.questions)

    def save(self, folder: Path, name: str = "questions") -> None:
        np.save(folder / f"{name}.npy", self._vectors)
        rows = [[q.passage_id, q.language, q.text] for q in self.questions]
        (folder / f"{name}.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path, name: str = "questions") -> QuestionVectors:
        """The build's written questions (or, by `name`, its unanswered ones); none for a
        build without them."""
        if not (folder / f"{name}.json").is_file():
            return cls(np.zeros((0, 1), dtype=np.float32), [])
        rows = json.loads((folder / f"{name}.json").read_text("utf-8"))
        questions = [WrittenQuestion(pid, lang, text) for pid, lang, text in rows]
        return cls(np.load(folder / f"{name}.npy"), questions)

    def by_text(self) -> dict[str, np.ndarray]:
        """Question text -> vector, for reuse by the next build."""
        return {q.text: v for q, v in zip(self.questions, self._vectors, strict=True)}

    def best(
        self,
        query: np.ndarray | None,
        exclude: frozenset[str] = frozenset(),
        *,
        scores: np.ndarray | None = None,
    ) -> dict[str, tuple[float, int]]:
        """Each passage's best written question: passage id -> (cosine, row).

        `exclude` leaves out questions by text (training leaves a question's own row out, so
        that it is judged as a new question would be). `scores`: the query's `cosines`, when
        the caller has them already (retrieval reads them three times, one product)."""
        if not self.questions:
            return {}
        scores = self.cosines(query) if scores is None else scores
        if exclude:
            scores = scores.copy()  # the caller's are read again
        for text in exclude:
            scores[self._rows_by_text.get(text, [])] = -np.inf
        maxima = np.maximum.reduceat(scores, self._starts)
        # Each group's first row holding its maximum (what argmax over the group gives), for
        # all groups at once: rows at their group's maximum, the first of each group kept.
        at_max = np.flatnonzero(scores == maxima[self._group_of_row])
        groups = self._group_of_row[at_max]
        first = np.ones(len(at_max), dtype=bool)
        first[1:] = groups[1:] != groups[:-1]
        best_row = np.zeros(len(maxima), dtype=np.int64)
        best_row[groups[first]] = at_max[first]
        finite = np.isfinite(maxima)
        return {
            pid: (top, row)
            for pid, top, row, keep in zip(
                self._group_ids, maxima.tolist(), best_row.tolist(), finite.tolist(), strict=True
            )
            if keep
        }

    def cosines(self, query: np.ndarray) -> np.ndarray:
        """The query's cosine to every question, in row order (`questions`); none for none
        (a build without written questions stores no vectors of the model's width)."""
        if not self.questions:
            return np.zeros(0, dtype=np.float32)
        return self._vectors @ np.asarray(query, dtype=np.float32)

    def votes(self, scores: np.ndarray, k: int = VOTERS) -> dict[str, float]:
        """Each passage's share of the k questions written nearest to the query, nearer ones
        weighing more (as in `answered_nearby`): what the questions people wrote say as a
        group, where `best` reads only the closest. `scores`: the query's `cosines`."""
        if not self.questions:
            return {}
        rows = nearest_first(scores, k)
        weights = np.exp(SHARPNESS * (scores[rows].astype(float) - float(scores[rows[0]])))
        shares: dict[str, float] = {}
        for row, weight in zip(rows.tolist(), (weights / weights.sum()).tolist(), strict=True):
            passage_id = self.questions[row].passage_id
            shares[passage_id] = shares.get(passage_id, 0.0) + weight
        return shares

    def passage_questions(self, passage_id: str) -> list[str]:
        """The texts written for a passage."""
        return [q.text for q in self.questions if q.passage_id == passage_id]


def answered_nearby(
    query: np.ndarray,
    answered: QuestionVectors,
    unanswered: QuestionVectors,
    *,
    cosines: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, ...]:
    """For each k of NEAREST: among the k questions nearest to `query`, of all those written
    as answered by a passage or as not answered, the share written as answered, nearer ones
    weighing more. Empty when nothing was written.

    The closest unanswered question alone is no verdict: one written near every passage's
    subject comes close to answered questions too ("When is the deadline for expressions of
    interest?" against one asking for the next call's deadline). How the neighbourhood as a
    whole was labelled is.

    `cosines`: the query's cosines to the answered and the unanswered questions, when the
    caller has them already."""
    pair = cosines or (answered.cosines(query), unanswered.cosines(query))
    scores = np.concatenate(pair)
    if not len(scores):
        return ()
    is_answered = np.arange(len(scores)) < len(answered.questions)
    order = nearest_first(scores, max(NEAREST))
    nearest = scores[order]
    weights = np.exp(SHARPNESS * (nearest - nearest[0]))
    votes = weights * is_answered[order]
    return tuple(float(votes[:k].sum() / weights[:k].sum()) for k in NEAREST)


# Among how many questions nearest by their letters the share written as answered is read
# (each counting the same: n-gram cosines are spread otherwise than the model's).
NEAREST_BY_LETTERS = 10


def closeness_by_letters(
    written: np.ndarray, unanswered: np.ndarray, unanswered_questions: QuestionVectors
) -> tuple[tuple[str, float], ...]:
    """How close a question comes by its letters (`index.question_words` cosines to the
    written and to the unanswered questions): ("written", the closest written question), the
    closest of each kind of unanswered question, and ("answered_nearest", the share written
    as answered among the NEAREST_BY_LETTERS nearest of all). Empty when nothing was written
    as answered: there is nothing to be close to."""
    if not len(written):
        return ()
    kinds = unanswered_questions.best(None, scores=unanswered) if len(unanswered) else {}
    scores = np.concatenate([written, unanswered])
    nearest = nearest_first(scores, NEAREST_BY_LETTERS)
    return (
        ("written", float(written.max())),
        *sorted((kind, float(cosine)) for kind, (cosine, _) in kinds.items()),
        ("answered_nearest", float(np.mean(nearest < len(written)))),
    )


def nearest_first(scores: np.ndarray, k: int) -> np.ndarray:
    """The rows of the k highest scores, highest first, equal ones in row order: what a
    stable sort of all of them gives, from a partition and a sort of the few at the top
    (a full sort of the thousands of written questions was a tenth of an ask's own time)."""
    k = min(k, len(scores))
    candidates = np.arange(len(scores))
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        candidates = np.flatnonzero(scores >= kth)
    return candidates[np.argsort(-scores[candidates], kind="stable")][:k]
