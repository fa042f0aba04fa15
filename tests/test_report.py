"""`assistant report` over a seeded question log: the numbers, the not-on-page questions
grouped by meaning across Danish, Polish and English with the real model, the HTML with its
inline charts, and the export of candidates that adds nothing by itself."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
from _seeded_log import ANSWERED, OUT_OF_SCOPE, TEST_THEMES, TUNING_THEMES, seed

from assistant.operations.grouping import DISTANCE_THRESHOLD
from assistant.operations.question_log import QuestionLog
from assistant.operations.report import build_report, question_encoder, report_text
from assistant.operations.report_html import report_page
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings


@pytest.fixture(scope="module")
def encode():
    return question_encoder(Settings())


def _seeded(tmp_path, themes) -> QuestionLog:
    log = QuestionLog(tmp_path / "questions.sqlite3")
    seed(log, themes)
    return log


def _themes_of(groups, themes) -> list[set[str]]:
    theme = {text: name for name, wordings in themes.items() for text, _ in wordings}
    return [{theme[q.text] for q in group.questions} for group in groups]


@pytest.mark.parametrize("themes", [TEST_THEMES, TUNING_THEMES], ids=["test", "tuning"])
def test_each_not_on_page_theme_is_one_group_across_languages(tmp_path, encode, themes):
    report = build_report(_seeded(tmp_path, themes).records(), encode)
    assert DISTANCE_THRESHOLD == 0.65
    groups = report.not_on_page
    assert sorted(map(sorted, _themes_of(groups, themes))) == sorted([n] for n in themes)
    for group in groups:
        assert group.count == 3 and group.languages == ["da", "en", "pl"]


def test_the_report_counts_what_the_log_holds(tmp_path, encode):
    log = _seeded(tmp_path, TEST_THEMES)
    report = build_report(log.records(), encode)
    assert report.asks == 2 * len(ANSWERED) + 3 * len(TEST_THEMES) + len(OUT_OF_SCOPE) == 54
    assert sum(sum(c.values()) for c in report.per_day_language.values()) == 54
    assert report.outcome_totals() == {"answered": 34, "not_on_page": 15, "out_of_scope": 5}
    per_language = {lang: 0 for lang in ("da", "pl", "en")}
    for counts in report.per_day_language.values():
        for lang, n in counts.items():
            per_language[lang] += n
    assert per_language == {"da": 6 * 2 + 5 + 2, "pl": 6 * 2 + 5 + 2, "en": 5 * 2 + 5 + 1}
    # Answered latencies 40..100 ms (twice each), not-on-page 60 ms, off-subject 20 ms.
    assert (report.latency_p50_ms, report.latency_p95_ms) == (60.0, 100.0)
    # The Danish deadline question down once; every third answered question up, but not
    # the first of the first round (down instead).
    assert (report.up_votes, report.down_votes) == (11, 1)
    assert report.down_vote_rate == pytest.approx(1 / 12)
    (down,) = report.down_voted
    assert down.question == "Hvornår er fristen for interessetilkendegivelser?"
    assert (down.language, down.cited) == ("da", ["ai-office/da/b030"])
    weather, baking = report.out_of_scope
    assert weather.count == 3 and "vejret" in " ".join(q.text for q in weather.questions)
    text = report_text(report)
    assert "Latency: p50 60 ms, p95 100 ms" in text
    assert "Votes: 11 up, 1 down (down-vote rate 8%)" in text
    assert "cited: ai-office/da/b030" in text


def test_the_html_draws_inline_and_loads_nothing(tmp_path, encode):
    report = build_report(_seeded(tmp_path, TEST_THEMES).records(), encode)
    html = report_page(report)
    assert html.count('<svg role="img"') == 2 and html.count("<desc>") == 2
    assert "<script" not in html.lower()
    # The only URL is the SVG namespace, which names and loads nothing.
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html))
    assert urls == {"http://www.w3.org/2000/svg"}
    groups = re.findall(r'<li class="question-group">(.*?)</ul></li>', html, re.S)
    assert len(groups) == len(TEST_THEMES) + 2  # and the two off-subject groups
    for wordings in TEST_THEMES.values():
        assert any(all(text in group for text, _ in wordings) for group in groups), wordings
    # Each language's question is marked as such for screen readers (WCAG 3.1.2).
    assert '<span lang="pl">Ilu pracowników zatrudnia Biuro ds. AI?</span>' in html


def _digest(folder) -> str:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_report_command_writes_html_and_candidates_and_adds_nothing(tmp_path):
    log_file = tmp_path / "questions.sqlite3"
    seed(QuestionLog(log_file), TEST_THEMES)
    before = (_digest(PROJECT_DIR / "eval"), _digest(PROJECT_DIR / "corpus"))
    env_args = {"ASSISTANT_QUESTION_LOG_FILE": str(log_file)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "report"]
        + ["--html", str(tmp_path / "r.html"), "--export", str(tmp_path / "candidates")],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, **env_args},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "15 asks, 5 groups" in result.stdout
    assert "16 evaluation candidates" in result.stdout
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    lines = (tmp_path / "candidates" / "eval-candidates.jsonl").read_text().splitlines()
    candidates = [json.loads(line) for line in lines]
    assert all(c["needs_label"] is True for c in candidates)
    assert [c["source"] for c in candidates] == ["down_voted"] + ["not_on_page"] * 15
    assert candidates[0]["cited"] == ["ai-office/da/b030"]
    phone = [c for c in candidates if c["question"] == "Hvad er AI-kontorets telefonnummer?"]
    assert phone[0]["group"] in {text for text, _ in TEST_THEMES["phone"]}
    passages = [
        json.loads(line)
        for line in (tmp_path / "candidates" / "passage-questions.jsonl").read_text().splitlines()
    ]
    b027 = next(p for p in passages if p["passage_id"] == "ai-office/pl/b027")
    assert b027["needs_review"] is True
    assert b027["questions"] == [
        {
            "question": "Czym jest pakt na rzecz sztucznej inteligencji?",
            "language": "pl",
            "asked": 2,
        }
    ]
    # The down-voted ask is not counted for its passage; the other ask of it is.
    b030 = next(p for p in passages if p["passage_id"] == "ai-office/da/b030")
    asked = {q["question"]: q["asked"] for q in b030["questions"]}
    assert asked["Hvornår er fristen for interessetilkendegivelser?"] == 1
    assert asked["Hvilke stillinger rekrutterer AI-kontoret til?"] == 2
    assert (_digest(PROJECT_DIR / "eval"), _digest(PROJECT_DIR / "corpus")) == before


@pytest.mark.unit
def test_report_without_a_log_says_how_to_get_one(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "report"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env={**os.environ, "ASSISTANT_QUESTION_LOG_FILE": str(tmp_path / "no.db")},
        timeout=120,
    )
    assert result.returncode == 1
    assert "No question log at" in result.stderr and "ASSISTANT_QUESTION_LOG" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "no.db").exists()


@pytest.mark.unit
def test_markup_in_a_logged_question_is_shown_as_text(tmp_path):
    """The page shows the report unsanitised (`assistant.web.operator`): every logged text
    must be escaped by the report itself."""
    from assistant.operations.grouping import Asked, QuestionGroup
    from assistant.operations.report import DownVoted, Report
    from assistant.operations.report_html import report_fragment

    evil = '<img src=x onerror=alert(1)><script>alert(2)</script>"'
    report = Report(
        asks=1,
        first_day="2026-06-01",
        last_day="2026-06-01",
        not_on_page=[QuestionGroup([Asked(evil, 'da" onmouseover="x')])],
        down_voted=[DownVoted("2026-06-01T12:00", evil, "pl", ["<b>id</b>"])],
    )
    html = report_fragment(report)
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'lang="da&quot; onmouseover=&quot;x"' in html


@pytest.mark.unit
def test_grouping_reads_the_questions_it_groups_even_when_others_are_asked_more(monkeypatch):
    """Pure grouping on made-up vectors: two directions of meaning, each with a language's
    offset; the background's more frequent questions only feed the language means."""
    import numpy as np

    from assistant.operations import grouping
    from assistant.operations.grouping import Asked, group_questions

    monkeypatch.setattr(grouping, "MAX_BACKGROUND", 4)
    meaning = {"a": np.array([1.0, 0, 0, 0]), "b": np.array([0, 1.0, 0, 0])}
    offset = {"da": np.array([0, 0, 3.0, 0]), "pl": np.array([0, 0, 0, 3.0])}

    def encode(texts):
        rows = []
        for text in texts:
            kind, lang = text.split()[:2]
            vector = meaning.get(kind, np.array([0.3, 0.3, 0, 0])) + offset[lang]
            rows.append(vector / np.linalg.norm(vector))
        return np.stack(rows)

    asked = [Asked(f"{k} {lang} {n}", lang) for k in "ab" for lang in ("da", "pl") for n in (1, 2)]
    background = [Asked(f"x {lang} {n}", lang, 50) for n in range(6) for lang in ("da", "pl")]
    groups = group_questions(asked, encode, background)
    assert sorted(sorted(q.text[0] for q in g.questions) for g in groups) == [["a"] * 4, ["b"] * 4]
    assert all(g.languages == ["da", "pl"] and g.count == 4 for g in groups)
