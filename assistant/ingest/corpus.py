"""The corpus: source pages on disk and the manifest that says what each one is.

`corpus/manifest.json` names each page's file, language, URL and title. Pages that share a
`page` key are translations of each other, block by block.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.analysis.text import language_gaps
from assistant.errors import CorpusError

MANIFEST_NAME = "manifest.json"
# Any language is read (`language_warnings` says how well); a code must still be a code.
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class Page:
    """One source page in one language."""

    file: str
    page: str
    language: str
    url: str
    title: str
    text: str
    captured: str = ""  # the capture's date (ISO), from the manifest; "" when not recorded


def load_pages(corpus_dir: str | Path) -> list[Page]:
    """Read the manifest and every page it names.

    Raises CorpusError naming the file and what is wrong with it, so that ingestion can stop
    before it touches the existing index.
    """
    corpus_dir = Path(corpus_dir)
    manifest_path = corpus_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise CorpusError(f"{manifest_path}: manifest not found; create it with a 'pages' list.")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["pages"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise CorpusError(f"{manifest_path}: not a valid manifest ({exc}).") from exc

    pages: list[Page] = []
    seen: dict[tuple[str, str], str] = {}
    seen_text: dict[str, str] = {}
    for entry in entries:
        try:
            file, page_key, language = entry["file"], entry["page"], entry["language"]
            url, title = entry["url"], entry["title"]
        except (KeyError, TypeError) as exc:
            raise CorpusError(f"{manifest_path}: entry {entry!r} lacks field {exc}.") from exc
        path = corpus_dir / file
        if not isinstance(language, str) or not _LANGUAGE_CODE.fullmatch(language):
            raise CorpusError(
                f"{path}: language {language!r} is not supported: give its ISO 639-1 code "
                "(e.g. 'da', 'el', 'pl')."
            )
        if not path.is_file():
            raise CorpusError(f"{path}: named in the manifest but the file does not exist.")
        text = path.read_text(encoding="utf-8")
        if not text.strip():
            raise CorpusError(f"{path}: the file is empty.")
        if (page_key, language) in seen:
            raise CorpusError(
                f"{path}: duplicate page: {page_key!r} in {language!r} is already "
                f"{seen[(page_key, language)]}."
            )
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in seen_text:
            raise CorpusError(f"{path}: duplicate page: same text as {seen_text[digest]}.")
        seen[(page_key, language)] = file
        seen_text[digest] = file
        captured = str(entry.get("captured", ""))
        pages.append(Page(file, page_key, language, url, title, text, captured))
    if not pages:
        raise CorpusError(f"{manifest_path}: the manifest lists no pages.")
    return pages


def language_warnings(pages: list[Page]) -> list[str]:
    """One line per page language this project knows only partly: what is missing, so that
    whoever adds the page knows how it will be read (it is read all the same)."""
    return [
        f"language {language!r} ({', '.join(p.file for p in pages if p.language == language)}): "
        f"{gap}"
        for language in page_languages(pages)
        for gap in language_gaps(language)
    ]


def page_languages(pages: list[Page]) -> list[str]:
    """The pages' languages, in manifest order."""
    return list(dict.fromkeys(p.language for p in pages))


def capture_dates(corpus_dir: str | Path) -> tuple[str, ...]:
    """The capture dates the manifest records, oldest first (empty when none is)."""
    try:
        manifest = json.loads((Path(corpus_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        return tuple(sorted({str(e["captured"]) for e in manifest["pages"] if e.get("captured")}))
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return ()


def corpus_languages(corpus_dir: str | Path) -> tuple[str, ...]:
    """The languages of the corpus's pages, in manifest order, read from its manifest alone:
    the one place page languages come from (the page's language choice, the evaluation).
    Empty when there is no readable manifest."""
    try:
        manifest = json.loads((Path(corpus_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        return tuple(dict.fromkeys(str(entry["language"]) for entry in manifest["pages"]))
    except (OSError, json.JSONDecodeError, KeyError, TypeError):
        return ()


def corpus_fingerprint(pages: list[Page]) -> str:
    """A hash of everything about the pages that changes the index."""
    digest = hashlib.sha256()
    for page in sorted(pages, key=lambda p: (p.page, p.language)):
        parts = (page.file, page.page, page.language, page.url, page.title, page.text)
        # The capture date is shown with every quote: a new date is a new build.
        for part in (*parts, page.captured) if page.captured else parts:
            digest.update(part.encode())
            digest.update(b"\0")
    return digest.hexdigest()[:16]
