"""`assistant refresh`: new dated captures of the manifest's pages, what changed, a new build.

A refresh fetches every page first (`fetch.py`); if any fails, nothing is written. Then each
page's new capture is written beside the old one (`ai-office.da.2026-12-03.txt`, never over
a file), the manifest points at it and remembers the one before (`previous`), the change
report is printed and written to `corpus/changes/`, and the index is rebuilt as `ingest`
does: atomically, reusing the vectors of unchanged passages. `restore` points the manifest
back at the previous captures. The manifest is replaced in one rename, so a crash leaves it
either as it was or as it should be.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.errors import CorpusError
from assistant.ingest.changes import ChangeReport, compare
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import MANIFEST_NAME, load_pages
from assistant.ingest.fetch import TIMEOUT_S, fetch_pages
from assistant.ingest.written import questions_paths
from assistant.resources import PACKAGE_DIR
from assistant.settings import Settings

CHANGES_DIR = "changes"


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh found and did."""

    changes: ChangeReport
    change_file: Path | None  # None on a dry run
    captures: list[Path]  # the new capture files (none on a dry run or when nothing changed)
    build: object | None = None  # the ingestion's BuildReport, None on a dry run


def refresh(
    settings: Settings | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    timeout: float = TIMEOUT_S,
    progress: bool = False,
) -> RefreshReport:
    """Fetch the manifest's pages, report what changed and, unless `dry_run`, write the new
    captures and rebuild the index. Raises FetchError (nothing written) when a page cannot be
    fetched, CorpusError when the corpus is not valid."""
    from assistant.index.builds import ingest

    settings = settings or Settings.from_env()
    corpus = _writable_corpus(Path(settings.corpus_dir))
    manifest = _read_manifest(corpus)
    old_pages = load_pages(corpus)
    fetched = fetch_pages([entry["url"] for entry in manifest["pages"]], timeout=timeout)
    new_pages = [
        replace(page, text=item.text) for page, item in zip(old_pages, fetched, strict=True)
    ]
    old_chunks, new_chunks = chunk_pages(old_pages), chunk_pages(new_pages)
    report = compare(old_chunks, new_chunks, _written_by_hash(corpus, old_pages))
    if dry_run:
        return RefreshReport(report, None, [])
    today = today or dt.date.today()
    captures = []
    # A capture is written when the page's text changed at all (headings and spacing too),
    # even when no passage did.
    if any(new.text != old.text for new, old in zip(new_pages, old_pages, strict=True)):
        for entry, page in zip(manifest["pages"], new_pages, strict=True):
            target = _dated_name(corpus, entry["file"], today)
            target.write_text(page.text, encoding="utf-8")
            captures.append(target)
            previous = {"file": entry["file"], "captured": entry.get("captured", "")}
            entry["previous"] = [*entry.get("previous", []), previous]
            entry["file"], entry["captured"] = target.name, today.isoformat()
        _write_manifest(corpus, manifest)
    change_file = _write_change_file(corpus, report, today)
    build = ingest(settings, progress=progress)
    return RefreshReport(report, change_file, captures, build)


def restore(settings: Settings | None = None, progress: bool = False):
    """Point every page back at its previous capture and rebuild; the newer captures stay on
    disk. Raises CorpusError when no page has a previous capture."""
    from assistant.index.builds import ingest

    settings = settings or Settings.from_env()
    corpus = _writable_corpus(Path(settings.corpus_dir))
    manifest = _read_manifest(corpus)
    if not any(entry.get("previous") for entry in manifest["pages"]):
        raise CorpusError(f"{corpus / MANIFEST_NAME}: no previous capture to restore.")
    for entry in manifest["pages"]:
        if entry.get("previous"):
            *rest, last = entry["previous"]
            entry["previous"] = rest
            entry["file"] = last["file"]
            if last.get("captured"):
                entry["captured"] = last["captured"]
            else:
                entry.pop("captured", None)
    _write_manifest(corpus, manifest)
    return ingest(settings, progress=progress)


def _writable_corpus(corpus: Path) -> Path:
    """The corpus folder, unless it is the one inside the installed package (never written)."""
    if corpus.resolve().is_relative_to(PACKAGE_DIR.resolve()):
        raise CorpusError(
            f"{corpus}: the corpus shipped inside the package is never changed. Copy it to a "
            "folder of your own and point ASSISTANT_CORPUS_DIR (or --corpus-dir) at it."
        )
    return corpus


def _read_manifest(corpus: Path) -> dict:
    path = corpus / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: not a readable manifest ({exc}).") from exc


def _write_manifest(corpus: Path, manifest: dict) -> None:
    path = corpus / MANIFEST_NAME
    partial = path.with_name(f".{MANIFEST_NAME}.{os.getpid()}")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    os.replace(partial, path)


def _dated_name(corpus: Path, file: str, today: dt.date) -> Path:
    """`ai-office.da.txt` -> `ai-office.da.2026-12-03.txt`, with -2, -3 ... when taken."""
    stem, _, suffix = file.rpartition(".")
    parts = stem.split(".")
    if len(parts) > 2:  # already dated: replace the date
        stem = ".".join(parts[:2])
    base = f"{stem}.{today.isoformat()}"
    candidate, n = corpus / f"{base}.{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = corpus / f"{base}-{n}.{suffix}"
    return candidate


def _write_change_file(corpus: Path, report: ChangeReport, today: dt.date) -> Path:
    folder = corpus / CHANGES_DIR
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%H%M%S")
    path = folder / f"{today.isoformat()}T{stamp}.txt"
    path.write_text(report.render(), encoding="utf-8")
    return path


def _written_by_hash(corpus: Path, pages) -> dict[str, list[str]]:
    """Text hash -> the questions written for the passage with that text."""
    found: dict[str, list[str]] = {}
    for path in (p for page in pages for p in questions_paths(corpus, page)):
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))["passages"]
        except (OSError, json.JSONDecodeError, KeyError, TypeError):
            continue  # ingestion reports a bad questions file; the refresh reads what it can
        for entry in entries:
            questions = [q for qs in entry.get("questions", {}).values() for q in qs]
            found.setdefault(entry.get("text_sha256", ""), []).extend(questions)
    return found
