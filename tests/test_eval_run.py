"""The Q&A set's test split through the command line, against the session's index, with floors.

The floors sit a little under what the assistant measures on the test split today (see
docs/answering.md): when a change makes answers worse, this test fails. Raise them when the
numbers go up. Thresholds and weights are chosen on the dev split, never on this one.
"""

import json
import subprocess
import sys

import pytest

from assistant.evaluation.dataset import DEFAULT_SET as DEV_SET
from assistant.evaluation.harness import main
from assistant.resources import PROJECT_DIR

pytestmark = pytest.mark.eval

# The thirty-third sealed test split (196 items), measured on 2026-12-07 on this code (the
# eleventh author's written questions, answerability and the ranking retrained), in brackets
# (docs/evaluation.md). In the small groups (8-60 answerable items) a floor leaves room for one
# item more wrong, two in Danish and Polish; the model's last digits differ between CPUs
# (AVX2, AVX-512).
FLOORS = {
    "hit@1": 0.84,  # (0.862)
    "retrieval_hit@3": 0.96,  # (0.978)
    "retrieval_mrr": 0.91,  # (0.928)
    "citation_precision": 0.97,  # (1.00)
    "faithfulness": 0.97,  # (1.00)
    "language_accuracy": 0.97,  # (1.00)
    "key_fact_recall": 0.80,  # (0.821)
    "abstention_recall": 0.93,  # (0.948: out of scope and not on the pages together)
    "abstention_precision": 0.85,  # (0.873)
    "da/hit@1": 0.84,  # (0.883, 60 answerable)
    "pl/hit@1": 0.81,  # (0.85, 60 answerable)
    "en/hit@1": 0.89,  # (1.00, 10 answerable)
    "fact/hit@1": 0.94,  # (0.975, 40 items)
    "paraphrase/hit@1": 0.82,  # (0.85, 40 items)
    "follow_up/hit@1": 0.62,  # (0.688, 16 items)
    "other_language/hit@1": 0.77,  # (0.833, 18 items)
    "list/hit@1": 0.74,  # (0.833, 12 items)
    "overview/hit@1": 0.62,  # (0.75, 8 items)
    "not_on_page/abstention_recall": 0.91,  # (0.938, 48 items)
    "out_of_scope/abstention_recall": 0.89,  # (1.00, 10 items)
}


@pytest.fixture(scope="module")
def run(settings, tmp_path_factory):
    """`python -m assistant eval run ...` once; every test reads its outputs."""
    out = tmp_path_factory.mktemp("eval-reports")
    floors = [arg for name, value in FLOORS.items() for arg in ("--fail-under", f"{name}={value}")]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "eval",
            "run",
            "--index-dir",
            str(settings.index_dir),
            "--out",
            str(out),
            "--split",
            "test",
            "--quiet",
            *floors,
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=900,
    )
    return result, out


def test_the_whole_set_holds_its_floors(run):
    result, _ = run
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "FAIL" not in result.stderr
    # the terminal table: one row per language, with the column names
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("language"))
    assert "hit@1" in header and "faithful" in header and "p95 ms" in header
    for language in ("da", "pl", "en", "de", "fr"):
        assert any(line.startswith(f"{language} ") for line in lines), language


def test_the_reports_are_written(run):
    _, out = run
    report = json.loads((out / "report-test.json").read_text(encoding="utf-8"))
    markdown = (out / "report-test.md").read_text(encoding="utf-8")
    assert (out / "report-test.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "report-test.png").stat().st_size > 20_000

    assert report["overall"]["items"] == len(report["results"]) >= 160
    assert report["split"] == "test"
    assert report["judge"].startswith("offline:")
    assert "ask() itself retrieved" in report["retrieval_source"]
    for language in ("da", "pl", "en", "de", "fr"):
        numbers = report["by_language"][language]
        assert numbers["items"] > 0
        assert 0.0 <= numbers["language_accuracy"] <= 1.0
        assert numbers["latency_p50_ms"] > 0
    for language in ("da", "pl"):
        numbers = report["by_language"][language]
        for metric in ("hit@1", "retrieval_mrr", "faithfulness", "key_fact_recall"):
            assert 0.0 <= numbers[metric] <= 1.0, (language, metric)
        assert numbers["abstention_recall"] >= 0.45  # out of scope and not on the pages
    assert set(report["by_category"]) >= {
        "fact",
        "paraphrase",
        "follow_up",
        "out_of_scope",
        "not_on_page",
    }
    for numbers in report["by_category"].values():  # the four outcomes share every item
        four = ("answered_right", "answered_wrong", "abstained_right", "abstained_wrong")
        assert abs(sum(numbers[k] for k in four) - 1.0) < 1e-9
    assert report["overall"]["latency_p95_ms"] >= report["overall"]["latency_p50_ms"] > 0
    assert sum(report["pairs"]["counts"].values()) >= 40
    assert "## Per language" in markdown and "| da |" in markdown
    assert report["judge"] in markdown


def test_the_answers_behind_the_numbers_are_real(settings, tmp_path):
    """Per-item results are read on dev items only: the test split is sealed."""
    ids = ["deadline-da", "oos-worldcup-pl", "nop-panel-size-da", "fu-deadline-time-pl"]
    subset = tmp_path / "subset.jsonl"
    subset.write_text(
        "".join(
            line + "\n"
            for line in DEV_SET.read_text(encoding="utf-8").splitlines()
            if json.loads(line)["id"] in ids
        ),
        encoding="utf-8",
    )
    code = main(
        [
            "run",
            "--index-dir",
            str(settings.index_dir),
            "--set",
            str(subset),
            "--out",
            str(tmp_path),
            "--quiet",
        ]
    )
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    results = {r["id"]: r for r in report["results"]}
    assert sorted(results) == sorted(ids)
    deadline = results["deadline-da"]
    assert "27. marts 2024 kl. 12.00 CET" in deadline["answer"]
    assert deadline["citations"][0]["passage_id"] == "ai-office/da/b030"
    assert deadline["citation_rank"] == 1 and deadline["language_ok"] is True
    assert all(r["retrieval_source"] == "ask" for r in results.values())
    football = results["oos-worldcup-pl"]
    assert football["abstained"] is True and football["answer_language"] == "pl"
    assert football["reason"] == "out_of_scope"
    panel = results["nop-panel-size-da"]
    assert panel["abstained"] is True and panel["reason"] == "not_on_page"
    assert panel["answer"].startswith("Siderne om Det Europæiske AI-kontor siger ikke")
    follow_up = results["fu-deadline-time-pl"]
    assert follow_up["history"] == ["Kiedy mija termin wyrażenia zainteresowania?"]
    assert "godz. 12.00" in follow_up["answer"]


def test_a_floor_that_does_not_hold_fails_the_run(settings, tmp_path, capsys):
    code = main(
        [
            "run",
            "--index-dir",
            str(settings.index_dir),
            "--language",
            "de",
            "--out",
            str(tmp_path),
            "--quiet",
            "--fail-under",
            "language_accuracy=0.2",
            "--fail-under",
            "hit@1=1.01",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "FAIL hit@1 = " in err and "under the floor 1.01" in err
    assert "language_accuracy" not in err
    # A subset writes its own report and leaves the full one alone.
    assert not (tmp_path / "report.json").exists()
    assert {p.name for p in tmp_path.iterdir()} == {
        "report-de.json",
        "report-de.md",
        "report-de.png",
    }
    report = json.loads((tmp_path / "report-de.json").read_text())
    assert set(report["by_language"]) == {"de"}


def test_python_dash_m_eval_is_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "eval", "--help"],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
    )
    assert result.returncode == 0
    assert "--fail-under" in result.stdout and "--index-dir" in result.stdout


def test_without_matplotlib_the_numbers_are_still_written(settings, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # the `eval` extra not installed
    code = main(
        ["run", "--index-dir", str(settings.index_dir), "--language", "de", "--split", "dev"]
        + ["--out", str(tmp_path), "--quiet"]
    )
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {"report-de-dev.json", "report-de-dev.md"}
    assert "pip install 'ai-office-assistant[eval]'" in capsys.readouterr().err
