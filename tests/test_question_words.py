"""The written questions matched by character n-grams: the same vectors as scikit-learn's,
stored in the build, and a ranking that finds a passage by the letters its questions share
with the asked one."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from assistant.index.opened import Index
from assistant.index.question_vectors import QuestionVectors
from assistant.index.question_words import NGRAMS, QuestionWords, char_ngrams
from assistant.retrieval.retriever import HybridRetriever

# Written for these tests: Danish and Polish compounds, inflections, a misspelling, runs of
# white space, a one-letter word and a word shorter than the shortest n-gram.
WRITTEN = [
    "Hvem fører tilsyn med de nationale tilsynsmyndigheder?",
    "Kan man søge om tilskud til et forskningsprojekt?",
    "Hvornår er ansøgningsfristen?",
    "Jak zgłosić się do programu?",
    "Kto nadzoruje krajowe organy nadzoru?",
    "Czy  trzeba   płacić za udział w pakcie?",
    "AI i EU – hvad er det?",
]
ASKED = [
    "tilsynsmyndighederne, hvem fører tilsyn?",
    "ansøgnings frist hvornår",
    "Zgłoszenie do programu – jak?",
    "Kto nadzorije organy?",  # misspelt
    "x",
    "",
    "   ",
    "Ωμέγα",  # no n-gram the written questions use
]


@pytest.mark.unit
@pytest.mark.parametrize("text", WRITTEN + ASKED)
def test_the_ngrams_are_those_scikit_learn_cuts(text):
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS).build_analyzer()
    assert char_ngrams(text) == analyzer(text)


@pytest.mark.unit
def test_a_questions_cosines_are_scikit_learns_without_loading_it_at_ask_time(tmp_path):
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True)
    expected = (vectorizer.fit_transform(WRITTEN) @ vectorizer.transform(ASKED).T).toarray().T
    words = QuestionWords.fit(WRITTEN)
    words.save(tmp_path)
    loaded = QuestionWords.load(tmp_path)
    for asked, cosines in zip(ASKED, expected, strict=True):
        assert words.cosines(asked) == pytest.approx(cosines, abs=1e-6)
        assert loaded.cosines(asked) == pytest.approx(cosines, abs=1e-6)
    # the misspelt question is closest to the one it misspells, the compound to its own
    assert int(np.argmax(words.cosines("Kto nadzorije organy?"))) == 4
    assert int(np.argmax(words.cosines("tilsynsmyndighederne, hvem fører tilsyn?"))) == 0
    assert not words.cosines("Ωμέγα").any()


# Written for this test: questions of the kind the pages do not answer.
UNANSWERED = [
    "Skal man betale gebyr for at komme med i pagten?",
    "Ile zarabia się w biurze?",
    "Ωμέγα",  # no n-gram the written questions use: an empty vector
]


@pytest.mark.unit
def test_other_questions_are_cut_with_the_written_questions_ngrams(tmp_path):
    """The unanswered questions' vectors are scikit-learn's `transform` with the vectorizer
    fitted on the written questions: n-grams only they use are left out."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True)
    vectorizer.fit(WRITTEN)
    expected = (vectorizer.transform(UNANSWERED) @ vectorizer.transform(ASKED).T).toarray().T
    others = QuestionWords.fit(WRITTEN).of(UNANSWERED)
    others.save(tmp_path, "unanswered_words")
    loaded = QuestionWords.load(tmp_path, "unanswered_words")
    assert others.count == loaded.count == len(UNANSWERED)
    for asked, cosines in zip(ASKED, expected, strict=True):
        assert others.cosines(asked) == pytest.approx(cosines, abs=1e-6)
        assert loaded.cosines(asked) == pytest.approx(cosines, abs=1e-6)
    assert QuestionWords.fit([]).of(UNANSWERED).cosines("Hvad?").tolist() == [0.0, 0.0, 0.0]


def scipy_cosines(words: QuestionWords, text: str) -> np.ndarray:
    """What `cosines` computed before it gathered the rows itself: scipy's row selection and
    product."""
    rows, weights = words.vector(text)
    if not len(rows):
        return np.zeros(words.count, dtype=np.float32)
    return np.asarray(weights @ words._by_ngram[rows], dtype=np.float32).ravel()


@pytest.mark.unit
def test_the_gathered_product_has_scipys_bits():
    """The n-gram cosines feed the fusion and the trained model: the faster product must
    give the very same numbers, not nearly the same (a near-tie would flip)."""
    words = QuestionWords.fit(WRITTEN)
    others = words.of(UNANSWERED)
    for asked in ASKED + WRITTEN + ["ansøgnings ansøgnings frist frist frist"]:
        assert words.cosines(asked).tobytes() == scipy_cosines(words, asked).tobytes()
        assert others.cosines(asked).tobytes() == scipy_cosines(others, asked).tobytes()


def test_the_builds_questions_are_cut_once_for_both_families_with_scipys_bits(settings):
    index = Index.open(settings)
    written, unanswered = index.question_words, index.unanswered_words
    # One vocabulary: the unanswered questions were cut with the written ones' n-grams.
    assert unanswered.vocabulary is written.vocabulary
    for row in range(0, len(index.questions), 97):
        text = index.questions.questions[row].text
        assert written.cosines(text).tobytes() == scipy_cosines(written, text).tobytes()
        assert unanswered.cosines(text).tobytes() == scipy_cosines(unanswered, text).tobytes()


@pytest.mark.unit
def test_a_vocabulary_is_shared_only_when_the_ngrams_are_the_same(tmp_path):
    words = QuestionWords.fit(WRITTEN)
    words.of(UNANSWERED).save(tmp_path, "unanswered_words")
    assert QuestionWords.load(tmp_path, "unanswered_words", words.vocabulary).vocabulary is (
        words.vocabulary
    )
    other = QuestionWords.fit(WRITTEN[:3])
    loaded = QuestionWords.load(tmp_path, "unanswered_words", other.vocabulary)
    assert loaded.vocabulary is not other.vocabulary
    for asked in ASKED:  # its own n-grams, not the other's
        assert loaded.cosines(asked).tobytes() == scipy_cosines(loaded, asked).tobytes()
        assert loaded.cosines(asked) == pytest.approx(words.of(UNANSWERED).cosines(asked))


@pytest.mark.unit
def test_closeness_by_letters_names_each_kind_and_the_share_answered_nearby():
    from assistant.index.question_vectors import NEAREST_BY_LETTERS, closeness_by_letters
    from assistant.ingest.written import WrittenQuestion

    kinds = ["not_on_page", "not_on_page", "out_of_scope"]
    unanswered = QuestionVectors(
        np.eye(3, dtype=np.float32),
        [WrittenQuestion(kind, "da", f"q{n}") for n, kind in enumerate(kinds)],
    )
    written = np.linspace(0.1, 0.6, NEAREST_BY_LETTERS)  # ten answered, the closest at 0.6
    closeness = dict(closeness_by_letters(written, np.array([0.7, 0.05, 0.08]), unanswered))
    assert closeness["written"] == pytest.approx(0.6)
    assert closeness["not_on_page"] == pytest.approx(0.7)
    assert closeness["out_of_scope"] == pytest.approx(0.08)
    # the ten nearest: 0.7 (not on the pages), then nine answered
    assert closeness["answered_nearest"] == pytest.approx(0.9)
    assert closeness_by_letters(np.zeros(0), np.array([0.7, 0.2, 0.3]), unanswered) == ()


def test_the_build_holds_the_unanswered_questions_ngrams(settings):
    index = Index.open(settings)
    assert index.unanswered_words.count == len(index.unanswered) > 300
    row = len(index.unanswered) // 2
    cosines = index.unanswered_words.cosines(index.unanswered.questions[row].text)
    assert int(np.argmax(cosines)) == row


@pytest.mark.unit
def test_a_build_without_written_questions_has_no_ngram_vectors(tmp_path):
    empty = QuestionWords.fit([])
    empty.save(tmp_path)
    assert QuestionWords.load(tmp_path).count == 0
    assert QuestionWords.load(tmp_path / "missing").count == 0
    assert QuestionWords.load(tmp_path).cosines("Hvad?").shape == (0,)


@pytest.mark.unit
def test_ngram_vectors_cut_another_way_are_refused(tmp_path):
    import json

    QuestionWords.fit(WRITTEN).save(tmp_path)
    meta = json.loads((tmp_path / "question_words.json").read_text("utf-8"))
    meta["ngrams"] = [2, 4]
    (tmp_path / "question_words.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ValueError, match="n-grams"):
        QuestionWords.load(tmp_path)


def test_the_build_holds_a_vector_for_every_written_question(settings):
    index = Index.open(settings)
    assert index.question_words.count == len(index.questions) > 600
    # asked verbatim, a written question is its own closest, at cosine 1
    for row in (0, len(index.questions) // 2, len(index.questions) - 1):
        cosines = index.question_words.cosines(index.questions.questions[row].text)
        assert cosines[row] == pytest.approx(1.0, abs=1e-5)
        assert cosines.max() == pytest.approx(1.0, abs=1e-5)


# Written for this test (not in eval/): cooperation with countries outside the EU, which the
# list item on cooperating with similar institutions worldwide answers.
OUTSIDE_THE_EU = [
    ("Czy biuro współpracuje z krajami spoza Unii?", "pl", "ai-office/pl/b021.00"),
    ("Hvordan samarbejder kontoret med landende udenfor europa?", "da", "ai-office/da/b021.00"),
]


@pytest.mark.parametrize(("question", "language", "passage"), OUTSIDE_THE_EU)
def test_the_letters_the_written_questions_share_with_the_asked_one_find_its_passage(
    settings, question, language, passage
):
    """With the n-gram ranking, the passage leads by a clear margin. (Before the fifth
    author's questions, the model's and the stems' rankings alone put it second or third, so
    this test also took the n-gram ranking away and saw it lose; its questions now say it in
    these words too, and the other rankings put the Polish one first without the letters.
    The margin was over 0.2 until the tenth author; 0.146 since for the Polish question,
    whose next passage, on the Office's other international tasks, gained questions in
    these words too. Over 0.1 is asked: still far above a last-digit difference.)"""
    index = Index.open(settings)
    embedder = index.embedder()
    hits = HybridRetriever(index, embedder).retrieve(question, language, k=3)
    assert hits[0].chunk.id == passage
    assert hits[0].score - hits[1].score > 0.1
