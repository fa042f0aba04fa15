"""What the assistant says in its own words, in the asker's language.

Danish and Polish are the page languages; English, German, French, Swedish and Norwegian get
their own words; any other language gets English.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "da": {
        "not_on_page_plain": "Siderne om Det Europæiske AI-kontor siger ikke noget om det.",
        "not_on_page": "Siderne om Det Europæiske AI-kontor siger ikke noget om det, du spørger "
        "om („{question}“).",
        "nearest": "Det nærmeste, de siger, er:",
        "out_of_scope": "Det står der ikke noget om på siderne om Det Europæiske AI-kontor, "
        "så det kan jeg ikke svare på.",
        "empty": "Skriv et spørgsmål om Det Europæiske AI-kontor.",
        "too_long": "Spørgsmålet var for langt ({length} tegn); jeg har kun brugt de første "
        "{limit} tegn.",
        "no_letters": "Jeg kunne ikke finde nogen ord i spørgsmålet. Skriv et spørgsmål om "
        "Det Europæiske AI-kontor.",
        "error": "Der skete en fejl, så jeg kan ikke svare lige nu: {detail}",
        "sources": "Kilder",
        "more_items": "… og {count} punkter mere på siden.",
    },
    "pl": {
        "not_on_page_plain": "Strony o Europejskim Urzędzie ds. AI nie mówią o tym.",
        "not_on_page": "Strony o Europejskim Urzędzie ds. AI nie mówią o tym, o co pytasz "
        "(„{question}”).",
        "nearest": "Najbliższe temu jest:",
        "out_of_scope": "Strony o Europejskim Urzędzie ds. AI nic o tym nie mówią, więc nie "
        "mogę odpowiedzieć na to pytanie.",
        "empty": "Zadaj pytanie o Europejski Urząd ds. AI.",
        "too_long": "Pytanie było za długie ({length} znaków); wykorzystałem tylko pierwsze "
        "{limit} znaków.",
        "no_letters": "Nie znalazłem w pytaniu żadnych słów. Zadaj pytanie o Europejski Urząd "
        "ds. AI.",
        "error": "Wystąpił błąd, więc nie mogę teraz odpowiedzieć: {detail}",
        "sources": "Źródła",
        "more_items": "… oraz {count} innych punktów na stronie.",
    },
    "en": {
        "not_on_page_plain": "The pages about the European AI Office don't say.",
        "not_on_page": "The pages about the European AI Office don't say what you asked "
        "(“{question}”).",
        "nearest": "The nearest thing they say is:",
        "out_of_scope": "The pages about the European AI Office don't say, so I can't answer that.",
        "empty": "Please ask a question about the European AI Office.",
        "too_long": "The question was too long ({length} characters); I used only the first "
        "{limit}.",
        "no_letters": "I found no words in the question. Please ask a question about the "
        "European AI Office.",
        "error": "Something went wrong, so I can't answer right now: {detail}",
        "sources": "Sources",
        "more_items": "… and {count} more on the page.",
        "other_language": "The official pages are in Danish and Polish only, so here are the "
        "closest passages, quoted as they stand:",
    },
    "de": {
        "not_on_page_plain": "Die Seiten über das Europäische KI-Büro sagen das nicht.",
        "not_on_page": "Die Seiten über das Europäische KI-Büro sagen nichts zu Ihrer Frage "
        "(„{question}“).",
        "nearest": "Am nächsten kommt:",
        "out_of_scope": "Die Seiten über das Europäische KI-Büro sagen dazu nichts.",
        "other_language": "Die offiziellen Seiten gibt es nur auf Dänisch und Polnisch; hier "
        "sind die passendsten Stellen im Wortlaut:",
        "sources": "Quellen",
    },
    "fr": {
        "not_on_page_plain": "Les pages sur le Bureau européen de l'IA ne le disent pas.",
        "not_on_page": "Les pages sur le Bureau européen de l'IA ne disent rien sur votre "
        "question (« {question} »).",
        "nearest": "Ce qui s'en approche le plus :",
        "out_of_scope": "Les pages sur le Bureau européen de l'IA n'en disent rien.",
        "other_language": "Les pages officielles n'existent qu'en danois et en polonais ; "
        "voici les passages les plus proches, cités tels quels :",
        "sources": "Sources",
    },
    "sv": {
        "out_of_scope": "Sidorna om Europeiska AI-byrån säger inget om det.",
        "other_language": "De officiella sidorna finns bara på danska och polska; här är de "
        "närmaste avsnitten, citerade ordagrant:",
        "sources": "Källor",
    },
    "no": {
        "out_of_scope": "Sidene om Det europeiske AI-kontoret sier ingenting om det.",
        "other_language": "De offisielle sidene finnes bare på dansk og polsk; her er de "
        "nærmeste avsnittene, sitert ordrett:",
        "sources": "Kilder",
    },
}


def message(key: str, language: str, **values) -> str:
    """The message `key` in `language`, or in English when that language lacks it."""
    template = MESSAGES.get(language, {}).get(key) or MESSAGES["en"][key]
    return template.format(**values)
