"""Words, stems and sentences in the languages of the pages and of the questions.

Stemming is Snowball's (PyStemmer) for the language of the text; a language Snowball lacks
(Bulgarian, Latvian, Slovak, Slovenian, Croatian) is lemmatized by simplemma, and any other
language is matched by its lower-cased words (`word_analysis` says which). The captures glue some
words together ("håndhævelseaf", "UEdąży", "PanelNaukowy"); `split_glued` splits such a token
where both halves are words the corpus knows, so the glued text stays findable while quotes
keep the original spelling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import regex

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_UPPER = "A-ZÀ-ÞĄĆĘŁŃÓŚŹŻ"
_LOWER = "a-zà-ÿąćęłńóśźż"
# "PanelNaukowy" (lower then upper) and "UEdąży" (an acronym then a lower-case word).
_CAMEL = re.compile(rf"(?<=[{_LOWER}])(?=[{_UPPER}])|(?<=[{_UPPER}]{{2}})(?=[{_LOWER}]{{3}})")

_LANGUAGES_FILE = Path(__file__).resolve().parent / "languages.json"


@cache
def _languages() -> dict:
    return json.loads(_LANGUAGES_FILE.read_text(encoding="utf-8"))


def language_data(table: str) -> dict:
    """One table of `languages.json` (e.g. "families", "pointing_words"), by language code."""
    return _languages()[table]


def stemmer_name(language: str) -> str | None:
    """The Snowball stemmer for an ISO 639-1 code, None for a language without one."""
    return _languages()["snowball"].get(language)


def lemmatizer_name(language: str) -> str | None:
    """simplemma's code for a language Snowball lacks, None when simplemma lacks it too."""
    return _languages()["lemmatizer"].get(language)


def word_analysis(language: str) -> str:
    """How words of `language` are matched: "snowball", "simplemma" or "lowercase"."""
    if stemmer_name(language):
        return "snowball"
    return "simplemma" if lemmatizer_name(language) else "lowercase"


def language_gaps(language: str) -> list[str]:
    """What this project does not know of `language`, in words for an ingestion warning
    (empty when nothing is missing): a page in it is still read, with what there is."""
    gaps = []
    if word_analysis(language) == "lowercase":
        gaps.append("no stemmer or lemmatizer: words are matched as written, lower-cased")
    elif word_analysis(language) == "simplemma":
        gaps.append("no Snowball stemmer: words are lemmatized by simplemma")
    if language not in _languages()["question_words"]:
        gaps.append("no question words in languages.json: they count as words of the question")
    if (
        language not in _languages()["bm25s_stopwords"]
        and language not in _languages()["question_words"]
    ):
        gaps.append("no stop-word list: function words are searched like any other")
    return gaps


# Question words and verbs that say nothing about the subject ("what does it do?"): they are
# dropped before matching so that they neither find passages nor count as unanswered terms.


@cache
def _stemmer(language: str):
    import Stemmer  # PyStemmer: Snowball stemmers compiled in C

    return Stemmer.Stemmer(stemmer_name(language))


@cache
def _lemma(word: str, language: str) -> str:
    import simplemma  # lemmatization tables for languages Snowball lacks

    return simplemma.lemmatize(word, lang=lemmatizer_name(language)).lower()


@cache
def stopwords(language: str) -> frozenset[str]:
    """Function words of a language plus its question words, lower-cased; for a page
    language, also the function words of its family's languages that have a list.

    Swedes and Norwegians ask the Danish page in their own words ("Vad gör AI-kontoret?"),
    and detection reads them as Danish: their "vad" and "gör" are no more a subject than
    "hvad" and "gør"."""
    found = set(_own_stopwords(language))
    for relative in language_data("families").get(language, ()):
        if relative != language:
            found |= _own_stopwords(relative)
    return frozenset(found)


@cache
def _own_stopwords(language: str) -> frozenset[str]:
    """Function and question words of one language (bm25s's list, and `languages.json`),
    lower-cased."""
    from bm25s import stopwords as bm25s_stopwords

    listed = language_data("bm25s_stopwords").get(language)
    found = set(getattr(bm25s_stopwords, listed) if listed else ())
    found |= set(language_data("function_forms").get(language, "").split())
    found |= set(_languages()["question_words"].get(language, "").split())
    return frozenset(w.lower() for w in found)


def words(text: str) -> list[str]:
    """Word tokens, split at camel-case glue ("PanelNaukowy" -> "Panel", "Naukowy")."""
    # Names with digits ("GenAI4EU") are one word: split, they would weigh double.
    return [
        w
        for token in _WORD.findall(text)
        for w in ([token] if any(c.isdigit() for c in token) else _CAMEL.split(token))
        if w
    ]


def stem(word: str, language: str) -> str:
    """The form `word` is matched by: its Snowball stem, its simplemma lemma, or itself
    lower-cased (`word_analysis`)."""
    lower = word.lower()
    analysis = word_analysis(language)
    if analysis == "snowball":
        return _stemmer(language).stemWord(lower)
    return _lemma(lower, language) if analysis == "simplemma" else lower


def content_stems(
    text: str,
    language: str,
    vocabulary: frozenset[str] | None = None,
    tokens: Sequence[str] | None = None,
) -> list[str]:
    """Stems of the words that carry meaning (function and question words dropped).

    With a vocabulary (lower-cased corpus words), glued tokens unknown to it are split.
    `tokens` are `words(text)` when the caller has them already (an analysed question).
    """
    stop = stopwords(language)
    out = []
    for word in words(text) if tokens is None else tokens:
        lower = word.lower()
        parts = split_glued(lower, vocabulary) if vocabulary else [lower]
        stems = dict.fromkeys(
            _stem_guarded(part, language)
            for part in parts
            if part not in stop and (len(part) > 1 or part.isdigit())
        )
        out.extend(stems)
    return out


_GLUE_WORDS = {"af", "på", "og", "til", "med", "om", "dla", "przez"}


def _stem_guarded(word: str, language: str) -> str:
    """Snowball stem, except that a long word is never cut to three letters or fewer: such
    stems join unrelated words (Danish "leder" and "ledige" both give "led")."""
    stemmed = stem(word, language)
    return word[:5] if len(stemmed) <= 3 and len(word) >= 5 else stemmed


def split_glued(word: str, vocabulary: frozenset[str]) -> list[str]:
    """A token plus its two halves when it is two known words run together.

    The vocabulary holds words seen at least twice, so a capture defect ("celuakt") or a
    compound ("interessetilkendegivelser") is split while ordinary words are kept whole. The
    whole token is kept too, so the glued spelling still matches itself.
    """
    if word in vocabulary or len(word) < 6:
        return [word]
    for cut in range(2, len(word) - 1):
        left, right = word[:cut], word[cut:]
        both_known = left in vocabulary and right in vocabulary and min(len(left), len(right)) >= 3
        # A preposition glued to the word before it ("håndhævelseaf"); not inflectional
        # endings such as "-en" or "-er", which would cut ordinary words apart.
        glued_preposition = right in _GLUE_WORDS and len(left) >= 5
        if both_known or glued_preposition:
            return [word, left, right]
    return [word]


_ABBREVIATIONS = {
    "kl",
    "f.eks",
    "eks",
    "nr",
    "ca",
    "bl.a",
    "osv",
    "jf",
    "mht",
    "evt",
    "dvs",  # Danish
    "ds",
    "r",
    "godz",
    "np",
    "tzw",
    "m.in",
    "itp",
    "tj",
    "ul",
    "tel",
    "prof",
    "dr",
    "ok",  # Polish
    "e.g",
    "i.e",
    "mr",
    "mrs",
    "vs",
    "etc",
    "no",  # English
}
# A sentence ends at . ! ? (or the Greek question mark, which is ";" after a Greek letter, and
# the full stops of other scripts) before a capital letter of any script, a letter of a script
# without case, or a digit. Unicode classes, not lists of letters: a Greek, Bulgarian or
# Czech page splits as a Danish one does.
_SENTENCE_END = regex.compile(
    r"(?:(?<=[.!?\u037e。！？؟।])|(?<=\p{Greek};))\s+(?=[\"“„«(]?[\p{Lu}\p{Lt}\p{Lo}0-9])"
)


def sentences(text: str) -> list[str]:
    """Split a passage into sentences without breaking "27. marts", "kl. 12.00" or "ds. AI"."""
    pieces = _SENTENCE_END.split(text.strip())
    merged: list[str] = []
    for piece in pieces:
        if merged:
            last_word = merged[-1].rstrip(".").split()[-1].lower() if merged[-1].split() else ""
            if last_word in _ABBREVIATIONS or last_word.isdigit():
                merged[-1] = f"{merged[-1]} {piece}"
                continue
        merged.append(piece)
    return [s.strip() for s in merged if s.strip()]


def leans_on_previous(sentence: str, language: str) -> bool:
    """Whether a sentence refers back to the one before it: it holds a demonstrative ("... en
    del af denne pakke", "Alt dette vil ...") or opens with a pronoun before a lowercase word
    ("Będzie ona ...", "Den vil ..."), not with an article before a name ("Det Europæiske
    AI-kontor ...")."""
    demonstratives, pronouns = _antecedent_words(language)
    found = words(sentence)
    if demonstratives & {w.lower() for w in found}:
        return True
    following = [*found[1:4], ""]
    return any(
        token.lower() in pronouns and (after[:1].islower() or not after)
        for token, after in zip(found[:3], following, strict=False)
    )


@cache
def _antecedent_words(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """The language's demonstratives and pronouns that refer back (`languages.json`)."""
    return (
        frozenset(language_data("antecedent_words").get(language, "").split()),
        frozenset(language_data("antecedent_pronouns").get(language, "").split()),
    )
