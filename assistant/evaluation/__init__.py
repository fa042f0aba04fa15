"""The evaluation of the assistant: the Q&A set's loader, metrics, a judge, reports.

    assistant eval            # or, in a source checkout: python -m eval

See `harness.py` for the command, `metrics.py` for what each number means.
"""

from assistant.evaluation.dataset import Item, load_items
from assistant.evaluation.harness import main
from assistant.evaluation.judge import Judge, OfflineJudge, VerbatimJudge, Verdict
from assistant.evaluation.runner import run, score_item

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
