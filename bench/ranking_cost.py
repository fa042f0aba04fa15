"""What the learned order and the written questions' vote add to retrieval, outside the encoder.

    python -m bench.ranking_cost              # 600 single-turn Danish and Polish dev questions
    python -m bench.ranking_cost --questions 200

Every question's vector is made once beforehand and shared, so only retrieval is timed. Each
comparison alternates its two sides question by question, and the side that goes first
switches every question: the second retrieval of a question finds caches warm (its analysis,
the answer types its passages hold), and a loop that always ran one side first measured that
order, not the work (about 0.35 ms here). Medians are printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable


def alternated(
    questions: list[tuple[str, str]],
    first: Callable[[str, str], object],
    second: Callable[[str, str], object],
) -> tuple[float, float]:
    """The two sides' median milliseconds, each question asked of both, in switching order."""
    times: tuple[list[float], list[float]] = ([], [])
    for n, (question, language) in enumerate(questions):
        sides = [(first, times[0]), (second, times[1])]
        for side, recorded in sides if n % 2 == 0 else sides[::-1]:
            start = time.perf_counter()
            side(question, language)
            recorded.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1e3, statistics.median(times[1]) * 1e3


def main(argv: list[str] | None = None) -> int:
    from assistant.evaluation.dataset import load_items
    from assistant.index.opened import Index
    from assistant.index.question_vectors import VOTERS
    from assistant.retrieval import ranking
    from assistant.retrieval.retriever import HybridRetriever
    from assistant.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m bench.ranking_cost", description=__doc__)
    parser.add_argument("--questions", type=int, default=600)
    args = parser.parse_args(argv)

    index = Index.open(Settings.from_env())
    embedder = index.embedder()
    learned = HybridRetriever(index, embedder, ranker=ranking.load_ranking())
    fused = HybridRetriever(index, embedder)
    questions = [
        (item.question, item.language)
        for item in load_items()
        if item.language in ("da", "pl") and not item.history
    ][: args.questions]

    vectors: dict = {}

    def shared_vector(text: str):
        if text not in vectors:
            vectors[text] = embedder.encode_queries([text])[0]
        return vectors[text]

    learned.query_vector = fused.query_vector = shared_vector
    # The vote as computed, and the same vote remembered from the warm-up: what computing it
    # costs, with everything after it the same.
    written = index.questions
    compute = written.votes
    remembered: dict[bytes, dict[str, float]] = {}

    def recording(scores, k=VOTERS):
        remembered[scores.tobytes()] = votes = compute(scores, k)
        return votes

    def computed(question: str, language: str):
        written.votes = recording
        return learned.retrieve(question, language)

    def recalled(question: str, language: str):
        written.votes = lambda scores, k=VOTERS: remembered[scores.tobytes()]
        return learned.retrieve(question, language)

    def fusion_order(question: str, language: str):
        written.votes = recording
        return fused.retrieve(question, language)

    for question, language in questions:  # warm-up: lazy loads, caches, the votes to recall
        computed(question, language)
        fusion_order(question, language)
    a, b = alternated(questions, computed, fusion_order)
    print(f"learned order {a:.3f} ms, the fusion's order {b:.3f} ms: {a / b:.3f}x")
    a, b = alternated(questions, computed, recalled)
    print(f"the vote computed {a:.3f} ms, remembered {b:.3f} ms: {a / b:.3f}x")
    print(f"({len(questions)} questions, retrieval only: vectors made beforehand)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
