"""Unit tier: the lexical index over a tiny inline corpus, and its analysis cache."""

import pytest

from assistant.index import lexical
from assistant.index.lexical import AnalysisCache, LexicalIndex

pytestmark = pytest.mark.unit

TEXTS = [
    "Kontoret fører tilsyn med reglerne for kunstig intelligens.",
    "Fristen for ansøgninger er den 27. marts 2024.",
    "Skriv til kontoret på kontor@example.eu.",
]


def test_bm25_ranks_the_passage_with_the_rare_words_first():
    index = LexicalIndex.build("da", ["a", "b", "c"], TEXTS)
    scores = index.scores(index.analyse_query("Hvornår er fristen for ansøgninger?", "da"))
    assert [index.ids[i] for i in scores.argsort()[::-1]][0] == "b"
    assert index.scores([]).tolist() == [0.0, 0.0, 0.0]
    assert index.idf("frist") > index.idf("kontor")  # in one passage vs in two
    assert index.idf("pizza") == index.max_idf  # unknown: the rarest there is


def test_the_analysis_cache_keeps_each_text_once_and_hands_out_copies():
    calls = []

    def analyse(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    cache = AnalysisCache(analyse, size=2)
    first = cache("a b")
    first.append("changed")
    assert cache("a b") == ["a", "b"]  # the caller's change is not kept
    assert calls == ["a b"] and cache.hits == 1
    cache("c")
    cache("d")  # the least recently used ("a b") goes
    assert len(cache) == 2
    cache("a b")
    assert calls == ["a b", "c", "d", "a b"]


def test_the_index_analyses_passages_through_its_cache():
    index = LexicalIndex.build("da", ["a", "b", "c"], TEXTS)
    assert (
        index.analyse(TEXTS[2])
        == index.analyse(TEXTS[2])
        == [
            "skriv",
            "kontor",
            "kontor",
            "exampl",
            "eu",
            "⟨email⟩",
        ]
    )
    assert index.analyses.hits == 1


def test_the_stems_it_has_looked_up_are_bounded(monkeypatch):
    # A server asked ever new words (junk, long pastes) must not remember them all.
    monkeypatch.setattr(lexical, "KNOWN_KEPT", 50)
    index = LexicalIndex.build("da", ["a", "b", "c"], TEXTS)
    assert index.knows("frist") and not index.knows("qzxv")
    for n in range(500):
        index.knows(f"ord{n}x")
    assert index.known_kept == 50
    assert index.knows("frist") and not index.knows("qzxv")  # answers unchanged


def test_the_most_specific_words_of_a_question_are_those_fewest_passages_use():
    index = LexicalIndex.build("da", ["a", "b", "c"], TEXTS)
    stems = index.analyse_query("Hvornår skriver kontoret om fristen?", "da")
    assert "⟨date⟩" in stems  # the answer type: any date, no word of the question
    # "kontor" is in two passages, "frist" and "skriv" in one each: both kept, as they tie
    assert set(index.most_specific(stems)) == {"frist", "skriv"}
    assert index.most_specific(["⟨date⟩", "qzxv"]) == ()  # nothing the pages use
