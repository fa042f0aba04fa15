"""The page's login: a constant-time password check, and failed logins slowed down.

Failed logins are counted per client address and per user name over a sliding window; once
either has `max_failures` in the window, further attempts are answered 429 with a
`Retry-After` until the oldest failure leaves the window. Counting per user name stops a
guesser that changes address; counting per address stops one that tries many names. Neither
the password nor the session token is ever logged.
"""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable

log = logging.getLogger("assistant.login")

MAX_FAILURES = 5
WINDOW_SECONDS = 60.0
MAX_TRACKED = 10_000  # addresses and names remembered at once, so a flood cannot fill memory
MAX_NAME_CHARS = 200


def password_check(user: str, password: str) -> Callable[[str, str], bool]:
    """Gradio's `auth` callable: True for exactly this user and password, compared in
    constant time (both, always, so the time says nothing about which was wrong)."""
    expected_user, expected_password = user.encode(), password.encode()

    def check(given_user: str, given_password: str) -> bool:
        user_ok = hmac.compare_digest(str(given_user).encode(), expected_user)
        password_ok = hmac.compare_digest(str(given_password).encode(), expected_password)
        return user_ok and password_ok

    return check


class LoginThrottle:
    """Counts failed logins per address and per user name; says how long to wait."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(address: str, user: str) -> list[tuple[str, str]]:
        return [("address", address), ("user", user.strip().lower()[:MAX_NAME_CHARS])]

    def retry_after(self, address: str, user: str) -> int:
        """Seconds until this address and user may try again (0: now)."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(address, user):
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[0] + self.window - now)
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, address: str, user: str) -> None:
        """Count one failed login."""
        now = self.clock()
        with self._lock:
            if len(self._failures) >= MAX_TRACKED:
                self._forget_expired(now)
            for key in self._keys(address, user):
                self._failures.setdefault(key, deque()).append(now)
        log.warning("failed login (%d chars of user name)", len(user))

    def succeeded(self, address: str, user: str) -> None:
        """A right password clears this address's and this user's count."""
        with self._lock:
            for key in self._keys(address, user):
                self._failures.pop(key, None)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def _forget_expired(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) >= MAX_TRACKED:  # still full: drop the oldest entries
            self._failures.pop(next(iter(self._failures)))
