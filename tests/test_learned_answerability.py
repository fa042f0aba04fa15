"""Answerability's trained model: its verdict from features, and what `decide` does with it."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from assistant.answering.answerability import (
    ANSWERED,
    MULTILINGUAL,
    NOT_ON_PAGE,
    OUT_OF_SCOPE,
    decide,
)
from assistant.answering.features import FEATURES, WORD_FEATURES
from assistant.answering.learned import LearnedAnswerability, Verdict
from assistant.ingest.chunking import Chunk
from assistant.retrieval.retriever import Hit

CLASSES = [ANSWERED, NOT_ON_PAGE, OUT_OF_SCOPE]
WITH_VETO = replace(MULTILINGUAL, veto=0.05)


def _model() -> LearnedAnswerability:
    """A model that reads two features: written_cosine for answered, unknown_share for out of
    scope; not on the pages is the baseline."""
    coef = [[0.0] * len(FEATURES) for _ in CLASSES]
    coef[0][FEATURES.index("written_cosine")] = 4.0
    coef[2][FEATURES.index("unknown_share")] = 4.0
    return LearnedAnswerability.from_dict(
        {
            "features": list(FEATURES),
            "classes": CLASSES,
            "mean": [0.5] * len(FEATURES),
            "scale": [0.25] * len(FEATURES),
            "coef": coef,
            "intercept": [0.0, 0.0, 0.0],
        }
    )


def _features(**values) -> dict[str, float]:
    return {name: values.get(name, 0.5) for name in FEATURES}


@pytest.mark.unit
def test_the_verdict_follows_the_features():
    model = _model()
    assert model.verdict(_features(written_cosine=0.95)).outcome == ANSWERED
    assert model.verdict(_features(written_cosine=0.2, unknown_share=0.95)).outcome == OUT_OF_SCOPE
    assert model.verdict(_features(written_cosine=0.2, unknown_share=0.1)).outcome == NOT_ON_PAGE
    probabilities = model.verdict(_features(written_cosine=0.95)).probabilities
    assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.unit
def test_unknown_word_features_count_as_the_training_average():
    model = _model()
    unknown = _features(written_cosine=0.95, **dict.fromkeys(WORD_FEATURES, math.nan))
    average = _features(written_cosine=0.95, unknown_share=0.5)
    assert model.verdict(unknown).probabilities == model.verdict(average).probabilities


@pytest.mark.unit
def test_a_model_trained_on_other_features_is_refused():
    with pytest.raises(ValueError, match="assistant train"):
        LearnedAnswerability.from_dict(
            {
                "features": ["cosine"],
                "classes": CLASSES,
                "mean": [0],
                "scale": [1],
                "coef": [[0]] * 3,
                "intercept": [0] * 3,
            }
        )


def _hit(block: int, text: str, **scores) -> Hit:
    chunk = Chunk(
        id=f"p/da/b{block:03d}",
        page="p",
        language="da",
        url="https://example.eu/p",
        title="P",
        section="P",
        position=block,
        block=block,
        item=None,
        text=text,
    )
    defaults = dict(
        score=1.0,
        coverage=0.8,
        dense=0.9,
        query_stems=("frist",),
        rarest_match=0.9,
        passage_stems=("frist", "marts"),
        standing=2.0,
    )
    return Hit(chunk=chunk, **{**defaults, **scores})


HITS = [
    _hit(1, "Fristen er den 15. marts 2031."),
    _hit(2, "Kontoret ligger i Thessaloniki.", score=0.5, coverage=0.0, dense=0.8),
]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("outcome", "answered", "decided", "cited"),
    [
        (ANSWERED, 0.9, ANSWERED, ["p/da/b001"]),
        (NOT_ON_PAGE, 0.01, NOT_ON_PAGE, ["p/da/b001"]),  # the nearest passage, named
        # the rules found it on the pages' subject: "not on the pages", never "off subject"
        (OUT_OF_SCOPE, 0.01, NOT_ON_PAGE, ["p/da/b001"]),
        (NOT_ON_PAGE, 0.3, ANSWERED, ["p/da/b001"]),  # unsure: not under the veto, answered
    ],
)
def test_the_model_withholds_an_answer_it_gives_little_chance(outcome, answered, decided, cited):
    rest = (1.0 - answered) / 2
    probabilities = {c: (answered if c == ANSWERED else rest) for c in CLASSES}
    verdict = Verdict(outcome, probabilities)
    decision = decide("Hvornår er fristen?", HITS, limits=WITH_VETO, verdict=verdict)
    assert decision.outcome == decided
    assert decision.verdict is verdict
    assert "trained model" in decision.why
    assert [h.chunk.id for h in decision.hits][:1] == cited


@pytest.mark.unit
@pytest.mark.parametrize(
    ("answered", "not_on_page", "out_of_scope", "decided"),
    [
        # Most of the odds on "another subject", which the rules ruled out: answered and not
        # on the pages are even, so the answer stands.
        (0.04, 0.04, 0.92, ANSWERED),
        # The same chance of "answered" against a likelier "not on the pages": withheld.
        (0.04, 0.90, 0.06, NOT_ON_PAGE),
    ],
)
def test_the_veto_weighs_answered_against_not_on_the_pages_only(
    answered, not_on_page, out_of_scope, decided
):
    probabilities = {ANSWERED: answered, NOT_ON_PAGE: not_on_page, OUT_OF_SCOPE: out_of_scope}
    verdict = Verdict(max(probabilities, key=probabilities.get), probabilities)
    limits = replace(MULTILINGUAL, veto=0.2)
    decision = decide("Hvornår er fristen?", HITS, limits=limits, verdict=verdict)
    assert decision.outcome == decided
    assert decision.hits[0].chunk.id == "p/da/b001"


@pytest.mark.unit
def test_the_model_never_answers_a_count_no_passage_holds():
    """A question asking for a count no passage holds stays not on the pages, however sure
    the model is."""
    hits = [_hit(2, "Kontoret ligger i Thessaloniki.")]
    verdict = Verdict(ANSWERED, {ANSWERED: 1.0, NOT_ON_PAGE: 0.0, OUT_OF_SCOPE: 0.0})
    decision = decide("Hvor mange ansatte har kontoret?", hits, limits=WITH_VETO, verdict=verdict)
    assert decision.outcome == NOT_ON_PAGE


@pytest.mark.unit
def test_the_shipped_thresholds_let_the_model_withhold_an_unlikely_answer():
    assert 0.0 < MULTILINGUAL.veto < 0.5
    unlikely = Verdict(
        NOT_ON_PAGE, {ANSWERED: MULTILINGUAL.veto / 2, NOT_ON_PAGE: 0.9, OUT_OF_SCOPE: 0.0}
    )
    assert decide("Hvornår er fristen?", HITS, verdict=unlikely).outcome == NOT_ON_PAGE
    likely = Verdict(
        NOT_ON_PAGE, {ANSWERED: MULTILINGUAL.veto * 1.5, NOT_ON_PAGE: 0.5, OUT_OF_SCOPE: 0.0}
    )
    decision = decide("Hvornår er fristen?", HITS, verdict=likely)
    assert decision.answered and decision.verdict is likely


# A paraphrase the rules refuse: its passage is neither close enough by the model's cosine
# nor by words (the rules call it another subject).
FAR = [
    _hit(3, "Kontoret fører tilsyn med AI-pagten.", dense=0.79, coverage=0.0, standing=0.5),
    _hit(4, "Kontoret ligger i Thessaloniki.", score=0.5, dense=0.78, coverage=0.0),
]
OVERRULING = replace(MULTILINGUAL, overrule=0.8)


def _sure(answered: float) -> Verdict:
    rest = (1.0 - answered) / 2
    return Verdict(ANSWERED, {ANSWERED: answered, NOT_ON_PAGE: rest, OUT_OF_SCOPE: rest})


@pytest.mark.unit
def test_the_model_answers_what_the_rules_refuse_when_it_is_sure():
    question = "Hvem holder øje med den frivillige pagt?"
    assert decide(question, FAR, limits=OVERRULING).outcome == OUT_OF_SCOPE  # the rules alone
    decision = decide(question, FAR, limits=OVERRULING, verdict=_sure(0.9))
    assert decision.outcome == ANSWERED
    assert [h.chunk.id for h in decision.hits] == ["p/da/b003", "p/da/b004"]  # retrieval's
    assert "trained model" in decision.why and "the rules alone" in decision.why


@pytest.mark.unit
@pytest.mark.parametrize(
    ("answered", "readable", "follow_up"),
    [
        (0.79, True, False),  # under the threshold
        (0.95, False, False),  # text of no known language: its cosines are no evidence
        (0.95, True, True),  # searched with the previous question: the model never saw one
    ],
)
def test_the_rules_refusal_stands_where_the_model_is_not_asked_to_overrule(
    answered, readable, follow_up
):
    decision = decide(
        "Hvem holder øje med den frivillige pagt?",
        FAR,
        readable=readable,
        limits=OVERRULING,
        follow_up=follow_up,
        verdict=_sure(answered),
    )
    assert not decision.answered


@pytest.mark.unit
def test_without_a_threshold_the_model_never_overrules():
    limits = replace(MULTILINGUAL, overrule=float("inf"))
    decision = decide("Hvem holder øje med pagten?", FAR, limits=limits, verdict=_sure(1.0))
    assert decision.outcome == OUT_OF_SCOPE


@pytest.mark.unit
def test_a_refusal_that_stands_shows_how_near_the_model_came_to_answering():
    """An operator reading a refusal sees the model's odds, not just the rule that refused."""
    decision = decide(
        "Hvem holder øje med den frivillige pagt?", FAR, limits=OVERRULING, verdict=_sure(0.6)
    )
    assert decision.outcome == OUT_OF_SCOPE
    assert decision.verdict.probabilities[ANSWERED] == 0.6
    assert "answered 0.60" in decision.why and "overruling under 0.8" in decision.why
    never = decide(
        "Hvem holder øje med den frivillige pagt?",
        FAR,
        limits=replace(OVERRULING, overrule=float("inf")),
        verdict=_sure(0.9),
    )
    assert never.outcome == OUT_OF_SCOPE and "overruling not asked here" in never.why
