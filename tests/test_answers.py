"""Real answers from the real index and model: facts, citations, languages, abstentions."""

import pytest

from assistant import ask
from assistant.answering.answerability import NOT_ON_PAGE, Decision
from assistant.answering.extractive import not_on_page
from assistant.index.opened import Index
from assistant.retrieval.retriever import HybridRetriever

DA_URL = "https://digital-strategy.ec.europa.eu/da/policies/ai-office"
PL_URL = "https://digital-strategy.ec.europa.eu/pl/policies/ai-office"


def _first(answer):
    assert not answer.abstained, answer.text
    assert answer.citations, answer.text
    return answer.citations[0]


@pytest.mark.parametrize(
    "question,language,fact,url,passage",
    [
        (
            "Hvornår er fristen for interessetilkendegivelser?",
            "da",
            "27. marts 2024 kl. 12.00 CET",
            DA_URL,
            "ai-office/da/b030",
        ),
        (
            "Jaki był termin zgłoszeń do Biura ds. AI?",
            "pl",
            "27 marca 2024",
            PL_URL,
            "ai-office/pl/b030",
        ),
        # The page's own words: refused since the sixth author joined (P answered 0.19 of
        # answered and not on the pages, under the veto). Its nearest labelled questions are
        # ones the pages don't answer about what follows an expression of interest ("how soon
        # do they reply"), at cosine 0.94-0.95, nearer than any written for the passage
        # (0.92). Strict, so it reports when it is answered again (docs/answering.md).
        pytest.param(
            "Kiedy upływa termin wyrażenia zainteresowania?",
            "pl",
            "27 marca 2024",
            PL_URL,
            "ai-office/pl/b030",
            marks=pytest.mark.xfail(strict=True, reason="the trained model's veto refuses it"),
        ),
        # In "mija" where the page says "upływa": refused since the fact questions joined the
        # written ones (P answered 0.14 of answered and not on the pages, under the veto).
        # Among its nearest labelled questions are many the pages don't answer about other
        # deadlines ("Kiedy mija termin zgłoszeń ...?"), and the passage's own questions say
        # "nabór" and "zgłoszenia". A known false abstention; strict, so it reports when it
        # is answered again (docs/answering.md).
        pytest.param(
            "Kiedy mija termin wyrażenia zainteresowania?",
            "pl",
            "27 marca 2024",
            PL_URL,
            "ai-office/pl/b030",
            marks=pytest.mark.xfail(strict=True, reason="the trained model's veto refuses it"),
        ),
        (
            "Hvad er e-mailadressen til AI-kontoret?",
            "da",
            "CNECT-AIOFFICE@ec.europa.eu",
            DA_URL,
            "ai-office/da/b034",
        ),
        (
            "Jaki jest adres e-mail Biura ds. AI?",
            "pl",
            "CNECT-AIOFFICE@ec.europa.eu",
            PL_URL,
            "ai-office/pl/b034",
        ),
        (
            "Hvornår lancerede Kommissionen innovationspakken?",
            "da",
            "I januar 2024 lancerede Kommissionen en innovationspakke",
            DA_URL,
            "ai-office/da/b010",
        ),
        (
            "Kiedy Komisja uruchomiła pakiet innowacji?",
            "pl",
            "W styczniu 2024 r. Komisja uruchomiła pakiet innowacji",
            PL_URL,
            "ai-office/pl/b010",
        ),
        # Short: leaving out "mija" (the page says "upływa") moves it far from everything, but
        # the date beside "termin" answers it. A known false abstention of the trained model's
        # veto (P answered 0.03: it sits as close to questions written as not on the pages as
        # to the passage's own); strict, so it reports when it is answered again.
        pytest.param(
            "Kiedy mija termin?",
            "pl",
            "27 marca 2024",
            PL_URL,
            "ai-office/pl/b030",
            marks=pytest.mark.xfail(strict=True, reason="the trained model's veto refuses it"),
        ),
        # Everyday Polish words the pages never use ("mogę", "jeśli", "pytanie"): still read
        # as Polish (wordfreq), not as junk abstained on as out of scope. It names no subject,
        # so the trained model puts most of its odds on "out of scope"; the rules found it on
        # the subject, and of answered and not on the pages the veto reads answered (a false
        # abstention while the veto read answered against all three outcomes).
        (
            "Do kogo mogę napisać, jeśli mam jakieś pytanie?",
            "pl",
            "CNECT-AIOFFICE@ec.europa.eu",
            PL_URL,
            "ai-office/pl/b034",
        ),
    ],
)
def test_fact_questions_are_answered_and_cited_in_their_language(
    settings, question, language, fact, url, passage
):
    answer = ask(question, settings=settings)
    citation = _first(answer)
    assert answer.language == language
    assert fact in answer.text
    assert "[1]" in answer.text
    assert citation.number == 1
    assert citation.language == language and citation.url == url
    assert citation.passage_id == passage
    assert fact in citation.quote and citation.quote in citation.text
    assert citation.link.startswith(url + "#:~:text=")
    assert citation.translation is not None and citation.translation.language != language


def test_the_english_question_on_the_expressions_of_interest_deadline_is_answered(settings):
    """A false abstention from the third author's unanswered questions on (P answered 0.18:
    several ask about that deadline what the page does not say, in nearly the same words),
    answered since the sixth author's written questions joined (0.55)."""
    answer = ask("When is the deadline for expressions of interest?", settings=settings)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id.endswith("/b030")


def test_a_foreign_date_question_is_answered_from_the_passage_nearest_in_meaning(settings):
    """The deadline is the recruitment passage's last sentence; an English question about
    applications closing is nearer its first (about recruiting talent) by thousandths. The
    passage is what the question is about, and it holds a date."""
    answer = ask("When did applications to the European AI Office close?", settings=settings)
    assert not answer.abstained, answer.trace.why
    assert answer.citations[0].passage_id.endswith("/b030")
    assert "27" in answer.text and "2024" in answer.text
    # A date nowhere near what is asked about still answers nothing.
    for question in ("When does the scientific panel meet?", "Wann tagt das Beratungsforum?"):
        refused = ask(question, settings=settings)
        assert refused.abstained and refused.reason == "not_on_page", refused.text


@pytest.mark.parametrize(
    "question",
    [
        "Kiedy dokładnie Komisja ogłosiła ten pakiet innowacji dla start-upów?",
        "W którym roku ogłoszono pakiet innowacji w dziedzinie AI?",
    ],
)
def test_a_date_is_asked_beside_the_word_the_passages_found_hold(settings, question):
    """ "ogłosić" (announce) is the rarest of these words that the pages use, once, of a job
    advert the question is not about; the date must stand beside what the passages found hold
    (the innovation package), not beside that word (`retriever._focused_on_what_they_hold`).
    Both were refused before."""
    answer = ask(question, settings=settings)
    citation = _first(answer)
    assert citation.passage_id == "ai-office/pl/b010"
    assert "W styczniu 2024" in answer.text


@pytest.mark.parametrize(
    ("question", "date"),
    [
        ("Hvornår skulle man senest have søgt et job i AI-kontoret?", "27. marts 2024"),
        ("Do jakiego dnia przyjmowano zgłoszenia kandydatów do urzędu AI?", "27 marca 2024"),
    ],
)
def test_a_question_for_a_date_quotes_the_sentence_of_its_passage_that_holds_one(
    settings, question, date
):
    """The recruitment passage opens with what the Office recruits for, the sentence that
    shares the question's words; the deadline is its last. A question that asks for a date is
    answered with the sentence that holds one (`extractive.TYPE_WEIGHT`); both quoted the
    opening sentence before, and "do jakiego dnia" (until which day) was not read as asking
    for a date."""
    answer = ask(question, settings=settings)
    assert not answer.abstained, answer.trace.why
    assert answer.citations[0].passage_id.endswith("/b030")
    assert date in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "Hvornår åbner næste jobopslag i AI-kontoret?",
        "Kiedy ogłoszą kolejny nabór do Urzędu ds. AI?",
    ],
)
def test_the_next_call_is_not_answered_with_the_past_deadline(settings, question):
    """The recruitment passage holds a date and the words of these questions, but not the
    next call's date: they still get "the pages don't say"."""
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "not_on_page", answer.text


@pytest.mark.parametrize("name", ["Biuro ds. AI", "biuro AI", "Urząd ds. AI", "urząd AI"])
def test_how_a_polish_question_names_the_office_does_not_decide_its_answer(settings, name):
    """Polish names the Office with or without "ds." ("do spraw"). When the questions written
    as not answered used "ds." in 0.46 of them and the answered ones in 0.04, the trained model
    learnt the form as a verdict and refused the "Biuro ds. AI" wording of this question
    (answered 0.14) while answering the others (`test_written_questions`,
    named alike)."""
    answer = ask(f"Jakie zadania ma {name} w związku z aktem o AI?", settings=settings)
    assert not answer.abstained, answer.text
    assert answer.language == "pl"
    assert answer.citations[0].passage_id in {"ai-office/pl/b014", "ai-office/pl/b015.04"}


def test_every_answer_sentence_is_a_verbatim_quote_of_its_citation(settings):
    answer = ask("Hvem samarbejder AI-kontoret med?", settings=settings)
    assert not answer.abstained
    for citation in answer.citations:
        assert f"{citation.quote} [{citation.number}]" in answer.text
        assert citation.quote in citation.text


@pytest.mark.parametrize(
    "question,language",
    [
        ("Hvad koster en pizza i København?", "da"),
        ("Ile kosztuje pizza w Krakowie?", "pl"),
        ("How much is a pizza in Copenhagen?", "en"),
    ],
)
def test_out_of_scope_questions_get_an_abstention_in_their_language(settings, question, language):
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.citations == []
    assert answer.language == language
    assert answer.reason == "out_of_scope"
    expected_word = {"da": "siderne", "pl": "Strony", "en": "pages"}[language]
    assert expected_word in answer.text


@pytest.mark.parametrize(
    "question,language,named",
    [
        # About the Office, but the pages name no head, no count, no opening hours.
        ("Kto kieruje biurem?", "pl", "Kto kieruje biurem"),
        ("Hvem leder AI-kontoret?", "da", "Hvem leder AI-kontoret"),
        ("Hvor mange virksomheder har tilsluttet sig AI-pagten?", "da", "Hvor mange virksomheder"),
        ("Jakie są godziny otwarcia Urzędu ds. AI?", "pl", "godziny otwarcia"),
        # A date is on the page (the job deadline), but not beside "oprettet" (founded).
        ("Hvornår blev AI-kontoret oprettet?", "da", "Hvornår blev AI-kontoret oprettet"),
        # The page places the pact's start before the AI Act enters into force: no date for
        # that event itself.
        ("Hvornår træder AI-forordningen i kraft?", "da", "Hvornår træder AI-forordningen"),
        # "27 medlemsstater" counts member states, not members: a compound that begins with
        # the asked word is another word.
        ("Hvor mange medlemmer har AI-pagten?", "da", "Hvor mange medlemmer"),
        # The page says when the pact's commitment begins, relative to the AI Act; "udløber"
        # (expires) is on no page.
        ("Hvornår udløber AI-pagten?", "da", "Hvornår udløber AI-pagten"),
        # "Which year" asks for a date: the page has one, the job deadline, not beside the panel.
        ("I hvilket år blev ekspertpanelet oprettet?", "da", "I hvilket år"),
        # The date token the forum passage lacks no longer counts against its coverage, so the
        # question is about the Office (not on the pages), not about something else.
        ("I hvilket år blev det rådgivende forum oprettet?", "da", "I hvilket år"),
        # How long, and where it meets: the pages give no duration and no place.
        ("Jak długo trwa proces rekrutacji?", "pl", "Jak długo trwa proces rekrutacji"),
        ("Hvor afholdes møderne i det rådgivende forum?", "da", "Hvor afholdes møderne"),
        # Which languages, in which city: the pages name neither (a passage about language
        # technologies, one saying the Office was set up within the Commission).
        ("Hvilke sprog taler medarbejderne?", "da", "Hvilke sprog taler medarbejderne"),
        ("W jakim mieście jest siedziba Biura ds. AI?", "pl", "W jakim mieście"),
        # No English word of these is on the pages: the job deadline is a date, but the
        # questions are nearer other sentences than the one that holds it.
        ("When was the AI Office founded?", "en", "When was the AI Office founded"),
        ("When does the advisory forum meet?", "en", "When does the advisory forum meet"),
    ],
)
def test_questions_the_pages_do_not_answer_say_so_with_the_nearest_passage(
    settings, question, language, named
):
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "not_on_page"
    assert answer.language == language
    opening = {
        "da": "Siderne om Det Europæiske AI-kontor siger ikke",
        "pl": "Strony o Europejskim",
        "en": "The pages about the European AI Office don't say",
    }
    assert answer.text.startswith(opening[language])
    assert named in answer.text  # what was asked, named in the reply
    assert answer.trace.decision == "not_on_page" and answer.trace.why
    # at most the nearest passage, cited in the asker's language and quoted verbatim
    assert len(answer.citations) <= 1
    for citation in answer.citations:
        assert citation.language == language and citation.quote in citation.text
        assert f"“{citation.quote}” [1]" in answer.text


@pytest.mark.parametrize(
    "question", ["Hvad er AI-kontorets faxnummer?", "Hvad er AI-kontorets telefonnummer?"]
)
def test_a_not_on_page_reply_quotes_no_lead_in_as_the_nearest_thing(settings, question):
    # The nearest passage is "... støtte gennemførelsen af AI-retsakten ved at:", which says
    # nothing without its items: the reply says the pages don't say, and never quotes it.
    # (Which other passage, if any, is quoted differs between CPUs: the newsletter passage
    # ranks third or fourth, 0.015 apart in fused score. Third, the rules answer from it, as
    # it stands out by meaning, and the model's veto quotes it; fourth, the rules refuse.)
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "not_on_page", answer.text
    # the lead-in is among the fusion's first two candidates (the learned order puts the
    # contact passage, and since the written questions' vote also another, before it; since
    # the eleventh author the fusion too puts the contact passage first for the telephone)
    assert any(
        p.passage_id == "ai-office/da/b014" and p.fusion_rank <= 1 for p in answer.trace.passages
    )
    assert "ai-office/da/b014" not in [c.passage_id for c in answer.citations]
    assert "ved at:" not in answer.text
    assert answer.text.startswith("Siderne om Det Europæiske AI-kontor siger ikke")


def test_the_lead_in_nearest_a_refused_question_is_not_quoted(settings):
    """The reply for a refusal whose nearest passage is a list's lead-in quotes nothing, and
    one whose nearest passage stands alone quotes its best sentence."""
    index = Index.open(settings)
    question = "Hvad er AI-kontorets faxnummer?"
    hits = HybridRetriever(index, index.embedder()).retrieve(question, "da")
    by_id = {h.chunk.id: h for h in hits}
    lead_in, address = by_id["ai-office/da/b014"], by_id["ai-office/da/b034"]
    refused = not_on_page(Decision(NOT_ON_PAGE, "test", [lead_in]), "da", index, question)
    assert refused.citations == [] and "ved at:" not in refused.text
    quoted = not_on_page(Decision(NOT_ON_PAGE, "test", [address]), "da", index, question)
    assert [c.passage_id for c in quoted.citations] == ["ai-office/da/b034"]
    assert f"“{quoted.citations[0].quote}” [1]" in quoted.text


def test_the_answer_carries_its_trace(settings):
    answer = ask("Hvornår er fristen for interessetilkendegivelser?", settings=settings)
    trace = answer.trace
    assert trace.decision == "answered" and "ai-office/da/b030" in trace.why
    assert trace.expected_types == ["date"]
    assert trace.passages[0].passage_id == answer.citations[0].passage_id == "ai-office/da/b030"
    assert all(p.language == "da" for p in trace.passages)
    assert 0.8 < trace.passages[0].cosine <= 1.0
    # listed in the order the answer was made from; the fused scores in the fusion's order
    by_fusion = sorted(trace.passages, key=lambda p: p.fusion_rank)
    assert [p.fusion_rank for p in by_fusion] == list(range(len(trace.passages)))
    scores = [p.score for p in by_fusion]
    assert scores == sorted(scores, reverse=True)
    assert answer.to_dict()["trace"]["passages"][0]["passage_id"] == "ai-office/da/b030"


def test_english_question_is_told_the_sources_are_danish_and_polish(settings):
    answer = ask("What is the deadline for applications?", settings=settings)
    assert answer.language == "en" and not answer.abstained
    assert "Danish and Polish" in answer.text
    assert {c.language for c in answer.citations} == {"da", "pl"}
    assert any("27. marts 2024" in c.quote for c in answer.citations)
    assert any("27 marca 2024" in c.quote for c in answer.citations)


def test_an_english_question_is_matched_by_what_it_asks_not_by_the_offices_name(settings):
    # "AI Office" stands untranslated in a few Danish and Polish sentences (newsletters,
    # contact); matched letter for letter it pulled English questions there.
    answer = ask("Who does the AI Office work with internationally?", settings=settings)
    assert answer.language == "en" and not answer.abstained
    first = answer.citations[0]
    assert first.section in (
        "Fremme af internationalt samarbejde",
        "Wspieranie współpracy międzynarodowej",
    ), first


def test_an_english_question_answered_by_a_lists_lead_in_gets_its_items(settings):
    # The closest passage is "... støtte gennemførelsen af AI-retsakten ved at:": quoted alone,
    # it stopped before the tasks that are the answer.
    answer = ask("What tasks does the AI Office have under the AI Act?", settings=settings)
    assert answer.language == "en" and not answer.abstained, answer.text
    ids = [c.passage_id for c in answer.citations]
    lead = ids.index("ai-office/da/b014")
    assert ids[lead + 1 : lead + 6] == [f"ai-office/da/b015.{n:02d}" for n in range(5)]
    assert "- “Udarbejdelse af topmoderne adfærdskodekser" in answer.text
    # A list for callers too: `format` and `items`, as in a Danish or Polish list answer.
    assert answer.format == "list" and len(answer.items) == 5
    assert answer.to_dict()["items"][2].startswith("“Udarbejdelse af topmoderne")
    assert not answer.text.rstrip().endswith(":”") and not answer.text.rstrip().endswith(":")


@pytest.mark.xfail(strict=True, reason="a list item ranks above the list's lead-in")
def test_what_the_office_is_responsible_for_gets_the_list_of_its_tasks(settings):
    """Known miss since the fact questions joined the written ones: the codes-of-practice item
    (b015.02) now ranks first, so the answer quotes that one item and a Polish overview
    sentence, not the lead-in with its five tasks. Strict, so it reports when it is fixed."""
    answer = ask("What is the AI Office responsible for?", settings=settings)
    assert [c.passage_id for c in answer.citations][:2] == [
        "ai-office/da/b014",
        "ai-office/da/b015.00",
    ]


def test_an_english_question_in_everyday_words_is_answered_in_english(settings):
    # No English function word but "can": langdetect called it Catalan, and the question was
    # refused as unreadable. Words English uses often make it English.
    answer = ask("Can external experts contribute?", settings=settings)
    assert answer.language == "en" and not answer.abstained, answer.text
    assert answer.citations[0].passage_id.rsplit("/", 1)[-1] == "b032"
    assert "Eksterne eksperter" in answer.text or "Zewnętrzni eksperci" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "What is the AI Office?",
        "Was ist das KI-Büro?",
        "AI Office",
        "Czym jest Biuro ds. AI?",  # found "Biuro ds. AI rekrutuje talenty ..." first
        "Co robi Biuro ds. AI?",  # found the institutional passage first
        "Hvad er AI-kontoret?",
        "Jaka jest rola Urzędu?",  # "rola" frames the question: found external experts first
    ],
)
def test_a_question_about_the_subject_itself_gets_the_passages_that_describe_it(settings, question):
    # Nothing but the subject's name and function words: searched with the name in the page
    # languages ("Det Europæiske AI-kontor"), not with "What is the" (which found recruitment).
    answer = ask(question, settings=settings)
    assert not answer.abstained, answer.text
    assert answer.citations[0].passage_id.rsplit("/", 1)[-1] in {"b002", "b005"}, answer.text


@pytest.mark.parametrize(
    "question,forced,passage,fact",
    [
        (
            "Hvornår er fristen for interessetilkendegivelser?",
            "pl",
            "ai-office/pl/b030",
            "27 marca 2024",
        ),
        (
            "Jaki był termin zgłoszeń do Biura ds. AI?",
            "da",
            "ai-office/da/b030",
            "27. marts 2024",
        ),
        ("What is the deadline for applications?", "pl", "ai-office/pl/b030", "27 marca 2024"),
    ],
)
def test_a_forced_answer_language_answers_from_that_page(settings, question, forced, passage, fact):
    answer = ask(question, language=forced, settings=settings)
    assert answer.language == forced and not answer.abstained, answer.text
    assert answer.citations[0].passage_id == passage
    assert fact in answer.text


def test_a_foreign_question_forced_into_a_page_language_is_still_judged_as_foreign(settings):
    # Its words are English whatever the answer language: the date token alone must not make
    # the job deadline answer "when was it founded?".
    answer = ask("When was the AI Office founded?", language="da", settings=settings)
    assert answer.language == "da" and answer.abstained and answer.reason == "not_on_page"
    assert "When was the AI Office founded" in answer.text


def test_forced_language_overrides_detection(settings):
    answer = ask("GenAI4EU", language="pl", settings=settings)
    assert answer.language == "pl"
    assert all(c.language == "pl" for c in answer.citations)


@pytest.mark.parametrize("question", ["", "   \n\t  ", None])
def test_empty_questions_get_a_message(settings, question):
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "empty" and answer.citations == []
    assert "question" in answer.text.lower()


def test_punctuation_only_question_gets_a_message(settings):
    answer = ask("?!?! ...", settings=settings)
    assert answer.abstained and answer.reason == "no_letters"


def test_control_characters_are_removed_and_the_question_answered(settings):
    answer = ask("Hvornår\x00 er\x07 fristen\x1b for interessetilkendegivelser?", settings=settings)
    assert answer.language == "da"
    assert "27. marts 2024" in answer.text


def test_very_long_question_is_cut_with_a_notice_in_its_language(settings):
    question = "Hvornår er fristen for interessetilkendegivelser? " * 400
    answer = ask(question, settings=settings)
    assert "for langt" in answer.notice
    assert len(answer.resolved_question) <= settings.max_question_chars
    assert answer.language == "da"
    assert answer.language == "da"
    assert "27. marts 2024" in answer.text
