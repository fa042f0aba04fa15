"""Fit the learned ranking (`ranking`) on the questions people wrote for each passage.

Each written question is searched as a new asker's would be: cross-fitted by author, from an
index built without its author's questions (`ingest.labelled`). The first `ranking.DEPTH`
candidates the fusion finds are recorded with their features and whether each is the passage
the question was written for (or its translation). A logistic regression on pairs of
candidates learns which of them is that passage. The table is written beside the model;
fitting from it is deterministic (`assistant train --from-table`). The eval set is never read here.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.ingest.labelled import (
    ANSWERED,
    SEED,
    corpus_without,
    examples,
    read_rows,
    table_digest,
    write_rows,
    written_for,
)
from assistant.retrieval.ranking import DEPTH, FEATURES, MODEL_FILE

TABLE_FILE = MODEL_FILE.with_name("ranking_training.jsonl")
# Inverse regularisation. Cross-validated by author on the nine authors' 7,045 questions
# (7 December 2026): the learned first candidate was their passage for 0.9082 / 0.9100 /
# 0.9093 with C 0.01 / 0.1 / 1.0 before the written questions' vote was a feature, 0.9180 /
# 0.9181 / 0.9185 with it; 0.8737 for the fusion's first, 0.9022 for the earlier model that
# scored each candidate alone.
C = 0.1
DECIMALS = 6  # features are stored rounded: the table stays small and reads back exactly


def ranking_table(
    corpus_dir: Path, work_dir: Path, limit: int | None = None, progress: bool = True
) -> list[dict]:
    """Every written question's first candidates with their features, cross-fitted by
    author; `limit` searches only the first few of each author (for a quick check)."""
    from assistant.analysis.language import detect_language, lexicons_from_chunks
    from assistant.analysis.question import analyse_question
    from assistant.analysis.questions import clean_question
    from assistant.analysis.text import words
    from assistant.index.builds import ingest
    from assistant.index.opened import Index
    from assistant.retrieval.retriever import HybridRetriever, weights_for
    from assistant.settings import Settings

    written = [e for e in examples(corpus_dir) if e.label == ANSWERED]
    folds = sorted({e.fold for e in written})
    if progress:
        print(f"Searching the written questions, {len(folds)} authors ...", file=sys.stderr)
    rows: list[dict] = []
    for fold in folds:
        asked = [e for e in written if e.fold == fold][:limit]
        corpus = corpus_without(corpus_dir, {e.question for e in asked}, work_dir / "corpus")
        settings = Settings.from_env(index_dir=work_dir / "index", corpus_dir=corpus)
        ingest(settings)
        index = Index.open(settings)
        model = index.manifest.get("model", settings.model)
        # The fusion's order: the candidates as the ranking will find them, before it.
        retriever = HybridRetriever(index, index.embedder(), weights_for(model))
        lexicons = lexicons_from_chunks(index.passages.values())
        for n, example in enumerate(asked, 1):
            # As the engine reads a question asked on its own (`Engine.answer`).
            text = clean_question(example.question, settings.max_question_chars).text
            tokens = tuple(words(text))
            language = detect_language(text, lexicons, tokens=tokens).code
            analysed = analyse_question(text, language, index, tokens)
            hits = retriever.retrieve(text, language, analysed=analysed)[:DEPTH]
            rows.append(
                {
                    "question": example.question,
                    "embedding_model": model,
                    "fold": fold,
                    "passage_id": example.passage_id,
                    "candidates": [h.chunk.id for h in hits],
                    "own": [written_for(index, h.chunk.id, example.passage_id) for h in hits],
                    "features": [[round(v, DECIMALS) for v in h.ranking_features] for h in hits],
                }
            )
            if progress and n % 100 == 0:
                print(f"  author {fold + 1}/{len(folds)}: {n}/{len(asked)}", file=sys.stderr)
    return rows


@dataclass(frozen=True)
class PairwiseFit:
    """Standardisation, then a linear score learned from pairs of candidates."""

    scaler: object  # sklearn StandardScaler, fitted on every candidate's features
    regression: object  # sklearn LogisticRegression, fitted on the pairs' differences

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return self.scaler.transform(x) @ self.regression.coef_[0]


def pairs(rows: list[dict], scaler) -> np.ndarray:
    """For each question, its own passage's standardised features minus each other
    candidate's: the model learns which of two candidates is the question's own."""
    differences = []
    for row in rows:
        own = [i for i, is_own in enumerate(row["own"]) if is_own]
        other = [i for i, is_own in enumerate(row["own"]) if not is_own]
        if own and other:
            x = scaler.transform(np.array(row["features"], dtype=float))
            differences.extend(x[i] - x[j] for i in own for j in other)
    return np.array(differences)


def fit(rows: list[dict], seed: int = SEED) -> PairwiseFit:
    """A pairwise logistic regression: of two candidates, which is the question's own passage?

    Learned from pairs rather than from each candidate alone, a score only has to put the
    own passage above the others found for the same question, not above every candidate of
    every question (held out by author, 7 December 2026: 0.9094 against 0.9022 without the
    vote of the written questions). The pairs go in both ways round, so no intercept."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    scaler = StandardScaler().fit(np.array([f for r in rows for f in r["features"]], dtype=float))
    differences = pairs(rows, scaler)
    x = np.vstack([differences, -differences])
    y = np.r_[np.ones(len(differences), dtype=int), np.zeros(len(differences), dtype=int)]
    regression = LogisticRegression(C=C, max_iter=5000, fit_intercept=False, random_state=seed)
    # One BLAS thread, as answerability's fit: a refit must give the shipped bytes.
    with threadpool_limits(limits=1, user_api="blas"):
        return PairwiseFit(scaler, regression.fit(x, y))


def cross_validated(rows: list[dict], seed: int = SEED) -> dict:
    """Each author's questions ordered by a model fitted on the other authors': how often
    the first candidate is the question's own passage, learned and fused."""
    learned = fused = reachable = 0
    for fold in sorted({r["fold"] for r in rows}):
        model = fit([r for r in rows if r["fold"] != fold], seed)
        for row in (r for r in rows if r["fold"] == fold and r["features"]):
            scores = model.decision_function(np.array(row["features"], dtype=float))
            learned += row["own"][int(np.argmax(scores))]
            fused += row["own"][0]
            reachable += any(row["own"])
    questions = len(rows)
    return {
        "questions": questions,
        "own_among_candidates": reachable,
        "first_is_own": {
            "learned": round(learned / max(1, questions), 4),
            "fusion": round(fused / max(1, questions), 4),
        },
    }


def model_dict(model, rows: list[dict], seed: int = SEED) -> dict:
    """The fitted pipeline as the JSON that `ranking.load_ranking` reads."""
    from assistant.answering.kernels import numeric_kernels

    embedding_models = {r["embedding_model"] for r in rows}
    if len(embedding_models) != 1:
        raise ValueError(f"the ranking table mixes embedding models: {sorted(embedding_models)}")

    return {
        "features": list(FEATURES),
        "model": embedding_models.pop(),
        "mean": model.scaler.mean_.tolist(),
        "scale": model.scaler.scale_.tolist(),
        "coef": model.regression.coef_[0].tolist(),
        "intercept": 0.0,  # pairs carry no intercept: only differences between scores count
        "seed": seed,
        "C": C,
        "depth": DEPTH,
        "table_sha256": table_digest(rows),
        "cross_validated": cross_validated(rows, seed),
        "fitted_under": numeric_kernels(),
    }


def write_table(rows: list[dict], path: Path = TABLE_FILE) -> None:
    write_rows(rows, path)


def read_table(path: Path = TABLE_FILE) -> list[dict]:
    return read_rows(path)


def write_model(model: dict, path: Path = MODEL_FILE) -> None:
    path.write_text(json.dumps(model, indent=1) + "\n", "utf-8")
