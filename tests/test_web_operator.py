"""The page's operator tab: absent without a login, out of reach with a wrong password, and
with the right one a tab that shows the question log's groups (real server, real Chromium,
axe-core on the tab, as in tests/test_web_accessibility.py)."""

from __future__ import annotations

import httpx
import pytest
from _app_server import serving_in_thread
from _seeded_log import TEST_THEMES, seed
from test_web_accessibility import WCAG_21_AA, _described  # noqa: F401
from test_web_page import browser  # noqa: F401 (a fixture used by name)

from assistant.operations.question_log import QuestionLog
from assistant.web import launch

USER, PASSWORD = "operator", "a long operator password"


@pytest.fixture()
def log_settings(settings, tmp_path):
    """The session's index, the log on, in a file seeded with Danish, Polish and English asks."""
    path = tmp_path / "questions.sqlite3"
    seed(QuestionLog(path), TEST_THEMES)
    return settings.with_overrides(question_log="on", question_log_file=path)


def _served(monkeypatch, settings, login: bool):
    for name in ("ASSISTANT_USER", "ASSISTANT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    if login:
        monkeypatch.setenv("ASSISTANT_USER", USER)
        monkeypatch.setenv("ASSISTANT_PASSWORD", PASSWORD)
    return serving_in_thread(launch.prepare_app("127.0.0.1", 7860, settings=settings))


def test_without_a_login_the_page_has_no_operator_tab(monkeypatch, log_settings):
    with _served(monkeypatch, log_settings, login=False) as url:
        config = httpx.get(f"{url}/config")
    assert config.status_code == 200
    assert '"question"' in config.text  # the chat is there
    assert "operator-tab" not in config.text and "Refresh the report" not in config.text


def test_a_wrong_password_does_not_reach_the_operator_tab(monkeypatch, log_settings):
    with _served(monkeypatch, log_settings, login=True) as url:
        with httpx.Client() as stranger:
            assert stranger.get(f"{url}/config").status_code == 401
            wrong = stranger.post(f"{url}/login", data={"username": USER, "password": "guess"})
            assert wrong.status_code == 400
            assert stranger.get(f"{url}/config").status_code == 401
        with httpx.Client() as operator:
            right = operator.post(f"{url}/login", data={"username": USER, "password": PASSWORD})
            assert right.status_code == 200
            config = operator.get(f"{url}/config")
    assert config.status_code == 200
    assert "operator-tab" in config.text and "Refresh the report" in config.text


@pytest.mark.browser
def test_the_operator_logs_in_opens_the_tab_and_sees_the_groups(
    monkeypatch,
    log_settings,
    browser,  # noqa: F811
):
    from axe_playwright_python.sync_playwright import Axe

    with _served(monkeypatch, log_settings, login=True) as url:
        context = browser.new_context(locale="da-DK", viewport={"width": 1100, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(120_000)
            page.emulate_media(reduced_motion="reduce")
            page.goto(url)
            page.get_by_label("username").fill(USER)
            page.get_by_label("password").fill(PASSWORD)
            page.get_by_role("button", name="Login").click()
            page.get_by_role("tab", name="Operator").click()
            groups = page.locator("#operator-report .not-on-page > li.question-group")
            groups.first.wait_for()
            texts = groups.all_inner_texts()
            assert len(texts) == len(TEST_THEMES)
            for wordings in TEST_THEMES.values():
                assert any(all(w in text for w, _ in wordings) for text in texts), wordings
            assert page.locator("#operator-report svg[role=img]").count() == 2
            assert "54 asks" in page.locator("#operator-report").inner_text()
            options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                violations = Axe().run(page, options=options).response["violations"]
                assert violations == [], f"{scheme}:\n{_described(violations)}"
        finally:
            context.close()
