"""The package is the product: what `pip install .` ships, and a fresh install that runs.

The fresh-install test (marked slow; it runs in CI with the rest) builds the project as a
wheel, non-editable, into a new venv and runs the README's commands from /tmp with state in
a temp ASSISTANT_HOME. To stay fast and offline it does not download the dependencies again:
the new venv sees the running environment's site-packages through a .pth file, and the
project is installed with `pip install --no-deps --no-build-isolation`. So it proves that the
package (its code, its data, its entry point) is complete and runs outside the checkout; it
does not prove that the declared dependencies resolve from PyPI (scripts/install.sh does that
on every fresh machine).
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from assistant.resources import PROJECT_DIR

PYPROJECT = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text("utf-8"))


@pytest.mark.unit
def test_every_subpackage_is_shipped():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(folder.relative_to(PROJECT_DIR).parts)
        for folder in (PROJECT_DIR / "assistant").rglob("*")
        if folder.is_dir() and "__pycache__" not in folder.parts and any(folder.glob("*.py"))
    } | {"assistant"}
    missing = on_disk - listed
    assert not missing, f"add {sorted(missing)} to [tool.setuptools] packages in pyproject.toml"


@pytest.mark.unit
def test_the_corpus_and_the_eval_set_ship_as_package_data():
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert setuptools["package-dir"] == {
        "assistant._data.corpus": "corpus",
        "assistant._data.eval": "eval",
    }
    corpus_patterns = setuptools["package-data"]["assistant._data.corpus"]
    for path in (PROJECT_DIR / "corpus").iterdir():
        assert any(path.match(p) for p in corpus_patterns), f"{path.name} would not ship"
    assert setuptools["package-data"]["assistant._data.eval"] == ["*.jsonl"]


@pytest.mark.unit
def test_the_library_pins_no_torch_and_the_page_is_an_extra():
    dependencies = PYPROJECT["project"]["dependencies"]
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert not [d for d in dependencies if d.startswith("torch")]
    assert not [d for d in dependencies if d.startswith(("gradio", "matplotlib"))]
    assert extras["web"][0] == "gradio>=6,<7" and "uvicorn" in extras["web"]
    assert "torch==" in (PROJECT_DIR / "scripts" / "install.sh").read_text("utf-8")


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_a_fresh_non_editable_install_runs_from_another_folder(tmp_path):
    # A copy of the tracked sources only: the checkout's index/, .venv/ and build leftovers
    # must not leak into the wheel, and the build must not write into the checkout.
    source = tmp_path / "source"
    state = {".git", ".venv", "index", "vector-cache", "feedback", "questions", "candidates"}
    state.add("build")
    state.add(".pytest_cache")

    def leave_out(folder: str, names: list[str]) -> set[str]:
        at_root = Path(folder) == PROJECT_DIR
        return {
            n
            for n in names
            if (at_root and n in state)
            or n in ("__pycache__", "reports")
            or n.endswith(".egg-info")
        }

    shutil.copytree(PROJECT_DIR, source, ignore=leave_out)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    site = next((venv / "lib").glob("python3*/site-packages"))
    # The running environment's packages (pip, setuptools and the dependencies).
    (site / "_shared_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    _run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", str(source)],
        cwd=tmp_path,
    )  # fmt: skip

    home = tmp_path / "home"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ASSISTANT_") and key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env |= {"ASSISTANT_HOME": str(home), "PATH": f"{venv / 'bin'}:{env['PATH']}"}
    # the test session's vector cache (tests/conftest.py): the model encoded these texts once
    env["ASSISTANT_VECTOR_CACHE_DIR"] = os.environ["ASSISTANT_VECTOR_CACHE_DIR"]
    cwd = Path("/tmp")
    assistant = str(venv / "bin" / "assistant")

    where = _run(
        [str(python), "-c", "import assistant, assistant.resources as r; "
         "print(assistant.__file__); print(r.data_dir('corpus')); print(r.state_dir())"],
        env=env, cwd=cwd,
    ).stdout.split()  # fmt: skip
    assert where[0].startswith(str(site))  # the installed copy, not the checkout
    assert where[1] == str(site / "assistant" / "_data" / "corpus")
    assert where[2] == str(home)

    ingest = _run([assistant, "ingest", "--quiet"], env=env, cwd=cwd)
    assert "74 passages (37 da, 37 pl)" in ingest.stdout
    assert (home / "index" / "ACTIVE").is_file()
    answer = _run([assistant, "ask", "Hvad er AI-pagten?"], env=env, cwd=cwd)
    assert "[1]" in answer.stdout and "Kilder:" in answer.stdout
    assert "https://digital-strategy.ec.europa.eu/da/policies/ai-office#:~:text=" in answer.stdout
    evaluation = _run([assistant, "eval", "--help"], env=env, cwd=cwd)
    assert "--fail-under" in evaluation.stdout
    serve = _run([assistant, "serve", "--help"], env=env, cwd=cwd)
    assert "--port" in serve.stdout
    # The evaluation set shipped too, with the sealed split, and the written questions, the
    # trained model and the table it is refitted from.
    assert (site / "assistant" / "_data" / "eval" / "qa.jsonl").is_file()
    assert (site / "assistant" / "_data" / "eval" / "test.jsonl").is_file()
    assert (site / "assistant" / "_data" / "corpus" / "ai-office.da.questions.json").is_file()
    assert (site / "assistant" / "_data" / "corpus" / "ai-office.unanswered.jsonl").is_file()
    assert (site / "assistant" / "answering" / "answerability_model.json").is_file()
    assert (site / "assistant" / "answering" / "answerability_training.jsonl").is_file()
    assert (site / "assistant" / "retrieval" / "ranking_model.json").is_file()
    assert (site / "assistant" / "retrieval" / "ranking_training.jsonl").is_file()
    traced = _run([assistant, "ask", "--json", "Hvad er AI-pagten?"], env=env, cwd=cwd)
    assert json.loads(traced.stdout)["trace"]["probabilities"]["answered"] > 0.5
    # Nothing was written into site-packages or the source copy.
    assert not list(site.glob("assistant/**/ACTIVE")) and not list(site.glob("**/builds"))
    assert not (source / "index").exists()
