"""`assistant train`: fit answerability's model on labelled questions that are not the eval set.

The labelled questions come from the corpus: every question people wrote for a passage
(`*.questions.json`: the pages answer it) and the questions written to be close to the pages
but not answered by them, or about other things (`*.unanswered.jsonl`). The eval set is never
read here.

Features come from the real pipeline (`ask` on a real index), cross-fitted: the written
questions are split into folds, and a fold's questions are asked of an index built without
them, so each is judged as a new question would be, not matched against itself. The features
are written to a table beside the model; fitting from that table is deterministic, so the
shipped model can be rebuilt from it (`assistant train --from-table`): bit for bit under the
numeric kernels it records (`kernels`), to the last bits of rounding under others.

`assistant train` first fits the learned order of the passages found
(`retrieval.ranking_training`), then measures answerability's features with it in place.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.answering.answerability import ANSWERED, NOT_ON_PAGE, OUT_OF_SCOPE
from assistant.answering.features import FEATURES, vector
from assistant.answering.kernels import numeric_kernels
from assistant.answering.learned import MODEL_FILE
from assistant.ingest.labelled import (
    SEED,
    corpus_without,
    examples,
    read_rows,
    table_digest,
    write_rows,
    written_for,
)
from assistant.ingest.written import UNANSWERED_SUFFIX
from assistant.retrieval import ranking_training
from assistant.retrieval.ranking import LearnedRanking

TABLE_FILE = MODEL_FILE.with_name("answerability_training.jsonl")
CLASSES = (ANSWERED, NOT_ON_PAGE, OUT_OF_SCOPE)
# Logistic regression's inverse regularisation strength (scikit-learn's default); each class
# weighed by the inverse of its share, so the fewer out-of-scope examples count as much.
C = 0.1
# Newton's method on the exact Hessian (Cholesky), to a tight tolerance: the fit lands on the
# optimum itself, so another CPU's BLAS code ends at the same coefficients to the last bits
# (1e-14 under OpenBLAS's Nehalem code). L-BFGS at scikit-learn's default 1e-4 stopped where its
# path ended: 0.024 from the optimum in a coefficient, and another CPU's rounding moved that
# point by 5e-8 on the tenth author's table (a tighter L-BFGS moved it more, 2e-6).
SOLVER = "newton-cholesky"
TOLERANCE = 1e-8


def feature_table(
    corpus_dir: Path,
    work_dir: Path,
    limit: int | None = None,
    progress: bool = True,
    ranker: LearnedRanking | None = None,
) -> list[dict]:
    """Every example's features, cross-fitted (see the module's docstring); `limit` asks only
    the first few of each fold (for a quick check). `ranker`: the learned order of the
    passages found that answering will run with, when not the shipped one (just refitted)."""
    from assistant.answering.engine import Engine
    from assistant.index.builds import ingest
    from assistant.settings import Settings

    all_examples = examples(corpus_dir)
    folds = sorted({e.fold for e in all_examples})
    if progress:
        print(
            f"Asking the labelled questions of {corpus_dir}, {len(folds)} folds ...",
            file=sys.stderr,
        )
    rows: list[dict] = []
    for fold in folds:
        asked = [e for e in all_examples if e.fold == fold][:limit]
        held_out = {e.question for e in asked}

        corpus = corpus_without(corpus_dir, held_out, work_dir / "corpus")
        settings = Settings.from_env(index_dir=work_dir / "index", corpus_dir=corpus)
        ingest(settings)
        engine = Engine(settings, build_if_missing=False)
        if ranker is not None:
            engine.retriever.ranker = ranker
        # Every feature measured for every question: the focus check too, which answering
        # runs only where the shipped model is unsure (`Thresholds.focus_unsure`).
        engine.limits = replace(engine.limits, focus_unsure=(0.0, float("inf")))
        for n, example in enumerate(asked, 1):
            answer = engine.answer(example.question)
            top = answer.trace.passages[0].passage_id if answer.trace.passages else ""
            rows.append(
                {
                    "question": example.question,
                    "language": example.language,
                    "label": example.label,
                    "fold": fold,
                    "passage_id": example.passage_id,
                    "features": answer.trace.features,
                    # what the hand-set rules decided (the model withholds nothing while
                    # its table is made: features changed, or its veto is 0)
                    "ruled": answer.trace.decision,
                    # whether the best passage is the one the question was written for
                    "top_is_own": written_for(engine.index, top, example.passage_id),
                }
            )
            if progress and n % 50 == 0:
                print(f"  fold {fold + 1}/{len(folds)}: {n}/{len(asked)}", file=sys.stderr)
    return rows


def usable(rows: list[dict]) -> list[dict]:
    """The rows the model learns from: a written question whose best passage is another one
    says nothing about whether a passage answers it (several may; retrieval missed), so it
    is left out rather than taught as either outcome."""
    return [r for r in rows if r["label"] != ANSWERED or r["top_is_own"]]


def sample_weights(rows: list[dict]) -> np.ndarray:
    """Each (outcome, page language or not) cell weighs the same in total: questions in other
    languages are fewer, and the model must not learn that they are mostly unanswered."""
    cell = [(r["label"], r["features"]["in_page_language"]) for r in rows]
    counts = {c: cell.count(c) for c in set(cell)}
    return np.array([len(rows) / (len(counts) * counts[c]) for c in cell])


def fit(rows: list[dict], seed: int = SEED):
    """A standardising multinomial logistic regression on the usable rows, each outcome and
    language cell weighed equally (`sample_weights`)."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = usable(rows)
    x = np.array([vector(r["features"]) for r in rows])
    y = np.array([r["label"] for r in rows])
    # A question in a language with no words to account with has NaN word features: the
    # column's mean, as `learned` reads NaN at run time (standardised to 0).
    model = make_pipeline(
        SimpleImputer(strategy="mean"),
        StandardScaler(),
        LogisticRegression(C=C, solver=SOLVER, tol=TOLERANCE, max_iter=5000, random_state=seed),
    )
    # One BLAS thread: with two, a fit's last bits moved when the machine was busy (1e-13 in
    # a coefficient, seen on 6 December 2026), and a refit must give the shipped bytes.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return model.fit(x, y, logisticregression__sample_weight=sample_weights(rows))


def cross_validated(rows: list[dict], seed: int = SEED) -> dict:
    """Each row predicted by a model fitted on the other folds: per-class recall, and how
    often an "answered" verdict is right (the cost that matters most)."""
    predicted = {}
    for fold in sorted({r["fold"] for r in rows}):
        train = [r for r in rows if r["fold"] != fold]
        test = [r for r in rows if r["fold"] == fold]
        model = fit(train, seed)
        labels = model.predict(np.array([vector(r["features"]) for r in test]))
        predicted.update({id(r): label for r, label in zip(test, labels, strict=True)})
    confusion = {a: dict.fromkeys(CLASSES, 0) for a in CLASSES}
    for row in usable(rows):
        confusion[row["label"]][predicted[id(row)]] += 1
    said_answered = sum(confusion[a][ANSWERED] for a in CLASSES)
    return {
        "examples": {a: sum(confusion[a].values()) for a in CLASSES},
        "recall": {
            a: round(confusion[a][a] / max(1, sum(confusion[a].values())), 3) for a in CLASSES
        },
        "answered_precision": round(confusion[ANSWERED][ANSWERED] / max(1, said_answered), 3),
        "confusion": confusion,
    }


def model_dict(model, rows: list[dict], seed: int = SEED) -> dict:
    """The fitted pipeline as the JSON that `answering.learned` reads."""
    scaler = model.named_steps["standardscaler"]
    regression = model.named_steps["logisticregression"]
    classes = [str(c) for c in regression.classes_]
    return {
        "features": list(FEATURES),
        "classes": classes,
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": regression.coef_.tolist(),
        "intercept": regression.intercept_.tolist(),
        "seed": seed,
        "C": C,
        "trained_on": {c: sum(r["label"] == c for r in usable(rows)) for c in classes},
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


def main(argv: list[str] | None = None) -> int:
    """`assistant train [--from-table] [--corpus-dir D] [--out F] [--ranking-out F]`: the
    learned ranking of the passages found first, then answerability's model, whose features
    are measured with that ranking in place."""
    import argparse
    import tempfile

    from assistant.settings import Settings

    parser = argparse.ArgumentParser(
        prog="assistant train",
        description="Retrain the ranking of the passages found and answerability's model from "
        "the corpus's labelled questions (written questions and *.unanswered.jsonl); never "
        "from the eval set.",
    )
    parser.add_argument("--corpus-dir", help="corpus folder (env ASSISTANT_CORPUS_DIR)")
    parser.add_argument(
        "--from-table",
        action="store_true",
        help=f"fit from the shipped feature tables ({TABLE_FILE.name}, "
        f"{ranking_training.TABLE_FILE.name}) instead of asking every question again: "
        "reproduces the shipped models bit for bit under the numeric kernels they record "
        "(fitted_under), to rounding elsewhere",
    )
    parser.add_argument("--table", default=str(TABLE_FILE), help="answerability's table")
    parser.add_argument("--out", default=str(MODEL_FILE), help="where to write its model")
    parser.add_argument(
        "--ranking-table", default=str(ranking_training.TABLE_FILE), help="the ranking's table"
    )
    parser.add_argument(
        "--ranking-out",
        default=str(ranking_training.MODEL_FILE),
        help="where to write the ranking's model",
    )
    args = parser.parse_args(argv)
    table = Path(args.table)
    ranking_table = Path(args.ranking_table)
    if args.from_table:
        _fit_ranking(ranking_training.read_table(ranking_table), Path(args.ranking_out))
        rows = read_table(table)
    else:
        corpus_dir = Settings.from_env(corpus_dir=args.corpus_dir).corpus_dir
        if not any(Path(corpus_dir).glob(f"*{UNANSWERED_SUFFIX}")):
            print(
                f"error: {corpus_dir} has no *{UNANSWERED_SUFFIX}: write questions the pages "
                "do not answer first (docs/answering.md).",
                file=sys.stderr,
            )
            return 1
        with tempfile.TemporaryDirectory(prefix="assistant-train-") as work:
            found = ranking_training.ranking_table(Path(corpus_dir), Path(work))
            ranking_training.write_table(found, ranking_table)
            # Fitted from the table as written, so that `--from-table` gives the same bytes.
            found = ranking_training.read_table(ranking_table)
            ranker = _fit_ranking(found, Path(args.ranking_out))
            rows = feature_table(Path(corpus_dir), Path(work), ranker=ranker)
        write_table(rows, table)
    model = model_dict(fit(rows), rows)
    write_model(model, Path(args.out))
    cv = model["cross_validated"]
    print(
        f"Trained on {model['trained_on']}; cross-validated recall {cv['recall']}, "
        f"answered precision {cv['answered_precision']} -> {args.out}"
    )
    return 0


def _fit_ranking(rows: list[dict], out: Path) -> LearnedRanking:
    """The ranking fitted on its table, written to `out`, and reported."""
    fitted = ranking_training.model_dict(ranking_training.fit(rows), rows)
    ranking_training.write_model(fitted, out)
    first = fitted["cross_validated"]["first_is_own"]
    print(
        f"Ranking: cross-validated first candidate is the question's passage for "
        f"{first['learned']} (the fusion's first: {first['fusion']}) -> {out}"
    )
    return LearnedRanking.from_dict(fitted)
