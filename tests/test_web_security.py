"""The served page as an outside client sees it: only the routes the page uses answer, every
response carries the protective headers, the page still works in a real browser under its
Content-Security-Policy, and the /ask API reads bad requests without echoing them.

One real server (`assistant serve`, uvicorn) over the session index serves the module.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from _app_server import running_app
from _robust import DEADLINE

from assistant.resources import PROJECT_DIR

CHROMIUM = "/usr/bin/chromium"
HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

# Every route Gradio mounts (gradio 6), with a request an outside client might send, and
# what it must answer now. 404: refused in front of Gradio.
REFUSED = [
    ("POST", "/gradio_api/upload"),
    ("GET", "/gradio_api/upload_progress"),
    ("GET", "/gradio_api/file=/etc/passwd"),
    ("GET", f"/gradio_api/file={PROJECT_DIR / 'pyproject.toml'}"),
    ("GET", "/gradio_api/file/etc/passwd"),
    ("GET", "/gradio_api/proxy=https://example.org/x"),
    ("GET", "/static/../../../../etc/passwd"),
    ("GET", "/assets/%2e%2e/%2e%2e/pyproject.toml"),
    ("GET", "/svelte/index.js"),
    ("GET", "/gradio_api/openapi.json"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
    ("GET", "/monitoring"),
    ("GET", "/monitoring/summary"),
    ("GET", "/gradio_api/token"),
    ("GET", "/gradio_api/user"),
    ("GET", "/gradio_api/login_check"),
    ("GET", "/gradio_api/app_id"),
    ("GET", "/gradio_api/deep_link"),
    ("GET", "/gradio_api/dev/reload"),
    ("GET", "/gradio_api/runs"),
    ("POST", "/gradio_api/run-history/connect"),
    ("GET", "/gradio_api/run-history/records"),
    ("GET", "/gradio_api/custom_component/1/client/js/index.js"),
    ("POST", "/gradio_api/stream/1"),
    ("POST", "/gradio_api/reset"),
    ("POST", "/gradio_api/api/ask"),
    ("POST", "/gradio_api/run/ask"),
    ("POST", "/gradio_api/call/v2/ask"),
    ("POST", "/gradio_api/component_server"),
    ("GET", "/gradio_api/queue/status"),
    ("POST", "/gradio_api/process_recording"),
    ("POST", "/gradio_api/vibe-edit"),
    ("GET", "/gradio_api/vibe-code"),
    ("POST", "/gradio_api/vibe-starter-queries"),
    ("GET", "/pwa_icon"),
    ("POST", "/"),
    ("PUT", "/config"),
    ("DELETE", "/gradio_api/queue/join"),
]
SERVED = ["/", "/config", "/gradio_api/info", "/theme.css", "/favicon.ico", "/robots.txt"]


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    with running_app(settings, tmp_path_factory.mktemp("secure-web")) as app:
        yield app


def _assert_protected(response: httpx.Response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    script_src = next(p for p in policy.split("; ") if p.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_every_response_carries_the_protective_headers(server):
    page = httpx.get(server.url)
    assert page.status_code == 200
    _assert_protected(page)
    # The page's own inline scripts are allowed by hash, one hash each.
    assert page.headers["content-security-policy"].count("'sha256-") >= 3
    asset = page.text.split('src="./assets/', 1)[1].split('"', 1)[0]
    responses = [
        httpx.get(f"{server.url}/config"),
        httpx.get(f"{server.url}/assets/{asset}"),
        httpx.get(f"{server.url}/gradio_api/info"),
        httpx.get(f"{server.url}/gradio_api/upload"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404]
    for response in responses:
        _assert_protected(response)


@pytest.mark.parametrize("method,path", REFUSED, ids=[f"{m} {p}" for m, p in REFUSED])
def test_routes_the_page_does_not_use_are_refused(server, method, path):
    response = httpx.request(method, server.url + path, content=b"x" * 1000)
    assert response.status_code == 404, response.text[:200]
    assert response.json() == {"detail": "Not Found"}
    _assert_protected(response)


def test_an_upload_stores_nothing(server, tmp_path):
    files = {"files": ("big.bin", b"\0" * 1_000_000, "application/octet-stream")}
    response = httpx.post(f"{server.url}/gradio_api/upload", files=files)
    assert response.status_code == 404
    assert "big.bin" not in response.text


@pytest.mark.parametrize("path", SERVED)
def test_the_routes_the_page_uses_answer(server, path):
    response = httpx.get(server.url + path)
    assert response.status_code == 200
    _assert_protected(response)


# --- the page in a real browser, under its policy -----------------------------------------

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.mark.browser
def test_the_page_answers_in_the_browser_without_a_policy_violation(server):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install.sh --test`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(locale="da-DK")
            page.set_default_timeout(60_000)
            console = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.add_init_script(WATCH_VIOLATIONS)
            response = page.goto(server.url)
            assert response.headers["x-frame-options"] == "DENY"
            page.locator("#question textarea").fill(DEADLINE["da"][0])
            page.locator("#send").click()
            page.wait_for_function(
                "() => document.querySelectorAll('#chat .answer:not(.streaming)').length > 0"
            )
            answer = page.locator('#chat [data-testid="bot"]').last.inner_text()
            assert DEADLINE["da"][1] in answer
            violations = page.evaluate("() => window.__violations")
        finally:
            browser.close()
    assert violations == []
    assert not [line for line in console if "Content Security Policy" in line], console


# --- the /ask API reads bad requests without echoing them ---------------------------------


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False)


def _ask(client, question, history, language):
    return client.predict(question, history, language, api_name="/ask")


def test_a_200000_character_turn_gets_a_short_reply_and_a_short_log(server, client):
    logged = server.log.stat().st_size
    answer = _ask(client, DEADLINE["da"][0], ["x" * 200_000], "")
    reply = json.dumps(answer, ensure_ascii=False).encode()
    assert len(reply) < 1024, len(reply)
    assert answer["reason"] == "invalid_input" and answer["language"] == "da"
    assert "history[0]" in answer["text"] and "x" * 81 not in answer["text"]  # quoted, cut
    assert server.log.stat().st_size - logged < 2048
    # A real turn that long is cut, read and answered.
    logged = server.log.stat().st_size
    long_turn = ["Hvad er AI-pagten? " * 10_000, "AI-pagten ...", "da"]
    answer = _ask(client, DEADLINE["da"][0], [long_turn], "")
    assert DEADLINE["da"][1] in answer["text"]
    assert answer["limits"]["history_turns_cut"] == 1
    assert server.log.stat().st_size - logged < 2048


@pytest.mark.parametrize(
    "language,says",
    [(["da"], "forventede en sprogkode, fik en liste"), ("xx", "“xx” er ikke et sprog")],
)
def test_a_bad_language_gets_a_clear_error_in_the_questions_language(client, language, says):
    answer = _ask(client, DEADLINE["da"][0], [], language)
    assert answer["reason"] == "invalid_input" and answer["language"] == "da"
    assert answer["text"].startswith("Jeg kunne ikke læse forespørgslen. language: ")
    assert says in answer["text"]
    assert answer["citations"] == []
    # ...and the server keeps answering.
    assert DEADLINE["pl"][1] in _ask(client, DEADLINE["pl"][0], [], "pl")["text"]


def test_wrong_types_get_a_clear_error(client):
    answer = _ask(client, DEADLINE["pl"][0], [[DEADLINE["pl"][0], 5, "pl"]], "")
    assert answer["reason"] == "invalid_input" and answer["language"] == "pl"
    assert "history[0]" in answer["text"] and "trzy teksty" in answer["text"]
    answer = _ask(client, DEADLINE["pl"][0], {"not": "a list"}, "")
    assert answer["reason"] == "invalid_input" and "history: " in answer["text"]


def test_3000_history_turns_are_answered_from_the_last_ten(client):
    earlier = ["Hvad er AI-pagten?", "AI-pagten er ...", "da"]
    last = [DEADLINE["pl"][0], "Termin wyrażenia zainteresowania upływa 27 marca 2024", "pl"]
    answer = _ask(client, DEADLINE["pl"][0], [earlier] * 2999 + [last], "")
    assert DEADLINE["pl"][1] in answer["text"] and answer["language"] == "pl"
    assert answer["limits"] == {
        "history_turns_received": 3000,
        "history_turns_used": 10,
        "history_turns_ignored": 2990,
        "history_turns_cut": 0,
    }


def test_a_request_body_over_the_limit_is_refused_and_the_server_keeps_answering(server, client):
    body = b'{"data": ["' + b"x" * 1_100_000 + b'"]}'
    response = httpx.post(f"{server.url}/gradio_api/call/ask", content=body)
    assert response.status_code == 413
    _assert_protected(response)
    assert DEADLINE["da"][1] in _ask(client, DEADLINE["da"][0], [], "")["text"]
