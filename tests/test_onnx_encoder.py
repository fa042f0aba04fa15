"""The ONNX graph written from the model's weights encodes as sentence-transformers does."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.index.embedding import FALLBACK_MODEL as MINILM
from assistant.index.embedding import Embedder, convert_model, resolve_model_path
from assistant.index.encoder import OnnxEncoder, UnsupportedModel, convert, is_converted

TEXTS = [
    # Danish and Polish, questions and passages, short and long, as the assistant sees them.
    "Hvornår er fristen for interessetilkendegivelser?",
    "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET.",
    "Hvad laver AI-kontoret?",
    "AI-kontoret vil være centrum for AI-ekspertise i hele EU og spille en central rolle i "
    "gennemførelsen af AI-retsakten, navnlig for så vidt angår kunstig intelligens til "
    "generelle formål.",
    "Kto kieruje biurem?",
    "Jaki jest adres e-mail Biura ds. AI?",
    "Termin składania wyrazów zainteresowania upływa 27 marca 2024 r. o godz. 12.00 CET.",
    "Urząd ds. AI będzie centrum wiedzy specjalistycznej w dziedzinie AI w całej UE i odegra "
    "kluczową rolę we wdrażaniu aktu w sprawie sztucznej inteligencji. " * 3,
    "CNECT-AIOFFICE@ec.europa.eu",
    "   leading and trailing spaces   ",
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    return convert(resolve_model_path(MINILM), tmp_path_factory.mktemp("onnx") / "m.onnx")


def test_onnx_vectors_equal_sentence_transformers(graph):
    onnx_vectors = Embedder(MINILM, graph=graph).encode_passages(TEXTS)
    reference = Embedder(MINILM).encode_passages(TEXTS)
    assert onnx_vectors.shape == reference.shape == (len(TEXTS), 384)
    assert onnx_vectors.dtype == np.float32
    cosines = np.sum(onnx_vectors * reference, axis=1)
    assert cosines.min() > 0.999, cosines
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_vectors(graph):
    """Padding to the longest text of a batch must not leak into the shorter ones."""
    encoder = OnnxEncoder(graph, resolve_model_path(MINILM), batch_size=4)
    together = encoder.encode(TEXTS)
    alone = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-5


def test_a_converted_graph_is_recognised_and_a_stale_one_is_not(graph, tmp_path):
    assert is_converted(graph)
    meta = json.loads(graph.with_name(graph.name + ".json").read_text("utf-8"))
    assert meta["pooling"] == "mean" and meta["normalize"] and meta["max_length"] == 256
    stale = tmp_path / "stale.onnx"
    stale.write_bytes(graph.read_bytes()[:100])
    (tmp_path / "stale.onnx.json").write_text(json.dumps({**meta, "converter": 0}), "utf-8")
    assert not is_converted(stale)
    assert not is_converted(tmp_path / "missing.onnx")


def test_other_architectures_fall_back_to_sentence_transformers(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "mpnet"}), "utf-8")
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    (model / "modules.json").write_text(json.dumps(modules), "utf-8")
    with pytest.raises(UnsupportedModel, match="mpnet"):
        convert(model, tmp_path / "out.onnx")
    assert convert_model(str(model), tmp_path) is None
    (model / "modules.json").unlink()  # a plain Hugging Face folder
    assert convert_model(str(model), tmp_path) is None
    assert convert_model("some-org/not-on-disk", tmp_path) is None
    assert Embedder("some-org/not-on-disk").backend == "sentence-transformers"
