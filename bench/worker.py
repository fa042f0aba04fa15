"""What the benchmark's worker processes share: the request loop and the closing JSON line."""

from __future__ import annotations

import json
import resource
import sys
import time


def serve_loop(operations: dict) -> dict:
    """Answer {"op": name, "q": text} lines with {"s": seconds} until {"op": "quit"}.

    `bench.run` sends the requests of both pipelines in turn, question by question, so their
    timings share the same moments of a noisy machine.
    """
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "quit":
            break
        started = time.perf_counter()
        operations[request["op"]](request["q"])
        print(json.dumps({"s": time.perf_counter() - started}), flush=True)
    return {}


def finish(result: dict, started: float, imported: float) -> int:
    """Print the process's result line: its timings and its peak memory."""
    result["import_s"] = imported - started
    result["total_s"] = time.perf_counter() - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)
    return 0
