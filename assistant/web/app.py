"""The chat page: ask about the European AI Office in Danish or Polish, see cited answers.

A thin shell over the `assistant` library: it reads the question, calls `ask()`, streams the
answer into the chat and shows its sources; the HTML comes from `assistant.web.render`, the page's
words from `assistant.web.ui_text`, and votes go to `assistant.web.feedback`.

    python app.py [--host 127.0.0.1] [--port 7860]      # `assistant serve` calls main()

Environment: ASSISTANT_HOST, ASSISTANT_PORT, ASSISTANT_USER + ASSISTANT_PASSWORD (login),
ASSISTANT_CONCURRENCY (questions answered at once), and the library's own settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Iterator

# Telemetry, analytics and update checks are off before gradio loads: importing this module
# imports `assistant` first, whose `assistant.privacy` sets the switches.
import gradio as gr  # noqa: E402

from assistant import Answer, AssistantError, Settings, ask  # noqa: E402
from assistant.answering.engine import get_engine  # noqa: E402
from assistant.answering.messages import message  # noqa: E402
from assistant.web.feedback import record_feedback, vote_from_like  # noqa: E402
from assistant.web.render import (  # noqa: E402
    answer_html,
    partial_answer_html,
    question_html,
    stream_steps,
)
from assistant.web.ui_text import (  # noqa: E402
    EXAMPLES,
    forced_language,
    language_choices,
    language_from_header,
    page_language,
    ui_text,
)

log = logging.getLogger("assistant.app")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_CONCURRENCY = 4
AUTH_MESSAGE = "Det Europæiske AI-kontor · Europejski Urząd ds. AI · the European AI Office"
STREAM_SECONDS = 0.8  # how long an answer takes to appear word by word, at most
STREAM_STEP_SECONDS = 0.03

CSS = """
.gradio-container { max-width: 980px !important; margin: 0 auto !important; }
.answer.abstention .answer-text { font-style: italic; }
.notice { font-size: 0.9em; opacity: 0.8; margin-bottom: 0.4em; }
.answer-language { font-size: 0.85em; opacity: 0.7; margin-top: 0.4em; }
.sources { margin-top: 0.8em; border-top: 1px solid var(--border-color-primary);
  padding-top: 0.5em; }
.sources-heading { font-weight: 600; margin-bottom: 0.3em; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 0.6em 0.8em; margin: 0.5em 0; background: var(--background-fill-secondary); }
.source-head { font-size: 0.9em; margin-bottom: 0.3em; }
.source-number { font-weight: 700; }
.source-text { margin: 0.3em 0 !important; font-size: 0.92em; }
.source-text mark { background: #ffe08a; color: inherit; padding: 0 2px; border-radius: 2px; }
.source-link, .translation-link { font-size: 0.9em; }
.source-translation { margin-top: 0.4em; font-size: 0.9em; }
.source-translation summary { cursor: pointer; }
.page-footer { font-size: 0.8em; opacity: 0.7; text-align: center; }
"""

# The page's components whose words follow the conversation's language, in output order.
_LABELLED = ("header", "question", "send", "clear", "language", "examples", "footer")


def _page_updates(language: str) -> tuple:
    """New words for every labelled component, in the page language for `language`."""
    lang = page_language(language)
    return (
        gr.Markdown(f"# {ui_text('title', lang)}\n\n{ui_text('intro', lang)}"),
        gr.Textbox(label=ui_text("question_label", lang), placeholder=ui_text("placeholder", lang)),
        gr.Button(value=ui_text("send", lang)),
        gr.Button(value=ui_text("clear", lang)),
        gr.Radio(label=ui_text("language_label", lang), choices=language_choices(lang)),
        gr.Dataset(label=ui_text("examples", lang)),
        gr.Markdown(ui_text("footer", lang)),
        lang,
    )


def _unchanged_page() -> tuple:
    return tuple(gr.skip() for _ in range(len(_LABELLED) + 1))


def _error_answer(exc: Exception, language: str) -> Answer:
    """An Answer that tells the person what went wrong, in their language."""
    if isinstance(exc, AssistantError):
        detail = str(exc)
    else:
        log.exception("answering failed")
        detail = type(exc).__name__
    return Answer(
        text=message("error", language, detail=detail),
        language=language,
        abstained=True,
        reason="error",
    )


def _history(turns: list[tuple[str, Answer]]) -> list[tuple[str, Answer]]:
    """The conversation as `ask()` takes it: the turns that got a real reply."""
    return [(question, answer) for question, answer in turns if answer.reason != "error"]


def history_from_triples(history: object) -> list[tuple[str, Answer]]:
    """`[[question, answer_text, language], ...]` (the API's JSON) as (question, Answer) pairs,
    the last `max_history_turns` of them; gr.Error saying which turn is wrong otherwise."""
    from assistant.answering.messages import MESSAGES
    from assistant.validation import InvalidInput, check_history_triples

    try:
        return check_history_triples(history, Settings(), set(MESSAGES)).history
    except InvalidInput as exc:
        raise gr.Error(exc.problem.message("en")) from None


def answer_api_request(question: object, history: object, language: object, settings) -> dict:
    """The /ask API: the request checked (`assistant.validation`), answered, and returned as
    the Answer's dict plus "limits" (how much of the history was read)."""
    from assistant.api import known_languages, refusal
    from assistant.validation import InvalidInput, check_ask

    try:
        known = known_languages(get_engine(settings))
        request = check_ask(question, history, language, settings, known, triples=True)
        answer = ask(
            request.question, request.history, language=request.language, settings=settings
        )
    except InvalidInput as exc:
        return {**refusal(exc, question, settings).to_dict(), "limits": None}
    except Exception as exc:  # a clear reply, never Gradio's generic error; the log: its kind
        log.error("answering an API request failed: %s", type(exc).__name__)
        detail = str(exc)[:200] if isinstance(exc, AssistantError) else type(exc).__name__
        text = message("error", "en", detail=detail)
        return {**Answer(text, "en", abstained=True, reason="error").to_dict(), "limits": None}
    return {**answer.to_dict(), "limits": request.limits()}


def build_app(settings: Settings, concurrency: int = DEFAULT_CONCURRENCY) -> gr.Blocks:
    """The chat page answering from the index in `settings`, queued to answer `concurrency`
    questions at once (at least 2), ready to launch."""

    def respond(
        question: str,
        chat: list,
        turns: list,
        choice: str,
        page_lang: str,
    ) -> Iterator[tuple]:
        question = question or ""
        if not question.strip():  # an empty submit is a slip of the Enter key, not a question
            yield gr.skip(), gr.skip(), gr.skip(), *_unchanged_page()
            return
        forced = forced_language(choice)
        chat = [
            *chat,
            {"role": "user", "content": question_html(question)},
            {"role": "assistant", "content": partial_answer_html("")},
        ]
        yield chat, turns, "", *_unchanged_page()
        history = _history(turns)
        try:
            answer = ask(question, history, language=forced, settings=settings)
        except Exception as exc:  # shown to the person; AssistantError says what to do
            fallback = forced or (history[-1][1].language if history else page_lang)
            answer = _error_answer(exc, fallback)
        lang = page_language(answer.language)
        steps = stream_steps(answer.text)
        pause = min(STREAM_STEP_SECONDS, STREAM_SECONDS / max(1, len(steps)))
        for prefix in steps[:-1]:
            chat[-1] = {"role": "assistant", "content": partial_answer_html(prefix)}
            yield chat, turns, gr.skip(), *_unchanged_page()
            time.sleep(pause)
        chat[-1] = {
            "role": "assistant",
            "content": answer_html(answer, lang, forced=forced is not None),
        }
        turns = [*turns, (question, answer)]
        yield chat, turns, gr.skip(), *_page_updates(answer.language)

    def vote(turns: list, page_lang: str, like: gr.LikeData) -> None:
        index = like.index[0] if isinstance(like.index, list | tuple) else like.index
        turn = int(index) // 2  # the chat alternates question, answer
        if not 0 <= turn < len(turns):
            return
        question, answer = turns[turn]
        choice = vote_from_like(like.liked)
        record_feedback(question, answer, choice)
        gr.Info(ui_text("withdrawn" if choice == "withdrawn" else "thanks", page_lang))

    def choose_language(choice: str, page_lang: str) -> tuple:
        forced = forced_language(choice)
        return _page_updates(forced) if forced else _unchanged_page()

    def clear() -> tuple:
        return [], [], ""

    def pick_example(sample: object) -> str:
        if isinstance(sample, list | tuple):
            sample = sample[0] if sample else ""
        return str(sample or "")

    def on_load(request: gr.Request) -> tuple:
        header = request.headers.get("accept-language") if request else None
        return _page_updates(language_from_header(header))

    def ask_api(question: str, history: list, language: str, request: gr.Request) -> dict:
        """Answer one question as JSON; history is [[question, answer_text, language], ...]
        and language is "da", "pl" or "" to detect it. Only the last turns are read (the
        reply's "limits" says how many); a request that cannot be read gets an answer
        with reason "invalid_input" saying what was wrong, never an exception."""
        try:
            return answer_api_request(question, history, language, settings)
        finally:
            # Each API call is a Gradio session of its own, kept with its inputs until
            # newer sessions push it out; an answered call needs nothing kept.
            holder = getattr(demo, "state_holder", None)
            if holder is not None and request is not None and request.session_hash:
                with holder.lock:
                    holder.session_data.pop(request.session_hash, None)
                    holder.time_last_used.pop(request.session_hash, None)

    start = "en"
    with gr.Blocks(title="AI Office assistant", analytics_enabled=False) as demo:
        turns = gr.State([])
        page_lang = gr.State(start)
        header = gr.Markdown(
            f"# {ui_text('title', start)}\n\n{ui_text('intro', start)}", elem_id="header"
        )
        chat = gr.Chatbot(
            show_label=False,
            elem_id="chat",
            height=560,
            sanitize_html=True,
            allow_tags=False,
            latex_delimiters=[],
            feedback_options=("Like", "Dislike"),
            # Copying would copy the message's HTML, not its text.
            buttons=[],
        )
        with gr.Row(equal_height=True):
            question = gr.Textbox(
                label=ui_text("question_label", start),
                placeholder=ui_text("placeholder", start),
                elem_id="question",
                scale=5,
                lines=1,
                max_lines=6,
                autofocus=True,
            )
            send = gr.Button(ui_text("send", start), variant="primary", elem_id="send", scale=1)
        with gr.Row():
            language = gr.Radio(
                choices=language_choices(start),
                value="auto",
                label=ui_text("language_label", start),
                elem_id="language",
                scale=2,
            )
            clear_button = gr.Button(ui_text("clear", start), elem_id="clear", scale=1)
        examples = gr.Dataset(
            components=[question],
            samples=[[example] for example in EXAMPLES],
            label=ui_text("examples", start),
            elem_id="examples",
            samples_per_page=len(EXAMPLES),
        )
        footer = gr.Markdown(ui_text("footer", start), elem_classes="page-footer")

        labelled = [header, question, send, clear_button, language, examples, footer, page_lang]
        ask_inputs = [question, chat, turns, language, page_lang]
        ask_outputs = [chat, turns, question, *labelled]

        question.submit(respond, ask_inputs, ask_outputs, api_visibility="private")
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private")
        examples.click(
            pick_example, examples, question, api_visibility="private", queue=False
        ).then(respond, ask_inputs, ask_outputs, api_visibility="private")
        chat.like(vote, [turns, page_lang], None, api_visibility="private")
        language.change(choose_language, [language, page_lang], labelled, api_visibility="private")
        clear_button.click(clear, None, [chat, turns, question], api_visibility="private")
        demo.load(on_load, None, labelled, api_visibility="private")
        gr.api(ask_api, api_name="ask")
    # More than one at a time: answers are quick, but a slow one must not hold up the rest.
    return demo.queue(default_concurrency_limit=max(2, concurrency))


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
        "auth_message": AUTH_MESSAGE if user else None,
        "ssr_mode": False,
        "mcp_server": False,
        "show_error": False,
        "footer_links": ["api"],
        "css": CSS,
        "theme": gr.themes.Default(),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="assistant serve", description="Start the chat page about the European AI Office."
    )
    parser.add_argument(
        "--host",
        default=os.environ.get("ASSISTANT_HOST") or DEFAULT_HOST,
        help=f"address to listen on (env ASSISTANT_HOST, default {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("ASSISTANT_PORT") or DEFAULT_PORT),
        help=f"port (env ASSISTANT_PORT, default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=int(os.environ.get("ASSISTANT_CONCURRENCY") or DEFAULT_CONCURRENCY),
        help="questions answered at the same time (env ASSISTANT_CONCURRENCY, default "
        f"{DEFAULT_CONCURRENCY})",
    )
    return parser.parse_args(argv)


def prepare_app(host: str | None = None, port: int | None = None, concurrency: int | None = None):
    """The page ready to serve (an ASGI app): login from the environment, the index loaded
    (built if missing) and warmed up. Raises SystemExit with a message when it cannot."""
    from assistant.web.server import build_server

    defaults = parse_args([])
    options = launch_options(host or defaults.host, port or defaults.port)
    settings = Settings.from_env()
    print(f"Loading the index in {settings.index_dir} (built now if missing) ...", flush=True)
    try:
        get_engine(settings, progress=True)
    except AssistantError as exc:
        raise SystemExit(f"error: {exc}") from None
    # The first question pays for lazy set-up in the index and the model; pay it now.
    ask("AI", settings=settings)
    demo = build_app(settings, concurrency=concurrency or defaults.concurrency)
    return build_server(demo, options)


def main(argv: list[str] | None = None) -> int:
    """Build the index if needed, load the model, and serve the page with uvicorn until
    interrupted."""
    import uvicorn

    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        server = prepare_app(args.host, args.port, args.concurrency)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Serving the chat page on http://{args.host}:{args.port}", flush=True)
    # No access log: request lines carry what clients send; the guard logs refusals by size.
    uvicorn.run(server, host=args.host, port=args.port, access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
