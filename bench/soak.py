"""Soak benchmark: N clients against a served page for a few minutes, good and hostile.

    python -m bench.soak [--clients 8] [--seconds 180] [--index-dir DIR] [--out FILE]

Starts `assistant serve` (uvicorn, the real guard) over the index, then each client loops
until time is up, choosing at random: a good question through the /ask API (its fact must be
in the answer), a conversation on the page through Gradio's queue followed by a vote (as the
browser sends them), or something hostile: an unknown language code, a list for a language,
a 200,000-character history turn, 3,000 history turns, binary junk, an upload, a file path,
a login attempt, a route the page does not use. Each must get its expected reply.

Reports requests, errors (wrong status, wrong answer, exception), p50/p95 latency, the
server's memory (RSS) at start, after warm-up and at the end, the feedback file's size, and
the question log's records and size (`--question-log on`, the default, as the page runs).
A benchmark, not a test: its figures go to docs/deploying.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

GOOD = [
    ("Hvornår er fristen for interessetilkendegivelser?", "27. marts 2024"),
    ("Kiedy mija termin wyrażenia zainteresowania?", "27 marca 2024"),
    ("Jaki jest adres e-mail Biura ds. AI?", "CNECT-AIOFFICE@ec.europa.eu"),
    ("Hvad er e-mailadressen til AI-kontoret?", "CNECT-AIOFFICE@ec.europa.eu"),
]
RESPOND, VOTE = "respond", "vote"  # the page's events, found by name in /config


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Soak:
    def __init__(self, url: str, seed: int):
        self.url = url
        self.rng = random.Random(seed)
        self.http = httpx.Client(base_url=url, timeout=120)
        config = self.http.get("/config").json()
        names = {d.get("api_name"): i for i, d in enumerate(config["dependencies"])}
        self.fn = {RESPOND: names[RESPOND], VOTE: names[VOTE]}

    # --- the /ask API -----------------------------------------------------------------------

    def ask(self, question, history=(), language="") -> dict:
        started = self.http.post(
            "/gradio_api/call/ask", json={"data": [question, list(history), language]}
        )
        started.raise_for_status()
        event = started.json()["event_id"]
        with self.http.stream("GET", f"/gradio_api/call/ask/{event}") as stream:
            kind = None
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind in ("complete", "error"):
                    if kind == "error":
                        raise RuntimeError("the API answered with an error event")
                    return json.loads(line[6:])[0]
        raise RuntimeError("the API stream ended without an answer")

    # --- the page, through Gradio's queue -----------------------------------------------------

    def _queue(self, session: str, fn: int, data: list, event_data=None) -> dict:
        body = {"fn_index": fn, "data": data, "session_hash": session, "event_data": event_data}
        self.http.post("/gradio_api/queue/join", json=body).raise_for_status()
        with self.http.stream("GET", f"/gradio_api/queue/data?session_hash={session}") as stream:
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    message = json.loads(line[6:])
                    if message.get("msg") == "process_completed":
                        if not message.get("success"):
                            raise RuntimeError("a page event failed")
                        return message
        raise RuntimeError("the queue stream ended without completing")

    def page_and_vote(self, question: str, fact: str) -> None:
        session = uuid.uuid4().hex[:11]
        done = self._queue(session, self.fn[RESPOND], [question, [], None, "auto", None])
        chat = done["output"]["data"][0]
        # The streamed output sends diffs; the final chat holds the answer's HTML.
        if fact not in json.dumps(chat, ensure_ascii=False):
            raise AssertionError("the page's answer lacks its fact")
        like = {"index": [1, None], "value": "answer", "liked": self.rng.random() < 0.7}
        self._queue(session, self.fn[VOTE], [None, None], event_data=like)

    # --- one step of one client --------------------------------------------------------------

    def step(self) -> str:
        """Do one random thing; return its kind. Raises on a wrong reply."""
        roll = self.rng.random()
        question, fact = self.rng.choice(GOOD)
        if roll < 0.45:
            answer = self.ask(question)
            _expect(fact in answer["text"], "good question: fact missing")
            return "good"
        if roll < 0.65:
            self.page_and_vote(question, fact)
            return "page+vote"
        hostile = self.rng.choice(HOSTILE)
        hostile(self, question, fact)
        return "hostile:" + hostile.__name__


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise AssertionError(what)


def unknown_language(soak: Soak, question: str, fact: str) -> None:
    answer = soak.ask(question, [], "xx")
    _expect(answer["reason"] == "invalid_input", "unknown language accepted")


def language_list(soak: Soak, question: str, fact: str) -> None:
    answer = soak.ask(question, [], ["da"])
    _expect(answer["reason"] == "invalid_input", "language list accepted")


def huge_turn(soak: Soak, question: str, fact: str) -> None:
    answer = soak.ask(question, ["x" * 200_000], "")
    _expect(len(json.dumps(answer)) < 1024, "huge turn echoed")


def long_history(soak: Soak, question: str, fact: str) -> None:
    answer = soak.ask(question, [["Hvad er AI-pagten?", "...", "da"]] * 3000, "")
    _expect(fact in answer["text"], "3000 turns: fact missing")


def junk(soak: Soak, question: str, fact: str) -> None:
    # Random letters can form a word the pages use, so an answer is allowed: it must come.
    answer = soak.ask(bytes(soak.rng.randrange(256) for _ in range(300)).decode("latin-1"))
    _expect(isinstance(answer.get("text"), str), "junk: no reply")


def upload(soak: Soak, question: str, fact: str) -> None:
    files = {"files": ("x.bin", os.urandom(100_000))}
    _expect(soak.http.post("/gradio_api/upload", files=files).status_code == 404, "upload")


def file_path(soak: Soak, question: str, fact: str) -> None:
    _expect(soak.http.get("/gradio_api/file=/etc/passwd").status_code == 404, "file route")


def login(soak: Soak, question: str, fact: str) -> None:
    # No login is set: Gradio redirects to the page; never a 5xx.
    status = soak.http.post("/login", data={"username": "a", "password": "b"}).status_code
    _expect(status < 500, "login crashed")


HOSTILE = [unknown_language, language_list, huge_turn, long_history, junk, upload, file_path]
HOSTILE.append(login)


def _question_log(path: Path) -> dict:
    """The question log's records, votes in it, and its files' size (database and WAL)."""
    import sqlite3

    if not path.exists():
        return {"records": 0, "votes": 0, "bytes": 0}
    with sqlite3.connect(path) as db:
        records, votes = db.execute("SELECT COUNT(*), COUNT(vote) FROM questions").fetchone()
    files = [f for f in path.parent.iterdir() if f.name.startswith(path.name)]
    return {"records": records, "votes": votes, "bytes": sum(f.stat().st_size for f in files)}


def run(url: str, pid: int, clients: int, seconds: float, feedback: Path) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    kinds: dict[str, int] = {}
    lock = threading.Lock()
    rss = {"start": _rss_mb(pid)}
    warm = Soak(url, seed=0)
    for question, fact in GOOD:  # warm-up: every path once
        warm.ask(question)
        warm.page_and_vote(question, fact)
    rss["warm"] = _rss_mb(pid)
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        soak = Soak(url, seed)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                kind = soak.step()
            except Exception as exc:  # every failure counts, whatever its type
                kind = "error"
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            with lock:
                latencies.append(time.perf_counter() - started)
                kinds[kind] = kinds.get(kind, 0) + 1

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(1, clients + 1)]
    for thread in threads:
        thread.start()
    timeline = []  # RSS every 30 s: growth that levels off is the allocator, not a leak
    while any(thread.is_alive() for thread in threads):
        time.sleep(1)
        elapsed = seconds - (stop - time.monotonic())
        if elapsed >= 30 * (len(timeline) + 1):
            timeline.append(round(_rss_mb(pid)))
    for thread in threads:
        thread.join()
    rss["end"] = _rss_mb(pid)
    quantiles = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else [0] * 19
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies),
        "by_kind": dict(sorted(kinds.items())),
        "errors": len(errors),
        "error_samples": errors[:5],
        "p50_seconds": round(statistics.median(latencies), 3) if latencies else None,
        "p95_seconds": round(quantiles[18], 3),
        "server_rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "server_rss_mb_every_30s": timeline,
        "feedback_bytes": feedback.stat().st_size if feedback.exists() else 0,
        "feedback_votes": len(feedback.read_text("utf-8").splitlines()) if feedback.exists() else 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--index-dir", help="index folder (default: ASSISTANT_INDEX_DIR)")
    parser.add_argument("--port", type=int, default=7899)
    parser.add_argument("--out", help="write the figures here as JSON too")
    parser.add_argument(
        "--question-log",
        choices=("on", "off"),
        default="on",
        help="the page's question log (on, as `assistant serve` runs by default)",
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    feedback = folder / "feedback.jsonl"
    questions = folder / "questions.sqlite3"
    env = {**os.environ, "ASSISTANT_FEEDBACK_FILE": str(feedback)}
    env.update(ASSISTANT_QUESTION_LOG=args.question_log, ASSISTANT_QUESTION_LOG_FILE=str(questions))
    env.pop("ASSISTANT_USER", None)
    env.pop("ASSISTANT_PASSWORD", None)
    if args.index_dir:
        env["ASSISTANT_INDEX_DIR"] = args.index_dir
    url = f"http://127.0.0.1:{args.port}"
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(args.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                print((folder / "server.log").read_text(), file=sys.stderr)
                return 1
            time.sleep(0.5)
        figures = run(url, server.pid, args.clients, args.seconds, feedback)
        figures["server_log_bytes"] = (folder / "server.log").stat().st_size
        figures["question_log"] = {"setting": args.question_log, **_question_log(questions)}
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
