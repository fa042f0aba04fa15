"""A question log written for the report's tests: Danish, Polish and English asks over ten
days; questions the pages answer, questions off the subject, and questions about the subject
that the pages don't answer, each theme in three wordings (one per language, worded as a
person would, not translated word for word).

TUNING_THEMES chose the grouping's threshold (`assistant.operations.grouping`); TEST_THEMES
were written after and only check it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.answer import Answer, Citation
from assistant.operations.question_log import QuestionLog

TUNING_THEMES = {
    "budget": [
        ("How big is the AI Office's budget?", "en"),
        ("Hvor mange penge har AI-kontoret at gøre godt med om året?", "da"),
        ("Jaki jest roczny budżet Biura ds. AI?", "pl"),
    ],
    "salary": [
        ("How much do people working at the AI Office earn?", "en"),
        ("Hvad tjener en medarbejder i AI-kontoret?", "da"),
        ("Ile zarabia pracownik Biura ds. AI?", "pl"),
    ],
    "internship": [
        ("Can students do an internship at the AI Office?", "en"),
        ("Kan man komme i praktik hos AI-kontoret som studerende?", "da"),
        ("Czy studenci mogą odbyć staż w Biurze ds. AI?", "pl"),
    ],
    "director": [
        ("Who is the head of the AI Office?", "en"),
        ("Hvem er direktør for AI-kontoret?", "da"),
        ("Kto kieruje Biurem ds. AI?", "pl"),
    ],
    "fines": [
        ("How large are the fines the AI Office can give companies?", "en"),
        ("Hvor store bøder kan AI-kontoret give en virksomhed?", "da"),
        ("Jakie kary finansowe może nałożyć Biuro ds. AI na firmy?", "pl"),
    ],
    "remote": [
        ("Can AI Office staff work from home?", "en"),
        ("Må man arbejde hjemmefra i AI-kontoret?", "da"),
        ("Czy w Biurze ds. AI można pracować zdalnie?", "pl"),
    ],
}

TEST_THEMES = {
    "phone": [
        ("What number do I call to reach the AI Office by phone?", "en"),
        ("Hvad er AI-kontorets telefonnummer?", "da"),
        ("Pod jakim numerem telefonu można się skontaktować z Biurem ds. AI?", "pl"),
    ],
    "headcount": [
        ("How many staff does the AI Office employ?", "en"),
        ("Hvor mange mennesker arbejder der i AI-kontoret?", "da"),
        ("Ilu pracowników zatrudnia Biuro ds. AI?", "pl"),
    ],
    "complaint": [
        ("How can I complain to the AI Office about an AI system that treated me unfairly?", "en"),
        ("Hvordan klager jeg til AI-kontoret over et AI-system?", "da"),
        ("Gdzie złożyć skargę na system sztucznej inteligencji do Biura ds. AI?", "pl"),
    ],
    "newsletter": [
        ("Is there an AI Office newsletter I can sign up for?", "en"),
        ("Kan jeg abonnere på et nyhedsbrev fra AI-kontoret?", "da"),
        ("Czy mogę zapisać się na newsletter Biura ds. AI?", "pl"),
    ],
    "french": [
        ("Do I have to speak French to get a job at the AI Office?", "en"),
        ("Skal man kunne fransk for at arbejde i AI-kontoret?", "da"),
        ("Czy do pracy w Biurze ds. AI potrzebna jest znajomość francuskiego?", "pl"),
    ],
}

# Questions the pages answer: (question, language, passage cited).
ANSWERED = [
    ("Hvornår er fristen for interessetilkendegivelser?", "da", "ai-office/da/b030"),
    ("Hvad er AI-pagten?", "da", "ai-office/da/b027"),
    ("Hvad er GenAI4EU?", "da", "ai-office/da/b010"),
    ("Hvilke stillinger rekrutterer AI-kontoret til?", "da", "ai-office/da/b030"),
    ("Hvad er AI-kontorets e-mailadresse?", "da", "ai-office/da/b034"),
    ("Hvad laver AI-kontoret?", "da", "ai-office/da/b001"),
    ("Czym jest pakt na rzecz sztucznej inteligencji?", "pl", "ai-office/pl/b027"),
    ("Co to jest GenAI4EU?", "pl", "ai-office/pl/b010"),
    ("Kiedy mija termin wyrażenia zainteresowania?", "pl", "ai-office/pl/b030"),
    ("Jaki jest adres e-mail Biura ds. AI?", "pl", "ai-office/pl/b034"),
    ("Czym zajmuje się Biuro ds. AI?", "pl", "ai-office/pl/b001"),
    ("Jak jest zorganizowane Biuro ds. AI?", "pl", "ai-office/pl/b005"),
    ("What is the AI Pact?", "en", "ai-office/da/b027"),
    ("When is the deadline for expressions of interest?", "en", "ai-office/da/b030"),
    ("What does the AI Office do?", "en", "ai-office/da/b001"),
    ("What is GenAI4EU?", "en", "ai-office/da/b010"),
    ("Which jobs is the AI Office recruiting for?", "en", "ai-office/da/b030"),
]

OUT_OF_SCOPE = [
    ("Hvordan bliver vejret i København i morgen?", "da"),
    ("Jaka będzie jutro pogoda w Warszawie?", "pl"),
    ("What will the weather be like in Brussels tomorrow?", "en"),
    ("Hvordan laver man æbleskiver?", "da"),
    ("Jak upiec sernik?", "pl"),
]


def seed(log: QuestionLog, themes: dict = TEST_THEMES, days: int = 18) -> None:
    """Fill `log` over the last `days` days: each answered question twice (the Danish
    deadline question down-voted once), each theme's wordings as not_on_page, then the
    out-of-scope questions."""
    moment = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)
    step = timedelta(days=days) / (2 * len(ANSWERED) + 3 * len(themes) + len(OUT_OF_SCOPE))
    for repeat in range(2):
        for n, (question, language, passage) in enumerate(ANSWERED):
            citation = Citation(1, "passage", "quote", passage[10:12], "u", "T", "S", passage)
            answer = Answer("text [1]", language, [citation])
            record = log.record(question, answer, 0.04 + 0.01 * (n % 7), now=moment)
            if repeat == 0 and n == 0:
                log.vote(record, "down", now=moment)
            elif n % 3 == 0:
                log.vote(record, "up", now=moment)
            moment += step
    for wordings in themes.values():
        for question, language in wordings:
            nearest = Citation(1, "passage", "quote", "da", "u", "T", "S", "ai-office/da/b001")
            answer = Answer("no", language, [nearest], abstained=True, reason="not_on_page")
            log.record(question, answer, 0.06, now=moment)
            moment += step
    for question, language in OUT_OF_SCOPE:
        answer = Answer("off", language, abstained=True, reason="out_of_scope")
        log.record(question, answer, 0.02, now=moment)
        moment += step
