"""A fixed set of answers, pinned: a change made for speed must change none of them.

The set (60 dev questions of every category in Danish, Polish, English, German and French,
answered and abstained, lists and follow-ups) and how to regenerate it after a change to
answering made on purpose: scripts/pin_answers.py.
"""

from __future__ import annotations

import importlib.util

import pytest

from assistant.resources import PROJECT_DIR

_spec = importlib.util.spec_from_file_location(
    "pin_answers", PROJECT_DIR / "scripts" / "pin_answers.py"
)
pin_answers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pin_answers)


@pytest.fixture(scope="module")
def pinned() -> list[dict]:
    return pin_answers.read_pinned()


def test_the_pinned_set_is_the_set_chosen_now(pinned):
    chosen = pin_answers.pinned_items()
    assert [r["id"] for r in pinned] == [i["id"] for i in chosen]
    assert {i["category"] for i in chosen} >= {"follow_up", "list", "not_on_page", "fact"}
    assert {"da", "pl", "en"} <= {i["language"] for i in chosen}
    assert any(r["abstained"] for r in pinned) and any(not r["abstained"] for r in pinned)


def test_answers_are_unchanged(settings, pinned):
    actual = pin_answers.answer_all(settings)
    assert pin_answers.differences(pinned, actual) == []
    assert actual == pinned
