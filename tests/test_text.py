"""Sentences, stems and glued words."""

import pytest

from assistant.analysis.text import content_stems, leans_on_previous, sentences, split_glued

pytestmark = pytest.mark.unit


def test_sentences_keep_dates_times_and_abbreviations_whole():
    da = (
        "Læs mere i meddelelsen Fristen er den 27. marts 2024 kl. 12.00 CET. Du kan "
        "tilkendegive din interesse."
    )
    assert sentences(da) == [
        "Læs mere i meddelelsen Fristen er den 27. marts 2024 kl. 12.00 CET.",
        "Du kan tilkendegive din interesse.",
    ]
    pl = "Europejski Urząd ds. AI będzie centrum. W styczniu 2024 r. Komisja uruchomiła pakiet."
    assert sentences(pl) == [
        "Europejski Urząd ds. AI będzie centrum.",
        "W styczniu 2024 r. Komisja uruchomiła pakiet.",
    ]


def test_glued_words_are_split_when_both_halves_are_known():
    vocabulary = frozenset({"celu", "akt", "af", "reglerne"})
    assert split_glued("celuakt", vocabulary) == ["celuakt", "celu", "akt"]
    assert split_glued("håndhævelseaf", vocabulary) == ["håndhævelseaf", "håndhævelse", "af"]
    assert split_glued("reglerne", vocabulary) == ["reglerne"]


def test_camel_case_glue_is_split():
    assert "panel" in content_stems("PanelNaukowy", "pl")
    assert "ue" in content_stems("UEdąży", "pl")


def test_long_words_are_not_cut_to_colliding_short_stems():
    # Snowball gives "led" for both; "who leads" must not match "vacancies".
    assert content_stems("leder", "da") != content_stems("ledige", "da")


@pytest.mark.parametrize(
    ("sentence", "language", "leans"),
    [
        ("Både GenAI4EU og AI-kontoret var en del af denne pakke.", "da", True),
        ("Alt dette vil være en del af alliancen.", "da", True),
        ("Den vil spille en central rolle.", "da", True),
        ("Det Europæiske AI-kontor blev oprettet i Kommissionen.", "da", False),  # an article
        ("Yderligere ekspertise samles i et rådgivende forum.", "da", False),
        ("Będzie ona odgrywać kluczową rolę.", "pl", True),
        ("Zarówno GenAI4EU, jak i Biuro były częścią tego pakietu.", "pl", True),
        ("W ramach forum gromadzone są ekspertyzy, w tym przemysłu.", "pl", False),  # including
    ],
)
def test_a_sentence_leans_on_the_one_before_it_by_its_demonstratives_and_pronouns(
    sentence, language, leans
):
    assert leans_on_previous(sentence, language) is leans


@pytest.mark.parametrize(
    "question",
    ["Vad gör AI-kontoret?", "Hva gjør AI-kontoret?", "Hvad gør AI-kontoret?"],
    ids=["sv", "no", "da"],
)
def test_swedish_and_norwegian_question_words_are_no_subject_of_a_danish_question(question):
    """Swedes and Norwegians ask the Danish page in their own words, and detection reads them
    as Danish (one family): "vad" and "gör" must not count as words the page has to answer."""
    assert content_stems(question, "da") == ["ai", "kontor"]


@pytest.mark.parametrize(
    "question,expected",
    [
        ("Jakim organem jest Urząd?", ["organ", "urząd"]),
        ("Czy jest jakieś środowisko testowe dla naszej firmy?", ["środowisk", "testow", "firm"]),
        ("Od ktorego roku dziala urzad?", ["rok", "dzial", "urzad"]),
    ],
)
def test_inflected_polish_function_words_are_no_subject(question, expected):
    """Inflected question and function words ("jakim", "jakieś", "naszej", "ktorego"
    written without its diacritic) say nothing about what is asked; a year still does."""
    assert content_stems(question, "pl") == expected


@pytest.mark.parametrize(
    "question,language,first",
    [
        ("Hvem sidder i det rådgivende forum? Giv mig helt præcist listen", "da", "sidde"),
        ("Wylicz dokładnie zadania forum doradczego", "pl", "zadan"),
    ],
)
def test_a_requests_frame_and_fillers_are_no_subject(question, language, first):
    """ "Giv mig", "wylicz", "helt præcist", "dokładnie" ask for nothing the page must hold:
    counted as words of the question, they made the trained model refuse list questions."""
    stems = content_stems(question, language)
    assert stems[0] == first
    assert not {"giv", "mig", "helt", "præcis", "wylicz", "dokładn"} & set(stems)
