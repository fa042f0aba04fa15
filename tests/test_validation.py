"""One validation layer for every way in: bad language codes, histories and types get a
clear reply naming the field and its position, in the question's language, quoting at most
80 characters; the log gets kinds and sizes, never the value; the next question is answered."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from _robust import DEADLINE, assert_deadline

from assistant import ask
from assistant.resources import PROJECT_DIR
from assistant.validation import (
    QUOTE_CHARS,
    InvalidInput,
    check_history_triples,
    check_language,
    check_vote,
    quote,
)

KNOWN = {"da", "pl", "en"}


@pytest.mark.parametrize(
    "language,field_says",
    [
        (["da"], "language: forventede en sprogkode, fik en liste."),
        ("xx", "language: “xx” er ikke et sprog, jeg svarer på"),
        (5, "language: forventede en sprogkode, fik et tal."),
        ("da" * 50, "language: forventede en sprogkode, fik “dadada"),
    ],
)
def test_a_bad_language_gets_a_clear_reply_in_the_questions_language(
    settings, language, field_says
):
    answer = ask(DEADLINE["da"][0], language=language, settings=settings)
    assert answer.abstained and answer.citations == []
    assert answer.reason == "invalid_input" and answer.language == "da"
    assert answer.text.startswith("Jeg kunne ikke læse forespørgslen. ")
    assert field_says in answer.text
    assert_deadline(ask(DEADLINE["da"][0], settings=settings), "da")


def test_the_reply_is_polish_for_a_polish_question_and_english_without_words(settings):
    polish = ask(DEADLINE["pl"][0], language="xx", settings=settings)
    assert polish.language == "pl" and polish.text.startswith("Nie mogłem odczytać zapytania.")
    empty = ask("", language="xx", settings=settings)
    assert empty.language == "en" and "language: “xx” is not a language" in empty.text


def test_known_codes_are_taken_in_any_case(settings):
    assert_deadline(ask(DEADLINE["pl"][0], language=" PL ", settings=settings), "pl")


def test_3000_history_turns_are_answered_right_from_the_last_ten(settings):
    earlier = ask("Hvad er AI-pagten?", settings=settings)
    history = [("Hvad er AI-pagten?", earlier)] * 3000
    assert_deadline(ask(DEADLINE["pl"][0], history, settings=settings), "pl")


def test_a_200000_character_turn_is_named_and_quoted_short(settings, caplog):
    caplog.set_level(logging.DEBUG)
    answer = ask(DEADLINE["da"][0], ["x" * 200_000], settings=settings)
    assert answer.reason == "invalid_input"
    assert "history[0]: forventede et par (spørgsmål, Answer)" in answer.text
    assert len(answer.text) < 300
    assert "x" * 100 not in caplog.text and len(caplog.text) < 2048


def test_positions_count_from_the_start_of_the_whole_history():
    triples = [["q", "a", "da"]] * 20 + [["q", "a", "zz"]]
    settings = type("S", (), {"max_history_turns": 10, "max_turn_chars": 4000})()
    with pytest.raises(InvalidInput) as raised:
        check_history_triples(triples, settings, KNOWN)
    assert raised.value.problem.field == "history[20][2]"


def test_only_the_last_turns_are_read_and_each_is_cut():
    settings = type("S", (), {"max_history_turns": 10, "max_turn_chars": 50})()
    # An old broken turn is ignored, not read.
    triples = [["broken"]] + [["q" * 80, "a", "pl"]] * 12
    checked = check_history_triples(triples, settings, KNOWN)
    assert len(checked.history) == 10 and checked.turns_ignored == 3
    assert checked.turns_cut == 10 and all(len(q) == 50 for q, _ in checked.history)
    assert checked.history[-1][1].language == "pl"


def test_quotes_are_cut_and_other_values_named_by_kind():
    assert quote("x" * 1000) == "“" + "x" * (QUOTE_CHARS - 1) + "…”"
    assert quote(["a"]) == "list" and quote(None) == "nothing" and quote({}) == "object"
    assert check_language("", KNOWN) is None and check_language(None, KNOWN) is None


def test_a_vote_is_one_of_the_choices():
    assert check_vote("up", ("up", "down")) == "up"
    with pytest.raises(InvalidInput, match="vote: expected a vote"):
        check_vote("x" * 5000, ("up", "down"))


def test_the_command_line_gets_the_same_reply(settings):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(settings.index_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--language", "xx", DEADLINE["pl"][0]],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "language: “xx” to nie jest język" in result.stdout
