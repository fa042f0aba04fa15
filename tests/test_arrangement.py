"""The shape of an answer (list, overview, prose), on tiny inline pages and on the real one."""

from __future__ import annotations

import dataclasses

import pytest

from assistant import ask
from assistant.answering.arrangement import MAX_ITEMS, arrange, asks_for
from assistant.answering.enumeration import ENUMERATION_MARGIN, enumerates
from assistant.answering.lists import list_items
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


def _paragraph_then_list(text: str, lead_text: str, n_items: int):
    """A paragraph, then a lead-in with `n_items` items: (paragraph, lead-in, passages)."""
    other = _chunk(1, text, position=0)
    lead = _chunk(2, lead_text, position=1)
    items = [
        _chunk(3, f"Opgave nummer {i}", item=i, context=lead_text, position=2 + i)
        for i in range(n_items)
    ]
    return other, lead, {c.id: c for c in [other, lead, *items]}


def _hit(chunk: Chunk, score: float, coverage: float = 1.0, cosines=()) -> Hit:
    return Hit(chunk, score, coverage, 0.5, (), 1.0, sentence_cosines=tuple(cosines))


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
def test_a_sentence_that_refers_back_is_quoted_after_the_sentences_it_refers_to():
    text = "Kontoret blev oprettet af Kommissionen. Det ligger i Bruxelles. Den har mange ansatte."
    office = _chunk(1, text)
    passages = {office.id: office}
    chosen = [(office, "Den har mange ansatte.", 1.0)]
    arranged = arrange("Hvor mange ansatte har det?", "da", chosen, [_hit(office, 1.0)], passages)
    assert arranged.format == "text"
    # "Den" is the office, named two sentences before: both come first, in page order.
    assert [p.sentence for p in arranged.parts] == [
        "Kontoret blev oprettet af Kommissionen.",
        "Det ligger i Bruxelles.",
        "Den har mange ansatte.",
    ]
    # A sentence that names its subject stands alone.
    alone = [(office, "Kontoret blev oprettet af Kommissionen.", 1.0)]
    parts = arrange("Hvem oprettede det?", "da", alone, [_hit(office, 1.0)], passages).parts
    assert [p.sentence for p in parts] == ["Kontoret blev oprettet af Kommissionen."]


@pytest.mark.parametrize(
    ("question", "language", "subject", "sentence"),
    [
        (
            "Hvem håndhæver reglerne for AI-modeller til generelle formål?",
            "da",
            "AI-kontoret er unikt udstyret",
            "Den vil håndhæve reglerne",
        ),
        (
            "Kto egzekwuje przepisy dotyczące modeli ogólnego przeznaczenia?",
            "pl",
            "Biuro ds. AI jest wyjątkowo wyposażone",
            "Będzie ono egzekwować przepisy",
        ),
    ],
)
def test_who_enforces_the_rules_is_answered_with_the_sentence_that_names_who(
    settings, question, language, subject, sentence
):
    # The page says "It will enforce the rules": quoted alone, it never says who "it" is.
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained, answer.text
    assert subject in answer.text and sentence in answer.text
    assert answer.text.index(subject) < answer.text.index(sentence)
    assert {c.passage_id for c in answer.citations} == {f"ai-office/{language}/b007"}


@pytest.mark.unit
def test_an_overview_gives_each_passages_sentence_what_it_refers_back_to():
    pact = _chunk(1, "Pagten samler virksomheder.", position=0)
    office = _chunk(
        2, "Kontoret blev oprettet af Kommissionen. Det ligger i Bruxelles.", position=1
    )
    passages = {c.id: c for c in (pact, office)}
    chosen = [(pact, pact.text, 1.0), (office, "Det ligger i Bruxelles.", 0.9)]
    ranked = [_hit(pact, 1.0), _hit(office, 0.9)]
    arranged = arrange("Hvad er kontoret?", "da", chosen, ranked, passages)
    assert arranged.format == "overview"
    sentences = [p.sentence for p in arranged.parts]
    # "Det" is the office: the sentence that names it comes right before.
    at = sentences.index("Det ligger i Bruxelles.")
    assert sentences[at - 1] == "Kontoret blev oprettet af Kommissionen."


@pytest.mark.unit
def test_a_lead_in_that_reads_as_an_enumeration_brings_its_items():
    # "en strategisk, sammenhængende og effektiv tilgang ved at:" lists adjectives, so it
    # read as the enumeration a question for several things asks for, and stood alone.
    lead_text = "Kontoret bidrager til en strategisk, sammenhængende og effektiv tilgang ved at:"
    other, lead, passages = _paragraph_then_list(
        "Kontoret overvåger alle sine opgaver.", lead_text, 3
    )
    chosen = [(other, other.text, 1.0), (lead, lead_text, 0.9)]
    ranked = [_hit(other, 1.0, cosines=(0.80,)), _hit(lead, 0.9, cosines=(0.86,))]
    arranged = arrange("Hvilke opgaver har kontoret?", "da", chosen, ranked, passages)
    assert arranged.format == "list"
    assert [p.kind for p in arranged.parts] == ["lead", "item", "item", "item"]
    assert arranged.parts[0].chunk.id == lead.id


@pytest.mark.unit
def test_a_second_passages_lead_in_is_not_quoted_after_the_first_answer():
    lead_text = "Kontoret hjælper ved at:"
    other, lead, passages = _paragraph_then_list(
        "Kontoret blev oprettet af Kommissionen.", lead_text, 2
    )
    chosen = [(other, other.text, 1.0), (lead, lead_text, 0.9)]
    arranged = arrange("Hvem oprettede kontoret?", "da", chosen, [_hit(other, 1.0)], passages)
    assert [p.sentence for p in arranged.parts] == [other.text]


@pytest.mark.parametrize(
    ("question", "language", "items"),
    [
        ("Hvilke opgaver har kontoret på den internationale scene?", "da", "ai-office/da/b021"),
        ("Jakie zadania ma Urząd na arenie międzynarodowej?", "pl", "ai-office/pl/b021"),
    ],
)
def test_a_question_for_the_international_tasks_gets_the_list_not_its_lead_in_alone(
    settings, question, language, items
):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained, answer.text
    assert answer.format == "list", answer.text
    ids = [c.passage_id for c in answer.citations]
    assert ids[0] == f"ai-office/{language}/b020"
    assert ids[1:] == [f"{items}.{n:02d}" for n in range(3)]


@pytest.mark.unit
def test_an_overview_leaves_out_the_sentence_before_one_that_stands_alone():
    intro = _chunk(
        1,
        "Panelet sikrer en forbindelse til forskerne. "
        "Yderligere ekspertise samles i et rådgivende forum.",
    )
    passages = {intro.id: intro}
    chosen = [(intro, "Yderligere ekspertise samles i et rådgivende forum.", 1.0)]
    arranged = arrange("Hvad er forummet?", "da", chosen, [_hit(intro, 1.0)], passages)
    # The panel's sentence says nothing about the forum, and the forum's needs no antecedent.
    assert [p.sentence for p in arranged.parts] == [
        "Yderligere ekspertise samles i et rådgivende forum."
    ]


@pytest.mark.parametrize(
    ("question", "language", "opening"),
    [
        pytest.param(
            "Hvad er det rådgivende forum?",
            "da",
            "Yderligere teknisk ekspertise samles",
            marks=pytest.mark.xfail(
                strict=True,
                reason="refused since answerability was retrained with the written "
                "questions' vote in the ranking (7 December 2026): answered 0.29 of answered "
                "or not on the pages, under the veto's 0.3 (0.20 since the tenth author's "
                "questions); questions written as not "
                "answered about the forum come closer (cosine 0.964, by letters 0.727 "
                "against the written ones' 0.697). 'Hvad laver det rådgivende forum?' and "
                "'Czym jest forum doradcze?' are answered",
            ),
        ),
        ("Co robi forum doradcze?", "pl", "W ramach forum doradczego"),
    ],
)
def test_an_overview_of_the_forum_quotes_the_forum_not_the_panel_before_it(
    settings, question, language, opening
):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained, answer.text
    assert answer.citations[0].passage_id == f"ai-office/{language}/b026"
    assert answer.citations[0].quote.startswith(opening), answer.text
    assert "Ekspertpanelet" not in answer.text and "PanelNaukowy" not in answer.text


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
        # Whole words: "hvilken" (which, singular) is no "hvilke", "którego" no "które".
        ("several", "Hvilken rolle skal kontoret spille internationalt?", "da", False),
        ("several", "Którego dnia mija termin?", "pl", False),
        ("several", "Kan du nævne kontorets opgaver?", "da", True),
        ("overview", "Czym jest pakt?", "pl", True),
        ("overview", "What does the Office do?", "en", True),
        ("overview", "Hvornår er fristen?", "da", False),
    ],
)
def test_question_shapes_come_from_each_language_own_words(shape, question, language, expected):
    assert asks_for(shape, question, language) is expected


@pytest.mark.unit
@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        ("Kontoret ansætter folk til politisk, teknisk og juridisk arbejde.", "da", True),
        ("Viden fra forskere, industrien, tænketanke og civilsamfundet.", "da", True),
        ("Biuro zatrudnia do pracy politycznej, technicznej i prawnej.", "pl", True),
        ("Wiedza ze środowiska naukowego, przemysłu, ośrodków analitycznych i innych.", "pl", True),
        # Two clauses joined by a comma and a conjunction are not a list ...
        ("Arbejdet begynder, inden loven træder i kraft, og fortsætter bagefter.", "da", False),
        # ... nor is a clause whose conjunction comes far after the comma.
        ("Biuro promuje ekosystem, aby czerpać korzyści społeczne i gospodarcze.", "pl", False),
        ("Kontoret ligger i Bruxelles og har mange ansatte.", "da", False),
        # "Zarówno X, jak i Y" (both X and Y): "jak i" is one conjunction of two things.
        ("Zarówno inicjatywa GenAI4EU, jak i biuro AI były częścią pakietu.", "pl", False),
    ],
)
def test_a_sentence_enumerates_when_short_elements_close_with_a_conjunction(
    sentence, language, expected
):
    assert enumerates(sentence, language) is expected


NAMES = "Forummet samler eksperter. Disse kombinerer viden fra forskere, industrien og staten."


@pytest.mark.unit
def test_the_sentence_that_enumerates_is_quoted_beside_the_chosen_one_when_close_in_meaning():
    forum = _chunk(5, NAMES, position=9)
    passages = {forum.id: forum}
    chosen = [(forum, "Forummet samler eksperter.", 1.0)]
    close = [_hit(forum, 1.0, cosines=(0.88, 0.88 - ENUMERATION_MARGIN / 2))]
    arranged = arrange("Hvor kommer deres viden fra?", "da", chosen, close, passages)
    assert arranged.format == "text"
    assert [p.sentence for p in arranged.parts] == [
        "Forummet samler eksperter.",
        "Disse kombinerer viden fra forskere, industrien og staten.",
    ]
    assert {p.chunk.id for p in arranged.parts} == {forum.id}
    # Far from the question in meaning, the enumeration stays out.
    far = [_hit(forum, 1.0, cosines=(0.88, 0.88 - 2 * ENUMERATION_MARGIN))]
    assert len(arrange("Hvor kommer deres viden fra?", "da", chosen, far, passages).parts) == 1
    # A question for a date is answered by the sentence with the date, alone.
    assert len(arrange("Hvornår blev det oprettet?", "da", chosen, close, passages).parts) == 1
    # A question for several things takes the enumeration however far: it asks for the list.
    several = arrange("Hvilke slags viden samler forummet?", "da", chosen, far, passages)
    assert [p.sentence for p in several.parts] == [
        "Forummet samler eksperter.",
        "Disse kombinerer viden fra forskere, industrien og staten.",
    ]


@pytest.mark.unit
def test_a_question_for_several_things_leads_with_the_closest_sentence_when_it_enumerates():
    news = _chunk(7, "Du kan tilmelde dig nyhedsbrevet.", position=7)
    jobs = _chunk(
        8, "Kontoret ansætter folk til politisk, teknisk og juridisk arbejde.", position=8
    )
    passages = {news.id: news, jobs.id: jobs}
    chosen = [(news, news.text, 1.0)]
    ranked = [_hit(news, 1.0, cosines=(0.84,))]
    more = [_hit(jobs, 0.8, cosines=(0.85,))]  # retrieved, but not among the cited passages
    arranged = arrange(
        "Hvilke slags arbejde søger kontoret folk til?", "da", chosen, ranked, passages, more
    )
    assert [(p.chunk.id, p.sentence) for p in arranged.parts] == [(jobs.id, jobs.text)]
    # The same hits for a question about one thing keep the passage answerability chose.
    single = arrange("Kan jeg få nyheder?", "da", chosen, ranked, passages, more)
    assert [p.chunk.id for p in single.parts] == [news.id]
    # And a closest sentence that lists nothing does not take the lead.
    plain = _chunk(8, "Kontoret ansætter mange folk.", position=8)
    closest = [_hit(plain, 0.8, cosines=(0.85,))]
    passages[plain.id] = plain
    kept = arrange("Hvilke slags arbejde?", "da", chosen, ranked, passages, closest)
    assert [p.chunk.id for p in kept.parts] == [news.id]


@pytest.mark.unit
def test_an_overview_opens_with_the_passage_closest_in_meaning_then_page_order():
    passages = _page(2)
    intro, pact = passages["p/da/b001"], passages["p/da/b004"]
    chosen = [(intro, "Kontoret blev oprettet af Kommissionen.", 1.0)]
    ranked = [_hit(intro, 1.0, cosines=(0.83, 0.82)), _hit(pact, 0.9, cosines=(0.88,))]
    arranged = arrange("Hvad er pagten?", "da", chosen, ranked, passages)
    assert arranged.format == "overview"
    assert [p.chunk.id for p in arranged.parts] == [pact.id, intro.id]


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
def test_an_overview_cites_several_passages_after_the_closest_in_page_order(
    settings, question, language
):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained
    assert answer.format == "overview"
    ids = [c.passage_id for c in answer.citations]
    assert len(set(ids)) >= 2
    # The passage closest in meaning opens it; the others follow in page (block) order.
    rest = [i for i in ids if i != ids[0]]
    assert rest == sorted(rest)
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


@pytest.mark.parametrize(
    ("question", "language", "first", "also"),
    [
        # Page order put the fora passage first; the panel's own sentence is closer in meaning.
        # (With the written questions in the fusion the fora passage is no longer among the
        # best three, and the panel's sentence answers alone.)
        ("Hvad er det videnskabelige panel?", "da", "ai-office/da/b026", None),
        # The passage that says what the fora and expert groups are (they bring together
        # knowledge from science, industry ...) opens; it was the external experts' call to
        # join them, with the panel's passage, until the written questions were matched by
        # their letters too.
        (
            "Czym są specjalne fora i grupy ekspertów?",
            "pl",
            "ai-office/pl/b008",
            None,
        ),
    ],
)
def test_an_overview_opens_with_the_passage_that_describes_what_was_asked(
    settings, question, language, first, also
):
    answer = ask(question, settings=settings)
    assert answer.language == language and not answer.abstained
    assert answer.format == "overview"
    ids = [c.passage_id for c in answer.citations]
    assert ids[0] == first and (also is None or also in ids)


@pytest.mark.parametrize(
    ("question", "areas"),
    [
        ("Hvilke brancher kan GenAI4EU bruges i?", "Anvendelsesområder omfatter robotteknologi"),
        ("W jakich dziedzinach ma być stosowane GenAI4EU?", "Obszary zastosowań obejmują"),
    ],
)
def test_a_question_for_several_things_gets_the_sentence_that_lists_them(settings, question, areas):
    # The sentence nearest the question names GenAI4EU; the areas are two sentences on.
    answer = ask(question, settings=settings)
    assert not answer.abstained and answer.format == "text"
    assert {c.passage_id[-4:] for c in answer.citations} == {"b010"}
    assert any(c.quote.startswith(areas) for c in answer.citations), answer.text


def test_the_sentence_that_enumerates_is_quoted_with_the_one_that_names_the_subject(settings):
    answer = ask(
        "Hvordan håndhæver AI-kontoret reglerne for AI-modeller til generelle formål?",
        settings=settings,
    )
    assert answer.language == "da" and answer.format == "text"
    assert {c.passage_id for c in answer.citations} == {"ai-office/da/b007"}
    quotes = [c.quote for c in answer.citations]
    # "Den" (it) comes after the sentences that say it is the AI Office ...
    chosen = quotes.index("Den vil håndhæve reglerne for AI-modeller til generelle formål.")
    assert quotes[0].startswith("AI-kontoret er unikt udstyret")
    # ... and the powers follow: evaluations, requests for information and measures, sanctions.
    assert "anmode om oplysninger og foranstaltninger" in quotes[chosen + 1]
    assert f"anvende sanktioner. [{chosen + 2}]" in answer.text
