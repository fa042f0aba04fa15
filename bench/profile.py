"""Where a warm `ask()` spends its time, by stage, with cProfile.

    python -m bench.profile                 # the eval's dev questions, one pass, warm
    python -m bench.profile --top 40        # and the 40 functions with most time of their own
    python -m bench.profile --split         # no profiler: the encoder's time and the rest's
    python -m bench.profile --corpus-dir C --index-dir I   # on another corpus (a kept
                                            # synthetic one: `python -m bench --keep`)

With `--split`, every call to the question encoder is timed by a wrapper, so each ask splits
into encoder time (the question and the focus check's variants) and the rest; a bare
encoding of the same question follows each ask, for scale. Medians are printed.

Asks every question once to warm up (lazy loads, caches keyed on the build), then again under
cProfile, and prints the time per stage (cumulative time of the stage's entry function,
summed over the questions) as a share of the whole. The encoder is its own line, so what is
left is the time spent outside it.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

from assistant.resources import PROJECT_DIR

from .questions import load_questions

# (label, module path fragment, function name): a stage's entry point in the call graph.
STAGES = [
    ("question encoding (onnxruntime)", "index/embedding.py", "encode_queries"),
    ("cleaning the question", "analysis/questions.py", "clean_question"),
    ("language detection", "analysis/language.py", "detect_language"),
    ("question analysis (engine)", "analysis/question.py", "analyse_question"),
    ("follow-up resolution", "answering/conversation.py", "resolve"),
    ("retrieval, all of it", "retrieval/retriever.py", "retrieve"),
    ("  BM25 query analysis", "index/lexical.py", "analyse_query"),
    ("  BM25 scoring", "index/lexical.py", "scores"),
    ("  passage analysis (stems)", "index/lexical.py", "analyse"),
    ("  sentence cosines", "index/sentences.py", "cosines"),
    ("  written questions", "retrieval/retriever.py", "_written"),
    ("  focus gains", "retrieval/retriever.py", "_with_focus_gains"),
    ("composition, all of it", "answering/extractive.py", "compose"),
    ("  answerability", "answering/answerability.py", "decide"),
    ("  learned features", "answering/features.py", "answer_features"),
    ("  trained model", "answering/learned.py", "verdict"),
]


def stage_times(stats: pstats.Stats) -> dict[str, float]:
    """Cumulative seconds of each stage's entry function (recursion counted once)."""
    out = {}
    for label, path, name in STAGES:
        total = 0.0
        for (filename, _, function), (_, _, _, cumulative, _) in stats.stats.items():
            if function == name and filename.replace("\\", "/").endswith(path):
                total += cumulative
        out[label] = total
    return out


def split(questions: list[str], settings, slowest: int = 0) -> dict:
    """Per warm ask: wall time, time in the encoder on the asking thread, texts it encoded
    there, and a bare encoding of the question alone (medians, ms); with `slowest`, that
    many of the slowest asks, each with its own split (what makes the p95)."""
    import statistics

    from assistant import ask
    from assistant.answering.engine import get_engine

    embedder = get_engine(settings).embedder
    encode = embedder.encode_queries
    spent = {"s": 0.0, "texts": 0}

    def timed(texts):
        started = time.perf_counter()
        try:
            return encode(texts)
        finally:
            spent["s"] += time.perf_counter() - started
            spent["texts"] += len(texts)

    embedder.encode_queries = timed
    rows = []
    try:
        for q in questions:
            spent.update(s=0.0, texts=0)
            started = time.perf_counter()
            ask(q, settings=settings)
            wall = time.perf_counter() - started
            started = time.perf_counter()
            encode([q])
            bare = time.perf_counter() - started
            rows.append((wall, spent["s"], spent["texts"], bare, q))
    finally:
        del embedder.encode_queries

    def median_ms(values):
        return round(1000 * statistics.median(values), 1)

    ordered = sorted(rows, key=lambda r: r[0], reverse=True)
    return {
        "asks": len(rows),
        "ask_p50_ms": median_ms([r[0] for r in rows]),
        "ask_p95_ms": round(1000 * ordered[len(rows) // 20][0], 1),
        "encoder_in_ask_p50_ms": median_ms([r[1] for r in rows]),
        "rest_p50_ms": median_ms([r[0] - r[1] for r in rows]),
        "bare_encoding_p50_ms": median_ms([r[3] for r in rows]),
        "texts_per_ask_mean": round(statistics.mean(r[2] for r in rows), 2),
        "texts_per_ask_median": statistics.median(r[2] for r in rows),
        "texts_per_ask_slowest_5%_mean": round(
            statistics.mean(r[2] for r in ordered[: max(1, len(rows) // 20)]), 2
        ),
        "slowest": [
            {
                "question": q,
                "ask_ms": round(1000 * wall, 1),
                "encoder_ms": round(1000 * encoder, 1),
                "texts": texts,
                "rest_ms": round(1000 * (wall - encoder), 1),
            }
            for wall, encoder, texts, _, q in ordered[:slowest]
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--top", type=int, default=25, help="functions by own time to show")
    parser.add_argument("--index-dir", help="an index over the corpus (default: built)")
    parser.add_argument(
        "--corpus-dir", help="the corpus (default: the real pages)", default=PROJECT_DIR / "corpus"
    )
    parser.add_argument("--split", action="store_true", help="no profiler: encoder vs the rest")
    parser.add_argument("--slowest", type=int, default=0, help="with --split: the N slowest asks")
    args = parser.parse_args(argv)

    from assistant import ask
    from assistant.index.builds import ingest
    from assistant.index.layout import active_build
    from assistant.settings import Settings

    questions, source = load_questions()
    with tempfile.TemporaryDirectory(prefix="profile-ask-") as scratch:
        settings = Settings(
            index_dir=Path(args.index_dir or scratch), corpus_dir=Path(args.corpus_dir)
        )
        if active_build(settings.index_dir) is None:
            # Only when there is none: a kept synthetic index was built with cheap vectors,
            # and ingesting its corpus again would encode every passage with the model.
            ingest(settings)
        for q in questions:  # warm-up
            ask(q, settings=settings)
        if args.split:
            print(
                json.dumps(split(questions, settings, args.slowest), ensure_ascii=False, indent=1)
            )
            return 0
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for q in questions:
            ask(q, settings=settings)
        profiler.disable()
        wall = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(
        f"{len(questions)} warm asks ({source}): {wall:.2f} s, {1000 * wall / len(questions):.1f}"
        f" ms each; profiled {total:.2f} s"
    )
    print(f"{'stage':<36} {'ms/ask':>8} {'share':>7}")
    for label, seconds in stage_times(stats).items():
        if seconds:
            print(f"{label:<36} {1000 * seconds / len(questions):8.2f} {seconds / total:7.1%}")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
