"""Metrics of one answer, and their summary over many: pure functions, no model, no index.

What each metric measures (and on which items) is in `METRICS`; the harness prints it in the
report so that nobody has to guess which number counts what.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.evaluation.dataset import PAGE_LANGUAGES, contains, normalise

# name -> (higher is better, what it measures)
METRICS: dict[str, tuple[bool, str]] = {
    "hit@1": (True, "answerable items whose first citation is a gold passage"),
    "hit@3": (True, "answerable items with a gold passage among the first 3 citations"),
    "mrr": (True, "mean 1/rank of the first gold passage among the citations (0 if none)"),
    "retrieval_hit@1": (True, "gold passage ranked first by the retrieval behind ask() (top 5)"),
    "retrieval_hit@3": (True, "gold passage among the top 3 retrieved passages"),
    "retrieval_mrr": (True, "mean 1/rank of the first gold passage among the top 5 retrieved"),
    "citation_precision": (
        True,
        "citations whose quote stands verbatim in the cited passage and whose answer sentence "
        "the passage supports (judge)",
    ),
    "faithfulness": (True, "answer sentences supported by the passages they cite (judge)"),
    "faithfulness_verbatim": (True, "answer sentences found word for word in a cited passage"),
    "language_accuracy": (True, "answers (and abstentions) in the question's language"),
    "key_fact_recall": (True, "share of an item's key facts in the answer, mean over items"),
    "abstention_precision": (True, "abstentions that were on out-of-scope items"),
    "abstention_recall": (True, "out-of-scope items abstained on"),
    "false_abstention_rate": (False, "answerable items abstained on"),
    # The four outcomes, each a share of the group's items (they sum to 1).
    "answered_right": (True, "answerable items answered with a gold first citation"),
    "answered_wrong": (False, "items answered wrongly: a non-gold first citation, or unanswerable"),
    "abstained_right": (True, "unanswerable items abstained on"),
    "abstained_wrong": (False, "answerable items abstained on (as a share of all items)"),
    "topic_drag": (False, "topic-change follow-ups citing the earlier turn's passage"),
    "latency_p50_ms": (False, "median time of one ask() call"),
    "latency_p95_ms": (False, "95th percentile time of one ask() call"),
}

_MARKERS = re.compile(r"((?:\s*\[\d+\])+)")
_NUMBER = re.compile(r"\[(\d+)\]")
_LABEL = re.compile(r"^\s*\([^()]{1,24}\)\s*")  # "(Danish) " before a quoted passage
_QUOTES = "\"'“”„«»‚‘’ "


@dataclass(frozen=True)
class Claim:
    """A sentence of an answer and the citation numbers it carries."""

    text: str
    numbers: tuple[int, ...]


def claims(text: str, own_words: Sequence[str] = ()) -> list[Claim]:
    """The answer's sentences with their citation markers.

    A marker group `[1]` or `[1][2]` closes a segment; every sentence of the segment carries
    its numbers. Text after the last marker is uncited. `own_words` are the assistant's own
    sentences (its notices, not claims about the pages), removed first.
    """
    for message in own_words:
        if message:
            text = text.replace(message, " ")
    parts = _MARKERS.split(text)
    out: list[Claim] = []
    for index in range(0, len(parts), 2):
        segment = parts[index]
        numbers = (
            tuple(int(n) for n in _NUMBER.findall(parts[index + 1]))
            if index + 1 < len(parts)
            else ()
        )
        for sentence in _sentences(_clean(segment)):
            out.append(Claim(sentence, numbers))
    return out


def _clean(segment: str) -> str:
    lines = [_LABEL.sub("", line).strip(_QUOTES) for line in segment.splitlines()]
    return " ".join(line for line in lines if line)


def _sentences(text: str) -> list[str]:
    from assistant.analysis.text import sentences

    return [s for s in sentences(text) if any(ch.isalnum() for ch in s)]


def strip_markers(text: str) -> str:
    return re.sub(r"\s+", " ", _NUMBER.sub(" ", text)).strip()


def gold_rank(
    passages: Sequence[tuple[str, str]],
    gold_for: Callable[[str], Sequence[str]],
    depth: int | None = None,
) -> int | None:
    """1-based rank of the first (language, text) passage holding a gold substring of its
    language (`gold_for(language)`), None when none of the first `depth` does."""
    for rank, (language, text) in enumerate(passages[:depth], start=1):
        if any(contains(text, g) for g in gold_for(language)):
            return rank
    return None


def answer_rank(
    passages: Sequence[tuple[str, str]],
    gold_for: Callable[[str], Sequence[str]],
    heading: bool = False,
) -> int | None:
    """1-based rank of the first gold citation of an answer, its claims counted in order.

    With `heading`, the first citation is a list's lead-in ("The Office supports the Act by:")
    and the items follow: the lead-in frames the list and claims nothing alone, so the answer
    is judged by its items, the first of them at rank 1 (a gold lead-in is rank 1 too)."""
    if not heading or not passages:
        return gold_rank(passages, gold_for)
    if gold_rank(passages[:1], gold_for) == 1:
        return 1
    return gold_rank(passages[1:], gold_for)


def hit_at(rank: int | None, k: int) -> float:
    return float(rank is not None and rank <= k)


def reciprocal_rank(rank: int | None) -> float:
    return 1.0 / rank if rank else 0.0


def fact_found(text: str, fact: str | Sequence[str]) -> bool:
    """A key fact (or any of its alternatives) stands in the text, case and spacing aside."""
    alternatives = [fact] if isinstance(fact, str) else list(fact)
    held = normalise(text)
    return any(normalise(a) in held for a in alternatives)


def key_fact_recall(text: str, key_facts: Sequence[str | Sequence[str]]) -> float | None:
    if not key_facts:
        return None
    return sum(fact_found(text, f) for f in key_facts) / len(key_facts)


def language_ok(
    expected: str,
    answer_language: str,
    text: str,
    citation_languages: Sequence[str],
    quotes: Sequence[str],
    detect,
) -> bool:
    """Whether an answer is in the question's language.

    For Danish and Polish the answer quotes its page, so every citation must be in that
    language and the text must read as it. For other languages the answer quotes the Danish
    and Polish pages, so its own words (quotes and labels removed) must be in the language.
    `detect` maps text to a language code.
    """
    if answer_language != expected:
        return False
    own = strip_markers(text)
    if expected in PAGE_LANGUAGES:
        if any(lang != expected for lang in citation_languages):
            return False
    else:
        for quote in quotes:
            own = own.replace(quote, " ")
        own = _LABEL.sub(" ", own)
        own = re.sub(r"\([^()]{1,24}\)|[“”„\"]", " ", own)
    own = re.sub(r"\s+", " ", own).strip()
    return bool(own) and detect(own) == expected


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def mean(values: Sequence[float]) -> float | None:
    return float(sum(values) / len(values)) if values else None


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def summarise(results: Sequence[dict]) -> dict[str, float | int | None]:
    """The metrics over item results (dicts as `runner.score_item` makes them)."""
    answerable = [r for r in results if r["answerable"]]
    out_of_scope = [r for r in results if not r["answerable"]]
    answered = [r for r in results if not r["abstained"] and not r["error"]]
    cited_ranks = [r["citation_rank"] for r in answerable]
    retrieved = [r for r in answerable if r["retrieved"] is not None]
    claims_all = [c for r in answered for c in r["claims"]]
    precise = [p for r in answered for p in r["citations_precise"]]
    facts = [r["key_fact_recall"] for r in results if r["key_fact_recall"] is not None]
    abstained_oos = sum(r["abstained"] for r in out_of_scope)
    abstained_all = sum(r["abstained"] for r in results)
    drag = [r["dragged"] for r in results if r["dragged"] is not None]
    latencies = [r["latency_ms"] for r in results if r["latency_ms"] is not None]
    return {
        "items": len(results),
        "answerable": len(answerable),
        "out_of_scope": len(out_of_scope),
        "hit@1": mean([hit_at(k, 1) for k in cited_ranks]),
        "hit@3": mean([hit_at(k, 3) for k in cited_ranks]),
        "mrr": mean([reciprocal_rank(k) for k in cited_ranks]),
        "retrieval_hit@1": mean([hit_at(r["retrieval_rank"], 1) for r in retrieved]),
        "retrieval_hit@3": mean([hit_at(r["retrieval_rank"], 3) for r in retrieved]),
        "retrieval_mrr": mean([reciprocal_rank(r["retrieval_rank"]) for r in retrieved]),
        "citation_precision": mean([float(p) for p in precise]),
        "faithfulness": mean([float(c["supported"]) for c in claims_all]),
        "faithfulness_verbatim": mean([float(c["verbatim"]) for c in claims_all]),
        "claims": len(claims_all),
        "citations": len(precise),
        "language_accuracy": mean([float(r["language_ok"]) for r in results]),
        "key_fact_recall": mean(facts),
        # Without out-of-scope items in the group, precision would only restate false
        # abstentions: not measured.
        "abstention_precision": ratio(abstained_oos, abstained_all) if out_of_scope else None,
        "abstention_recall": ratio(abstained_oos, len(out_of_scope)),
        "false_abstention_rate": ratio(sum(r["abstained"] for r in answerable), len(answerable)),
        "topic_drag": mean([float(d) for d in drag]),
        **outcomes(results),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "errors": sum(bool(r["error"]) for r in results),
    }


def outcomes(results: Sequence[dict]) -> dict[str, float | None]:
    """The four outcomes as shares of the items: answered right or wrong, abstained right or
    wrong (an error counts as answered wrong)."""
    counts = {"answered_right": 0, "answered_wrong": 0, "abstained_right": 0, "abstained_wrong": 0}
    for r in results:
        if r["abstained"] and not r["error"]:
            counts["abstained_right" if not r["answerable"] else "abstained_wrong"] += 1
        elif r["answerable"] and r["citation_rank"] == 1 and not r["error"]:
            counts["answered_right"] += 1
        else:
            counts["answered_wrong"] += 1
    return {name: ratio(count, len(results)) for name, count in counts.items()}


def group_by(results: Sequence[dict], key: str) -> dict[str, dict]:
    """`summarise` per value of `key` (language, category, section), in a stable order."""
    groups: dict[str, list[dict]] = {}
    for result in results:
        groups.setdefault(result[key], []).append(result)
    # The biggest groups first (the page languages, the main categories), then by name.
    return {
        name: summarise(groups[name]) for name in sorted(groups, key=lambda n: (-len(groups[n]), n))
    }
