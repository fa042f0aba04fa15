"""One validation layer for every way in: `ask()`, the CLI (through `ask()`), the page's
`/ask` API and votes.

Schemas (pydantic, strict) say what a language code, a conversation turn and a vote are; limits
come from the settings. The conversation is cut to its last `max_history_turns` turns *before*
it is read, so 3,000 turns cost no more than 10, and each turn's text is cut to
`max_turn_chars`. A problem becomes an `InvalidInput` naming the field and its position
(`history[3][0]`) and quoting at most `QUOTE_CHARS` characters of the bad value; its message is
in the asker's language. The log gets the kind of problem and the sizes, never the value.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Annotated

from pydantic import InstanceOf, StrictStr, StringConstraints, TypeAdapter, ValidationError

from assistant.answer import Answer
from assistant.settings import Settings

log = logging.getLogger("assistant.validation")

QUOTE_CHARS = 80
# A language code: "da", "pl", "en", "pt-BR"... never more.
LanguageCode = Annotated[StrictStr, StringConstraints(max_length=16)]
_LANGUAGE = TypeAdapter(LanguageCode | None)
_PAIR = TypeAdapter(tuple[StrictStr, InstanceOf[Answer]])
# Lax about the container (a JSON list is fine), strict about the texts.
_TRIPLE = TypeAdapter(tuple[StrictStr, StrictStr, StrictStr])
_QUESTION = TypeAdapter(StrictStr | None)

MESSAGES = {
    "en": {
        "intro": "I could not read the request. {problem}",
        "type": "{field}: expected {expected}, got {got}.",
        "unknown_language": "{field}: {value} is not a language I answer in; use one of "
        "{codes}, or leave it empty to detect the question's language.",
    },
    "da": {
        "intro": "Jeg kunne ikke læse forespørgslen. {problem}",
        "type": "{field}: forventede {expected}, fik {got}.",
        "unknown_language": "{field}: {value} er ikke et sprog, jeg svarer på; brug et af "
        "{codes}, eller lad feltet være tomt for at finde spørgsmålets sprog.",
    },
    "pl": {
        "intro": "Nie mogłem odczytać zapytania. {problem}",
        "type": "{field}: oczekiwano: {expected}; otrzymano: {got}.",
        "unknown_language": "{field}: {value} to nie jest język, w którym odpowiadam; użyj "
        "jednego z: {codes} albo zostaw puste, aby wykryć język pytania.",
    },
}
# What was expected and what came, by kind of value, in each language.
NOUNS = {
    "en": {
        "language_code": "a language code",
        "list": "a list",
        "text": "text",
        "pair": "a (question, Answer) pair",
        "triple": "[question, answer_text, language], three texts",
        "vote": "a vote",
        "number": "a number",
        "object": "an object",
        "bool": "true/false",
        "nothing": "nothing",
        "other": "a value of another kind",
    },
    "da": {
        "language_code": "en sprogkode",
        "list": "en liste",
        "text": "tekst",
        "pair": "et par (spørgsmål, Answer)",
        "triple": "[spørgsmål, svartekst, sprog], tre tekster",
        "vote": "en stemme",
        "number": "et tal",
        "object": "et objekt",
        "bool": "sand/falsk",
        "nothing": "ingenting",
        "other": "en værdi af en anden slags",
    },
    "pl": {
        "language_code": "kod języka",
        "list": "lista",
        "text": "tekst",
        "pair": "para (pytanie, Answer)",
        "triple": "[pytanie, tekst_odpowiedzi, język], trzy teksty",
        "vote": "głos",
        "number": "liczba",
        "object": "obiekt",
        "bool": "prawda/fałsz",
        "nothing": "nic",
        "other": "wartość innego rodzaju",
    },
}
_KINDS = {str: "text", list: "list", tuple: "list", dict: "object", bool: "bool", int: "number"}
_KINDS[float] = "number"


@dataclass(frozen=True)
class Problem:
    """What was wrong with a request: where (`history[3][0]`), what kind, and the details
    (already cut to a safe length) that fill the message."""

    field: str
    kind: str  # "type" or "unknown_language"
    values: tuple[tuple[str, str], ...] = ()

    def message(self, language: str) -> str:
        """The problem in `language` (English when it has no words of its own)."""
        words = MESSAGES.get(language, MESSAGES["en"])
        nouns = NOUNS.get(language, NOUNS["en"])
        values = {name: nouns.get(value, value) for name, value in self.values}
        problem = words[self.kind].format(field=self.field, **values)
        return words["intro"].format(problem=problem)


class InvalidInput(ValueError):
    """A request that cannot be answered as it stands; `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


@dataclass(frozen=True)
class AskRequest:
    """A checked request: what `ask()` answers, and what the checks left out."""

    question: object
    history: list[tuple[str, Answer]]
    language: str | None
    turns_received: int = 0
    turns_ignored: int = 0  # older than the last max_history_turns
    turns_cut: int = 0  # longer than max_turn_chars

    def limits(self) -> dict:
        """The request's limits as the reply's metadata."""
        return {
            "history_turns_received": self.turns_received,
            "history_turns_used": len(self.history),
            "history_turns_ignored": self.turns_ignored,
            "history_turns_cut": self.turns_cut,
        }


def quote(value: object) -> str:
    """A bad value as a message may show it: a string quoted and cut to QUOTE_CHARS, anything
    else by its kind (a `NOUNS` key)."""
    if isinstance(value, str):
        shown = value if len(value) <= QUOTE_CHARS else value[: QUOTE_CHARS - 1] + "…"
        return f"“{shown}”"
    return _kind(value)


def _kind(value: object) -> str:
    return "nothing" if value is None else _KINDS.get(type(value), "other")


def _size(value: object) -> str:
    """The size of a value for the log: a length, never the content."""
    try:
        return f"{type(value).__name__}[{len(value)}]"  # type: ignore[arg-type]
    except TypeError:
        return type(value).__name__


def _fail(problem: Problem, **sizes: object) -> InvalidInput:
    log.warning(
        "invalid request: %s at %s (%s)",
        problem.kind,
        problem.field,
        ", ".join(f"{name}={_size(value)}" for name, value in sizes.items()),
    )
    return InvalidInput(problem)


def check_language(value: object, known: Collection[str]) -> str | None:
    """A forced answer language: None/"" (detect it), or one of the `known` codes."""
    try:
        code = _LANGUAGE.validate_python(value, strict=True)
    except ValidationError:
        values = (("expected", "language_code"), ("got", quote(value)))
        problem = Problem("language", "type", values)
        raise _fail(problem, language=value) from None
    if not code:
        return None
    code = code.strip().lower()
    if code not in known:
        codes = ", ".join(sorted(known))
        values = (("value", quote(code)), ("codes", codes))
        problem = Problem("language", "unknown_language", values)
        raise _fail(problem, language=value)
    return code


def check_question(value: object) -> str:
    """The API's question: text (or nothing). `ask()` itself also takes bytes from the CLI."""
    try:
        return _QUESTION.validate_python(value) or ""
    except ValidationError:
        problem = Problem("question", "type", (("expected", "text"), ("got", _kind(value))))
        raise _fail(problem, question=value) from None


def _recent(history: object, settings: Settings) -> tuple[list, int]:
    """The last max_history_turns turns (any list-like), and how many came in all."""
    if history is None or history == "":
        return [], 0
    if not isinstance(history, Sequence) or isinstance(history, str | bytes):
        problem = Problem("history", "type", (("expected", "list"), ("got", _kind(history))))
        raise _fail(problem, history=history)
    keep = max(0, settings.max_history_turns)
    return list(history[-keep:] if keep else []), len(history)


def _cut(text: str, settings: Settings) -> tuple[str, bool]:
    limit = settings.max_turn_chars
    return (text[:limit], True) if len(text) > limit else (text, False)


def check_history_pairs(history: object, settings: Settings) -> AskRequest:
    """`ask()`'s history, (question, Answer) pairs: the recent ones, checked and cut."""
    recent, received = _recent(history, settings)
    offset = received - len(recent)
    pairs, cut = [], 0
    for position, turn in enumerate(recent, start=offset):
        try:
            question, answer = _PAIR.validate_python(turn)
        except ValidationError:
            problem = Problem(
                f"history[{position}]", "type", (("expected", "pair"), ("got", quote(turn)))
            )
            raise _fail(problem, turn=turn) from None
        question, cut_question = _cut(question, settings)
        text, cut_text = _cut(answer.text, settings)
        if cut_text:
            answer = replace(answer, text=text)
        cut += cut_question or cut_text
        pairs.append((question, answer))
    return AskRequest(None, pairs, None, received, offset, cut)


def check_history_triples(
    history: object, settings: Settings, known: Collection[str]
) -> AskRequest:
    """The API's history, `[[question, answer_text, language], ...]`, as (question, Answer)
    pairs: the recent ones, checked and cut."""
    recent, received = _recent(history, settings)
    offset = received - len(recent)
    pairs, cut = [], 0
    for position, turn in enumerate(recent, start=offset):
        try:
            question, text, language = _TRIPLE.validate_python(turn)
        except ValidationError:
            problem = Problem(
                f"history[{position}]", "type", (("expected", "triple"), ("got", quote(turn)))
            )
            raise _fail(problem, turn=turn) from None
        try:
            language = check_language(language, known) or "en"
        except InvalidInput as exc:
            raise InvalidInput(replace(exc.problem, field=f"history[{position}][2]")) from None
        question, cut_question = _cut(question, settings)
        text, cut_text = _cut(text, settings)
        cut += cut_question or cut_text
        pairs.append((question, Answer(text=text, language=language)))
    return AskRequest(None, pairs, None, received, offset, cut)


def check_ask(
    question: object,
    history: object,
    language: object,
    settings: Settings,
    known: Collection[str],
    *,
    triples: bool = False,
) -> AskRequest:
    """A whole request: the question (text for the API, anything `ask()` can clean
    otherwise), the history (pairs, or the API's triples) and the forced language."""
    if triples:
        question = check_question(question)
        checked = check_history_triples(history, settings, known)
    else:
        checked = check_history_pairs(history, settings)
    code = check_language(language, known)
    if checked.turns_ignored or checked.turns_cut:
        log.info(
            "history limited: %d turns received, %d ignored, %d cut",
            checked.turns_received,
            checked.turns_ignored,
            checked.turns_cut,
        )
    return replace(checked, question=question, language=code)


def check_vote(vote: object, allowed: Collection[str]) -> str:
    """A vote on an answer: one of `allowed`."""
    if isinstance(vote, str) and vote in allowed:
        return vote
    problem = Problem("vote", "type", (("expected", "vote"), ("got", quote(vote))))
    raise _fail(problem, vote=vote)
