"""What answerability's trained model reads: named, generic features of a question and its hits.

Each feature is a number computed the same way for any page in any language: the retriever's
measures of the best passage (cosine, standing, coverage ...), how close the question comes
to the questions people wrote for it, and how much of what is asked is accounted for by the
passage *and* by the words people use for it (its written questions). No feature names a word
of a particular page; the site's own words come from `site.json` and the written questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from weakref import WeakKeyDictionary

from assistant.analysis.answer_types import expected_types, held_types, is_type_token
from assistant.analysis.question import AnalysedQuestion, analysis_of
from assistant.analysis.text import content_stems, stemmer_name, stopwords, words
from assistant.index.question_vectors import NEAREST
from assistant.retrieval.fusion import contains
from assistant.retrieval.retriever import Hit

# Among the 5, 10 and 25 questions written nearest to the question (answered by a passage, or
# not answered), the share written as answered (`question_vectors.answered_nearby`); unknown
# (NaN) where nothing was written.
NEARBY_FEATURES = tuple(f"answered_nearest_{k}" for k in NEAREST)

# By their letters: the closest question written as answered, as not on the pages and as
# about something else, the first minus the larger of the other two, and the share written as
# answered among the nearest (`question_vectors.closeness_by_letters`).
LETTER_FEATURES = (
    "letters_written",
    "letters_not_on_page",
    "letters_out_of_scope",
    "letters_written_over_unanswered",
    "letters_answered_nearest",
)

# The order of the model's inputs; `answerability_model.json` names them and is refused when
# they differ.
FEATURES = (
    "cosine",  # the best passage's cosine to the question
    "sentence_cosine",  # its best sentence's cosine
    "standing",  # how far its cosine stands above the other candidates'
    "coverage",  # share of the question's IDF-weighted stems it holds
    "rarest_match",  # how rare its rarest matched stem is
    "written_cosine",  # cosine of the closest question people wrote for it
    "written_lead",  # that cosine minus the best written cosine of the other candidates
    "accounted",  # share of the question's content words in it or its written questions
    "accounted_specific",  # the same share, each word weighed by how rare it is in its language
    "unaccounted",  # how many content words neither holds
    "unaccounted_rarity",  # how rare the rarest of those is in its language (Zipf scale)
    "unknown_share",  # share of content words no passage and no written question uses
    "focus_gain",  # the largest gain in cosine from leaving out a word it does not hold
    "asks_type",  # the question asks for a date, count, e-mail ... (0/1)
    "holds_type",  # and the passage holds one (0/1; 1 when nothing is asked for)
    "in_page_language",  # the question is in a language of the pages (0/1)
    "readable",  # its words are words of a known language (0/1)
    "content_words",  # how many content words it has beyond the subject's name
    "score_lead",  # the best passage's fused score over the second's
    "not_on_page_cosine",  # cosine to the closest question written as not on the pages
    "out_of_scope_cosine",  # ... and as about something else
    "written_over_unanswered",  # written_cosine minus the larger of those two
    *NEARBY_FEATURES,  # among the questions written nearest to it, the share answered
    # The same closeness by letters (`index.question_words`): shared word stems, compounds and
    # misspellings the model's cosine does not see (dev, the model retrained: docs/answering.md)
    *LETTER_FEATURES,
)


# The features that need words of the question's language (its page or written questions).
WORD_FEATURES = (
    "accounted",
    "accounted_specific",
    "unaccounted",
    "unaccounted_rarity",
    "unknown_share",
)


# The features that need questions written for the best passage: a page without them is
# judged as before it had any (unknown, read as the training average).
WRITTEN_FEATURES = ("written_cosine", "written_lead", "written_over_unanswered")


def question_terms(question: str, language: str, subject: frozenset[str]) -> list[str]:
    """The question's content words as stems (lower-cased words in a language without a
    stemmer), without the words that only name the site's subject."""
    return list(dict.fromkeys(stem for _, stem in content_terms(question, language, subject)))


def content_terms(
    question: str, language: str, subject: frozenset[str], tokens: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(word, stem) of each content word, first occurrence of each stem (`tokens`:
    `words(question)` when known)."""
    stop = stopwords(language)
    found: dict[str, str] = {}
    for word in words(question) if tokens is None else tokens:
        lower = word.lower()
        if lower in subject or lower in stop or (len(lower) < 2 and not lower.isdigit()):
            continue
        stems = content_stems(lower, language) if stemmer_name(language) else [lower]
        for stem in stems:
            found.setdefault(stem, lower)
    return [(word, stem) for stem, word in found.items()]


MAX_RARITY = 8.0  # Zipf 0: a word wordfreq has never seen


def rarity(word: str, language: str) -> float:
    """How rare a word is in its language: 8 minus its Zipf frequency (wordfreq), so a word
    used once per thousand words weighs 2 and one it has never seen 8; 4 for a language
    wordfreq has no list for (or cannot read without an extra tokenizer)."""
    from assistant.analysis.language import _wordfreq_languages

    if language not in _wordfreq_languages():
        return MAX_RARITY / 2
    from wordfreq import zipf_frequency

    try:
        return max(1.0, MAX_RARITY - zipf_frequency(word, language, wordlist="small"))
    except Exception:  # Japanese, Chinese, Korean need tokenizers wordfreq does not bundle
        return MAX_RARITY / 2


_written_stems: WeakKeyDictionary = WeakKeyDictionary()


def written_stems(index, passage_id: str, language: str) -> frozenset[str]:
    """The stems of the questions written in `language` for a passage and its translations."""
    cache = _written_stems.setdefault(index.questions, {})
    key = (passage_id, language)
    if key not in cache:
        chunk = index.passages.get(passage_id)
        ids = {passage_id, *(chunk.translations.values() if chunk else ())}
        cache[key] = frozenset(
            stem
            for q in index.questions.questions
            if q.passage_id in ids and q.language == language
            for stem in question_terms(q.text, language, frozenset())
        )
    return cache[key]


_vocabulary: WeakKeyDictionary = WeakKeyDictionary()


def written_vocabulary(index, language: str) -> frozenset[str]:
    """The stems of every question written in `language`."""
    cache = _vocabulary.setdefault(index.questions, {})
    if language not in cache:
        cache[language] = frozenset(
            stem
            for q in index.questions.questions
            if q.language == language
            for stem in question_terms(q.text, language, frozenset())
        )
    return cache[language]


def answer_features(
    question: str,
    language: str,
    hits: Sequence[Hit],
    index,
    in_page_language: bool,
    readable: bool,
    analysed: AnalysedQuestion | None = None,
) -> dict[str, float]:
    """The features of `question` (in `language`) and its ranked hits, in FEATURES order.
    `analysed` is the question as the engine analysed it (its terms and types are read)."""
    if (analysed := analysis_of(analysed, question, language)) is not None:
        pairs, types = list(analysed.terms), set(analysed.expected_types)
    else:
        subject = index.subject_words.get(language, frozenset())
        pairs, types = content_terms(question, language, subject), expected_types(question)
    terms = [stem for _, stem in pairs]
    values = dict.fromkeys(FEATURES, 0.0)
    values["in_page_language"] = float(in_page_language)
    values["readable"] = float(readable)
    values["content_words"] = float(len(terms))
    values["asks_type"] = float(bool(types))
    known = written_vocabulary(index, language)
    lexical = index.lexical.get(language)
    # A language with no page and no written question has no words to account for anything
    # with: its word features are unknown (NaN), and the model reads them as average.
    words_known = bool(known) or lexical is not None
    unknown = [
        t for t in terms if t not in known and not (lexical is not None and lexical.knows(t))
    ]
    values["unknown_share"] = len(unknown) / len(terms) if terms else 0.0
    if not hits:
        return values
    best = hits[0]
    judged = best.judged or best.chunk
    held = written_stems(index, judged.id, language)
    if judged.language == language:
        held = held | set(best.passage_stems)
    accounted = [t for t in terms if is_type_token(t) or contains(held, t)]
    weights = {stem: rarity(word, language) for word, stem in pairs}
    missing = [t for t in terms if t not in accounted]
    others = [h.written for h in hits[1:]]
    values.update(
        cosine=best.dense,
        sentence_cosine=best.sentence,
        standing=best.standing,
        coverage=best.coverage,
        rarest_match=best.rarest_match,
        written_cosine=best.written,
        written_lead=best.written - max(others, default=0.0),
        accounted=len(accounted) / len(terms) if terms else 1.0,
        accounted_specific=(
            sum(weights[t] for t in accounted) / sum(weights.values()) if terms else 1.0
        ),
        unaccounted=float(len(missing)),
        unaccounted_rarity=max((weights[t] for t in missing), default=0.0),
        focus_gain=max((gain for _, gain in best.focus_gains), default=0.0),
        holds_type=float(not types or types <= held_types(best.chunk.text, best.chunk.language)),
        score_lead=best.score - (hits[1].score if len(hits) > 1 else 0.0),
    )
    unanswered = dict(best.unanswered)
    values["not_on_page_cosine"] = unanswered.get("not_on_page", 0.0)
    values["out_of_scope_cosine"] = unanswered.get("out_of_scope", 0.0)
    values["written_over_unanswered"] = best.written - max(unanswered.values(), default=0.0)
    nearby = best.answered_nearby or (float("nan"),) * len(NEAREST)
    values.update(zip(NEARBY_FEATURES, nearby, strict=True))
    letters = dict(best.by_letters)
    if letters:
        unanswered_letters = max(letters.get("not_on_page", 0.0), letters.get("out_of_scope", 0.0))
        values.update(
            letters_written=letters["written"],
            letters_not_on_page=letters.get("not_on_page", 0.0),
            letters_out_of_scope=letters.get("out_of_scope", 0.0),
            letters_written_over_unanswered=letters["written"] - unanswered_letters,
            letters_answered_nearest=letters["answered_nearest"],
        )
    else:  # nothing written to be close to: unknown, read as the training average
        values.update(dict.fromkeys(LETTER_FEATURES, float("nan")))
    if not words_known:
        values.update(dict.fromkeys(WORD_FEATURES, float("nan")))
    if not best.written_question:
        values.update(dict.fromkeys(WRITTEN_FEATURES, float("nan")))
    return values


def vector(features: dict[str, float]) -> list[float]:
    """The features as the model's input row."""
    return [float(features[name]) for name in FEATURES]
