"""The chat page's own style and browser script, written for WCAG 2.1 AA.

The style fixes what Gradio's default theme gets wrong for contrast (the orange primary
button, grey helper text, the footer link), adds a visible keyboard focus ring and a
screen-reader-only class; every text colour here is at least 4.5:1 against its background in
the light and the dark theme (checked with axe-core by tests/test_web_accessibility.py).

The script keeps the page's accessibility attributes right as Gradio redraws it: `<html lang>`
follows the page language, the live region speaks, the streaming chat stays quiet, the chat
messages lose Gradio's aria-label (which holds the message's raw HTML), and words in another
language than the page's (the examples, the language choices, Gradio's own button labels)
carry their own `lang`.
"""

from __future__ import annotations

import json

from assistant.web.ui_text import UI_LANGUAGES, words_in_their_own_language

CSS = """
:root { --a11y-subdued: #4b5563; --a11y-focus: #1d4ed8; --a11y-placeholder: #6b7280; }
.dark { --a11y-subdued: #d1d5db; --a11y-focus: #93c5fd; --a11y-placeholder: #a1a1aa; }
:root, .dark {
  --button-primary-background-fill: #c2410c !important;
  --button-primary-background-fill-hover: #9a3412 !important;
  --button-primary-text-color: #ffffff !important;
  --button-primary-text-color-hover: #ffffff !important;
}
.gradio-container { max-width: 980px !important; margin: 0 auto !important; }
/* Gradio dims every chat message to 80% opacity, which takes grey text below 4.5:1. */
#chat .prose.chatbot.md { opacity: 1 !important; }
.answer.abstention .answer-text { font-style: italic; }
.notice { font-size: 0.9em; color: var(--a11y-subdued); margin-bottom: 0.4em; }
.answer-language { font-size: 0.85em; color: var(--a11y-subdued); margin-top: 0.4em; }
.sources { margin-top: 0.8em; border-top: 1px solid var(--border-color-primary);
  padding-top: 0.5em; }
.sources-heading { font-weight: 600; margin-bottom: 0.3em; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.6em 0.8em; margin: 0.5em 0; background: var(--background-fill-secondary); }
.source-head { font-size: 0.9em; margin-bottom: 0.3em; }
.source-number { font-weight: 700; }
.source-text { margin: 0.3em 0 !important; font-size: 0.92em; }
.source-text mark { background: #ffe08a; color: #1f2937; padding: 0 2px; border-radius: 2px; }
.source-link, .translation-link { font-size: 0.9em; text-decoration: underline; }
.source-translation { margin-top: 0.4em; font-size: 0.9em; }
.source-translation summary { cursor: pointer; }
.page-footer { font-size: 0.8em; color: var(--a11y-subdued); text-align: center; }
footer .show-api, footer a, footer .divider { color: var(--a11y-subdued) !important; }
a:focus-visible, button:focus-visible, summary:focus-visible, input:focus-visible,
textarea:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--a11y-focus) !important; outline-offset: 2px !important; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { transition-duration: 0s !important; animation-duration: 0s !important;
    scroll-behavior: auto !important; } }
/* axe does not check placeholders; WCAG 1.4.3 still applies to them. */
textarea::placeholder, input::placeholder { color: var(--a11y-placeholder) !important;
  opacity: 1 !important; }
.sr-only { position: absolute !important; width: 1px !important; height: 1px !important;
  padding: 0 !important; margin: -1px !important; overflow: hidden !important;
  clip: rect(0 0 0 0) !important; white-space: nowrap !important; border: 0 !important;
  min-height: 0 !important; }
"""

# One inline script in the page's <head>, no `eval`: a strict Content-Security-Policy can allow
# it by its hash (`HEAD_SCRIPT`), where Gradio's event `js=` strings would need 'unsafe-eval'.
HEAD_SCRIPT = """(() => {
  const ownLanguage = __WORDS__;
  const gradioEnglish = new Set(['Clear', 'Like', 'Dislike', 'Use via API', 'Stop Recording']);
  const browserLanguage = (navigator.language || 'en').split('-')[0].toLowerCase();
  const set = (element, name, value) => {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  };
  const tidy = () => {
    const mark = document.querySelector('#header .page-language');
    const language = mark ? mark.getAttribute('lang') : '';
    if (/^[a-z]{2,3}$/.test(language)) set(document.documentElement, 'lang', language);
    // The live region is the wrapper Gradio keeps while it swaps the text inside (a region
    // made anew with each text is not read), not the block with its progress timer.
    const announcer = document.querySelector('#announcer .prose');
    if (announcer) {
      set(announcer, 'role', 'status');
      set(announcer, 'aria-live', 'polite');
      set(announcer, 'aria-atomic', 'true');
    }
    document.querySelectorAll('#chat [role="log"]').forEach((log) => {
      set(log, 'aria-live', 'off');
      set(log, 'aria-busy', String(Boolean(log.querySelector('.answer.streaming'))));
    });
    document.querySelectorAll('#chat [aria-label][data-testid]').forEach((message) => {
      const who = message.getAttribute('data-testid');
      if (who === 'bot' || who === 'user') message.removeAttribute('aria-label');
    });
    document.querySelectorAll('#examples button, #language label').forEach((element) => {
      const code = ownLanguage[element.textContent.trim()];
      if (code) set(element, 'lang', code);
    });
    // Gradio's own words (the chat's icon buttons, its footer) are in the browser's language
    // when Gradio has a translation for it, else in English, whatever the page's language.
    document.querySelectorAll('#chat button[aria-label], footer button').forEach((button) => {
      const words = button.getAttribute('aria-label') || button.textContent.trim();
      set(button, 'lang', gradioEnglish.has(words) ? 'en' : browserLanguage);
    });
  };
  const start = () => {
    new MutationObserver(tidy).observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ['aria-label'],
    });
    tidy();
    document.documentElement.setAttribute('data-page-script', 'on');
  };
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();""".replace("__WORDS__", json.dumps(words_in_their_own_language()))

HEAD = f"<script>{HEAD_SCRIPT}</script>"


def page_language_mark(language: str) -> str:
    """The empty mark the script reads to set `<html lang>` (a da/pl/en code only; the
    Markdown sanitiser keeps `class` and `lang`, not `data-` attributes)."""
    code = language if language in UI_LANGUAGES else "en"
    return f'<span class="page-language" lang="{code}"></span>'
