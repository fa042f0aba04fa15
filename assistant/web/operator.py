"""The page's operator tab: the question log's report (`assistant report`) for whoever holds
the page's login. It exists only when a login is set (`build_app`), so the public never
reaches it; it is built when the tab is opened or refreshed, never on page load."""

from __future__ import annotations

import logging
from html import escape

import gradio as gr

from assistant.errors import AssistantError
from assistant.settings import Settings

log = logging.getLogger("assistant.operator")

OPENING = '<div lang="en"><p>Open this tab or press "Refresh the report" to read the log.</p></div>'


def operator_report_html(settings: Settings) -> str:
    """The report over the log the settings name, as HTML for the tab (in English, marked so
    for screen readers on a Danish or Polish page); a sentence when there is nothing to show."""
    from assistant.operations.report import build_report, logged_records, question_encoder
    from assistant.operations.report_html import STYLE, report_fragment

    if not settings.logs_questions:
        body = (
            "<p>The question log is off (ASSISTANT_QUESTION_LOG=off): nothing is recorded, "
            "so there is nothing to report.</p>"
        )
    else:
        try:
            records = logged_records(settings)
            body = report_fragment(build_report(records, question_encoder(settings)))
        except AssistantError as exc:
            body = f"<p>{escape(str(exc))}</p>"
        except Exception as exc:  # the tab says so; the log names the kind, never the data
            log.error("the operator report failed: %s", type(exc).__name__)
            body = f"<p>The report could not be made ({escape(type(exc).__name__)}).</p>"
    return f'<div lang="en"><style>{STYLE}</style>{body}</div>'


def operator_panel(settings: Settings) -> None:
    """The operator tab, inside the page's Blocks: a refresh button and the report."""
    with gr.Tab("Operator", elem_id="operator-tab") as tab:
        refresh = gr.Button("Refresh the report", elem_id="operator-refresh")
        # Markdown, not gr.HTML: Gradio's HTML component evaluates its value as a template
        # with `new Function`, which the page's Content-Security-Policy forbids. The report is
        # one HTML block (no blank lines), so Markdown passes it through as HTML. Unsanitised,
        # because the sanitiser drops the report's style and the charts' role and viewBox;
        # every logged text in it is escaped (`report_html`, tested with markup in questions).
        report = gr.Markdown(OPENING, elem_id="operator-report", sanitize_html=False)

    def show() -> str:
        return operator_report_html(settings)

    tab.select(show, None, report, api_visibility="private")
    refresh.click(show, None, report, api_visibility="private")
