"""Helpers shared by the robustness tests (tests/test_robust_*.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from assistant import Settings, ask
from assistant.resources import PROJECT_DIR

DA_URL = "https://digital-strategy.ec.europa.eu/da/policies/ai-office"
PL_URL = "https://digital-strategy.ec.europa.eu/pl/policies/ai-office"
URL = {"da": DA_URL, "pl": PL_URL}
DEADLINE = {
    "da": ("Hvornår er fristen for interessetilkendegivelser?", "27. marts 2024 kl. 12.00 CET"),
    "pl": ("Jaki był termin zgłoszeń do Biura ds. AI?", "27 marca 2024"),
}


def assert_deadline(answer, language: str) -> None:
    """The real answer to the deadline question, in `language`, cited to its page."""
    assert answer.language == language, answer
    assert not answer.abstained, answer.text
    assert DEADLINE[language][1] in answer.text, answer.text
    assert answer.citations, answer.text
    assert answer.citations[0].url == URL[language]
    assert answer.citations[0].language == language


def assert_answers_right(settings: Settings) -> None:
    for language in ("da", "pl"):
        assert_deadline(ask(DEADLINE[language][0], settings=settings), language)


def copy_index(built: Settings, dest: Path) -> Settings:
    """A private copy of a built index and of the corpus, to damage or change at will.

    The build id hashes the corpus text, not its path, so the copied index is the up-to-date
    one for the copied corpus.
    """
    shutil.copytree(built.index_dir, dest / "index", ignore=shutil.ignore_patterns(".lock"))
    shutil.copytree(PROJECT_DIR / "corpus", dest / "corpus")
    return Settings(index_dir=dest / "index", corpus_dir=dest / "corpus")._normalised()


def corpus_with_page(
    folder: Path, page: str, language: str, title: str, text: str, subject: str = ""
) -> Path:
    """The shipped corpus copied into `folder`, plus one made-up page: its file, its manifest
    entry and, given a `subject`, the site's name in its language."""
    for path in (PROJECT_DIR / "corpus").iterdir():
        if path.is_file():
            shutil.copy(path, folder / path.name)
    (folder / f"{page}.{language}.txt").write_text(text, encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["pages"].append(
        {
            "file": f"{page}.{language}.txt",
            "page": page,
            "language": language,
            "url": f"https://example.eu/{language}/{page}",
            "title": title,
        }
    )
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if subject:
        site = json.loads((folder / "site.json").read_text(encoding="utf-8"))
        site["name"][language] = subject
        (folder / "site.json").write_text(json.dumps(site, ensure_ascii=False), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cli_env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
        "ASSISTANT_CORPUS_DIR": str(settings.corpus_dir),
        "ASSISTANT_VECTOR_CACHE_DIR": str(settings.vector_cache_dir),
        **extra,
    }


def run_cli(settings: Settings, *args: str, timeout: float = 300, **extra: str):
    """`python -m assistant ARGS` in a real subprocess, text output."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=cli_env(settings, **extra),
        timeout=timeout,
    )
