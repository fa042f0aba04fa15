"""Regenerate (or check) the example outputs in README.md, so they cannot drift.

Each example in the README is a console block that follows a marker line:

    <!-- example: ask "Hvad er AI-pagten?" -->
    ```console
    $ assistant ask "Hvad er AI-pagten?"
    ...the output, as `assistant` prints it...
    ```

The marker holds the `assistant` arguments (shell-quoted). This script runs each through the
real command line (`assistant.cli.main`, in this process, against the index the settings
name) and writes its output into the block. `--check` changes nothing and exits 1 when a
block differs from what the command prints now (tests/test_readme.py runs the same check).

    python scripts/readme_examples.py            # rewrite the blocks
    python scripts/readme_examples.py --check    # exit 1 if one is out of date
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"<!-- example: (?P<args>.+?) -->\n```console\n(?P<body>.*?)```\n", re.DOTALL)


def run(arguments: str) -> str:
    """What `assistant <arguments>` prints (stdout), as a console block's body."""
    from assistant.cli import main

    argv = shlex.split(arguments)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(argv)
    if code != 0:
        raise RuntimeError(f"assistant {arguments} exited with {code}")
    return f"$ assistant {arguments}\n{out.getvalue().rstrip()}\n"


def examples(text: str) -> list[tuple[str, str]]:
    """(arguments, body) of every example block in a README text."""
    return [(m["args"], m["body"]) for m in _BLOCK.finditer(text)]


def regenerate(text: str) -> str:
    """The README text with every example block's body replaced by the current output."""

    def replace(match: re.Match) -> str:
        return f"<!-- example: {match['args']} -->\n```console\n{run(match['args'])}```\n"

    return _BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    text = README.read_text("utf-8")
    fresh = regenerate(text)
    if "--check" in argv:
        stale = [args for (args, old), (_, new) in zip(examples(text), examples(fresh), strict=True)
                 if old != new]  # fmt: skip
        for args in stale:
            print(f"README example out of date: assistant {args}", file=sys.stderr)
        return 1 if stale else 0
    if fresh != text:
        README.write_text(fresh, "utf-8")
        print(f"updated {README.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
