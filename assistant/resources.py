"""Where the shipped data is and where state goes.

The corpus and the evaluation set ship inside the package (as `assistant/_data/`, mapped from
the project's `corpus/` and `eval/` folders by pyproject.toml). In a source checkout they are
read from those folders directly, and state (index, feedback, reports) stays in the checkout
as before; an installed package keeps its state in the user's data folder instead (like
`llm`'s user dir), never in site-packages.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
APP_NAME = "ai-office-assistant"


def in_source_checkout() -> bool:
    """True when the package runs from the project folder (not from site-packages)."""
    return (PROJECT_DIR / "pyproject.toml").is_file() and (PROJECT_DIR / "corpus").is_dir()


def data_dir(name: str) -> Path:
    """A shipped data folder: `corpus` or `eval`."""
    packaged = PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return PROJECT_DIR / name


def state_dir() -> Path:
    """The folder for the index, feedback and reports when no setting names one.

    ASSISTANT_HOME wins; then the source checkout; then the platform's user data folder.
    """
    configured = os.environ.get("ASSISTANT_HOME")
    if configured:
        return Path(configured).expanduser()
    if in_source_checkout():
        return PROJECT_DIR
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
