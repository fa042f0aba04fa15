"""Questions grouped by meaning, across languages, with the assistant's own embedding model.

The multilingual model places a question near others of its language and near everything
about the pages' subject before it places it near the same question in another language.
Both are shared by every question of a language, so subtracting each language's mean vector
(taken over all the logged questions of that language) leaves mostly what a question asks;
agglomerative clustering (scikit-learn, average linkage) on the cosine distance of what is
left then joins the wordings of one question, in Danish, Polish or English alike.

`DISTANCE_THRESHOLD` was chosen on six themes in three languages (tests/test_report.py keeps
them and checks other themes): docs/deploying.md gives the figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

# Average cosine distance below which two groups join, chosen on the tuning themes of
# tests/_seeded_log.py (six themes, three languages each, beside answered and off-subject
# questions): at 0.6 one theme's wordings stayed split; at 0.65 every theme was one group;
# at 0.7 "budget" and "salary" (both about money) joined. The later test themes group
# completely from 0.6 to 0.8.
DISTANCE_THRESHOLD = 0.65
# A language with fewer questions than this has no mean worth subtracting: the mean of all
# the questions stands in for it.
MIN_FOR_LANGUAGE_MEAN = 5
MAX_GROUPED = 3000  # distinct questions clustered at most (memory grows with the square)
MAX_BACKGROUND = 3000  # more distinct questions read for the language means, at most


@dataclass(frozen=True)
class Asked:
    """A question as grouping reads it: its text, its language and how often it was asked."""

    text: str
    language: str
    count: int = 1


@dataclass(frozen=True)
class QuestionGroup:
    """Questions that ask the same thing: the most typical one first."""

    questions: list[Asked]

    @property
    def count(self) -> int:
        return sum(q.count for q in self.questions)

    @property
    def languages(self) -> list[str]:
        return sorted({q.language for q in self.questions})

    @property
    def label(self) -> str:
        return self.questions[0].text


def distinct(questions: list[Asked]) -> list[Asked]:
    """The same text in the same language counted once, with its count; most asked first."""
    counts: Counter[tuple[str, str]] = Counter()
    for q in questions:
        counts[(q.text.strip(), q.language)] += q.count
    return [Asked(t, lang, n) for (t, lang), n in counts.most_common() if t]


def centred(vectors: np.ndarray, languages: list[str], means: dict[str, np.ndarray]) -> np.ndarray:
    """Each vector minus its language's mean (or the overall one, when its language has
    none), normalised again (a vector equal to its mean stays zero)."""
    overall = means.get("", vectors.mean(axis=0) if len(vectors) else None)
    shifted = np.stack(
        [v - means.get(lang, overall) for v, lang in zip(vectors, languages, strict=True)]
    )
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return shifted / np.where(norms > 0, norms, 1.0)


def language_means(vectors: np.ndarray, languages: list[str]) -> dict[str, np.ndarray]:
    """The mean vector of each language with enough questions, and of all ("")."""
    means = {"": vectors.mean(axis=0)}
    for lang in set(languages):
        rows = [i for i, code in enumerate(languages) if code == lang]
        if len(rows) >= MIN_FOR_LANGUAGE_MEAN:
            means[lang] = vectors[rows].mean(axis=0)
    return means


def cluster(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """A group number per (centred) vector: average-linkage clustering, cosine distance."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return [int(label) for label in model.fit_predict(vectors)]


def group_questions(
    questions: list[Asked],
    encode,
    background: list[Asked] = (),
    threshold: float = DISTANCE_THRESHOLD,
) -> list[QuestionGroup]:
    """`questions` grouped by meaning, the largest group first.

    Args:
        questions: the questions to group (repeats are counted, not clustered twice).
        encode: the model's question encoder, texts -> normalised vectors.
        background: more questions of the same log (answered ones, say); only their language
            means are used, so that a handful of questions still has good ones.
        threshold: the clustering's cosine distance threshold.
    """
    unique = distinct(list(questions))[:MAX_GROUPED]
    if not unique:
        return []
    grouped = {(q.text, q.language) for q in unique}
    others = [q for q in distinct(list(background)) if (q.text, q.language) not in grouped]
    reference = unique + others[:MAX_BACKGROUND]
    ref_vectors = np.asarray(encode([q.text for q in reference]), dtype=np.float32)
    vectors = ref_vectors[: len(unique)]
    means = language_means(ref_vectors, [q.language for q in reference])
    shifted = centred(vectors, [q.language for q in unique], means)
    labels = cluster(shifted, threshold)
    groups: dict[int, list[int]] = {}
    for row, label in enumerate(labels):
        groups.setdefault(label, []).append(row)
    result = []
    for rows in groups.values():
        centre = shifted[rows].mean(axis=0)
        # The most typical wording first: nearest the group's centre, then the most asked.
        rows.sort(key=lambda r: (-float(shifted[r] @ centre), -unique[r].count))
        result.append(QuestionGroup([unique[r] for r in rows]))
    result.sort(key=lambda g: (-g.count, g.label))
    return result
