"""What changed between two captures of the corpus, passage by passage.

Passages are compared in page order by their text: the same text is unchanged (its vector is
reused by text hash), a passage replaced by a similar one is reworded (shown with a word
diff), and the rest are added or removed. Written questions for a reworded or removed passage
are listed for review: they describe a sentence the page no longer has.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from assistant.ingest.chunking import Chunk
from assistant.ingest.written import text_hash

# Below this share of words in common, a replaced passage counts as removed plus added.
REWORDED_MIN_RATIO = 0.5


@dataclass(frozen=True)
class Change:
    """One passage that changed: kind is "added", "removed" or "reworded"."""

    kind: str
    page: str
    language: str
    old: str = ""
    new: str = ""
    old_id: str = ""
    new_id: str = ""

    def word_diff(self) -> str:
        """The reworded passage with removed words as [-...-] and added ones as {+...+}."""
        return word_diff(self.old, self.new)


@dataclass(frozen=True)
class ChangeReport:
    """Every change of one refresh, and the written questions that need a look."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    questions_to_review: list[tuple[str, str]] = field(default_factory=list)  # (passage, question)

    def count(self, kind: str) -> int:
        return sum(c.kind == kind for c in self.changes)

    def summary(self) -> str:
        return (
            f"{self.count('added')} added, {self.count('removed')} removed, "
            f"{self.count('reworded')} reworded, {self.unchanged} unchanged passages; "
            f"{len(self.questions_to_review)} written questions to review"
        )

    def render(self) -> str:
        """The report as text: a summary line, then each change."""
        lines = [self.summary()]
        for change in self.changes:
            where = f"{change.page}/{change.language}"
            if change.kind == "added":
                lines.append(f"+ added   {where} {change.new_id}: {change.new}")
            elif change.kind == "removed":
                lines.append(f"- removed {where} {change.old_id}: {change.old}")
            else:
                lines.append(f"~ reworded {where} {change.old_id}: {change.word_diff()}")
        for passage_id, question in self.questions_to_review:
            lines.append(f"? review question for {passage_id}: {question}")
        return "\n".join(lines) + "\n"


def compare(old: list[Chunk], new: list[Chunk], written: dict | None = None) -> ChangeReport:
    """The changes from `old` passages to `new` ones, page by page and language by language.

    `written` maps a passage text hash to the questions written for it (to flag for review).
    """
    written = written or {}
    changes: list[Change] = []
    unchanged = 0
    keys = list(dict.fromkeys((c.page, c.language) for c in [*old, *new]))
    for page, language in keys:
        before = [c for c in old if (c.page, c.language) == (page, language)]
        after = [c for c in new if (c.page, c.language) == (page, language)]
        matcher = difflib.SequenceMatcher(
            None, [c.text for c in before], [c.text for c in after], autojunk=False
        )
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                unchanged += i2 - i1
                continue
            gone, came = before[i1:i2], after[j1:j2]
            pairs = min(len(gone), len(came)) if op == "replace" else 0
            for a, b in zip(gone[:pairs], came[:pairs], strict=True):
                if a.text.split() == b.text.split():
                    unchanged += 1  # spacing only: the same words
                elif _similarity(a.text, b.text) >= REWORDED_MIN_RATIO:
                    changes.append(Change("reworded", page, language, a.text, b.text, a.id, b.id))
                else:
                    changes.append(Change("removed", page, language, old=a.text, old_id=a.id))
                    changes.append(Change("added", page, language, new=b.text, new_id=b.id))
            for a in gone[pairs:]:
                changes.append(Change("removed", page, language, old=a.text, old_id=a.id))
            for b in came[pairs:]:
                changes.append(Change("added", page, language, new=b.text, new_id=b.id))
    review = [
        (change.old_id, question)
        for change in changes
        if change.kind in ("reworded", "removed")
        for question in written.get(text_hash(change.old), [])
    ]
    return ChangeReport(changes, unchanged, review)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def word_diff(old: str, new: str) -> str:
    """`new` with the words `old` had instead marked [-removed-] and {+added+}."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)
