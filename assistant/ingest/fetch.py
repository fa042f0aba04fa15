"""Fetching the manifest's pages from their site and keeping their main content as a capture.

The only code that reaches the network, and only when `assistant refresh` asks it to: each
page URL in `corpus/manifest.json` is fetched with httpx (time-outs, retries), nothing else,
and no other host (a redirect elsewhere is refused). trafilatura keeps the page's main content
with its heading levels, lists and links, written in the capture format the chunker reads:
"## Heading" lines, " • " list items and paragraphs, blocks apart by a blank line.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from assistant.errors import AssistantError

TIMEOUT_S = 20.0
ATTEMPTS = 3  # a time-out or a dropped connection is tried again, twice
PAUSE_S = 1.0  # between attempts, doubled each time
USER_AGENT = "ai-office-assistant refresh (+https://github.com/)"


class FetchError(AssistantError):
    """A page could not be fetched or read; the message names the URL and what happened."""


@dataclass(frozen=True)
class Fetched:
    """One page's main content, as capture text."""

    url: str
    text: str


def fetch_pages(
    urls: list[str], timeout: float = TIMEOUT_S, attempts: int = ATTEMPTS, pause: float = PAUSE_S
) -> list[Fetched]:
    """Fetch every URL and extract its main content, or raise FetchError for the first that
    fails (nothing is written by this function either way).

    Only the URLs' own hosts are reached: a redirect to another host is an error.
    """
    import httpx

    hosts = {urlsplit(url).hostname for url in urls}

    def only_manifest_hosts(request: httpx.Request) -> None:
        if request.url.host not in hosts:
            raise FetchError(
                f"{request.url.host} is not a host of the manifest's pages; refusing to go there."
            )

    fetched = []
    with httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
        event_hooks={"request": [only_manifest_hosts]},
        trust_env=False,  # no proxy from the environment: the manifest's hosts, nothing else
    ) as client:
        for url in urls:
            html = _get(client, url, attempts, pause)
            fetched.append(Fetched(url, capture_text(html, url)))
    return fetched


def _get(client, url: str, attempts: int, pause: float) -> str:
    import httpx

    for attempt in range(1, attempts + 1):
        try:
            response = client.get(url)
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            if attempt < attempts:
                time.sleep(pause * 2 ** (attempt - 1))
                continue
            if isinstance(exc, httpx.TimeoutException):
                what = f"timed out after {attempts} attempts of {client.timeout.read} s"
            else:
                what = f"unreachable after {attempts} attempts (offline?)"
            raise FetchError(
                f"{url}: {what} ({type(exc).__name__}); the corpus is unchanged."
            ) from None
        if response.status_code >= 500 and attempt < attempts:
            time.sleep(pause * 2 ** (attempt - 1))
            continue
        if response.status_code != 200:
            raise FetchError(
                f"{url}: HTTP {response.status_code} {response.reason_phrase}; "
                "the corpus is unchanged."
            )
        return response.text
    raise AssertionError("unreachable")  # pragma: no cover


_BULLET_LINE = re.compile(r"^\s*[-*+]\s+", re.MULTILINE)
# Bold and italic marks: a quote reads the words, not the marks.
_EMPHASIS = re.compile(r"(\*\*|\*|__)(\S(?:.*?\S)?)\1")


def capture_text(html: str, url: str = "") -> str:
    """A page's main content in the capture format, or FetchError when it has none."""
    import trafilatura

    markdown = trafilatura.extract(
        html,
        url=url or None,
        output_format="markdown",
        include_links=True,
        include_formatting=True,  # what keeps the heading levels
        include_tables=True,
        include_comments=False,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not markdown or not markdown.strip():
        raise FetchError(f"{url}: no main content found in the page; the corpus is unchanged.")
    text = _BULLET_LINE.sub(" • ", _EMPHASIS.sub(r"\2", markdown.strip()))
    return "\n".join(_blocks_apart(text.split("\n"))) + "\n"


def _blocks_apart(lines: list[str]) -> list[str]:
    """A list is a block of its own: a blank line between it and a paragraph or heading that
    touches it (trafilatura writes "... ved at:" and its first item on adjacent lines)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip():
            if out[-1].startswith(" • ") != line.startswith(" • ") or line.startswith("#"):
                out.append("")
        out.append(line)
    return out
