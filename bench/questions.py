"""The questions the benchmark asks: the evaluation set when it is there, else a fixed list."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.resources import PROJECT_DIR

EVAL_SET = PROJECT_DIR / "eval" / "qa.jsonl"

# Used only when eval/qa.jsonl is missing: 20 Danish and 20 Polish questions about the page.
FALLBACK = [
    "Hvad er Det Europæiske AI-kontor?",
    "Hvornår er fristen for interessetilkendegivelser?",
    "Hvordan kontakter jeg AI-kontoret?",
    "Hvad er AI-pagten?",
    "Hvornår blev innovationspakken lanceret?",
    "Hvilke opgaver har AI-kontoret?",
    "Hvem samarbejder AI-kontoret med?",
    "Hvad er det videnskabelige panel?",
    "Hvad gør AI-kontoret for generelle AI-modeller?",
    "Hvordan støtter AI-kontoret innovation?",
    "Hvad er GenAI4EU?",
    "Hvordan kan jeg søge job i AI-kontoret?",
    "Hvad er AI-retsakten?",
    "Hvad er adfærdskodekser?",
    "Hvordan fremmer AI-kontoret internationalt samarbejde?",
    "Hvad er AI-fabrikker?",
    "Hvilken rolle spiller AI-bestyrelsen?",
    "Hvordan håndhæves reglerne for AI-modeller?",
    "Hvad er den europæiske AI-alliance?",
    "Hvor kan jeg få opdateringer fra AI-kontoret?",
    "Czym jest Europejski Urząd ds. AI?",
    "Jaki jest termin składania zgłoszeń?",
    "Jaki jest adres e-mail Biura ds. AI?",
    "Czym jest pakt na rzecz AI?",
    "Kiedy uruchomiono pakiet innowacji?",
    "Jakie zadania ma Urząd ds. AI?",
    "Z kim współpracuje Urząd ds. AI?",
    "Czym jest panel naukowy?",
    "Co robi Urząd ds. AI w sprawie modeli AI ogólnego przeznaczenia?",
    "Jak Urząd ds. AI wspiera innowacje?",
    "Czym jest GenAI4EU?",
    "Jak mogę ubiegać się o pracę w Urzędzie ds. AI?",
    "Czym jest akt w sprawie sztucznej inteligencji?",
    "Czym są kodeksy postępowania?",
    "Jak Urząd ds. AI wspiera współpracę międzynarodową?",
    "Czym są fabryki AI?",
    "Jaką rolę odgrywa Rada ds. AI?",
    "Jak egzekwowane są przepisy dotyczące modeli AI?",
    "Czym jest Europejski Sojusz na rzecz AI?",
    "Gdzie mogę otrzymywać aktualizacje z Urzędu ds. AI?",
]


def load_questions(path: Path = EVAL_SET) -> tuple[list[str], str]:
    """The benchmark questions and where they come from."""
    if path.is_file():
        questions = []
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if isinstance(row.get("question"), str) and row["question"].strip():
                    questions.append(row["question"])
        if questions:
            return questions, str(path.relative_to(PROJECT_DIR))
    return list(FALLBACK), "bench/questions.py"
