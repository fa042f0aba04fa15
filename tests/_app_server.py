"""Starting the real web app (`python app.py`) for the page and load tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.resources import PROJECT_DIR
from assistant.settings import Settings

STARTUP_SECONDS = 240.0  # builds nothing, but loads the model and warms up on a busy machine


@dataclass(frozen=True)
class RunningApp:
    url: str
    log: Path
    feedback: Path
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextmanager
def running_app(settings: Settings, folder: Path, factory: bool = False) -> Iterator[RunningApp]:
    """`assistant serve --host 127.0.0.1 --port <free>` over `settings`' index (with
    `factory`: `uvicorn --factory assistant.web.launch:create_app`, as docs/deploying.md says),
    until it answers HTTP; stopped on exit. Its output goes to `folder/app.log`, feedback to
    `folder/feedback.jsonl`, the question log to `folder/questions.sqlite3`."""
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("ASSISTANT_USER", "ASSISTANT_PASSWORD", "ASSISTANT_HOST", "ASSISTANT_PORT")
    }
    env.update(
        ASSISTANT_INDEX_DIR=str(settings.index_dir),
        ASSISTANT_CORPUS_DIR=str(settings.corpus_dir),
        ASSISTANT_FEEDBACK_FILE=str(folder / "feedback.jsonl"),
        ASSISTANT_QUESTION_LOG_FILE=str(folder / "questions.sqlite3"),
        PYTHONUNBUFFERED="1",
    )
    log = folder / "app.log"
    with log.open("w") as output:
        command = (
            ["uvicorn", "--factory", "assistant.web.launch:create_app"]
            if factory
            else ["assistant", "serve"]
        )
        process = subprocess.Popen(
            [sys.executable, "-m", *command, "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while not answers_http(url):
            if process.poll() is not None:
                pytest.fail(f"app.py exited with {process.returncode}:\n{log.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")
            time.sleep(0.5)
        yield RunningApp(url, log, folder / "feedback.jsonl", process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving_in_thread(asgi_app) -> Iterator[str]:
    """`asgi_app` served by uvicorn in a thread of this process on a free port; yields its
    URL (for servers over the session's settings that need no separate process)."""
    import threading

    import uvicorn

    port = free_port()
    config = uvicorn.Config(
        asgi_app, host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("the in-process server did not start")
            time.sleep(0.05)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=15)
