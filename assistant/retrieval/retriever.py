"""Hybrid retrieval: stemmed BM25 and dense vectors, fused, in the question's language.

Every ranking is mapped into the answer language before fusion: a Polish passage found for a
Danish question counts for its Danish translation. The multilingual model's ranking weighs
most (it reads Danish, Polish, English, German and French by meaning); BM25 in the question's
own language adds exact names, numbers and terms. Questions in languages the pages are not in
are matched by the model alone, plus whatever names and numbers they share with the pages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import numpy as np

from assistant.analysis.answer_types import held_types, is_type_token
from assistant.analysis.question import AnalysedQuestion, analysed_for
from assistant.analysis.text import words
from assistant.index.opened import Index
from assistant.index.question_vectors import answered_nearby, closeness_by_letters
from assistant.ingest.chunking import Chunk
from assistant.retrieval import ranking
from assistant.retrieval.focus import removal_gains, unaccounted_among, unaccounted_words
from assistant.retrieval.fusion import (
    contains,
    coverage,
    max_normalised,
    min_max_normalised,
    standard_scores,
    weighted_sum,
)

DENSE_MERGE = "max"
SENTENCE_MERGE = "max"
SENTENCE_STANDING = True  # dev: paraphrase hit@1 0.60 -> 0.63, no other change
CANDIDATES = 20  # per ranking, before fusion
RECENT_QUESTIONS = 16  # question vectors kept (`query_vector`)
FOCUS_PASSAGES = 3  # the hits checked for words they do not account for (those an answer cites)
# Up to this many passages in a language, BM25's candidates are chosen by bm25s's own top-k
# (`_top`): fast enough there, and its order of equal scores is the one the answers were
# measured with.
SMALL_CORPUS = 5_000
RARE_WORD = 0.55  # a stem is rare when its IDF is at least this share of the highest IDF
# Chosen on eval/'s dev split (scripts in docs/answering.md): the multilingual model's
# ranking leads; BM25 in the question's language adds names, numbers and exact terms. BM25 in
# the other page language added nothing on dev (names and numbers are in both pages).
# The learned ranking (`ranking`) reads the fused score: a change here needs `assistant train`.
WEIGHTS = {
    "dense": 1.0,  # cosine to the passage or its translation, min-max normalised
    "sentence": 1.0,  # cosine to the passage's best sentence (or its translation's)
    "lexical_same": 0.4,  # BM25 in the passage language = question language
    "lexical_other": 0.0,  # BM25 in the other page language
    # cosine to the best question people wrote for the passage (or its translation); dev
    # hit@1 0.82 (none), 0.85 (0.5), 0.87 (1.0), 0.88 (1.5), 0.875 (2.5, follow-ups 0.89 -> 0.75)
    "written": 1.5,
    # the same, matched by character n-grams (`index.question_words`): inflections,
    # compounds and misspellings the model and the stems miss. Dev (3,813 items, the trained
    # model before retraining): 0 / 0.5 / 1.0 / 1.5 / 2.0 gave first citation right 1,904 /
    # 1,974 / 1,996 / 2,001 / 2,002, cost 1,378 / 1,256 / 1,194 / 1,166 / 1,166
    "written_words": 1.5,
}
# For an English-only model (all-MiniLM-L6-v2, the fallback): BM25 leads, as it did when that
# was the default (chosen then on the whole set).
LEXICAL_WEIGHTS = {"dense": 0.35, "sentence": 0.0, "lexical_same": 1.0, "lexical_other": 0.25}


def weights_for(model: str) -> dict[str, float]:
    """The fusion weights for an index built with `model`."""
    from assistant.index.embedding import is_multilingual

    return WEIGHTS if is_multilingual(model) else LEXICAL_WEIGHTS


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
    # The question's most specific stems (highest IDF, ties kept) among those the pages use
    # at all (`LexicalIndex.most_specific`).
    most_specific: tuple[str, ...] = ()
    passage_stems: tuple[str, ...] = ()  # the passage as its language analyses it
    # How far the passage's cosine stands above the question's other candidates (standard
    # scores over the dense candidates): a passage that speaks to the question stands out; a
    # question about the subject in general is about as close to many passages.
    standing: float = 0.0
    # The passage the question was matched against: `chunk` itself, or its translation in the
    # question's language when the answer language was forced to another one.
    judged: Chunk | None = None
    sentence: float = 0.0  # cosine similarity of its best sentence (or its translation's)
    # Cosine of each sentence of `judged` to the question: which sentence says it. Kept
    # unrounded: rounded to 4 places, a last-digit difference in another CPU's arithmetic
    # became a 0.0001 step and flipped which of two sentences 0.0006 apart was quoted (an
    # AMD EPYC with AVX-512 against the machine the pinned answers were made on).
    sentence_cosines: tuple[float, ...] = ()
    # Words of the question it does not account for, and how much closer the question comes
    # to it without each (`retrieval.focus`); only for the first few hits, and only once
    # answering asked for them (`HybridRetriever.check_focus`).
    focus_gains: tuple[tuple[str, float], ...] = ()
    # Cosine of the closest question people wrote for the passage or its translation, and that
    # question (`index.question_vectors`); 0.0 and "" when none was written.
    written: float = 0.0
    written_question: str = ""
    # The question's cosine to the closest question written as not answered by the pages
    # (`*.unanswered.jsonl`), by kind: a property of the question, the same on every hit.
    unanswered: tuple[tuple[str, float], ...] = ()
    # Among the questions written nearest to it, the share written as answered, for each
    # neighbourhood size of `question_vectors.NEAREST`: a property of the question too.
    answered_nearby: tuple[float, ...] = ()
    # How close the question comes by its letters to the written questions and to each kind
    # of unanswered one (`question_vectors.closeness_by_letters`): a property of the question.
    by_letters: tuple[tuple[str, float], ...] = ()
    # In a conversation: the passage the previous answer quoted first (what a follow-up's
    # "it" most often points at; `answering.conversation`).
    answered_before: bool = False
    # What the learned ranking read of it (`ranking.FEATURES`, in order), among the first
    # `ranking.DEPTH` candidates of a question searched on its own; () elsewhere.
    ranking_features: tuple[float, ...] = ()
    fusion_rank: int = 0  # its place in the fusion's order, before the learned ranking


class HybridRetriever:
    """Finds passages for a question in a given answer language (or all, for others)."""

    def __init__(
        self,
        index: Index,
        embedder,
        weights: dict[str, float] | None = None,
        ranker: ranking.LearnedRanking | None = None,
    ):
        self.index = index
        self.embedder = embedder
        self.weights = weights if weights is not None else WEIGHTS
        # The learned order of the first candidates (`retrieval.ranking`); None: the fusion's.
        self.ranker = ranker
        self._lead_ins: set[str] | None = None
        self._recent: dict[str, np.ndarray] = {}  # question -> vector, oldest first
        self._recent_lock = threading.Lock()
        self._target_tables: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {}

    def retrieve(
        self,
        question: str,
        language: str,
        k: int = 5,
        focus: str = "",
        question_language: str | None = None,
        analysed: AnalysedQuestion | None = None,
        focus_analysed: AnalysedQuestion | None = None,
        learned_order: bool = True,
    ) -> list[Hit]:
        """Best passages for `question`, in `language` when the pages have it.

        Args:
            question: the question text (after resolving any follow-up).
            language: the answer language; when the pages are not in it, passages of every
                page language are returned.
            question_language: the language the question is written in, when the answer
                language was forced to another one (a Danish question answered from the
                Polish page): the question is matched on its own language's page and the
                hits are its translations.
            k: how many hits to return.
            focus: context that steers the search (the previous question of a follow-up): it
                adds to BM25 and to the dense query, never to coverage, so whether the pages
                answer is judged on the question's own words.
            analysed, focus_analysed: the question and the focus as the engine analysed them
                (`analysis.question`), read instead of analysing them again; made here when
                not given.
            learned_order: put the first candidates in the learned order (`ranking`), when
                there is one and the question is of the kind it learned from: asked on its
                own (no `focus`), naming more than the site's subject. The caller says
                whether it is asked on its own: in a conversation it is not.
        """
        index = self.index
        asked_in = question_language or language
        analysed = analysed_for(question, asked_in, self.index, analysed)
        focus_analysed = (
            analysed_for(focus, asked_in, self.index, focus_analysed) if focus else None
        )
        targets = [language] if language in index.languages else list(index.languages)
        # Where matching is judged: on the question's own language's page when there is one.
        judged_in = asked_in if asked_in in index.languages else None
        rankings: list[tuple[float, dict[str, float]]] = []
        # Each ranking's normalised scores by name, and the written questions' vote, as the
        # learned ranking reads them.
        signals: dict[str, dict[str, float]] = {name: {} for name in ranking.SIGNALS}
        stems_by_language: dict[str, list[str]] = {}
        for passage_language, lexical in index.lexical.items():
            stems = analysed.stems_for(passage_language)
            stems_by_language[passage_language] = stems
            query = lexical.expand(stems)
            if focus_analysed is not None:
                # The question's own words count twice: the context steers, it does not lead.
                query = query * 2 + focus_analysed.stems_for(passage_language)
            scores = lexical.scores(query)
            found = {
                lexical.ids[i]: float(scores[i]) for i in _top(scores, CANDIDATES) if scores[i] > 0
            }
            same = passage_language == judged_in or (not judged_in and passage_language in targets)
            weight = self.weights["lexical_same"] if same else self.weights["lexical_other"]
            normalised = max_normalised(self._map(found, targets))
            rankings.append((weight, normalised))
            if same:
                lexical_n = signals["lexical_n"]
                for key, value in normalised.items():
                    lexical_n[key] = max(lexical_n.get(key, 0.0), value)

        # (Encoding on a second thread while BM25 runs was tried: 32.7 against 33.2 ms p50,
        # BM25 is too small a part to hide; not worth a thread.)
        vector = self._search_vector(question, focus, analysed, judged_in)
        dense_hits = index.vectors.query(vector, CANDIDATES * len(index.languages))
        dense_similarity = self._map(dict(dense_hits), targets, DENSE_MERGE)
        standing = standard_scores(dense_similarity)
        by_meaning = min_max_normalised(dense_similarity)
        rankings.append((self.weights["dense"], by_meaning))
        signals["dense_n"] = by_meaning
        sentence_similarity = {}
        if self.weights.get("sentence"):
            best_sentence = index.sentences.best([pid for pid, _ in dense_hits], vector)
            sentence_similarity = self._map(best_sentence, targets, SENTENCE_MERGE)
            if SENTENCE_STANDING:
                sentence_standing = standard_scores(sentence_similarity)
                standing = {
                    key: max(value, sentence_standing.get(key, value))
                    for key, value in standing.items()
                }
            signals["sentence_n"] = min_max_normalised(sentence_similarity)
            rankings.append((self.weights["sentence"], signals["sentence_n"]))

        # Every written question's cosine, each family in one product, read three times.
        written_cosines = (index.questions.cosines(vector), index.unanswered.cosines(vector))
        written = self._written(vector, written_cosines[0], targets)
        if not focus:
            # Which passage the nearest written questions point to, as a group: read only by
            # the learned ranking, which a search steered by a previous question skips.
            signals["written_vote"] = self._map(
                index.questions.votes(written_cosines[0]), targets, merge="sum"
            )
        if self.weights.get("written") and written:
            # A passage nobody wrote questions for (a new page) stands in with its own cosine
            # rather than dropping out of this ranking.
            similarity = {**dense_similarity}
            similarity.update({pid: cosine for pid, (cosine, _) in written.items()})
            signals["written_n"] = min_max_normalised(similarity)
            rankings.append((self.weights["written"], signals["written_n"]))
        # Every written and unanswered question's cosine by letters, each family one product.
        letter_cosines = (
            index.question_words.cosines(analysed.text),
            index.unanswered_words.cosines(analysed.text),
        )
        if self.weights.get("written_words") and len(index.questions):
            by_letters = index.questions.best(None, scores=letter_cosines[0])
            letters = max_normalised(
                self._map({pid: cos for pid, (cos, _) in by_letters.items()}, targets)
            )
            # A passage nobody wrote questions for in its own language (reworded since, or on
            # a page dropped in without them) has no letters to match, and the questions of
            # its translation are in other words: it stands in with where its own cosine puts
            # it among the candidates, rather than counting as sharing nothing.
            unwritten = [pid for pid in dense_similarity if pid not in index.questions.passage_ids]
            letters.update({pid: by_meaning[pid] for pid in unwritten})
            if letters:
                signals["letters_n"] = letters
                rankings.append((self.weights["written_words"], letters))

        unanswered = tuple(
            sorted(
                (kind, cosine)
                for kind, (cosine, _) in index.unanswered.best(
                    vector, scores=written_cosines[1]
                ).items()
            )
        )
        nearby = answered_nearby(vector, index.questions, index.unanswered, cosines=written_cosines)
        closeness = closeness_by_letters(*letter_cosines, index.unanswered)
        fused = weighted_sum(rankings)
        # A question searched on its own has its first candidates put in the learned order:
        # all of them are made into hits, whatever `k`, and cut to `k` after. (Every such
        # question's hits carry the features, which is what `ranking_training` records.)
        ranked = not focus
        depth = max(k, ranking.DEPTH) if ranked else k
        best = sorted(fused, key=fused.get, reverse=True)[:depth]
        hits = []
        if judged_in is None:
            # A language the pages are not in: its words the pages never use are just
            # untranslated, not unanswered; whether it is answered rests on the rest.
            stems_by_language = {
                lang: [s for s in stems if is_type_token(s) or index.lexical[lang].knows(s)]
                for lang, stems in stems_by_language.items()
            }
        # A property of the question in each page language, not of a passage: found once, in
        # the analysis (leaving out the stems no page uses, above, changes nothing in it).
        most_specific = analysed.most_specific
        for passage_id in best:
            chunk = index.passages[passage_id]
            judged = self._judged_chunk(chunk, judged_in)
            lexical = index.lexical[judged.language]
            stems = stems_by_language[judged.language]
            passage_stems = set(lexical.analyse(judged.search_text))
            matched = [s for s in stems if contains(passage_stems, s)]
            rare = [s for s in matched if lexical.idf(s) >= RARE_WORD * lexical.max_idf]
            hits.append(
                Hit(
                    chunk=chunk,
                    score=fused[passage_id],
                    coverage=coverage(
                        held_or_words(stems, passage_stems), passage_stems, lexical.idf
                    ),
                    dense=dense_similarity.get(passage_id, 0.0),
                    sentence=sentence_similarity.get(passage_id, 0.0),
                    sentence_cosines=tuple(
                        float(c) for c in index.sentences.cosines(judged.id, vector)
                    ),
                    standing=standing.get(passage_id, 0.0),
                    query_stems=tuple(stems),
                    rarest_match=max((lexical.idf(s) for s in matched), default=0.0)
                    / lexical.max_idf,
                    matched_rare=tuple(rare),
                    most_specific=most_specific[judged.language],
                    passage_stems=tuple(sorted(passage_stems)),
                    judged=judged,
                    written=written.get(passage_id, (0.0, ""))[0],
                    written_question=written.get(passage_id, (0.0, ""))[1],
                    unanswered=unanswered,
                    answered_nearby=nearby,
                    by_letters=closeness,
                    fusion_rank=len(hits),
                )
            )
        if ranked:
            # The ranking learned from questions people wrote about what a passage says. One
            # that names nothing but the site's subject ("Co robi Biuro ds. AI?") is searched
            # towards the subject's name (`_towards_subject`), and the fusion's order among
            # the passages that describe the subject is the one chosen for it: learned, a
            # list's lead-in that opens with the subject's name came first.
            reorder = learned_order and not analysed.names_only_subject
            hits = self._in_learned_order(
                hits, signals, analysed, foreign=judged_in is None, reorder=reorder
            )
        return _focused_on_what_they_hold(hits[:k], index)

    def _in_learned_order(
        self,
        hits: list[Hit],
        signals: dict[str, dict[str, float]],
        analysed: AnalysedQuestion,
        foreign: bool,
        reorder: bool,
    ) -> list[Hit]:
        """`hits` with the first `ranking.DEPTH` carrying the learned ranking's features, and
        in its order when there is one and `reorder`."""
        first = hits[: ranking.DEPTH]
        if not first:
            return hits
        types = set(analysed.expected_types)
        if self._lead_ins is None:
            self._lead_ins = {c.context for c in self.index.passages.values() if c.context}
        candidates = [
            ranking.Candidate(
                values={
                    "fused": h.score,
                    "dense": h.dense,
                    "sentence": h.sentence,
                    "written": h.written,
                    "coverage": h.coverage,
                    "standing": h.standing,
                    "rarest_match": h.rarest_match,
                    **{name: s.get(h.chunk.id, 0.0) for name, s in signals.items()},
                },
                holds_type=bool(types) and types <= held_types(h.chunk.text, h.chunk.language),
                lead_in=h.chunk.text in self._lead_ins,
                list_item=h.chunk.item is not None,
                words=len(h.chunk.text.split()),
            )
            for h in first
        ]
        rows = [
            ranking.as_vector(row)
            for row in ranking.candidate_features(candidates, bool(types), foreign)
        ]
        first = [replace(h, ranking_features=row) for h, row in zip(first, rows, strict=True)]
        # It learned from passages that all had questions written for them in their own
        # language: one without (a page dropped into the corpus, a passage reworded since)
        # looks to it like a passage nobody would ask about, and the fusion's order, which
        # stands the passage's own cosine in for them, is kept.
        asked_about = self.index.questions.passage_ids
        written = all(h.chunk.id in asked_about for h in first)
        if self.ranker is not None and reorder and written:
            first = [first[i] for i in self.ranker.order(rows)]
        return first + hits[ranking.DEPTH :]

    def check_focus(self, hits: list[Hit], analysed: AnalysedQuestion) -> list[Hit]:
        """`hits` (as `retrieve` returned them for the question `analysed`, asked on its own)
        with the words of the question each of the first does not account for
        (`Hit.focus_gains`). Asked by answering only where the outcome can depend on it: each
        word checked costs an encoding of the question without it."""
        judged_in = analysed.language if analysed.language in self.index.languages else None
        if judged_in is None or not self.weights.get("sentence") or not hits:
            return hits
        vector = self._search_vector(analysed.text, "", analysed, judged_in)
        return self._with_focus_gains(hits, analysed, vector)

    def _search_vector(
        self, question: str, focus: str, analysed: AnalysedQuestion, judged_in: str | None
    ) -> np.ndarray:
        """The vector the question is searched with (its recent vectors are kept, so asking
        again for the focus check encodes nothing)."""
        vector = self.query_vector(f"{question} {focus}" if focus else question)
        if judged_in is None:
            return self._without_subject_words(vector, analysed)
        if not focus and analysed.names_only_subject:
            return self._towards_subject(vector)
        return vector

    def _written(
        self, vector: np.ndarray, cosines: np.ndarray, targets: list[str]
    ) -> dict[str, tuple[float, str]]:
        """Each passage's closest written question (cosine, text), moved into the target
        languages like the other rankings: a question written for the Polish passage counts
        for its Danish translation. `cosines`: the vector's to every written question."""
        questions = self.index.questions
        out: dict[str, tuple[float, str]] = {}
        for passage_id, (cosine, row) in questions.best(vector, scores=cosines).items():
            for target_id in self._targets(passage_id, targets):
                if cosine > out.get(target_id, (-1.0, ""))[0]:
                    out[target_id] = (cosine, questions.questions[row].text)
        return out

    def query_vector(self, text: str) -> np.ndarray:
        """The model's vector for a question. The last few are kept: a follow-up is encoded
        for its search alone and again to re-rank by its own meaning."""
        with self._recent_lock:
            vector = self._recent.get(text)
        if vector is None:
            vector = self.embedder.encode_queries([text])[0]
            with self._recent_lock:
                self._recent[text] = vector
                while len(self._recent) > RECENT_QUESTIONS:
                    self._recent.pop(next(iter(self._recent)))
        return vector

    def _without_subject_words(self, vector: np.ndarray, analysed: AnalysedQuestion):
        """For a question in a language the pages are not in: its vector averaged with that of
        the question without the words that only name the site's subject.

        The pages quote a few such words untranslated ("AI Office" in a Danish sentence about
        newsletters), and the model matches them letter for letter: "Can I apply for a job at
        the AI Office?" found that sentence first. Without them the question says what it
        asks (dev, English: hit@1 0.73 -> 0.91, the same for any weight of 0.25-1.0; the
        question without them alone: 0.73). A question that names nothing but the subject
        is taken towards it instead (`_towards_subject`)."""
        stripped = analysed.subject_stripped
        if stripped == analysed.text:
            return vector
        if analysed.names_only_subject:
            return self._towards_subject(vector)
        if not words(stripped):
            return vector
        blended = vector + self.query_vector(stripped)
        return blended / np.linalg.norm(blended)

    def _towards_subject(self, vector: np.ndarray) -> np.ndarray:
        """The question's vector averaged with the subject's name in each page language
        ("Det Europæiske AI-kontor", "Europejski Urząd ds. AI"): "What is the" alone means
        nothing, and a short question about the subject otherwise lands on whichever passage
        opens with its name ("AI-kontoret rekrutterer talenter ...", "Biuro ds. AI rekrutuje
        ..."), not on the ones that describe it."""
        names = [self.query_vector(name) for name in self.index.subject_names.values()]
        if not names:
            return vector
        blended = vector + sum(names)
        return blended / np.linalg.norm(blended)

    def _with_focus_gains(
        self, hits: list[Hit], analysed: AnalysedQuestion, vector: np.ndarray
    ) -> list[Hit]:
        """The first hits with the words of the question each does not account for."""
        index = self.index
        question = analysed.text
        checked = hits[:FOCUS_PASSAGES]
        words = {}
        for hit in checked:
            judged = hit.judged or hit.chunk
            lexical = index.lexical[judged.language]
            held = set(hit.passage_stems)
            # A passage without a translation in the question's language is read in its own.
            words[judged.id] = (
                unaccounted_among(analysed.candidates, held, lexical.knows)
                if judged.language == analysed.language
                else unaccounted_words(question, judged.language, held, lexical.knows)
            )
        gains = removal_gains(
            question,
            words,
            {pid: index.sentences.vectors_of(pid) for pid in words},
            vector,
            self.embedder.encode_queries,
        )
        return [
            replace(h, focus_gains=gains.get((h.judged or h.chunk).id, ())) for h in checked
        ] + hits[FOCUS_PASSAGES:]

    def _judged_chunk(self, chunk: Chunk, judged_in: str | None) -> Chunk:
        """The passage in the question's language that stands for `chunk` when judging it."""
        if judged_in and chunk.language != judged_in:
            translation = self.index.passages.get(chunk.translations.get(judged_in, ""))
            if translation is not None:
                return translation
        return chunk

    def _map(
        self, scores: dict[str, float], targets: list[str], merge: str = "max"
    ) -> dict[str, float]:
        """Scores moved into the target languages: an other-language passage scores for its
        translation. When several land on one passage, the best wins ("max"), they are
        averaged ("mean": a passage and its translation both judged by meaning) or added up
        ("sum": shares of one vote)."""
        if merge == "sum":
            summed: dict[str, float] = {}
            for passage_id, score in scores.items():
                for target_id in self._targets(passage_id, targets):
                    summed[target_id] = summed.get(target_id, 0.0) + score
            return summed
        if merge == "mean":
            gathered: dict[str, list[float]] = {}
            for passage_id, score in scores.items():
                for target_id in self._targets(passage_id, targets):
                    gathered.setdefault(target_id, []).append(score)
            return {key: sum(v) / len(v) for key, v in gathered.items()}
        out: dict[str, float] = {}
        for passage_id, score in scores.items():
            for target_id in self._targets(passage_id, targets):
                out[target_id] = max(out.get(target_id, score), score)
        return out

    def _targets(self, passage_id: str, targets: list[str]) -> tuple[str, ...]:
        """The passage itself when in a target language, else its translations in them."""
        return self._target_table(tuple(targets)).get(passage_id, ())

    def _target_table(self, targets: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """`_targets` of every passage, for these target languages: made once per index and
        targets (a question moves a few hundred scores through it)."""
        table = self._target_tables.get(targets)
        if table is None:
            table = {}
            for passage_id, chunk in self.index.passages.items():
                if chunk.language in targets:
                    table[passage_id] = (passage_id,)
                    continue
                mapped = [chunk.translations[t] for t in targets if t in chunk.translations]
                table[passage_id] = tuple(t for t in mapped if t in self.index.passages)
            self._target_tables[targets] = table  # a whole table at once: safe across threads
        return table


def held_or_words(stems: list[str], passage_stems: set[str]) -> list[str]:
    """The question's stems that coverage weighs for a passage: its words, and an answer type's
    token only when the passage holds one. A passage without a date is not less about "when
    was the forum set up?" than about "was the forum set up?": whether it holds the date is
    answerability's check, not the coverage's that says whether the question is in scope."""
    return [s for s in stems if not is_type_token(s) or s in passage_stems]


def _top(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k highest scores, best first.

    On a large corpus (over SMALL_CORPUS passages in the language), among the positive scores
    only, equal ones in passage order: BM25 gives most passages of a large corpus 0, and
    bm25s's top-k partitions them all, which took 8 ms at 50,000 passages against 0.1 ms
    over the few thousand that match (the caller drops a 0 anyway). On a small corpus,
    bm25s's own selection: equal scores at the k-th place come out in its order, and the
    answers measured on the pages (the eval, the pinned answers) were made with it."""
    if len(scores) <= SMALL_CORPUS:
        from bm25s.selection import topk

        _, indices = topk(scores, min(k, len(scores)), backend="numpy")
        return [int(i) for i in indices]
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    best = positive[np.argsort(-scores[positive], kind="stable")[:k]]
    return [int(i) for i in best]


def _focused_on_what_they_hold(hits: list[Hit], index: Index) -> list[Hit]:
    """The question's most specific word, among those the passages found hold.

    The rarest word of the question that any page uses is what a date or a count must stand
    beside; but a word only an unrelated passage uses (Polish "ogłosiła", announced, used
    once, of a job advert) is no focus of a question about another passage ("Kiedy Komisja
    ogłosiła pakiet innowacji?"). When the passage using it is not among those found, the
    most specific word the found passages hold is the focus instead."""
    held_by = [set(h.passage_stems) for h in hits]
    languages = [(h.judged or h.chunk).language for h in hits]
    focus: dict[str, tuple[str, ...]] = {}
    for hit, language in zip(hits, languages, strict=True):
        if language in focus or not hit.most_specific:
            continue
        same = [held for held, lang in zip(held_by, languages, strict=True) if lang == language]
        held = [s for s in dict.fromkeys(hit.query_stems) if any(contains(h, s) for h in same)]
        found = any(s in held for s in hit.most_specific)
        focus[language] = (not found and index.lexical[language].most_specific(held)) or (
            hit.most_specific
        )
    return [
        replace(h, most_specific=focus.get(language, h.most_specific))
        for h, language in zip(hits, languages, strict=True)
    ]
