"""No network: ingesting and answering open no connection beyond 127.0.0.1.

`assistant ingest` (a fresh build) and `assistant ask` run in subprocesses whose Python has a
sitecustomize with an audit hook: any connection or name lookup for a host that is not
loopback is refused and written to a log. The environment is cleared of the offline and
telemetry switches the test suite itself sets, so the library has to set them on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from _robust import DEADLINE, URL

from assistant.resources import PROJECT_DIR

SITECUSTOMIZE = textwrap.dedent(
    '''
    """Test hook: refuse and log every non-loopback connection or name lookup."""
    import ipaddress
    import json
    import os
    import socket
    import sys

    _LOG = os.environ["NO_NETWORK_LOG"]


    def _loopback(host):
        if isinstance(host, bytes):
            host = host.decode()
        if host is None or host in ("localhost", "localhost.localdomain"):
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False


    def _refuse(event, target):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(json.dumps({"event": event, "target": repr(target)}) + "\\n")
        raise OSError(f"no network in this test: {event} {target!r}")


    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            sock, address = args[0], args[-1]
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                if not _loopback(address[0]):
                    _refuse(event, address)
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
            if not _loopback(args[0]):
                _refuse(event, args[0])


    sys.addaudithook(_hook)
    with open(_LOG + ".loaded", "a", encoding="utf-8") as loaded:
        loaded.write(f"{os.getpid()}\\n")
    '''
)

# Switches the test suite sets for itself; the library must not need them from outside.
_CLEARED = (
    "HF_HUB_OFFLINE",
    "TRANSFORMERS_OFFLINE",
    "HF_HUB_DISABLE_TELEMETRY",
    "ANONYMIZED_TELEMETRY",
    "GRADIO_ANALYTICS_ENABLED",
    "ASSISTANT_CHROMA_HOST",
    "ASSISTANT_LLM_BASE_URL",
)


@pytest.fixture()
def offline(tmp_path):
    """Run `python ARGS` with the hook; returns (run, log path)."""
    hook_dir = tmp_path / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, "utf-8")
    log = tmp_path / "connections.log"
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        PYTHONPATH=os.pathsep.join([str(hook_dir), str(PROJECT_DIR)]),
        NO_NETWORK_LOG=str(log),
        ASSISTANT_INDEX_DIR=str(tmp_path / "index"),
        ASSISTANT_CORPUS_DIR=str(PROJECT_DIR / "corpus"),
    )

    def run(*args, timeout=600):
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            cwd=tmp_path,
        )

    return run, log


def _attempts(log):
    return log.read_text("utf-8").splitlines() if log.exists() else []


def test_the_hook_refuses_and_records_outside_connections(offline):
    """The check checks something: an outside connection is refused and logged, loopback
    is not."""
    run, log = offline
    script = textwrap.dedent(
        """
        import socket, urllib.request
        server = socket.create_server(("127.0.0.1", 0))
        socket.create_connection(server.getsockname(), timeout=5).close()
        try:
            socket.socket().connect(("192.0.2.1", 80))  # an address: no lookup first
        except OSError as exc:
            print("refused", exc)
        try:
            urllib.request.urlopen("http://example.org/", timeout=2)
        except OSError as exc:
            print("refused", exc)
        """
    )
    result = run("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("refused") == 2
    attempts = [json.loads(line) for line in _attempts(log)]
    assert [a["event"] for a in attempts] == ["socket.connect", "socket.getaddrinfo"]
    assert "192.0.2.1" in attempts[0]["target"] and "example.org" in attempts[1]["target"]


def test_ingesting_and_answering_open_no_outside_connection(offline):
    run, log = offline
    ingest = run("-m", "assistant", "ingest", "--quiet")
    assert ingest.returncode == 0, ingest.stderr
    assert ingest.stdout.startswith("Built index ") and "74 passages" in ingest.stdout

    danish = run("-m", "assistant", "ask", DEADLINE["da"][0])
    assert danish.returncode == 0, danish.stderr
    assert DEADLINE["da"][1] in danish.stdout and URL["da"] in danish.stdout

    polish = run("-m", "assistant", "ask", "--json", DEADLINE["pl"][0])
    assert polish.returncode == 0, polish.stderr
    answer = json.loads(polish.stdout)
    assert DEADLINE["pl"][1] in answer["text"] and answer["citations"][0]["url"] == URL["pl"]

    library = run(
        "-c",
        "from assistant import ask; "
        "a = ask('Hvad er e-mailadressen til AI-kontoret?'); "
        "assert 'CNECT-AIOFFICE@ec.europa.eu' in a.text, a.text",
    )
    assert library.returncode == 0, library.stderr

    loaded = (log.parent / (log.name + ".loaded")).read_text("utf-8").split()
    assert len(loaded) >= 4  # the hook was in every one of those processes
    assert _attempts(log) == []
