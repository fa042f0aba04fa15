"""A small glossary of the page's key terms, for questions in English (and German, French).

The pages are Danish and Polish and the default embedding model is English-trained and weak on
both, so an English question would otherwise only find names and numbers. These are the
subjects people ask about (checked against the page text), with the words the pages use.
"""

from __future__ import annotations

from assistant.analysis.text import words

GLOSSARY: dict[str, dict[str, str]] = {
    "deadline": {"da": "fristen", "pl": "termin upływa"},
    "apply": {"da": "ansøgningsskema interessetilkendegivelser", "pl": "formularza zgłoszeniowego"},
    "application": {"da": "ansøgningsskema", "pl": "formularza zgłoszeniowego"},
    "applications": {"da": "ansøgningsskema", "pl": "formularza zgłoszeniowego"},
    "job": {"da": "stillinger jobmuligheder", "pl": "miejsc pracy zatrudnienia"},
    "jobs": {"da": "stillinger jobmuligheder", "pl": "miejsc pracy zatrudnienia"},
    "vacancies": {"da": "ledige stillinger", "pl": "wolnych miejsc pracy"},
    "recruit": {"da": "rekrutterer", "pl": "rekrutuje"},
    "recruiting": {"da": "rekrutterer", "pl": "rekrutuje"},
    "contact": {"da": "kontakte kontaktoplysninger", "pl": "skontaktować kontaktowymi"},
    "email": {"da": "kontaktoplysninger", "pl": "danymi kontaktowymi"},
    "mail": {"da": "kontaktoplysninger", "pl": "danymi kontaktowymi"},
    "address": {"da": "kontaktoplysninger", "pl": "danymi kontaktowymi"},
    "pact": {"da": "AI-pagten", "pl": "pakt"},
    "tasks": {"da": "opgaver", "pl": "zadania"},
    "launch": {"da": "lancerede", "pl": "uruchomiła"},
    "launched": {"da": "lancerede", "pl": "uruchomiła"},
    "innovation": {"da": "innovationspakke", "pl": "pakiet innowacji"},
    "package": {"da": "innovationspakke", "pl": "pakiet innowacji"},
    "startups": {"da": "nystartede virksomheder", "pl": "start-up"},
    "board": {"da": "Udvalg for Kunstig Intelligens", "pl": "Radą ds. Sztucznej Inteligencji"},
    "panel": {"da": "Ekspertpanelet", "pl": "PanelNaukowy"},
    "scientific": {"da": "videnskabelige", "pl": "naukowym"},
    "forum": {"da": "rådgivende forum", "pl": "forum doradczego"},
    "international": {"da": "internationalt", "pl": "międzynarodowej"},
    "cooperation": {"da": "samarbejde", "pl": "współpraca"},
    "sandboxes": {"da": "AI-sandkasser", "pl": "piaskownic"},
    "codes": {"da": "adfærdskodekser", "pl": "kodeksów postępowania"},
    "practice": {"da": "adfærdskodekser", "pl": "kodeksów postępowania"},
    "updates": {"da": "opdateringer", "pl": "aktualizacje"},
    "factories": {"da": "AI-fabrikker", "pl": "Fabryki"},
    "robotics": {"da": "robotteknologi", "pl": "robotykę"},
    "supercomputers": {"da": "supercomputerkapacitet", "pl": "superkomputerowych"},
    "sanctions": {"da": "sanktioner", "pl": "sankcji"},
    "plan": {"da": "koordinerede plan", "pl": "skoordynowanego planu"},
    "alliance": {"da": "AI-alliance", "pl": "sojuszu"},
}


# The same subjects as asked in German and French (the eval set's other languages).
_SYNONYMS = {
    "frist": "deadline",
    "bewerbung": "application",
    "stellen": "jobs",
    "kontakt": "contact",
    "adresse": "address",
    "pakt": "pact",
    "aufgaben": "tasks",
    "gestartet": "launched",
    "innovationspaket": "package",
    "gremium": "panel",
    "wissenschaftliches": "scientific",
    "limite": "deadline",
    "candidature": "application",
    "emplois": "jobs",
    "pacte": "pact",
    "tâches": "tasks",
    "lancé": "launched",
    "paquet": "package",
    "scientifique": "scientific",
    "courriel": "email",
    "coordonnées": "contact",
}


def translate_terms(question: str, target: str) -> str:
    """The page words (in `target`) for the glossary terms in an English question."""
    found = []
    for word in words(question):
        entry = GLOSSARY.get(_SYNONYMS.get(word.lower(), word.lower()))
        if entry and target in entry:
            found.append(entry[target])
    return " ".join(found)
