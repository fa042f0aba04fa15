"""How the page is served: local by default, no share link, no analytics, a queue that
serves several people, an optional login, and a library that does not pull in the web UI."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from assistant.resources import PROJECT_DIR
from assistant.web import app, launch


def test_importing_the_library_does_not_import_the_web_ui():
    code = (
        "import sys, assistant, assistant.web.render, assistant.web.feedback, "
        "assistant.web.ui_text; "
        "print('gradio' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_DIR
    )
    assert result.stdout.strip() == "False"


def test_defaults_are_local_without_share_or_login():
    options = launch.launch_options("127.0.0.1", 7860, environ={})
    assert options["server_name"] == "127.0.0.1"
    assert options["server_port"] == 7860
    assert options["share"] is False
    assert options["auth"] is None
    assert options["mcp_server"] is False


def test_host_and_port_come_from_arguments_or_environment(monkeypatch):
    monkeypatch.delenv("ASSISTANT_HOST", raising=False)
    monkeypatch.delenv("ASSISTANT_PORT", raising=False)
    args = launch.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 7860)
    monkeypatch.setenv("ASSISTANT_HOST", "0.0.0.0")
    monkeypatch.setenv("ASSISTANT_PORT", "8123")
    args = launch.parse_args([])
    assert (args.host, args.port) == ("0.0.0.0", 8123)
    args = launch.parse_args(["--host", "127.0.0.2", "--port", "9000"])
    assert (args.host, args.port) == ("127.0.0.2", 9000)


def test_login_needs_both_user_and_password():
    options = launch.launch_options(
        "127.0.0.1", 7860, {"ASSISTANT_USER": "anna", "ASSISTANT_PASSWORD": "x"}
    )
    assert options["auth"] == ("anna", "x")
    with pytest.raises(SystemExit, match="both ASSISTANT_USER and ASSISTANT_PASSWORD"):
        launch.launch_options("127.0.0.1", 7860, {"ASSISTANT_USER": "anna"})


def test_analytics_off_and_queue_serves_several_at_once(settings):
    demo = app.build_app(settings)
    assert demo.analytics_enabled is False
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert demo._queue.default_concurrency_limit == app.DEFAULT_CONCURRENCY > 1
    assert app.build_app(settings, concurrency=1)._queue.default_concurrency_limit == 2


def test_history_triples_become_question_answer_pairs():
    pairs = app.history_from_triples([["Hvad er AI-pagten?", "AI-pagten er ... [1]", "da"]])
    assert pairs[0][0] == "Hvad er AI-pagten?"
    assert (pairs[0][1].text, pairs[0][1].language) == ("AI-pagten er ... [1]", "da")
    assert app.history_from_triples(None) == [] == app.history_from_triples([])
    with pytest.raises(app.gr.Error):
        app.history_from_triples([["only", "two"]])
    with pytest.raises(app.gr.Error):
        app.history_from_triples("not a list")


def test_login_keeps_the_page_and_the_api_closed_without_the_password(settings):
    from _app_server import serving_in_thread
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    from assistant.web.server import build_server

    environ = {"ASSISTANT_USER": "anna", "ASSISTANT_PASSWORD": "s3cret"}
    server = build_server(app.build_app(settings), launch.launch_options("127.0.0.1", 0, environ))
    with serving_in_thread(server) as url:
        assert httpx.get(f"{url}/config").status_code == 401
        assert httpx.get(f"{url}/gradio_api/info").status_code == 401
        wrong = httpx.post(f"{url}/login", data={"username": "anna", "password": "wrong"})
        assert wrong.status_code == 400
        with httpx.Client() as browser:
            right = browser.post(f"{url}/login", data={"username": "anna", "password": "s3cret"})
            assert right.status_code == 200
            assert browser.get(f"{url}/config").status_code == 200
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False)
        client = Client(url, auth=("anna", "s3cret"), verbose=False)
        answer = client.predict("ECAT", [], "pl", api_name="/ask")
        assert answer["language"] == "pl"
        assert answer["citations"][0]["url"].endswith("/pl/policies/ai-office")


def test_the_uvicorn_factory_serves_the_guarded_page(settings, tmp_path):
    """`uvicorn --factory assistant.web.launch:create_app` (docs/deploying.md): the same page,
    behind the same guard, as `assistant serve`."""
    import urllib.error
    import urllib.request

    from _app_server import running_app

    with running_app(settings, tmp_path, factory=True) as app:
        with urllib.request.urlopen(app.url + "/", timeout=30) as response:
            assert response.status == 200
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        try:
            urllib.request.urlopen(app.url + "/gradio_api/upload", timeout=30)
            raise AssertionError("the upload route answered")
        except urllib.error.HTTPError as refused:
            assert refused.code == 404
