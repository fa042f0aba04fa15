"""The extractive answer: the sentences of the retrieved passages that answer the question.

Every sentence of the answer is a verbatim sentence of a cited passage, so it is faithful by
construction; what can go wrong is choosing the wrong one or answering when the pages are
silent. The guard against the latter is coverage: the share of the question's IDF-weighted
stems that the best passage holds. A question about something the pages never mention
("pizza", "who heads the office") leaves its rarest words unmatched and is abstained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.analysis.text import sentences
from assistant.answer import Answer, Citation, Translation, text_fragment_link
from assistant.answering.arrangement import Arrangement, arrange
from assistant.answering.messages import message
from assistant.index.builds import Index
from assistant.ingest.chunking import Chunk
from assistant.retrieval.fusion import coverage
from assistant.retrieval.retriever import RARE_WORD, Hit

# Set by hand on da/pl development questions, then checked on eval/qa.jsonl (README,
# "Evaluation"): 13 of 14 out-of-scope questions abstained on, 11% false abstentions, nearly
# all of them paraphrases that share no word with the page.
MIN_COVERAGE = 0.4
# ... or a lower coverage when the passage holds one of the question's rare words (one that
# few passages use): "fristen" in a question that also says "søge job", which the page
# words differently.
MIN_COVERAGE_WITH_RARE_WORD = 0.2

SECOND_SENTENCE_RATIO = 0.8
MAX_PASSAGES = 3
LANGUAGE_NAMES = {
    "en": {"da": "Danish", "pl": "Polish"},
    "de": {"da": "Dänisch", "pl": "Polnisch"},
    "fr": {"da": "danois", "pl": "polonais"},
    "sv": {"da": "danska", "pl": "polska"},
    "no": {"da": "dansk", "pl": "polsk"},
}


@dataclass(frozen=True)
class Choice:
    """A candidate sentence for the answer."""

    hit: Hit
    sentence: str
    score: float


def best_sentences(
    hits: list[Hit], index: Index, limit: int = 2, follow_up: tuple[str, str] | None = None
) -> list[Choice]:
    """The sentences that best answer the question, at most one per passage.

    Args:
        follow_up: (question, language) of a follow-up that was searched together with the
            previous question: its own words then decide which sentence answers it
            ("Kiedy go uruchomiono?" wants the sentence with the date, not the one that
            names the previous turn's subject).
    """
    if not hits:
        return []
    top_score = max(h.score for h in hits) or 1.0
    choices = []
    for hit in hits[:MAX_PASSAGES]:
        quoted = sentences(hit.chunk.text)
        # With a forced answer language the question was matched against the translation in
        # its own language: score that passage's sentences and quote the same sentence of the
        # answer-language passage, when the two split into as many sentences.
        judged = hit.judged or hit.chunk
        scored = sentences(judged.text)
        if len(scored) != len(quoted):
            judged, scored = hit.chunk, quoted
        lexical = index.lexical[judged.language]
        context = lexical.analyse(f"{judged.section} {judged.context}")
        own_stems = (
            lexical.analyse_query(follow_up[0], follow_up[1]) if follow_up else hit.query_stems
        )
        for position, sentence in enumerate(quoted):
            stems = lexical.analyse(scored[position])
            own = coverage(own_stems, stems, lexical.idf)
            with_context = coverage(hit.query_stems, stems + context, lexical.idf)
            # The sentence's own words count most; its section helps; rank breaks ties.
            score = own + 0.3 * with_context + 0.2 * hit.score / top_score
            choices.append(Choice(hit, sentence, score))
    choices.sort(key=lambda c: c.score, reverse=True)
    chosen: list[Choice] = []
    for choice in choices:
        if len(chosen) == limit:
            break
        if any(c.hit.chunk.id == choice.hit.chunk.id for c in chosen):
            continue
        if chosen and choice.score < SECOND_SENTENCE_RATIO * chosen[0].score:
            break
        chosen.append(choice)
    return chosen


def is_answerable(hits: list[Hit], served: bool) -> bool:
    """Whether the best passages hold enough of the question to answer it."""
    top = hits[:MAX_PASSAGES]
    if not top:
        return False
    if served:
        return any(_holds_question(h) for h in top)
    # Other languages: only glossary words, names, numbers and answer types can match, so
    # a rare one of them must (the subject words "AI Office" alone prove nothing).
    return any(h.coverage >= MIN_COVERAGE and h.rarest_match >= RARE_WORD for h in top)


def _holds_question(hit: Hit) -> bool:
    if hit.coverage >= MIN_COVERAGE:
        return True
    return hit.coverage >= MIN_COVERAGE_WITH_RARE_WORD and hit.rarest_match >= RARE_WORD


def compose(
    hits: list[Hit],
    language: str,
    index: Index,
    follow_up: str | None = None,
    question_language: str | None = None,
    **answer_fields,
) -> Answer:
    """An answer in `language` from the hits, or an abstention when they do not answer.

    `follow_up` is the question itself when it was searched with the previous one;
    `question_language` its language when the answer language was forced to another.
    """
    served = language in index.languages
    if not is_answerable(hits, served):
        return abstention(language, **answer_fields)
    if served:
        own = [h for h in hits if h.chunk.language == language]
        chosen = best_sentences(
            own,
            index,
            follow_up=(follow_up, question_language or language) if follow_up else None,
        )
        arrangement = arrange(
            follow_up or answer_fields.get("resolved_question", ""),
            question_language or language,
            [(c.hit.chunk, c.sentence, c.score) for c in chosen],
            own,
            index.passages,
        )
        return _arranged_answer(arrangement, language, index, **answer_fields)
    return _foreign_answer(hits, language, index, **answer_fields)


def _arranged_answer(arrangement: Arrangement, language: str, index: Index, **answer_fields):
    """The answer's text and citations from its parts: prose, or a lead-in and "- " items."""
    citations = [
        cite(n, part.chunk, part.sentence, index)
        for n, part in enumerate(arrangement.parts, start=1)
    ]
    prose = [f"{p.sentence} [{n}]" for n, p in enumerate(arrangement.parts, 1) if p.kind != "item"]
    items = [f"{p.sentence} [{n}]" for n, p in enumerate(arrangement.parts, 1) if p.kind == "item"]
    lines = [" ".join(prose)] if prose else []
    lines += [f"- {item}" for item in items]
    if arrangement.more_items:
        lines.append(message("more_items", language, count=arrangement.more_items))
    return Answer(
        text="\n".join(lines),
        language=language,
        citations=citations,
        format=arrangement.format,
        items=items,
        **answer_fields,
    )


def _foreign_answer(hits: list[Hit], language: str, index: Index, **answer_fields) -> Answer:
    """For a language the pages are not in: say so, and quote the best passage of each page
    language, labelled with its language."""
    chosen = []
    for page_language in index.languages:
        own = [h for h in hits if h.chunk.language == page_language]
        chosen += best_sentences(own, index, limit=1)
    chosen.sort(key=lambda c: c.hit.score, reverse=True)
    names = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"])
    lines = [message("other_language", language)]
    for n, choice in enumerate(chosen, start=1):
        label = names.get(choice.hit.chunk.language, choice.hit.chunk.language)
        lines.append(f"({label}) “{choice.sentence}” [{n}]")
    citations = [cite(n, c.hit.chunk, c.sentence, index) for n, c in enumerate(chosen, start=1)]
    return Answer(text="\n".join(lines), language=language, citations=citations, **answer_fields)


def abstention(language: str, **answer_fields) -> Answer:
    answer_fields.setdefault("reason", "out_of_scope")
    return Answer(
        text=message("out_of_scope", language),
        language=language,
        citations=[],
        abstained=True,
        **answer_fields,
    )


def cite(number: int, chunk: Chunk, quote: str, index: Index) -> Citation:
    """Citation `[number]` of passage `chunk`, quoting `quote` (one of its sentences)."""
    return Citation(
        number=number,
        text=chunk.text,
        quote=quote,
        language=chunk.language,
        url=chunk.url,
        title=chunk.title,
        section=chunk.section,
        passage_id=chunk.id,
        link=text_fragment_link(chunk.url, quote),
        translation=translation_of(chunk, index),
    )


def translation_of(chunk: Chunk, index: Index) -> Translation | None:
    """The same passage on another language's page, if the index has it."""
    for other_language, other_id in sorted(chunk.translations.items()):
        other = index.passages.get(other_id)
        if other is not None:
            return Translation(other_language, other.text, other.url, other.id)
    return None
