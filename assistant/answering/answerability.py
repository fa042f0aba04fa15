"""Whether the pages answer a question: answered, out of scope, or about the subject but not
on the pages.

Retrieval finds; this module decides; composition writes. The decision reads only the hits
(their lexical coverage, their cosine to the question and how far it stands out) and what the
question asks for (its expected answer type), through small pure functions:

1. In scope: the best passage is close to the question by meaning (cosine), or holds its
   rarer words. Questions about other things ("the weather in Aarhus") are neither.
2. The expected answer is there: a question that asks for a count, an amount of money, a
   phone number, a postal address, opening hours or how often, is answered only by a passage
   that holds one ("Hvor mange virksomheder...?" is not answered by a passage without a
   number, however close its subject).
3. The focus is there: the passage holds the question's words (IDF-weighted coverage, or a
   rare word of it), or it stands out by meaning: its cosine is well above the question's
   other candidates. A question about the subject in general but asking something the pages
   never say ("Can one work from home?") is close to many passages and to none in particular.

Thresholds are chosen on eval/'s dev split only (docs/answering.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.analysis.answer_types import expected_types, held_types
from assistant.retrieval.retriever import RARE_WORD, Hit

ANSWERED = "answered"
OUT_OF_SCOPE = "out_of_scope"
NOT_ON_PAGE = "not_on_page"

MAX_PASSAGES = 3  # the hits an answer may cite
# Cosine of the best passage below which a question is about something else: page-language
# questions, and questions in other languages (whose cosines to the pages run lower).
SCOPE_COSINE = 0.81
SCOPE_COSINE_FOREIGN = 0.77
# Lexical presence: this share of the question's IDF-weighted stems, or a lower share when
# the passage holds one of its rare words (one that few passages use).
MIN_COVERAGE = 0.4
MIN_COVERAGE_WITH_RARE_WORD = 0.2
# Presence by meaning: the passage's cosine this many standard deviations above the mean of
# the question's dense candidates.
MIN_STANDING = 1.6


@dataclass(frozen=True)
class Decision:
    """What answerability decided, on which passages, and why (for `Answer.trace`)."""

    outcome: str  # ANSWERED, OUT_OF_SCOPE or NOT_ON_PAGE
    why: str
    hits: list[Hit] = field(default_factory=list)  # the passages to answer from, best first
    expected_types: tuple[str, ...] = ()

    @property
    def answered(self) -> bool:
        return self.outcome == ANSWERED


def in_scope(hit: Hit, served: bool) -> bool:
    """Whether the best passage is about what the question is about at all."""
    scope = SCOPE_COSINE if served else SCOPE_COSINE_FOREIGN
    return hit.dense >= scope or (hit.coverage >= MIN_COVERAGE and hit.rarest_match >= RARE_WORD)


def holds_types(hit: Hit, types: set[str]) -> bool:
    """Whether the passage holds an instance of every answer type asked for."""
    return not types or types <= held_types(hit.chunk.text, hit.chunk.language)


def holds_words(hit: Hit) -> bool:
    """Lexical presence of the question in the passage."""
    if hit.coverage >= MIN_COVERAGE:
        return True
    return hit.coverage >= MIN_COVERAGE_WITH_RARE_WORD and hit.rarest_match >= RARE_WORD


def stands_out(hit: Hit) -> bool:
    """Presence by meaning: the passage is closer to the question than the rest are."""
    return hit.standing >= MIN_STANDING


def decide(question: str, hits: Sequence[Hit], served: bool = True) -> Decision:
    """Answered, out of scope, or not on the pages, for `question` and its ranked hits.

    Args:
        question: the question's own words (a follow-up's, not its resolved search text).
        hits: the ranked passages retrieval found.
        served: whether the answer language is a language of the pages.
    """
    top = list(hits[:MAX_PASSAGES])
    types = expected_types(question)
    named = tuple(sorted(types))
    if not top:
        return Decision(OUT_OF_SCOPE, "nothing was retrieved", [], named)
    best = top[0]
    if not in_scope(best, served):
        return Decision(
            OUT_OF_SCOPE,
            f"best cosine {best.dense:.3f} under {SCOPE_COSINE if served else SCOPE_COSINE_FOREIGN}"
            f" and coverage {best.coverage:.2f} without a rare word",
            [],
            named,
        )
    typed = [h for h in top if holds_types(h, types)]
    if not typed:
        return Decision(
            NOT_ON_PAGE,
            f"asks for {', '.join(named)}; none of the best {len(top)} passages holds one",
            top[:1],
            named,
        )
    present = [h for h in typed if holds_words(h) or stands_out(h)]
    if not present:
        return Decision(
            NOT_ON_PAGE,
            f"coverage {typed[0].coverage:.2f} and standing {typed[0].standing:.2f}: the "
            "question's focus is in none of the best passages, by words or by meaning",
            typed[:1],
            named,
        )
    chosen = present[0]
    how = "words" if holds_words(chosen) else "meaning"
    rest = [h for h in top if h is not chosen and holds_types(h, types)]
    return Decision(
        ANSWERED,
        f"{chosen.chunk.id} holds the question by {how} (coverage {chosen.coverage:.2f}, "
        f"cosine {chosen.dense:.3f}, standing {chosen.standing:.2f})"
        + (f" and the {', '.join(named)} asked for" if named else ""),
        [chosen, *rest],
        named,
    )
