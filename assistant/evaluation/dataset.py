"""The hand-written Q&A set: items, loading, and checks that it still fits the corpus.

Gold passages are named by their text, not their id: each item carries, per page language, a
distinctive verbatim substring of every passage that answers it. A citation or a retrieved
passage is gold when its text contains one of them, so the set survives re-chunking (a new
chunk size or new ids) as long as the page says the same thing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from assistant.ingest.corpus import corpus_languages
from assistant.resources import data_dir

DEFAULT_SET = data_dir("eval") / "qa.jsonl"
# The sealed test split, in a file of its own so that developing on dev never shows it: its
# items are written once, committed, and read only by the evaluation when it reports.
SEALED_SET = data_dir("eval") / "test.jsonl"
# The set's questions are about the shipped corpus: its languages, from its manifest.
PAGE_LANGUAGES = corpus_languages(data_dir("corpus"))
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Item:
    """One question of the set, with what a right answer must show."""

    id: str
    language: str  # the question's language (ISO 639-1); the answer must be in it
    category: str  # fact, description, paraphrase, other_language, out_of_scope, follow_up...
    section: str  # the page section it is about ("none" for out-of-scope)
    question: str
    answerable: bool = True
    # page language -> verbatim substrings of the gold passages (any one is a hit)
    gold: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reference: str = ""
    # each fact is a string, or a tuple of alternatives (any one counts)
    key_facts: tuple[str | tuple[str, ...], ...] = ()
    history: tuple[str, ...] = ()  # earlier questions of the conversation, in order
    # substrings of passages a follow-up must not cite (the earlier turn's topic)
    not_gold: tuple[str, ...] = ()
    pair: str = ""  # shared by the Danish and Polish versions of one question
    # "dev" (weights and thresholds are chosen on it) or "test" (the numbers reported)
    split: str = "dev"

    def gold_for(self, language: str) -> tuple[str, ...]:
        """Gold substrings for passages in `language`; for a question in a language the pages
        are not in, the gold of every page language counts."""
        if self.language in self.gold and language != self.language:
            return ()
        return self.gold.get(language, ())

    @property
    def all_gold(self) -> tuple[str, ...]:
        return tuple(s for subs in self.gold.values() for s in subs)


def load_items(path: str | Path | None = None) -> list[Item]:
    """Read a JSON-lines Q&A set and check that every item is complete. Without a path, the
    project's set: the dev items (qa.jsonl) and the sealed test split (test.jsonl).

    Raises ValueError naming the line and what is wrong with it.
    """
    if path is None:
        paths = [DEFAULT_SET, *([SEALED_SET] if SEALED_SET.is_file() else [])]
        items = [item for p in paths for item in load_items(p)]
        counts = Counter(i.id for i in items)
        duplicated = sorted(i for i, n in counts.items() if n > 1)
        if duplicated:
            raise ValueError(f"{SEALED_SET}: ids also in {DEFAULT_SET.name}: {duplicated[:5]}")
        return items
    items: list[Item] = []
    seen: set[str] = set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = _item(json.loads(line))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: not a valid item ({exc})") from exc
        problem = _problem(item, seen)
        if problem:
            raise ValueError(f"{path}:{number}: {item.id}: {problem}")
        seen.add(item.id)
        items.append(item)
    return items


def _item(raw: dict) -> Item:
    return Item(
        id=raw["id"],
        language=raw["language"],
        category=raw["category"],
        section=raw.get("section", ""),
        question=raw["question"],
        answerable=bool(raw.get("answerable", True)),
        gold={lang: tuple(subs) for lang, subs in raw.get("gold", {}).items()},
        reference=raw.get("reference", ""),
        key_facts=tuple(tuple(f) if isinstance(f, list) else f for f in raw.get("key_facts", [])),
        history=tuple(raw.get("history", [])),
        not_gold=tuple(raw.get("not_gold", [])),
        pair=raw.get("pair", ""),
        split=raw.get("split", "dev"),
    )


def _problem(item: Item, seen: set[str]) -> str:
    if item.id in seen:
        return "duplicate id"
    if item.split not in SPLITS:
        return f"split must be one of {', '.join(SPLITS)}"
    if not item.question.strip():
        return "empty question"
    if item.answerable and not item.all_gold:
        return "answerable but no gold passage"
    if not item.answerable and item.key_facts:
        return "out-of-scope items have no key facts"
    return ""


def find_gold_passages(items: list[Item], passages) -> dict[str, list[str]]:
    """For each gold substring, the ids of the passages (chunks with .id, .language, .text)
    that hold it: a substring that matches none or several no longer names one passage."""
    found: dict[str, list[str]] = {}
    for item in items:
        for language, subs in item.gold.items():
            for sub in subs:
                key = f"{language}:{sub}"
                if key not in found:
                    found[key] = [
                        p.id for p in passages if p.language == language and contains(p.text, sub)
                    ]
    return found


def normalise(text: str) -> str:
    """Case- and whitespace-insensitive form for substring checks."""
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def contains(text: str, substring: str) -> bool:
    return normalise(substring) in normalise(text)
