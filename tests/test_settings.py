"""One validated settings object: defaults, environment variables, keyword overrides, and a
bad value refused with a message naming the variable (never echoing the value)."""

from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError, env_name

pytestmark = pytest.mark.unit


def test_defaults_work_with_nothing_set(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    monkeypatch.delenv("ASSISTANT_INDEX_DIR")
    monkeypatch.delenv("ASSISTANT_FEEDBACK_FILE")
    settings = Settings.from_env()
    assert settings.index_dir == tmp_path / "index"
    assert settings.feedback_file == tmp_path / "feedback" / "feedback.jsonl"
    assert (settings.corpus_dir / "manifest.json").is_file()
    assert (settings.host, settings.port, settings.concurrency) == ("127.0.0.1", 7860, 4)
    assert (settings.user, settings.password, settings.chroma_host) == ("", "", "")


def test_environment_then_keywords(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_CHROMA_PORT", " 9000 ")
    monkeypatch.setenv("ASSISTANT_PORT", "8080")
    monkeypatch.setenv("ASSISTANT_HOST", "0.0.0.0")
    monkeypatch.setenv("ASSISTANT_CONCURRENCY", "8")
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(tmp_path / "votes.jsonl"))
    monkeypatch.setenv("ASSISTANT_USER", "anna")
    monkeypatch.setenv("ASSISTANT_PASSWORD", "s3cret")
    settings = Settings.from_env(index_dir=str(tmp_path / "i"), model=None)
    assert (settings.chroma_port, settings.port, settings.host) == (9000, 8080, "0.0.0.0")
    assert (settings.concurrency, settings.user, settings.password) == (8, "anna", "s3cret")
    assert settings.feedback_file == tmp_path / "votes.jsonl"
    assert settings.index_dir == Path(tmp_path / "i")  # a keyword beats the environment
    assert "s3cret" not in repr(settings)  # a password never lands in a log by repr


@pytest.mark.parametrize(
    "variable,value,expected",
    [
        ("ASSISTANT_CHROMA_PORT", "abc", "whole number from 1 to 65535"),
        ("ASSISTANT_PORT", "70000", "whole number from 1 to 65535"),
        ("ASSISTANT_CONCURRENCY", "0", "whole number of at least 1"),
        ("ASSISTANT_MAX_QUESTION_CHARS", "2.5", "whole number of at least 1"),
        ("ASSISTANT_MAX_HISTORY_TURNS", "-1", "whole number of at least 0"),
    ],
)
def test_a_bad_variable_is_one_message_naming_it(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env()
    message = str(caught.value)
    assert message.startswith(f"{variable}: ") and expected in message
    assert value not in message and "\n" not in message


def test_a_bad_keyword_names_the_keyword():
    with pytest.raises(SettingsError, match=r"^max_turn_chars: expected a whole number"):
        Settings.from_env(max_turn_chars="many")
    with pytest.raises(SettingsError, match="unknown setting: colour"):
        Settings.from_env(colour="blue")
    with pytest.raises(SettingsError, match="^chroma_port"):
        Settings(chroma_port=True)


def test_a_login_needs_both_user_and_password(monkeypatch):
    monkeypatch.setenv("ASSISTANT_USER", "anna")
    with pytest.raises(SettingsError, match="both ASSISTANT_USER and ASSISTANT_PASSWORD"):
        Settings.from_env()


def test_an_e5_model_gets_its_prefixes():
    settings = Settings.from_env(model="intfloat/multilingual-e5-base")
    assert (settings.query_prefix, settings.passage_prefix) == ("query: ", "passage: ")
    assert Settings.from_env().query_prefix == ""


def test_every_setting_but_the_prefixes_has_a_variable():
    from dataclasses import fields

    names = {f.name for f in fields(Settings)} - {"query_prefix", "passage_prefix"}
    assert {env_name(n) for n in names} == {f"ASSISTANT_{n.upper()}" for n in names}
