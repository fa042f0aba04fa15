"""The chat page's own words (buttons, labels, page messages) in Danish, Polish and English.

What the assistant says in answers lives in `messages.py`; this module holds only the text of
the page around the answers, so the page can follow the conversation's language. Pure data
and lookups: nothing here imports the web framework.
"""

from __future__ import annotations

PAGE_LANGUAGES = ("da", "pl", "en")

# Example questions to start from, in both page languages, whatever the page language is,
# each with the language it is written in (the page marks it, WCAG 3.1.2 language of parts).
_EXAMPLES: tuple[tuple[str, str], ...] = (
    ("da", "Hvornår er fristen for interessetilkendegivelser?"),
    ("da", "Hvad er AI-pagten?"),
    ("da", "Hvordan kan jeg kontakte AI-kontoret?"),
    ("pl", "Kiedy mija termin wyrażenia zainteresowania?"),
    ("pl", "Czym jest pakt na rzecz AI?"),
    ("pl", "Jaki jest adres e-mail Biura ds. AI?"),
)
EXAMPLES: tuple[str, ...] = tuple(text for _, text in _EXAMPLES)

UI_TEXT: dict[str, dict[str, str]] = {
    "da": {
        "title": "Spørg om Det Europæiske AI-kontor",
        "intro": "Svarene citerer Europa-Kommissionens officielle side om AI-kontoret, på dansk "
        "eller polsk, med et link, der åbner siden ved det citerede sted. Står svaret ikke på "
        "siden, siger assistenten det.",
        "question_label": "Dit spørgsmål",
        "placeholder": "Skriv et spørgsmål på dansk eller polsk …",
        "send": "Spørg",
        "clear": "Ny samtale",
        "language_label": "Svarsprog",
        "auto": "Automatisk",
        "examples": "Eksempler",
        "answering": "Svarer …",
        "question_speaker": "Dit spørgsmål:",
        "answer_speaker": "Svar:",
        "sources": "Kilder",
        "open_page": "Åbn siden ved citatet",
        "translation": "Samme afsnit på den {language} side",
        "open_translation": "Åbn den {language} side",
        "language_line": "Sprog: {language}",
        "detected": "genkendt automatisk",
        "guessed": "usikkert gæt",
        "forced": "valgt",
        "thanks": "Tak! Din vurdering er gemt.",
        "withdrawn": "Din vurdering er fjernet.",
        "footer": "Sidens indhold © Den Europæiske Union, genbrugt med kildeangivelse. "
        "Alt kører på denne maskine.",
    },
    "pl": {
        "title": "Zapytaj o Europejski Urząd ds. AI",
        "intro": "Odpowiedzi cytują oficjalną stronę Komisji Europejskiej o Urzędzie ds. AI, "
        "po duńsku lub po polsku, z linkiem otwierającym stronę w cytowanym miejscu. Jeśli "
        "strona o tym nie mówi, asystent to przyzna.",
        "question_label": "Twoje pytanie",
        "placeholder": "Zadaj pytanie po polsku lub po duńsku …",
        "send": "Zapytaj",
        "clear": "Nowa rozmowa",
        "language_label": "Język odpowiedzi",
        "auto": "Automatycznie",
        "examples": "Przykłady",
        "answering": "Odpowiadam …",
        "question_speaker": "Twoje pytanie:",
        "answer_speaker": "Odpowiedź:",
        "sources": "Źródła",
        "open_page": "Otwórz stronę w miejscu cytatu",
        "translation": "Ten sam fragment na stronie w języku {language}",
        "open_translation": "Otwórz stronę w języku {language}",
        "language_line": "Język: {language}",
        "detected": "wykryty automatycznie",
        "guessed": "niepewne przypuszczenie",
        "forced": "wybrany",
        "thanks": "Dziękujemy! Twoja ocena została zapisana.",
        "withdrawn": "Twoja ocena została usunięta.",
        "footer": "Treść strony © Unia Europejska, wykorzystana z podaniem źródła. "
        "Wszystko działa na tym komputerze.",
    },
    "en": {
        "title": "Ask about the European AI Office",
        "intro": "Answers quote the European Commission's official page about the AI Office, "
        "in Danish or Polish, with a link that opens the page at the quoted sentence. When "
        "the page doesn't say, the assistant tells you so.",
        "question_label": "Your question",
        "placeholder": "Ask a question in Danish or Polish …",
        "send": "Ask",
        "clear": "New conversation",
        "language_label": "Answer language",
        "auto": "Automatic",
        "examples": "Examples",
        "answering": "Answering …",
        "question_speaker": "Your question:",
        "answer_speaker": "Answer:",
        "sources": "Sources",
        "open_page": "Open the page at the quote",
        "translation": "The same passage on the {language} page",
        "open_translation": "Open the {language} page",
        "language_line": "Language: {language}",
        "detected": "detected",
        "guessed": "uncertain guess",
        "forced": "chosen",
        "thanks": "Thank you! Your rating is saved.",
        "withdrawn": "Your rating is removed.",
        "footer": "Page content © European Union, reused with attribution. "
        "Everything runs on this machine.",
    },
}

# Language names as they read in a running sentence ("Language: Danish").
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "da": {
        "da": "dansk",
        "pl": "polsk",
        "en": "engelsk",
        "de": "tysk",
        "fr": "fransk",
        "sv": "svensk",
        "no": "norsk",
    },
    "pl": {
        "da": "duński",
        "pl": "polski",
        "en": "angielski",
        "de": "niemiecki",
        "fr": "francuski",
        "sv": "szwedzki",
        "no": "norweski",
    },
    "en": {
        "da": "Danish",
        "pl": "Polish",
        "en": "English",
        "de": "German",
        "fr": "French",
        "sv": "Swedish",
        "no": "Norwegian",
    },
}

# The adjective before "side"/"page" ("den polske side", "the Polish page"); Polish says
# "na stronie w języku duńskim", so it has its own forms.
_PAGE_ADJECTIVES: dict[str, dict[str, str]] = {
    "da": {"da": "danske", "pl": "polske"},
    "pl": {"da": "duńskim", "pl": "polskim"},
    "en": {"da": "Danish", "pl": "Polish"},
}

# The language choice on the page: "auto" or a page language, each named in its own language.
LANGUAGE_CHOICES: tuple[str, ...] = ("auto", "da", "pl")
_OWN_NAMES = {"da": "Dansk", "pl": "Polski"}


def page_language(language: str | None) -> str:
    """The page language for a conversation in `language`: da, pl, or English for the rest."""
    return language if language in PAGE_LANGUAGES else "en"


def ui_text(key: str, language: str | None, /, **values: str) -> str:
    """The page text `key` in the page language for `language`, with `values` filled in."""
    template = UI_TEXT[page_language(language)][key]
    return template.format(**values) if values else template


def language_name(code: str, in_language: str | None) -> str:
    """The name of language `code` in the page language (the code itself when unknown)."""
    return LANGUAGE_NAMES[page_language(in_language)].get(code, code)


def page_adjective(code: str, in_language: str | None) -> str:
    """`code` as the adjective for "the ... page" in the page language."""
    names = _PAGE_ADJECTIVES[page_language(in_language)]
    return names.get(code) or language_name(code, in_language)


def language_choices(in_language: str | None) -> list[tuple[str, str]]:
    """(label, value) pairs for the answer-language choice."""
    return [
        (ui_text("auto", in_language) if code == "auto" else _OWN_NAMES[code], code)
        for code in LANGUAGE_CHOICES
    ]


def words_in_their_own_language() -> dict[str, str]:
    """Page words that keep their own language whatever the page's (the examples, the language
    choices), each with its language code, so the page can mark them with `lang`."""
    return {
        **{text: code for code, text in _EXAMPLES},
        **{name: code for code, name in _OWN_NAMES.items()},
    }


def forced_language(choice: str | None) -> str | None:
    """The language to force for a choice on the page, or None to detect it."""
    return choice if choice in ("da", "pl") else None


def language_from_header(accept_language: str | None) -> str:
    """The page language a browser asks for (its Accept-Language header), English by default.

    Takes the first of da/pl/en in the header's order of preference.
    """
    preferences: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        preferences.append((-quality, position, primary))
    for _, _, primary in sorted(preferences):
        if primary in PAGE_LANGUAGES:
            return primary
    return "en"
