"""`ask()`: the one function most callers need."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.analysis.questions import clean_question
from assistant.answer import Answer
from assistant.answering.engine import Engine, History, get_engine
from assistant.answering.messages import MESSAGES
from assistant.settings import Settings

if TYPE_CHECKING:  # pydantic loads with the first question, not with `import assistant`
    from assistant.validation import InvalidInput


def ask(
    question: str,
    history: History | None = None,
    *,
    language: str | None = None,
    index_dir: str | Path | None = None,
    corpus_dir: str | Path | None = None,
    model: str | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer a question about the European AI Office from the official pages.

    Args:
        question: the question, in any language; Danish and Polish are answered from the
            page in that language.
        history: earlier turns of the conversation as (question, Answer) pairs.
        language: force the answer language ("da", "pl"...) instead of detecting it.
        index_dir, corpus_dir, model: override the settings (defaults come from the
            environment, see `Settings`).
        settings: a complete Settings object (keyword overrides still apply on top).

    Returns:
        An Answer whose text carries [n] markers pointing to its citations, or an abstention
        (`abstained=True`, no citations) when the pages do not answer.

    A request that cannot be read (a language code the assistant does not know, a history
    that is not a list of pairs) gets an abstention with `reason="invalid_input"` saying what
    was wrong and where. Only the last `settings.max_history_turns` turns of `history` are
    read, each cut to `settings.max_turn_chars`.

    The index is built on first use when missing. Raises IndexUnavailableError when the index
    was built with a different model than the one asked for.
    """
    from assistant.validation import InvalidInput, check_ask

    started = time.perf_counter()
    overrides = {"index_dir": index_dir, "corpus_dir": corpus_dir, "model": model}
    resolved = settings.with_overrides(**overrides) if settings else Settings.from_env(**overrides)
    engine = get_engine(resolved)
    try:
        request = check_ask(question, history, language, resolved, known_languages(engine))
    except InvalidInput as exc:
        return _logged(resolved, question, refusal(exc, question, resolved), started)
    answer = engine.answer(request.question, request.history, language=request.language)
    return _logged(resolved, request.question, answer, started)


def _logged(settings: Settings, question: object, answer: Answer, started: float) -> Answer:
    """`answer`, written to the question log when the settings turn it on (its trace then
    carries the record's id, for a vote). The question is kept as cleaned for answering."""
    if not settings.logs_questions:
        return answer
    from assistant.operations.question_log import log_ask

    seconds = time.perf_counter() - started
    readable = question if isinstance(question, str | bytes) else ""
    text = clean_question(readable, settings.max_question_chars).text
    record = log_ask(settings, text, answer, seconds)
    return replace(answer, trace=replace(answer.trace, log_id=record)) if record else answer


def known_languages(engine: Engine) -> set[str]:
    """Answer languages: the index's pages, and the languages the assistant has words in."""
    return set(engine.index.languages) | set(MESSAGES)


def refusal(error: InvalidInput, question: object, settings: Settings) -> Answer:
    """The reply to a request that could not be read, in the question's language when it
    tells one (else English): what was wrong and where, never the whole bad value."""
    engine = get_engine(settings)
    clean = clean_question(question if isinstance(question, str | bytes) else "", 300)
    language = "en"
    if clean.text and not clean.problem:
        guess = engine.detect(clean.text)
        language = guess.code if guess.method != "fallback" else "en"
    return Answer(
        text=error.problem.message(language),
        language=language,
        abstained=True,
        reason="invalid_input",
        language_confident=False,
    )
