"""What the assistant says in its own words, in the asker's language.

Templates, not sentences: `{subject}` is the site's subject as `corpus/site.json` names it in
the message's language (`{subject_about}` the form after "about" where the language inflects
it), so another site's pages need no change here (`Index.subject`). Danish, Polish, English,
German, French, Swedish, Norwegian and Greek have their own words; any other language gets
English.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "da": {
        "not_on_page_plain": "Siderne om {subject} siger ikke noget om det.",
        "not_on_page": "Siderne om {subject} siger ikke noget om det, du spørger "
        "om („{question}“).",
        "nearest": "Det nærmeste, de siger, er:",
        "out_of_scope": "Det står der ikke noget om på siderne om {subject}, "
        "så det kan jeg ikke svare på.",
        "empty": "Skriv et spørgsmål om {subject}.",
        "too_long": "Spørgsmålet var for langt ({length} tegn); jeg har kun brugt de første "
        "{limit} tegn.",
        "no_letters": "Jeg kunne ikke finde nogen ord i spørgsmålet. Skriv et spørgsmål om "
        "{subject}.",
        "error": "Der skete en fejl, så jeg kan ikke svare lige nu: {detail}",
        "sources": "Kilder",
        "more_items": "… og {count} punkter mere på siden.",
    },
    "pl": {
        "not_on_page_plain": "Strony o {subject_about} nie mówią o tym.",
        "not_on_page": "Strony o {subject_about} nie mówią o tym, o co pytasz („{question}”).",
        "nearest": "Najbliższe temu jest:",
        "out_of_scope": "Strony o {subject_about} nic o tym nie mówią, więc nie "
        "mogę odpowiedzieć na to pytanie.",
        "empty": "Zadaj pytanie o {subject}.",
        "too_long": "Pytanie było za długie ({length} znaków); wykorzystałem tylko pierwsze "
        "{limit} znaków.",
        "no_letters": "Nie znalazłem w pytaniu żadnych słów. Zadaj pytanie o {subject}.",
        "error": "Wystąpił błąd, więc nie mogę teraz odpowiedzieć: {detail}",
        "sources": "Źródła",
        "more_items": "… oraz {count} innych punktów na stronie.",
    },
    "en": {
        "not_on_page_plain": "The pages about {subject} don't say.",
        "not_on_page": "The pages about {subject} don't say what you asked (“{question}”).",
        "nearest": "The nearest thing they say is:",
        "out_of_scope": "The pages about {subject} don't say, so I can't answer that.",
        "empty": "Please ask a question about {subject}.",
        "too_long": "The question was too long ({length} characters); I used only the first "
        "{limit}.",
        "no_letters": "I found no words in the question. Please ask a question about {subject}.",
        "error": "Something went wrong, so I can't answer right now: {detail}",
        "sources": "Sources",
        "more_items": "… and {count} more on the page.",
        "other_language": "The official pages are in {languages} only, so here are the "
        "closest passages, quoted as they stand:",
        "unsupported_language": "I can't read questions in this language yet, so I can't tell "
        "whether the pages about {subject} answer it. Please ask in {languages}.",
    },
    "de": {
        "not_on_page_plain": "Die Seiten über {subject} sagen das nicht.",
        "not_on_page": "Die Seiten über {subject} sagen nichts zu Ihrer Frage („{question}“).",
        "nearest": "Am nächsten kommt:",
        "out_of_scope": "Die Seiten über {subject} sagen dazu nichts.",
        "other_language": "Die offiziellen Seiten gibt es nur auf {languages}; hier "
        "sind die passendsten Stellen im Wortlaut:",
        "sources": "Quellen",
    },
    "fr": {
        "not_on_page_plain": "Les pages sur {subject} ne le disent pas.",
        "not_on_page": "Les pages sur {subject} ne disent rien sur votre "
        "question (« {question} »).",
        "nearest": "Ce qui s'en approche le plus :",
        "out_of_scope": "Les pages sur {subject} n'en disent rien.",
        "other_language": "Les pages officielles n'existent qu'{languages} ; "
        "voici les passages les plus proches, cités tels quels :",
        "sources": "Sources",
    },
    "sv": {
        "out_of_scope": "Sidorna om {subject} säger inget om det.",
        "other_language": "De officiella sidorna finns bara på {languages}; här är de "
        "närmaste avsnitten, citerade ordagrant:",
        "unsupported_language": "Jag kan ännu inte läsa frågor på det här språket, så jag kan "
        "inte avgöra om sidorna om {subject} svarar på dem. Ställ frågan på {languages}.",
        "sources": "Källor",
    },
    "no": {
        "out_of_scope": "Sidene om {subject} sier ingenting om det.",
        "other_language": "De offisielle sidene finnes bare på {languages}; her er de "
        "nærmeste avsnittene, sitert ordrett:",
        "unsupported_language": "Jeg kan ennå ikke lese spørsmål på dette språket, så jeg kan "
        "ikke si om sidene om {subject} svarer på dem. Still spørsmålet på {languages}.",
        "sources": "Kilder",
    },
    "el": {
        "not_on_page_plain": "Οι σελίδες για {subject} δεν το αναφέρουν.",
        "not_on_page": "Οι σελίδες για {subject} δεν αναφέρουν αυτό που ρωτάτε («{question}»).",
        "nearest": "Το πιο κοντινό που αναφέρουν είναι:",
        "out_of_scope": "Οι σελίδες για {subject} δεν αναφέρουν τίποτα γι' αυτό, οπότε δεν "
        "μπορώ να απαντήσω.",
        "empty": "Γράψτε μια ερώτηση για {subject}.",
        "too_long": "Η ερώτηση ήταν πολύ μεγάλη ({length} χαρακτήρες)· χρησιμοποίησα μόνο τους "
        "πρώτους {limit}.",
        "no_letters": "Δεν βρήκα λέξεις στην ερώτηση. Γράψτε μια ερώτηση για {subject}.",
        "error": "Κάτι πήγε στραβά και δεν μπορώ να απαντήσω τώρα: {detail}",
        "sources": "Πηγές",
        "more_items": "… και {count} ακόμη στη σελίδα.",
    },
}

# What a template says when no subject is given (a message outside any corpus).
GENERIC_SUBJECT = {
    "da": "siderne",
    "pl": "tych stronach",
    "en": "these pages",
}


def language_list(codes, language: str) -> str:
    """The page languages as a message in `language` lists them ("Danish and Polish", "en
    danois et en polonais"); a language the tables lack is named by its code."""
    from assistant.analysis.text import language_data

    words = language_data("list_words")
    if language not in words:
        language = "en"
    table = language_data("english_names" if language == "en" else "names_in")
    names = table if language == "en" else table.get(language, {})
    items = [f"{words[language]['each']}{names.get(code, code)}" for code in codes]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {words[language]['and']} {items[-1]}"


def message(key: str, language: str, subject: dict[str, str] | None = None, **values) -> str:
    """The message `key` in `language`, or in English when that language lacks it.

    `subject` fills `{subject}` and `{subject_about}` (`Index.subject(language)`); without it
    they read "these pages"."""
    template = MESSAGES.get(language, {}).get(key)
    if template is None:
        template, language = MESSAGES["en"][key], "en"
    if subject is None:
        generic = GENERIC_SUBJECT.get(language, GENERIC_SUBJECT["en"])
        subject = {"subject": generic, "subject_about": generic}
    return template.format(**subject, **values)
