"""What a question costs to start: `import assistant` and a whole `ask()` stay light.

A one-question process is mostly imports. The web UI, llama-index, Chroma, torch,
sentence-transformers and scikit-learn (which fits the written questions' n-grams at ingestion)
each take from one to ten seconds to import; none of them is needed
to answer from an embedded index built with a model that converts to ONNX.
"""

from __future__ import annotations

import json
import subprocess
import sys

from assistant.resources import PROJECT_DIR

HEAVY = (
    "gradio",
    "llama_index",
    "chromadb",
    "torch",
    "sentence_transformers",
    "transformers",
    "sklearn",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_importing_the_package_imports_nothing_heavy():
    assert _loaded_after("import assistant") == []


def test_answering_a_question_needs_no_torch_llama_index_or_chroma(settings):
    code = (
        "from assistant import ask, Settings\n"
        f"s = Settings.from_env(index_dir={str(settings.index_dir)!r})\n"
        "a = ask('Hvornår er fristen for interessetilkendegivelser?', settings=s)\n"
        "assert '27. marts 2024' in a.text, a.text\n"
    )
    assert _loaded_after(code) == []
