"""The same assistant against a Chroma server instead of the embedded store.

The test starts `chroma run` on 127.0.0.1 with its data in a temp folder, points the settings
at it (ASSISTANT_CHROMA_HOST/PORT), ingests the real corpus through the server and answers
through it, in Python and from the command line.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import ask, ingest
from assistant.index.opened import Index
from assistant.resources import PROJECT_DIR
from assistant.settings import Settings

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMA is None, reason="the chroma command (chromadb) is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"chroma run exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"chroma run did not listen on port {port} within {timeout} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A Chroma server on a free local port, its data in a temp folder; stopped afterwards."""
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [CHROMA, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data / "db")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def server_settings(server, tmp_path_factory) -> Settings:
    settings = Settings(
        index_dir=tmp_path_factory.mktemp("index-server"),
        corpus_dir=PROJECT_DIR / "corpus",
        chroma_host="127.0.0.1",
        chroma_port=server,
    )._normalised()
    report = ingest(settings)
    assert report.changed and report.passages == 74
    return settings


def test_ingestion_writes_every_passage_to_the_server(server_settings):
    import chromadb

    index = Index.open(server_settings)
    assert index.manifest["store"] == {"host": "127.0.0.1", "port": server_settings.chroma_port}
    assert not list(index.folder.glob("chroma*"))  # nothing embedded on disk
    client = chromadb.HttpClient(host="127.0.0.1", port=server_settings.chroma_port)
    collection = client.get_collection(index.manifest["collection"])
    assert collection.count() == 74
    assert sorted(collection.get(include=[])["ids"]) == sorted(index.passages)
    # Questions are answered from the server, not from a local copy of the vectors.
    assert type(index.vectors).__name__ == "VectorStore"
    hits = index.vectors.query(index.embedder().encode_queries(["AI-kontoret"])[0], 3)
    assert len(hits) == 3 and all(i in index.passages for i, _ in hits)


def test_reingesting_through_the_server_changes_nothing(server_settings):
    report = ingest(server_settings)
    assert not report.changed and report.passages == 74


def test_answers_through_the_server(server_settings):
    da = ask("Hvornår er fristen for interessetilkendegivelser?", settings=server_settings)
    assert "27. marts 2024" in da.text and not da.abstained
    assert da.language == "da"
    assert da.citations[0].language == "da"
    assert da.citations[0].url == "https://digital-strategy.ec.europa.eu/da/policies/ai-office"
    pl = ask("Jaki jest termin składania zgłoszeń?", settings=server_settings)
    assert "27 marca 2024" in pl.text
    assert pl.citations[0].url == "https://digital-strategy.ec.europa.eu/pl/policies/ai-office"


def test_command_line_through_the_server(server_settings):
    env = {
        **os.environ,
        "ASSISTANT_INDEX_DIR": str(server_settings.index_dir),
        "ASSISTANT_CHROMA_HOST": "127.0.0.1",
        "ASSISTANT_CHROMA_PORT": str(server_settings.chroma_port),
    }
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "Hvad er AI-pagten?"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["language"] == "da" and not answer["abstained"]
    assert answer["citations"][0]["url"].endswith("/da/policies/ai-office")


def test_unreachable_server_is_a_message_not_a_traceback(tmp_path):
    settings = Settings(
        index_dir=tmp_path / "index",
        corpus_dir=PROJECT_DIR / "corpus",
        chroma_host="127.0.0.1",
        chroma_port=_free_port(),
    )._normalised()
    from assistant import AssistantError

    with pytest.raises(AssistantError, match="Chroma server"):
        ingest(settings)
