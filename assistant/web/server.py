"""The chat page as an ASGI app: Gradio mounted in FastAPI behind one guard.

The guard (`PageGuard`, plain ASGI middleware) does three things for every request:

- answers only the routes the page and its `/ask` API use (`ALLOWED_ROUTES`); everything else
  Gradio offers (file upload and download, proxying, monitoring, run history, the API docs...)
  gets 404 before Gradio sees it;
- puts the protective headers on every response: a Content-Security-Policy allowing only what
  the page loads, no framing, no MIME sniffing, no referrer;
- slows password guessing: failed logins counted per address and per user name, 429 with
  Retry-After once there are too many (`assistant.web.login`).

    uvicorn --factory assistant.web.launch:create_app --host 127.0.0.1 --port 7860

runs it (what `assistant serve` does); docs/deploying.md says how to put it behind a proxy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
from collections.abc import Awaitable, Callable

from assistant.web.assets import HEAD, HEAD_SCRIPT
from assistant.web.login import LoginThrottle, password_check

log = logging.getLogger("assistant.server")

Scope = dict
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]

# (method, path) pairs the page and the /ask API need; nothing else is served.
ALLOWED_ROUTES: tuple[tuple[str, str], ...] = (
    ("GET", r"/"),
    ("GET", r"/config/?"),
    ("GET", r"/theme\.css"),
    ("GET", r"/gradio_api/theme\.css"),
    ("GET", r"/assets/[\w\-./]+"),
    ("GET", r"/static/[\w\-./]+"),
    ("GET", r"/favicon\.ico"),
    ("GET", r"/robots\.txt"),
    ("POST", r"/login/?"),
    ("GET", r"/logout"),
    ("GET", r"/gradio_api/info/?"),
    ("GET", r"/gradio_api/startup-events"),
    ("GET", r"/gradio_api/heartbeat/[\w\-]+"),
    ("POST", r"/gradio_api/queue/join"),
    ("GET", r"/gradio_api/queue/data"),
    ("POST", r"/gradio_api/cancel"),
    ("POST", r"/gradio_api/run/predict/?"),  # events the page runs outside the queue
    ("GET", r"/manifest\.json"),
    ("POST", r"/gradio_api/call/ask/?"),
    ("GET", r"/gradio_api/call/ask/[\w\-]+"),
)
_ALLOWED = [(method, re.compile(path + r"\Z")) for method, path in ALLOWED_ROUTES]
LOGIN_PATHS = ("/login", "/login/")
MAX_LOGIN_BODY = 8192
# Settings of the served page (environment; defaults work with nothing set).
MAX_REQUEST_BYTES_ENV, MAX_REQUEST_BYTES = "ASSISTANT_MAX_REQUEST_BYTES", 1_000_000
MAX_SESSIONS_ENV, MAX_SESSIONS = "ASSISTANT_MAX_SESSIONS", 1000


def content_security_policy(inline_scripts: list[bytes] = ()) -> str:
    """The page's policy: everything from its own origin; the inline scripts of the HTML
    being served are allowed by their hashes, no others (so injected markup cannot run)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in inline_scripts
    )
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            # Gradio's components and theme set styles inline.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_OURS = {b"content-security-policy", *(name for name, _ in SECURITY_HEADERS)}


def _headers(csp: str) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", csp.encode()), *SECURITY_HEADERS]


def route_allowed(method: str, path: str) -> bool:
    """True when the page or its API uses this route (HEAD counts as GET)."""
    method = "GET" if method == "HEAD" else method
    if ".." in path.split("/"):
        return False  # no climbing out of the asset folders, whatever Gradio would do
    return any(m == method and pattern.match(path) for m, pattern in _ALLOWED)


class PageGuard:
    """ASGI middleware: allowed routes only, protective headers, throttled logins."""

    def __init__(
        self,
        app,
        throttle: LoginThrottle | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
    ):
        self.app = app
        self.throttle = throttle
        self.max_request_bytes = max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # the page uses no websockets
            await send({"type": "websocket.close", "code": 1008})
            return
        method = scope["method"]
        path = scope["path"][len(scope.get("root_path", "")) :] or "/"
        if not route_allowed(method, path):
            log.debug("refused %s of a route the page does not use (%d chars)", method, len(path))
            await _respond(send, 404, {"detail": "Not Found"})
            return
        if self.throttle is not None and method == "POST" and path in LOGIN_PATHS:
            await self._login(scope, receive, send)
            return
        if method == "POST":
            # Read whole (it is small, or refused): Gradio keeps each session's last inputs,
            # so an unbounded body would be unbounded memory.
            body = await _read_body(receive, self.max_request_bytes)
            if body is None:
                log.warning("refused a request body over %d bytes", self.max_request_bytes)
                await _respond(send, 413, {"detail": "Request too large."})
                return
            receive = _replaying(body, receive)
        await self.app(scope, receive, _with_headers(send))

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive, MAX_LOGIN_BODY)
        if body is None:
            await _respond(send, 413, {"detail": "Login form too large."})
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        user = await _form_user(scope, body)
        wait = self.throttle.retry_after(address, user)
        if wait:
            log.warning("login refused for %d s: too many failed logins", wait)
            detail = f"Too many failed logins; try again in {wait} seconds."
            await _respond(send, 429, {"detail": detail}, [(b"retry-after", str(wait).encode())])
            return
        status = {}

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await _with_headers(send)(message)

        await self.app(scope, _replaying(body, receive), watch)
        if status.get("code") == 200:
            self.throttle.succeeded(address, user)
        elif status.get("code") in (400, 401, 403):
            self.throttle.failed(address, user)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is longer than `limit`."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands over the already read `body` once, then passes on what the
    client's connection says (its disconnect)."""
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _form_user(scope: Scope, body: bytes) -> str:
    """The user name in a login form (url-encoded or multipart), "" when there is none."""
    from starlette.requests import Request

    async def once() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(scope, once).form()
        return str(form.get("username") or "")
    except Exception:  # an unreadable form is Gradio's to refuse; it counts by address
        return ""


def _with_headers(send: Send) -> Send:
    """`send` adding the protective headers; an HTML page is held until complete so its
    inline scripts can be hashed into its policy."""
    held: dict = {}

    async def send_with_headers(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _OURS]
            message = {**message, "headers": headers}
            if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                held["start"], held["body"] = message, []
                return
            message["headers"] = [*headers, *_headers(CONTENT_SECURITY_POLICY)]
        elif message["type"] == "http.response.body" and "start" in held:
            held["body"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(held["body"])
            start = held.pop("start")
            # The page's own head script is added by Gradio's client after load, so it is
            # not in the HTML: its hash is always allowed.
            csp = content_security_policy([*_INLINE_SCRIPT.findall(body), HEAD_SCRIPT.encode()])
            await send({**start, "headers": [*start["headers"], *_headers(csp)]})
            message = {"type": "http.response.body", "body": body}
        await send(message)

    return send_with_headers


async def _respond(send: Send, status: int, body: dict, headers: list | None = None) -> None:
    payload = json.dumps(body).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            *(headers or []),
            *_headers(CONTENT_SECURITY_POLICY),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": payload})


def build_server(demo, options: dict, throttle: LoginThrottle | None = None):
    """FastAPI serving `demo` at / with the guard in front; `options` are
    `assistant.web.launch.launch_options`."""
    import gradio as gr
    from fastapi import FastAPI

    api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # Gradio keeps each session's state (and last inputs) until this many newer sessions
    # push it out; every API call is a session of its own. Its default, 10,000, lets memory
    # grow by about a gigabyte.
    demo.state_session_capacity = int(os.environ.get(MAX_SESSIONS_ENV) or MAX_SESSIONS)
    login = options.get("auth")
    app = gr.mount_gradio_app(
        api,
        demo,
        path="",
        auth=password_check(*login) if login else None,
        auth_message=options.get("auth_message"),
        ssr_mode=False,
        mcp_server=False,
        head=HEAD,
        show_error=False,
        footer_links=options.get("footer_links"),
        # Gradio otherwise keeps every API call's inputs and outputs for a "run history"
        # page (memory grows with every request, and it can be pushed to a Hugging Face bucket).
        run_history=False,
        max_file_size=1,  # no file input on the page: nothing to upload (and the route is shut)
        css=options.get("css"),
        theme=options.get("theme"),
        server_name=options.get("server_name", "127.0.0.1"),
        server_port=options.get("server_port", 7860),
    )
    return PageGuard(
        app,
        throttle=(throttle or LoginThrottle()) if login else None,
        max_request_bytes=int(os.environ.get(MAX_REQUEST_BYTES_ENV) or MAX_REQUEST_BYTES),
    )
