"""Votes on answers, stored as JSON Lines: what a line holds, where it goes, and that
concurrent writers (threads and processes) never mix lines."""

from __future__ import annotations

import json
import multiprocessing
import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from assistant import Answer, Citation, Translation
from assistant.web.feedback import (
    MAX_CITATIONS,
    FeedbackLimits,
    feedback_file,
    feedback_record,
    read_feedback,
    record_feedback,
    vote_from_like,
)

DA_URL = "https://digital-strategy.ec.europa.eu/da/policies/ai-office"


def _answer() -> Answer:
    citation = Citation(
        number=1,
        text="Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET.",
        quote="Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET.",
        language="da",
        url=DA_URL,
        title="Det Europæiske AI-kontor",
        section="Jobmuligheder og samarbejde",
        passage_id="ai-office/da/b030",
        link=DA_URL + "#:~:text=Fristen",
        translation=Translation("pl", "Termin ...", DA_URL.replace("/da/", "/pl/"), "x"),
    )
    return Answer(
        text="Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET. [1]",
        language="da",
        citations=[citation],
        resolved_question="Hvornår er fristen?",
    )


def test_vote_from_like():
    assert vote_from_like(True) == "up"
    assert vote_from_like(False) == "down"
    assert vote_from_like("") == "withdrawn"
    assert vote_from_like(None) == "withdrawn"
    assert vote_from_like("Wrong language") == "Wrong language"


def test_record_holds_question_answer_language_citations_vote_and_time():
    now = datetime(2024, 3, 27, 11, 0, tzinfo=UTC)
    record = feedback_record("Hvornår er fristen?", _answer(), "down", now=now)
    assert record == {
        "timestamp": "2024-03-27T11:00:00+00:00",
        "vote": "down",
        "question": "Hvornår er fristen?",
        "answer": _answer().text,
        "language": "da",
        "abstained": False,
        "reason": "",
        "resolved_question": "Hvornår er fristen?",
        "citations": [
            {
                "number": 1,
                "passage_id": "ai-office/da/b030",
                "language": "da",
                "url": DA_URL,
                "section": "Jobmuligheder og samarbejde",
                "quote": _answer().citations[0].quote,
                "link": DA_URL + "#:~:text=Fristen",
            }
        ],
    }


def test_votes_append_as_json_lines_in_the_configured_file(tmp_path, monkeypatch):
    target = tmp_path / "votes" / "feedback.jsonl"  # the folder does not exist yet
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(target))
    assert feedback_file() == target
    assert read_feedback() == []
    record_feedback("Hvornår er fristen?", _answer(), "up")
    record_feedback("Kiedy mija termin? <b>æøå ąę</b>", _answer(), "down")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[1])["question"] == "Kiedy mija termin? <b>æøå ąę</b>"
    assert "ąę" in lines[1]  # stored readable, not as \u escapes
    assert [r["vote"] for r in read_feedback()] == ["up", "down"]


def test_default_file_is_in_the_project_feedback_folder(monkeypatch):
    monkeypatch.delenv("ASSISTANT_FEEDBACK_FILE")
    assert feedback_file().parts[-2:] == ("feedback", "feedback.jsonl")


def test_an_empty_vote_is_refused_without_repeating_it(tmp_path):
    with pytest.raises(ValueError, match="up, down, withdrawn") as refused:
        record_feedback("q", _answer(), ["<script>"], path=tmp_path / "f.jsonl")
    assert "<script>" not in str(refused.value)


@pytest.mark.parametrize(
    ("liked", "vote"),
    [
        (True, "up"),
        (False, "down"),
        (None, "withdrawn"),
        ("", "withdrawn"),
        ("custom option", None),
        (["up"], None),
        ("x" * 5000, None),
        ({"liked": True}, None),
    ],
)
def test_the_page_takes_only_its_own_votes(liked, vote):
    pytest.importorskip("gradio")
    from assistant.web.app import checked_vote

    assert checked_vote(liked) == vote


def test_concurrent_threads_never_mix_lines(tmp_path):
    target = tmp_path / "feedback.jsonl"
    question = "Hvornår er fristen? " * 200  # long lines are where interleaving would show

    def vote(worker: int) -> None:
        for n in range(25):
            record_feedback(f"{worker}-{n} {question}", _answer(), "up", path=target)

    threads = [threading.Thread(target=vote, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    records = read_feedback(target)  # every line parses
    assert len(records) == 200
    assert {r["question"].split()[0] for r in records} == {
        f"{w}-{n}" for w in range(8) for n in range(25)
    }


def _vote_in_process(path: str, worker: int) -> None:
    for n in range(20):
        record_feedback(f"p{worker}-{n} " + "x" * 5000, _answer(), "down", path=path)


def test_concurrent_processes_never_mix_lines(tmp_path):
    target = tmp_path / "feedback.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_vote_in_process, args=(str(target), w)) for w in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(read_feedback(target)) == 60


def test_a_10_mb_field_is_cut_to_the_field_limit_and_the_record_says_so(tmp_path):
    target = tmp_path / "feedback.jsonl"
    huge = "æ" * 10_000_000  # 10 M characters, 20 MB as UTF-8
    answer = _answer()
    stored = record_feedback(huge, answer, "x" * 10_000_000, path=target)
    limit = FeedbackLimits().max_field_chars
    assert len(stored["question"]) == limit
    assert stored["question"].endswith("…") and stored["question"].startswith("æææ")
    assert len(stored["vote"]) == limit
    assert stored["cut"] == ["vote", "question"]
    assert stored["answer"] == answer.text  # short fields are kept whole
    assert target.stat().st_size < 3 * limit * 2  # two cut fields, each at most 2 bytes a char
    assert read_feedback(target)[0]["question"] == stored["question"]


def test_citation_fields_and_their_number_are_capped():
    citation = replace(_answer().citations[0], quote="q" * 50_000)
    answer = replace(_answer(), citations=[citation] * 25)
    record = feedback_record("Hvornår?", answer, "up", limits=FeedbackLimits(max_field_chars=200))
    assert len(record["citations"]) == MAX_CITATIONS
    assert {len(c["quote"]) for c in record["citations"]} == {200}
    assert record["cut"] == ["citations.quote", "citations"]


def test_a_burst_of_votes_rotates_the_file_and_keeps_the_disk_bounded(tmp_path):
    target = tmp_path / "feedback.jsonl"
    limits = FeedbackLimits(max_field_chars=1000, max_bytes=20_000, keep=2)
    for n in range(300):  # about 1.4 kB a line: 420 kB if nothing were dropped
        record_feedback(f"{n} " + "spørgsmål " * 100, _answer(), "up", path=target, limits=limits)
    files = sorted(tmp_path.glob("feedback*.jsonl"))
    assert [f.name for f in files] == ["feedback.1.jsonl", "feedback.2.jsonl", "feedback.jsonl"]
    assert all(f.stat().st_size <= limits.max_bytes for f in files)
    assert sum(f.stat().st_size for f in files) <= (limits.keep + 1) * limits.max_bytes
    # What is kept is the newest votes, in order, every line whole.
    kept = [int(r["question"].split()[0]) for r in read_feedback(target)]
    assert kept == list(range(300 - len(kept), 300))
    assert len(kept) > 20


def test_keep_zero_starts_the_file_afresh(tmp_path):
    target = tmp_path / "feedback.jsonl"
    limits = FeedbackLimits(max_field_chars=1000, max_bytes=10_000, keep=0)
    for n in range(50):
        record_feedback(f"{n} " + "x" * 900, _answer(), "up", path=target, limits=limits)
    assert [f.name for f in tmp_path.glob("feedback*.jsonl")] == ["feedback.jsonl"]
    assert target.stat().st_size <= limits.max_bytes
    assert read_feedback(target)[-1]["question"].startswith("49 ")


def test_limits_come_from_the_environment_with_clear_errors(monkeypatch):
    assert FeedbackLimits.from_env({}) == FeedbackLimits()
    limits = FeedbackLimits.from_env(
        {
            "ASSISTANT_FEEDBACK_MAX_FIELD_CHARS": "500",
            "ASSISTANT_FEEDBACK_MAX_BYTES": "1000000",
            "ASSISTANT_FEEDBACK_KEEP": "0",
        }
    )
    assert limits == FeedbackLimits(max_field_chars=500, max_bytes=1_000_000, keep=0)
    with pytest.raises(ValueError, match="ASSISTANT_FEEDBACK_MAX_BYTES must be a whole number"):
        FeedbackLimits.from_env({"ASSISTANT_FEEDBACK_MAX_BYTES": "lots"})
    with pytest.raises(ValueError, match="ASSISTANT_FEEDBACK_MAX_FIELD_CHARS must be at least"):
        FeedbackLimits.from_env({"ASSISTANT_FEEDBACK_MAX_FIELD_CHARS": "3"})
    monkeypatch.setenv("ASSISTANT_FEEDBACK_MAX_FIELD_CHARS", "300")
    assert len(feedback_record("q" * 1000, _answer(), "up")["question"]) == 300
