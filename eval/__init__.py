"""The evaluation of the AI Office assistant: a hand-written Q&A set, metrics, a judge.

    python -m eval            # or: assistant eval

See `harness.py` for the command, `metrics.py` for what each number means.
"""

from .dataset import Item, load_items
from .harness import main
from .judge import Judge, OfflineJudge, VerbatimJudge, Verdict
from .runner import run, score_item

__all__ = [
    "Item",
    "Judge",
    "OfflineJudge",
    "VerbatimJudge",
    "Verdict",
    "load_items",
    "main",
    "run",
    "score_item",
]
