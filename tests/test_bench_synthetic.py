"""The benchmark's synthetic corpora: the cheap-vector rows' sentences stay a bounded pool.

`bench.ours cheap` encodes each distinct sentence once and looks it up for every passage,
which is only cheap if the distinct sentences do not grow with the corpus. With
`whole_sentences` they are the real pages' own sentences, at any size.
"""

import pytest

from assistant.index.sentences import passage_sentences
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import load_pages
from bench.synthetic import _aligned_sources, _closed, write_corpus

pytestmark = pytest.mark.unit


def _distinct_sentences(folder) -> tuple[int, set[str], set[str]]:
    chunks = chunk_pages(load_pages(folder))
    return (
        len(chunks),
        {s for c in chunks for s in passage_sentences(c.text)},
        {c.language for c in chunks},
    )


def test_whole_sentences_keep_the_real_sentences_as_a_bounded_pool(tmp_path):
    from assistant.resources import PROJECT_DIR

    real = {
        _closed(s)
        for group in _aligned_sources(PROJECT_DIR / "corpus")
        for lang in group
        for s in group[lang][0]
    }
    small_n, small, small_languages = _distinct_sentences(
        write_corpus(1000, tmp_path / "small", whole_sentences=True)
    )
    large_n, large, large_languages = _distinct_sentences(
        write_corpus(6000, tmp_path / "large", whole_sentences=True, seed=1)
    )
    assert (small_n, large_n) == (1000, 6000)
    assert small_languages == large_languages == {"da", "pl"}
    # Every sentence a passage is cut into is one of the real pages' (closed with a stop).
    assert small <= real and large <= real
    # Six times the passages, not more distinct sentences than the pages have.
    assert len(large) <= len(real)


def test_without_whole_sentences_run_on_sentences_grow_with_the_corpus(tmp_path):
    """The reason for the option: picked list items run on into the next pick."""
    _, small, _ = _distinct_sentences(write_corpus(1000, tmp_path / "small"))
    _, large, _ = _distinct_sentences(write_corpus(6000, tmp_path / "large", seed=1))
    assert len(large) > 2 * len(small)


def test_closed_sentence_ends_in_a_full_stop():
    assert _closed("Kontoret gør brug af sin ekspertise ved at:") == (
        "Kontoret gør brug af sin ekspertise ved at."
    )
    assert _closed("Fremme af internationalt samarbejde") == "Fremme af internationalt samarbejde."
    assert _closed("Hvad er AI-kontoret?") == "Hvad er AI-kontoret?"
