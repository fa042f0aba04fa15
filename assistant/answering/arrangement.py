"""The shape of an answer: a sentence or two, a list with its items, or an overview.

Retrieval finds the passages and `best_sentences` ranks their sentences; this module decides
how the chosen sentences are laid out, from the page's structure and what the question asks:

- **list**: the question asks for several things ("hvilke", "jakie", "which") and a bullet list
  is among the best passages, or the best sentence is a list's lead-in (it ends in ":" and
  would stand alone without its items). The answer is the lead-in, then the items, each its
  own cited passage: all of a short list, the most relevant of a long one (in page order) with
  a count of the rest.
- **overview**: the question asks what something is or does ("hvad er", "czym jest") and no
  fact type (a date, an e-mail): two to four sentences from the passages that describe it,
  the one closest in meaning first, the others in page order, each cited.
- **text**: everything else, as `best_sentences` chose it, with lists inside a sentence
  ("A, B og C") quoted when they answer (`enumeration`).

The cue words are data (`analysis/question_shapes.json`): function words of each language,
nothing about any page's subject.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.analysis.answer_types import is_type_token, question_types
from assistant.analysis.text import content_stems, sentences
from assistant.answering.antecedents import antecedents
from assistant.answering.enumeration import closest_enumeration, sentence_cosines, with_enumeration
from assistant.answering.lists import is_lead_in, lead_in_of, lead_sentence, list_block, list_items
from assistant.ingest.chunking import Chunk
from assistant.retrieval.fusion import contains
from assistant.retrieval.retriever import Hit

MAX_ITEMS = 6  # items shown of a long list; the rest are counted
MAX_WORDS = 80  # an overview stops adding sentences past this many words
OVERVIEW_SENTENCES = 4  # most sentences of an overview
# A passage joins an overview only when it is nearly as good a match as the best one: its
# fused score at least this share of the best, and as much of the question's words (coverage)
# give or take this share. Too loose, and the overview opens with a passage about something
# else (page order puts it first); too strict, and it stays one sentence, as before.
OVERVIEW_SCORE_SHARE = 0.6
OVERVIEW_COVERAGE_SHARE = 0.8
_SHAPES_FILE = Path(__file__).resolve().parent.parent / "analysis" / "question_shapes.json"


@dataclass(frozen=True)
class Part:
    """One cited piece of an answer: a sentence quoted from a passage, as prose or an item."""

    chunk: Chunk
    sentence: str
    kind: str  # "sentence", "lead" (a list's lead-in) or "item"


@dataclass(frozen=True)
class Arrangement:
    """The parts of an answer in the order they are shown, and how they are shown."""

    format: str  # "text", "list" or "overview"
    parts: tuple[Part, ...]
    more_items: int = 0  # items of the list not shown


@cache
def _shapes() -> dict[str, dict[str, list[str]]]:
    return json.loads(_SHAPES_FILE.read_text(encoding="utf-8"))


def asks_for(shape: str, question: str, language: str) -> bool:
    """Whether the question's own wording asks for `shape` ("several" or "overview")."""
    text = " " + " ".join(question.casefold().replace("?", " ").split()) + " "
    cues = _shapes()[shape].get(language, [])
    # Whole words only: "hvilke" (which, plural) is in "hvilken" (which, singular).
    return any(f" {cue} " in text for cue in cues)


def arrange(
    question: str,
    language: str,
    chosen: list[tuple[Chunk, str, float]],
    ranked: list[Hit],
    passages: dict[str, Chunk],
    more: list[Hit] | tuple[Hit, ...] = (),
    searched_types: Sequence[str] | None = None,
) -> Arrangement:
    """Lay out an answer.

    Args:
        question: the question as asked (its wording picks list and overview shapes).
        language: the question's language, for its cue words.
        chosen: (passage, sentence, score) as `best_sentences` chose them, best first.
        ranked: the passages the answer may cite, in the answer language, best first.
        passages: every passage of the index by id (to find a list's other items).
        more: the other retrieved passages in the answer language: a question that asks for
            several things may be answered by one of them when it enumerates them.
        searched_types: `question_types(question)`, when the question was analysed already.
    """
    if not chosen:
        return Arrangement("text", ())
    several = asks_for("several", question, language)
    listed = _list_arrangement(chosen, ranked, passages, several)
    if listed is not None:
        return listed
    typed = bool(question_types(question) if searched_types is None else searched_types)
    if asks_for("overview", question, language) and not typed:
        return _overview(chosen, ranked)
    if typed:
        return _prose([Part(c, s, "sentence") for c, s, _ in chosen])
    # Lists inside a sentence (`enumeration`): a question for several things is answered by
    # the closest sentence of all when it enumerates them; any other may quote the best
    # passage's enumerating sentence beside its chosen one.
    candidates = [*ranked, *more]
    leading = closest_enumeration(candidates) if several else None
    if leading is not None and leading[0].id != chosen[0][0].id:
        # A lead-in can read as an enumeration ("en strategisk, sammenhængende og effektiv
        # tilgang ved at:"); it is answered with its items, never alone.
        if is_lead_in(*leading, passages):
            return _list_from(leading[0], ranked, passages)
        return _prose([Part(*leading, "sentence")])
    best = next((h for h in candidates if h.chunk.id == chosen[0][0].id), None)
    first = with_enumeration(chosen[0][:2], best, several)
    parts = [Part(c, s, "sentence") for c, s in first]
    # A second passage's lead-in would end the answer on a colon, its items left out.
    parts += [Part(c, s, "sentence") for c, s, _ in chosen[1:] if not is_lead_in(c, s, passages)]
    if len(first) > 1:  # a sentence was added: the answer still stays short
        parts = _within_words(parts, keep=len(first))
    return _prose(parts)


def _prose(parts: list[Part]) -> Arrangement:
    """The chosen sentences as prose, each after the sentences before it in its passage that
    it refers back to ("Den vil håndhæve reglerne ..." answers "who enforces the rules?" only
    after the sentence that names "AI-kontoret"). Past MAX_WORDS the last sentences go
    first, their context before them, never the first sentence or its context."""
    quoted = {(p.chunk.id, p.sentence) for p in parts}
    groups: list[list[Part]] = []
    for part in parts:
        before = [
            Part(part.chunk, s, "sentence") for s in antecedents(part.chunk, part.sentence, quoted)
        ]
        quoted |= {(p.chunk.id, p.sentence) for p in before}
        groups.append([*before, part])
    while len(groups) > 1 and _word_count([p for g in groups for p in g]) > MAX_WORDS:
        last = groups[-1]
        if len(last) > 1:
            groups[-1] = last[-1:]
        else:
            groups.pop()
    return Arrangement("text", tuple(p for g in groups for p in g))


def _word_count(parts: list[Part]) -> int:
    return sum(len(p.sentence.split()) for p in parts)


def _list_arrangement(
    chosen: list[tuple[Chunk, str, float]],
    ranked: list[Hit],
    passages: dict[str, Chunk],
    several: bool,
) -> Arrangement | None:
    """A list answer when the answer is a list as a whole, None when it is not.

    It is when the best sentence is a list's lead-in (it ends in ":" and cannot stand alone),
    when the question asks about the heading the best passage's list stands under, or when
    the question asks for several things and the list leads the retrieved passages:
    the best passage is its lead-in, or two of the best three belong to it. A question that
    one item answers best gets that item alone, as prose.
    """
    best_chunk, best_sentence, _ = chosen[0]
    anchor = None
    if is_lead_in(best_chunk, best_sentence, passages):
        anchor = best_chunk
    elif ranked and list_items(ranked[0].chunk, passages) and asks_about_heading(ranked[0]):
        # "Hvad er AI-kontorets opgaver?" under the heading "AI-kontorets opgaver": the
        # question names the section the list stands in, so the list is the answer.
        anchor = ranked[0].chunk
    elif several and ranked:
        top = ranked[0].chunk
        if top.item is None and list_items(top, passages):
            anchor = top
        elif not _singled_out(ranked[0], passages):
            blocks = [list_block(h.chunk, passages) for h in ranked[:3]]
            leading = blocks[0]
            if leading is not None and blocks.count(leading) >= 2:
                anchor = top
    if anchor is None:
        return None
    return _list_from(anchor, ranked, passages)


def _list_from(anchor: Chunk, ranked: list[Hit], passages: dict[str, Chunk]) -> Arrangement:
    """The list `anchor` introduces or belongs to: its lead-in, then its items (the most
    relevant of a long one, in page order, and a count of the rest)."""
    items = list_items(anchor, passages)
    lead = anchor if anchor.item is None else lead_in_of(items, passages)
    scores = {h.chunk.id: h.score for h in ranked}
    shown = items
    if len(items) > MAX_ITEMS:
        # The most relevant items (retrieval's score; unretrieved ones last), in page order.
        by_relevance = sorted(items, key=lambda p: (-scores.get(p.id, 0.0), p.item))
        shown = sorted(by_relevance[:MAX_ITEMS], key=lambda p: p.item)
    parts: list[Part] = []
    if lead is not None:
        parts.append(Part(lead, lead_sentence(lead), "lead"))
    parts += [Part(item, item.text, "item") for item in shown]
    return Arrangement("list", tuple(parts), more_items=len(items) - len(shown))


def _singled_out(hit: Hit, passages: dict[str, Chunk]) -> bool:
    """Whether the question names something only this item of its list says: a rare word of
    the question ("retsakter") in it and in no other item nor the lead-in. Then the question
    asks about that item ("which kinds of acts does it prepare?"), not for the list."""
    if hit.chunk.item is None or not hit.matched_rare:
        return False
    items = list_items(hit.chunk, passages)
    lead = lead_in_of(items, passages)
    others = [p for p in items if p.id != hit.chunk.id] + ([lead] if lead else [])
    elsewhere = set()
    for other in others:
        elsewhere |= set(content_stems(other.text, other.language))
    return any(not contains(elsewhere, stem) for stem in hit.matched_rare)


def asks_about_heading(hit: Hit) -> bool:
    """Whether every content word of the question is a word of the passage's section heading:
    the question asks about the section as a whole, not about one thing in it."""
    asked = {s for s in hit.query_stems if not is_type_token(s)}
    heading = set(content_stems(hit.chunk.section, hit.chunk.language))
    return bool(asked) and asked <= heading


def _overview(chosen: list[tuple[Chunk, str, float]], ranked: list[Hit]) -> Arrangement:
    """The best passage's chosen sentence, after the sentence before it when it refers back
    (one that says "this package" needs its antecedent), then a sentence of each other
    passage that matches the question nearly as well; at most four. The passage whose
    sentence is closest to the question in meaning leads, the others follow in page order."""
    best_chunk, best_sentence, _ = chosen[0]
    own = sentences(best_chunk.text)
    at = own.index(best_sentence) if best_sentence in own else 0
    # Only a sentence that refers back gets the ones before it (`antecedents`): "Yderligere
    # teknisk ekspertise samles i et rådgivende forum ..." is about the forum; the expert
    # panel before it is not.
    quoted = {(best_chunk.id, best_sentence)}
    picked = _with_antecedents(best_chunk, at, own, quoted)
    keep = len(picked)
    chosen_in = {c.id: s for c, s, _ in chosen}
    best = next((h for h in ranked if h.chunk.id == best_chunk.id), None)
    closeness = {best_chunk.id: _cosine_of(best, at)} if best is not None else {}
    for hit in ranked:
        if best is None or hit.chunk.id == best_chunk.id or hit.chunk.item is not None:
            continue
        if (
            hit.score < OVERVIEW_SCORE_SHARE * best.score
            or hit.coverage < OVERVIEW_COVERAGE_SHARE * best.coverage
        ):
            continue
        candidates = sentences(hit.chunk.text)
        # Its first sentence names what the paragraph is about; a later one closer in meaning
        # often begins "These ..." (dev: the same numbers either way).
        sentence = chosen_in.get(hit.chunk.id) or (candidates[0] if candidates else "")
        if sentence and not sentence.rstrip().endswith(":"):
            position = candidates.index(sentence)
            # What it refers back to comes before it, so the word limit keeps both or neither.
            picked += _with_antecedents(hit.chunk, position, candidates, quoted)
            closeness[hit.chunk.id] = _cosine_of(hit, position)
    picked = picked[: max(keep, OVERVIEW_SENTENCES)]
    kept = _within_words([Part(c, s, "sentence") for c, _, s in picked], keep=keep)
    # The passage closest to the question in meaning opens the answer (its sentences in their
    # own order); page order alone let an earlier passage about something else open it.
    # (dev: overview hit@1 0.88 in page order, 0.88 led by retrieval's best, 1.00 by meaning.)
    lead = max(closeness, key=closeness.get) if closeness else None
    order = {(c.id, s): (c.id != lead, c.position, i) for c, i, s in picked}
    kept.sort(key=lambda part: order[(part.chunk.id, part.sentence)])
    return Arrangement("overview", tuple(kept))


def _with_antecedents(
    chunk: Chunk, at: int, own: list[str], quoted: set[tuple[str, str]]
) -> list[tuple[Chunk, int, str]]:
    """Sentence `at` of the passage, after the sentences it refers back to (`antecedents`),
    as (passage, position, sentence); `quoted` gains them."""
    before = antecedents(chunk, own[at], quoted)
    quoted |= {(chunk.id, s) for s in [*before, own[at]]}
    return [(chunk, at - len(before) + n, s) for n, s in enumerate(before)] + [(chunk, at, own[at])]


def _cosine_of(hit: Hit, position: int) -> float:
    """The question's cosine to sentence `position` of the hit (0 when unknown)."""
    cosines = sentence_cosines(hit)
    return cosines[position] if position < len(cosines) else 0.0


def _within_words(parts: list[Part], keep: int) -> list[Part]:
    """The parts that fit in MAX_WORDS, but never fewer than `keep`."""
    kept: list[Part] = []
    total = 0
    for part in parts:
        words = len(part.sentence.split())
        if len(kept) >= keep and total + words > MAX_WORDS:
            break
        kept.append(part)
        total += words
    return kept
