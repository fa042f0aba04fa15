"""Shared fixtures: every test's state lives in a temp folder; the real corpus and the real
model are used, and the index over the real corpus is built once per test session.

Tiers (markers in pyproject.toml): a test marked `unit` must not touch the index, the model
or a server, and runs in seconds (`pytest -m unit`); `browser` and `eval` are marked where
they are written; every other test is `integration`, marked here.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# One vector cache for the whole session, never the user's: the first build encodes the
# corpus with the real model, and every later build of the same texts (other index folders,
# CLI processes, a fresh venv) reads those vectors instead of encoding them again.
_VECTOR_CACHE = tempfile.mkdtemp(prefix="assistant-test-vectors-")
os.environ["ASSISTANT_VECTOR_CACHE_DIR"] = _VECTOR_CACHE

from assistant.index.builds import ingest  # noqa: E402
from assistant.resources import PROJECT_DIR  # noqa: E402
from assistant.settings import Settings  # noqa: E402

TIERS = ("unit", "integration", "browser", "eval")
# Fixtures that build or open the real index: a unit test asking for one is misfiled.
_HEAVY_FIXTURES = {"settings"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        tiers = {m.name for m in item.iter_markers() if m.name in TIERS}
        if not tiers:
            item.add_marker(pytest.mark.integration)
        elif "unit" in tiers and _HEAVY_FIXTURES & set(item.fixturenames):
            raise pytest.UsageError(
                f"{item.nodeid} is marked unit but uses {_HEAVY_FIXTURES & set(item.fixturenames)}"
                ": unit tests run on inline data (mark it integration instead)."
            )


def pytest_unconfigure(config):
    shutil.rmtree(_VECTOR_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path, monkeypatch):
    """No test writes to the project's own index/, feedback or question log files."""
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index-from-env"))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(tmp_path / "feedback.jsonl"))
    monkeypatch.setenv("ASSISTANT_QUESTION_LOG_FILE", str(tmp_path / "questions.sqlite3"))
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """Settings with an index over the real corpus and the real default model, built once."""
    settings = Settings(
        index_dir=tmp_path_factory.mktemp("index"), corpus_dir=PROJECT_DIR / "corpus"
    )
    ingest(settings)
    return settings
