"""The questions written for each passage: loaded and checked against the passages' text,
embedded into the build, searched by meaning, carried in Chroma's node metadata, and kept
apart from the eval set."""

from __future__ import annotations

import copy
import difflib
import json
import logging
import platform
import re

import numpy as np
import pytest
from _retrain import retrain_from_tables
from rapidfuzz import fuzz, process

from assistant.analysis.text import words
from assistant.errors import CorpusError
from assistant.evaluation.dataset import load_items
from assistant.index.opened import Index
from assistant.index.question_vectors import QuestionVectors
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import load_pages
from assistant.ingest.site import load_site
from assistant.ingest.written import (
    METADATA_KEY,
    WrittenQuestion,
    load_unanswered,
    load_written,
    text_hash,
)
from assistant.resources import PROJECT_DIR
from assistant.retrieval.retriever import HybridRetriever

CORPUS = PROJECT_DIR / "corpus"
PAGE = """Skip to main content

Havrobotkontoret

Havrobotkontoret blev oprettet i 2031 i Thessaloniki og fordeler midler til ti projekter.

Ansøgninger skal være indsendt senest den 15. marts.
"""


def _corpus(tmp_path, questions: dict | str | None) -> tuple:
    (tmp_path / "havrobot.da.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "pages": [
                    {
                        "file": "havrobot.da.txt",
                        "page": "havrobot",
                        "language": "da",
                        "url": "https://example.eu/da/havrobot",
                        "title": "Havrobotkontoret",
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    if questions is not None:
        text = questions if isinstance(questions, str) else json.dumps(questions)
        (tmp_path / "havrobot.da.questions.json").write_text(text, encoding="utf-8")
    pages = load_pages(tmp_path)
    return pages, chunk_pages(pages)


def _entry(chunk, *questions, text_sha256=None):
    return {
        "id": chunk.id,
        "text_sha256": text_sha256 or text_hash(chunk.text),
        "questions": {"da": list(questions)},
    }


@pytest.mark.unit
def test_questions_of_a_passage_are_loaded_by_id_and_text_hash(tmp_path):
    pages, chunks = _corpus(tmp_path, None)
    first, deadline = chunks
    entries = [
        _entry(first, "Hvor holder kontoret til?", "Hvor holder kontoret til?"),
        _entry(deadline, "Sidste frist for at søge?"),
    ]
    _corpus(tmp_path, {"passages": entries})
    found = load_written(tmp_path, pages, chunks)
    assert found == [
        WrittenQuestion(first.id, "da", "Hvor holder kontoret til?"),  # once, not twice
        WrittenQuestion(deadline.id, "da", "Sidste frist for at søge?"),
    ]


@pytest.mark.unit
def test_every_authors_questions_file_is_loaded_and_each_author_is_a_training_fold(tmp_path):
    """A second author's file (`<page>.<author>.questions.json`) adds to the first; training
    holds one author's questions out at a time, so a question is judged against other
    people's wordings only; the unanswered questions likewise, file by file."""
    from assistant.answering.training import examples

    pages, chunks = _corpus(tmp_path, None)
    first, deadline = chunks
    _corpus(tmp_path, {"passages": [_entry(deadline, "Sidste frist for at søge?")]})
    second = {"passages": [_entry(deadline, "Hvornår lukker ansøgningerne?")]}
    (tmp_path / "havrobot.da.second.questions.json").write_text(json.dumps(second), "utf-8")
    third = {"passages": [_entry(deadline, "Til hvornår kan man søge?")]}
    (tmp_path / "havrobot.da.third.questions.json").write_text(json.dumps(third), "utf-8")
    for name, question in (("havrobot", "Hvad koster det?"), ("havrobot.second", "Løn?")):
        line = {"question": question, "language": "da", "kind": "not_on_page"}
        (tmp_path / f"{name}.unanswered.jsonl").write_text(json.dumps(line) + "\n", "utf-8")

    assert [q.text for q in load_written(tmp_path, pages, chunks)] == [
        "Sidste frist for at søge?",
        "Hvornår lukker ansøgningerne?",
        "Til hvornår kan man søge?",
    ]
    folds = {e.question: e.fold for e in examples(tmp_path)}
    assert folds == {
        "Sidste frist for at søge?": 0,
        "Hvornår lukker ansøgningerne?": 1,
        "Til hvornår kan man søge?": 2,
        "Hvad koster det?": 0,
        "Løn?": 1,
    }


@pytest.mark.unit
def test_with_one_author_the_questions_are_shuffled_into_both_folds(tmp_path):
    from assistant.answering.training import examples

    pages, chunks = _corpus(tmp_path, None)
    asked = [f"Spørgsmål nummer {n}?" for n in range(12)]
    _corpus(tmp_path, {"passages": [_entry(chunks[1], *asked)]})
    folds = [e.fold for e in examples(tmp_path)]
    assert sorted(set(folds)) == [0, 1] and folds.count(0) == 6


@pytest.mark.unit
def test_questions_of_a_reworded_passage_are_left_out_with_a_warning(tmp_path, caplog):
    pages, chunks = _corpus(tmp_path, None)
    first, deadline = chunks
    entries = [
        _entry(first, "Hvor holder kontoret til?", text_sha256=text_hash("what it used to say")),
        _entry(deadline, "Sidste frist for at søge?"),
    ]
    _corpus(tmp_path, {"passages": entries})
    with caplog.at_level(logging.WARNING):
        found = load_written(tmp_path, pages, chunks)
    assert [q.passage_id for q in found] == [deadline.id]
    assert first.id in caplog.text and "reworded" in caplog.text


@pytest.mark.unit
@pytest.mark.parametrize(
    "content",
    ["{not json", '{"passages": [{"id": "x"}]}', '{"passages": [{"id": "x", "questions": ["a"]}]}'],
)
def test_a_broken_questions_file_stops_ingestion_with_its_name(tmp_path, content):
    pages, chunks = _corpus(tmp_path, content)
    with pytest.raises(CorpusError, match="havrobot.da.questions.json: not a valid questions"):
        load_written(tmp_path, pages, chunks)


@pytest.mark.unit
def test_each_passage_scores_by_its_closest_written_question():
    questions = [
        WrittenQuestion("p/da/b1", "da", "a"),
        WrittenQuestion("p/da/b2", "da", "b"),
        WrittenQuestion("p/da/b1", "da", "c"),
    ]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]], dtype=np.float32)
    store = QuestionVectors(vectors, questions)
    best = store.best(np.array([0.0, 1.0], dtype=np.float32))
    assert best["p/da/b2"][0] == pytest.approx(1.0)
    assert best["p/da/b1"][0] == pytest.approx(0.8)
    assert store.questions[best["p/da/b1"][1]].text == "c"
    # a question left out (training judges a question as new) no longer counts
    best = store.best(np.array([0.0, 1.0], dtype=np.float32), exclude=frozenset({"c"}))
    assert best["p/da/b1"][0] == pytest.approx(0.0)
    assert store.questions[best["p/da/b1"][1]].text == "a"


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _near_any(asked: list[str], written: list[str], ratio: float = 0.85) -> set[int]:
    """Which of `asked` come within difflib `ratio` of any of `written`.

    difflib's ratio counts the characters of matching blocks, a common subsequence, so it
    never exceeds rapidfuzz's `fuzz.ratio` (the longest common subsequence over the same
    lengths): rapidfuzz, in C++ on every core, finds the few pairs that can reach `ratio`,
    and difflib decides those as before (over 6,000 asked against 8,700 written texts, the
    pure-difflib scan took five minutes of the suite)."""
    near: set[int] = set()
    if not asked or not written:
        return near
    cutoff = ratio * 100 - 1e-6  # never drop a pair difflib would keep
    for start in range(0, len(asked), 1000):
        block = asked[start : start + 1000]
        scores = process.cdist(
            block, written, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.float32, workers=-1
        )
        for row, col in zip(*np.nonzero(scores), strict=True):
            n = start + int(row)
            if n in near:
                continue
            matcher = difflib.SequenceMatcher(None, block[row], written[col])
            if matcher.ratio() >= ratio:
                near.add(n)
    return near


def _written_and_training_questions() -> list[str]:
    found = []
    for path in sorted(CORPUS.glob("*.questions.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["passages"]:
            found += [q for qs in entry["questions"].values() for q in qs]
    for path in sorted(CORPUS.glob("*.unanswered.jsonl")):
        found += [json.loads(line)["question"] for line in path.read_text("utf-8").splitlines()]
    return found


@pytest.mark.unit
@pytest.mark.unit
def test_a_near_duplicate_is_found_and_a_different_question_is_not():
    written = ["hvornår er fristen for interessetilkendegivelser", "hvad er ai pagten"]
    asked = [
        "hvornaar er fristen for interessetilkendegivelser",  # one letter apart
        "hvem leder ai kontoret",
        "hvad er ai pagten",
        "",
    ]
    assert _near_any(asked, written) == {0, 2}


def test_no_eval_question_is_a_near_duplicate_of_a_written_or_training_question():
    """Written questions and training questions come from the page, never from eval/: a copy
    would make the eval measure memory. Item ids only are reported (the test split is
    sealed)."""
    written = [_normalised(q) for q in _written_and_training_questions()]
    assert len(written) > 1000
    asked = [
        (item.id, _normalised(text))
        for item in load_items()
        for text in (item.question, *item.history)
    ]
    copied = sorted({asked[n][0] for n in _near_any([text for _, text in asked], written)})
    assert copied == []


@pytest.mark.unit
def test_the_subject_is_named_alike_in_answered_and_unanswered_questions():
    """How a question names the site's subject must not tell answered from unanswered: the
    trained model reads the nearest written questions, so a naming form that only one side
    uses becomes a verdict (Polish "Biuro ds. AI" was in 0.45 of the unanswered questions and
    0.04 of the answered, and a question naming it so was refused). For every word that only
    names the subject (`site.json`), its share among each language's answered and unanswered
    questions differ by at most 0.2."""
    site = load_site(CORPUS)
    pages = load_pages(CORPUS)
    answered = load_written(CORPUS, pages, chunk_pages(pages))
    unanswered = [q for q in load_unanswered(CORPUS) if q.passage_id == "not_on_page"]
    apart = {}
    for language, subject in site.subject_words.items():
        sides = [
            [{w.lower() for w in words(q.text)} for q in group if q.language == language]
            for group in (answered, unanswered)
        ]
        if not all(sides):
            continue
        for word in subject:
            shares = [sum(word in held for held in side) / len(side) for side in sides]
            apart[language, word] = round(abs(shares[0] - shares[1]), 3)
    assert {language for language, _ in apart} == {"da", "pl", "en"}
    assert {key: gap for key, gap in apart.items() if gap > 0.2} == {}


@pytest.mark.unit
def test_every_passage_of_the_shipped_pages_has_its_questions():
    pages = load_pages(CORPUS)
    chunks = chunk_pages(pages)
    found = load_written(CORPUS, pages, chunks)
    by_passage: dict[str, int] = {}
    for question in found:
        by_passage[question.passage_id] = by_passage.get(question.passage_id, 0) + 1
    assert set(by_passage) == {c.id for c in chunks}  # none stale, none missing
    assert sum(by_passage.values()) / len(chunks) >= 8
    assert {q.language for q in found} == {"da", "pl", "en"}


def test_the_build_searches_the_written_questions_and_chroma_carries_them(settings):
    index = Index.open(settings)
    assert len(index.questions) == index.manifest["written_questions"] > 600
    retriever = HybridRetriever(index, index.embedder())
    hits = retriever.retrieve("Hvem holder øje med AI-pagten?", "da", k=3)
    pact = next(h for h in hits if h.chunk.id == "ai-office/da/b027")
    assert pact.written > 0.85 and pact.written_question
    assert pact.written_question in index.questions.passage_questions(
        "ai-office/da/b027"
    ) + index.questions.passage_questions("ai-office/pl/b027")
    node = index.store._collection.get(ids=["ai-office/da/b027"], include=["metadatas"])
    stored = node["metadatas"][0][METADATA_KEY].split("\n")
    assert stored == index.questions.passage_questions("ai-office/da/b027")


def test_the_shipped_model_is_rebuilt_from_its_table(tmp_path):
    """Bit for bit under the numeric kernels the model records; under other kernels (another
    CPU's BLAS code), the same decisions on every row it learned from, every number else the
    same, and coefficients equal to the last bits of rounding."""
    from assistant.answering.kernels import numeric_kernels
    from assistant.answering.learned import MODEL_FILE
    from assistant.answering.training import TABLE_FILE, read_table, table_digest

    out, _ = retrain_from_tables(tmp_path)
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rebuilt = json.loads(out.read_text(encoding="utf-8"))
    rows = read_table(TABLE_FILE)
    assert shipped["table_sha256"] == table_digest(rows)
    assert rebuilt["fitted_under"] == numeric_kernels()
    if shipped["fitted_under"] == rebuilt["fitted_under"]:
        assert out.read_bytes() == MODEL_FILE.read_bytes()
    else:
        _assert_same_model_to_rounding(shipped, rebuilt, rows)


@pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="Nehalem is an x86-64 kernel"
)
def test_a_rebuild_under_another_cpus_blas_code_records_it_and_decides_the_same(tmp_path):
    """OpenBLAS told to run an older CPU's code (as another machine would pick its own):
    the model says so, and it is the shipped model to rounding."""
    from assistant.answering.learned import MODEL_FILE
    from assistant.answering.training import TABLE_FILE, read_table

    out, _ = retrain_from_tables(tmp_path, OPENBLAS_CORETYPE="Nehalem")
    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rebuilt = json.loads(out.read_text(encoding="utf-8"))
    assert all(kernel.endswith(" Nehalem") for kernel in rebuilt["fitted_under"]["blas"])
    assert rebuilt["fitted_under"] != shipped["fitted_under"]
    _assert_same_model_to_rounding(shipped, rebuilt, read_table(TABLE_FILE))


FITTED_NUMBERS = ("mean", "scale", "coef", "intercept")


def _assert_same_model_to_rounding(shipped: dict, rebuilt: dict, rows: list[dict]) -> None:
    from assistant.answering.learned import LearnedAnswerability

    def rest(model):
        return {k: v for k, v in model.items() if k not in (*FITTED_NUMBERS, "fitted_under")}

    assert rest(rebuilt) == rest(shipped)  # features, classes, counts, cross-validation
    # Another CPU's kernels round differently, and the solver carries that through its
    # iterations: on the six authors' table (7,864 rows) OpenBLAS's Nehalem code moved a
    # coefficient by 3.5e-10 (1.3e-8 relative), with every row's verdict the same. A moved
    # model (the intercept by 1e-6) is still far outside this.
    for key in FITTED_NUMBERS:
        np.testing.assert_allclose(rebuilt[key], shipped[key], rtol=1e-7, atol=1e-9)
    before = LearnedAnswerability.from_dict(shipped)
    after = LearnedAnswerability.from_dict(rebuilt)
    for row in rows:
        assert after.verdict(row["features"]) == before.verdict(row["features"]), row["question"]


def test_a_rebuild_under_other_kernels_is_held_to_the_same_decisions():
    """The comparison used under other kernels fails when a decision or a coefficient moves."""
    from assistant.answering.learned import MODEL_FILE
    from assistant.answering.training import TABLE_FILE, read_table

    shipped = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rows = read_table(TABLE_FILE)[:400]
    _assert_same_model_to_rounding(shipped, copy.deepcopy(shipped), rows)
    nudged = copy.deepcopy(shipped)
    nudged["coef"][0][0] *= 1 + 1e-13  # what another CPU's kernels do: still the same model
    _assert_same_model_to_rounding(shipped, nudged, rows)
    moved = copy.deepcopy(shipped)
    moved["intercept"][0] += 1e-6
    with pytest.raises(AssertionError):
        _assert_same_model_to_rounding(shipped, moved, rows)
    recounted = copy.deepcopy(shipped)
    recounted["cross_validated"]["confusion"]["answered"]["answered"] -= 1
    with pytest.raises(AssertionError):
        _assert_same_model_to_rounding(shipped, recounted, rows)


def test_training_features_come_from_the_real_pipeline_with_the_question_held_out(tmp_path):
    """Two questions per fold (one per author), asked of an index built without them: every
    feature is there, and a written question's own text is not among the build's written
    questions."""
    from assistant.answering.features import FEATURES
    from assistant.answering.training import examples, feature_table

    rows = feature_table(CORPUS, tmp_path, limit=2, progress=False)
    folds = sorted({e.fold for e in examples(CORPUS)})
    authors = len(sorted(CORPUS.glob("ai-office.da*.questions.json")))
    assert authors >= 2 and folds == list(range(authors))  # one fold per author's files
    assert len(rows) == 2 * len(folds)
    assert all(set(row["features"]) == set(FEATURES) for row in rows)
    # the last build is the last fold's
    held_out = {e.question for e in examples(CORPUS) if e.fold == folds[-1]}
    index = Index(sorted((tmp_path / "index" / "builds").iterdir())[-1], _settings(tmp_path))
    kept = {q.text for q in index.questions.questions}
    assert not (held_out & {r["question"] for r in rows} & kept)
    # the questions written as not on the pages are held out the same way
    negatives = {q.text for q in index.unanswered.questions}
    assert len(negatives) > 500
    assert not (held_out & {r["question"] for r in rows} & negatives)


def test_a_question_close_to_one_the_pages_do_not_answer_says_so_in_its_features(settings):
    """The unanswered questions are searched like the written ones: asked verbatim, one
    comes back at cosine 1 as "not on the pages", and the written questions trail it."""
    from assistant.api import ask

    index = Index.open(settings)
    asked = next(q for q in index.unanswered.questions if q.passage_id == "not_on_page")
    features = ask(asked.text).trace.features
    if features:  # the rules may refuse it before the model is asked
        assert features["not_on_page_cosine"] == pytest.approx(1.0, abs=1e-3)
        assert features["written_over_unanswered"] < 0
    best = index.unanswered.best(index.embedder().encode_queries([asked.text])[0])
    assert best["not_on_page"][0] == pytest.approx(1.0, abs=1e-3)
    assert index.unanswered.questions[best["not_on_page"][1]].text == asked.text


def _settings(tmp_path):
    from assistant.settings import Settings

    return Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")


def test_the_nearest_labelled_questions_vote_with_the_nearer_weighing_more():
    """`answered_nearby`: of the questions nearest to the asked one, the share written as
    answered, each weighed by how close it is; one neighbourhood per size of NEAREST."""
    from assistant.index.question_vectors import NEAREST, answered_nearby

    def unit(*xs):
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    answered = QuestionVectors(
        np.stack([unit(1, 0, 0), unit(1, 0, 0.1)]),
        [WrittenQuestion("p1", "da", "a1"), WrittenQuestion("p1", "da", "a2")],
    )
    unanswered = QuestionVectors(
        np.stack([unit(0, 1, 0), unit(0, 1, 0.1), unit(0, 0, 1)]),
        [
            WrittenQuestion("not_on_page", "da", "n1"),
            WrittenQuestion("not_on_page", "da", "n2"),
            WrittenQuestion("out_of_scope", "da", "o1"),
        ],
    )
    near_answered = answered_nearby(unit(1, 0.05, 0), answered, unanswered)
    near_unanswered = answered_nearby(unit(0.05, 1, 0), answered, unanswered)
    assert len(near_answered) == len(NEAREST)
    # the two answered questions are nearest and far nearer than the rest: nearly all weight
    assert all(share > 0.99 for share in near_answered)
    assert all(share < 0.01 for share in near_unanswered)
    # as near to the answered as to the unanswered ones: half each
    halfway = answered_nearby(unit(1, 1, 0), answered, unanswered)
    assert halfway[0] == pytest.approx(0.5, abs=1e-6)
    nothing = QuestionVectors(np.zeros((0, 3), dtype=np.float32), [])
    assert answered_nearby(unit(1, 0, 0), nothing, nothing) == ()


def test_a_question_asked_as_written_reads_its_own_label_in_the_neighbourhood(settings):
    """Asked verbatim, a written question is its own nearest neighbour (cosine 1, the most
    weight): its neighbourhood reads answered for one written for a passage, not for one
    written as not on the pages; the trained model reads these shares as features."""
    from assistant.api import ask
    from assistant.index.question_vectors import answered_nearby

    index = Index.open(settings)
    encode = index.embedder().encode_queries
    written = next(q for q in index.questions.questions if q.language == "da")
    unanswered = next(q for q in index.unanswered.questions if q.passage_id == "not_on_page")
    as_answered = answered_nearby(encode([written.text])[0], index.questions, index.unanswered)
    as_unanswered = answered_nearby(encode([unanswered.text])[0], index.questions, index.unanswered)
    assert as_answered[0] > 0.7 > 0.3 > as_unanswered[0]
    features = ask(written.text).trace.features
    assert features["answered_nearest_5"] == pytest.approx(as_answered[0], abs=1e-3)
