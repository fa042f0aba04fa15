"""Shared fixtures: every test's state lives in a temp folder; the real corpus and the real
model are used, and the index over the real corpus is built once per test session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.index.builds import ingest  # noqa: E402
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """No test writes to the project's own index/ or feedback files."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index-from-env"))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(tmp_path / "feedback.jsonl"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings with an index over the real corpus and the real default model, built once."""
    settings = Settings(
        index_dir=tmp_path_factory.mktemp("index"), corpus_dir=PROJECT_DIR / "corpus"
    )._normalised()
    ingest(settings)
    return settings
