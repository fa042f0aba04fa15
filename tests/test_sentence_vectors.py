"""Sentence vectors: every quoted sentence embedded on its own, stored with the build, and
used to rank passages and to pick the sentence that says what was asked."""

from __future__ import annotations

import numpy as np
import pytest

from assistant import ask
from assistant.analysis.text import sentences
from assistant.index.opened import Index
from assistant.index.sentences import SentenceVectors, embed_sentences
from assistant.retrieval.retriever import HybridRetriever


@pytest.mark.unit
def test_rows_follow_the_passages_and_a_mismatch_is_refused():
    vectors = np.eye(4, dtype=np.float32)
    table = SentenceVectors(vectors, [1, 3], ["a", "b"])
    query = np.array([0, 0, 1, 0], dtype=np.float32)
    assert table.cosines("b", query).tolist() == [0.0, 1.0, 0.0]
    assert table.best(["a", "b", "unknown"], query) == {"a": 0.0, "b": 1.0}
    with pytest.raises(ValueError, match="4 sentence vectors for 3 sentences"):
        SentenceVectors(vectors, [1, 2], ["a", "b"])


@pytest.mark.unit
def test_unchanged_sentences_are_not_encoded_again():
    encoded: list[str] = []

    def encode(texts):
        encoded.extend(texts)
        return np.ones((len(texts), 2), dtype=np.float32)

    old = np.array([5.0, 5.0], dtype=np.float32)
    vectors, counts, reused = embed_sentences(
        ["Første sætning. Anden sætning.", "Anden sætning."], encode, {"Første sætning.": old}
    )
    assert counts == [2, 1]
    assert reused == 1
    assert encoded == ["Anden sætning."]  # once, though two passages hold it
    assert vectors[0].tolist() == [5.0, 5.0] and vectors[2].tolist() == [1.0, 1.0]


def test_the_build_holds_one_vector_per_quoted_sentence(settings):
    index = Index.open(settings)
    passage = index.passages["ai-office/pl/b010"]
    quoted = sentences(passage.text)
    stored = index.sentences.vectors_of(passage.id)
    assert len(stored) == len(quoted) == 4
    fresh = index.embedder().encode_passages([quoted[2]])[0]
    assert float(stored[2] @ fresh) > 0.999


# Cosines can differ in the last digits between CPUs (AVX-512 or not): no order closer than
# this is asserted.
ENCODER_NOISE = 0.003


@pytest.mark.parametrize(
    ("question", "language", "passage_id", "sentence"),
    [
        # Worded without the sentence's own words: only its meaning points at it.
        (
            "Hvem sørger for at reglerne for de store generelle modeller bliver overholdt?",
            "da",
            "ai-office/da/b007",
            2,
        ),
        ("Hvornår skal man senest melde sig?", "da", "ai-office/da/b030", 1),
        ("W jakich dziedzinach mają być stosowane nowe rozwiązania?", "pl", "ai-office/pl/b010", 2),
        ("Do kiedy można się zgłaszać?", "pl", "ai-office/pl/b030", 1),
    ],
)
def test_the_sentence_that_says_it_is_closest(settings, question, language, passage_id, sentence):
    index = Index.open(settings)
    hits = HybridRetriever(index, index.embedder()).retrieve(question, language, k=8)
    hit = next(h for h in hits if h.chunk.id == passage_id)
    assert len(hit.sentence_cosines) == len(sentences(hit.chunk.text))
    # Best, or tied with the best within what another CPU's arithmetic can move (AVX-512
    # put a sentence 0.0002 behind); the sentences that do not say it stay well behind.
    cosines = hit.sentence_cosines
    assert cosines[sentence] >= max(cosines) - ENCODER_NOISE
    others = [c for i, c in enumerate(cosines) if i != sentence]
    assert min(others, default=0.0) < cosines[sentence] - ENCODER_NOISE
    assert hit.sentence == pytest.approx(max(hit.sentence_cosines), abs=1e-3)


def test_a_when_question_quotes_the_sentence_with_the_date(settings):
    answer = ask("Hvornår skal man senest melde sig til stillingerne?", settings=settings)
    assert not answer.abstained
    assert answer.citations[0].passage_id == "ai-office/da/b030"
    assert "27. marts 2024" in answer.citations[0].quote


def test_an_index_without_sentence_vectors_is_refused_and_rebuilt_on_first_question(
    settings, tmp_path
):
    """A build written before sentence vectors (format 1) is not opened half-way: `Index.open`
    says to rebuild, and `ask()` rebuilds it."""
    import json
    import shutil

    from assistant import IndexUnavailableError
    from assistant.index.layout import active_build
    from assistant.settings import Settings

    old = Settings(index_dir=tmp_path / "index", corpus_dir=settings.corpus_dir)
    shutil.copytree(settings.index_dir, old.index_dir)
    build = active_build(old.index_dir)
    manifest = json.loads((build / "index.json").read_text("utf-8"))
    (build / "index.json").write_text(json.dumps({**manifest, "format": 1}), "utf-8")
    (build / "sentences.npy").unlink()
    with pytest.raises(IndexUnavailableError, match="another version of the assistant"):
        Index.open(old)
    answer = ask("Hvornår er fristen for interessetilkendegivelser?", settings=old)
    assert answer.citations[0].passage_id == "ai-office/da/b030"
    assert (active_build(old.index_dir) / "sentences.npy").is_file()


def test_a_question_is_encoded_once_for_its_searches(settings):
    """A follow-up is searched alone, then re-ranked by its own meaning: one encoding."""
    index = Index.open(settings)
    encoder = index.embedder()
    calls = []

    class Counting:
        def __getattr__(self, name):
            return getattr(encoder, name)

        def encode_queries(self, texts):
            calls.append(list(texts))
            return encoder.encode_queries(texts)

    retriever = HybridRetriever(index, Counting())
    first = retriever.query_vector("Hvornår er fristen?")
    retriever.retrieve("Hvornår er fristen?", "da")
    assert retriever.query_vector("Hvornår er fristen?") is first
    assert calls == [["Hvornår er fristen?"]]
