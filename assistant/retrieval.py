"""Hybrid retrieval: stemmed BM25 and dense vectors, fused, in the question's language.

Every ranking is mapped into the answer language before fusion: a Polish passage found for a
Danish question counts for its Danish translation. BM25 in the question's own language weighs
most, because the default embedding model is English-trained and weak on Danish and Polish.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .chunking import Chunk
from .fusion import contains, coverage, max_normalised, min_max_normalised, weighted_sum
from .index import Index

CANDIDATES = 20  # per ranking, before fusion
RARE_WORD = 0.55  # a stem is rare when its IDF is at least this share of the highest IDF
WEIGHTS = {
    "lexical_same": 1.0,  # BM25 in the passage language = question language
    "lexical_other": 0.25,  # BM25 in the other language: names, numbers, shared words
    "dense": 0.35,  # the default model is weak on da/pl; a multilingual one deserves more
}


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, in the language the answer will use."""

    chunk: Chunk
    score: float  # fused score
    coverage: float  # share of the question's IDF-weighted stems the passage holds
    dense: float  # cosine similarity of the passage (or its translation) to the question
    query_stems: tuple[str, ...]  # the question as the passage's language analyses it
    rarest_match: float  # how rare (as a share of the highest IDF) its rarest matched stem is
    matched_rare: tuple[str, ...] = ()  # question stems it holds that few passages use
    passage_stems: tuple[str, ...] = ()  # the passage as its language analyses it


class HybridRetriever:
    """Finds passages for a question in a given answer language (or all, for others)."""

    def __init__(self, index: Index, embedder):
        self.index = index
        self.embedder = embedder

    def retrieve(self, question: str, language: str, k: int = 5, focus: str = "") -> list[Hit]:
        """Best passages for `question`, in `language` when the pages have it.

        Args:
            question: the question text (after resolving any follow-up).
            language: the answer language; when the pages are not in it, passages of every
                page language are returned.
            k: how many hits to return.
            focus: context that steers the search (the previous question of a follow-up): it
                adds to BM25 and to the dense query, never to coverage, so whether the pages
                answer is judged on the question's own words.
        """
        index = self.index
        targets = [language] if language in index.languages else list(index.languages)
        rankings: list[tuple[float, dict[str, float]]] = []
        stems_by_language: dict[str, list[str]] = {}
        for passage_language, lexical in index.lexical.items():
            stems = lexical.analyse_query(question, language)
            stems_by_language[passage_language] = stems
            query = lexical.expand(stems)
            if focus:
                # The question's own words count twice: the context steers, it does not lead.
                query = query * 2 + lexical.analyse_query(focus, language)
            scores = lexical.scores(query)
            found = {
                lexical.ids[i]: float(scores[i]) for i in _top(scores, CANDIDATES) if scores[i] > 0
            }
            weight = (
                WEIGHTS["lexical_same"] if passage_language in targets else WEIGHTS["lexical_other"]
            )
            rankings.append((weight, max_normalised(self._map(found, targets))))

        vector = self.embedder.encode_queries([f"{question} {focus}" if focus else question])[0]
        dense_hits = index.store.query(vector, CANDIDATES * len(index.languages))
        dense_similarity = self._map(dict(dense_hits), targets)
        rankings.append((WEIGHTS["dense"], min_max_normalised(dense_similarity)))

        fused = weighted_sum(rankings)
        best = sorted(fused, key=fused.get, reverse=True)[:k]
        hits = []
        for passage_id in best:
            chunk = index.passages[passage_id]
            lexical = index.lexical[chunk.language]
            stems = stems_by_language[chunk.language]
            passage_stems = set(lexical.analyse(chunk.search_text))
            matched = [s for s in stems if contains(passage_stems, s)]
            rare = [s for s in matched if lexical.idf(s) >= RARE_WORD * lexical.max_idf]
            hits.append(
                Hit(
                    chunk=chunk,
                    score=fused[passage_id],
                    coverage=coverage(stems, passage_stems, lexical.idf),
                    dense=dense_similarity.get(passage_id, 0.0),
                    query_stems=tuple(stems),
                    rarest_match=max((lexical.idf(s) for s in matched), default=0.0)
                    / lexical.max_idf,
                    matched_rare=tuple(rare),
                    passage_stems=tuple(sorted(passage_stems)),
                )
            )
        return hits

    def _map(self, scores: dict[str, float], targets: list[str]) -> dict[str, float]:
        """Scores moved into the target languages: an other-language passage scores for its
        translation (the best score wins when several land on one passage)."""
        out: dict[str, float] = {}
        for passage_id, score in scores.items():
            chunk = self.index.passages.get(passage_id)
            if chunk is None:
                continue
            if chunk.language in targets:
                mapped = [passage_id]
            else:
                mapped = [chunk.translations[t] for t in targets if t in chunk.translations]
            for target_id in mapped:
                if target_id in self.index.passages:
                    out[target_id] = max(out.get(target_id, score), score)
        return out


def _top(scores: np.ndarray, k: int) -> list[int]:
    if len(scores) <= k:
        return list(np.argsort(-scores))
    top = np.argpartition(-scores, k)[:k]
    return list(top[np.argsort(-scores[top])])
