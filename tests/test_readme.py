"""The README's example outputs are what the command prints today (scripts/readme_examples.py
writes them; this fails when they drift), and hold nothing of one machine."""

import importlib.util
import re

from assistant.resources import PROJECT_DIR

_spec = importlib.util.spec_from_file_location(
    "readme_examples", PROJECT_DIR / "scripts" / "readme_examples.py"
)
readme_examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(readme_examples)

README = (PROJECT_DIR / "README.md").read_text("utf-8")


def test_the_example_outputs_are_what_the_command_prints(settings, monkeypatch):
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    blocks = readme_examples.examples(README)
    assert len(blocks) >= 3
    for arguments, body in blocks:
        assert body == readme_examples.run(arguments), (
            f"README example `assistant {arguments}` is out of date: "
            "run python scripts/readme_examples.py"
        )


def test_the_readme_names_no_machine_paths_and_only_docs_that_exist():
    assert not re.search(r"(?<![\w.])/(work|home|tmp|root|Users)/", README)
    assert "`assistant/" not in README or all(
        (PROJECT_DIR / path).exists() for path in re.findall(r"`(assistant/[\w/.]+)`", README)
    )
    for target in re.findall(r"\]\((docs/[\w.]+)\)", README):
        if target in ("docs/answering.md", "docs/deploying.md", "docs/accessibility.md"):
            continue  # written by the other helpers' branches, merged with this one
        assert (PROJECT_DIR / target).is_file(), target
