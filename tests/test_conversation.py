"""Follow-up questions resolved against the conversation, and a language that holds."""

import pytest

from assistant import ask


def _converse(settings, *questions, **kwargs):
    history = []
    for question in questions:
        history.append((question, ask(question, history=history, settings=settings, **kwargs)))
    return [answer for _, answer in history]


@pytest.mark.parametrize(
    "first,follow_up,passage,fact",
    [
        (
            "Hvilke stillinger rekrutterer AI-kontoret til?",
            "Og hvornår er fristen?",
            "ai-office/da/b030",
            "27. marts 2024",
        ),
        (
            "Czym jest pakt na rzecz sztucznej inteligencji?",
            "A kto go nadzoruje?",
            "ai-office/pl/b027",
            "Biuro ds. AI będzie również nadzorować pakt",
        ),
        (
            "Co to jest GenAI4EU?",
            "Kiedy go uruchomiono?",
            "ai-office/pl/b010",
            "W styczniu 2024 r. Komisja uruchomiła pakiet innowacji",
        ),
        (
            "Hvad er GenAI4EU?",
            "Og hvornår blev den lanceret?",
            "ai-office/da/b010",
            "I januar 2024 lancerede Kommissionen",
        ),
        (
            "Kiedy mija termin wyrażenia zainteresowania?",
            "A adres e-mail?",
            "ai-office/pl/b034",
            "CNECT-AIOFFICE@ec.europa.eu",
        ),
        # "When?" answered by a time relative to another event ("before the AI Act enters into
        # force"), not a date. Polish drops the pronoun: the opening "A" carries on, so it is
        # the pact, not the job deadline's date (which the question alone finds).
        (
            "Hvad er AI-pagten?",
            "Hvornår begynder den?",
            "ai-office/da/b027",
            "inden AI-forordningen træder i kraft",
        ),
        (
            "Czym jest pakt na rzecz sztucznej inteligencji?",
            "A kiedy się zacznie?",
            "ai-office/pl/b027",
            "przed wejściem w życie",
        ),
        # Without the "A": "zaczyna" is a verb the pages never use, so the question names
        # nothing of its own and "when?" is asked about the pact, not the job deadline.
        (
            "Czym jest pakt na rzecz AI?",
            "Kiedy się zaczyna?",
            "ai-office/pl/b027",
            "przed wejściem w życie",
        ),
    ],
)
def test_follow_ups_find_the_passage_the_person_means(settings, first, follow_up, passage, fact):
    _, answer = _converse(settings, first, follow_up)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert fact in answer.text


@pytest.mark.parametrize(
    "first,follow_up",
    [
        ("Hvilken mailadresse har AI-kontoret?", "Kan jeg bruge den til at spørge om et job?"),
        ("Jaki jest adres e-mail Biura ds. AI?", "A czy mogę tam pisać w sprawie pracy?"),
    ],
)
def test_a_follow_up_about_what_the_answer_gave_is_answered_from_it(settings, first, follow_up):
    """ "Den" is the e-mail address the previous answer quoted: the follow-up is answered from
    that passage, not from the job passage its own words find, and the same when the
    history is only the answer's text (the API's triples)."""
    from assistant.answer import Answer

    previous, answer = _converse(settings, first, follow_up)
    assert previous.citations[0].passage_id.endswith("/b034")
    assert answer.citations[0].passage_id == previous.citations[0].passage_id
    assert "CNECT-AIOFFICE@ec.europa.eu" in answer.citations[0].quote
    text_only = [(first, Answer(text=previous.text, language=previous.language))]
    again = ask(follow_up, history=text_only, settings=settings)
    assert [c.passage_id for c in again.citations] == [c.passage_id for c in answer.citations]


@pytest.mark.unit
def test_the_subject_remembers_what_the_previous_answer_quoted_first_unless_it_abstained():
    from assistant.answer import Answer, Citation
    from assistant.answering.conversation import Subject

    def cited(*ids):
        return [Citation(n, "t", "q", "da", "u", "T", "s", passage_id=i) for n, i in enumerate(ids)]

    answered = Answer(text="x", language="da", citations=cited("p/da/b2", "p/da/b1"))
    assert Subject.of([("q", answered)], "da", []).answered_from == "p/da/b2"
    refused = Answer(text="x", language="da", citations=cited("p/da/b2"), abstained=True)
    subject = Subject.of([("q", refused)], "da", [])
    assert subject.answered_from == "" and subject.cited == {"p/da/b2"}


def test_a_referring_follow_up_is_searched_with_the_previous_question(settings):
    first, answer = _converse(
        settings, "Hvilke stillinger rekrutterer AI-kontoret til?", "Og hvornår?"
    )
    assert answer.resolved_question == "Og hvornår? Hvilke stillinger rekrutterer AI-kontoret til?"
    assert answer.citations[0].passage_id == "ai-office/da/b030"
    assert "27. marts 2024" in answer.text


@pytest.mark.parametrize(
    "first,second,passage",
    [
        (
            "Hvornår er fristen for interessetilkendegivelser?",
            "Og hvad er ECAT?",
            "ai-office/da/b025",
        ),
        ("Hvad er AI-pagten?", "Og hvad er GenAI4EU?", "ai-office/da/b010"),
        (
            "Czym jest pakt na rzecz sztucznej inteligencji?",
            "A co to jest ECAT?",
            "ai-office/pl/b025",
        ),
    ],
)
def test_a_topic_change_does_not_drag_the_old_topic_along(settings, first, second, passage):
    _, answer = _converse(settings, first, second)
    assert answer.resolved_question == second  # searched alone
    assert answer.citations[0].passage_id == passage


def test_out_of_scope_follow_up_still_abstains(settings):
    _, answer = _converse(settings, "Hvad er AI-pagten?", "Og hvad koster en pizza?")
    assert answer.abstained and answer.citations == []


def test_a_two_word_follow_up_keeps_the_conversation_language(settings):
    _, answer = _converse(settings, "Czym jest pakt na rzecz sztucznej inteligencji?", "GenAI4EU?")
    assert answer.language == "pl"
    assert all(c.language == "pl" for c in answer.citations)
    _, answer = _converse(settings, "Hvad er AI-pagten?", "Og ECAT?")
    assert answer.language == "da" and answer.citations[0].passage_id == "ai-office/da/b025"


def test_switching_language_with_a_real_sentence_switches_the_answer(settings):
    _, answer = _converse(
        settings, "Hvad er AI-pagten?", "Czym jest pakt na rzecz sztucznej inteligencji?"
    )
    assert answer.language == "pl"
    assert answer.citations[0].passage_id == "ai-office/pl/b027"


@pytest.mark.parametrize(
    ("first", "follow_up", "passage"),
    [
        # Worded without the page's words: only the pronoun ties them to the first question.
        ("Hvad er AI-pagten?", "Hvem står bag den?", "ai-office/da/b027"),
        # A strict xfail from the learned ranking's first version (answered alone from the
        # advisory forum with odds 0.817, over the follow-up gate) until the written
        # questions' vote joined it, 7 December 2026.
        ("Czym jest GenAI4EU?", "A do czego ma służyć?", "ai-office/pl/b010"),
    ],
)
def test_a_follow_up_in_other_words_is_answered_from_the_subject(
    settings, first, follow_up, passage
):
    _, answer = _converse(settings, first, follow_up)
    assert not answer.abstained, answer.text
    assert first in answer.resolved_question  # searched together with the first question
    assert passage in [c.passage_id for c in answer.citations]


@pytest.mark.parametrize(
    ("first", "follow_up", "passage", "fact"),
    [
        # "Hvad bruger de?" holds one common word ("bruger"); the list lead-in that also holds
        # it is about the Office, not the factories.
        ("Hvad er AI-fabrikker?", "Hvad bruger de?", "ai-office/da/b041", "EuroHPC"),
        # A pronoun points back: "ogłoszono" (announced) is asked of the package, not of the
        # job advertisement ("ogłoszenie") the follow-up's own search finds first.
        (
            "Czym jest pakiet innowacji w dziedzinie AI?",
            "Kiedy go ogłoszono?",
            "ai-office/pl/b010",
            "W styczniu 2024",
        ),
        # A single passage on the subject: the follow-up's own meaning picks its sentence.
        (
            "Czy mogę pracować w Biurze ds. AI?",
            "A do kiedy można się zgłaszać?",
            "ai-office/pl/b030",
            "27 marca 2024",
        ),
    ],
)
def test_a_follow_up_is_answered_on_the_previous_subject(settings, first, follow_up, passage, fact):
    _, answer = _converse(settings, first, follow_up)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert fact in answer.text


@pytest.mark.parametrize(
    ("first", "follow_up", "language"),
    [
        ("Hvilke opgaver har AI-kontoret med AI-forordningen?", "Og internationalt?", "da"),
        (
            "Jakie zadania ma Biuro ds. AI w związku z aktem o AI?",
            "A co robi na szczeblu międzynarodowym?",
            "pl",
        ),
        (
            "Jakie zadania ma Biuro ds. AI w związku z aktem o AI?",
            "A współpraca międzynarodowa?",
            "pl",
        ),
    ],
)
def test_a_follow_up_that_names_its_own_aspect_finds_it(settings, first, follow_up, language):
    """The follow-up's subject is the Office; what it asks about (the international level) is
    a word of its own that the first question's passages lack. Its own search finds the
    passage, and the passage holding that word counts as on the subject
    (`conversation.with_own_search`, `_own_aspect`); the search with the first question alone
    cited the AI Act's tasks or abstained."""
    first_answer, answer = _converse(settings, first, follow_up)
    assert f"ai-office/{language}/b014" in [c.passage_id for c in first_answer.citations]
    assert not answer.abstained, answer.text
    # Found by the follow-up's own search, whether it was then answered within the conversation
    # or, named this fully, as a question of its own (`answering.standalone`).
    assert answer.citations[0].passage_id == f"ai-office/{language}/b020"


@pytest.mark.parametrize(
    ("first", "follow_up", "nearest"),
    [
        # The pages give no date for the forum: the job deadline's date is about something else.
        ("Hvad er det rådgivende forum?", "Hvornår mødes det?", "ai-office/da/b026"),
        ("Czym jest forum doradcze?", "A kiedy się zacznie?", "ai-office/pl/b026"),
        # Other passages mention companies; none says how many joined the pact.
        ("Hvad er AI-pagten?", "Hvor mange virksomheder er med i den?", "ai-office/da/b027"),
    ],
)
def test_a_follow_up_the_subject_does_not_answer_is_abstained_on(
    settings, first, follow_up, nearest
):
    _, answer = _converse(settings, first, follow_up)
    assert answer.abstained and answer.reason == "not_on_page", answer.text
    assert first in answer.resolved_question  # it was read as a follow-up, not a new topic
    # What the pages do say, quoted, is about the previous subject.
    assert [c.passage_id for c in answer.citations] == [nearest]


def test_a_history_of_answer_texts_alone_still_holds_the_subject(settings):
    """The API's history keeps only each answer's text: the sentences it quotes still show which
    passages it answered from, so an elliptical follow-up may land next to them."""
    from assistant import Answer

    question = "Kiedy mija termin wyrażenia zainteresowania?"
    first = ask(question, settings=settings)
    history = [(question, Answer(text=first.text, language=first.language))]
    answer = ask("A adres e-mail?", history=history, settings=settings)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == "ai-office/pl/b034"
    assert "CNECT-AIOFFICE@ec.europa.eu" in answer.text


@pytest.mark.parametrize(
    ("first", "question", "passage", "fact"),
    [
        (
            "Hvad er AI-pagten?",
            "Hvad er e-mailadressen til AI-kontoret?",
            "ai-office/da/b034",
            "CNECT-AIOFFICE@ec.europa.eu",
        ),
        (
            "Czym jest pakt na rzecz AI?",
            "Jaki jest adres e-mail Biura?",
            "ai-office/pl/b034",
            "CNECT-AIOFFICE@ec.europa.eu",
        ),
    ],
)
@pytest.mark.parametrize("previous_answer", ["real", "text only"])
def test_a_short_question_that_names_what_it_asks_for_stands_alone(
    settings, first, question, passage, fact, previous_answer
):
    """Short, so it could be a follow-up, but it names the fact it wants (an e-mail address)
    and no pronoun points back: the previous subject must not filter its answer away."""
    from assistant import Answer

    earlier = ask(first, settings=settings)
    if previous_answer == "text only":
        earlier = Answer("...", earlier.language)  # as an API client may send it
    answer = ask(question, [(first, earlier)], settings=settings)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert fact in answer.text


def test_the_trained_model_withholds_nothing_in_a_conversation(settings, monkeypatch):
    """It learned from questions asked on their own: a short follow-up judged on its own words
    looks like nothing it saw, yet the passage the conversation is about answers it. With a
    veto that withholds every answer, the question asked alone is withheld and the same
    question as a follow-up is still answered."""
    from dataclasses import replace

    from assistant.answering.engine import get_engine

    engine = get_engine(settings)
    monkeypatch.setattr(engine, "limits", replace(engine.limits, veto=1.01))
    alone = ask("Hvornår blev den lanceret?", settings=settings)
    assert alone.abstained and alone.reason == "not_on_page", alone.text
    assert "trained model" in alone.trace.why
    _, answer = _converse(settings, "Hvad er AI-innovationspakken?", "Hvornår blev den lanceret?")
    assert not answer.abstained
    assert answer.citations[0].passage_id == "ai-office/da/b010"
    assert "januar 2024" in answer.text


@pytest.mark.parametrize(
    "first,follow_up,passage",
    [
        # After the e-mail address, the newsletter, the jobs and where job adverts are:
        # other passages, named in words of their own. (The Danish newsletter and robotics
        # after GenAI4EU's sectors were cases until the written questions were matched by
        # their letters too: the conversation's own search now finds them.)
        (
            "Jaki jest adres e-mail Biura ds. AI?",
            "A czy da się zapisać na ich newsletter?",
            "ai-office/pl/b033",
        ),
        (
            "Hvad er AI-kontorets e-mailadresse?",
            "Og kan man også søge job hos dem?",
            "ai-office/da/b030",
        ),
        (
            "Jaki jest adres e-mail Biura ds. AI?",
            "A gdzie znajdę ogłoszenia o pracy?",
            "ai-office/pl/b031",
        ),
    ],
)
def test_a_follow_up_that_stands_on_its_own_is_answered_on_its_own(
    settings, first, follow_up, passage, monkeypatch
):
    """It opens like a follow-up ("A ...", "også"), so it is searched with the previous
    question and kept on its subject; asked alone, the trained model finds it answered with
    high odds, and its own answer is the one given. Without that (`STANDS_ON_ITS_OWN` out of
    reach), the previous subject's passage answers it."""
    from assistant.answering import standalone

    _, answer = _converse(settings, first, follow_up)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert answer.trace.probabilities["answered"] >= standalone.STANDS_ON_ITS_OWN
    monkeypatch.setattr(standalone, "STANDS_ON_ITS_OWN", 1.01)
    _, kept = _converse(settings, first, follow_up)
    assert kept.citations[0].passage_id != passage


@pytest.mark.parametrize(
    "first,follow_up,passage",
    [
        ("Hvad er det rådgivende forum?", "Hvem er med i det?", "ai-office/da/b026"),
        ("Czym jest forum doradcze?", "A kto w nim zasiada?", "ai-office/pl/b026"),
        # ("Og hører det under Kommissionen?" names enough since the model reads the letters
        # too: asked alone it is answered, from the same passage.)
        ("Hvad er ECAT?", "Og hvor hører det til?", "ai-office/da/b025"),
    ],
)
def test_an_elliptical_follow_up_stays_on_the_previous_subject(settings, first, follow_up, passage):
    """Asked alone, "Hvem er med i det?" names too little for the trained model to find it
    answered: the conversation's subject answers it."""
    _, answer = _converse(settings, first, follow_up)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert follow_up != answer.resolved_question  # searched with the previous question
