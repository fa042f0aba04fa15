"""Follow-up questions: resolving "og hvornår?" against the conversation, without an LLM.

A follow-up is short or points back ("og", "a", "den", "go", "it"...). It is searched together
with the previous turn's question, which is what it leaves out ("Og hvornår er fristen?" after
"Hvilke stillinger rekrutterer AI-kontoret til?"). But a follow-up that names a subject of its
own that the previous topic lacks ("Og hvad er ECAT?") is a change of topic: then the question
is searched alone, so the old topic is not dragged along. A follow-up's answer stays on the
previous turn's subject (`Subject`), or it is abstained on; among the passages on the subject,
the follow-up's own meaning picks the one that answers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from assistant.analysis.answer_types import is_type_token
from assistant.analysis.question import AnalysedQuestion, analyse_question, analysed_for
from assistant.analysis.text import language_data, sentences, words
from assistant.answer import Answer
from assistant.answering.answerability import MIN_COVERAGE, SCOPE_COSINE, decide, stands_out
from assistant.answering.extractive import is_answerable
from assistant.retrieval.fusion import contains, coverage, max_normalised, min_max_normalised
from assistant.retrieval.retriever import RARE_WORD, Hit, HybridRetriever

MAX_CONTEXT_CHARS = 300
SHORT_FOLLOW_UP = 3  # content words; a question this short needs its context
# How much the follow-up's own meaning (its best sentence cosine, spread over [0, 1] among the
# passages on the subject) adds to a passage's fused score. Chosen on eval/'s dev split
# (0, 0.25, 0.5, 0.75, 1.0: follow-up hit@1 0.89, 0.89, 0.94, 0.94, 0.94).
OWN_MEANING_WEIGHT = 0.5
# How much a follow-up's search favours the passage the previous answer quoted first, what
# "it" most often points at ("Kan jeg også bruge den til spørgsmål om stillinger?" after the
# e-mail address). Chosen on eval/'s dev split (follow-ups, 148: 0 / 0.25 / 0.5 / 1.0 gave
# hit@1 0.76 / 0.78 / 0.80 / 0.80); not when the follow-up names an aspect of its own
# (`_own_aspect`: without that guard "A jakie ma zadania?" after "Czym jest Urząd?" lost).
PREVIOUS_ANSWER_WEIGHT = 0.5
# How much the follow-up's own search counts against the search with the previous question
# when their passages are ranked together (`with_own_search`). Chosen on eval/'s dev split.
OWN_SEARCH_WEIGHT = 0.5
# Passages the search with the previous question returns: more than an answer's five, so that
# the follow-up's own best passage is usually among them and has a score in both searches.
COMBINED_K = 10
MIN_QUOTE = 20  # characters: a shorter sentence found in an answer's text may be a chance match
# Words that open a follow-up ("og", "a", "and") and pronouns that point back at something
# named earlier, anywhere in the question ("Kan det også straffe nogen?"): language data.
_REFERRING = {k: v.split() for k, v in language_data("referring_words").items()}
_POINTING = {k: set(v.split()) for k, v in language_data("pointing_words").items()}
_CONTINUING = {k: set(v.split()) for k, v in language_data("continuing_words").items()}


@dataclass(frozen=True)
class Resolution:
    """How a question was searched: alone, or with the previous turn's question."""

    search_text: str
    hits: list[Hit]
    follow_up: bool  # searched with the previous question
    # A follow-up's own search, without the previous question: answering also judges the
    # question on its own (`answering.standalone`).
    own_hits: list[Hit] = field(default_factory=list)


def previous_question(history: Sequence[tuple[str, Answer]]) -> str:
    """The last question that stood on its own subject (a follow-up's resolution counts)."""
    question, answer = history[-1]
    # Bounded: a chain of follow-ups must not grow the search text without end.
    return (answer.resolved_question or question)[:MAX_CONTEXT_CHARS]


def looks_like_follow_up(
    question: str,
    content_stems: Sequence[str],
    language: str,
    tokens: Sequence[str] | None = None,
) -> bool:
    """Short, or opening with a word that points back at the conversation (`tokens`:
    `words(question)` when known)."""
    tokens = words(question) if tokens is None else tokens
    subject = [s for s in content_stems if not is_type_token(s)]
    if len(subject) <= SHORT_FOLLOW_UP and len(tokens) <= 6:
        return True
    lowered = [w.lower() for w in tokens]
    first = next(iter(lowered), "")
    if first in _REFERRING.get(language, _REFERRING["en"]):
        return True
    return _points_back(" ".join(lowered[1:]), language)


def _carries_on(tokens: Sequence[str], language: str) -> bool:
    """Whether the question (its words) opens with a conjunction that carries on from the
    previous one ("Og ...", "A ...", "And ...")."""
    first = next(iter(tokens), "").lower()
    return first in _CONTINUING.get(language, _CONTINUING["en"])


def resolve(
    retriever: HybridRetriever,
    question: str,
    language: str,
    history: Sequence[tuple[str, Answer]] | None,
    question_language: str | None = None,
    analysed: AnalysedQuestion | None = None,
) -> Resolution:
    """Search for `question` in the light of the conversation so far.

    `question_language` is the language the question is written in when it differs from the
    answer language `language` (the asker forced the answer language). `analysed` is the
    question as the engine analysed it (`analysis.question`); made here when not given."""
    asked_in = question_language or language
    analysed = analysed_for(question, asked_in, retriever.index, analysed)
    # In a conversation the question is not asked on its own: the learned order, learned
    # from questions that were, would decide what a short follow-up ("A do czego ma
    # służyć?") is about; the fusion's order stands (`retriever.retrieve`).
    alone = retriever.retrieve(
        question,
        language,
        question_language=question_language,
        analysed=analysed,
        learned_order=not history,
    )
    if not history:
        return Resolution(question, alone, False)
    stems = alone[0].query_stems if alone else ()
    if not looks_like_follow_up(question, stems, asked_in, analysed.words):
        return Resolution(question, alone, False)
    points_back = _points_back(question, asked_in, analysed.words)
    if (
        _names_unknown_subject(retriever, stems, asked_in)
        and not _close_to_pages(alone)
        and not points_back
    ):
        return Resolution(question, alone, False)

    previous = previous_question(history)
    combined_text = f"{question} {previous}"
    # The previous question is analysed once too: it steers the search and names the subject.
    prior = analyse_question(previous, asked_in, retriever.index)
    combined = retriever.retrieve(
        question,
        language,
        k=COMBINED_K,
        focus=previous,
        question_language=question_language,
        analysed=analysed,
        focus_analysed=prior,
    )
    # An answer type the question asks for is a subject of its own when the question also
    # names something and nothing points back ("Hvad er e-mailadressen til AI-kontoret?"
    # after a question about the pact), not on its own ("Og hvornår?", "Hvornår begynder den?").
    # An opening "A"/"Og" points back too: Polish drops the pronoun ("A kiedy się zacznie?").
    # What it names must be something the pages use: "Kiedy się zaczyna?" (when does it
    # begin?) names only a verb they never use, and its subject is the previous one.
    lexical = retriever.index.lexical.get(asked_in)
    names_something = any(
        not is_type_token(s) and (lexical is None or lexical.knows(s)) for s in stems
    )
    types_count = names_something and not points_back and not _carries_on(analysed.words, asked_in)
    if _changes_topic(alone, combined, types_count) or _stands_alone(
        alone, combined, types_count, question, analysed
    ):
        return Resolution(question, alone, False)
    combined = with_own_search(alone, combined)
    subject = Subject.of(history, asked_in, combined, prior)
    # A follow-up's answer stays on the previous turn's subject: a passage about something else
    # (the job deadline's date for "Hvornår begynder den?" after the pact) is no answer, and
    # with none left the follow-up is abstained on.
    asks = None if points_back else analysed
    # The passage the follow-up finds alone is on the subject too when it holds a word of the
    # follow-up's own that the cited passages lack ("Og internationalt?": `_own_aspect`). Not
    # when it asks for a date, a count ... of what a pronoun points back to: the answer type
    # is then its aspect, and the subject the previous one ("Kiedy go ogłoszono?" after the
    # innovation package asks when *it* was announced, not about the job advertisement,
    # "ogłoszenie", that its own search finds). Dev: with any pronoun, one follow-up gained
    # and one lost ("Og hvad gør det internationalt?"); with this, none moved.
    typed_and_pointing = points_back and bool(analysed.expected_types)
    own_aspect = "" if typed_and_pointing else _own_aspect(retriever, alone, subject)
    on_subject = [
        h for h in combined if h.chunk.id == own_aspect or subject.holds(h, retriever.index, asks)
    ]
    # What the previous answer quoted first is what the follow-up most likely asks more of,
    # unless it names an aspect of its own.
    before = "" if own_aspect else subject.answered_from
    ranked = by_own_meaning(retriever, question, on_subject, before)
    return Resolution(combined_text, ranked, True, alone)


@dataclass(frozen=True)
class Subject:
    """What the previous turn was about: its question and the passages its answer cited."""

    question: str
    language: str
    cited: frozenset[str]
    # The passage the previous answer quoted first, when it answered (not when it abstained
    # and quoted only what came nearest): what a follow-up's "it" most often points at.
    answered_from: str = ""
    # The previous question analysed (`analysis.question`): its most specific words are read.
    analysed: AnalysedQuestion | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        history: Sequence[tuple[str, Answer]],
        language: str,
        hits: list[Hit],
        analysed: AnalysedQuestion | None = None,
    ) -> Subject:
        """The previous turn's subject; a history that kept only the answer's text (the API's
        triples) still shows which of `hits` it quoted, as it quotes sentences verbatim.
        `analysed` is the previous question analysed, when the caller has it."""
        answer = history[-1][1]
        # Where each passage's first quoted sentence stands in the answer's text.
        positions = {h.chunk.id: at for h in hits if (at := _quoted_at(h, answer.text)) >= 0}
        cited = frozenset(c.passage_id for c in answer.citations) | set(positions)
        if answer.abstained:
            first = ""
        elif answer.citations:
            first = answer.citations[0].passage_id
        else:  # only the text: the passage it quotes first
            first = min(positions, key=positions.__getitem__, default="")
        return cls(previous_question(history), language, cited, first, analysed)

    def holds(self, hit: Hit, index, asks: str | AnalysedQuestion | None = "") -> bool:
        """Whether a passage is about the previous turn's subject: the previous answer cited
        it, or it holds the previous question's most specific word.

        The follow-up's own words are no test when it points back with a pronoun ("Hvor mange
        virksomheder er med i den?" is about the pact; other passages mention companies too).
        An elliptical follow-up without one names what it asks for itself (`asks`: "A adres
        e-mail?"): a passage in a section the previous answer cited that holds it counts too.
        """
        chunk = hit.judged or hit.chunk
        if _ids_of(hit) & self.cited:
            return True
        lexical = index.lexical[chunk.language]
        previous = self._analysed(self.question, index)
        if _holds_most_specific(previous.most_specific[chunk.language], hit.passage_stems):
            return True
        sections = {index.passages[c].section for c in self.cited if c in index.passages}
        if not asks or hit.chunk.section not in sections:
            return False
        own = self._analysed(asks, index).stems_for(chunk.language)
        return coverage(own, hit.passage_stems, lexical.idf) >= MIN_COVERAGE

    def _analysed(self, question: str | AnalysedQuestion, index) -> AnalysedQuestion:
        """A question read in the subject's language: as analysed, or analysed now."""
        if question == self.question and self.analysed is not None:
            question = self.analysed
        if isinstance(question, AnalysedQuestion):
            return analysed_for(question.text, self.language, index, question)
        return analyse_question(question, self.language, index)


def _holds_most_specific(specific: Sequence[str], passage_stems) -> bool:
    """Whether the passage holds the question's most specific word (`most_specific`)."""
    held = set(passage_stems)
    return any(contains(held, s) for s in specific)


def with_own_search(alone: list[Hit], combined: list[Hit]) -> list[Hit]:
    """The passages of both searches, ranked by both: the search with the previous question
    finds the subject's passages, the follow-up's own search the aspect it asks about ("Og
    hvad gør det internationalt?" after a question on the AI Act wants the passage on the
    international level, which the combined search ranks low). Each search's scores are
    divided by its best, and weighed by `OWN_SEARCH_WEIGHT` and its complement."""
    if not alone or OWN_SEARCH_WEIGHT <= 0:
        return combined
    own, both = max_normalised(_scores(alone)), max_normalised(_scores(combined))
    hits = {h.chunk.id: h for h in alone}
    hits.update({h.chunk.id: h for h in combined})  # the combined search's view when both have it
    fused = {
        pid: OWN_SEARCH_WEIGHT * own.get(pid, 0.0) + (1 - OWN_SEARCH_WEIGHT) * both.get(pid, 0.0)
        for pid in hits
    }
    ranked = sorted(hits, key=fused.__getitem__, reverse=True)
    return [replace(hits[pid], score=fused[pid]) for pid in ranked]


def _own_aspect(retriever: HybridRetriever, alone: list[Hit], subject: Subject) -> str:
    """The id of the follow-up's own best passage when the follow-up names an aspect of its
    own, or "": the passage holds the question's most specific word (not an answer type,
    `Hit.most_specific`), one that none of the passages the previous answer cited holds. A
    word the subject's passages hold asks about the subject itself ("Hvor mange virksomheder
    er med i den?" after the pact, whose passage names companies); one they lack is a new
    aspect of the same thing ("Og internationalt?" after the AI Act's tasks).

    The passage must also stand out by meaning from the follow-up's other candidates
    (`stands_out`): a word as common as "bruger" in "Hvad bruger de?" (after AI factories) is
    held by a passage that merely says "gør brug af", which stands out little (0.8 against
    2.2-2.4 for the named aspects above)."""
    best = alone[0] if alone else None
    if best is None or not stands_out(best):
        return ""
    judged = best.judged or best.chunk
    held = set(best.passage_stems)
    named = [s for s in best.most_specific if not is_type_token(s) and contains(held, s)]
    if not named:
        return ""
    index = retriever.index
    lexical = index.lexical[judged.language]
    cited = [
        set(lexical.analyse(index.passages[pid].search_text))
        for pid in subject.cited
        if pid in index.passages and index.passages[pid].language == judged.language
    ]
    new = [s for s in named if not any(contains(stems, s) for stems in cited)]
    return best.chunk.id if new else ""


def _scores(hits: list[Hit]) -> dict[str, float]:
    return {h.chunk.id: h.score for h in hits}


def by_own_meaning(
    retriever: HybridRetriever, question: str, hits: list[Hit], answered_from: str = ""
) -> list[Hit]:
    """The hits re-ranked by the follow-up's own meaning as well: the search with the previous
    question found the subject's passages; which of them answers is what the follow-up itself
    asks ("Kan det også straffe nogen?" wants the passage on enforcing the rules). Its sentence
    cosines become the follow-up's own, so its sentences are chosen by that meaning too.
    `answered_from`, the passage the previous answer quoted first, gains
    `PREVIOUS_ANSWER_WEIGHT` and is marked (`Hit.answered_before`)."""
    if not hits:
        return hits
    index = retriever.index
    vector = retriever.query_vector(question)
    own = {h.chunk.id: index.sentences.cosines((h.judged or h.chunk).id, vector) for h in hits}
    spread = min_max_normalised({k: float(v.max(initial=0.0)) for k, v in own.items()})
    before = {h.chunk.id: answered_from in _ids_of(h) for h in hits}
    ranked = [
        replace(
            h,
            score=h.score
            + OWN_MEANING_WEIGHT * spread[h.chunk.id]
            + (PREVIOUS_ANSWER_WEIGHT if before[h.chunk.id] else 0.0),
            answered_before=before[h.chunk.id],
            sentence_cosines=tuple(float(c) for c in own[h.chunk.id]),
        )
        for h in hits
    ]
    return sorted(ranked, key=lambda h: h.score, reverse=True)


def _ids_of(hit: Hit) -> set[str]:
    """The ids a hit stands for: its passage, the passage it was judged by, its translations."""
    return {hit.chunk.id, (hit.judged or hit.chunk).id, *hit.chunk.translations.values()}


def _quoted_at(hit: Hit, text: str) -> int:
    """Where the first of the hit's sentences that `text` quotes stands in it (-1: none)."""
    found = [
        at for s in sentences(hit.chunk.text) if len(s) >= MIN_QUOTE and (at := text.find(s)) >= 0
    ]
    return min(found, default=-1)


def _names_unknown_subject(retriever: HybridRetriever, stems, language: str) -> bool:
    """A follow-up whose own words the pages never use ("og hvad koster en pizza?") asks
    about something new: the previous topic must not make it look answerable."""
    lexical = retriever.index.lexical.get(language)
    if any(is_type_token(s) for s in stems):
        return False  # "when?", "which address?": asks about the previous subject
    subject = [s for s in stems if not is_type_token(s)]
    return bool(lexical and subject and not any(lexical.knows(s) for s in subject))


def _points_back(question: str, language: str, tokens: Sequence[str] | None = None) -> bool:
    """Whether the question holds a pronoun that points at something named earlier (`tokens`:
    `words(question)` when known)."""
    pointing = _POINTING.get(language, _POINTING["en"])
    return any(w.lower() in pointing for w in (words(question) if tokens is None else tokens))


def _close_to_pages(hits: list[Hit]) -> bool:
    """Whether the question alone is, by meaning, about what the pages are about."""
    return bool(hits) and hits[0].dense >= SCOPE_COSINE


def _stands_alone(
    alone: list[Hit],
    combined: list[Hit],
    types_count: bool = False,
    question: str = "",
    analysed: AnalysedQuestion | None = None,
) -> bool:
    """True when the question names its subject itself (a rare word; an answer-type token
    only when `types_count`), finds the same passage alone as with the context, and that
    passage is the one its answer would quote: the context would only blur the search text.
    ("Hvor mange virksomheder er med i den?" after the pact finds the pact first, but a
    count only in another passage: it is a follow-up on the pact, not a question alone.)"""
    if not alone or not combined or alone[0].chunk.id != combined[0].chunk.id:
        return False
    if not any(types_count or not is_type_token(s) for s in alone[0].matched_rare):
        return False
    decision = decide(question, alone, in_page_language=True, analysed=analysed)
    return decision.answered and decision.hits[0].chunk.id == alone[0].chunk.id


def _changes_topic(alone: list[Hit], combined: list[Hit], types_count: bool = False) -> bool:
    """True when the question alone finds a subject of its own that the combined search loses:
    its best passage holds a rare word of the question that the combined best passage lacks
    (an answer-type token only when `types_count`)."""
    if not alone or not combined or not is_answerable(alone, in_page_language=True):
        return False
    best_alone, best_combined = alone[0], combined[0]
    if best_alone.chunk.id == best_combined.chunk.id or best_alone.rarest_match < RARE_WORD:
        return False
    combined_stems = set(best_combined.passage_stems)
    if any(contains(combined_stems, s) for s in best_combined.matched_rare):
        return False  # the combined search found the question's own rare word too
    # Asking "when?" names no subject: a passage that holds some date is no topic of its own.
    own_rare = [s for s in best_alone.matched_rare if types_count or not is_type_token(s)]
    return any(not contains(combined_stems, s) for s in own_rare)
