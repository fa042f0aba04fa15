"""Stemmed BM25 over the passages of one language (bm25s + Snowball stemmers).

Each language gets its own index, analysed with its own stemmer. A question is analysed with
the passages' stemmer, whatever its own language: across languages only names, numbers and
shared words ("GenAI4EU", "ECAT", "2024") match, which is what we want from that side.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from assistant.analysis.answer_types import is_type_token, passage_types, question_types
from assistant.analysis.text import content_stems, stopwords, words
from assistant.retrieval.fusion import PREFIX_MIN, contains

# Bump when chunking, stemming or the tokens given to BM25 change (text.py, chunking.py,
# answer_types.py, this file): builds made by another version are rebuilt, not reused.
# tests/test_analysis_version.py pins the analyser's output on fixed text, so a change that
# forgets the bump fails there.
ANALYSIS_VERSION = 6


ANALYSES_KEPT = 50_000  # passage, section and sentence texts per language
# Question stems whose presence in the vocabulary is remembered (`knows`): questions bring new
# words without end, so the least recently used are dropped (a server must not grow with them).
KNOWN_KEPT = 100_000


class AnalysisCache:
    """The analyses of the corpus's own texts, kept by text (least recently used dropped).

    Each question analyses its best passages, their sections and their sentences again
    (stems for coverage and for choosing the quoted sentence): texts of the corpus, the same
    few again and again, which cost a warm question more than encoding it. Each call hands
    out a fresh list, so a caller that changes it changes nothing kept.
    """

    def __init__(self, analyse: Callable[[str], list[str]], size: int = ANALYSES_KEPT):
        self._kept = lru_cache(maxsize=size)(lambda text: tuple(analyse(text)))

    def __call__(self, text: str) -> list[str]:
        return list(self._kept(text))

    @property
    def hits(self) -> int:
        return self._kept.cache_info().hits

    def __len__(self) -> int:
        return self._kept.cache_info().currsize


class LexicalIndex:
    """BM25 over one language's passages, with the vocabulary used to split glued words."""

    def __init__(
        self,
        language: str,
        ids: list[str],
        vocabulary: frozenset[str],
        bm25,
        idf,
        cache_size: int = ANALYSES_KEPT,
    ):
        self.language = language
        self.ids = ids
        self.vocabulary = vocabulary
        self._bm25 = bm25
        self._idf = idf  # stem -> inverse document frequency, for coverage scores
        self._known = lru_cache(maxsize=KNOWN_KEPT)(self._look_up)
        self._begun_by = lru_cache(maxsize=KNOWN_KEPT)(self._stems_begun_by)
        self.analyses = AnalysisCache(self._analyse, cache_size)
        # Per question language, words that only name the site's subject (corpus/site.json).
        self.subject_words: dict[str, frozenset[str]] = {}

    @classmethod
    def build(cls, language: str, ids: list[str], texts: list[str]) -> LexicalIndex:
        import bm25s

        counts = Counter(w.lower() for text in texts for w in words(text))
        vocabulary = frozenset({w for w, n in counts.items() if n >= 2} | stopwords(language))
        tokens = [
            content_stems(text, language, vocabulary) + passage_types(text) or ["∅"]
            for text in texts
        ]
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls(language, ids, vocabulary, bm25, _idf(tokens))

    def analyse(self, text: str) -> list[str]:
        """The tokens this index sees in a passage or sentence: stems and answer types.

        Kept in `analyses`: meant for the corpus's texts; questions go to `analyse_query`.
        """
        return self.analyses(text)

    def _analyse(self, text: str) -> list[str]:
        return content_stems(text, self.language, self.vocabulary) + passage_types(text)

    def analyse_query(
        self,
        question: str,
        question_language: str,
        tokens: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
    ) -> list[str]:
        """The tokens of a question, for this index's passages.

        A question in another language loses its own function words first (the passage
        stemmer would not know them), and the words that only name the site's subject;
        names and numbers it shares with the pages still match. `tokens` (`words(question)`)
        and `types` (`question_types(question)`) are read when given: an analysed question
        has them already (`analysis.question`).
        """
        tokens = words(question) if tokens is None else tokens
        types = question_types(question) if types is None else types
        if question_language != self.language:
            stop = stopwords(question_language) | self.subject_words.get(question_language, set())
            text = " ".join(w for w in tokens if w.lower() not in stop)
            return content_stems(text, self.language, self.vocabulary) + list(types)
        return content_stems(question, self.language, self.vocabulary, tokens) + list(types)

    def expand(self, query_stems: list[str], limit: int = 3) -> list[str]:
        """Add the corpus stems that an unknown question stem begins (compound heads)."""
        expanded = list(query_stems)
        for stem in query_stems:
            if stem in self._idf or len(stem) < PREFIX_MIN:
                continue
            expanded += self._begun_by(stem)[:limit]
        return expanded

    def _stems_begun_by(self, stem: str) -> tuple[str, ...]:
        """The corpus stems `stem` begins, in vocabulary order. Memoised like `knows`: a
        scan of the whole vocabulary, and questions repeat words."""
        return tuple(s for s in self._idf if s.startswith(stem))

    def most_specific(self, stems: list[str]) -> tuple[str, ...]:
        """Of the question's stems that some passage uses, those fewest passages use (highest
        IDF; "pagt" in "Hvad er AI-pagten?", not "ai"). Answer-type tokens stand for any date
        or address and are no word of it. Several when they tie."""
        known = [s for s in dict.fromkeys(stems) if not is_type_token(s) and self.knows(s)]
        if not known:
            return ()
        rarest = max(self.idf(s) for s in known)
        return tuple(s for s in known if self.idf(s) >= rarest)

    def knows(self, stem: str) -> bool:
        """Whether any passage uses this stem (or a form of the same word)."""
        # Memoised: the fuzzy look-up scans the whole vocabulary, and questions repeat words.
        return self._known(stem)

    def _look_up(self, stem: str) -> bool:
        return stem in self._idf or contains(self._idf.keys(), stem)

    @property
    def known_kept(self) -> int:
        """How many looked-up stems `knows` remembers now."""
        return self._known.cache_info().currsize

    def scores(self, query_stems: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query stems (zeros when nothing matches)."""
        if not query_stems or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self._bm25.get_scores(query_stems)

    def idf(self, stem: str) -> float:
        """IDF of a stem; a stem the corpus never uses gets the highest value there is."""
        return self._idf.get(stem, self.max_idf)

    @cached_property
    def max_idf(self) -> float:
        """The IDF of a stem no passage uses (read for every stem of every hit: kept)."""
        return float(np.log(1 + (len(self.ids) + 0.5) / 0.5))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder / "bm25"))
        meta = {"language": self.language, "ids": self.ids, "vocabulary": sorted(self.vocabulary)}
        (folder / "lexical.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        (folder / "idf.json").write_text(json.dumps(self._idf, ensure_ascii=False), "utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        meta = json.loads((folder / "lexical.json").read_text("utf-8"))
        idf = json.loads((folder / "idf.json").read_text("utf-8"))
        bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=False)
        return cls(meta["language"], meta["ids"], frozenset(meta["vocabulary"]), bm25, idf)


def _idf(tokens: list[list[str]]) -> dict[str, float]:
    n = len(tokens)
    df = Counter(stem for doc in tokens for stem in set(doc))
    return {stem: float(np.log(1 + (n - d + 0.5) / (d + 0.5))) for stem, d in df.items()}
