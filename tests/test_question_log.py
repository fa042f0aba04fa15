"""The question log: one record per ask, safe under concurrent asks and a killed process,
bounded by its retention and size, and never holding who asked (no address, name or token)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from _app_server import serving_in_thread

from assistant.answer import Answer, Citation
from assistant.operations.question_log import QuestionLog, log_ask
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _answer(language="da", reason="", passages=("ai-office/da/b030",)) -> Answer:
    citations = [
        Citation(n, "passage", "quote", language, "https://x", "T", "S", passage_id=p)
        for n, p in enumerate(passages, 1)
    ]
    return Answer("text [1]", language, citations, abstained=bool(reason), reason=reason)


def _integrity(path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.unit
def test_a_record_keeps_the_ask_and_later_its_vote(tmp_path):
    log = QuestionLog(tmp_path / "q.sqlite3")
    first = log.record("Hvornår er fristen?", _answer(), 0.0423, now=NOW)
    second = log.record("Ile kosztuje?", _answer("pl", "not_on_page", ()), 0.1, now=NOW)
    assert log.vote(first, "down")
    assert log.vote(second, "up") and log.vote(second, "withdrawn")
    assert not log.vote(999, "down")  # no such record
    assert not log.vote(first, "<script>")  # not a vote
    one, two = log.records()
    assert (one.question, one.language, one.outcome, one.reason) == (
        "Hvornår er fristen?", "da", "answered", "")  # fmt: skip
    assert (one.cited, one.latency_ms, one.vote, one.day) == (
        ["ai-office/da/b030"], 42.3, "down", "2026-06-01")  # fmt: skip
    assert (two.outcome, two.reason, two.cited, two.vote) == ("abstained", "not_on_page", [], None)


@pytest.mark.unit
def test_retention_deletes_exactly_the_records_older_than_the_days(tmp_path):
    log = QuestionLog(tmp_path / "q.sqlite3", retention_days=30)
    ages = [45, 31, 30.01, 29.99, 29, 1, 0]  # days before NOW
    for days in ages:
        log.record(f"{days} days old", _answer(), 0.1, now=NOW - timedelta(days=days))
    assert log.prune(now=NOW) == 3
    assert [r.question for r in log.records()] == [f"{d} days old" for d in ages if d < 30]


@pytest.mark.unit
def test_the_log_keeps_at_most_its_maximum_the_oldest_go(tmp_path):
    log = QuestionLog(tmp_path / "q.sqlite3", max_records=100)
    for n in range(250):
        log.record(f"question {n}", _answer(), 0.1)
    log.prune()
    assert [r.question for r in log.records()] == [f"question {n}" for n in range(150, 250)]


@pytest.mark.unit
def test_the_library_logs_nothing_unless_turned_on(tmp_path):
    off = Settings(question_log_file=tmp_path / "q.sqlite3")
    assert log_ask(off, "Hvad?", _answer(), 0.1) == 0
    assert not (tmp_path / "q.sqlite3").exists()
    on = off.with_overrides(question_log="yes")
    assert on.logs_questions and log_ask(on, "Hvad?", _answer(), 0.1) > 0


WRITER = """
import sys
from assistant.answer import Answer, Citation
from assistant.operations.question_log import QuestionLog
log = QuestionLog(sys.argv[1])
citation = Citation(1, "p" * 2000, "q", "da", "u", "T", "S", passage_id="ai-office/da/b001")
n = 0
while True:
    log.record("Hvornår er fristen? " * 50 + str(n), Answer("t" * 1000, "da", [citation]), 0.1)
    n += 1
    if n == 300:
        print("written", flush=True)
"""


@pytest.mark.unit
def test_a_process_killed_mid_write_leaves_a_readable_log(tmp_path):
    path = tmp_path / "q.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(path)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "written"
        time.sleep(0.3)  # writing all the while
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    assert _integrity(path) == "ok"
    records = QuestionLog(path).records()
    assert len(records) >= 300
    assert [r.question.rsplit(" ", 1)[-1] for r in records] == [str(n) for n in range(len(records))]
    assert {tuple(r.cited) for r in records} == {("ai-office/da/b001",)}


USER, PASSWORD = "operator-anna", "correct horse battery staple"
QUESTIONS = [
    ("Hvornår er fristen for interessetilkendegivelser?", "da", "ai-office/da/b030"),
    ("Jaki jest adres e-mail Biura ds. AI?", "pl", "ai-office/pl/b034"),
    ("Hvilken by ligger AI-kontoret i?", "da", None),
    ("What is the weather in Copenhagen tomorrow?", None, None),
]


def test_1000_asks_from_8_threads_make_1000_records_and_none_says_who_asked(settings, tmp_path):
    """Through the served page's /ask API with a login: every ask logged once, the database
    valid, and no address, user name, password or session token anywhere in its files."""
    from gradio_client import Client

    from assistant.web import app, launch
    from assistant.web.server import build_server

    path = tmp_path / "questions.sqlite3"
    served = launch.served_settings(settings.with_overrides(question_log_file=path))
    environ = {"ASSISTANT_USER": USER, "ASSISTANT_PASSWORD": PASSWORD}
    options = launch.launch_options("127.0.0.1", 0, environ)
    server = build_server(app.build_app(served, concurrency=4), options)
    tokens: list[str] = []
    with serving_in_thread(server) as url:
        login = httpx.post(f"{url}/login", data={"username": USER, "password": PASSWORD})
        assert login.status_code == 200
        tokens += [value for value in login.cookies.values() if len(value) >= 16]
        clients = [Client(url, auth=(USER, PASSWORD), verbose=False) for _ in range(8)]
        for client in clients:
            tokens += [value for value in client.cookies.values() if len(value) >= 16]
        assert tokens, "a login hands out a session token"

        def asks(thread: int) -> list[dict]:
            replies = []
            for n in range(125):
                question, _, _ = QUESTIONS[(thread + n) % len(QUESTIONS)]
                replies.append(clients[thread].predict(question, [], "", api_name="/ask"))
            return replies

        with ThreadPoolExecutor(8) as pool:
            replies = [reply for batch in pool.map(asks, range(8)) for reply in batch]
    assert len(replies) == 1000
    assert all(reply["reason"] != "error" for reply in replies)
    ids = sorted(reply["trace"]["log_id"] for reply in replies)
    assert ids == list(range(ids[0], ids[0] + 1000))  # each ask its own record
    assert _integrity(path) == "ok"
    records = QuestionLog(path).records()
    assert len(records) == 1000
    by_id = {record.id: record for record in records}
    for reply in replies:  # each record says what its reply said
        record = by_id[reply["trace"]["log_id"]]
        assert record.question in {q for q, _, _ in QUESTIONS}
        assert (record.language, record.reason, record.outcome == "abstained") == (
            reply["language"], reply["reason"], reply["abstained"])  # fmt: skip
        assert record.cited == [c["passage_id"] for c in reply["citations"]]
        assert record.latency_ms > 0
    for question, language, passage in QUESTIONS:
        asked = [r for r in records if r.question == question]
        assert len(asked) == 250
        if language:
            assert {r.language for r in asked} == {language}
        if passage:
            assert {r.outcome for r in asked} == {"answered"} and asked[0].cited[0] == passage
    stored = b"".join(
        file.read_bytes() for file in tmp_path.iterdir() if file.name.startswith(path.name)
    )
    for secret in [USER, PASSWORD, "127.0.0.1", "localhost", *tokens]:
        assert secret.encode() not in stored, secret
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(questions)")}
    assert not columns & {"ip", "address", "user", "session", "token", "cookie"}


@pytest.mark.unit
def test_the_switch_is_on_or_off_and_the_page_turns_it_on_unless_told_off(monkeypatch):
    from assistant.settings import SettingsError
    from assistant.web.launch import served_settings

    monkeypatch.setenv("ASSISTANT_QUESTION_LOG", "maybe")
    with pytest.raises(SettingsError, match="ASSISTANT_QUESTION_LOG: expected on or off"):
        Settings.from_env()
    monkeypatch.setenv("ASSISTANT_QUESTION_LOG", "OFF")
    assert served_settings(Settings.from_env()).question_log == "off"
    monkeypatch.delenv("ASSISTANT_QUESTION_LOG")
    assert not Settings.from_env().logs_questions  # the library: off
    assert served_settings(Settings.from_env()).logs_questions  # the page: on
