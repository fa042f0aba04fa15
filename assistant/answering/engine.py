"""The engine: an opened index, the embedder and the retriever, answering questions.

One engine per settings is kept for the life of the process (`get_engine`), so the model and
the index are loaded once however many questions come.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from assistant.analysis.language import (
    READABLE_SHARE,
    LanguageGuess,
    detect_language,
    known_share,
    lexicons_from_chunks,
)
from assistant.analysis.question import analyse_question
from assistant.analysis.questions import clean_question
from assistant.analysis.text import words
from assistant.answer import Answer
from assistant.answering.answerability import thresholds_for
from assistant.answering.conversation import resolve
from assistant.answering.extractive import compose
from assistant.answering.messages import MESSAGES, language_list, message
from assistant.answering.standalone import stands_on_its_own
from assistant.errors import IndexUnavailableError
from assistant.index.builds import ingest
from assistant.index.layout import active_build
from assistant.index.opened import Index
from assistant.retrieval.ranking import ranking_for
from assistant.retrieval.retriever import HybridRetriever, weights_for
from assistant.settings import Settings

History = Sequence[tuple[str, Answer]]


class Engine:
    """Answers questions from one index."""

    def __init__(self, settings: Settings, build_if_missing: bool = True, progress: bool = False):
        self.settings = settings
        self.index = _open_or_build(settings, build_if_missing, progress)
        self.embedder = self.index.embedder()  # the build's ONNX graph when it has one
        model = self.index.manifest.get("model", settings.model)
        self.retriever = HybridRetriever(
            self.index, self.embedder, weights_for(model), ranking_for(model)
        )
        self.limits = thresholds_for(model)
        self.lexicons = lexicons_from_chunks(self.index.passages.values())

    def detect(
        self, text: str, history: History | None = None, tokens: Sequence[str] | None = None
    ) -> LanguageGuess:
        """The question's language; a short, unclear follow-up keeps the conversation's.
        `tokens` are `words(text)` when the caller has split it already."""
        fallback = history[-1][1].language if history else None
        return detect_language(text, self.lexicons, fallback=fallback, tokens=tokens)

    def _unsupported_language(self, code: str, refused: Answer) -> Answer:
        """The reply to a question in a language the assistant has no words for (Japanese,
        Arabic ...): which languages it reads, in the asker's language where there is the
        message, else in English."""
        lang = code if "unsupported_language" in MESSAGES.get(code, {}) else "en"
        served = language_list(_served_languages(self.index, list(self.lexicons)), lang)
        return replace(
            refused,
            text=message("unsupported_language", lang, self.index.subject(lang), languages=served),
            language=lang,
            citations=[],
            abstained=True,
            reason="unsupported_language",
            language_confident=False,
        )

    def answer(
        self, question: object, history: History | None = None, language: str | None = None
    ) -> Answer:
        """Answer one question; see `assistant.ask` for the contract."""
        history = list(history or [])
        clean = clean_question(question, self.settings.max_question_chars)
        fallback = history[-1][1].language if history else "en"
        if clean.problem:
            guess = self.detect(clean.text, history) if clean.text else None
            lang = language or (guess.code if guess and guess.method != "fallback" else fallback)
            return Answer(
                text=message(clean.problem, lang, self.index.subject(lang)),
                language=lang,
                abstained=True,
                reason=clean.problem,
                language_confident=False,
            )
        # The question is split once here; detection and every later stage read these words.
        tokens = tuple(words(clean.text))
        guess = self.detect(clean.text, history, tokens)
        # A follow-up too short to classify keeps the conversation's language; a real
        # sentence in another language switches it.
        if language is None and history and not guess.confident:
            language_used = history[-1][1].language
        else:
            language_used = language or guess.code
        lang = language_used
        notice = (
            message(
                "too_long",
                lang,
                length=clean.original_length,
                limit=self.settings.max_question_chars,
            )
            if clean.truncated
            else ""
        )
        # Forced to another language: the question is still read in its own.
        asked_in = guess.code if guess.code != lang and guess.method != "fallback" else None
        analysed = analyse_question(clean.text, asked_in or lang, self.index, tokens)
        resolution = resolve(self.retriever, clean.text, lang, history, asked_in, analysed)
        readable = known_share(clean.text, self.lexicons.get(guess.code), tokens) >= READABLE_SHARE

        def answered_from(
            hits, follow_up: bool, in_conversation: bool, search_text: str, focus: bool = True
        ) -> Answer:
            """The answer from `hits`: searched with the previous question (`follow_up`), the
            veto off `in_conversation`, the focus check asked for where it matters (`focus`)."""
            return compose(
                hits,
                lang,
                self.index,
                question=clean.text,
                # The trained model learned from questions asked on their own, of usual length:
                # in a conversation a short question ("A kto go nadzoruje?") looks like nothing
                # it saw (dev: 5 of 36 follow-ups refused with it), and so does a question cut
                # at the length limit (a pasted text, a question repeated): it withholds
                # nothing there, and answers nothing the rules refuse.
                limits=(
                    replace(self.limits, veto=0.0, overrule=float("inf"))
                    if in_conversation or clean.truncated
                    else self.limits
                ),
                readable=readable,
                notice=notice,
                follow_up=clean.text if follow_up else None,
                question_language=asked_in,
                resolved_question=search_text,
                language_confident=language is not None or guess.confident,
                analysed=analysed,
                check_focus=(lambda hits: self.retriever.check_focus(hits, analysed))
                if focus
                else None,
            )

        answer = answered_from(
            resolution.hits, resolution.follow_up, bool(history), resolution.search_text
        )
        if resolution.follow_up and resolution.own_hits and not clean.truncated:
            # A follow-up that the trained model, reading it on its own, finds answered is
            # answered on its own (`standalone`).
            # No focus check: it runs only where the model is unsure (`focus_can_matter`), and
            # an answer the model is that unsure of does not stand on its own anyway.
            alone = answered_from(resolution.own_hits, False, False, clean.text, focus=False)
            if stands_on_its_own(alone):
                answer = alone
        if answer.reason == "out_of_scope" and not readable and guess.code not in self.lexicons:
            # Refused for want of words it can read, in a language it has none of: "the pages
            # don't say" would be a guess; say which languages it reads instead.
            return self._unsupported_language(guess.code, answer)
        if self.settings.llm_base_url:
            from assistant.answering.writer import write

            answer = write(
                answer, resolution.hits, clean.text, self.index, self.settings, self.lexicons
            )
        return answer


def _served_languages(index: Index, readable: Sequence[str]) -> list[str]:
    """The languages questions are read in: the pages' first, then the others."""
    return [*index.languages, *sorted(set(readable) - set(index.languages))]


def _open_or_build(settings: Settings, build_if_missing: bool, progress: bool) -> Index:
    try:
        return Index.open(settings)
    except IndexUnavailableError as exc:
        if exc.model_mismatch or not build_if_missing:
            raise
    ingest(settings, progress=progress)
    return Index.open(settings)


_engines: dict[Settings, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(settings: Settings, build_if_missing: bool = True, progress: bool = False) -> Engine:
    """The process's engine for these settings, created (and the index built) on first use."""
    with _engines_lock:
        engine = _engines.get(settings)
        # A newer build (another process ran `assistant ingest`) replaces the engine's index.
        if engine is None or active_build(settings.index_dir) != engine.index.folder:
            engine = Engine(settings, build_if_missing, progress)
            _engines[settings] = engine
        return engine
