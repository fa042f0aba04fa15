"""HTML for the chat page: questions, answers and their source cards, as pure functions.

Everything that comes from a question or from the corpus is HTML-escaped here, so nothing a
person types and nothing on the pages reaches the browser as live HTML. The only markup is
the fixed structure these functions write. Each message is one `<div>` block without blank
lines, so a Markdown renderer passes it through as HTML and never reads the escaped text as
Markdown.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from assistant.answer import Answer, Citation, Translation, text_fragment_link
from assistant.web.ui_text import language_name, page_adjective, ui_text

CURSOR = "▍"  # shown at the end of an answer while it is still streaming


def escape(text: str) -> str:
    """`text` as HTML text: markup characters escaped, line breaks as `<br>`."""
    escaped = html.escape(str(text), quote=True)
    return re.sub(r"\r\n|\r|\n", "<br>", escaped)


def safe_url(url: str) -> str:
    """`url` escaped for an attribute when it is http(s), else "" (no javascript: links)."""
    scheme = urlsplit(url.strip()).scheme.lower()
    return html.escape(url.strip(), quote=True) if scheme in ("http", "https") else ""


def highlight(passage: str, quote: str) -> str:
    """The passage as HTML with the quoted sentence in `<mark>`.

    The quote is found verbatim, or else with any run of whitespace standing for any other;
    when it is not in the passage at all, the passage is shown without a highlight.
    """
    span = _find(passage, quote)
    if span is None:
        return escape(passage)
    start, end = span
    return (
        f"{escape(passage[:start])}<mark>{escape(passage[start:end])}</mark>{escape(passage[end:])}"
    )


def _find(passage: str, quote: str) -> tuple[int, int] | None:
    quote = quote.strip()
    if not quote:
        return None
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, passage)
    return match.span() if match else None


def _token(value: str) -> str:
    """`value` reduced to a safe class-name or id fragment (letters, digits, '-')."""
    return re.sub(r"[^A-Za-z0-9]+", "-", str(value)).strip("-") or "none"


def _speaker(label: str) -> str:
    """Who speaks, for screen readers only (the chat shows it by the bubble's side)."""
    return f'<span class="sr-only">{escape(label)} </span>' if label else ""


def _lang(code: str | None) -> str:
    """A `lang` attribute for a language code, or "" when the code is unknown or odd."""
    return f' lang="{code}"' if code and re.fullmatch(r"[a-z]{2,3}", code) else ""


def question_html(question: str, language: str | None = None, speaker: str = "") -> str:
    """A person's question as it appears in the chat: plain text, nothing live; marked with
    its `language` once known, and led by `speaker` for screen readers when given."""
    text = escape(question)
    if _lang(language):
        text = f"<span{_lang(language)}>{text}</span>"
    return f'<div class="question">{_speaker(speaker)}{text}</div>'


def partial_answer_html(text: str) -> str:
    """An answer still streaming: the text so far and a cursor."""
    return f'<div class="answer streaming">{escape(text)}{CURSOR}</div>'


def stream_steps(text: str, steps: int = 30) -> list[str]:
    """Growing prefixes of `text` ending with the whole text, cut after whole words.

    At most `steps` prefixes, so a long answer streams in bigger pieces, not for longer.
    A `[n]` marker is a word of its own and never shows half written.
    """
    ends = [match.end() for match in re.finditer(r"\S+", text)]
    if not ends:
        return [text]
    stride = max(1, -(-len(ends) // max(1, steps)))  # ceiling division
    chosen = ends[stride - 1 :: stride]
    prefixes = [text[:end] for end in chosen]
    if not prefixes or prefixes[-1] != text:
        prefixes.append(text)
    return prefixes


def language_line(answer: Answer, page_language: str, forced: bool = False) -> str:
    """ "Language: Danish (detected)" for the answer, in the page language."""
    how = "forced" if forced else ("detected" if answer.language_confident else "guessed")
    name = language_name(answer.language, page_language)
    text = ui_text("language_line", page_language, language=name)
    return (
        f'<div class="answer-language lang-{_token(answer.language)}">'
        f"{escape(text)} ({escape(ui_text(how, page_language))})</div>"
    )


def source_card(citation: Citation, page_language: str) -> str:
    """One source: title, section and language; the passage with the quote highlighted; a link
    that opens the page at the quote; and, collapsed, the same passage in the other language."""
    link = safe_url(citation.link or citation.url)
    language = escape(language_name(citation.language, page_language))
    head = " · ".join(
        part
        for part in (
            f"<strong>{escape(citation.title)}</strong>" if citation.title else "",
            escape(citation.section),
            f'<span class="source-language">{language}</span>',
            escape(ui_text("as_of", page_language, date=citation.captured))
            if citation.captured
            else "",
        )
        if part
    )
    parts = [
        f'<div class="source-card lang-{_token(citation.language)}" '
        f'id="source-{_token(citation.passage_id)}">',
        f'<div class="source-head"><span class="source-number">[{citation.number}]</span> '
        f"{head}</div>",
        f'<blockquote class="source-text" lang="{escape(citation.language)}">'
        f"{highlight(citation.text, citation.quote)}</blockquote>",
    ]
    if link:
        parts.append(
            f'<a class="source-link" href="{link}" target="_blank" rel="noopener noreferrer">'
            f"{escape(ui_text('open_page', page_language))} ↗</a>"
        )
    if citation.translation is not None:
        parts.append(translation_html(citation.translation, page_language))
    parts.append("</div>")
    return "".join(parts)


def translation_html(translation: Translation, page_language: str) -> str:
    """The same passage on the other-language page, collapsed until opened."""
    adjective = page_adjective(translation.language, page_language)
    link = safe_url(text_fragment_link(translation.url, translation.text))
    parts = [
        f'<details class="source-translation lang-{_token(translation.language)}">',
        f"<summary>{escape(ui_text('translation', page_language, language=adjective))}</summary>",
        f'<blockquote lang="{escape(translation.language)}">',
        f"{escape(translation.text)}</blockquote>",
    ]
    if link:
        parts.append(
            f'<a class="translation-link" href="{link}" target="_blank" '
            f'rel="noopener noreferrer">'
            f"{escape(ui_text('open_translation', page_language, language=adjective))} ↗</a>"
        )
    parts.append("</details>")
    return "".join(parts)


def sources_html(answer: Answer, page_language: str) -> str:
    """The source cards of an answer under a heading, or "" when it cites nothing."""
    if not answer.citations:
        return ""
    cards = "".join(source_card(c, page_language) for c in answer.citations)
    return (
        f'<div class="sources"><div class="sources-heading">'
        f"{escape(ui_text('sources', page_language))}</div>{cards}</div>"
    )


def answer_text_html(answer: Answer) -> str:
    """The answer's text as HTML, each quote in another language than the answer's (the
    Danish and Polish quotes of an English answer) marked with its own `lang` (WCAG 3.1.2).
    A list answer's items are a real list (`<ul>`), so screen readers announce it as one."""
    if answer.format == "list" and answer.items:
        return _list_text_html(answer)
    return _marked(answer.text, answer)


def _marked(text: str, answer: Answer) -> str:
    """`text` escaped, its quotes in another language than the answer's in a `lang` span."""
    spans: list[tuple[int, int, str]] = []
    for citation in answer.citations:
        if citation.language == answer.language or not _lang(citation.language):
            continue
        span = _find(text, citation.quote)
        if span and all(span[1] <= start or span[0] >= end for start, end, _ in spans):
            spans.append((*span, citation.language))
    parts, at = [], 0
    for start, end, code in sorted(spans):
        parts.append(escape(text[at:start]))
        parts.append(f"<span{_lang(code)}>{escape(text[start:end])}</span>")
        at = end
    parts.append(escape(text[at:]))
    return "".join(parts)


def _list_text_html(answer: Answer) -> str:
    """A list answer: its lead-in as a paragraph, its "- item [n]" lines as list items, and
    any line after them (how many more items the page has) as a paragraph; all escaped, and
    quotes in another language marked as in prose."""
    items = set(answer.items)
    parts: list[str] = []
    in_list = False
    for line in answer.text.splitlines():
        item = line[2:] if line.startswith("- ") and line[2:] in items else None
        if item is not None and not in_list:
            parts.append('<ul class="answer-items">')
        elif item is None and in_list:
            parts.append("</ul>")
        in_list = item is not None
        parts.append(
            f"<li>{_marked(item, answer)}</li>"
            if item is not None
            else f"<p>{_marked(line, answer)}</p>"
        )
    if in_list:
        parts.append("</ul>")
    return "".join(parts)


def answer_html(answer: Answer, page_language: str, forced: bool = False, speaker: str = "") -> str:
    """A finished answer: any notice about the question, the text with its `[n]` markers, the
    language it is in, and its sources; led by `speaker` for screen readers when given."""
    kind = "abstention" if answer.abstained else "answered"
    reason = f" reason-{_token(answer.reason)}" if answer.reason else ""
    notice = f'<div class="notice">{escape(answer.notice)}</div>' if answer.notice else ""
    return (
        f'<div class="answer {kind}{reason}">{_speaker(speaker)}{notice}'
        f'<div class="answer-text"{_lang(answer.language)}>{answer_text_html(answer)}</div>'
        f"{language_line(answer, page_language, forced)}"
        f"{sources_html(answer, page_language)}</div>"
    )


def announcement_html(answer: Answer | None, page_language: str) -> str:
    """What the page's live region says: "Answering …" while `answer` is None, then the
    finished answer once, as plain text with how many sources it cites.

    The chat streams word by word; a screen reader told of every step would read fragments
    again and again, so the chat itself stays quiet and this region speaks twice.
    """
    if answer is None:
        return f"<p>{escape(ui_text('answering', page_language))}</p>"
    notice = f"{escape(answer.notice)} " if answer.notice else ""
    sources = (
        f"<p>{escape(ui_text('sources', page_language))}: {len(answer.citations)}</p>"
        if answer.citations
        else ""
    )
    return f"<p{_lang(answer.language)}>{notice}{answer_text_html(answer)}</p>{sources}"
