"""Running the chat page: its options, the page made ready to serve, and the server.

    assistant serve [--host 127.0.0.1] [--port 7860] [--concurrency 4]   # main()
    uvicorn --factory assistant.web.launch:create_app --host 127.0.0.1 --port 7860

Environment: ASSISTANT_HOST, ASSISTANT_PORT, ASSISTANT_USER + ASSISTANT_PASSWORD (login),
ASSISTANT_CONCURRENCY (questions answered at once), ASSISTANT_QUESTION_LOG (on unless "off":
docs/deploying.md says what it keeps), and the library's own settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

# Telemetry, analytics and update checks are off before gradio loads: importing this module
# imports `assistant` first, whose `assistant.privacy` sets the switches.
import gradio as gr  # noqa: E402

from assistant import AssistantError, Settings  # noqa: E402
from assistant.answering.engine import get_engine  # noqa: E402
from assistant.web.app import DEFAULT_CONCURRENCY, build_app  # noqa: E402
from assistant.web.assets import CSS  # noqa: E402
from assistant.web.ui_text import auth_message  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def launch_options(host: str, port: int, environ: dict | None = None) -> dict:
    """How the page is served (`assistant.web.server.build_server`): local by default, no
    share link, no MCP server, no file uploads, an optional login.

    Raises SystemExit with a message when only one of user and password is set.
    """
    environ = os.environ if environ is None else environ
    user = environ.get("ASSISTANT_USER", "")
    password = environ.get("ASSISTANT_PASSWORD", "")
    if bool(user) != bool(password):
        raise SystemExit("Set both ASSISTANT_USER and ASSISTANT_PASSWORD for a login, or neither.")
    return {
        "server_name": host,
        "server_port": port,
        "share": False,
        "auth": (user, password) if user else None,
        "auth_message": auth_message() if user else None,
        "ssr_mode": False,
        "mcp_server": False,
        "show_error": False,
        "footer_links": ["api"],
        "css": CSS,
        "theme": gr.themes.Default(),
    }


def parse_args(
    argv: list[str] | None = None, settings: Settings | None = None
) -> argparse.Namespace:
    """The page's options; their defaults come from the settings (ASSISTANT_HOST, ...)."""
    settings = settings or Settings.from_env()
    parser = argparse.ArgumentParser(
        prog="assistant serve", description="Start the chat page about the European AI Office."
    )
    parser.add_argument(
        "--host",
        default=settings.host,
        help=f"address to listen on (env ASSISTANT_HOST, default {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=settings.port,
        help=f"port (env ASSISTANT_PORT, default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=settings.concurrency,
        help="questions answered at the same time (env ASSISTANT_CONCURRENCY, default "
        f"{DEFAULT_CONCURRENCY})",
    )
    return parser.parse_args(argv)


def served_settings(settings: Settings) -> Settings:
    """The settings the page runs with: the question log on unless it was turned off
    (ASSISTANT_QUESTION_LOG=off); the library leaves it off unless turned on."""
    return settings if settings.question_log else settings.with_overrides(question_log="on")


def prepare_app(
    host: str | None = None,
    port: int | None = None,
    concurrency: int | None = None,
    settings: Settings | None = None,
):
    """The page ready to serve (an ASGI app): login from the environment, the index loaded
    (built if missing) and warmed up. Raises SystemExit with a message when it cannot."""
    from assistant.web.server import build_server

    try:
        settings = served_settings(settings or Settings.from_env())
    except AssistantError as exc:
        raise SystemExit(f"error: {exc}") from None
    defaults = parse_args([], settings)
    options = launch_options(host or defaults.host, port or defaults.port)
    print(f"Loading the index in {settings.index_dir} (built now if missing) ...", flush=True)
    try:
        get_engine(settings, progress=True)
    except AssistantError as exc:
        raise SystemExit(f"error: {exc}") from None
    # The first question pays for lazy set-up in the index and the model; pay it now (on the
    # engine itself: a warm-up is nobody's question, so it is not in the question log).
    get_engine(settings).answer("AI")
    demo = build_app(
        settings,
        concurrency=concurrency or defaults.concurrency,
        operator_tab=options["auth"] is not None,
    )
    return build_server(demo, options)


def create_app():
    """The served page for `uvicorn --factory assistant.web.launch:create_app`: settings and
    login from the environment, the index loaded (built if missing) and warmed up before the
    first request."""
    return prepare_app()


def main(argv: list[str] | None = None) -> int:
    """Build the index if needed, load the model, and serve the page with uvicorn until
    interrupted."""
    import uvicorn

    try:
        settings = Settings.from_env()  # a bad ASSISTANT_* value: one line, no traceback
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args = parse_args(argv, settings)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        server = prepare_app(args.host, args.port, args.concurrency, settings)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Serving the chat page on http://{args.host}:{args.port}", flush=True)
    # No access log: request lines carry what clients send; the guard logs refusals by size.
    uvicorn.run(server, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
