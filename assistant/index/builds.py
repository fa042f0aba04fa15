"""Building the index: passages, vectors and BM25, written as a new build, switched in atomically.

A build is written under a temporary name beside the active one and renamed when complete;
only then does ACTIVE switch (`assistant.index.layout` describes the folder). A crash
mid-build leaves the previous index whole. The build id hashes the corpus and the model, so
re-ingesting an unchanged corpus finds the build it already has and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.errors import IndexBusyError, IndexUnavailableError
from assistant.index.layout import (
    FORMAT_VERSION,
    active_build,
    analysis_fingerprint,
    is_complete,
    read_passages,
    switch_active,
)
from assistant.index.lexical import LexicalIndex
from assistant.index.opened import Index
from assistant.index.question_vectors import UNANSWERED, QuestionVectors, embed_questions
from assistant.index.question_words import UNANSWERED_WORDS, QuestionWords
from assistant.index.sentences import SentenceVectors, embed_sentences, passage_sentences
from assistant.index.vector_cache import PASSAGE, QUERY, VectorCache
from assistant.ingest.chunking import Chunk, chunk_pages
from assistant.ingest.corpus import corpus_fingerprint, language_warnings, load_pages
from assistant.ingest.written import files_fingerprint, load_unanswered, load_written
from assistant.settings import Settings

LOCK_TIMEOUT_S = 600


@dataclass(frozen=True)
class BuildReport:
    """What an ingestion did."""

    build_id: str
    changed: bool
    passages: int
    languages: dict[str, int]
    reused_embeddings: int
    seconds: float
    path: Path
    # What this project does not know of a page language (`language_warnings`).
    warnings: tuple[str, ...] = ()

    @property
    def embedded(self) -> int:
        """Passages whose vectors were computed by this build (not reused by text hash)."""
        return self.passages - self.reused_embeddings if self.changed else 0


def build_id_for(corpus_fp: str, model_fp: str, settings: Settings) -> str:
    store = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else "local"
    key = (
        f"{FORMAT_VERSION}|{analysis_fingerprint()}|{corpus_fp}|{model_fp}|{store}|"
        f"{settings.passage_prefix}"
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _lock(settings: Settings, timeout: float):
    from filelock import FileLock

    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.index_dir / ".lock"), timeout=timeout)


def ingest(
    settings: Settings | None = None,
    progress: bool = False,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> BuildReport:
    """Build the index from the corpus, or do nothing when it is already up to date.

    Raises CorpusError (before touching anything) when the corpus is bad, and IndexBusyError
    when another ingestion holds the lock past `lock_timeout` seconds.
    """
    from filelock import Timeout

    from assistant.index.embedding import get_embedder, model_fingerprint

    settings = settings or Settings.from_env()
    started = time.perf_counter()
    pages = load_pages(settings.corpus_dir)
    warnings = language_warnings(pages)
    chunks = chunk_pages(pages)
    written = load_written(settings.corpus_dir, pages, chunks)
    model_fp = model_fingerprint(settings.model)
    corpus_fp = corpus_fingerprint(pages) + files_fingerprint(settings.corpus_dir, pages)
    build_id = build_id_for(corpus_fp, model_fp, settings)
    try:
        with _lock(settings, lock_timeout):
            current = active_build(settings.index_dir)
            # Up to date only if it is also whole: a damaged build of the same corpus is
            # rebuilt (the damage message says to run `assistant ingest` for exactly this),
            # without carrying its encoder graph over.
            repairing = current is not None and current.name == build_id
            if repairing and _looks_whole(current, settings):
                return _report(build_id, False, chunks, 0, started, current, warnings)
            builds = settings.index_dir / "builds"
            partial = builds / f"{build_id}.partial-{os.getpid()}"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir(parents=True)

            embedder = _onnx_embedder(
                settings, partial, None if repairing else current, model_fp
            ) or get_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
            cache = VectorCache.for_embedder(settings.vector_cache_dir, embedder)
            encode_passages = cache.encoding(
                lambda texts: embedder.encode_passages(texts, show_progress=progress), PASSAGE
            )
            embeddings, reused = _embed(chunks, encode_passages, embedder, current, cache)
            sentence_vectors, counts, _ = embed_sentences(
                [c.text for c in chunks], encode_passages, _previous_sentences(embedder, current)
            )
            SentenceVectors(sentence_vectors, counts, [c.id for c in chunks]).save(partial, counts)
            questions = QuestionVectors(
                embed_questions(
                    written,
                    cache.encoding(
                        _in_batches(embedder.encode_queries, "written questions", progress), QUERY
                    ),
                    _previous_questions(embedder, current),
                    embeddings.shape[1],
                ),
                written,
            )
            questions.save(partial)
            question_words = QuestionWords.fit([q.text for q in questions.questions])
            question_words.save(partial)
            unanswered = load_unanswered(settings.corpus_dir)
            unanswered_vectors = QuestionVectors(
                embed_questions(
                    unanswered,
                    cache.encoding(
                        _in_batches(embedder.encode_queries, "unanswered questions", progress),
                        QUERY,
                    ),
                    _previous_questions(embedder, current, UNANSWERED),
                    embeddings.shape[1],
                ),
                unanswered,
            )
            unanswered_vectors.save(partial, UNANSWERED)
            # in the unanswered questions' row order, with the written questions' n-grams
            question_words.of([q.text for q in unanswered_vectors.questions]).save(
                partial, UNANSWERED_WORDS
            )
            _write_build(partial, build_id, chunks, embeddings, settings, model_fp, questions)

            final = builds / build_id
            shutil.rmtree(final, ignore_errors=True)
            os.replace(partial, final)
            switch_active(settings.index_dir, build_id)
            _remove_old_builds(builds, keep=build_id, settings=settings)
            return _report(build_id, True, chunks, reused, started, final, warnings)
    except Timeout as exc:
        raise IndexBusyError(
            f"Another ingestion is running on {settings.index_dir} (lock held for over "
            f"{lock_timeout:.0f} s). Wait for it to finish, then try again."
        ) from exc


def _report(build_id, changed, chunks, reused, started, path, warnings=()) -> BuildReport:
    languages: dict[str, int] = {}
    for chunk in chunks:
        languages[chunk.language] = languages.get(chunk.language, 0) + 1
    seconds = time.perf_counter() - started
    return BuildReport(
        build_id, changed, len(chunks), languages, reused, seconds, path, tuple(warnings)
    )


def _reusable_passages(embedder, current: Path | None) -> list[Chunk]:
    """The active build's passages when its vectors can be reused: it is whole and was
    built by the same model; [] otherwise."""
    if current is None or not is_complete(current):
        return []
    try:
        manifest = json.loads((current / "index.json").read_text("utf-8"))
        if manifest["model_fingerprint"] != embedder_fingerprint(embedder):
            return []
        return read_passages(current)
    except (OSError, ValueError, KeyError):
        return []


def _in_batches(encode, what: str, progress: bool, batch: int = 256):
    """`encode` over batches of texts, with a progress bar when `progress`: thousands of
    written questions take the better part of a minute (the vectors are the same bits in
    any batch)."""

    def encode_all(texts: list[str]) -> np.ndarray:
        from tqdm import tqdm

        parts = []
        with tqdm(
            total=len(texts), desc=f"Embedding {what}", unit="question", disable=not progress
        ) as bar:
            for start in range(0, len(texts), batch):
                parts.append(np.asarray(encode(texts[start : start + batch]), dtype=np.float32))
                bar.update(len(parts[-1]))
        return np.concatenate(parts)  # never empty: `embed_questions` encodes only what is missing

    return encode_all


def _embed(chunks: list[Chunk], encode_passages, embedder, current: Path | None, cache):
    """Vectors for all passages, reusing those of unchanged passages from the active build
    (and those `cache`, behind `encode_passages`, holds); with how many were not encoded."""
    previous: dict[str, np.ndarray] = {}
    old = _reusable_passages(embedder, current)
    if old:
        try:
            vectors = np.load(current / "embeddings.npy")
            previous = {_text_key(c): v for c, v in zip(old, vectors, strict=True)}
        except (OSError, ValueError):
            previous = {}
    missing = [c for c in chunks if _text_key(c) not in previous]
    dimension = next(iter(previous.values())).shape[0] if previous else embedder.dimension
    hits = cache.hits
    fresh = (
        encode_passages([c.search_text for c in missing])
        if missing
        else np.zeros((0, dimension), dtype=np.float32)
    )
    from_cache = cache.hits - hits
    new = {_text_key(c): v for c, v in zip(missing, fresh, strict=True)}
    vectors = np.stack([previous.get(_text_key(c), new.get(_text_key(c))) for c in chunks])
    return vectors.astype(np.float32), len(chunks) - len(missing) + from_cache


def _previous_sentences(embedder, current: Path | None) -> dict[str, np.ndarray]:
    """Sentence -> vector from the active build, when it was built by the same model."""
    old = _reusable_passages(embedder, current)
    if not old:
        return {}
    try:
        vectors = SentenceVectors.load(current, [c.id for c in old])
        return {
            sentence: vector
            for chunk in old
            for sentence, vector in zip(
                passage_sentences(chunk.text), vectors.vectors_of(chunk.id), strict=True
            )
        }
    except (OSError, ValueError, KeyError):
        return {}


def _previous_questions(
    embedder, current: Path | None, name: str = "questions"
) -> dict[str, np.ndarray]:
    """Written question -> vector from the active build, when it was built by the same model."""
    if not _reusable_passages(embedder, current):
        return {}
    try:
        return QuestionVectors.load(current, name).by_text()
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _onnx_embedder(settings: Settings, folder: Path, current: Path | None, model_fp: str):
    """An embedder that encodes with the model's ONNX graph, written into the new build (or
    linked from the current build, when that has one of the same model); None when the model
    cannot be converted, and sentence-transformers encodes."""
    from assistant.index.embedding import GRAPH_NAME, Embedder, convert_model
    from assistant.index.encoder import is_converted

    graph = None
    if current is not None and is_converted(current / GRAPH_NAME):
        try:
            manifest = json.loads((current / "index.json").read_text("utf-8"))
            if manifest["model_fingerprint"] == model_fp:
                for suffix in (".json", ""):  # the graph last: it marks the pair complete
                    os.link(current / f"{GRAPH_NAME}{suffix}", folder / f"{GRAPH_NAME}{suffix}")
                graph = folder / GRAPH_NAME
        except (OSError, ValueError, KeyError):
            graph = None
    graph = graph or convert_model(settings.model, folder)
    if graph is None:
        return None
    return Embedder(settings.model, settings.query_prefix, settings.passage_prefix, graph)


def embedder_fingerprint(embedder) -> str:
    from assistant.index.embedding import model_fingerprint

    return model_fingerprint(embedder.model_name)


def _text_key(chunk: Chunk) -> str:
    return hashlib.sha256(chunk.search_text.encode()).hexdigest()


def _write_build(
    folder, build_id, chunks, embeddings, settings: Settings, model_fp, questions
) -> None:
    from assistant.index.store import VectorStore, chroma_client, forget_client

    (folder / "passages.json").write_text(
        json.dumps([asdict(c) for c in chunks], ensure_ascii=False), "utf-8"
    )
    np.save(folder / "embeddings.npy", embeddings)
    by_language: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_language.setdefault(chunk.language, []).append(chunk)
    for language, group in by_language.items():
        LexicalIndex.build(language, [c.id for c in group], [c.search_text for c in group]).save(
            folder / "lexical" / language
        )

    collection = f"assistant-{build_id}"
    if not settings.chroma_host:
        forget_client(folder / "chroma")
    client = chroma_client(
        None if settings.chroma_host else folder / "chroma",
        settings.chroma_host,
        settings.chroma_port,
    )
    if settings.chroma_host:  # a leftover from a crashed build of the same id
        try:
            client.delete_collection(collection)
        except Exception:
            pass
    store = VectorStore(client, collection, create=True)
    written: dict[str, list[str]] = {}
    for question in questions.questions:
        written.setdefault(question.passage_id, []).append(question.text)
    store.add(chunks, embeddings, written)

    manifest = {
        "format": FORMAT_VERSION,
        "build_id": build_id,
        "corpus_dir": str(settings.corpus_dir),
        "model": settings.model,
        "model_fingerprint": model_fp,
        "analysis": analysis_fingerprint(),
        "dimension": int(embeddings.shape[1]),
        "store": {"host": settings.chroma_host, "port": settings.chroma_port}
        if settings.chroma_host
        else {"path": "chroma"},
        "collection": collection,
        "passages": len(chunks),
        "written_questions": len(questions),
        "languages": sorted(by_language),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    # The manifest is written last: its presence marks the build complete.
    (folder / "index.json").write_text(json.dumps(manifest, indent=2), "utf-8")


def _looks_whole(folder: Path, settings: Settings) -> bool:
    """Whether the active build `folder` can stay as it is: it opens for questions, and its
    Chroma store (the store of record) is sound, checked read-only with sqlite: Chroma
    writes to its files whenever it opens them, and an up-to-date ingestion changes nothing."""
    try:
        index = Index.open(settings)
    except IndexUnavailableError:
        return False
    location = index.manifest["store"]
    if "path" not in location:
        return True  # a Chroma server: nothing on disk to check
    sqlite = folder / location["path"] / "chroma.sqlite3"
    if not sqlite.is_file():
        return False
    try:
        uri = f"{sqlite.as_uri()}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            healthy = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            names = {row[0] for row in db.execute("SELECT name FROM collections")}
    except sqlite3.Error:
        return False
    return healthy and index.manifest["collection"] in names


def _remove_old_builds(builds: Path, keep: str, settings: Settings) -> None:
    for folder in builds.iterdir():
        if folder.name == keep:
            continue
        if ".partial-" in folder.name and _pid_alive(folder.name.rsplit("-", 1)[-1]):
            continue
        if settings.chroma_host and is_complete(folder):
            _drop_server_collection(folder, settings)
        shutil.rmtree(folder, ignore_errors=True)


def _drop_server_collection(folder: Path, settings: Settings) -> None:
    from assistant.index.store import chroma_client

    try:
        manifest = json.loads((folder / "index.json").read_text("utf-8"))
        chroma_client(None, settings.chroma_host, settings.chroma_port).delete_collection(
            manifest["collection"]
        )
    except Exception:
        pass  # an old collection that is already gone is fine


def _pid_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
