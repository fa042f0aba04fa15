"""Expected answer types: a question that asks "when" wants a date, "how many" a number.

Two uses:

- Type tokens in BM25: passages get a token for what they hold (an e-mail address, a date),
  questions the token of what they ask for, so "Hvad er e-mailadressen?" finds the passage
  with the address although the page never says "e-mail".
- Answerability (`answering/answerability.py`): a question that asks for a count, an amount
  of money, a phone number, a postal address, a time of day or how often, is answered only
  by a passage that holds one.

What marks each type in a question is language data: interrogatives and the general words
for the kind of thing asked ("telefon", "budget", "how often"), in the languages questions
come in. Nothing here knows what any page says.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from assistant.analysis.text import language_data

EMAIL = "⟨email⟩"
DATE = "⟨date⟩"
COUNT = "⟨count⟩"
MONEY = "⟨money⟩"
PHONE = "⟨phone⟩"
POSTAL = "⟨postal⟩"
HOURS = "⟨hours⟩"
PLACE = "⟨place⟩"
LEADER = "⟨leader⟩"
FREQUENCY = "⟨frequency⟩"
LANGUAGE = "⟨language⟩"
DURATION = "⟨duration⟩"

# An e-mail address, without the full stop of a sentence that ends with one. Shared by the
# grounding check and the evaluation's judge, which need the same addresses verbatim.
EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_MONTHS = (
    r"januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december|"
    # Polish months in their inflected forms, spelled out: a stem with any ending ("maj\w*")
    # also takes "mającej" (having) and "lipa" for dates.
    r"stycz(eń|nia|niu)|lut(y|ego|ym)|mar(zec|ca|cu)|kwie(cień|tnia|tniu)|maj(a|u)|"
    r"czerw(iec|ca|cu)|lip(iec|ca|cu)|sierp(ień|nia|niu)|wrze(sień|śnia|śniu)|"
    r"październik(a|u)?|listopad(a|zie)?|grud(zień|nia|niu)|"
    r"january|february|march|june|july|october"
)
# Number words per language (a Polish "to" is "this", a Danish one "two"): language data.
_NUMBER_WORDS = language_data("number_words")
# Units of time, after a number they make a duration ("tre måneder", "6 tygodni", "two years").
_TIME_UNITS = (
    r"(sekund\w*|minut\w*|timer?|dage?|uger?|måned(er)?|år|godzin\w*|dni|dzień|tydzień|"
    r"tygod\w*|miesi[ąę]c\w*|lat|lata|rok\w*|hours?|days?|weeks?|months?|years?)"
)

# What a passage holds.
_IN_TEXT = {
    EMAIL: EMAIL_ADDRESS,
    DATE: re.compile(rf"\b(19|20)\d{{2}}\b|\b\d{{1,2}}\.\d{{2}}\b|\b({_MONTHS})\b", re.I),
    # A number that is not a year, a day of a month, a time of day or part of a name
    # ("GenAI4EU"); number words are added per language (`held_types`).
    COUNT: re.compile(
        rf"(?<![\w.,])(?!(19|20)\d{{2}}\b)\d+(?![\w.:]\d)(?!\w)(?!\.?\s*({_MONTHS})\b)", re.I
    ),
    MONEY: re.compile(
        r"[€$£]\s?\d|\d\s?[€$£]|\b\d[\d.,\s]*\s?(mio\.?|mia\.?|mln|mld|million\w*|billion\w*|"
        r"milliard\w*|miliard\w*|milion\w*)?\s?(eur|euro|euros|kr\.?|kroner|dkk|zł|złotych|pln|"
        r"usd|dollars?)(?!\w)",
        re.I,
    ),
    PHONE: re.compile(r"(\+|\b00)\d{2}[\s\d()-]{6,}\d|\b(tlf|tel|telefon)\.?:?\s*\+?\d", re.I),
    POSTAL: re.compile(
        r"\b[A-Z]{1,2}-?\d{4,5}\s+[A-ZÀ-Ž]\w+|\b\d{2}-\d{3}\s+[A-ZŁŚŻŹĆ]\w+|"
        r"\b(rue|avenue|gade|vej|ulica|ul\.|street|straße|strasse)\b",
        re.I,
    ),
    HOURS: re.compile(r"\b\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2}\b", re.I),
    # A place: a locative preposition before a name ("i Bruxelles", "w Sewilli", "in Ispra"),
    # not before the name of a body, which Danish and German join to its head with a hyphen
    # ("oprettet i Europa-Kommissionen" says where the Office belongs, not where it is).
    PLACE: re.compile(
        r"\b(i|på|w|we|in|at|à|en)\s+[A-ZÆØÅÀ-ÞĄĆĘŁŃÓŚŹŻ][a-zæøåà-ÿąćęłńóśźż]+(?![\w-])"
    ),
    # A language named: the name of one, or the official languages as a whole.
    LANGUAGE: re.compile(
        r"\b(dansk|engelsk|tysk|fransk|polsk|spansk|italiensk|svensk|finsk|nederlandsk|"
        r"portugisisk|græsk)(e)?\b|\bofficielle\s+sprog|\b\d+\s+sprog\b|"
        r"\bpo\s+(polsku|angielsku|niemiecku|francusku|duńsku|hiszpańsku|włosku|szwedzku)\b|"
        r"\bjęzyk\w*\s+(polsk|angielsk|niemieck|francusk|duńsk|hiszpańsk|włosk|szwedzk|"
        r"urzędow)\w*|\b(English|German|French|Polish|Danish|Spanish|Italian|Swedish)\b|"
        r"\bofficial\s+languages",
        re.I,
    ),
    # Who leads: the passage names a role of leadership (a name alone cannot be told from
    # the name of a body without a name recogniser).
    LEADER: re.compile(
        r"\b(formand\w*|leder(en|e)?\b|direktør\w*|chef(en)?\b|przewodnicząc\w*|szef\w*|"
        r"dyrektor\w*|kierownik\w*|head\b|chair\w*|director\w*)",
        re.I,
    ),
    DURATION: re.compile(rf"\b\d+\s+{_TIME_UNITS}\b", re.I),
    FREQUENCY: re.compile(
        r"\b(dagligt?|ugentligt?|månedligt?|årligt?|hver(t|e)?\s+(dag|uge|måned|år)|"
        r"\w+\s+gange?\s+(om|i|pr\.?)|codziennie|co\s+(tydzień|miesiąc|roku|rok|kwartał)|"
        r"raz\s+w|razy\s+w|corocznie|rocznie|miesięcznie|tygodniowo|daily|weekly|monthly|"
        r"yearly|annually|every\s+(day|week|month|year)|times\s+a|twice|regelmæssigt|"
        r"regularnie|regularly)\b",
        re.I,
    ),
}

# What may stand between writing and its addressee ("skrive en mail til", "napisać maila do"):
# a message or a manner, not a document one writes ("skriver udkast til", "piszę referat do").
_MESSAGE = (
    r"(jeg|vi|man|du|i|en|et|dem|jer|direkte|bare|gerne|også|mail|e-?mail|besked|brev|ja|my|"
    r"maila?|e-?maila?|list|wiadomość|bezpośrednio|we|you|an?|them|directly|e-?mails?|letter|"
    r"message)"
)

# Words of news and of signing up for it.
_NEWS = (
    r"(abonn\w*|tilmeld\w*|melde?r?\s+mig|subscri\w*|sign\w*\s+up|zapis\w*|nyhed\w*|"
    r"nowości\w*|news\w*|opdatering\w*|updates?|aktualności\w*)"
)

# What a question asks for. Order matters where cues overlap: a postal address or a phone
# number is not an e-mail address, an amount of money is more than a count.
_ASKED = {
    # A postal address: asked for as one, or as an address in a named place ("adressen i
    # Bruxelles", "adres w Brukseli": an e-mail address is in no city).
    POSTAL: re.compile(
        r"post\w*adress\w*|\bpocztow\w*|\bpostal\b|\bpost(al)?\s+address|"
        r"\bad+res\w*\s+(?!\S*mail)(\S+\s+){0,4}?(i|w|we|in|en|à)\s+(?-i:[A-ZÆØÅÀ-ÞĄĆĘŁŃÓŚŹŻ])",
        re.I,
    ),
    PHONE: re.compile(r"telefon\w*|\bringe\b|zadzwoni\w*|\bphone\b", re.I),
    # Writing is a way to contact only towards someone or somewhere ("skrive til", "do kogo
    # napisać", "where do I write"): "Er firmaerne med til at skrive reglerne?" asks who
    # writes them, not for an address.
    EMAIL: re.compile(
        r"e-?mail(?!ing|s\b|i\b)|\bmail(?!ing|s\b|i\b)|kontakt|contact|skontaktow|"
        r"adres(?!at|owan|\w*\s+(stron|www|internetow))|\bhenvend(?!\w*\s+fra\b)|"
        rf"\bskriv\w*\s+({_MESSAGE}\s+)?til\b|\btil\s+hvem\b|"
        rf"\b(na)?pis\w*\s+({_MESSAGE}\s+)?do\b|"
        r"\bdo\s+kogo\s+(\S+\s+){0,3}?(na)?(pis|zwróci)\w*|"
        rf"\bwrite\s+({_MESSAGE}\s+)?to\b|"
        r"\b(hvor|gdzie|where)\s+(\S+\s+){0,3}?(skriv\w*|napisa\w*|pisa\w*|write)\b",
        re.I,
    ),
    MONEY: re.compile(
        r"\b(koste[rt]?|pris(en)?|budget\w*|budżet\w*|løn(nen)?|bøde[rn]?\w*|penge|"
        r"(hvad|hvor\s+meget)\s+(\S+\s+){0,3}?tjene[rs]?|"
        r"tjene[rs]?\s+(\S+\s+){0,2}?(penge|kroner|euro)|"
        r"kosztuj\w*|koszt(?!em\b)\w*|cen[aęy]|zarabia\w*|wynagrodz\w*|kar[ay]?\b|pieniędzy|"
        r"kwot\w*|"
        r"how\s+much|cost\w*|price|salary|earn\w*|fines|money|kostet|kosten|gehalt|"
        r"combien\s+co[uû]te|co[uû]t|prix|salaire)\b",
        re.I,
    ),
    COUNT: re.compile(
        r"\b((?<!klokken\s)hvor\s+mange|antal(let)?|ile|ilu|liczb\w*|how\s+many|number\s+of|"
        r"wie\s+viele|anzahl|combien)\b",
        re.I,
    ),
    FREQUENCY: re.compile(
        r"\b(hvor\s+(ofte|tit|hyppigt)|jak\s+często|how\s+(often|frequently)|wie\s+(oft|häufig)|"
        r"à\s+quelle\s+fréquence|combien\s+de\s+fois)\b",
        re.I,
    ),
    DURATION: re.compile(
        r"\b(hvor\s+(lang\s+tid|længe)|jak\s+długo|ile\s+(\S+\s+)?czasu|how\s+long|wie\s+lange|"
        r"combien\s+de\s+temps|pendant\s+combien)\b",
        re.I,
    ),
    HOURS: re.compile(
        r"\b(har\s+(\S+\s+){0,3}?åbent|hvornår\s+(\S+\s+){0,4}?åbent|"
        r"åbent\s+(om|fra|til|på|den|i\s+(dag|morgen|weekenden?))\b|åbningstid\w*|"
        r"w\s+jakich\s+godzinach|godzin\w*\s+otwarcia|otwarte\s+w|"
        r"opening\s+hours|öffnungszeit\w*|geöffnet|horaires?\s+d'ouverture)\b",
        re.I,
    ),
    # "Mój szef pyta, ..." is the asker's own boss, who asks: context, not whom it is about.
    LEADER: re.compile(
        r"\b(formand\w*|leder(en)?\s+(af|for)|hvem\s+leder|who\s+(leads|runs)|direktør\w*|chef(en)?\s+for|kieruj\w*|"
        r"przewodnicz\w*|(?<!mój\s)(?<!moja\s)(?<!nasz\s)(?<!nasza\s)szef"
        r"(?!\s+(?:pyta|twierdzi|mówi|uważa|chce|prosi|kaz|wspomina|wspomniał|zapyta|powiedział))\w*|"
        r"dyrektor\w*|na\s+czele|heads?\s+of|heads\b|chairs?\b|"
        r"director\w*|leads?\s+the)",
        re.I,
    ),
    LANGUAGE: re.compile(
        r"\b((på\s+)?hvilke[nt]?\s+sprog|(w\s+)?jaki(ch|m)\s+język\w*|jakie\s+języki|"
        r"któr\w+\s+język\w*|(in\s+)?(which|what)\s+languages?|welche[nr]?\s+sprache\w*|"
        r"quelles?\s+langues?|dans\s+quelle\s+langue)\b",
        re.I,
    ),
    # "based in" asks where; "evidence-based" and "based on" say how, not where.
    PLACE: re.compile(
        r"\b(hvor\s+ligger|hvor\s+holder|hvor\s+(afholdes|foregår|mødes)|"
        r"gdzie\s+(się\s+)?(odbywa\w*|odbęd\w*|spotyka\w*|zbiera\w*)|"
        r"where\s+(\S+\s+){0,6}?(held|take\s+place|meet)\b|beliggende|placeret|(i\s+)?hvilke[nt]?\s+(by|byer|land|"
        r"lande)\b|które\s+kraje|którymi\s+krajami|z\s+jakimi\s+krajami|which\s+countries|gdzie\s+(się\s+)?(mieści|znajduj|ma\s+siedzibę)\w*|w\s+jakich\s+"
        r"(miastach|krajach)|w\s+(którym|jakim)\s+(mieście|kraju)|where\s+(is|are)\b|located|(?<!-)based\s+in\b|"
        r"in\s+which\s+(cit|countr)\w*|wo\s+(ist|liegt|befindet)|où\s+(est|se\s+trouve))",
        re.I,
    ),
    # "up to date" and "to date" name no date.
    DATE: re.compile(
        r"\b(hvornår|wann|o\s+której(?!\s+(mowa|mówi\w*|wspomina\w*|pisze\w*))|"
        r"hvilket\s+tidspunkt|what\s+time|klokken\s+hvor\s+mange|"
        r"frist\w*|termin\w*|(?<!på\s)(?<!on\s)deadline\w*|dato(en)?|"
        r"(?<!to\s)(?<!to-)date|datum|hvilke[nt]\s+(år|dag|måned)|(w\s+)?(którym|jakim)\s+(roku|dniu|miesiącu)|"
        r"(którego|jakiego)\s+(roku|dnia|miesiąca)|"
        r"(what|which)\s+(year|day|month)|in\s+welchem\s+jahr|en\s+quelle\s+année)\b",
        re.I,
    ),
}
# "kiedy", "when" and "quand" are also conjunctions ("Czy naukowcy biorą udział, kiedy urząd
# pisze kodeksy?" asks whether, not when): they ask for a date where they open a sentence
# (after "and", "but"...), follow a preposition ("do kiedy", "since when") or a verb of knowing
# or telling ("Czy wiadomo, kiedy ...", "Do you know when ...").
# Each conjunction and preposition with its own language's word: an English "to when" or "do
# when" ("listen to when it decides", "what does it do when ...") is no Polish "do kiedy".
_AMBIGUOUS_WHEN = re.compile(
    r"(^|[.!?:;]\s*)(kiedy|when|quand)\b|"
    r"\b(a|i|ale|to|więc|do|od)\s+kiedy\b|"
    r"\b(and|but|so|then|until|till|since|by)\s+when\b|"
    r"\b(et|mais|alors|jusqu'à|depuis)\s+quand\b|"
    r"\b(know|knows|tell|ask|sure|wiadomo|wiesz|wie|wiecie|powiedz\w*|podaj\w*|"
    r"pyta\w*|sait|savez|dire|dites)\W+((me|us|mi|nam|moi|nous)\W+)?(kiedy|when|quand)\b",
    re.I,
)
# A sentence that opens with "when" and asks its own question after a comma states a
# condition: "When a firm breaks the rules, is it fined?", where "When is it, and who ...?"
# asks when (the verb follows "when" at once). English and French only: a Polish "kiedy"
# takes its verb in both readings ("Kiedy startuje pakt – teraz, czy później?").
_CONDITIONAL_WHEN = re.compile(
    r"(^|[.!?:;]\s*)(when|quand)\b"
    r"(?!\s+(is|are|was|were|do|does|did|will|would|can|could|should|has|have|had|must|shall|"
    r"may|est|sont|ont)\b)[^,.!?]*,"
    r"(?=\s*(is|are|was|were|do|does|did|can|could|will|would|should|must|may|has|have|what|"
    r"who|how|which|where|why|est-ce|peut|faut|doit|que|qui|comment|où)\b)",
    re.I,
)
# Contact that someone keeps up, ensures, maintains or is responsible for ("sørger for",
# "står for", "dba o", "odpowiada za") is a relationship, not an address to
# write to: "Hvordan holder kontoret kontakten til forskerne?", "Kto zapewnia kontakt ze
# światem nauki?" ask how or by whom, where "Hvordan kommer jeg i kontakt med dem?" and
# "kontakt do biura" ask for the address. The bare noun only: "kontaktoplysninger",
# "dane kontaktowe" and "e-mail" still ask for one.
_KEPT_CONTACT = re.compile(
    r"\b(hold\w*|pleje\w*|sikre\w*|opretholde\w*|sørge\w*|står|stå|trzym\w*|utrzym\w*|"
    r"zapewni\w*|dba\w*|odpowiada\w*|keep\w*|kept|maintain\w*|ensur\w*|handl\w*|"
    r"responsible|hält|halten|pflege?n?t?|entretien\w*|maintien\w*)"
    r"\s+(\S+\s+){0,3}?(kontakt(en|er|erne|u|y|ów|em|cie)?|contacts?)\b|"
    # Contacts with others that someone has: "Har kontoret kontakt med myndigheder i
    # udlandet?", "kontakty z państwami trzecimi" (where "komme i kontakt med dem" and
    # "nawiązać kontakt z biurem" ask how to reach them).
    r"\b(har|have|has|had|ma|mają|miał\w*)\s+(\S+\s+){0,2}?(kontakt(er)?|contacts?)\s+"
    r"(med|z|ze|with)\b|"
    r"\b(kontakter(ne)?|kontakt(y|ów|ach|ami)|contacts)\s+(\S+\s+)?(med|z|ze|with)\b|"
    r"\b(kontakt(en|er)?|contacts?)\s+(mellem|between|among)\b",
    re.I,
)
# News by e-mail: signing up for updates that come by mail asks how to subscribe, not for an
# address ("Kan jeg abonnere på nyheder på mail?", "dostawać maile z nowościami").
_NEWS_BY_MAIL = re.compile(
    rf"\b{_NEWS}\s+(\S+\s+){{0,6}}?(e-?)?mail\w*|\b(e-?)?mail\w*\s+(\S+\s+){{0,3}}?{_NEWS}",
    re.I,
)
# "kieruje ... do" directs something to someone ("Do kogo biuro kieruje wezwania?"), where
# "Kto kieruje biurem?" asks who leads.
_DIRECTED_TO = re.compile(
    r"\bkieruj\w*\s+(\S+\s+){0,2}?do\b|\bdo\s+kogo\s+(\S+\s+){0,2}?kieruj\w*", re.I
)
# Where something is published or described asks where to read it (a page, a site), not for a
# place: "Where are the job calls published?".
_WHERE_TO_READ = re.compile(
    r"\bwhere\s+(is|are|were|was)\s+(\S+\s+){0,8}?(published|described|mapped|listed|posted|"
    r"announced|advertised|explained|set\s+out)\b",
    re.I,
)
# "How many kinds of ..." is answered by naming them: a passage listing the kinds answers it.
_HOW_MANY_KINDS = re.compile(
    r"\b(hvor\s+mange|ile|how\s+many)\s+(typer|slags|arter|former|rodzaj\w*|typów|kinds|"
    r"types|sorts)\b",
    re.I,
)
# Cues that one type's cue does not count when another is present ("postadresse" is no
# e-mail; "ile kosztuje" asks for money, not a count; opening hours are not a date).
_OVERRIDES = {
    POSTAL: {EMAIL},
    PHONE: {EMAIL},
    MONEY: {COUNT},
    HOURS: {DATE},
    FREQUENCY: {DATE},
    DURATION: {COUNT},
}
# The types BM25 sees as tokens (the others only decide answerability: a passage with any
# number should not win a "how many" question by that alone).
_SEARCHED = (EMAIL, DATE)


def is_type_token(stem: str) -> bool:
    """Whether a stem is the token of an answer type ("⟨date⟩"), not a word."""
    return stem.startswith("⟨")


def passage_types(text: str) -> list[str]:
    """Type tokens for BM25: what a passage holds, of the searched types."""
    return [t for t in _SEARCHED if _IN_TEXT[t].search(text)]


def question_types(text: str) -> list[str]:
    """Type tokens for BM25: what a question asks for, of the searched types."""
    asked = expected_types(text)
    return [t for t in _SEARCHED if t in asked]


def expected_types(question: str) -> set[str]:
    """Every answer type the question asks for (empty: it asks for a description)."""
    return set(_expected_types(question))


# Retrieval, answerability, its features and composition each ask this of the same question,
# and held_types of the same passages: a pure function of the text, remembered (bounded).
@lru_cache(maxsize=256)
def _expected_types(question: str) -> frozenset[str]:
    asked = {t for t, pattern in _ASKED.items() if pattern.search(question)}
    if EMAIL in asked and not _ASKED[EMAIL].search(
        _NEWS_BY_MAIL.sub(" ", _KEPT_CONTACT.sub(" ", question))
    ):
        asked.discard(EMAIL)
    if LEADER in asked and not _ASKED[LEADER].search(_DIRECTED_TO.sub(" ", question)):
        asked.discard(LEADER)
    if PLACE in asked and not _ASKED[PLACE].search(_WHERE_TO_READ.sub(" ", question)):
        asked.discard(PLACE)
    if COUNT in asked and not _ASKED[COUNT].search(_HOW_MANY_KINDS.sub(" ", question)):
        asked.discard(COUNT)
    if _AMBIGUOUS_WHEN.search(_CONDITIONAL_WHEN.sub(" ", question.strip())):
        asked.add(DATE)
    for stronger, weaker in _OVERRIDES.items():
        if stronger in asked:
            asked -= weaker
    return frozenset(asked)


def held_types(text: str, language: str = "") -> set[str]:
    """Every answer type a passage (or sentence) in `language` holds an instance of."""
    return set(_held_types(text, language))


@lru_cache(maxsize=8192)
def _held_types(text: str, language: str) -> frozenset[str]:
    held = {t for t, pattern in _IN_TEXT.items() if pattern.search(text)}
    if language in _NUMBER_WORDS and _number_words(language).search(text):
        held.add(COUNT)
    if language in _NUMBER_WORDS and _duration_in_words(language).search(text):
        held.add(DURATION)
    return frozenset(held)


# A relation word that places something in time against an event ("inden", "zanim": language
# data), and the event: the rest of its clause.
_TIME_ANCHOR = {
    language: re.compile(rf"\b(?:{relations})\b\s+([^.,;:!?]+)", re.I)
    for language, relations in language_data("time_relations").items()
}


def time_anchors(text: str, language: str) -> list[str]:
    """The events `text` places something in time against ("AI-forordningen træder i kraft"
    in "Dette engagement vil begynde, inden AI-forordningen træder i kraft, og ...").

    Such a time answers "when?" for anything but the event itself (`answerability`)."""
    pattern = _TIME_ANCHOR.get(language)
    return [m.group(1).strip() for m in pattern.finditer(text)] if pattern else []


@cache
def _duration_in_words(language: str) -> re.Pattern:
    """A number word before a unit of time ("tre måneder", "dwa lata")."""
    return re.compile(
        rf"\b({_NUMBER_WORDS[language]}|et|én|en|jeden|jedna|jedno|a|one)\s+{_TIME_UNITS}\b",
        re.I,
    )


@cache
def _number_words(language: str) -> re.Pattern:
    return re.compile(rf"\b({_NUMBER_WORDS[language]})\b", re.I)
