"""Answerability's trained model: answered, not on the pages, or out of scope, from features.

A multinomial logistic regression (scikit-learn) over `features.FEATURES`, trained by
`assistant train` (`answering/training.py`) on labelled questions that are not the eval set:
the questions people wrote for each passage (answered) and questions written to be close to
the pages but not answered by them, or about other things. It ships as a small JSON file of
its coefficients, so a question is decided with numpy alone, without scikit-learn or pickle.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from assistant.answering.features import FEATURES, vector

logger = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("answerability_model.json")


@dataclass(frozen=True)
class Verdict:
    """The model's outcome and its probability for each outcome."""

    outcome: str
    probabilities: dict[str, float]


@dataclass(frozen=True)
class LearnedAnswerability:
    """The fitted model: standardisation, then a linear score per outcome, softmax."""

    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # one row per class
    intercept: np.ndarray

    def verdict(self, features: dict[str, float]) -> Verdict:
        x = (np.asarray(vector(features)) - self.mean) / self.scale
        x = np.nan_to_num(x, nan=0.0)  # an unknown feature counts as the training average
        scores = self.coef @ x + self.intercept
        exp = np.exp(scores - scores.max())
        probabilities = exp / exp.sum()
        best = int(np.argmax(probabilities))
        return Verdict(
            self.classes[best],
            {c: round(float(p), 4) for c, p in zip(self.classes, probabilities, strict=True)},
        )

    @classmethod
    def from_dict(cls, raw: dict) -> LearnedAnswerability:
        if tuple(raw["features"]) != FEATURES:
            raise ValueError(
                "the answerability model was trained on other features; run `assistant train`"
            )
        return cls(
            classes=tuple(raw["classes"]),
            mean=np.asarray(raw["mean"], dtype=float),
            scale=np.asarray(raw["scale"], dtype=float),
            coef=np.asarray(raw["coef"], dtype=float),
            intercept=np.asarray(raw["intercept"], dtype=float),
        )


@cache
def load_model(path: Path = MODEL_FILE) -> LearnedAnswerability | None:
    """The shipped model, or None when there is none (the rules of `answerability` decide)."""
    if not path.is_file():
        return None
    try:
        return LearnedAnswerability.from_dict(json.loads(path.read_text("utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        # Never a crash mid-question: the rules decide alone until it is retrained.
        logger.warning("answerability model %s not used: %s", path.name, exc)
        return None
