"""The learned order of the first passages found: which of the fused candidates comes first.

The fusion's weights (`retriever.WEIGHTS`) are one compromise for every question. Which
signal to trust depends on the question and on the candidates beside each other: a passage
that leads by its written questions but not by its own words, a list's lead-in that shares
only the subject's words, a passage that holds the date a "when" asks for. A linear score
over generic features of each candidate (its scores, how far each stands from the best
candidate's, which passage the nearest written questions point to, what kind of passage it
is) puts the first `DEPTH` candidates in order; it is a logistic regression fitted on pairs
of candidates (`ranking_training.fit`).

It is trained by `assistant train` (`ranking_training`) on the questions people wrote for
each passage, each retrieved from an index without its author's questions: it learns from
which passage each question was written for, never from the eval set. It ships as a small
JSON file of coefficients read with numpy. Without that file, or for an index made with
another model than the one it was trained with, the fusion's order stands.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("ranking_model.json")
DEPTH = 5  # the candidates put in order: as many as `retrieve` returns by default

# Each candidate's own values: the fused score, the raw cosines, lexical evidence, each
# ranking's normalised score as the fusion summed it, and its share of the vote of the nearest
# written questions (`QuestionVectors.votes`).
# The ones the retriever gathers per passage while it fuses (`HybridRetriever.retrieve`).
SIGNALS = ("lexical_n", "dense_n", "sentence_n", "written_n", "letters_n", "written_vote")
OWN = ("fused", "dense", "sentence", "written", "coverage", "standing", "rarest_match", *SIGNALS)
# How far each of these stands below the best candidate's (0 for the best): a score only
# means something beside the others'.
RELATIVE = (
    "fused",
    "dense",
    "sentence",
    "written",
    "coverage",
    "lexical_n",
    "letters_n",
    "written_vote",
)
# What kind of candidate and question: the fusion's first; the answer type asked for and
# whether the passage holds it; a list's lead-in or item; the passage's length; a question in
# a language the pages are not in.
KIND = (
    "fusion_first",
    "fusion_rank",
    "holds_type",
    "asks_type",
    "lead_in",
    "list_item",
    "log_words",
    "foreign",
)
FEATURES = (*OWN, *(f"{name}_below_best" for name in RELATIVE), *KIND)


@dataclass(frozen=True)
class Candidate:
    """What the ranker reads of one fused candidate (`retriever.HybridRetriever.retrieve`)."""

    values: Mapping[str, float]  # the `OWN` values
    holds_type: bool  # holds an instance of every answer type the question asks for
    lead_in: bool  # introduces a bulleted list
    list_item: bool  # is one item of a list
    words: int  # its length in words


def as_vector(row: Mapping[str, float]) -> tuple[float, ...]:
    return tuple(row[name] for name in FEATURES)


def candidate_features(
    candidates: Sequence[Candidate], asks_type: bool, foreign: bool
) -> list[dict[str, float]]:
    """Each candidate's `FEATURES` by name, in the fusion's order."""
    best = {name: max(c.values[name] for c in candidates) for name in RELATIVE}
    rows = []
    for rank, c in enumerate(candidates):
        row = {name: float(c.values[name]) for name in OWN}
        row.update({f"{n}_below_best": float(c.values[n] - best[n]) for n in RELATIVE})
        row.update(
            fusion_first=float(rank == 0),
            fusion_rank=float(rank),
            holds_type=float(asks_type and c.holds_type),
            asks_type=float(asks_type),
            lead_in=float(c.lead_in),
            list_item=float(c.list_item),
            log_words=math.log1p(c.words),
            foreign=float(foreign),
        )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class LearnedRanking:
    """The fitted model: standardisation, then one linear score per candidate (the
    intercept is 0 for a model fitted on pairs: only the scores' differences count)."""

    model: str  # the embedding model whose cosines it was trained on
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def scores(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """Each candidate's score; `rows` are `FEATURES` vectors (`as_vector`)."""
        x = np.asarray(rows, dtype=float)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def order(self, rows: Sequence[Sequence[float]]) -> list[int]:
        """The candidates' positions, best first; equal scores keep the fusion's order."""
        scores = self.scores(rows)
        return sorted(range(len(rows)), key=lambda i: (-scores[i], i))

    @classmethod
    def from_dict(cls, raw: dict) -> LearnedRanking:
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(
                "the ranking model was trained on other features; run `assistant train`"
            )
        return cls(
            model=raw["model"],
            mean=np.asarray(raw["mean"], dtype=float),
            scale=np.asarray(raw["scale"], dtype=float),
            coef=np.asarray(raw["coef"], dtype=float),
            intercept=float(raw["intercept"]),
        )


@cache
def load_ranking(path: Path = MODEL_FILE) -> LearnedRanking | None:
    """The shipped model, or None when there is none (the fusion's order stands)."""
    if not path.is_file():
        return None
    try:
        return LearnedRanking.from_dict(json.loads(path.read_text("utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        # Never a crash mid-question: the fusion's order stands until it is retrained.
        logger.warning("ranking model %s not used: %s", path.name, exc)
        return None


def ranking_for(model: str, path: Path = MODEL_FILE) -> LearnedRanking | None:
    """The shipped ranking for an index built with `model`; None for another model, whose
    cosines it never saw."""
    ranking = load_ranking(path)
    return ranking if ranking is not None and ranking.model == model else None
