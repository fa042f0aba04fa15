"""`ask()`: the one function most callers need."""

from __future__ import annotations

from pathlib import Path

from assistant.answer import Answer
from assistant.answering.engine import History, get_engine
from assistant.settings import Settings


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

    The index is built on first use when missing. Raises IndexUnavailableError when the index
    was built with a different model than the one asked for.
    """
    overrides = {"index_dir": index_dir, "corpus_dir": corpus_dir, "model": model}
    resolved = settings.with_overrides(**overrides) if settings else Settings.from_env(**overrides)
    return get_engine(resolved).answer(question, history, language=language)
