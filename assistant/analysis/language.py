"""Which language a question is in.

langdetect alone fails on short questions (it calls "Hvad laver AI-kontoret?" Norwegian and
"Kto kieruje biurem?" Slovenian) and is not deterministic unless seeded. So the decision is
made in two steps:

1. Lexical evidence for the languages that matter most here: each word is checked against the
   Danish and Polish corpus vocabulary (surface forms and Snowball stems), each language's
   function and question words, and its letters (æøå, ąćęłńśźż). Words both pages share
   ("AI", "EU", "GenAI4EU") are neutral. English, German and French are known by their
   function and question words (no list of this page's subjects: a word list that knows one
   page's content breaks on the next page). A word no lexicon holds counts for each of these
   languages that uses it often (wordfreq's lists).
2. Seeded langdetect, for everything else (German, French...) and for longer text with little
   lexical evidence. Its Scandinavian and West-Slavic confusions are folded into Danish and
   Polish when the words support it.

A guess says whether it is confident; a follow-up that is not keeps the conversation's
language (see `detect_language(..., fallback=...)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.analysis.text import language_data, stem, stopwords, words

# Letters only one page language uses, and the languages langdetect confuses with each:
# language data (analysis/languages.json).
_LETTERS = {lang: set(letters) for lang, letters in language_data("letters").items()}
_FAMILIES = {lang: set(family) for lang, family in language_data("families").items()}


@dataclass(frozen=True)
class LanguageGuess:
    """A detected language (ISO 639-1) and whether the evidence was strong."""

    code: str
    confident: bool
    method: str  # "lexicon", "langdetect" or "fallback": how it was decided, for reports


@dataclass(frozen=True)
class Lexicon:
    """Word forms and stems that identify one language."""

    forms: frozenset[str]
    stems: frozenset[str]
    language: str

    def knows(self, word: str) -> bool:
        lower = word.lower()
        return lower in self.forms or stem(lower, self.language) in self.stems


def build_lexicons(texts_by_language: dict[str, list[str]]) -> dict[str, Lexicon]:
    """Lexicons for da/pl from corpus texts, plus English from its word lists."""
    lexicons = {}
    for language, texts in texts_by_language.items():
        forms = {w.lower() for text in texts for w in words(text)}
        forms |= stopwords(language)
        lexicons[language] = Lexicon(
            forms=frozenset(forms),
            stems=frozenset(stem(w, language) for w in forms if len(w) > 2),
            language=language,
        )
    en_forms = frozenset(stopwords("en"))
    lexicons.setdefault(
        "en",
        Lexicon(en_forms, frozenset(stem(w, "en") for w in en_forms if len(w) > 2), "en"),
    )
    # German and French by their function words only: enough to stop "die Frist" from
    # passing for Danish or "Was ist" for English.
    for language in ("de", "fr"):
        forms = stopwords(language)
        lexicons.setdefault(language, Lexicon(forms, frozenset(), language))
    return lexicons


def _langdetect(text: str) -> list[tuple[str, float]]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random unless seeded
    try:
        return [(lang.lang, lang.prob) for lang in detect_langs(text)]
    except LangDetectException:
        return []


def lexical_scores(
    text: str,
    lexicons: dict[str, Lexicon],
    common_words: bool = True,
    tokens: Sequence[str] | None = None,
) -> tuple[dict[str, float], int]:
    """Share of the non-neutral words that each language's lexicon recognises (and, with
    `common_words`, that each language uses often, for a word no lexicon holds). `tokens`
    are `words(text)` when the caller has them already."""
    tokens = [
        w
        for w in (words(text) if tokens is None else tokens)
        if not w.isdigit() and len(w) > 1 and w.lower() not in _NEUTRAL
    ]
    served = [lang for lang in lexicons if lang in _FAMILIES]
    hits = {lang: 0.0 for lang in lexicons}
    counted = 0
    for word in tokens:
        lower = word.lower()
        known = {lang for lang, lex in lexicons.items() if lex.knows(lower)}
        if not known and common_words:
            # English, German and French lexicons hold only function words, so a question
            # in their everyday words ("Can external experts contribute?") would be left to
            # langdetect, which calls it Catalan: a word the language uses often counts.
            known = {lang for lang in lexicons if is_common_word(lower, lang)}
        own = next((lang for lang, letters in _LETTERS.items() if set(lower) & letters), None)
        if own:
            known = (known & {own}) or {own}
        if len(known) > 1 and set(served) <= known:
            continue  # shared by the pages ("AI", "EU"): says nothing
        counted += 1
        for lang in known:
            hits[lang] += 1 / len(known)
    if not counted:
        return {lang: 0.0 for lang in lexicons}, 0
    return {lang: h / counted for lang, h in hits.items()}, counted


# Words every language here uses alike: they say nothing about the language.
_NEUTRAL = {"mail", "email", "ai", "eu", "ok"}


def detect_language(
    text: str,
    lexicons: dict[str, Lexicon] | None = None,
    fallback: str | None = None,
    tokens: Sequence[str] | None = None,
) -> LanguageGuess:
    """Detect the language of a question.

    Args:
        text: the question.
        lexicons: per-language lexicons (default: built from the bundled corpus).
        fallback: the conversation's language, used when the evidence is weak.
        tokens: `words(text)`, when the caller has split the question already.
    """
    lexicons = lexicons if lexicons is not None else default_lexicons()
    tokens = words(text) if tokens is None else tokens
    # The lexicons alone first: most questions are decided by them, and wordfreq's lists
    # (about 0.2 s to load for five languages) are needed only when they are not.
    for common_words in (False, True):
        scores, counted = lexical_scores(text, lexicons, common_words, tokens)
        best = max(scores, key=scores.get) if scores else "en"
        ranked = sorted(scores.values(), reverse=True)
        margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
        if counted and scores[best] >= 0.5 and margin > 0 and scores[best] * counted >= 2:
            # Two or more words the lexicon knows decide it: langdetect is not asked.
            return LanguageGuess(best, True, "lexicon")
    detected = _langdetect(text) if counted else []
    top, prob = detected[0] if detected else (None, 0.0)

    if counted and scores[best] >= 0.5 and margin > 0:
        # Lexical evidence is strong but thin: confident only when langdetect agrees.
        backed = top in _FAMILIES.get(best, {best})
        return LanguageGuess(best, backed, "lexicon")
    if counted and scores[best] >= 1 / 3 and margin > 0 and top not in lexicons:
        # Two words in three that we know outweigh langdetect's guess at a language we
        # have no lexicon for (it calls "Jaki jest adres e-mail?" Estonian).
        return LanguageGuess(best, counted >= 3, "lexicon")
    if top and prob >= 0.8:
        for served, family in _FAMILIES.items():
            if top in family and scores.get(served, 0) > 0:
                return LanguageGuess(served, counted >= 3, "langdetect")
        if any(top in family for family in _FAMILIES.values()) and fallback:
            return LanguageGuess(fallback, False, "fallback")
        return LanguageGuess(top, counted >= 3, "langdetect")
    if counted and scores[best] > 0 and margin > 0:
        return LanguageGuess(best, False, "lexicon")
    if fallback:
        return LanguageGuess(fallback, False, "fallback")
    return LanguageGuess(top or "en", False, "fallback")


@lru_cache(maxsize=1)
def default_lexicons() -> dict[str, Lexicon]:
    """Lexicons from the corpus shipped with the project (no index needed)."""
    from assistant.ingest.chunking import chunk_pages
    from assistant.ingest.corpus import load_pages
    from assistant.settings import Settings

    return lexicons_from_chunks(chunk_pages(load_pages(Settings.from_env().corpus_dir)))


def lexicons_from_chunks(chunks) -> dict[str, Lexicon]:
    """Lexicons from passages (not raw pages: their image captions are partly English)."""
    texts: dict[str, list[str]] = {}
    for chunk in chunks:
        texts.setdefault(chunk.language, []).append(chunk.search_text)
    return build_lexicons(texts)


READABLE_SHARE = 0.3  # real questions in eval/ score 0.4 or more; random characters ~0.1
# A word in wordfreq's list of its language at least once per million words (Zipf 3): common
# words of the language ("mam", "jeśli", "pytanie"), which junk and random letters are not.
COMMON_ZIPF = 3.0
# Shorter tokens are letters and abbreviations, frequent in every list ("W", "Na", "sl"):
# random bytes are full of them.
MIN_COMMON_WORD = 3


def known_share(text: str, lexicon: Lexicon | None, tokens: Sequence[str] | None = None) -> float:
    """Share of the text's words that are words of `lexicon`'s language: words or stems the
    pages use, its function words, or common words of the language (wordfreq), so that a
    question in everyday words the pages never use still reads as that language. `tokens`
    are `words(text)` when the caller has them already."""
    tokens = [w for w in (words(text) if tokens is None else tokens) if not w.isdigit()]
    if lexicon is None or not tokens:
        return 0.0
    known = sum(lexicon.knows(w) or is_common_word(w, lexicon.language) for w in tokens)
    return known / len(tokens)


def is_common_word(word: str, language: str, zipf: float = COMMON_ZIPF) -> bool:
    """Whether `word` is at least this common in `language` by wordfreq's frequency lists
    (Zipf: 3 is once per million words, 6 once per thousand; False for a language wordfreq
    has no list for)."""
    if len(word) < MIN_COMMON_WORD or not word.isalpha():
        return False
    if language not in _wordfreq_languages():
        return False
    from wordfreq import zipf_frequency

    # The "small" lists hold every word down to Zipf 3, all this needs, in a tenth of the
    # memory of the large ones (about 10 MB a language).
    return zipf_frequency(word, language, wordlist="small") >= zipf


@lru_cache(maxsize=1)
def _wordfreq_languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages())
