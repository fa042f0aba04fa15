"""The operator's report as HTML: charts drawn as inline SVG (no script, no network), each
with a text alternative and its numbers in a table, and the grouped questions as lists.

`report_fragment()` is the report's body (the page's operator tab shows it);
`report_page()` wraps it into a whole file for `assistant report --html FILE`.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from assistant.operations.grouping import QuestionGroup
from assistant.operations.report import OUTCOMES, Report

# Colours for series, each at least 4.5:1 against white (WCAG 1.4.11 asks 3:1 of graphics).
PALETTE = ("#1f4e79", "#a34700", "#2e6b30", "#6a1b9a", "#595959", "#8b1a1a")
OUTCOME_COLOURS = dict(zip(OUTCOMES, ("#2e6b30", "#a34700", "#1f4e79", "#595959"), strict=True))
OUTCOME_NAMES = {
    "answered": "answered",
    "not_on_page": "not on the pages",
    "out_of_scope": "off the subject",
    "other": "other (empty, unreadable, error)",
}
WIDTH, HEIGHT, MARGIN = 640, 220, 36
MAX_BARS = 60  # days drawn at most: the latest

STYLE = """
.operator-report { font-family: system-ui, sans-serif; color: #1a1a1a; background: #ffffff;
  max-width: 60rem; padding: .5rem 1rem; }
/* A light panel in a dark page too: the page's dark theme would colour the text light. */
.operator-report, .operator-report * { color: #1a1a1a !important; }
.operator-report table { border-collapse: collapse; margin: .5rem 0 1rem; }
.operator-report th, .operator-report td { border: 1px solid #767676; padding: .2rem .5rem;
  text-align: right; }
.operator-report th:first-child, .operator-report td:first-child { text-align: left; }
.operator-report .legend span { display: inline-block; margin-right: 1rem; }
.operator-report .swatch { display: inline-block; width: .9rem; height: .9rem;
  vertical-align: middle; margin-right: .3rem; border: 1px solid #1a1a1a; }
.operator-report svg { max-width: 100%; height: auto; }
.operator-report .group-count { font-weight: bold; }
"""


def stacked_bars(title: str, rows: dict[str, Counter], series: list[str], colours: dict) -> str:
    """A bar per day, stacked by series, as inline SVG with a title and a description."""
    days = list(rows)[-MAX_BARS:]
    top = max((sum(rows[d].values()) for d in days), default=0) or 1
    slot = (WIDTH - 2 * MARGIN) / max(1, len(days))
    bar = max(2.0, slot * 0.7)
    scale = (HEIGHT - 2 * MARGIN) / top
    parts = []
    for i, day in enumerate(days):
        x = MARGIN + i * slot
        y = HEIGHT - MARGIN
        for name in series:
            value = rows[day][name]
            if not value:
                continue
            height = value * scale
            y -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{colours[name]}">'
                f"<title>{escape(day)}: {value} {escape(name)}</title></rect>"
            )
    axis = (
        f'<line x1="{MARGIN}" y1="{HEIGHT - MARGIN}" x2="{WIDTH - MARGIN}" '
        f'y2="{HEIGHT - MARGIN}" stroke="#1a1a1a"/>'
        f'<text x="{MARGIN}" y="{MARGIN - 8}" font-size="12" fill="#1a1a1a">{top}</text>'
    )
    if days:
        axis += (
            f'<text x="{MARGIN}" y="{HEIGHT - 12}" font-size="12" fill="#1a1a1a">'
            f"{escape(days[0])}</text>"
            f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 12}" font-size="12" fill="#1a1a1a" '
            f'text-anchor="end">{escape(days[-1])}</text>'
        )
    description = (
        f"{title}: {len(days)} days, at most {top} on a day; the table below has the numbers."
    )
    return (
        f'<svg role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"<desc>{escape(description)}</desc>{axis}{''.join(parts)}</svg>"
    )


def legend(series: list[str], colours: dict, names: dict | None = None) -> str:
    names = names or {}
    items = "".join(
        f'<span><span class="swatch" style="background:{colours[s]}"></span>'
        f"{escape(names.get(s, s))}</span>"
        for s in series
    )
    return f'<p class="legend">{items}</p>'


def table(caption: str, rows: dict[str, Counter], series: list[str], names: dict) -> str:
    head = "".join(f'<th scope="col">{escape(names.get(s, s))}</th>' for s in series)
    body = "".join(
        f'<tr><th scope="row">{escape(day)}</th>'
        + "".join(f"<td>{counts[s]}</td>" for s in series)
        + "</tr>"
        for day, counts in rows.items()
    )
    return (
        f"<details><summary>{escape(caption)}: the numbers</summary><table>"
        f'<caption>{escape(caption)}</caption><tr><th scope="col">day</th>{head}</tr>'
        f"{body}</table></details>"
    )


def groups_html(
    heading: str, groups: list[QuestionGroup], css_class: str, examples: int = 5
) -> str:
    """Groups as a list, largest first: count, languages, the typical wording and others."""
    total = sum(g.count for g in groups)
    if not groups:
        return f"<h3>{escape(heading)}</h3><p>None in the log.</p>"
    items = []
    for group in groups:
        others = "".join(
            f'<li><span lang="{escape(q.language)}">{escape(q.text)}</span>'
            f" ({escape(q.language)}, {q.count}×)</li>"
            for q in group.questions[1:examples]
        )
        first = group.questions[0]
        items.append(
            f'<li class="question-group"><span class="group-count">{group.count}</span> '
            f"[{escape(', '.join(group.languages))}] "
            f'<span lang="{escape(first.language)}">{escape(first.text)}</span>'
            + (f"<ul>{others}</ul>" if others else "")
            + "</li>"
        )
    return (
        f"<h3>{escape(heading)}</h3><p>{total} asks in {len(groups)} groups.</p>"
        f'<ol class="{css_class}">{"".join(items)}</ol>'
    )


def report_fragment(report: Report) -> str:
    """The report's body: summary, charts with their tables, groups, down-voted answers."""
    if not report.asks:
        return (
            '<div class="operator-report"><p>The question log is empty: nothing has been '
            "asked with the log on yet.</p></div>"
        )
    languages = report.languages
    colours = {lang: PALETTE[i % len(PALETTE)] for i, lang in enumerate(languages)}
    totals = report.outcome_totals()
    rate = report.down_vote_rate
    summary = (
        f"<p>{report.asks} asks from {escape(report.first_day)} to {escape(report.last_day)}; "
        f"{totals['answered']} answered, {totals['not_on_page']} not on the pages, "
        f"{totals['out_of_scope']} off the subject, {totals['other']} other. "
        f"Latency p50 {report.latency_p50_ms:.0f} ms, p95 {report.latency_p95_ms:.0f} ms. "
        f"Votes: {report.up_votes} up, {report.down_votes} down"
        + (f" (down-vote rate {rate:.0%})" if rate is not None else "")
        + ".</p>"
    )
    outcomes = list(OUTCOMES)
    down = "".join(
        f'<li><span lang="{escape(d.language)}">{escape(d.question)}</span> '
        f"({escape(d.language)}, {escape(d.asked_at)}); cited: "
        f"{escape(', '.join(d.cited) or 'nothing')}</li>"
        for d in report.down_voted
    )
    return (
        '<div class="operator-report">'
        f"<h2>What people asked</h2>{summary}"
        "<h3>Asks per day and language</h3>"
        + stacked_bars("Asks per day and language", report.per_day_language, languages, colours)
        + legend(languages, colours)
        + table("Asks per day and language", report.per_day_language, languages, {})
        + "<h3>Outcomes per day</h3>"
        + stacked_bars("Outcomes per day", report.outcomes_per_day, outcomes, OUTCOME_COLOURS)
        + legend(outcomes, OUTCOME_COLOURS, OUTCOME_NAMES)
        + table("Outcomes per day", report.outcomes_per_day, outcomes, OUTCOME_NAMES)
        + groups_html("Not on the pages, grouped by meaning", report.not_on_page, "not-on-page")
        + groups_html("Off the subject, grouped by meaning", report.out_of_scope, "out-of-scope")
        + "<h3>Answers voted down</h3>"
        + (f'<ol class="down-voted">{down}</ol>' if down else "<p>None.</p>")
        + "</div>"
    )


def report_page(report: Report) -> str:
    """A whole HTML file: the fragment with its style; nothing loaded from anywhere."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>AI Office assistant: question log report</title><style>{STYLE}</style>"
        f"</head><body><main><h1>Question log report</h1>{report_fragment(report)}"
        "</main></body></html>"
    )
