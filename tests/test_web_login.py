"""The page's login resists guessing: failed logins counted per address and per user name,
the sixth within a minute answered 429 with Retry-After, passwords compared in constant time,
and neither password nor session token in the log."""

from __future__ import annotations

import logging

import httpx
import pytest
from _app_server import serving_in_thread

from assistant.web import app, launch
from assistant.web.login import LoginThrottle, password_check
from assistant.web.server import build_server

USER, PASSWORD = "anna", "correct horse battery staple"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_sixth_failure_within_the_window_must_wait_until_the_oldest_expires():
    clock = Clock()
    throttle = LoginThrottle(max_failures=5, window_seconds=60, clock=clock)
    for second in range(5):
        assert throttle.retry_after("10.0.0.1", USER) == 0
        clock.now = 1000.0 + second * 10
        throttle.failed("10.0.0.1", USER)
    # Failures at 1000, 1010, ..., 1040: the first leaves the window at 1060.
    assert throttle.retry_after("10.0.0.1", USER) == 20
    assert throttle.retry_after("10.0.0.2", USER) == 20  # same name, other address
    assert throttle.retry_after("10.0.0.1", "bob") == 20  # same address, other name
    assert throttle.retry_after("10.0.0.2", "bob") == 0
    clock.now = 1060.0
    assert throttle.retry_after("10.0.0.1", USER) == 0


def test_a_right_password_clears_the_count():
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=Clock())
    throttle.failed("10.0.0.1", USER)
    throttle.succeeded("10.0.0.1", USER)
    throttle.failed("10.0.0.1", USER)
    assert throttle.retry_after("10.0.0.1", USER) == 0


def test_user_names_count_without_case_or_spaces():
    throttle = LoginThrottle(max_failures=2, window_seconds=60, clock=Clock())
    throttle.failed("10.0.0.1", "Anna ")
    throttle.failed("10.0.0.2", "anna")
    assert throttle.retry_after("10.0.0.3", "ANNA") > 0


def test_the_password_check_takes_exactly_the_pair():
    check = password_check(USER, PASSWORD)
    assert check(USER, PASSWORD)
    assert not check(USER, PASSWORD + " ")
    assert not check("Anna", PASSWORD)
    assert not check(PASSWORD, USER)


@pytest.fixture()
def login_server(settings):
    """A fresh server (and so a fresh count of failures) for each test."""
    environ = {"ASSISTANT_USER": USER, "ASSISTANT_PASSWORD": PASSWORD}
    server = build_server(app.build_app(settings), launch.launch_options("127.0.0.1", 0, environ))
    with serving_in_thread(server) as url:
        yield url


def _server_log(caplog) -> str:
    """What the server's side logged (this process also runs the test's HTTP client, whose
    own debug lines show the cookies it received)."""
    client_side = ("httpx", "httpcore")
    return "\n".join(
        f"{r.name} {r.getMessage()}" for r in caplog.records if not r.name.startswith(client_side)
    )


def _login(url: str, user: str, password: str, address: str = "127.0.0.1") -> httpx.Response:
    # Loopback has many addresses: a client "from elsewhere" binds another one.
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(transport=transport) as client:
        return client.post(f"{url}/login", data={"username": user, "password": password})


def test_the_sixth_wrong_password_within_a_minute_gets_429(login_server, caplog):
    caplog.set_level(logging.DEBUG)
    url = login_server
    statuses = [_login(url, USER, f"guess-{n}").status_code for n in range(5)]
    assert statuses == [400] * 5
    sixth = _login(url, USER, "guess-6")
    assert sixth.status_code == 429
    assert 50 <= int(sixth.headers["retry-after"]) <= 60
    assert sixth.headers["x-frame-options"] == "DENY"
    # Blocked for a while: even the right password waits, from this address...
    assert _login(url, USER, PASSWORD).status_code == 429
    # ...and from another address for this user name (the guesser moved).
    assert _login(url, USER, PASSWORD, address="127.0.0.2").status_code == 429
    # Another user name from a fresh address is not held up.
    assert _login(url, "bob", "x", address="127.0.0.3").status_code == 400
    # A multipart form (what the login page sends) is counted the same way.
    files = {"username": (None, "carl"), "password": (None, "x")}
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.4")) as client:
        codes = [client.post(f"{url}/login", files=files).status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]
    # Nothing secret reaches the log.
    for secret in (PASSWORD, "guess-1", "guess-6"):
        assert secret not in _server_log(caplog)


def test_the_right_password_logs_in_and_its_token_is_not_logged(login_server, caplog):
    caplog.set_level(logging.DEBUG)
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.5")) as browser:
        response = browser.post(f"{login_server}/login", data={"username": "dora", "password": "x"})
        assert response.status_code == 400
        response = browser.post(
            f"{login_server}/login", data={"username": USER, "password": PASSWORD}
        )
        assert response.status_code == 200
        token = next(v for k, v in browser.cookies.items() if k.startswith("access-token"))
        assert browser.get(f"{login_server}/config").status_code == 200
    assert token not in _server_log(caplog) and PASSWORD not in _server_log(caplog)


def test_a_huge_login_form_is_refused_unread(login_server):
    response = httpx.post(
        f"{login_server}/login", data={"username": USER, "password": "x" * 100_000}
    )
    assert response.status_code == 413
