"""A fixed set of answers, pinned: a change made for speed must change none of them.

The set (60 dev questions of every category in Danish, Polish, English, German and French,
answered and abstained, lists and follow-ups) and how to regenerate it after a change to
answering made on purpose: scripts/pin_answers.py.
"""

from __future__ import annotations

import importlib.util
import json

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


def test_the_pinned_items_are_dev_items_of_every_kind(pinned):
    items = pin_answers.pinned_set(pinned)
    assert [i["id"] for i in items] == [r["id"] for r in pinned]
    assert {i["category"] for i in items} >= {"follow_up", "list", "not_on_page", "fact"}
    assert {"da", "pl", "en"} <= {i["language"] for i in items}
    assert any(r["abstained"] for r in pinned) and any(not r["abstained"] for r in pinned)


def test_a_growing_dev_split_keeps_the_pinned_set(pinned, tmp_path):
    """The sealed split joins dev every round: that must not change what is pinned."""
    grown = tmp_path / "qa.jsonl"
    extra = {"id": "zz-appended", "question": "?", "category": "fact", "language": "da"}
    grown.write_text(pin_answers.DEV_SET.read_text("utf-8") + json.dumps(extra) + "\n", "utf-8")
    assert [i["id"] for i in pin_answers.pinned_set(pinned, grown)] == [r["id"] for r in pinned]
    shrunk = tmp_path / "shrunk.jsonl"
    lines = pin_answers.DEV_SET.read_text("utf-8").splitlines()
    shrunk.write_text("\n".join(x for x in lines if pinned[0]["id"] not in x) + "\n", "utf-8")
    with pytest.raises(KeyError, match=pinned[0]["id"]):
        pin_answers.pinned_set(pinned, shrunk)


def test_answers_are_unchanged(settings, pinned):
    actual = pin_answers.answer_all(settings, pin_answers.pinned_set(pinned))
    assert pin_answers.differences(pinned, actual) == []


def test_only_a_variant_recorded_for_another_cpu_passes_for_the_pinned_answer():
    pinned = [{"id": "a", "text": "First sentence. [1]", "citations": ["p/da/b005"]}]
    other = {"id": "a", "text": "Second sentence. [1]", "citations": ["p/da/b005"]}
    assert pin_answers.differences(pinned, [other]) == ["a: text differ"]
    recorded = [{**pinned[0], pin_answers.OTHER_CPUS: [{"text": "Second sentence. [1]"}]}]
    assert pin_answers.differences(recorded, [other]) == []
    assert pin_answers.differences(recorded, pinned) == []
    moved = {**other, "citations": ["p/da/b006"]}
    assert pin_answers.differences(recorded, [moved]) == ["a: text, citations differ"]
