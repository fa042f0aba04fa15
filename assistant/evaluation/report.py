"""The evaluation's outputs: a terminal table, a JSON report, a Markdown report, a PNG chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation.metrics import METRICS

# (metric, column heading) of the tables, in order.
COLUMNS = [
    ("items", "n"),
    ("hit@1", "hit@1"),
    ("hit@3", "hit@3"),
    ("mrr", "MRR"),
    ("retrieval_hit@1", "r.hit@1"),
    ("retrieval_hit@3", "r.hit@3"),
    ("retrieval_mrr", "r.MRR"),
    ("citation_precision", "cit.prec"),
    ("faithfulness", "faithful"),
    ("language_accuracy", "lang"),
    ("key_fact_recall", "facts"),
    ("abstention_precision", "abst.P"),
    ("abstention_recall", "abst.R"),
    ("false_abstention_rate", "false.abst"),
    ("answered_right", "ans.ok"),
    ("answered_wrong", "ans.bad"),
    ("abstained_right", "abs.ok"),
    ("abstained_wrong", "abs.bad"),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]
CHART_METRICS = [
    ("hit@1", "hit@1 (citations)"),
    ("retrieval_hit@3", "hit@3 (retrieval)"),
    ("retrieval_mrr", "MRR (retrieval)"),
    ("citation_precision", "citation precision"),
    ("faithfulness", "faithfulness"),
    ("language_accuracy", "language accuracy"),
    ("key_fact_recall", "key-fact recall"),
    ("abstention_recall", "abstention recall"),
]


def cell(metric: str, value) -> str:
    if value is None:
        return "—"
    if metric.startswith("latency"):
        return f"{value:.0f}"
    if isinstance(value, int):
        return str(value)
    return f"{value:.2f}"


def rows(report: dict, groups: str) -> list[tuple[str, dict]]:
    """("all", overall) then one row per group of `groups` (by_language, by_category...)."""
    return [("all", report["overall"]), *report[groups].items()]


def table(named_rows: Sequence[tuple[str, dict]], first: str) -> list[list[str]]:
    header = [first] + [heading for _, heading in COLUMNS]
    body = [[name] + [cell(m, values.get(m)) for m, _ in COLUMNS] for name, values in named_rows]
    return [header, *body]


def terminal(report: dict) -> str:
    """Aligned plain-text tables: per language, then per category."""
    out = [
        f"{report['overall']['items']} items, judge: {report['judge']}",
        "hit@k/MRR: gold among the answer's citations (a list's lead-in read as its "
        "heading); r.*: among the top 5 passages retrieved",
        "",
    ]
    for groups, first in (("by_language", "language"), ("by_category", "category")):
        grid = table(rows(report, groups), first)
        widths = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
        for index, row in enumerate(grid):
            out.append(
                "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
            if index == 0:
                out.append("  ".join("-" * w for w in widths))
        out.append("")
    return "\n".join(out)


def markdown_table(grid: list[list[str]]) -> str:
    lines = ["| " + " | ".join(grid[0]) + " |", "|" + "|".join(" --- " for _ in grid[0]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
    return "\n".join(lines)


def markdown(report: dict) -> str:
    """The Markdown report: settings, definitions, tables, da/pl pairs and failures."""
    overall = report["overall"]
    parts = [
        "# Evaluation report",
        "",
        f"- run: {report['created']}, {overall['items']} items from `{report['set']}`",
        f"- index build: `{report['index']['build']}` (model `{report['index']['model']}`)",
        f"- faithfulness and citation precision judged by: **{report['judge']}**",
        f"- retrieval metrics from: {report['retrieval_source']}",
        "",
        "## Per language",
        "",
        markdown_table(table(rows(report, "by_language"), "language")),
        "",
        "## Per category",
        "",
        markdown_table(table(rows(report, "by_category"), "category")),
        "",
        "## Per section of the page",
        "",
        markdown_table(table(rows(report, "by_section"), "section")),
        "",
        "## The same question in each page language (hit@1)",
        "",
        _pairs(report["pairs"]),
        "",
        "## What the numbers mean",
        "",
        *[f"- **{name}**: {text}" for name, (_, text) in METRICS.items()],
        "",
        "## Failures",
        "",
        *_failures(report["failures"]),
    ]
    return "\n".join(parts) + "\n"


def _pairs(pairs: dict) -> str:
    counts = pairs["counts"]
    only = ", ".join(f"{counts[f'only_{lang}']} only in {lang}" for lang in pairs["languages"])
    lines = [f"{counts['all']} pairs right in every language, {only}, {counts['none']} in none."]
    languages = pairs["languages"]
    differing = [p for p in pairs["pairs"] if len({p[lang] for lang in languages if lang in p}) > 1]
    if differing:
        lines.append("")
        lines.append("Pairs that differ: " + ", ".join(f"`{p['pair']}`" for p in differing))
    return "\n".join(lines)


def _failures(failures: dict[str, list[dict]]) -> list[str]:
    out = []
    for kind, items in failures.items():
        out.append(f"### {kind.replace('_', ' ')} ({len(items)})")
        out.append("")
        if not items:
            out.append("None.")
        for failure in items:
            history = " → ".join(failure["history"])
            asked = f"{history} → {failure['question']}" if history else failure["question"]
            answer = failure["answer"].replace("\n", " ")
            out.append(f"- `{failure['id']}` {asked}")
            out.append(f"  - answered: {answer[:300]}" + ("…" if len(answer) > 300 else ""))
            if failure.get("why"):
                out.append(f"  - {failure['why']}")
        out.append("")
    return out


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


OUTCOMES = [
    ("answered_right", "answered right", "#2e7d32"),
    ("abstained_right", "abstained right", "#81c784"),
    ("answered_wrong", "answered wrong", "#c62828"),
    ("abstained_wrong", "abstained wrong", "#ef9a9a"),
]


def chart(report: dict, path: Path) -> None:
    """Two panels: the main metrics per language (grouped bars), and per category the four
    outcomes (stacked bars: what share of its items was answered or abstained, rightly or
    wrongly)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    languages = list(report["by_language"])
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(11, 9), dpi=110)
    width = 0.8 / max(1, len(languages))
    for index, language in enumerate(languages):
        values = [report["by_language"][language].get(m) for m, _ in CHART_METRICS]
        positions = [i + (index - (len(languages) - 1) / 2) * width for i in range(len(values))]
        bars = ax.bar(
            positions,
            [v or 0.0 for v in values],
            width,
            label=f"{language} (n={report['by_language'][language]['items']})",
        )
        for bar, value in zip(bars, values, strict=True):
            if value is None:
                bar.set_hatch("//")
                bar.set_alpha(0.3)
    ax.set_xticks(range(len(CHART_METRICS)), [label for _, label in CHART_METRICS], rotation=15)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share")
    split = report.get("split", "all")
    ax.set_title(
        f"AI Office assistant evaluation, {report['overall']['items']} items (split: {split})"
    )
    ax.legend(ncols=len(languages), loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8)
    ax.grid(axis="y", alpha=0.3)

    categories = list(report["by_category"])
    bottoms = [0.0] * len(categories)
    for metric, label, colour in OUTCOMES:
        values = [report["by_category"][c].get(metric) or 0.0 for c in categories]
        bx.bar(range(len(categories)), values, 0.7, bottom=bottoms, label=label, color=colour)
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    names = [f"{c}\n(n={report['by_category'][c]['items']})" for c in categories]
    bx.set_xticks(range(len(categories)), names, fontsize=8)
    bx.set_ylim(0, 1.0)
    bx.set_ylabel("share of items")
    bx.set_title("Outcomes by category")
    bx.legend(ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.14), fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
