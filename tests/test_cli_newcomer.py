"""The first minutes with the `assistant` command: help instead of errors or silence.

Each runs the real command in a subprocess; none needs an index (each stops before one)."""

import os
import pty
import subprocess
import sys


def _assistant(*args, env=None, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        stdin=stdin,
    )


def test_bare_assistant_prints_help_with_the_first_steps():
    result = _assistant()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: assistant")
    for command in ("ingest", "ask", "eval", "serve"):
        assert command in result.stdout
    assert "assistant ingest" in result.stdout  # the epilog says where to start


def test_ask_without_a_question_in_a_terminal_says_how_to_ask():
    leader, follower = pty.openpty()
    try:
        result = _assistant("ask", stdin=follower)  # a terminal with nothing typed
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2
    assert result.stderr.startswith('usage: assistant ask "QUESTION"')
    assert result.stdout == ""


def test_a_bad_setting_is_one_line_naming_the_variable():
    result = _assistant("ask", "hej", env={"ASSISTANT_CHROMA_PORT": "abc"})
    assert result.returncode == 1
    assert result.stderr == (
        "error: ASSISTANT_CHROMA_PORT: expected a whole number from 1 to 65535.\n"
    )


def test_serve_with_a_bad_port_is_one_line_too():
    result = _assistant("serve", env={"ASSISTANT_PORT": "seventy"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: ASSISTANT_PORT: expected a whole number from 1 to 65535."
    ]


def test_eval_help_points_to_docs_that_exist():
    from assistant.resources import PROJECT_DIR

    result = _assistant("eval", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "eval/README" not in text
    assert "docs/evaluation.md" in text and (PROJECT_DIR / "docs" / "evaluation.md").is_file()
    assert "--split {dev,test,all}" in text
