"""The chat page's own words (buttons, labels, page messages) in Danish, Polish and English.

What the assistant says in answers lives in `messages.py`; this module holds only the text of
the page around the answers, so the page can follow the conversation's language. Pure data
and lookups: nothing here imports the web framework.
"""

from __future__ import annotations

from assistant.analysis.text import language_data
from assistant.ingest.corpus import capture_dates, corpus_languages
from assistant.ingest.site import Site, load_site

UI_TEXT: dict[str, dict[str, str]] = {
    "da": {
        # Generic words; the site's own title, intro and footer come from corpus/site.json.
        "title": "Spørg om siderne",
        "intro": "Svarene citerer de officielle sider, med et link, der åbner siden ved det "
        "citerede sted. Står svaret ikke på siderne, siger assistenten det.",
        "question_label": "Dit spørgsmål",
        "placeholder": "Skriv et spørgsmål …",
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
        "vote_refused": "Vurderingen blev ikke gemt: kun tommel op eller ned kan gemmes.",
        "footer": "Alt kører på denne maskine.",
        "as_of": "hentet {date}",
        "pages_as_of": "Siderne er hentet {date}.",
    },
    "pl": {
        # Generic words; the site's own title, intro and footer come from corpus/site.json.
        "title": "Zapytaj o strony",
        "intro": "Odpowiedzi cytują oficjalne strony, z linkiem otwierającym stronę w cytowanym "
        "miejscu. Jeśli strony o tym nie mówią, asystent to przyzna.",
        "question_label": "Twoje pytanie",
        "placeholder": "Zadaj pytanie …",
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
        "vote_refused": "Ocena nie została zapisana: można zapisać tylko kciuk w górę lub w dół.",
        "footer": "Wszystko działa na tym komputerze.",
        "as_of": "stan na {date}",
        "pages_as_of": "Stan stron na {date}.",
    },
    "en": {
        # Generic words; the site's own title, intro and footer come from corpus/site.json.
        "title": "Ask about the pages",
        "intro": "Answers quote the official pages, with a link that opens the page at the quoted "
        "sentence. When the pages don't say, the assistant tells you so.",
        "question_label": "Your question",
        "placeholder": "Ask a question …",
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
        "vote_refused": "The rating was not saved: only thumbs up or down can be saved.",
        "footer": "Everything runs on this machine.",
        "as_of": "as of {date}",
        "pages_as_of": "Pages as of {date}.",
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

# The languages the page's own words are written in (not the corpus's page languages).
UI_LANGUAGES = tuple(UI_TEXT)


def page_language(language: str | None) -> str:
    """The page language for a conversation in `language`: da, pl, or English for the rest."""
    return language if language in UI_LANGUAGES else "en"


def ui_text(key: str, language: str | None, /, **values: str) -> str:
    """The page text `key` in the page language for `language`, with `values` filled in.

    The site's own title, intro, footer and placeholder (corpus/site.json) win over the
    generic words."""
    lang = page_language(language)
    template = current_site().text(key, lang) or UI_TEXT[lang][key]
    return template.format(**values) if values else template


def current_site() -> Site:
    """The site file of the configured corpus (`ASSISTANT_CORPUS_DIR`, or the shipped one)."""
    from assistant.settings import Settings

    return load_site(Settings.from_env().corpus_dir)


def examples() -> tuple[str, ...]:
    """The site's example questions, in the languages they are written in."""
    return tuple(e.question for e in current_site().examples)


def auth_message() -> str:
    """What the login form says: the site's name in each of its languages."""
    names = current_site().texts.get("name", {})
    shown = [names[code] for code in corpus_page_languages() if code in names]
    return " · ".join(dict.fromkeys(shown)) or UI_TEXT["en"]["title"]


def language_name(code: str, in_language: str | None) -> str:
    """The name of language `code` in the page language (else its name in itself)."""
    return LANGUAGE_NAMES[page_language(in_language)].get(code) or own_name(code)


def page_adjective(code: str, in_language: str | None) -> str:
    """`code` as the adjective for "the ... page" in the page language."""
    names = _PAGE_ADJECTIVES[page_language(in_language)]
    return names.get(code) or language_name(code, in_language)


def footer_text(language: str | None) -> str:
    """The page footer: the site's footer, then the date of the captures it answers from."""
    from assistant.settings import Settings

    dates = capture_dates(Settings.from_env().corpus_dir)
    footer = ui_text("footer", language)
    if not dates:
        return footer
    span = dates[0] if len(dates) == 1 else f"{dates[0]} – {dates[-1]}"
    return f"{footer} {ui_text('pages_as_of', language, date=span)}"


def corpus_page_languages() -> tuple[str, ...]:
    """The configured corpus's page languages (its manifest): what the page offers."""
    from assistant.settings import Settings

    return corpus_languages(Settings.from_env().corpus_dir)


def own_name(code: str) -> str:
    """A language's name in itself ("Dansk", "Ελληνικά"), the code when unknown."""
    return language_data("own_names").get(code, code)


def language_choices(in_language: str | None) -> list[tuple[str, str]]:
    """(label, value) pairs for the answer-language choice: automatic or a page language."""
    return [(ui_text("auto", in_language), "auto")] + [
        (own_name(code), code) for code in corpus_page_languages()
    ]


def words_in_their_own_language() -> dict[str, str]:
    """Page words that keep their own language whatever the page's (the examples, the language
    choices), each with its language code, so the page can mark them with `lang`."""
    return {
        **{e.question: e.language for e in current_site().examples},
        **{own_name(code): code for code in corpus_page_languages()},
    }


def forced_language(choice: str | None) -> str | None:
    """The language to force for a choice on the page, or None to detect it."""
    return choice if choice in corpus_page_languages() else None


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
        if primary in UI_LANGUAGES:
            return primary
    return "en"
