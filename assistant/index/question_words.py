"""Written questions matched by their letters: character n-grams weighted by TF-IDF.

The model's cosine matches a question to the written questions by meaning, and BM25 matches
it to the passages by stems. Neither sees that "tilsynsmyndighederne" and "tilsyn", or
"zgłoszenie" and "zgłosić się", share most of their letters, nor matches a misspelt word.
Pieces of 3 to 5 letters within words do: the asked question is scored against every
written question by the cosine of their TF-IDF vectors, and each passage by its closest
written question, one more ranking in the fusion (`retrieval.retriever.WEIGHTS`). The
questions written as not answered by the pages are cut the same way (with the written
questions' n-grams and IDF), so that answerability's model reads how close the question comes
by its letters to each kind (`answering.features`).

Fitted at ingestion with scikit-learn's `TfidfVectorizer` (`analyzer="char_wb"`, sublinear
term frequency) and stored in the build: `question_words.npz` (the vectors, one column per
written question in `QuestionVectors` row order), `question_words.json` (the n-grams and
their IDF), and `unanswered_words.npz` and `.json` for the questions written as not answered.
A question is turned into the same vector here, without loading scikit-learn at ask time (a
test checks it against scikit-learn's own `transform`).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse

NGRAMS = (3, 5)  # letters per piece; chosen on eval/'s dev split (docs/answering.md)
FILE = "question_words"
UNANSWERED_WORDS = "unanswered_words"  # the unanswered questions, with the written ones' n-grams


def char_ngrams(text: str, ngrams: tuple[int, int] = NGRAMS) -> list[str]:
    """The pieces scikit-learn's "char_wb" analyzer cuts from `text`: within each word padded
    with a space on both sides, every run of `ngrams` letters (a word shorter than the
    smallest counted once, whole)."""
    low, high = ngrams
    pieces: list[str] = []
    for word in text.lower().split():  # any run of white space parts words, as there
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if size <= n:  # the whole word is that one piece
                pieces.append(padded)
                break
            pieces.extend([padded[i : i + n] for i in range(size - n + 1)])
    return pieces


class NgramVocabulary:
    """The n-grams the written questions use and their IDF: what turns a question into its
    TF-IDF vector. The written and the unanswered questions share one (the unanswered ones
    are cut with the written ones' n-grams), so a question asked is cut once for both."""

    def __init__(self, terms: list[str], idf):
        self.terms = terms
        self.column = {term: i for i, term in enumerate(terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        # The last question's vector: retrieval asks for it once per family.
        self._last: tuple[str, tuple[np.ndarray, np.ndarray]] | None = None

    def same_as(self, terms: list[str], idf) -> bool:
        """Whether these are its n-grams and IDF."""
        return terms == self.terms and np.array_equal(np.asarray(idf, dtype=np.float64), self.idf)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`text`'s TF-IDF vector as (rows of its known n-grams, weights), unit length; the
        rows in the order the n-grams first occur (the order the product adds them in)."""
        last = self._last  # read once: another thread may replace it meanwhile
        if last is not None and last[0] == text:
            return last[1]
        column = self.column
        found = [(column[p], n) for p, n in Counter(char_ngrams(text)).items() if p in column]
        if not found:
            result = (np.zeros(0, dtype=np.int64), np.zeros(0))
        else:
            rows = np.fromiter((r for r, _ in found), dtype=np.int64, count=len(found))
            weights = np.fromiter(
                (1.0 + math.log(n) for _, n in found), dtype=np.float64, count=len(found)
            )
            weights *= self.idf[rows]
            result = (rows, weights / np.linalg.norm(weights))
        self._last = (text, result)
        return result


class QuestionWords:
    """The written questions of one build as TF-IDF vectors of their character n-grams."""

    def __init__(self, by_ngram: scipy.sparse.csr_matrix, vocabulary: NgramVocabulary):
        # Rows are n-grams, columns questions: a question's few n-grams select a few rows.
        self._by_ngram = by_ngram.tocsr()
        self.vocabulary = vocabulary  # shared by the written and the unanswered questions

    @property
    def count(self) -> int:
        """How many written questions it holds."""
        return self._by_ngram.shape[1]

    @classmethod
    def fit(cls, texts: list[str]) -> QuestionWords:
        """Vectors for `texts` (the written questions, in row order), fitted on them."""
        if not texts:
            return cls.empty()
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
        terms = list(vectorizer.get_feature_names_out())
        return cls(matrix.T.tocsr(), NgramVocabulary(terms, vectorizer.idf_))

    @classmethod
    def empty(cls) -> QuestionWords:
        """No written questions, no n-grams."""
        return cls(scipy.sparse.csr_matrix((0, 0)), NgramVocabulary([], np.zeros(0)))

    def of(self, texts: list[str]) -> QuestionWords:
        """Vectors for other `texts` (the questions written as not answered) with these
        n-grams and IDF, as `transform` would give them (n-grams they alone use are left out:
        a question is compared with them through the written questions' n-grams only)."""
        empty = np.zeros(0, dtype=np.int64)
        rows, columns, values = [empty], [empty], [np.zeros(0)]
        for column, text in enumerate(texts):
            found, weights = self.vector(text)
            rows.append(found)
            columns.append(np.full(len(found), column, dtype=np.int64))
            values.append(weights)
        matrix = scipy.sparse.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
            shape=(len(self.vocabulary.terms), len(texts)),
        )
        return QuestionWords(matrix, self.vocabulary)

    def save(self, folder: Path, name: str = FILE) -> None:
        scipy.sparse.save_npz(folder / f"{name}.npz", self._by_ngram)
        meta = {
            "ngrams": list(NGRAMS),
            "terms": self.vocabulary.terms,
            "idf": self.vocabulary.idf.tolist(),
        }
        (folder / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")

    @classmethod
    def load(
        cls, folder: Path, name: str = FILE, vocabulary: NgramVocabulary | None = None
    ) -> QuestionWords:
        """The build's n-gram vectors; none for a build without written questions. With
        `vocabulary` (the written questions', when loading the unanswered ones), shared when
        the stored n-grams are the same."""
        if not (folder / f"{name}.json").is_file():
            return cls.empty()
        meta = json.loads((folder / f"{name}.json").read_text("utf-8"))
        if tuple(meta["ngrams"]) != NGRAMS:
            raise ValueError(f"question n-grams {meta['ngrams']}, expected {list(NGRAMS)}")
        matrix = scipy.sparse.load_npz(folder / f"{name}.npz")
        if vocabulary is None or not vocabulary.same_as(meta["terms"], meta["idf"]):
            vocabulary = NgramVocabulary(meta["terms"], meta["idf"])
        return cls(matrix, vocabulary)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """`text`'s TF-IDF vector as (rows of its known n-grams, weights), unit length."""
        return self.vocabulary.vector(text)

    def cosines(self, text: str) -> np.ndarray:
        """`text`'s cosine to every written question, in row order (0 where no n-gram is
        shared)."""
        rows, weights = self.vector(text)
        if not len(rows):
            return np.zeros(self.count, dtype=np.float32)
        # The weighted sum of the rows of its n-grams, gathered with numpy: scipy's row
        # selection and product did the same additions in the same order (the same bits,
        # tested), at three times the cost.
        matrix = self._by_ngram
        starts = matrix.indptr[rows]
        lengths = matrix.indptr[rows + 1] - starts
        # Positions of the selected rows' entries, row after row: each row's start, repeated
        # over its length, plus the entry's place within it.
        within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        entries = np.repeat(starts, lengths) + within
        products = np.repeat(weights, lengths) * matrix.data[entries]
        return np.bincount(matrix.indices[entries], weights=products, minlength=self.count).astype(
            np.float32
        )
