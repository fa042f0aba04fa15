"""The page's bullet lists: the items a passage belongs to or introduces, and the lead-in
that introduces them.

The captures keep a list as a lead-in paragraph ("AI-kontoret ... ved at:") and a block of
"•" items, each item its own passage that carries the lead-in as its context (`chunking`).
Passage ids are positions, so a list is found by id, not by searching.
"""

from __future__ import annotations

from assistant.analysis.text import sentences
from assistant.ingest.chunking import Chunk, chunk_id

# How far from a lead-in its list may start (blank and image blocks can stand between).
_LEAD_IN_REACH = 3


def list_items(chunk: Chunk, passages: dict[str, Chunk]) -> list[Chunk]:
    """The items of the bullet list `chunk` belongs to or introduces, in page order.

    Passage ids are positions (`chunk_id`), so the items are looked up by id: the cost is
    the list's length, not the index's size."""
    if chunk.item is not None:
        block = chunk.block
    else:
        # A lead-in introduces the bullet block that follows it on its page.
        block = next(
            (
                b
                for b in range(chunk.block + 1, chunk.block + 1 + _LEAD_IN_REACH)
                if (first := passages.get(chunk_id(chunk.page, chunk.language, b, 0)))
                and first.context == chunk.text
            ),
            None,
        )
        if block is None:
            return []
    items = []
    while item := passages.get(chunk_id(chunk.page, chunk.language, block, len(items))):
        items.append(item)
    return items


def lead_in_of(items: list[Chunk], passages: dict[str, Chunk]) -> Chunk | None:
    """The paragraph that introduces a list (its items carry its text as context)."""
    if not items or not items[0].context:
        return None
    first = items[0]
    for block in range(first.block - 1, first.block - 1 - _LEAD_IN_REACH, -1):
        lead = passages.get(chunk_id(first.page, first.language, block, None))
        if lead is not None and lead.text == first.context:
            return lead
    return None


def is_lead_in(chunk: Chunk, sentence: str, passages: dict[str, Chunk]) -> bool:
    """Whether the sentence introduces a bullet list: it ends in ":" and its passage has
    items after it."""
    return sentence.rstrip().endswith(":") and bool(list_items(chunk, passages))


def list_block(chunk: Chunk, passages: dict[str, Chunk]) -> tuple[str, int] | None:
    """Which list a passage belongs to (as its item or its lead-in), or None."""
    items = list_items(chunk, passages)
    return (items[0].page + items[0].language, items[0].block) if items else None


def lead_sentence(lead: Chunk) -> str:
    """The sentence of a lead-in paragraph that introduces the list: its last one."""
    found = sentences(lead.text)
    return found[-1] if found else lead.text
