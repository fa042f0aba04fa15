"""The shape of an answer (list, overview, prose), on tiny inline pages and on the real one."""

from __future__ import annotations

import dataclasses

import pytest

from assistant import ask
from assistant.answering.arrangement import MAX_ITEMS, arrange, asks_for, list_items
from assistant.ingest.chunking import Chunk
from assistant.retrieval.retriever import Hit

LEAD = "Kontoret hjælper ved at:"


def _chunk(block: int, text: str, item: int | None = None, context: str = "", position=0):
    suffix = f"b{block:03d}" + (f".{item:02d}" if item is not None else "")
    return Chunk(
        id=f"p/da/{suffix}",
        page="p",
        language="da",
        url="https://example.org/p",
        title="P",
        section="S",
        position=position,
        block=block,
        item=item,
        text=text,
        context=context,
    )


def _page(n_items: int) -> dict[str, Chunk]:
    chunks = [
        _chunk(1, "Kontoret blev oprettet af Kommissionen. Det ligger i Bruxelles.", position=0),
        _chunk(2, LEAD, position=1),
    ]
    chunks += [
        _chunk(3, f"Opgave nummer {i}", item=i, context=LEAD, position=2 + i)
        for i in range(n_items)
    ]
    chunks.append(_chunk(4, "Pagten samler virksomheder.", position=2 + n_items))
    return {c.id: c for c in chunks}


def _hit(chunk: Chunk, score: float, coverage: float = 1.0) -> Hit:
    return Hit(chunk, score, coverage, 0.5, (), 1.0)


@pytest.mark.unit
def test_list_items_are_found_from_an_item_and_from_the_lead_in():
    passages = _page(3)
    ids = ["p/da/b003.00", "p/da/b003.01", "p/da/b003.02"]
    assert [c.id for c in list_items(passages["p/da/b002"], passages)] == ids
    assert [c.id for c in list_items(passages["p/da/b003.01"], passages)] == ids
    assert list_items(passages["p/da/b001"], passages) == []


@pytest.mark.unit
def test_a_lead_in_never_stands_alone():
    passages = _page(3)
    lead = passages["p/da/b002"]
    arranged = arrange("Hvad gør kontoret?", "da", [(lead, LEAD, 1.0)], [_hit(lead, 1.0)], passages)
    assert arranged.format == "list"
    assert [p.kind for p in arranged.parts] == ["lead", "item", "item", "item"]
    assert [p.chunk.id for p in arranged.parts][1:] == [f"p/da/b003.0{i}" for i in range(3)]
    assert arranged.more_items == 0


@pytest.mark.unit
def test_a_long_list_shows_its_most_relevant_items_in_page_order_and_counts_the_rest():
    passages = _page(MAX_ITEMS + 3)
    lead = passages["p/da/b002"]
    # Items 8 and 2 were retrieved; the rest were not.
    ranked = [
        _hit(lead, 1.0),
        _hit(passages["p/da/b003.08"], 0.9),
        _hit(passages["p/da/b003.02"], 0.8),
    ]
    arranged = arrange("Hvilke opgaver?", "da", [(lead, LEAD, 1.0)], ranked, passages)
    items = [p.chunk.item for p in arranged.parts if p.kind == "item"]
    assert len(items) == MAX_ITEMS
    assert 8 in items and 2 in items
    assert items == sorted(items)
    assert arranged.more_items == 3


@pytest.mark.unit
def test_several_things_asked_and_the_list_leading_the_hits_gives_the_list():
    passages = _page(3)
    first, second = passages["p/da/b003.01"], passages["p/da/b003.02"]
    ranked = [_hit(first, 1.0), _hit(second, 0.9), _hit(passages["p/da/b004"], 0.5)]
    chosen = [(first, first.text, 1.0)]
    assert arrange("Hvilke opgaver har kontoret?", "da", chosen, ranked, passages).format == "list"
    # The same hits for a question about one thing: the item alone, as prose.
    alone = arrange("Hvem gør det?", "da", chosen, ranked, passages)
    assert alone.format == "text"
    assert [p.chunk.id for p in alone.parts] == [first.id]


@pytest.mark.unit
def test_an_overview_keeps_page_order_and_the_sentence_a_reference_needs():
    passages = _page(2)
    intro, pact = passages["p/da/b001"], passages["p/da/b004"]
    chosen = [(intro, "Det ligger i Bruxelles.", 1.0)]
    ranked = [_hit(intro, 1.0), _hit(pact, 0.9), _hit(passages["p/da/b003.00"], 0.9)]
    arranged = arrange("Hvad er kontoret?", "da", chosen, ranked, passages)
    assert arranged.format == "overview"
    assert [p.sentence for p in arranged.parts] == [
        "Kontoret blev oprettet af Kommissionen.",  # the sentence before the chosen one, first
        "Det ligger i Bruxelles.",
        "Pagten samler virksomheder.",  # another passage that matches as well; no list item
    ]
    # A passage that matches much worse stays out.
    weak = [_hit(intro, 1.0), _hit(pact, 0.2)]
    assert len(arrange("Hvad er kontoret?", "da", chosen, weak, passages).parts) == 2


@pytest.mark.unit
def test_a_when_question_is_not_an_overview():
    passages = _page(2)
    intro = passages["p/da/b001"]
    chosen = [(intro, "Kontoret blev oprettet af Kommissionen.", 1.0)]
    arranged = arrange("Hvad er datoen?", "da", chosen, [_hit(intro, 1.0)], passages)
    assert arranged.format == "text"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("shape", "question", "language", "expected"),
    [
        ("several", "Hvilke opgaver har kontoret?", "da", True),
        ("several", "Jakie zadania ma urząd?", "pl", True),
        ("several", "Hvornår er fristen?", "da", False),
        ("overview", "Czym jest pakt?", "pl", True),
        ("overview", "What does the Office do?", "en", True),
        ("overview", "Hvornår er fristen?", "da", False),
    ],
)
def test_question_shapes_come_from_each_language_own_words(shape, question, language, expected):
    assert asks_for(shape, question, language) is expected


# The real page, in Danish and Polish.


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Hvad er AI-kontorets opgaver?", "da"),
        ("Jakie zadania ma Urząd ds. AI?", "pl"),
    ],
)
def test_a_task_question_is_answered_with_the_list_and_each_item_cited(
    settings, question, language
):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained
    assert answer.format == "list"
    assert answer.citations[0].quote.endswith(":")  # the lead-in first ...
    items = answer.citations[1:]
    assert len(items) >= 3  # ... then its items, each its own cited passage
    assert all(
        c.passage_id.startswith(f"ai-office/{language}/b0") and "." in c.passage_id for c in items
    )
    assert len({c.passage_id.split(".")[0] for c in items}) == 1  # one list
    for number, citation in enumerate(items, start=2):
        assert f"- {citation.quote} [{number}]" in answer.text
    assert answer.items == [f"{c.quote} [{c.number}]" for c in items]
    assert answer.to_dict()["format"] == "list"


@pytest.mark.parametrize(
    "question",
    ["Hvad er AI-kontorets opgaver?", "Jakie zadania ma Urząd ds. AI?", "Hvad gør AI-kontoret?"],
)
def test_no_answer_ends_on_a_lead_in(settings, question):
    answer = ask(question, settings=settings)
    last_line = answer.text.splitlines()[-1]
    assert not last_line.rstrip().rstrip("]0123456789[ ").endswith(":")


@pytest.mark.parametrize(
    ("question", "language"),
    [("Hvad er AI-kontorets rolle?", "da"), ("Czym zajmuje się Urząd ds. AI?", "pl")],
)
def test_an_overview_cites_several_passages_in_page_order(settings, question, language):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained
    assert answer.format == "overview"
    ids = [c.passage_id for c in answer.citations]
    assert len(set(ids)) >= 2
    assert ids == sorted(ids)  # block order is page order
    assert f"ai-office/{language}/b002" in ids  # the page's own description of the Office


@pytest.mark.unit
def test_a_question_about_a_lists_heading_gets_the_list():
    passages = _page(3)
    item = passages["p/da/b003.01"]
    # The section of every inline passage is "S": name the heading the list stands under.
    item = dataclasses.replace(item, section="Kontorets opgaver")
    heading = Hit(item, 1.0, 1.0, 0.5, ("kontor", "opgav"), 1.0)
    chosen = [(item, item.text, 1.0)]
    assert arrange("Hvad er kontorets opgaver?", "da", chosen, [heading], passages).format == "list"
    # A question about one thing in the section is answered by that thing alone.
    narrow = Hit(item, 1.0, 1.0, 0.5, ("kontor", "opgav", "overtrædels"), 1.0)
    assert arrange("Hvad er ...?", "da", chosen, [narrow], passages).format != "list"
