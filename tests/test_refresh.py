"""`assistant refresh` against a local HTTP server serving pages made for the test from the
shipped captures as HTML: the change report is exactly what was changed, only changed passages
are embedded again, a 404 or a page that never answers leaves the corpus untouched with a
one-line message, and the previous captures come back with one command."""

from __future__ import annotations

import datetime as dt
import html
import http.server
import json
import threading
import time
from dataclasses import replace

import pytest
from _robust import copy_index, run_cli, snapshot

from assistant import ask
from assistant.ingest.chunking import _kind, split_blocks
from assistant.ingest.corpus import load_pages
from assistant.ingest.fetch import FetchError
from assistant.ingest.refresh import refresh, restore
from assistant.resources import PROJECT_DIR

# The passage reworded on the Danish page, and how; a paragraph added after it.
REWORDED_FROM = "vil være centrum for AI-ekspertise i hele EU"
REWORDED_TO = "er centrum for AI-ekspertise i hele Den Europæiske Union"
ADDED = "AI-kontoret holder åbent hus for borgere hver første tirsdag i måneden."


def send_html(handler: http.server.BaseHTTPRequestHandler, body: str) -> None:
    """Answer a GET of the test's stand-in site with an HTML page."""
    data = body.encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def page_html(language: str, reword: bool = False, add: bool = False) -> str:
    """The shipped capture as an HTML page: site chrome, then the title as <h1>, headings as
    <h2>, paragraphs, and bullet blocks as lists; image captions left out."""
    page = next(p for p in load_pages(PROJECT_DIR / "corpus") if p.language == language)
    blocks = split_blocks(page.text)
    start = next(i for i, b in enumerate(blocks) if b.strip() == page.title)
    body = [f"<h1>{html.escape(page.title)}</h1>"]
    for block in blocks[start + 1 :]:
        kind = _kind(block)
        text = " ".join(line.strip() for line in block.split("\n"))
        if kind == "heading":
            body.append(f"<h2>{html.escape(text)}</h2>")
        elif kind == "bullets":
            items = [line.strip().lstrip("•").strip() for line in block.split("\n") if line.strip()]
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        elif kind == "paragraph":
            if reword and REWORDED_FROM in text:
                text = text.replace(REWORDED_FROM, REWORDED_TO)
            body.append(f"<p>{html.escape(text)}</p>")
            if add and reword and REWORDED_TO in text:
                body.append(f"<p>{html.escape(ADDED)}</p>")
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{html.escape(page.title)}</title></head><body>"
        '<header><nav><a href="#main">Skip to main content</a> <a href="/">Home</a></nav>'
        f'</header><main id="main"><article>{"".join(body)}</article></main>'
        "<footer><p>© European Union</p></footer></body></html>"
    )


class Site:
    """What the local server serves, changed by the tests between refreshes."""

    def __init__(self):
        self.pages = {"/da": page_html("da"), "/pl": page_html("pl")}
        self.missing: set[str] = set()
        self.silent: set[str] = set()
        self.requests: list[str] = []


@pytest.fixture(scope="module")
def server():
    site = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            site.requests.append(self.path)
            if self.path in site.silent:
                time.sleep(3)  # longer than the refresh's time-out: it never answers in time
                return
            body = site.pages.get(self.path)
            if body is None or self.path in site.missing:
                self.send_error(404)
                return
            send_html(self, body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def local(settings, tmp_path, server):
    """A private copy of the index and corpus whose manifest points at the local server."""
    site, base = server
    site.pages = {"/da": page_html("da"), "/pl": page_html("pl")}
    site.missing, site.silent = set(), set()
    # its own empty vector cache: what a refresh encodes is what it finds changed
    mine = replace(copy_index(settings, tmp_path), vector_cache_dir=tmp_path / "vectors")
    manifest_path = mine.corpus_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    for entry in manifest["pages"]:
        entry["url"] = f"{base}/{entry['language']}"
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return mine, site


def test_a_refresh_reports_exactly_what_changed_and_embeds_only_that(local):
    mine, site = local
    first = refresh(mine)  # from the plain-text captures to captures with heading levels
    assert len(first.captures) == 2 and all(p.exists() for p in first.captures)
    assert (mine.corpus_dir / "ai-office.da.txt").exists()  # the old capture stays beside it
    manifest = json.loads((mine.corpus_dir / "manifest.json").read_text("utf-8"))
    assert [e["previous"][-1]["file"] for e in manifest["pages"]] == [
        "ai-office.da.txt",
        "ai-office.pl.txt",
    ]
    capture = first.captures[0].read_text("utf-8")
    assert "## AI-kontorets opgaver" in capture and " • " in capture
    assert "Skip to main content" not in capture

    site.pages["/da"] = page_html("da", reword=True, add=True)
    before = snapshot(mine.corpus_dir)
    dry = refresh(mine, dry_run=True)
    assert snapshot(mine.corpus_dir) == before  # a dry run writes nothing
    second = refresh(mine)
    assert dry.changes.render() == second.changes.render()

    changes = second.changes.changes
    assert [(c.kind, c.language) for c in changes] == [("reworded", "da"), ("added", "da")]
    reworded, added = changes
    assert reworded.word_diff().startswith(
        "Det Europæiske AI-kontor [-vil være-] {+er+} centrum for AI-ekspertise i hele "
        "[-EU.-] {+Den Europæiske Union.+}"
    )
    assert added.new == ADDED
    assert second.changes.count("removed") == 0
    # Only the two changed passages are embedded again; every other vector is reused.
    assert second.build.embedded == 2
    assert second.build.reused_embeddings == second.build.passages - 2
    # The written questions of the reworded passage (keyed by its old text) need a look.
    to_review = {q for _, q in second.changes.questions_to_review}
    assert "Hvad laver EU's AI-kontor egentlig?" in to_review
    # ...every author's: the second author's file too
    assert "Er AI-kontoret EU's knudepunkt for viden om AI?" in to_review
    report_file = second.change_file.read_text("utf-8")
    assert report_file == second.changes.render()
    assert report_file.startswith("1 added, 0 removed, 1 reworded, ")

    answer = ask("Hvad er AI-kontoret centrum for?", settings=mine)
    assert not answer.abstained
    assert "Den Europæiske Union" in answer.text
    # The answer carries the date of the capture it quotes.
    assert answer.citations[0].captured == dt.date.today().isoformat()
    assert answer.to_dict()["as_of"] == dt.date.today().isoformat()

    restored = restore(mine)
    assert restored.changed
    manifest = json.loads((mine.corpus_dir / "manifest.json").read_text("utf-8"))
    assert manifest["pages"][0]["file"] == first.captures[0].name
    answer = ask("Hvad er AI-kontoret centrum for?", settings=mine)
    assert "Den Europæiske Union" not in answer.text


@pytest.mark.parametrize("failure", ["missing", "silent"])
def test_a_page_that_fails_leaves_the_corpus_and_the_index_untouched(local, failure):
    mine, site = local
    getattr(site, failure).add("/pl")
    corpus_before, index_before = snapshot(mine.corpus_dir), snapshot(mine.index_dir)
    with pytest.raises(FetchError) as raised:
        refresh(mine, timeout=0.5)
    message = str(raised.value)
    assert message.startswith(
        f"{json.loads((mine.corpus_dir / 'manifest.json').read_text())['pages'][1]['url']}: "
    )
    expected = "HTTP 404 Not Found" if failure == "missing" else "timed out after 3 attempts"
    assert expected in message and message.endswith("the corpus is unchanged.")
    assert snapshot(mine.corpus_dir) == corpus_before
    assert snapshot(mine.index_dir) == index_before

    result = run_cli(mine, "refresh", "--quiet", "--timeout", "0.5")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("Fetching ")]
    assert len(errors) == 1 and errors[0].startswith("error: http://127.0.0.1:"), result.stderr
    assert expected in errors[0]
    assert snapshot(mine.corpus_dir) == corpus_before


def test_restore_without_a_previous_capture_says_so(local):
    mine, _ = local
    result = run_cli(mine, "refresh", "--restore")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("manifest.json: no previous capture to restore.")


def test_the_old_build_answers_until_the_new_one_is_ready(local):
    """Questions asked while `assistant refresh` fetches and builds are answered from the
    build that was there; once it is done, from the new one."""
    import subprocess
    import sys

    from _robust import DEADLINE, cli_env

    mine, site = local
    site.pages["/da"] = page_html("da", reword=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "refresh", "--quiet"],
        env=cli_env(mine),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers = []
    while process.poll() is None:
        answers.append(ask(DEADLINE["da"][0], settings=mine))
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert len(answers) >= 2  # asked while it ran
    for answer in answers:
        assert not answer.abstained and DEADLINE["da"][1] in answer.text, answer.text
    assert "1 reworded" in out
    answer = ask("Hvad er AI-kontoret centrum for?", settings=mine)
    assert "Den Europæiske Union" in answer.text


def test_the_corpus_inside_the_installed_package_is_never_refreshed(tmp_path):
    from assistant import CorpusError, Settings
    from assistant.resources import PACKAGE_DIR

    inside = Settings(index_dir=tmp_path / "index", corpus_dir=PACKAGE_DIR / "_data" / "corpus")
    with pytest.raises(CorpusError, match="Copy it to a folder of your own"):
        refresh(inside)
    with pytest.raises(CorpusError, match="ASSISTANT_CORPUS_DIR"):
        restore(inside)
