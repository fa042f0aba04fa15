"""Answers say how current they are: each citation, the answer's --json and the source card
carry the date of the capture quoted, and the page footer says "pages as of ..."."""

from __future__ import annotations

import json

from _robust import run_cli

from assistant import ask
from assistant.web.render import source_card
from assistant.web.ui_text import footer_text

SHIPPED = "2026-11-22"  # corpus/manifest.json: the shipped captures' date


def test_an_answer_carries_the_date_of_the_capture_it_quotes(settings):
    answer = ask("Hvornår er fristen for interessetilkendegivelser?", settings=settings)
    assert not answer.abstained
    assert [c.captured for c in answer.citations] == [SHIPPED] * len(answer.citations)
    assert answer.as_of == SHIPPED
    card = source_card(answer.citations[0], "da")
    assert f"hentet {SHIPPED}" in card


def test_the_command_line_shows_the_date_and_json_carries_it(settings):
    question = "Kiedy mija termin wyrażenia zainteresowania?"
    shown = run_cli(settings, "ask", question)
    assert shown.returncode == 0, shown.stderr
    assert f"(pl, as of {SHIPPED})" in shown.stdout
    raw = run_cli(settings, "ask", "--json", question)
    answer = json.loads(raw.stdout)
    assert answer["as_of"] == SHIPPED
    assert answer["citations"][0]["captured"] == SHIPPED


def test_the_page_footer_says_pages_as_of(monkeypatch, settings):
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    assert footer_text("en").endswith(f"Pages as of {SHIPPED}.")
    assert footer_text("pl").endswith(f"Stan stron na {SHIPPED}.")
