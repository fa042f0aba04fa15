"""The `assistant` command in a real subprocess."""

import json
import os
import subprocess
import sys


def _run(settings, *args):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_ask_prints_the_answer_and_numbered_sources(settings):
    result = _run(settings, "ask", "Hvornår er fristen for interessetilkendegivelser?")
    assert result.returncode == 0, result.stderr
    assert "27. marts 2024 kl. 12.00 CET. [1]" in result.stdout
    assert "Kilder:" in result.stdout
    source = "[1] Det Europæiske AI-kontor — Jobmuligheder og samarbejde (da, as of 2026-11-22)"
    assert source in result.stdout
    assert "https://digital-strategy.ec.europa.eu/da/policies/ai-office#:~:text=" in result.stdout


def test_ask_json_is_machine_readable(settings):
    result = _run(settings, "ask", "--json", "Jaki jest adres e-mail Biura ds. AI?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["language"] == "pl" and answer["abstained"] is False
    assert answer["citations"][0]["passage_id"] == "ai-office/pl/b034"
    assert "CNECT-AIOFFICE@ec.europa.eu" in answer["text"]


def test_ingest_reports_an_up_to_date_index(settings):
    result = _run(settings, "ingest", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "is up to date: 74 passages (37 da, 37 pl)" in result.stdout


def test_errors_are_one_line_messages_not_tracebacks(settings, tmp_path):
    result = _run(settings, "ingest", "--corpus-dir", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("error: ") and "manifest not found" in last_line
    assert "Traceback" not in result.stderr


def test_serve_and_eval_take_their_own_options(settings, tmp_path):
    for command, expected in (("serve", "--port"), ("eval", "--fail-under")):
        result = subprocess.run(
            [sys.executable, "-m", "assistant", command, "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,  # not the project folder
        )
        assert result.returncode == 0, result.stderr
        assert expected in result.stdout
