"""The operator's report over the question log: how the page serves and what it misses.

`build_report()` reads the log's records into a `Report` (asks per day and language, outcomes
per day, latency, votes, the questions the pages don't answer and the off-subject ones grouped
by meaning, the down-voted answers with what they cited); `report_text()` prints it for a
terminal. `assistant.operations.report_html` draws it as a page, `assistant report` runs both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from assistant.errors import AssistantError
from assistant.operations.grouping import Asked, QuestionGroup, group_questions
from assistant.operations.question_log import LoggedQuestion, QuestionLog
from assistant.settings import Settings

# How an ask ended, as the report counts it: an answer, the two abstentions the assistant
# decides, or anything else (empty or unreadable questions, errors).
OUTCOMES = ("answered", "not_on_page", "out_of_scope", "other")
MAX_DOWN_VOTED = 50  # the down-voted answers listed, newest first


@dataclass(frozen=True)
class DownVoted:
    """An answered question someone voted down, with what the answer cited."""

    asked_at: str
    question: str
    language: str
    cited: list[str]


@dataclass(frozen=True)
class Report:
    """What the log says, ready to print or draw."""

    asks: int
    first_day: str
    last_day: str
    per_day_language: dict[str, Counter] = field(default_factory=dict)
    outcomes_per_day: dict[str, Counter] = field(default_factory=dict)
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    up_votes: int = 0
    down_votes: int = 0
    not_on_page: list[QuestionGroup] = field(default_factory=list)
    out_of_scope: list[QuestionGroup] = field(default_factory=list)
    down_voted: list[DownVoted] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        return sorted({lang for counts in self.per_day_language.values() for lang in counts})

    @property
    def down_vote_rate(self) -> float | None:
        """Share of the voted answers voted down (None: no votes)."""
        voted = self.up_votes + self.down_votes
        return self.down_votes / voted if voted else None

    def outcome_totals(self) -> Counter:
        total: Counter = Counter()
        for counts in self.outcomes_per_day.values():
            total.update(counts)
        return total


def outcome_of(record: LoggedQuestion) -> str:
    """The report's outcome of one record (one of OUTCOMES)."""
    if record.outcome == "answered":
        return "answered"
    return record.reason if record.reason in ("not_on_page", "out_of_scope") else "other"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank; 0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def build_report(records: list[LoggedQuestion], encode) -> Report:
    """The report over `records`, grouping questions with `encode` (texts -> normalised
    vectors: the assistant's question encoder)."""
    if not records:
        return Report(asks=0, first_day="", last_day="")
    per_day_language: dict[str, Counter] = {}
    outcomes_per_day: dict[str, Counter] = {}
    for record in records:
        per_day_language.setdefault(record.day, Counter())[record.language] += 1
        outcomes_per_day.setdefault(record.day, Counter())[outcome_of(record)] += 1
    latencies = [r.latency_ms for r in records]
    every = [Asked(r.question, r.language) for r in records]

    def grouped(outcome: str) -> list[QuestionGroup]:
        chosen = [Asked(r.question, r.language) for r in records if outcome_of(r) == outcome]
        return group_questions(chosen, encode, background=every) if chosen else []

    down = [r for r in records if r.vote == "down" and r.outcome == "answered"]
    return Report(
        asks=len(records),
        first_day=records[0].day,
        last_day=records[-1].day,
        per_day_language=dict(sorted(per_day_language.items())),
        outcomes_per_day=dict(sorted(outcomes_per_day.items())),
        latency_p50_ms=percentile(latencies, 0.5),
        latency_p95_ms=percentile(latencies, 0.95),
        up_votes=sum(r.vote == "up" for r in records),
        down_votes=sum(r.vote == "down" for r in records),
        not_on_page=grouped("not_on_page"),
        out_of_scope=grouped("out_of_scope"),
        down_voted=[
            DownVoted(r.asked_at.isoformat(timespec="minutes"), r.question, r.language, r.cited)
            for r in reversed(down[-MAX_DOWN_VOTED:])
        ],
    )


def logged_records(settings: Settings, days: int | None = None) -> list[LoggedQuestion]:
    """The records of the log the settings name (the last `days` days, when given).

    Raises AssistantError saying how to get a log when there is none yet.
    """
    path = settings.question_log_file
    if not path.is_file():
        raise AssistantError(
            f"No question log at {path}: `assistant serve` keeps one unless "
            "ASSISTANT_QUESTION_LOG=off (ASSISTANT_QUESTION_LOG_FILE says where)."
        )
    log = QuestionLog.for_settings(settings)
    since = datetime.now(UTC) - timedelta(days=days) if days else None
    return log.records(since=since)


def question_encoder(settings: Settings):
    """The assistant's own question encoder (texts -> normalised vectors) for grouping."""
    from assistant.index.embedding import get_embedder

    embedder = get_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    return embedder.encode_queries


def report_text(report: Report, examples: int = 3) -> str:
    """The report as plain text for a terminal."""
    if not report.asks:
        return "The question log is empty: nothing has been asked with the log on yet."
    lines = [
        f"Question log: {report.asks} asks from {report.first_day} to {report.last_day}",
        "",
        "Asks per day and language",
    ]
    languages = report.languages
    lines.append("  " + "day".ljust(12) + "".join(lang.rjust(7) for lang in languages))
    for day, counts in report.per_day_language.items():
        lines.append("  " + day.ljust(12) + "".join(str(counts[x]).rjust(7) for x in languages))
    totals = report.outcome_totals()
    lines += ["", "Outcomes per day"]
    lines.append("  " + "day".ljust(12) + "".join(o.rjust(14) for o in OUTCOMES))
    for day, counts in report.outcomes_per_day.items():
        lines.append("  " + day.ljust(12) + "".join(str(counts[o]).rjust(14) for o in OUTCOMES))
    lines.append("  " + "all".ljust(12) + "".join(str(totals[o]).rjust(14) for o in OUTCOMES))
    rate = report.down_vote_rate
    lines += [
        "",
        f"Latency: p50 {report.latency_p50_ms:.0f} ms, p95 {report.latency_p95_ms:.0f} ms",
        f"Votes: {report.up_votes} up, {report.down_votes} down"
        + (f" (down-vote rate {rate:.0%})" if rate is not None else ""),
    ]
    for title, groups in (
        ("Not on the pages (grouped by meaning, largest first)", report.not_on_page),
        ("Off the subject (grouped by meaning, largest first)", report.out_of_scope),
    ):
        lines += ["", f"{title}: {sum(g.count for g in groups)} asks, {len(groups)} groups"]
        for group in groups:
            lines.append(f"  {group.count:>4}  [{', '.join(group.languages)}]  {group.label}")
            for other in group.questions[1:examples]:
                lines.append(f"              {other.language}: {other.text}")
    lines += ["", f"Answers voted down: {report.down_votes}"]
    for item in report.down_voted:
        cited = ", ".join(item.cited) or "nothing"
        lines.append(f"  {item.asked_at}  {item.language}: {item.question}")
        lines.append(f"      cited: {cited}")
    return "\n".join(lines)
