"""`assistant train --from-table` in a child process, for the tests of both trained parts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def retrain_from_tables(folder: Path, **env: str) -> tuple[Path, Path]:
    """Both models refitted from their shipped tables into `folder`, in a child process (its
    own BLAS, told `env`): (answerability's model, the ranking's model)."""
    answerability, ranking = folder / "answerability.json", folder / "ranking.json"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "train", "--from-table"]
        + ["--out", str(answerability), "--ranking-out", str(ranking)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cross-validated recall" in result.stdout
    assert "Ranking: cross-validated first candidate" in result.stdout
    return answerability, ranking
