"""The analyser's output on fixed text, pinned per ANALYSIS_VERSION.

An index stores the tokens its passages were analysed into; questions are analysed by the
running code. When chunking, stemming or the answer-type tokens change, old builds no longer
match and must be rebuilt, which happens only if ANALYSIS_VERSION (assistant/index/lexical.py)
is bumped. This test fails when the output changes under an unchanged version: bump the
version and add the new output under it (keep the old entries: they document the history).
"""

import pytest

from assistant.index.lexical import ANALYSIS_VERSION, LexicalIndex
from assistant.ingest.chunking import chunk_page
from assistant.ingest.corpus import Page

pytestmark = pytest.mark.unit

TEXTS = {
    "da": [
        "Det Europæiske AI-kontor håndhævelseaf reglerne. Fristen er den 27. marts 2024 kl. "
        "12.00 CET.",
        "Skriv til CNECT-AIOFFICE@ec.europa.eu om ledige stillinger og håndhævelse af reglerne.",
        "Kontoret leder AI-pagten sammen med medlemsstaterne.",
        # 4: "rolle" asks about nothing in particular ("Hvad er kontorets rolle?"): no token
        "Kontoret spiller en central rolle.",
        # 6: a request's frame and fillers ("giv mig", "helt præcist") are no content
        "Giv mig helt præcist listen over opgaverne.",
    ],
    "pl": [
        "Europejski Urząd ds. AI wspiera PanelNaukowy i UEdąży do celu.",
        "Termin upływa 27 marca 2024 r. o godz. 12.00 CET; napisz na CNECT-AIOFFICE@ec.europa.eu.",
        "Urząd nadzoruje pakt na rzecz sztucznej inteligencji i celu.",
        # 3: "mającej" (having) is no month ("maj"): no date token
        "Inicjatywa mającej na celu dialog.",
        # 4: "rolę" (role) is a question's frame word like "robi": no token
        "Urząd odgrywa kluczową rolę.",
        # 5: inflected Polish function words ("jakieś", "naszego", "tym") are no content; a
        # year ("roku") and an hour ("godz") still are
        "Czy jest jakieś miejsce dla naszego produktu w tym roku o godz. 9?",
    ],
}
QUESTIONS = {"da": "Hvornår er fristen for AI-pagten?", "pl": "Kiedy mija termin dla paktu?"}
PAGE = "Menu\n\nKontoret\n\nOm os\n\nVi gør to ting:\n\n• Råd.\n• Tilsyn.\n\n  Et billede.\n\nSlut."

EXPECTED = {
    2: {
        "passages": {
            "da": [
                ["europæisk", "ai", "kontor", "håndhævelseaf", "håndhæv", "regl", "frist", "27"]
                + ["mart", "2024", "kl", "12", "00", "cet", "⟨date⟩"],
                ["skriv", "cnect", "aioffic", "ec", "europa", "eu", "ledig", "stilling"]
                + ["håndhæv", "regl", "⟨email⟩"],
                ["kontor", "leder", "ai", "pagt", "samme", "medlemsstat"],
            ],
            "pl": [
                ["europejsk", "urząd", "ds", "ai", "wspier", "panel", "naukow", "ue", "dąż", "cel"],
                ["termin", "upływ", "27", "marc", "2024", "godz", "12", "00", "cet", "napis"]
                + ["cnect", "aioffic", "ec", "europ", "eu", "⟨email⟩", "⟨date⟩"],
                ["urząd", "nadzoruj", "pakt", "rzecz", "sztuczn", "inteligencj", "cel"],
            ],
        },
        "questions": {
            "da": ["frist", "ai", "pagt", "⟨date⟩"],
            "pl": ["mij", "termin", "pakt", "⟨date⟩"],
        },
        "chunks": [
            ("p/da/b003", "Kontoret › Om os", "", "Vi gør to ting:"),
            ("p/da/b004.00", "Kontoret › Om os", "Vi gør to ting:", "Råd."),
            ("p/da/b004.01", "Kontoret › Om os", "Vi gør to ting:", "Tilsyn."),
            ("p/da/b006", "Kontoret › Om os", "", "Slut."),
        ],
    },
}


# 3: Polish month names spelled out ("mającej" no longer reads as May, so no date token); the
# fourth Polish text shows it (under version 2 it got "⟨date⟩"; 2 pinned the first three).
EXPECTED[3] = {
    **EXPECTED[2],
    "passages": {
        "da": EXPECTED[2]["passages"]["da"],
        "pl": EXPECTED[2]["passages"]["pl"] + [["inicjatyw", "mając", "cel", "dialog"]],
    },
}


# 4: "role" ("rolle", "rola") is a question word, like "what does it do": dropped from
# questions and passages alike, so "Jaka jest rola Urzędu?" names only the subject. The new
# texts show it (the last Danish and the last Polish one).
EXPECTED[4] = {
    **EXPECTED[3],
    "passages": {
        "da": EXPECTED[3]["passages"]["da"] + [["kontor", "spil", "central"]],
        "pl": EXPECTED[3]["passages"]["pl"] + [["urząd", "odgryw", "kluczow"]],
    },
}


# 5: inflected Polish function words ("jakieś", "naszego", "tym"; `function_forms`) and, in
# Danish, the Swedish and Norwegian ones (its family): the new Polish text shows it. The
# earlier texts keep their tokens.
EXPECTED[5] = {
    **EXPECTED[4],
    "passages": {
        "da": EXPECTED[4]["passages"]["da"],
        "pl": EXPECTED[4]["passages"]["pl"] + [["miejsc", "produkt", "rok", "godz", "9"]],
    },
}


# 6: question words gained the words that frame a request or fill it ("giv", "nævn",
# "wylicz", "podaj", "helt præcist", "dokładnie"): the new Danish text shows it.
EXPECTED[6] = {
    **EXPECTED[5],
    "passages": {
        "da": EXPECTED[5]["passages"]["da"] + [["list", "opgav"]],
        "pl": EXPECTED[5]["passages"]["pl"],
    },
}


def _output() -> dict:
    passages, questions = {}, {}
    for language, texts in TEXTS.items():
        index = LexicalIndex.build(language, [str(i) for i in range(len(texts))], texts)
        passages[language] = [index.analyse(text) for text in texts]
        questions[language] = index.analyse_query(QUESTIONS[language], language)
    page = Page("p.da.txt", "p", "da", "https://x.eu/da", "Kontoret", PAGE)
    chunks = [(c.id, c.section, c.context, c.text) for c in chunk_page(page)]
    return {"passages": passages, "questions": questions, "chunks": chunks}


def test_the_analysers_output_is_the_one_pinned_for_its_version():
    assert ANALYSIS_VERSION in EXPECTED, (
        f"ANALYSIS_VERSION {ANALYSIS_VERSION} has no pinned output: add it to EXPECTED"
    )
    assert _output() == EXPECTED[ANALYSIS_VERSION], (
        "the analyser's output changed: bump ANALYSIS_VERSION in assistant/index/lexical.py "
        "and pin the new output under it"
    )
