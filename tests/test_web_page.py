"""The chat page end to end: the real app in its own process over the session's real index,
driven by a real headless Chromium (Debian's, through Playwright), and its API by
gradio_client. One app process and one browser serve the whole module."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from _app_server import RunningApp, running_app

from assistant.resources import PROJECT_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
DA_LINK = "https://digital-strategy.ec.europa.eu/da/policies/ai-office#:~:text="
PL_LINK = "https://digital-strategy.ec.europa.eu/pl/policies/ai-office#:~:text="
INJECTION = "<img src=x onerror=alert(1)>"

BOT = '#chat [data-testid="bot"]'
USER = '#chat [data-testid="user"]'
FINISHED = "#chat .answer:not(.streaming)"

# Records every state of the streaming answer (time, text) and when each answer finished.
WATCH_STREAMING = """() => {
  window.__streamed = [];
  window.__finished = [];
  new MutationObserver(() => {
    const streaming = document.querySelectorAll('#chat .answer.streaming');
    if (streaming.length) {
      const text = streaming[streaming.length - 1].textContent;
      const seen = window.__streamed;
      if (!seen.length || seen[seen.length - 1].text !== text) seen.push({t: Date.now(), text});
    }
    const done = document.querySelectorAll('#chat .answer:not(.streaming)').length;
    if (done > window.__finished.length) window.__finished.push(Date.now());
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


class Server:
    def __init__(self, app: RunningApp):
        self.url = app.url
        self.feedback = app.feedback
        self.questions = app.feedback.with_name("questions.sqlite3")  # `running_app` puts it there
        self.log = app.log
        self.process = app.process

    def votes(self) -> list[dict]:
        if not self.feedback.exists():
            return []
        return [json.loads(line) for line in self.feedback.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    """`python app.py` on a free port over the session index, until it answers HTTP."""
    with running_app(settings, tmp_path_factory.mktemp("web")) as app:
        yield Server(app)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/install.sh --test` (Debian chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


class Visit:
    """A fresh session on the page, with what it asked the network for and any dialogs."""

    def __init__(self, browser, server: Server, locale: str = "en-US"):
        self.context = browser.new_context(
            locale=locale, viewport={"width": 1100, "height": 1000}, device_scale_factor=1
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", self._request)
        self.page.on("dialog", self._dialog)
        self.page.goto(server.url)
        self.page.locator("#question textarea").wait_for()
        self.page.evaluate(WATCH_STREAMING)

    def _request(self, request) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            self.outside.append(request.url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def send(self, question: str) -> int:
        """Type the question and press the button; returns how many answers there were."""
        before = self.page.locator(FINISHED).count()
        self.page.locator("#question textarea").fill(question)
        self.page.locator("#send").click()
        return before

    def wait_for_answer(self, before: int):
        self.page.wait_for_function(
            "([selector, n]) => document.querySelectorAll(selector).length > n",
            arg=[FINISHED, before],
        )
        return self.page.locator(BOT).last

    def ask(self, question: str):
        """Ask on the page and wait for the finished answer; returns its message."""
        return self.wait_for_answer(self.send(question))


@pytest.fixture
def visit(browser, server):
    opened = Visit(browser, server)
    yield opened
    opened.context.close()


def _hrefs(message) -> list[str]:
    return message.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


@pytest.mark.browser
def test_danish_question_gets_danish_answer_with_source_card_and_link(visit, tmp_path):
    page = visit.page
    assert page.locator("#send").inner_text() == "Ask"  # English until the conversation says
    message = visit.ask("Hvornår er fristen for interessetilkendegivelser?")

    assert "27. marts 2024" in message.locator(".answer-text").inner_text()
    assert "[1]" in message.locator(".answer-text").inner_text()
    assert message.locator(".answer-language").inner_text() == "Sprog: dansk (genkendt automatisk)"
    card = message.locator(".source-card")
    assert card.count() == 1
    head = card.locator(".source-head").inner_text()
    assert "Det Europæiske AI-kontor" in head and "Jobmuligheder og samarbejde" in head
    assert "27. marts 2024" in card.locator("mark").inner_text()
    link = card.locator("a.source-link")
    assert link.get_attribute("href").startswith(DA_LINK)
    assert link.get_attribute("target") == "_blank"
    # The Polish passage is there, collapsed, and opens on a click.
    translation = card.locator("details.source-translation")
    assert not translation.locator("blockquote").is_visible()
    translation.locator("summary").click()
    assert "27 marca 2024" in translation.locator("blockquote").inner_text()
    assert translation.locator("a").get_attribute("href").startswith(PL_LINK)

    # The page's own words follow the conversation into Danish.
    assert page.locator("#send").inner_text() == "Spørg"
    assert "Spørg om Det Europæiske AI-kontor" in page.locator("#header").inner_text()

    # The answer streamed in: several growing states before the finished one.
    streamed = [step["text"] for step in page.evaluate("window.__streamed")]
    grown = [text.rstrip("▍") for text in streamed if text.rstrip("▍")]
    assert len(grown) >= 3, streamed
    assert all(b.startswith(a) for a, b in zip(grown, grown[1:], strict=False))
    assert visit.outside == [], "the page fetched something from outside the machine"

    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / "answer.png", PROJECT_DIR / "docs" / "screenshot.png")


@pytest.mark.browser
def test_polish_question_gets_polish_answer_with_source_card_and_link(visit):
    message = visit.ask("Jaki był termin zgłoszeń do Biura ds. AI?")
    assert "27 marca 2024" in message.locator(".answer-text").inner_text()
    assert (
        message.locator(".answer-language").inner_text() == "Język: polski (wykryty automatycznie)"
    )
    card = message.locator(".source-card")
    assert card.count() == 1
    assert "Europejski Urząd ds. AI" in card.locator(".source-head").inner_text()
    assert "27 marca 2024" in card.locator("mark").inner_text()
    assert card.locator("a.source-link").get_attribute("href").startswith(PL_LINK)
    assert "duńskim" in card.locator("summary").inner_text()
    assert visit.page.locator("#send").inner_text() == "Zapytaj"


@pytest.mark.browser
def test_out_of_scope_question_abstains_in_danish_without_sources(visit):
    message = visit.ask("Hvad koster en pizza i København?")
    text = message.locator(".answer-text").inner_text()
    assert text.startswith("Det står der ikke noget om på siderne om Det Europæiske AI-kontor")
    assert message.locator(".source-card").count() == 0
    assert message.locator("a").count() == 0
    assert message.locator(".answer.abstention").count() == 1


@pytest.mark.browser
def test_html_in_a_question_is_shown_as_text_and_runs_nothing(visit):
    page = visit.page
    message = visit.ask(INJECTION)
    page.wait_for_timeout(500)  # give a planted onerror handler time to fire, if any
    question = page.locator(USER).last
    speaker = question.locator(".sr-only").inner_text()  # "Your question:", for screen readers
    assert question.inner_text().replace(speaker, "", 1).strip() == INJECTION
    assert page.locator("#chat img").count() == 0
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"], [onerror]').length") == 0
    assert visit.dialogs == []
    assert message.locator(".answer-text").inner_text()  # it still got a reply
    assert visit.outside == []


@pytest.mark.browser
def test_the_page_starts_in_the_browsers_language(browser, server):
    context = browser.new_context(locale="pl-PL")
    try:
        page = context.new_page()
        page.goto(server.url)
        page.wait_for_function(
            "() => document.querySelector('#send')?.innerText.trim() === 'Zapytaj'"
        )
        assert "Zapytaj o Europejski Urząd ds. AI" in page.locator("#header").inner_text()
        assert "Przykłady" in page.locator("#examples").inner_text()
    finally:
        context.close()


@pytest.mark.browser
def test_an_empty_submit_asks_nothing(visit):
    visit.page.locator("#question textarea").fill("   ")
    visit.page.locator("#send").click()
    visit.page.wait_for_timeout(1500)
    assert visit.page.locator(USER).count() == 0
    assert visit.page.locator(BOT).count() == 0


@pytest.mark.browser
def test_thumbs_down_lands_in_the_feedback_file(visit, server):
    question = "Hvornår er fristen for interessetilkendegivelser?"
    message = visit.ask(question)
    before = len(server.votes())
    visit.page.locator("#chat").get_by_role("button", name="Dislike").last.click()
    deadline = time.monotonic() + 20
    while len(server.votes()) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    vote = server.votes()[-1]
    assert vote["vote"] == "down"
    assert vote["question"] == question
    assert vote["language"] == "da"
    assert "27. marts 2024" in vote["answer"]
    assert vote["citations"][0]["passage_id"] == "ai-office/da/b030"
    assert vote["citations"][0]["link"].startswith(DA_LINK)
    assert "27. marts 2024" in message.locator(".answer-text").inner_text()
    # The page's question log has the ask, and now its vote (`assistant serve` keeps one).
    from assistant.operations.question_log import QuestionLog

    logged = [r for r in QuestionLog(server.questions).records() if r.question == question]
    deadline = time.monotonic() + 20
    while logged[-1].vote != "down" and time.monotonic() < deadline:
        time.sleep(0.2)
        logged = [r for r in QuestionLog(server.questions).records() if r.question == question]
    assert (logged[-1].vote, logged[-1].language, logged[-1].cited[0]) == (
        "down", "da", "ai-office/da/b030")  # fmt: skip


@pytest.mark.browser
def test_follow_up_keeps_the_conversation(visit):
    visit.ask("Czym jest pakt na rzecz sztucznej inteligencji?")
    # Alone this follow-up has no subject (the assistant abstains); after the question it
    # is about the pact.
    message = visit.ask("A kto go nadzoruje?")
    assert "Biuro ds. AI będzie również nadzorować pakt" in message.inner_text()
    assert message.locator(".source-card").count() >= 1


@pytest.mark.browser
def test_forcing_polish_answers_in_polish_and_switches_the_page(visit):
    page = visit.page
    page.locator("#language").get_by_text("Polski").click()
    page.wait_for_function("() => document.querySelector('#send')?.innerText.trim() === 'Zapytaj'")
    message = visit.ask("ECAT")
    assert message.locator(".answer-language").inner_text() == "Język: polski (wybrany)"
    assert message.locator("a.source-link").first.get_attribute("href").startswith(PL_LINK)


@pytest.mark.browser
def test_example_questions_ask_on_a_click(visit):
    page = visit.page
    before = page.locator(FINISHED).count()
    page.locator("#examples").get_by_text("Jaki był termin zgłoszeń do Biura ds. AI?").click()
    message = visit.wait_for_answer(before)
    assert "27 marca 2024" in message.locator(".answer-text").inner_text()


@pytest.mark.browser
def test_two_people_are_answered_at_the_same_time(browser, server):
    first, second = Visit(browser, server), Visit(browser, server)
    try:
        started = [visit.send("Hvad er AI-pagten?") for visit in (first, second)]
        for visit, before in zip((first, second), started, strict=True):
            visit.wait_for_answer(before)
        spans = []
        for visit in (first, second):
            streamed = visit.page.evaluate("window.__streamed")
            spans.append((streamed[0]["t"], visit.page.evaluate("window.__finished")[-1]))
        # The second answer started streaming before the first finished: served at once.
        (start_a, end_a), (start_b, end_b) = spans
        assert start_b < end_a and start_a < end_b, spans
    finally:
        first.context.close()
        second.context.close()


def test_api_answers_for_load_tests(server):
    from gradio_client import Client

    client = Client(server.url, verbose=False)
    answer = client.predict(
        "Hvornår er fristen for interessetilkendegivelser?", [], "", api_name="/ask"
    )
    assert answer["language"] == "da"
    assert "27. marts 2024" in answer["text"]
    assert answer["citations"][0]["link"].startswith(DA_LINK)

    first = client.predict(
        "Czym jest pakt na rzecz sztucznej inteligencji?", [], "", api_name="/ask"
    )
    history = [["Czym jest pakt na rzecz sztucznej inteligencji?", first["text"], "pl"]]
    follow_up = client.predict("A kto go nadzoruje?", history, "pl", api_name="/ask")
    assert "Biuro ds. AI będzie również nadzorować pakt" in follow_up["text"]

    # A malformed turn gets a reply that says which one and why, not an exception.
    bad = client.predict("ECAT", [["only a question"]], "", api_name="/ask")
    assert bad["reason"] == "invalid_input" and "history[0]" in bad["text"]


@pytest.mark.browser
def test_a_list_answer_is_shown_as_a_list_with_a_source_per_item(visit, tmp_path):
    message = visit.ask("Hvad er AI-kontorets opgaver?")
    items = message.locator(".answer-text ul.answer-items li")
    assert items.count() >= 3
    texts = items.all_inner_texts()
    assert all(text.rstrip().endswith("]") for text in texts)  # each item cited
    lead = message.locator(".answer-text p").first.inner_text()
    assert lead.rstrip(" []0123456789").endswith(":")  # the lead-in, never alone
    assert message.locator(".source-card").count() == items.count() + 1
    # The picture is of the list itself: the source cards below it are folded away for it.
    message.locator(".sources").evaluate("el => { el.style.display = 'none'; }")
    message.screenshot(path=str(tmp_path / "list.png"))
    if os.environ.get("UPDATE_SCREENSHOT"):
        shutil.copy(tmp_path / "list.png", PROJECT_DIR / "docs" / "list-answer.png")
