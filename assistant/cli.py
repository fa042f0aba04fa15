"""Command line: `assistant ingest | ask | refresh | report | eval | serve | train`.

A thin shell: it reads arguments, calls the library, prints, and turns the library's errors
into one-line messages (exit code 1) instead of tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys

from assistant.errors import AssistantError
from assistant.settings import Settings

ASK_USAGE = """usage: assistant ask "QUESTION"
  e.g. assistant ask "Hvad er AI-pagten?"   or   echo "Czym jest pakt na rzecz AI?" | assistant ask
  (assistant ask --help for the options)"""


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        index_dir=getattr(args, "index_dir", None),
        corpus_dir=getattr(args, "corpus_dir", None),
        model=getattr(args, "model", None),
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.index.builds import ingest

    settings = _settings(args)
    print(f"Ingesting {settings.corpus_dir} with model {settings.model} ...", file=sys.stderr)
    report = ingest(settings, progress=not args.quiet)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    languages = ", ".join(f"{n} {lang}" for lang, n in sorted(report.languages.items()))
    if report.changed:
        print(
            f"Built index {report.build_id}: {report.passages} passages ({languages}), "
            f"{report.reused_embeddings} embeddings reused, {report.seconds:.1f} s -> {report.path}"
        )
    else:
        print(f"Index {report.build_id} is up to date: {report.passages} passages ({languages}).")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.api import ask

    if not args.question and sys.stdin.isatty():
        # Nothing piped in: waiting silently for stdin looks like a hang to a newcomer.
        print(ASK_USAGE, file=sys.stderr)
        return 2
    # Bytes, not text: under a strict UTF-8 locale sys.stdin.read() raises on undecodable
    # input; the library cleans bytes (bad ones become spaces) like any other question.
    question = " ".join(args.question) if args.question else sys.stdin.buffer.read()
    answer = ask(question, language=args.language, settings=_settings(args))
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if answer.notice:
        print(answer.notice)
    print(answer.text)
    if answer.citations:
        from assistant.answering.messages import message

        print(f"\n{message('sources', answer.language)}:")
        for citation in answer.citations:
            as_of = f", as of {citation.captured}" if citation.captured else ""
            print(
                f"[{citation.number}] {citation.title} — {citation.section} "
                f"({citation.language}{as_of})"
            )
            print(f"    {citation.link}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.operations.report import (
        build_report,
        logged_records,
        question_encoder,
        report_text,
    )
    from assistant.resources import state_dir

    settings = _settings(args)
    records = logged_records(settings, args.days)
    print(f"Grouping {len(records)} logged asks by meaning ...", file=sys.stderr)
    report = build_report(records, question_encoder(settings))
    print(report_text(report))
    if args.html:
        from assistant.operations.report_html import report_page

        Path(args.html).write_text(report_page(report), encoding="utf-8")
        print(f"\nHTML report -> {args.html}")
    if args.export:
        from assistant.operations.export import export_candidates

        folder = state_dir() / "candidates" if args.export is True else Path(args.export)
        done = export_candidates(records, report, folder)
        print(
            f"\nFor review (nothing was added to eval/ or the corpus):\n"
            f"  {done.eval_candidates} evaluation candidates -> {done.eval_file}\n"
            f"  questions for {done.passages} passages -> {done.passage_file}"
        )


def cmd_refresh(args: argparse.Namespace) -> int:
    from assistant.ingest.refresh import refresh, restore

    settings = _settings(args)
    if args.restore:
        report = restore(settings, progress=not args.quiet)
        print(f"Restored the previous captures; index {report.build_id} -> {report.path}")
        return 0
    print(f"Fetching the pages of {settings.corpus_dir / 'manifest.json'} ...", file=sys.stderr)
    result = refresh(settings, dry_run=args.dry_run, timeout=args.timeout, progress=not args.quiet)
    print(result.changes.render(), end="")
    if args.dry_run:
        print("Dry run: nothing written, the index is unchanged.")
        return 0
    for capture in result.captures:
        print(f"New capture: {capture}")
    print(f"Changes written to {result.change_file}")
    build = result.build
    print(
        f"Index {build.build_id}: {build.passages} passages, {build.embedded} embedded, "
        f"{build.reused_embeddings} reused -> {build.path}"
    )
    return 0


def cmd_eval(rest: list[str]) -> int:
    from assistant.evaluation.harness import main as evaluate

    return evaluate(rest)


def cmd_serve(rest: list[str]) -> int:
    try:
        from assistant.web.launch import main as serve
    except ImportError as exc:
        print(
            "error: the chat page needs its extra: "
            f"pip install 'ai-office-assistant[web]' ({exc}).",
            file=sys.stderr,
        )
        return 1
    return serve(rest) or 0


def cmd_train(rest: list[str]) -> int:
    from assistant.answering.training import main as train

    return train(rest)


# These hand their arguments to the harness or the app, which parse them themselves.
_PASS_THROUGH = {"eval": cmd_eval, "serve": cmd_serve, "train": cmd_train}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Questions about the European AI Office, answered from the official pages.",
        epilog='Start with `assistant ingest`, then `assistant ask "Hvad er AI-pagten?"`; '
        "`assistant serve` starts the chat page on http://127.0.0.1:7860.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--index-dir", help="index folder (env ASSISTANT_INDEX_DIR)")
    common.add_argument("--corpus-dir", help="corpus folder (env ASSISTANT_CORPUS_DIR)")
    common.add_argument("--model", help="sentence-transformers model (env ASSISTANT_MODEL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = sub.add_parser("ingest", parents=[common], help="build or update the index")
    ingest.add_argument("--quiet", action="store_true", help="no progress bar")
    ingest.set_defaults(func=cmd_ingest)

    ask = sub.add_parser("ask", parents=[common], help="ask a question")
    ask.add_argument("question", nargs="*", help="the question (or read from stdin)")
    ask.add_argument("--language", help="force the answer language, e.g. da or pl")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON")
    ask.set_defaults(func=cmd_ask)

    report = sub.add_parser(
        "report",
        parents=[common],
        help="what people asked, what the pages don't answer (from the question log)",
    )
    report.add_argument("--days", type=int, help="only the last DAYS days")
    report.add_argument("--html", metavar="FILE", help="also write the report as an HTML file")
    report.add_argument(
        "--export",
        nargs="?",
        const=True,
        metavar="FOLDER",
        help="also write candidates for eval/ and for passages' questions, for review "
        "(default folder: candidates/ in the state folder)",
    )
    report.set_defaults(func=cmd_report)
    refresh = sub.add_parser(
        "refresh",
        parents=[common],
        help="fetch the manifest's pages again, show what changed, rebuild the index",
    )
    refresh.add_argument("--dry-run", action="store_true", help="show the changes only")
    refresh.add_argument(
        "--restore", action="store_true", help="go back to the previous captures and rebuild"
    )
    refresh.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    refresh.add_argument("--quiet", action="store_true", help="no progress bar")
    refresh.set_defaults(func=cmd_refresh)

    sub.add_parser("eval", help="run the evaluation (assistant eval --help)", add_help=False)
    sub.add_parser("serve", help="start the chat page (assistant serve --help)", add_help=False)
    sub.add_parser(
        "train",
        help="retrain answerability's model from the corpus's labelled questions "
        "(assistant train --help)",
        add_help=False,
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in _PASS_THROUGH:
            return _PASS_THROUGH[argv[0]](argv[1:])
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # bare `assistant`: say what there is, not a usage error
            parser.print_help()
            return 0
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
