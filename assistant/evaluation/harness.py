"""`assistant eval` / `python -m eval`: run the Q&A set, write the reports, hold the floors.

Usage and the meaning of every number: docs/evaluation.md (`assistant eval --help`).
Exit codes: 0 when every floor holds, 1 when one does not (or the assistant cannot run),
2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.evaluation.dataset import DEFAULT_SET, SEALED_SET, Item, load_items
from assistant.evaluation.metrics import METRICS, group_by, percentile, summarise
from assistant.evaluation.report import chart, markdown, terminal, write_json
from assistant.resources import state_dir

DEFAULT_OUT = state_dir() / "eval" / "reports"
FAILURES_SHOWN = 12  # per kind in the Markdown report (the JSON has every item)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant eval",
        description="Evaluate the assistant on the hand-written Q&A set (the metrics and the "
        "report: docs/evaluation.md). A subset run (--language, --category, --split) writes "
        "report-<subset>.json/.md/.png beside the full report instead of replacing it.",
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "calibrate"],
        help="run the set (default), or calibrate the offline judge",
    )
    parser.add_argument(
        "--set",
        default=None,
        help=f"the Q&A set (JSON lines; default: {DEFAULT_SET.name} and the sealed "
        f"{SEALED_SET.name})",
    )
    parser.add_argument("--index-dir", help="index folder (default: ASSISTANT_INDEX_DIR, index/)")
    parser.add_argument("--corpus-dir", help="corpus folder (env ASSISTANT_CORPUS_DIR)")
    parser.add_argument("--model", help="embedding model of the index (env ASSISTANT_MODEL)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="folder for the reports")
    parser.add_argument(
        "--judge",
        default="offline",
        choices=["offline", "verbatim"],
        help="who decides that a passage supports a sentence (default: offline)",
    )
    parser.add_argument(
        "--fail-under",
        action="append",
        default=[],
        metavar="[GROUP/]METRIC=VALUE",
        help="exit 1 when the metric (overall, or of a language or category) is below VALUE; "
        "repeatable, e.g. hit@1=0.8 or pl/faithfulness=0.95",
    )
    parser.add_argument(
        "--split",
        choices=["dev", "test", "all"],
        default="all",
        help="only the items of this split: thresholds and weights are chosen on dev, "
        "the numbers reported are test's (default: all)",
    )
    parser.add_argument("--language", action="append", help="only items in this language")
    parser.add_argument("--category", action="append", help="only items of this category")
    parser.add_argument("--quiet", action="store_true", help="no progress dots")
    return parser


def parse_floor(text: str) -> tuple[str, str, float]:
    """'pl/hit@1=0.7' -> ('pl', 'hit@1', 0.7); the group is '' for the overall number."""
    name, sep, value = text.partition("=")
    group, _, metric = name.rpartition("/")
    if not sep or metric not in METRICS:
        raise ValueError(f"--fail-under {text!r}: expected METRIC=VALUE, METRIC one of {_names()}")
    if not METRICS[metric][0]:
        raise ValueError(f"--fail-under {text!r}: lower is better for {metric}; no floor")
    try:
        return group, metric, float(value)
    except ValueError:
        raise ValueError(f"--fail-under {text!r}: {value!r} is not a number") from None


def _names() -> str:
    return ", ".join(m for m, (higher, _) in METRICS.items() if higher)


def check_floors(report: dict, floors: list[tuple[str, str, float]]) -> list[str]:
    """A line per floor that does not hold (a metric that was not measured does not hold)."""
    broken = []
    for group, metric, floor in floors:
        if not group:
            values = report["overall"]
        else:
            values = report["by_language"].get(group) or report["by_category"].get(group) or {}
        value = values.get(metric)
        label = f"{group}/{metric}" if group else metric
        if value is None:
            broken.append(f"{label} was not measured (floor {floor:g})")
        elif value < floor:
            broken.append(f"{label} = {value:.3f} is under the floor {floor:g}")
    return broken


def build_report(
    results: list[dict], latencies: list[float], items_path: str, judge_name: str, index: dict
) -> dict:
    """The whole report as one JSON-ready dict."""
    overall = summarise(results)
    # Every ask() call counts for the overall latency, earlier turns of conversations too.
    overall["latency_p50_ms"] = percentile(latencies, 50)
    overall["latency_p95_ms"] = percentile(latencies, 95)
    overall["ask_calls"] = len(latencies)
    sources = sorted({r.get("retrieval_source", "") for r in results} - {""})
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "set": items_path,
        "judge": judge_name,
        "index": index,
        "retrieval_source": (
            "the top 5 passages ask() itself retrieved (read from Answer.trace)"
            if sources == ["ask"]
            else f"mixed: {sources} (see retrieval_source per item)"
        ),
        "metrics": {name: text for name, (_, text) in METRICS.items()},
        "overall": overall,
        "by_language": group_by(results, "language"),
        "by_category": group_by(results, "category"),
        "by_section": group_by(results, "section"),
        "pairs": pair_comparison(results),
        "failures": failures(results),
        "results": results,
    }


def looks_right(result: dict) -> bool:
    if not result["answerable"]:
        return result["abstained"]
    return result["citation_rank"] == 1


def pair_comparison(results: list[dict]) -> dict:
    """For questions asked in each page language (items sharing a `pair` id): in which
    languages were they right? `counts` has "all", "none" and "only_<language>"."""
    by_pair: dict[str, dict[str, bool]] = {}
    for result in results:
        if result["pair"]:
            by_pair.setdefault(result["pair"], {})[result["language"]] = looks_right(result)
    paired = {p: v for p, v in by_pair.items() if len(v) >= 2}
    languages = sorted({lang for v in paired.values() for lang in v})
    pairs = [{"pair": p, **v} for p, v in paired.items()]
    counts = {"all": sum(all(v.values()) for v in paired.values())}
    for language in languages:
        counts[f"only_{language}"] = sum(
            v.get(language, False) and sum(v.values()) == 1 for v in paired.values()
        )
    counts["none"] = sum(not any(v.values()) for v in paired.values())
    return {"languages": languages, "counts": counts, "pairs": pairs}


def failures(results: list[dict]) -> dict[str, list[dict]]:
    """The items behind each kind of failure, with a line saying what went wrong."""

    def row(result: dict, why: str = "") -> dict:
        keys = ("id", "language", "category", "question", "history", "answer")
        return {**{k: result[k] for k in keys}, "why": why}

    out: dict[str, list[dict]] = {
        "errors": [],
        "false_abstentions": [],
        "missed_abstentions": [],
        "wrong_first_citation": [],
        "unsupported_sentences": [],
        "wrong_language": [],
        "missing_key_facts": [],
        "topic_drag": [],
    }
    for r in results:
        cited = ", ".join(c["passage_id"] for c in r["citations"]) or "nothing"
        if r["error"]:
            out["errors"].append(row(r, r["error"]))
        elif r["answerable"] and r["abstained"]:
            out["false_abstentions"].append(row(r, f"reason: {r['reason']}"))
        elif not r["answerable"] and not r["abstained"]:
            out["missed_abstentions"].append(row(r, f"cited {cited}"))
        elif r["answerable"] and r["citation_rank"] != 1:
            out["wrong_first_citation"].append(row(r, f"cited {cited}; retrieved {r['retrieved']}"))
        for claim in r["claims"]:
            if not claim["supported"]:
                why = f"unsupported ({claim['score']:.2f}): {claim['text'][:160]}"
                out["unsupported_sentences"].append(row(r, why))
        if not r["language_ok"]:
            why = f"answer language {r['answer_language'] or '?'}, expected {r['language']}"
            out["wrong_language"].append(row(r, why))
        if r["missing_facts"] and not r["abstained"]:
            out["missing_key_facts"].append(row(r, "missing: " + "; ".join(r["missing_facts"])))
        if r["dragged"]:
            out["topic_drag"].append(row(r, f"cited {cited}"))
    return out


def _select(items: list[Item], args: argparse.Namespace) -> list[Item]:
    if args.split != "all":
        items = [i for i in items if i.split == args.split]
    if args.language:
        items = [i for i in items if i.language in args.language]
    if args.category:
        items = [i for i in items if i.category in args.category]
    return items


def report_stem(args: argparse.Namespace) -> str:
    """`report` for the whole set; `report-pl-paraphrase` for a subset, so that a subset run
    never overwrites the full report."""
    split = [args.split] if args.split and args.split != "all" else []
    parts = [*(args.language or []), *(args.category or []), *split]
    return "-".join(["report", *("".join(c if c.isalnum() else "_" for c in p) for p in parts)])


def _judge(name: str):
    from assistant.evaluation.judge import OfflineJudge, VerbatimJudge

    return VerbatimJudge() if name == "verbatim" else OfflineJudge()


def cmd_run(args: argparse.Namespace, settings, floors) -> int:
    from assistant.answering.engine import get_engine
    from assistant.evaluation.runner import run

    items = _select(load_items(args.set), args)
    if not items:
        print("error: no items selected", file=sys.stderr)
        return 2
    judge = _judge(args.judge)
    started = time.perf_counter()
    engine = get_engine(settings)
    results, latencies = run(items, settings, judge, progress=not args.quiet)
    index = {"build": engine.index.folder.name, "model": settings.model}
    report = build_report(
        results, latencies, args.set or f"{DEFAULT_SET} + {SEALED_SET}", judge.name, index
    )
    report["split"] = args.split
    report["seconds"] = round(time.perf_counter() - started, 1)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = report_stem(args)
    write_json(report, out / f"{stem}.json")
    (out / f"{stem}.md").write_text(markdown(report), encoding="utf-8")
    written = [f"{out / stem}.json", f"{stem}.md"]
    try:
        chart(report, out / f"{stem}.png")
        written.append(f"{stem}.png")
    except ImportError:  # the chart is the `eval` extra; the numbers do not need it
        print("(no chart: pip install 'ai-office-assistant[eval]' for matplotlib)", file=sys.stderr)
    print(terminal(report))
    print(f"Reports: {', '.join(written)} ({report['seconds']} s)")
    broken = check_floors(report, floors)
    for line in broken:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if broken else 0


def cmd_calibrate(args: argparse.Namespace, settings) -> int:
    from assistant.evaluation.judge import THRESHOLD, OfflineJudge, calibrate, load_cases
    from assistant.ingest.chunking import chunk_pages
    from assistant.ingest.corpus import load_pages

    cases = load_cases(chunk_pages(load_pages(settings.corpus_dir)))
    judge = OfflineJudge()
    threshold, accuracy, scores = calibrate(judge, cases)
    for case, score in sorted(zip(cases, scores, strict=True), key=lambda p: p[1]):
        label = "+" if case.supported else "-"
        print(f"{score:.3f} {label} {case.language} {case.kind:<13} {case.claim[:70]}")
    for language in sorted({c.language for c in cases}):
        mine = [(c, s) for c, s in zip(cases, scores, strict=True) if c.language == language]
        right = sum((s >= THRESHOLD) == c.supported for c, s in mine)
        print(f"{language}: {right}/{len(mine)} right at the current threshold {THRESHOLD}")
    print(f"best threshold {threshold} (accuracy {accuracy:.3f}); in use: {THRESHOLD}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of `assistant eval` and `python -m eval`; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse has already explained
        return int(exc.code or 0)
    try:
        floors = [parse_floor(f) for f in args.fail_under]
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from assistant.errors import AssistantError
    from assistant.settings import Settings

    try:
        settings = Settings.from_env(
            index_dir=args.index_dir, corpus_dir=args.corpus_dir, model=args.model
        )
        if args.command == "calibrate":
            return cmd_calibrate(args, settings)
        return cmd_run(args, settings, floors)
    except (AssistantError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
