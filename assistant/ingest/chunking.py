"""Structure-aware chunking: a page's blank-line blocks become passages.

The captures are plain text whose blocks mirror the page's HTML: headings are short blocks of
their own, paragraphs are blocks, bullet lists are blocks of "•" lines, and image descriptions
are indented blocks. Each paragraph and each bullet item is a passage; the heading above it is
its section. Site chrome (everything before the page title) and image descriptions are dropped.
Block i of one language is the translation of block i of another, so a passage's id is built
from its block (and item) position, and its translation's id differs only in the language.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from assistant.ingest.corpus import Page

logger = logging.getLogger(__name__)

BULLET = "•"
# A heading whose level the capture kept (`assistant refresh` writes "## Opgaver").
_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|/)[^)\s]*\)")
_MARKED_HEADING = re.compile(r"(#{1,6})\s+(\S.*?)\s*$")
_HEADING_MAX_WORDS = 14


@dataclass(frozen=True)
class Chunk:
    """A passage: one paragraph or one bullet item of one page in one language."""

    id: str
    page: str
    language: str
    url: str
    title: str
    section: str
    position: int  # order of the passage on its page
    block: int  # index of the blank-line block it comes from
    item: int | None  # bullet index within the block, None for a paragraph
    text: str  # the passage as it stands on the page (quoted verbatim)
    context: str = ""  # the lead-in of a bullet list, for search only
    translations: dict[str, str] = field(default_factory=dict)  # language -> passage id
    captured: str = ""  # the date of the page's capture (ISO), "" when not recorded

    @property
    def search_text(self) -> str:
        """What retrieval sees: section and lead-in give a short passage its subject."""
        return "\n".join(part for part in (self.section, self.context, self.text) if part)


def chunk_id(page: str, language: str, block: int, item: int | None) -> str:
    """Stable id from position: unchanged pages give unchanged ids, translations align."""
    suffix = f"b{block:03d}" + (f".{item:02d}" if item is not None else "")
    return f"{page}/{language}/{suffix}"


def split_blocks(text: str) -> list[str]:
    """Blank-line separated blocks, keeping whitespace-only blocks so positions align."""
    return re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip("\n"))


def _kind(block: str) -> str:
    lines = [line for line in block.split("\n") if line.strip()]
    if not lines:
        return "empty"
    if all(line.lstrip().startswith(BULLET) for line in lines):
        return "bullets"
    if len(lines) == 1 and _MARKED_HEADING.match(lines[0]):
        return "marked heading"
    if all(line[:1].isspace() for line in lines):
        # Indented blocks are the images' alt texts: never passages, never answers.
        return "image"
    text = " ".join(line.strip() for line in lines)
    if (
        len(lines) == 1
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not re.search(r"[.:!?]$", text)
    ):
        return "heading"
    return "paragraph"


def chunk_page(page: Page) -> list[Chunk]:
    """Cut one page into passages (translation links are added by `link_translations`)."""
    blocks = split_blocks(page.text)
    # Everything before the block that equals the page title is site chrome.
    start = next(
        (i for i, b in enumerate(blocks) if b.strip().lstrip("#").strip() == page.title.strip()),
        0,
    )
    chunks: list[Chunk] = []
    section = page.title
    heading_run: list[str] = []  # consecutive headings: a parent and its subheading
    # Headings with their levels, from a capture made from HTML ("## Opgaver"): every list
    # sits under its own heading and its parent's, wherever it stands.
    outline: list[tuple[int, str]] = []
    lead_in = ""
    for index in range(start, len(blocks)):
        block = blocks[index]
        kind = _kind(block)
        if kind in ("empty", "image"):
            continue
        if kind == "marked heading":
            marks, heading = _MARKED_HEADING.match(block.strip()).groups()
            level = len(marks)
            if level > 1 or heading != page.title.strip():
                while outline and outline[-1][0] >= level:
                    outline.pop()
                outline.append((level, heading))
                section = " › ".join(text for _, text in outline[-2:])
            lead_in = ""
            continue
        if kind == "heading":
            heading = block.strip()
            heading_run.append(heading)
            section = " › ".join(heading_run[-2:])
            lead_in = ""
            continue
        heading_run = []
        if kind == "bullets":
            items = [_unlinked(line.strip().lstrip(BULLET).strip()) for line in block.split("\n")]
            for item_index, item_text in enumerate(i for i in items if i):
                chunks.append(
                    _passage(page, section, index, item_index, item_text, lead_in, len(chunks))
                )
            continue
        text = _unlinked(" ".join(line.strip() for line in block.split("\n")))
        chunks.append(_passage(page, section, index, None, text, "", len(chunks)))
        # A paragraph ending in a colon introduces the bullet list that follows.
        lead_in = text if text.endswith(":") else ""
    return chunks


def _unlinked(text: str) -> str:
    """A passage as it reads: a capture's link "[text](url)" is its text (the capture keeps
    the address; a quote does not show it)."""
    return _LINK.sub(r"\1", text)


def _passage(
    page: Page, section: str, block: int, item: int | None, text: str, context: str, position: int
) -> Chunk:
    return Chunk(
        id=chunk_id(page.page, page.language, block, item),
        page=page.page,
        language=page.language,
        url=page.url,
        title=page.title,
        section=section,
        position=position,
        block=block,
        item=item,
        text=text,
        context=context,
        captured=page.captured,
    )


def link_translations(chunks: list[Chunk]) -> list[Chunk]:
    """Link each passage to the passage at the same block/item of the same page elsewhere.

    Only translations whose passages sit at the same positions are linked: a page whose
    blocks do not line up with its other language (a paragraph added or split in one capture)
    would link passages that say different things, so its links are dropped, with a warning
    that names the page and the languages.
    """
    layouts: dict[str, dict[str, tuple]] = {}
    for chunk in chunks:
        layouts.setdefault(chunk.page, {}).setdefault(chunk.language, ())
        layouts[chunk.page][chunk.language] += ((chunk.block, chunk.item),)
    by_position: dict[tuple[str, int, int | None], dict[str, str]] = {}
    for chunk in chunks:
        by_position.setdefault((chunk.page, chunk.block, chunk.item), {})[chunk.language] = chunk.id
    linked = []
    for chunk in chunks:
        mine = layouts[chunk.page][chunk.language]
        others = {
            lang: cid
            for lang, cid in by_position[(chunk.page, chunk.block, chunk.item)].items()
            if lang != chunk.language and layouts[chunk.page][lang] == mine
        }
        linked.append(replace(chunk, translations=others))
    for page, by_language in layouts.items():
        _warn_misaligned(page, by_language)
    return linked


def _warn_misaligned(page: str, layouts: dict[str, tuple]) -> None:
    languages = sorted(layouts)
    for i, a in enumerate(languages):
        for b in languages[i + 1 :]:
            if layouts[a] != layouts[b]:
                logger.warning(
                    "corpus: page %r: the %s and %s passages do not line up block by block "
                    "(%d and %d passages); their translation links are dropped.",
                    page,
                    a,
                    b,
                    len(layouts[a]),
                    len(layouts[b]),
                )


def chunk_pages(pages: list[Page]) -> list[Chunk]:
    """All passages of all pages, with translation links."""
    chunks = [chunk for page in pages for chunk in chunk_page(page)]
    return link_translations(chunks)
