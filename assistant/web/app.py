"""The chat page: ask about the European AI Office in Danish or Polish, see cited answers.

A thin shell over the `assistant` library: it reads the question, calls `ask()`, streams the
answer into the chat and shows its sources; the HTML comes from `assistant.web.render`, the page's
words from `assistant.web.ui_text`, and votes go to `assistant.web.feedback`.

`assistant.web.launch` serves it (`assistant serve`).
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterator
from contextlib import nullcontext

# Telemetry, analytics and update checks are off before gradio loads: importing this module
# imports `assistant` first, whose `assistant.privacy` sets the switches.
import gradio as gr  # noqa: E402

from assistant import Answer, AssistantError, Settings, ask  # noqa: E402
from assistant.answering.engine import get_engine  # noqa: E402
from assistant.answering.messages import message  # noqa: E402
from assistant.operations.question_log import log_vote  # noqa: E402
from assistant.web.assets import HEAD, page_language_mark  # noqa: E402
from assistant.web.feedback import record_feedback, vote_from_like  # noqa: E402
from assistant.web.operator import operator_panel  # noqa: E402
from assistant.web.render import (  # noqa: E402
    announcement_html,
    answer_html,
    partial_answer_html,
    question_html,
    stream_steps,
)
from assistant.web.ui_text import (
    examples as example_questions,
)
from assistant.web.ui_text import (  # noqa: E402
    footer_text,
    forced_language,
    language_choices,
    language_from_header,
    page_language,
    ui_text,
)

log = logging.getLogger("assistant.app")

DEFAULT_CONCURRENCY = 4
STREAM_SECONDS = 0.8  # how long an answer takes to appear word by word, at most
STREAM_STEP_SECONDS = 0.03

# The page's components whose words follow the conversation's language, in output order.
_LABELLED = ("header", "question", "send", "clear", "language", "examples", "footer")


def _header(lang: str) -> str:
    """The page's title and introduction, with the mark the page script reads for <html lang>."""
    return f"# {ui_text('title', lang)}\n\n{ui_text('intro', lang)}{page_language_mark(lang)}"


def _page_updates(language: str) -> tuple:
    """New words for every labelled component, in the page language for `language`."""
    lang = page_language(language)
    return (
        gr.Markdown(_header(lang)),
        gr.Textbox(label=ui_text("question_label", lang), placeholder=ui_text("placeholder", lang)),
        gr.Button(value=ui_text("send", lang)),
        gr.Button(value=ui_text("clear", lang)),
        gr.Radio(label=ui_text("language_label", lang), choices=language_choices(lang)),
        gr.Dataset(label=ui_text("examples", lang)),
        gr.Markdown(footer_text(lang)),
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


def checked_vote(liked: object) -> str | None:
    """The like widget's value as one of the page's votes (`assistant.validation`), or None
    for anything else a client sends: the page offers no custom feedback options."""
    from assistant.validation import InvalidInput, check_vote
    from assistant.web.feedback import VOTES

    try:
        return check_vote(vote_from_like(liked), VOTES)
    except InvalidInput:
        return None


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


def build_app(
    settings: Settings,
    concurrency: int = DEFAULT_CONCURRENCY,
    operator_tab: bool | None = None,
) -> gr.Blocks:
    """The chat page answering from the index in `settings`, queued to answer `concurrency`
    questions at once (at least 2), ready to launch; with `operator_tab` (default: when the
    settings set a login) a tab with the question log's report beside the chat."""
    if operator_tab is None:
        operator_tab = bool(settings.user and settings.password)

    def respond(
        question: str,
        chat: list,
        turns: list,
        choice: str,
        page_lang: str,
    ) -> Iterator[tuple]:
        question = question or ""
        if not question.strip():  # an empty submit is a slip of the Enter key, not a question
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), *_unchanged_page()
            return
        forced = forced_language(choice)
        speaker = ui_text("question_speaker", page_lang)
        chat = [
            *chat,
            {"role": "user", "content": question_html(question, speaker=speaker)},
            {"role": "assistant", "content": partial_answer_html("")},
        ]
        yield chat, turns, "", announcement_html(None, page_lang), *_unchanged_page()
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
            yield chat, turns, gr.skip(), gr.skip(), *_unchanged_page()
            time.sleep(pause)
        # The question is now known to be in the answer's language (WCAG 3.1.2).
        known = answer.language if answer.reason != "error" else None
        chat[-2] = {
            "role": "user",
            "content": question_html(question, known, ui_text("question_speaker", lang)),
        }
        chat[-1] = {
            "role": "assistant",
            "content": answer_html(
                answer, lang, forced=forced is not None, speaker=ui_text("answer_speaker", lang)
            ),
        }
        turns = [*turns, (question, answer)]
        yield (
            chat,
            turns,
            gr.skip(),
            announcement_html(answer, lang),
            *_page_updates(answer.language),
        )

    def vote(turns: list, page_lang: str, like: gr.LikeData) -> None:
        index = like.index[0] if isinstance(like.index, list | tuple) else like.index
        turn = int(index) // 2  # the chat alternates question, answer
        if not 0 <= turn < len(turns):
            return
        question, answer = turns[turn]
        choice = checked_vote(like.liked)
        if choice is None:
            raise gr.Error(ui_text("vote_refused", page_lang))
        record_feedback(question, answer, choice)
        log_vote(settings, answer.trace.log_id, choice)
        gr.Info(ui_text("withdrawn" if choice == "withdrawn" else "thanks", page_lang))

    def choose_language(choice: str, page_lang: str) -> tuple:
        forced = forced_language(choice)
        return _page_updates(forced) if forced else _unchanged_page()

    def clear() -> tuple:
        return [], [], "", ""

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
    with warnings.catch_warnings():
        # Gradio 6 would take `head` at launch; the page brings its own accessibility script
        # here so that it does not depend on how it is launched (launch() still reads it).
        warnings.filterwarnings("ignore", message="The parameters have been moved")
        demo = gr.Blocks(title="AI Office assistant", analytics_enabled=False, head=HEAD)
    with demo:
        # With a login, the page has an operator tab beside the chat (the login keeps the
        # public out of both); without one, the chat alone, as it always was.
        with gr.Tabs() if operator_tab else nullcontext():
            with gr.Tab("Chat", elem_id="chat-tab") if operator_tab else nullcontext():
                turns = gr.State([])
                page_lang = gr.State(start)
                header = gr.Markdown(_header(start), elem_id="header")
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
                    send = gr.Button(
                        ui_text("send", start), variant="primary", elem_id="send", scale=1
                    )
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
                    samples=[[example] for example in example_questions()],
                    label=ui_text("examples", start),
                    elem_id="examples",
                    samples_per_page=len(example_questions()),
                )
                footer = gr.Markdown(footer_text(start), elem_classes="page-footer")
                # Screen readers hear "Answering …" and then the finished answer from here.
                announcer = gr.Markdown("", elem_id="announcer", elem_classes="sr-only")

            if operator_tab:
                operator_panel(settings)
        labelled = [header, question, send, clear_button, language, examples, footer, page_lang]
        ask_inputs = [question, chat, turns, language, page_lang]
        ask_outputs = [chat, turns, question, announcer, *labelled]

        # Progress shows on the chat only: a timer in the live region would be read out.
        answering = {"api_visibility": "private", "show_progress_on": [chat]}
        question.submit(respond, ask_inputs, ask_outputs, **answering)
        send.click(respond, ask_inputs, ask_outputs, **answering)
        examples.click(
            pick_example, examples, question, api_visibility="private", queue=False
        ).then(respond, ask_inputs, ask_outputs, **answering)
        chat.like(vote, [turns, page_lang], None, api_visibility="private")
        language.change(choose_language, [language, page_lang], labelled, api_visibility="private")
        clear_button.click(
            clear, None, [chat, turns, question, announcer], api_visibility="private"
        )
        demo.load(on_load, None, labelled, api_visibility="private")
        gr.api(ask_api, api_name="ask")
    # More than one at a time: answers are quick, but a slow one must not hold up the rest.
    return demo.queue(default_concurrency_limit=max(2, concurrency))
