"""WCAG 2.1 AA on the chat page: axe-core finds nothing in Danish, Polish and English (empty,
answered with sources, abstained; light and dark), `<html lang>` follows the page, the whole
flow works from the keyboard alone, and a screen reader hears the finished answer once.

The real app in its own process and Debian's Chromium (through Playwright), as in
tests/test_web_page.py; axe-core is the copy bundled by the PyPI package axe-playwright-python.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time

import pytest
from test_web_page import (  # noqa: F401 (browser and server are fixtures used by name)
    BOT,
    DA_LINK,
    FINISHED,
    USER,
    Visit,
    browser,
    server,
)

from assistant import Answer, Citation
from assistant.web.assets import HEAD_SCRIPT, page_language_mark
from assistant.web.render import announcement_html, answer_text_html, question_html
from assistant.web.ui_text import examples as site_examples
from assistant.web.ui_text import words_in_their_own_language

# The rules of WCAG 2.0 and 2.1, levels A and AA, as axe-core tags them.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_HOST = "https://digital-strategy.ec.europa.eu/"

# (browser locale, page language, a question answered with sources, one abstained on)
LANGUAGES = [
    (
        "da-DK",
        "da",
        "Hvornår er fristen for interessetilkendegivelser?",
        "Hvad koster en pizza i København?",
    ),
    (
        "pl-PL",
        "pl",
        "Jaki był termin zgłoszeń do Biura ds. AI?",
        "Ile kosztuje pizza w Krakowie?",
    ),
    (
        "en-US",
        "en",
        # (The English deadline question the model is surest of: this test needs an
        # answered page.)
        "What is the deadline for applications?",
        "How much does a pizza cost in Copenhagen?",
    ),
]

# Records what the live region said and whether the chat log was busy, as it happened.
WATCH_ANNOUNCER = """() => {
  window.__said = [];
  window.__busy = [];
  new MutationObserver(() => {
    const region = document.querySelector('#announcer [role="status"]');
    if (region && !window.__region) window.__region = region;
    const text = region ? region.textContent.replace(/\\s+/g, ' ').trim() : '';
    const said = window.__said;
    if (text && (!said.length || said[said.length - 1] !== text)) said.push(text);
    const log = document.querySelector('#chat [role="log"]');
    if (log) window.__busy.push(log.getAttribute('aria-busy'));
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
                             attributes: true});
}"""


def _axe(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def _described(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): "
        + "; ".join(f"{n['target']} {n.get('failureSummary', '')}" for n in v["nodes"])
        for v in violations
    )


def _open(browser, server, locale: str) -> Visit:  # noqa: F811
    """A visit with the browser's language set; the official pages answered by a stub, so
    opening a source leaves the machine for nothing."""
    visit = Visit(browser, server, locale)
    # No colour transitions half way when axe looks (the page honours reduced motion).
    visit.page.emulate_media(reduced_motion="reduce")
    visit.context.route(
        PAGE_HOST + "**", lambda route: route.fulfill(status=200, body="the official page")
    )
    return visit


def _page_language_settled(page, language: str) -> None:
    page.wait_for_function("(l) => document.documentElement.lang === l", arg=language)


@pytest.mark.browser
@pytest.mark.parametrize("state", ["empty", "answered", "abstained"])
@pytest.mark.parametrize(("locale", "language", "answered", "abstained"), LANGUAGES)
def test_axe_finds_no_wcag_21_aa_violation(
    browser,  # noqa: F811
    server,  # noqa: F811
    locale,
    language,
    answered,
    abstained,
    state,
):
    visit = _open(browser, server, locale)
    try:
        page = visit.page
        _page_language_settled(page, language)
        if state != "empty":
            message = visit.ask(answered if state == "answered" else abstained)
            cards = message.locator(".source-card").count()
            assert cards >= 1 if state == "answered" else cards == 0
            assert message.locator(".answer.abstention").count() == int(state == "abstained")
            _page_language_settled(page, language)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
            page.wait_for_function(
                "(dark) => document.body.classList.contains('dark') === dark",
                arg=scheme == "dark",
            )
            violations = _axe(page)
            assert violations == [], f"{scheme}:\n{_described(violations)}"
    finally:
        visit.context.close()


def _tab_to(page, selector: str, key: str = "Tab", limit: int = 60) -> None:
    """Press `key` until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{key} x {limit} never reached {selector}")


def _focus_ring(page) -> float:
    """The focused element's outline width in CSS pixels (0 when it shows no ring)."""
    return page.evaluate(
        """() => { const style = getComputedStyle(document.activeElement);
                   return style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth); }"""
    )


@pytest.mark.browser
def test_the_whole_flow_works_with_the_keyboard_alone(browser, server):  # noqa: F811
    visit = _open(browser, server, "da-DK")
    page = visit.page
    try:
        _page_language_settled(page, "da")
        # Ask: the question box has the focus when the page opens; Enter sends.
        assert page.evaluate("document.activeElement.matches('#question textarea')")
        page.keyboard.type("Hvornår er fristen for interessetilkendegivelser?")
        before = page.locator(FINISHED).count()
        page.keyboard.press("Enter")
        message = visit.wait_for_answer(before)
        assert "27. marts 2024" in message.locator(".answer-text").inner_text()

        # Open a source: back from the question box into the answer, to its link.
        _tab_to(page, "#chat a.source-link", key="Shift+Tab")
        assert _focus_ring(page) >= 2
        href = page.evaluate("document.activeElement.getAttribute('href')")
        assert href.startswith(DA_LINK)
        with visit.context.expect_page() as opened:
            page.keyboard.press("Enter")
        source = opened.value
        source.wait_for_load_state()
        assert source.url.startswith(PAGE_HOST + "da/policies/ai-office")
        source.close()
        page.bring_to_front()
        # ... and the same passage in Polish, opened with Enter on its summary.
        _tab_to(page, "#chat details.source-translation summary")
        assert _focus_ring(page) >= 2
        page.keyboard.press("Enter")
        translation = message.locator("details.source-translation")
        assert translation.get_attribute("open") is not None
        assert "27 marca 2024" in translation.locator("blockquote").inner_text()

        # Vote: Tab on to the thumbs and press Space on "Dislike".
        _tab_to(page, '#chat button[aria-label="Dislike"]')
        assert _focus_ring(page) >= 2
        before_votes = len(server.votes())
        page.keyboard.press("Space")
        deadline = time.monotonic() + 20
        while len(server.votes()) == before_votes and time.monotonic() < deadline:
            time.sleep(0.2)
        vote = server.votes()[-1]
        assert vote["vote"] == "down" and "27. marts 2024" in vote["answer"]

        # New conversation: Tab on to its button, Enter; the chat is empty again.
        _tab_to(page, "#clear")
        assert _focus_ring(page) >= 2
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(s) => document.querySelectorAll(s).length === 0", arg=f"{USER}, {BOT}"
        )

        # And ask again, from the keyboard, in the new conversation.
        _tab_to(page, "#question textarea", key="Shift+Tab")
        page.keyboard.type("Jaki był termin zgłoszeń do Biura ds. AI?")
        page.keyboard.press("Enter")
        message = visit.wait_for_answer(0)
        assert "27 marca 2024" in message.locator(".answer-text").inner_text()
        assert page.locator(FINISHED).count() == 1
    finally:
        visit.context.close()


@pytest.mark.browser
def test_a_screen_reader_hears_answering_then_the_finished_answer_once(
    browser,  # noqa: F811
    server,  # noqa: F811
):
    visit = _open(browser, server, "en-US")
    page = visit.page
    try:
        _page_language_settled(page, "en")
        page.evaluate(WATCH_ANNOUNCER)
        message = visit.ask("Hvornår er fristen for interessetilkendegivelser?")
        answer = message.locator(".answer-text").inner_text()

        region = page.locator('#announcer [role="status"]')
        assert region.count() == 1
        assert region.get_attribute("aria-live") == "polite"
        assert region.get_attribute("aria-atomic") == "true"
        page.wait_for_function(
            "() => document.querySelector('#announcer').textContent.includes('Kilder')"
        )
        said = page.evaluate("window.__said")
        # One live region from before the question to after the answer: a region made anew
        # with each text would not be read.
        assert page.evaluate(
            "window.__region === document.querySelector('#announcer [role=\"status\"]')"
        )
        # "Answering" in the page's language when asked, then the whole answer and its
        # number of sources in the answer's: never a half-streamed answer.
        assert said == ["Answering …", f"{answer}Kilder: 1"], said
        assert region.locator("p[lang='da']").inner_text() == answer
        # The chat log itself stays quiet (it would read every streamed word), and is marked
        # busy while the answer streams.
        log = page.locator('#chat [role="log"]')
        assert log.get_attribute("aria-live") == "off"
        busy = page.evaluate("window.__busy")
        assert "true" in busy and busy[-1] == "false"
        # Messages carry no aria-label full of their own HTML; a hidden word says who speaks.
        assert page.locator(f"{USER}[aria-label], {BOT}[aria-label]").count() == 0
        assert message.locator(".sr-only").first.inner_text().strip() == "Svar:"
        assert page.locator(USER).last.locator(".sr-only").inner_text().strip() == (
            "Dit spørgsmål:"
        )
    finally:
        visit.context.close()


@pytest.mark.browser
def test_html_lang_and_the_language_of_parts_follow_the_page(browser, server):  # noqa: F811
    visit = _open(browser, server, "en-US")
    page = visit.page
    try:
        _page_language_settled(page, "en")
        # Examples and language names keep their own language on an English page.
        examples = page.locator("#examples button")
        assert examples.count() == len(examples_asked := site_examples())
        for n, example in enumerate(examples_asked):
            assert examples.nth(n).get_attribute("lang") == words_in_their_own_language()[example]
        assert page.locator("#language label", has_text="Polski").get_attribute("lang") == "pl"

        visit.ask("Jaki był termin zgłoszeń do Biura ds. AI?")
        _page_language_settled(page, "pl")
        assert page.locator(USER).last.locator("span[lang='pl']").inner_text() == (
            "Jaki był termin zgłoszeń do Biura ds. AI?"
        )
        # Gradio labels its thumbs in English for an English browser, on any page language.
        assert page.locator('#chat button[aria-label="Dislike"]').last.get_attribute("lang") == (
            "en"
        )
        page.locator("#language").get_by_text("Dansk").click()
        _page_language_settled(page, "da")
        assert page.locator("#send").inner_text() == "Spørg"
    finally:
        visit.context.close()


def test_the_announcement_is_plain_text_in_the_answers_language():
    citation = Citation(
        number=1,
        text="Fristen er den 27. marts 2024.",
        quote="Fristen er den 27. marts 2024.",
        language="da",
        url=PAGE_HOST + "da/policies/ai-office",
        title="Det Europæiske AI-kontor",
        section="Jobmuligheder og samarbejde",
    )
    answer = Answer(
        text="Fristen er den 27. marts 2024. [1] <b>",
        language="da",
        citations=[citation],
        notice="Spørgsmålet blev forkortet.",
    )
    assert announcement_html(None, "pl") == "<p>Odpowiadam …</p>"
    assert announcement_html(answer, "da") == (
        '<p lang="da">Spørgsmålet blev forkortet. Fristen er den 27. marts 2024. [1] &lt;b&gt;</p>'
        "<p>Kilder: 1</p>"
    )
    abstention = Answer(text="Det står der ikke noget om.", language="da", abstained=True)
    assert announcement_html(abstention, "da") == '<p lang="da">Det står der ikke noget om.</p>'


def test_a_question_is_marked_with_its_language_and_speaker():
    assert question_html("Hvad <er> det?", "da", "Dit spørgsmål:") == (
        '<div class="question"><span class="sr-only">Dit spørgsmål: </span>'
        '<span lang="da">Hvad &lt;er&gt; det?</span></div>'
    )
    # A language code that is not one is left out rather than written into the attribute.
    assert question_html("x", 'da" onclick="alert(1)') == '<div class="question">x</div>'


def _strict_policy(route) -> None:
    """Serve the page under a Content-Security-Policy with no 'unsafe-eval' and no inline
    script but those of the page itself and the accessibility script, allowed by hash."""
    response = route.fetch()
    body = response.body()
    inline = re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", body, re.S | re.I)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in [*inline, HEAD_SCRIPT.encode()]
    )
    policy = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:"
    )
    headers = {**response.headers, "content-security-policy": policy}
    route.fulfill(response=response, headers=headers, body=body)


@pytest.mark.browser
def test_the_page_script_runs_under_a_strict_content_security_policy(
    browser,  # noqa: F811
    server,  # noqa: F811
):
    """No eval: Gradio's event `js=` strings and gr.HTML templates would need 'unsafe-eval';
    the one head script is allowed by its hash, and the page's accessibility holds."""
    context = browser.new_context(locale="pl-PL")
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        refused: list[str] = []
        page.on("pageerror", lambda error: refused.append(str(error)))
        page.on(
            "console",
            lambda m: refused.append(m.text) if "script-src" in m.text else None,
        )
        page.route(server.url + "/", _strict_policy)
        page.goto(server.url + "/")
        _page_language_settled(page, "pl")
        page.locator('#announcer [role="status"][aria-live="polite"]').wait_for(state="attached")
        # The examples are drawn again in Polish; the script marks them once they are there.
        page.wait_for_function(
            "() => document.querySelector('#examples button')?.getAttribute('lang') === 'da'"
        )
        assert refused == []
    finally:
        context.close()


def test_the_page_language_mark_holds_only_a_page_language():
    assert page_language_mark("da") == '<span class="page-language" lang="da"></span>'
    assert page_language_mark('x" onmouseover="alert(1)') == (
        '<span class="page-language" lang="en"></span>'
    )


def test_quotes_in_another_language_are_marked_with_their_own():
    quote = "Fristen er den 27. marts 2024."
    citation = Citation(
        number=1,
        text=quote,
        quote=quote,
        language="da",
        url=PAGE_HOST + "da/policies/ai-office",
        title="Det Europæiske AI-kontor",
        section="Jobmuligheder og samarbejde",
    )
    english = Answer(
        text=f"The pages are in Danish and Polish only:\n(Danish) “{quote}” [1] <i>",
        language="en",
        citations=[citation],
    )
    assert answer_text_html(english) == (
        "The pages are in Danish and Polish only:<br>(Danish) “"
        f'<span lang="da">{quote}</span>” [1] &lt;i&gt;'
    )
    assert '<span lang="da">' in announcement_html(english, "en")
    # In a Danish answer the Danish quote is in the answer's own language: nothing to mark.
    danish = Answer(text=f"{quote} [1]", language="da", citations=[citation])
    assert answer_text_html(danish) == f"{quote} [1]"
