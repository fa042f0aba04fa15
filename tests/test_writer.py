"""The optional writer, end to end through llama-index's OpenAI-compatible client against a
real HTTP server on 127.0.0.1 that answers in the OpenAI wire format with fixed texts."""

import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from assistant import ask

QUESTION = "Hvornår er fristen for interessetilkendegivelser?"


class FakeOpenAI:
    """A chat-completions endpoint that replies with `self.reply` and records prompts."""

    def __init__(self):
        self.reply = ""
        self.prompts: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.prompts.append(body["messages"][-1]["content"])
                payload = json.dumps(
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "test"),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": fake.reply},
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def fake_llm():
    server = FakeOpenAI()
    yield server
    server.server.shutdown()


@pytest.fixture()
def writer_settings(settings, fake_llm):
    return replace(settings, llm_base_url=fake_llm.url, llm_model="fake-model")


def test_a_supported_generated_answer_is_used(writer_settings, fake_llm):
    fake_llm.reply = (
        "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET [1]."
    )
    answer = ask(QUESTION, settings=writer_settings)
    assert answer.writer == "llm"
    assert answer.text == (
        "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET. [1]"
    )
    assert answer.citations[0].passage_id == "ai-office/da/b030"
    assert "27. marts 2024" in answer.citations[0].quote
    # The model saw the passages, numbered, and was told the language.
    assert "[1]" in fake_llm.prompts[-1] and "Danish" in fake_llm.prompts[-1]
    assert "27. marts 2024" in fake_llm.prompts[-1]


def test_a_wrong_language_answer_falls_back_to_the_extractive_one(writer_settings, fake_llm):
    fake_llm.reply = "The deadline for expressions of interest is 27 March 2024 at 12:00 CET [1]."
    answer = ask(QUESTION, settings=writer_settings)
    assert answer.writer == "extractive (writer answered in another language)"
    assert answer.language == "da"
    assert "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET. [1]" in (
        answer.text
    )
    assert "deadline" not in answer.text


def test_an_invented_sentence_is_dropped(writer_settings, fake_llm):
    fake_llm.reply = (
        "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET [1]. "
        "Kontoret ledes af Margrethe Vestager fra København [1]."
    )
    answer = ask(QUESTION, settings=writer_settings)
    assert answer.writer == "llm (1 unsupported sentence(s) dropped)"
    assert "27. marts 2024" in answer.text
    assert "Vestager" not in answer.text


def test_an_answer_that_is_mostly_invented_falls_back(writer_settings, fake_llm):
    fake_llm.reply = (
        "Fristen er den 1. april 2025 [1]. Kontoret ledes af Margrethe Vestager [1]. "
        "Man søger via Jobnet [2]."
    )
    answer = ask(QUESTION, settings=writer_settings)
    assert answer.writer == "extractive (writer's sentences not supported)"
    assert "27. marts 2024 kl. 12.00 CET. [1]" in answer.text
    assert "2025" not in answer.text and "Vestager" not in answer.text


def test_an_unreachable_writer_falls_back(settings):
    offline = replace(settings, llm_base_url="http://127.0.0.1:9/v1")
    answer = ask(QUESTION, settings=offline)
    assert answer.writer.startswith("extractive (writer failed")
    assert "27. marts 2024" in answer.text
