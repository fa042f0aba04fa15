"""Running the set through `ask()` and scoring each answer.

Each item is asked as a user would: the earlier questions of a conversation first (their
answers become the history), then the question itself, timed. The passages that `ask()`
retrieved are recorded from the engine's retriever while it runs, so the retrieval metrics see
exactly the ranking behind the answer; if a future engine stops calling it, the harness falls
back to retrieving the resolved question itself, and says so per item.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence

from assistant import Answer, ask
from assistant.answering.engine import get_engine
from assistant.answering.messages import MESSAGES, language_list, message
from assistant.evaluation.dataset import Item, contains
from assistant.evaluation.judge import Judge, VerbatimJudge, Verdict
from assistant.evaluation.metrics import (
    answer_rank,
    claims,
    gold_rank,
    key_fact_recall,
    language_ok,
)
from assistant.settings import Settings

RETRIEVAL_DEPTH = 5
WARM_UP = "Hvad laver AI-kontoret?"


def _own_words() -> list[str]:
    """The assistant's own sentences (notices, abstentions), with the shipped site's subject
    filled in: not claims about the pages. Longest first."""
    from string import Formatter

    from assistant.ingest.corpus import corpus_languages
    from assistant.ingest.site import load_site

    corpus = Settings.from_env().corpus_dir
    site, languages = load_site(corpus), corpus_languages(corpus)
    own = set()
    for language, table in MESSAGES.items():
        for key, template in table.items():
            fields = {f for _, f, _, _ in Formatter().parse(template) if f}
            if fields <= {"subject", "subject_about", "languages"}:
                listed = language_list(languages, language)
                own.add(message(key, language, site.subject(language), languages=listed))
    return sorted(own, key=len, reverse=True)


OWN_WORDS = _own_words()


def is_list_heading(answer: Answer) -> bool:
    """Whether the answer is a list whose first citation is its lead-in: cited before the
    items and by none of them."""
    if answer.format != "list" or not answer.citations or not answer.items:
        return False
    return not any(item.rstrip().endswith("[1]") for item in answer.items)


def score_item(
    item: Item,
    answer: Answer | None,
    retrieved: Sequence[tuple[str, str, str]] | None,
    judge: Judge,
    detect: Callable[[str], str],
    latency_ms: float | None = None,
    error: str = "",
) -> dict:
    """Every per-item number for one answer.

    Args:
        item: the question and its gold.
        answer: what ask() returned (None when it raised `error`).
        retrieved: (passage id, language, text) of the ranked passages behind the answer, or
            None when unknown.
        judge: decides whether a cited passage supports an answer sentence.
        detect: text -> language code, for the answer language check.
    """
    result = {
        "id": item.id,
        "pair": item.pair,
        "language": item.language,
        "category": item.category,
        "section": item.section,
        "question": item.question,
        "history": list(item.history),
        "answerable": item.answerable,
        "error": error,
        "latency_ms": latency_ms,
    }
    if answer is None:
        return {**result, **_failed(item)}
    citations = answer.citations
    by_number = {c.number: c for c in citations}
    # A passage is gold only against the gold of its own language (a Danish question's
    # answer citing the Polish page is not a hit).
    cited = [(c.language, c.text) for c in citations]
    citation_rank = answer_rank(cited, item.gold_for, heading=is_list_heading(answer))
    retrieval_rank = None
    if retrieved is not None:
        retrieval_rank = gold_rank(
            [(lang, text) for _, lang, text in retrieved], item.gold_for, RETRIEVAL_DEPTH
        )

    answer_claims = answer_claims_of(answer)
    pairs = judged_pairs(answer)
    verdicts = dict(zip(pairs, judge.judge(pairs), strict=True)) if pairs else {}
    verbatim = dict(zip(pairs, VerbatimJudge().judge(pairs), strict=True)) if pairs else {}
    claim_rows = []
    for claim in answer_claims:
        mine = [
            (claim.text, by_number[n].text, by_number[n].language)
            for n in claim.numbers
            if n in by_number
        ]
        claim_rows.append(
            {
                "text": claim.text,
                "citations": list(claim.numbers),
                "supported": any(verdicts[p].supported for p in mine),
                "verbatim": any(verbatim[p].supported for p in mine),
                "score": max((verdicts[p].score for p in mine), default=0.0),
            }
        )
    precise = []
    for citation in citations:
        sentences = [
            (claim.text, citation.text, citation.language)
            for claim in answer_claims
            if citation.number in claim.numbers
        ]
        precise.append(
            bool(sentences)
            and contains(citation.text, citation.quote)
            and all(verdicts[p].supported for p in sentences)
        )
    quotes = [c.quote for c in citations]
    text = answer.text
    return {
        **result,
        "answer": text,
        "answer_language": answer.language,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "resolved_question": answer.resolved_question,
        "citations": [
            {**c.summary(), "gold": gold_rank([(c.language, c.text)], item.gold_for) == 1}
            for c in citations
        ],
        "citation_rank": citation_rank if item.answerable else None,
        # The rank before a list's lead-in was read as its heading (`answer_rank`).
        "first_citation_rank": gold_rank(cited, item.gold_for) if item.answerable else None,
        "retrieved": None if retrieved is None else [pid for pid, _, _ in retrieved],
        "retrieval_rank": retrieval_rank if item.answerable else None,
        "claims": claim_rows,
        "citations_precise": precise,
        "language_ok": language_ok(
            item.language, answer.language, text, [c.language for c in citations], quotes, detect
        ),
        "key_fact_recall": key_fact_recall(text, item.key_facts) if item.answerable else None,
        "missing_facts": [
            f if isinstance(f, str) else " | ".join(f)
            for f in item.key_facts
            if key_fact_recall(text, [f]) == 0
        ],
        "dragged": (
            any(contains(c.text, g) for c in citations for g in item.not_gold)
            if item.not_gold
            else None
        ),
    }


def answer_claims_of(answer: Answer):
    return [] if answer.abstained else claims(answer.text, OWN_WORDS)


def judged_pairs(answer: Answer) -> list[tuple[str, str, str]]:
    """(sentence, cited passage, passage language) for every citation of every sentence."""
    by_number = {c.number: c for c in answer.citations}
    return [
        (claim.text, by_number[n].text, by_number[n].language)
        for claim in answer_claims_of(answer)
        for n in claim.numbers
        if n in by_number
    ]


class _Prejudged:
    """A judge whose verdicts were given in one batch (embedding one text at a time is
    several times slower than a batch); pairs it has not seen go to the real judge."""

    def __init__(self, judge: Judge, pairs: Sequence[tuple[str, str, str]]):
        self.name = judge.name
        self._judge = judge
        unique = list(dict.fromkeys(pairs))
        self._verdicts = dict(zip(unique, judge.judge(unique), strict=True)) if unique else {}

    def judge(self, pairs: Sequence[tuple[str, str, str]]) -> list[Verdict]:
        missing = [p for p in dict.fromkeys(pairs) if p not in self._verdicts]
        if missing:
            self._verdicts.update(zip(missing, self._judge.judge(missing), strict=True))
        return [self._verdicts[p] for p in pairs]


def _failed(item: Item) -> dict:
    return {
        "answer": "",
        "answer_language": "",
        "abstained": False,
        "reason": "error",
        "resolved_question": "",
        "citations": [],
        "citation_rank": None,
        "first_citation_rank": None,
        "retrieved": None,
        "retrieval_rank": None,
        "claims": [],
        "citations_precise": [],
        "language_ok": False,
        "key_fact_recall": 0.0 if item.key_facts and item.answerable else None,
        "missing_facts": [],
        "dragged": None,
    }


def run(
    items: Sequence[Item],
    settings: Settings,
    judge: Judge,
    progress: bool = True,
) -> tuple[list[dict], list[float]]:
    """Ask every item and score it; returns (item results, every ask() latency in ms)."""
    from assistant.analysis.language import detect_language

    engine = get_engine(settings)  # loads (or builds) the index and the model once
    ask(WARM_UP, settings=settings)
    lexicons = engine.lexicons

    def detect(text: str) -> str:
        return detect_language(text, lexicons).code

    earlier: dict[tuple[str, ...], Answer] = {}  # earlier turns, asked once per conversation
    latencies: list[float] = []
    asked = []
    for number, item in enumerate(items, start=1):
        history: list[tuple[str, Answer]] = []
        answer, error, latency, retrieved, source = None, "", None, None, ""
        try:
            for turn, question in enumerate(item.history):
                key = tuple(item.history[: turn + 1])
                if key not in earlier:
                    started = time.perf_counter()
                    earlier[key] = ask(question, history=list(history), settings=settings)
                    latencies.append((time.perf_counter() - started) * 1000)
                history.append((question, earlier[key]))
            started = time.perf_counter()
            answer = ask(item.question, history=history or None, settings=settings)
            latency = (time.perf_counter() - started) * 1000
            latencies.append(latency)
            retrieved, source = _retrieved(settings, answer, item)
        except Exception as exc:  # one broken answer must not stop the run; it is reported
            error = f"{type(exc).__name__}: {exc}"
        asked.append((item, answer, retrieved, latency, error, source))
        if progress:
            mark = "!" if error else "." if answer and not answer.abstained else "-"
            print(mark, end="\n" if number % 50 == 0 else "", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)

    batch = _Prejudged(judge, [p for _, a, *_ in asked if a is not None for p in judged_pairs(a)])
    results = []
    for item, answer, retrieved, latency, error, source in asked:
        result = score_item(item, answer, retrieved, batch, detect, latency, error)
        if source:
            result["retrieval_source"] = source
        results.append(result)
    return results, latencies


def _retrieved(settings: Settings, answer: Answer, item: Item):
    """The ranking behind the answer, as its trace records it (what ask() itself retrieved);
    a separate retrieval only for answers that record none (e.g. an empty question)."""
    passages = get_engine(settings).index.passages
    traced = [p.passage_id for p in answer.trace.passages if p.passage_id in passages]
    if traced:
        ids, source = traced[:RETRIEVAL_DEPTH], "ask"
    else:
        language = answer.language
        question = answer.resolved_question or item.question
        retriever = get_engine(settings).retriever
        hits = retriever.retrieve(question, language, k=RETRIEVAL_DEPTH)
        ids, source = [h.chunk.id for h in hits], "separate"
    return [(i, passages[i].language, passages[i].text) for i in ids], source
