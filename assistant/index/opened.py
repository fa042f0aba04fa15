"""An opened build: passages by id, BM25 per language, vectors, and the question encoder.

`Index.open` opens the active build and checks, before any question, that it is whole, built
by this version of the code and for the configured model; otherwise IndexUnavailableError
says what to run (`ask()` rebuilds where it can).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

from assistant.errors import AssistantError, IndexUnavailableError
from assistant.index.layout import (
    FORMAT_VERSION,
    active_build,
    analysis_fingerprint,
    is_complete,
    read_passages,
)
from assistant.index.lexical import LexicalIndex
from assistant.index.question_vectors import UNANSWERED, QuestionVectors
from assistant.index.question_words import UNANSWERED_WORDS, QuestionWords
from assistant.index.sentences import SentenceVectors
from assistant.ingest.site import load_site
from assistant.settings import Settings


class Index:
    """An opened build: passages by id, BM25 per language, and the vector store."""

    def __init__(self, folder: Path, settings: Settings):
        self.folder = folder
        self.settings = settings
        self.manifest = json.loads((folder / "index.json").read_text("utf-8"))
        self.passages = {c.id: c for c in read_passages(folder)}
        self.lexical = {
            lang: LexicalIndex.load(folder / "lexical" / lang)
            for lang in self.manifest["languages"]
        }
        # Per question language, the words that only name the site's subject (corpus/site.json).
        site = load_site(settings.corpus_dir)
        self.subject_words = site.subject_words
        # The subject's name in each page language ("Det Europæiske AI-kontor"): what a
        # question that names only the subject, in any language, is about.
        self.subject_names = {
            lang: name for lang in self.manifest["languages"] if (name := site.text("name", lang))
        }
        for lexical in self.lexical.values():
            lexical.subject_words = self.subject_words
        self.site = site
        self.titles = {c.language: c.title for c in reversed(list(self.passages.values()))}
        self._store = None

    def subject(self, language: str) -> dict[str, str]:
        """The subject's name in `language`, for the assistant's own sentences (`message`)."""
        return self.site.subject(language, self.titles)

    @cached_property
    def sentences(self) -> SentenceVectors:
        """Each passage's sentence vectors (memory-mapped)."""
        return SentenceVectors.load(self.folder, list(self.passages))

    @cached_property
    def questions(self) -> QuestionVectors:
        """The questions people wrote for the passages, with their vectors."""
        return QuestionVectors.load(self.folder)

    @cached_property
    def question_words(self) -> QuestionWords:
        """The written questions' character n-grams (`index.question_words`), in the rows of
        `questions`."""
        words = QuestionWords.load(self.folder)
        if words.count != len(self.questions):  # missing or of another build: damaged
            raise ValueError(f"{words.count} n-gram vectors for {len(self.questions)} questions")
        return words

    @cached_property
    def unanswered(self) -> QuestionVectors:
        """Questions written as not answered by the pages, grouped by kind."""
        return QuestionVectors.load(self.folder, UNANSWERED)

    @cached_property
    def unanswered_words(self) -> QuestionWords:
        """The unanswered questions' character n-grams, in the rows of `unanswered`."""
        # Cut with the written questions' n-grams: one vocabulary, a question cut once.
        words = QuestionWords.load(self.folder, UNANSWERED_WORDS, self.question_words.vocabulary)
        if words.count != len(self.unanswered):  # missing or of another build: damaged
            raise ValueError(
                f"{words.count} n-gram vectors for {len(self.unanswered)} unanswered questions"
            )
        return words

    @property
    def languages(self) -> list[str]:
        return list(self.manifest["languages"])

    def embedder(self):
        """The question encoder: the build's ONNX graph of its model (onnxruntime, no torch),
        or sentence-transformers for a model that was not converted."""
        from assistant.index.embedding import GRAPH_NAME, get_embedder
        from assistant.index.encoder import is_converted

        graph = self.folder / GRAPH_NAME
        s = self.settings
        return get_embedder(
            s.model, s.query_prefix, s.passage_prefix, graph if is_converted(graph) else None
        )

    @cached_property
    def vectors(self):
        """What a question's vector search reads. On a Chroma server, the server. For the
        embedded store, the build's embeddings.npy, searched exactly: the same vectors as its
        Chroma collection (written together, row i = passage i), without opening Chroma."""
        if "host" in self.manifest["store"]:
            return self.store
        from assistant.index.store import ArrayStore

        return ArrayStore.load(self.folder / "embeddings.npy", list(self.passages))

    @property
    def store(self):
        """The Chroma collection, opened on first use."""
        if self._store is None:
            from assistant.index.store import VectorStore, chroma_client

            location = self.manifest["store"]
            client = chroma_client(
                self.folder / location["path"] if "path" in location else None,
                location.get("host", ""),
                int(location.get("port", 8000)),
            )
            self._store = VectorStore(client, self.manifest["collection"])
        return self._store

    @classmethod
    def open(cls, settings: Settings) -> Index:
        """Open the active build; IndexUnavailableError says what to run when it cannot."""
        from assistant.index.embedding import model_fingerprint

        folder = active_build(settings.index_dir)
        if folder is None:
            raise IndexUnavailableError(
                f"No index in {settings.index_dir}. Run `assistant ingest` to build it.",
            )
        if not is_complete(folder):
            raise IndexUnavailableError(
                f"The index in {settings.index_dir} is damaged ({folder.name} is incomplete). "
                "Run `assistant ingest` to rebuild it."
            )
        try:
            index = cls(folder, settings)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexUnavailableError(
                f"The index in {settings.index_dir} is damaged ({exc}). "
                "Run `assistant ingest` to rebuild it."
            ) from exc
        built_by = (index.manifest.get("analysis"), index.manifest.get("format"))
        if built_by != (analysis_fingerprint(), FORMAT_VERSION):
            raise IndexUnavailableError(
                f"The index in {settings.index_dir} was built by another version of the "
                "assistant. Run `assistant ingest` to rebuild it."
            )
        wanted = model_fingerprint(settings.model)
        if index.manifest["model_fingerprint"] != wanted:
            raise IndexUnavailableError(
                f"The index in {settings.index_dir} was built with model "
                f"{index.manifest['model']!r}, not {settings.model!r}. Run "
                f"`assistant ingest --model {settings.model}` to rebuild it for this model.",
                model_mismatch=True,
            )
        _check_readable(index)
        return index


def _check_readable(index: Index) -> None:
    """Load what a question reads (the vectors, the question encoder) and check they fit the
    passages, so that damage shows here as IndexUnavailableError, which `ask()` repairs by
    rebuilding, instead of as an exception in the middle of a question."""

    def damaged(detail: str) -> IndexUnavailableError:
        return IndexUnavailableError(
            f"The index in {index.settings.index_dir} is damaged ({detail}). "
            "Run `assistant ingest` to rebuild it."
        )

    try:
        count = index.vectors.count()
        dimension = index.embedder().dimension
        index.sentences  # noqa: B018 (loads and checks them against the passages)
        index.questions  # noqa: B018
        index.question_words  # noqa: B018
        index.unanswered_words  # noqa: B018
    except AssistantError:
        raise  # e.g. a Chroma server that cannot be reached: its own message says what to do
    except Exception as exc:  # numpy, onnxruntime and Chroma raise many types
        raise damaged(f"{type(exc).__name__}: {exc}") from exc
    if count != len(index.passages):
        raise damaged(f"{count} vectors for {len(index.passages)} passages")
    if dimension != index.manifest.get("dimension"):
        raise damaged(f"the encoder gives {dimension}-dimensional vectors")
