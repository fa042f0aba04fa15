"""Any page in any of the EU's languages: a made-up Greek page (another script, another
sentence-ending mark) dropped into corpus/ beside the real two, with its manifest entry and its
subject's Greek name in site.json, is ingested and answers or abstains in Greek, naming its
subject, with no change to the code; the Danish and Polish answers stay exactly as they were."""

from __future__ import annotations

import json

import pytest
from _robust import corpus_with_page

from assistant import Settings, ask, ingest
from assistant.analysis.text import language_gaps, sentences, stem, word_analysis
from assistant.ingest.corpus import language_warnings, load_pages

GREEK_SUBJECT = "το Ευρωπαϊκό Γραφείο Μελισσοκομίας"

GREEK_PAGE = """Skip to main content

Διαμόρφωση του ψηφιακού μέλλοντος της Ευρώπης

Το Ευρωπαϊκό Γραφείο Μελισσοκομίας

Το Ευρωπαϊκό Γραφείο Μελισσοκομίας προστατεύει τις μέλισσες και στηρίζει τους μελισσοκόμους \
σε όλη την Ευρωπαϊκή Ένωση.

Καθήκοντα

Το Γραφείο ελέγχει κάθε άνοιξη την υγεία των κυψελών στα νησιά του Αιγαίου. Οι επιθεωρητές \
του μετρούν τις μέλισσες σε κάθε κυψέλη.

Το Γραφείο χρηματοδοτεί επίσης την έρευνα για τα φυτοφάρμακα που βλάπτουν τις μέλισσες.

Επικοινωνία

Οι ερωτήσεις προς το Γραφείο αποστέλλονται στη διεύθυνση melissa-grafeio@example.eu.
"""

# Asked on the two-language index and on the three-language one: the answers must not move.
REAL_QUESTIONS = (
    "Hvornår er fristen for interessetilkendegivelser?",
    "Hvad er AI-pagten?",
    "Jaki był termin zgłoszeń do Biura ds. AI?",
    "Jaki jest adres e-mail Biura ds. AI?",
)


def corpus_with_greek(folder) -> Settings:
    """The shipped corpus plus the Greek page: a page file, a manifest entry, a site name."""
    title = "Το Ευρωπαϊκό Γραφείο Μελισσοκομίας"
    return Settings(
        corpus_dir=corpus_with_page(folder, "melissa", "el", title, GREEK_PAGE, GREEK_SUBJECT)
    )


@pytest.fixture(scope="module")
def with_greek(tmp_path_factory) -> Settings:
    settings = corpus_with_greek(tmp_path_factory.mktemp("corpus"))
    settings = Settings(index_dir=tmp_path_factory.mktemp("index"), corpus_dir=settings.corpus_dir)
    report = ingest(settings)
    # Title, intro, the two task passages and the contact passage.
    assert report.languages["el"] == 4
    assert report.warnings == ()  # Greek has a stemmer and question words
    return settings


def test_a_greek_question_is_answered_from_the_greek_page(with_greek):
    answer = ask("Τι ελέγχει το Γραφείο Μελισσοκομίας κάθε άνοιξη;", settings=with_greek)
    assert answer.language == "el"
    assert not answer.abstained
    first = answer.citations[0]
    assert first.passage_id.startswith("melissa/el/")
    assert "υγεία των κυψελών" in first.quote
    assert first.url.startswith("https://example.eu/el/melissa")
    assert "υγεία των κυψελών" in answer.text


def test_a_greek_question_the_page_does_not_answer_names_the_greek_subject(with_greek):
    answer = ask("Πόσους υπαλλήλους έχει το Γραφείο Μελισσοκομίας;", settings=with_greek)
    assert answer.language == "el"
    assert answer.abstained
    assert answer.text.startswith(f"Οι σελίδες για {GREEK_SUBJECT} δεν ")


def test_the_danish_and_polish_answers_are_unchanged_beside_it(with_greek, settings):
    for question in REAL_QUESTIONS:
        alone, beside = ask(question, settings=settings), ask(question, settings=with_greek)
        assert not alone.abstained, question
        assert (beside.text, beside.language, beside.abstained) == (
            alone.text,
            alone.language,
            alone.abstained,
        ), question
        assert [c.passage_id for c in beside.citations] == [c.passage_id for c in alone.citations]


def test_a_danish_question_the_pages_do_not_answer_still_abstains_beside_it(with_greek):
    # The nearest passage quoted after the abstention may move with a third page in the
    # pool of candidates; the decision and its wording do not.
    answer = ask("Hvem er direktør for AI-kontoret?", settings=with_greek)
    assert answer.abstained and answer.language == "da"
    assert answer.text.startswith("Siderne om Det Europæiske AI-kontor siger ikke noget om det")


@pytest.mark.unit
def test_greek_and_cyrillic_split_into_sentences():
    assert sentences("Ελέγχει κυψέλες. Τι κάνει; Μετρά μέλισσες! Πού;") == [
        "Ελέγχει κυψέλες.",
        "Τι κάνει;",
        "Μετρά μέλισσες!",
        "Πού;",
    ]
    assert sentences("Бюрото е в София. Какво прави? Проверява кошери.") == [
        "Бюрото е в София.",
        "Какво прави?",
        "Проверява кошери.",
    ]
    # A semicolon after Latin letters is not a sentence end.
    assert sentences("Kontoret har to opgaver; Det er nok.") == [
        "Kontoret har to opgaver; Det er nok."
    ]


@pytest.mark.unit
def test_every_eu_language_is_read_with_a_stemmer_a_lemmatizer_or_lower_cased_words():
    eu = "bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split()
    analyses = {lang: word_analysis(lang) for lang in eu}
    assert {lang for lang, a in analyses.items() if a == "simplemma"} == {
        "bg",
        "hr",
        "lv",
        "sk",
        "sl",
    }
    assert {lang for lang, a in analyses.items() if a == "lowercase"} == {"mt"}
    assert stem("μέλισσες", "el") == stem("μέλισσα", "el")
    assert stem("кошерите", "bg") == "кошер"  # simplemma's lemma
    assert stem("Ħaddiema", "mt") == "ħaddiema"


@pytest.mark.unit
def test_a_page_in_a_language_without_a_stemmer_is_read_with_a_warning(tmp_path):
    (tmp_path / "ufficcju.mt.txt").write_text(
        "L-Uffiċċju Ewropew tan-Naħal\n\nL-Uffiċċju jgħin lil min irabbi n-naħal.\n",
        encoding="utf-8",
    )
    manifest = {
        "pages": [
            {
                "file": "ufficcju.mt.txt",
                "page": "ufficcju",
                "language": "mt",
                "url": "https://example.eu/mt/ufficcju",
                "title": "L-Uffiċċju Ewropew tan-Naħal",
            }
        ]
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    pages = load_pages(tmp_path)  # read, not refused
    assert [p.language for p in pages] == ["mt"]
    warnings = language_warnings(pages)
    assert warnings == [f"language 'mt' (ufficcju.mt.txt): {gap}" for gap in language_gaps("mt")]
    assert any("lower-cased" in w for w in warnings)
    assert any("question words" in w for w in warnings)


def test_a_question_in_another_language_hears_which_languages_the_pages_are_in(with_greek):
    answer = ask("What does the European AI Office do?", settings=with_greek)
    assert answer.language == "en" and not answer.abstained
    assert answer.text.startswith("The official pages are in Danish, Greek and Polish only")


@pytest.mark.unit
def test_the_page_languages_are_listed_in_the_messages_language():
    from assistant.answering.messages import language_list

    assert language_list(["da", "pl"], "en") == "Danish and Polish"
    assert language_list(["da", "pl", "el"], "fr") == "en danois, en polonais et en grec"
    assert language_list(["da", "pl"], "de") == "Dänisch und Polnisch"
    assert language_list(["el"], "sv") == "grekiska"


@pytest.mark.parametrize(
    "question",
    [
        "欧州AIオフィスの役割は何ですか？",  # what is the European AI Office's role
        "ما هو دور مكتب الذكاء الاصطناعي الأوروبي؟",
        "Какова роль Европейского офиса по ИИ?",
    ],
    ids=["ja", "ar", "ru"],
)
def test_a_question_in_a_language_it_cannot_read_hears_which_ones_it_reads(settings, question):
    """Not "the pages don't say": it cannot tell whether they do. It names the languages it
    reads, in English (it has no message in these), the pages' languages first."""
    answer = ask(question, settings=settings)
    assert answer.abstained and answer.reason == "unsupported_language"
    assert answer.language == "en" and answer.citations == []
    assert answer.text.startswith("I can't read questions in this language yet")
    assert answer.text.endswith("Please ask in Danish, Polish, German, English and French.")


@pytest.mark.parametrize(
    "question,language",
    [("What is the weather in Paris today?", "en"), ("Hvad koster en pizza i Odense?", "da")],
)
def test_a_question_off_the_subject_in_a_language_it_reads_is_still_out_of_scope(
    settings, question, language
):
    answer = ask(question, settings=settings)
    assert (answer.abstained, answer.reason, answer.language) == (True, "out_of_scope", language)


@pytest.mark.parametrize(
    "question,first",
    [
        ("Vad gör AI-kontoret?", "ai-office/da/b002"),
        pytest.param(
            "Vad är AI-pakten?",
            "ai-office/da/b027",
            # Since the veto went 0.15 -> 0.2 (dev: fewer wrong answers, more refusals) the
            # model refuses it ("answered" 0.15 of answered or not on the pages); not strict,
            # as the last digits differ between CPUs.
            marks=pytest.mark.xfail(strict=False, reason="the trained model's veto refuses it"),
        ),
        pytest.param(
            "Hva er AI-pakten?",
            "ai-office/da/b027",
            # Since the model was retrained on the written questions' n-gram ranking and the
            # veto went 0.2 -> 0.25 (dev: fewer wrong answers at equal cost), it refuses this
            # one too ("answered" 0.23); not strict, as the last digits differ between CPUs.
            marks=pytest.mark.xfail(strict=False, reason="the trained model's veto refuses it"),
        ),
        ("Hva gjør AI-kontoret?", "ai-office/da/b002"),
    ],
    ids=["sv-what-does-it-do", "sv-pact", "no-pact", "no-what-does-it-do"],
)
def test_a_swedish_or_norwegian_question_is_answered_from_the_danish_page(
    settings, question, first
):
    """Swedes and Norwegians read Danish and ask in their own words; detection reads them as
    Danish. Their question words ("vad", "gör", "hva") used to count as words the page
    leaves unanswered, and "Vad gör AI-kontoret?" was refused as not on the pages."""
    answer = ask(question, settings=settings)
    assert (answer.abstained, answer.language) == (False, "da")
    assert answer.citations[0].passage_id == first
