"""The evaluation's own tests: the Q&A set fits the corpus, the metrics are computed right on
small hand-made answers (a good one, an unfaithful one, a wrong-language one, a wrongly cited
one), and the offline judge tells supported from unsupported claims in Danish and Polish.

The hand-made answers quote the real passages; the judge runs the real embedding model."""

from collections import Counter
from dataclasses import replace

import pytest

from assistant import Answer, Citation
from assistant.analysis.language import detect_language
from assistant.evaluation.dataset import (
    PAGE_LANGUAGES,
    Item,
    contains,
    find_gold_passages,
    load_items,
)
from assistant.evaluation.harness import check_floors, main, parse_floor
from assistant.evaluation.judge import (
    THRESHOLD,
    OfflineJudge,
    VerbatimJudge,
    calibrate,
    facts_match,
    load_cases,
)
from assistant.evaluation.metrics import (
    claims,
    gold_rank,
    hit_at,
    language_ok,
    reciprocal_rank,
    summarise,
)
from assistant.evaluation.runner import OWN_WORDS, score_item
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import load_pages
from assistant.resources import PROJECT_DIR

DEADLINE_DA = "Fristen for interessetilkendegivelser er den 27. marts 2024 kl. 12.00 CET."
DEADLINE_PL = (
    "Termin wyrażenia zainteresowania upływa 27 marca 2024 r. o godz. 12.00 czasu "
    "środkowoeuropejskiego."
)
EMAIL_DA = (
    "Du kan kontakte Det Europæiske AI-kontor via følgende kontaktoplysninger: "
    "CNECT-AIOFFICE@ec.europa.eu for generelle henvendelser og for forespørgsler vedrørende "
    "jobmuligheder."
)


@pytest.fixture(scope="module")
def passages():
    return chunk_pages(load_pages(PROJECT_DIR / "corpus"))


@pytest.fixture(scope="module")
def items():
    return load_items()


@pytest.fixture(scope="module")
def judge():
    return OfflineJudge()


def detect(text: str) -> str:
    return detect_language(text).code


def passage(passages, language: str, holding: str):
    (found,) = [p for p in passages if p.language == language and holding in p.text]
    return found


def citation(number: int, chunk, quote: str) -> Citation:
    return Citation(
        number=number,
        text=chunk.text,
        quote=quote,
        language=chunk.language,
        url=chunk.url,
        title=chunk.title,
        section=chunk.section,
        passage_id=chunk.id,
    )


DEADLINE_ITEM = Item(
    id="deadline-da",
    language="da",
    category="fact",
    section="jobs_contact",
    question="Hvornår er fristen for interessetilkendegivelser?",
    gold={"da": ("AI-kontoret rekrutterer talenter",), "pl": ("Biuro ds. AI rekrutuje talenty",)},
    key_facts=("27. marts 2024", "12.00 CET"),
)


# ------------------------------------------------------------------ the set


def test_the_set_is_big_and_covers_what_the_issue_asks(items):
    assert len(items) >= 80
    languages = Counter(i.language for i in items)
    assert languages["da"] >= 40 and languages["pl"] >= 40
    assert languages["en"] >= 4 and languages["de"] >= 2 and languages["fr"] >= 2
    out_of_scope = {i.language for i in items if not i.answerable}
    assert out_of_scope >= {"da", "pl", "en", "de", "fr"}
    follow_ups = [i for i in items if i.history and i.language in PAGE_LANGUAGES]
    assert len(follow_ups) >= 20
    assert sum(i.category == "topic_change" and bool(i.not_gold) for i in items) >= 8
    assert sum(i.category == "paraphrase" for i in items) >= 20
    # every section asked about in a page language is asked about in both (a question in
    # another language may name a section of its own: it is answered from either page)
    sections = {(i.section, i.language) for i in items}
    for section in {i.section for i in items if i.language in PAGE_LANGUAGES} - {"none"}:
        assert {(section, "da"), (section, "pl")} <= sections, section


def test_paired_questions_exist_in_both_languages(items):
    pairs: dict[str, set[str]] = {}
    for item in items:
        if item.pair:
            pairs.setdefault(item.pair, set()).add(item.language)
    assert len(pairs) >= 40
    assert all(languages == {"da", "pl"} for languages in pairs.values()), pairs


def test_every_gold_text_names_exactly_one_passage_of_its_language(items, passages):
    found = find_gold_passages(items, passages)
    assert found, "no gold at all"
    assert {key: ids for key, ids in found.items() if len(ids) != 1} == {}
    # and it is the translation of the same block in the other language
    assert found["da:AI-kontoret rekrutterer talenter"] == ["ai-office/da/b030"]
    assert found["pl:Biuro ds. AI rekrutuje talenty"] == ["ai-office/pl/b030"]


def test_not_gold_and_key_facts_stand_on_the_page(items, passages):
    for item in items:
        for sub in item.not_gold:
            assert any(contains(p.text, sub) for p in passages), (item.id, sub)
        if item.language not in PAGE_LANGUAGES:
            continue
        for fact in item.key_facts:
            options = [fact] if isinstance(fact, str) else fact
            page = [p.text for p in passages if p.language == item.language]
            assert any(contains(t, o) for t in page for o in options), (item.id, fact)


# ------------------------------------------------------------------ small pure pieces


def test_claims_split_at_markers_and_drop_the_assistants_own_words():
    text = f"{DEADLINE_DA} [1] Du kan også tilmelde dig. [2]"
    assert claims(text) == [
        claims(f"{DEADLINE_DA} [1]")[0],
        claims("Du kan også tilmelde dig. [2]")[0],
    ]
    assert [c.numbers for c in claims(text)] == [(1,), (2,)]
    foreign = (
        "The official pages are in Danish and Polish only, so here are the closest passages, "
        f"quoted as they stand:\n(Danish) “{DEADLINE_DA}” [1]\n(Polish) “{DEADLINE_PL}” [2]"
    )
    assert [(c.text, c.numbers) for c in claims(foreign, OWN_WORDS)] == [
        (DEADLINE_DA, (1,)),
        (DEADLINE_PL, (2,)),
    ]
    uncited = claims("A sentence. [1][2] An uncited one.")
    assert [(c.text, c.numbers) for c in uncited] == [
        ("A sentence.", (1, 2)),
        ("An uncited one.", ()),
    ]


def test_ranks_hits_and_reciprocal_ranks():
    gold = {"da": ["fristen"], "pl": []}.get
    passages = [("da", "Noget andet"), ("pl", "fristen"), ("da", "Fristen er i marts")]
    assert gold_rank(passages, gold) == 3  # the Polish one is not gold for this item
    assert gold_rank(passages, gold, depth=2) is None
    assert (hit_at(3, 1), hit_at(3, 3), hit_at(None, 3)) == (0.0, 1.0, 0.0)
    assert (reciprocal_rank(1), reciprocal_rank(4), reciprocal_rank(None)) == (1.0, 0.25, 0.0)


def test_facts_must_match_as_whole_tokens():
    page = "Fristen er den 27. marts 2024 kl. 12.00 CET. Europas 14 økosystemer."
    assert facts_match("Fristen er den 27. marts 2024.", page)
    assert not facts_match("Europas 20 økosystemer.", page)  # "20" is inside "2024" only
    assert not facts_match("kl. 12 præcis", page)  # "12" is only part of "12.00"
    assert facts_match("Skriv til CNECT-AIOFFICE@ec.europa.eu.", EMAIL_DA)
    assert not facts_match("Skriv til AIOFFICE@ec.europa.eu.", EMAIL_DA + " x")


# ------------------------------------------------------------------ scoring hand-made answers


def test_a_right_answer_scores_full_marks(passages, judge):
    jobs = passage(passages, "da", "AI-kontoret rekrutterer talenter")
    answer = Answer(
        text=f"{DEADLINE_DA} [1]", language="da", citations=[citation(1, jobs, DEADLINE_DA)]
    )
    retrieved = [(jobs.id, "da", jobs.text)]
    result = score_item(DEADLINE_ITEM, answer, retrieved, judge, detect, latency_ms=12.0)
    assert result["citation_rank"] == 1 and result["retrieval_rank"] == 1
    assert [c["supported"] for c in result["claims"]] == [True]
    assert [c["verbatim"] for c in result["claims"]] == [True]
    assert result["citations_precise"] == [True]
    assert result["language_ok"] is True
    assert result["key_fact_recall"] == 1.0


def test_an_unfaithful_answer_scores_badly(passages, judge):
    """It cites the right passage but says a date the passage does not."""
    jobs = passage(passages, "da", "AI-kontoret rekrutterer talenter")
    invented = "Fristen for interessetilkendegivelser er den 15. april 2025 kl. 12.00 CET."
    answer = Answer(
        text=f"{invented} [1]", language="da", citations=[citation(1, jobs, DEADLINE_DA)]
    )
    result = score_item(DEADLINE_ITEM, answer, None, judge, detect)
    assert [c["supported"] for c in result["claims"]] == [False]
    assert [c["verbatim"] for c in result["claims"]] == [False]
    assert result["citations_precise"] == [False]
    assert result["key_fact_recall"] == 0.5  # "12.00 CET" is there, the date is not
    summary = summarise([result])
    assert summary["faithfulness"] == 0.0 and summary["citation_precision"] == 0.0
    assert summary["hit@1"] == 1.0  # the passage was right; the sentence was not


def test_an_answer_in_the_wrong_language_scores_badly(passages, judge):
    """A Danish question answered from the Polish page."""
    jobs_pl = passage(passages, "pl", "Biuro ds. AI rekrutuje talenty")
    answer = Answer(
        text=f"{DEADLINE_PL} [1]", language="da", citations=[citation(1, jobs_pl, DEADLINE_PL)]
    )
    result = score_item(DEADLINE_ITEM, answer, None, judge, detect)
    assert result["language_ok"] is False
    assert result["citation_rank"] is None  # the Polish passage is not gold for a Danish item
    assert result["key_fact_recall"] == 0.0
    assert summarise([result])["language_accuracy"] == 0.0
    # the language code alone is not trusted either: Polish text labelled Polish, asked in da
    relabelled = Answer(text=answer.text, language="pl", citations=answer.citations)
    assert score_item(DEADLINE_ITEM, relabelled, None, judge, detect)["language_ok"] is False


def test_a_wrong_citation_scores_badly(passages, judge):
    """The right sentence, but its marker points at the contact passage."""
    contact = passage(passages, "da", "CNECT-AIOFFICE@ec.europa.eu")
    answer = Answer(
        text=f"{DEADLINE_DA} [1]", language="da", citations=[citation(1, contact, EMAIL_DA)]
    )
    result = score_item(DEADLINE_ITEM, answer, None, judge, detect)
    assert result["citations_precise"] == [False]
    assert [c["supported"] for c in result["claims"]] == [False]
    summary = summarise([result])
    assert summary["citation_precision"] == 0.0
    assert summary["faithfulness"] == 0.0
    assert summary["hit@1"] == 0.0 and summary["mrr"] == 0.0


def test_a_quote_that_is_not_in_its_passage_is_an_imprecise_citation(passages, judge):
    jobs = passage(passages, "da", "AI-kontoret rekrutterer talenter")
    answer = Answer(
        text=f"{DEADLINE_DA} [1]", language="da", citations=[citation(1, jobs, EMAIL_DA)]
    )
    result = score_item(DEADLINE_ITEM, answer, None, judge, detect)
    assert result["citations_precise"] == [False]
    assert [c["supported"] for c in result["claims"]] == [True]


def test_abstention_precision_recall_and_false_abstentions(judge):
    def item(answerable: bool, n: int) -> Item:
        gold = {"da": ("x",)} if answerable else {}
        return Item(f"i{n}", "da", "c", "s", "q", answerable=answerable, gold=gold)

    no = Answer(text="Det står der ikke noget om.", language="da", abstained=True)
    yes = Answer(text="Noget. [1]", language="da")
    cases = [
        (item(False, 1), no),  # right abstention
        (item(False, 2), no),  # right abstention
        (item(False, 3), yes),  # missed abstention
        (item(True, 4), no),  # false abstention
        (item(True, 5), yes),
        (item(True, 6), yes),
        (item(True, 7), yes),
    ]
    results = [score_item(i, a, None, judge, detect) for i, a in cases]
    summary = summarise(results)
    assert summary["abstention_precision"] == pytest.approx(2 / 3)
    assert summary["abstention_recall"] == pytest.approx(2 / 3)
    assert summary["false_abstention_rate"] == pytest.approx(1 / 4)


def test_a_failed_ask_counts_as_wrong(judge):
    result = score_item(DEADLINE_ITEM, None, None, judge, detect, error="RuntimeError: boom")
    summary = summarise([result])
    assert summary["errors"] == 1 and summary["hit@1"] == 0.0
    assert summary["language_accuracy"] == 0.0 and summary["key_fact_recall"] == 0.0


def test_language_of_replies_in_languages_the_pages_are_not_in():
    english = (
        "The official pages are in Danish and Polish only, so here are the closest passages, "
        f"quoted as they stand:\n(Danish) “{DEADLINE_DA}” [1]\n(Polish) “{DEADLINE_PL}” [2]"
    )
    quotes = [DEADLINE_DA, DEADLINE_PL]
    assert language_ok("en", "en", english, ["da", "pl"], quotes, detect)
    assert not language_ok("de", "de", english, ["da", "pl"], quotes, detect)
    german = "Die Seiten über das Europäische KI-Büro sagen dazu nichts."
    assert language_ok("de", "de", german, [], [], detect)
    assert not language_ok("de", "en", german, [], [], detect)


# ------------------------------------------------------------------ the judge


@pytest.mark.parametrize(
    "language,holding,claim,supported",
    [
        (
            "da",
            "AI-kontoret rekrutterer talenter",
            "AI-kontoret søger talenter til juridisk arbejde.",
            True,
        ),  # noqa: E501
        (
            "da",
            "AI-kontoret rekrutterer talenter",
            "AI-kontoret har 500 ansatte i Bruxelles.",
            False,
        ),
        (
            "da",
            "føre tilsyn med AI-pagten",
            "AI-pagten giver virksomhederne mulighed for at samarbejde med Kommissionen.",
            True,
        ),  # noqa: E501
        ("da", "føre tilsyn med AI-pagten", "Rådet vedtog AI-pagten i 2019.", False),
        (
            "pl",
            "Biuro ds. AI rekrutuje talenty",
            "Biuro ds. AI rekrutuje talenty do pracy prawnej.",
            True,
        ),  # noqa: E501
        (
            "pl",
            "Biuro ds. AI rekrutuje talenty",
            "Biuro ds. AI zatrudnia 500 osób w Brukseli.",
            False,
        ),
        (
            "pl",
            "nadzorować pakt na rzecz sztucznej inteligencji",
            "Pakt umożliwia przedsiębiorstwom współpracę z Komisją.",
            True,
        ),  # noqa: E501
        (
            "pl",
            "nadzorować pakt na rzecz sztucznej inteligencji",
            "Rada przyjęła pakt w 2019 roku.",
            False,
        ),  # noqa: E501
    ],
)
def test_the_offline_judge_on_new_danish_and_polish_cases(
    judge, passages, language, holding, claim, supported
):
    text = passage(passages, language, holding).text
    (verdict,) = judge.judge([(claim, text, language)])
    assert verdict.supported is supported, verdict


def test_the_calibrated_threshold_still_separates_the_labelled_cases(judge, passages):
    cases = load_cases(passages)
    assert Counter(c.language for c in cases) == {"da": 18, "pl": 18}
    threshold, accuracy, scores = calibrate(judge, cases)
    assert accuracy == 1.0
    assert threshold == pytest.approx(THRESHOLD, abs=0.03)
    for language in ("da", "pl"):
        mine = [(c, s) for c, s in zip(cases, scores, strict=True) if c.language == language]
        assert sum((s >= THRESHOLD) == c.supported for c, s in mine) == len(mine)
    # verbatim sentences are the easy end (the page's sentence splitting aside), invented
    # facts are refused outright
    assert all(s >= 0.9 for c, s in zip(cases, scores, strict=True) if c.kind == "verbatim")
    assert all(s == 0.0 for c, s in zip(cases, scores, strict=True) if c.kind == "wrong_fact")


def test_the_verbatim_judge_accepts_only_word_for_word_quotes():
    passage_text = f"Læs mere. {DEADLINE_DA} Du kan tilkendegive din interesse."
    verdicts = VerbatimJudge().judge(
        [(DEADLINE_DA, passage_text, "da"), ("Fristen er den 27. marts 2024.", passage_text, "da")]
    )
    assert [v.supported for v in verdicts] == [True, False]


# ------------------------------------------------------------------ floors


def test_floors_parse_and_hold_or_break():
    assert parse_floor("hit@1=0.7") == ("", "hit@1", 0.7)
    assert parse_floor("pl/faithfulness=0.95") == ("pl", "faithfulness", 0.95)
    with pytest.raises(ValueError, match="METRIC one of"):
        parse_floor("accuracy=0.5")
    with pytest.raises(ValueError, match="lower is better"):
        parse_floor("latency_p95_ms=100")
    report = {
        "overall": {"hit@1": 0.8, "topic_drag": None},
        "by_language": {"pl": {"hit@1": 0.6}},
        "by_category": {"paraphrase": {"hit@1": 0.2}},
    }
    floors = [parse_floor(f) for f in ("hit@1=0.75", "pl/hit@1=0.5", "paraphrase/hit@1=0.1")]
    assert check_floors(report, floors) == []
    broken = check_floors(report, [("pl", "hit@1", 0.65), ("", "abstention_recall", 0.5)])
    assert broken == [
        "pl/hit@1 = 0.600 is under the floor 0.65",
        "abstention_recall was not measured (floor 0.5)",
    ]


def test_usage_errors_exit_2_without_running_anything(capsys):
    assert main(["run", "--fail-under", "nonsense=1"]) == 2
    assert "METRIC one of" in capsys.readouterr().err
    assert main(["--", "run", "--fail-under", "hit@1=abc"]) == 2
    assert main(["sing"]) == 2


def test_a_lists_lead_in_is_read_as_its_heading(passages, judge):
    """A list answer cites its lead-in first, then its items: it is judged by its items. The
    same citations in a text answer, or a list whose first citation is an item, are not."""
    lead = passage(passages, "da", "gør brug af sin ekspertise til at støtte gennemførelsen")
    first = passage(passages, "da", "Bidrage til en sammenhængende anvendelse")
    second = passage(passages, "da", "Udvikling af værktøjer, metoder og benchmarks")
    item = Item(
        id="benchmarks-da",
        language="da",
        category="list",
        section="tasks_act",
        question="Hvad gør kontoret for at vurdere AI-modeller?",
        gold={"da": ("Udvikling af værktøjer, metoder og benchmarks",)},
    )
    lines = [f"{first.text} [2]", f"{second.text} [3]"]
    quotes = [(lead, lead.text), (first, first.text), (second, second.text)]
    cited = [citation(n, chunk, quote) for n, (chunk, quote) in enumerate(quotes, 1)]
    listed = Answer(
        text="\n".join([f"{lead.text} [1]", *(f"- {line}" for line in lines)]),
        language="da",
        citations=cited,
        format="list",
        items=lines,
    )
    result = score_item(item, listed, None, judge, detect)
    assert (result["citation_rank"], result["first_citation_rank"]) == (2, 3)
    assert summarise([result])["hit@1"] == 0.0  # the first item is not the gold one
    gold_first = replace(listed, items=list(reversed(lines)))
    gold_first = replace(gold_first, citations=[cited[0], *reversed(cited[1:])])
    assert score_item(item, gold_first, None, judge, detect)["citation_rank"] == 1
    as_text = replace(gold_first, format="text", items=[])
    assert score_item(item, as_text, None, judge, detect)["citation_rank"] == 2
    item_first = replace(gold_first, citations=cited[1:2] + cited[:1] + cited[2:])
    item_first = replace(item_first, items=[f"{first.text} [1]", f"{second.text} [3]"])
    assert score_item(item, item_first, None, judge, detect)["citation_rank"] == 3
