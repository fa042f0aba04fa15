"""The chat page's HTML, as pure functions: escaping, the highlighted quote, links,
translations, streaming steps; then the real answers and every real passage rendered."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from assistant import Answer, Citation, Translation, ask
from assistant.web.render import (
    CURSOR,
    answer_html,
    answer_text_html,
    escape,
    highlight,
    language_line,
    partial_answer_html,
    question_html,
    safe_url,
    source_card,
    sources_html,
    stream_steps,
)

DA_URL = "https://digital-strategy.ec.europa.eu/da/policies/ai-office"
PL_URL = "https://digital-strategy.ec.europa.eu/pl/policies/ai-office"
INJECTION = "<img src=x onerror=alert(1)>"
# The only markup the render functions write; anything else came from the text.
WRITTEN_TAGS = {"div", "span", "strong", "blockquote", "mark", "a", "details", "summary", "br"}


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def names(self) -> set[str]:
        return {tag for tag, _ in self.tags}

    def attribute_names(self) -> set[str]:
        return {name for _, attrs in self.tags for name in attrs}

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a"]

    def plain(self) -> str:
        return "".join(self.text)


def _citation(**changes) -> Citation:
    values = dict(
        number=1,
        text="AI-kontoret rekrutterer talenter. Fristen er den 27. marts 2024 kl. 12.00 CET. "
        "Du kan tilkendegive din interesse.",
        quote="Fristen er den 27. marts 2024 kl. 12.00 CET.",
        language="da",
        url=DA_URL,
        title="Det Europæiske AI-kontor",
        section="Jobmuligheder og samarbejde",
        passage_id="ai-office/da/b030",
        link=DA_URL + "#:~:text=Fristen%20er%20den%2027.%20marts%202024%20kl.%2012.00%20CET",
        translation=Translation(
            language="pl",
            text="Termin wyrażenia zainteresowania upływa 27 marca 2024 r. o godz. 12.00.",
            url=PL_URL,
            passage_id="ai-office/pl/b030",
        ),
    )
    values.update(changes)
    return Citation(**values)


def _answer(**changes) -> Answer:
    values = dict(
        text="Fristen er den 27. marts 2024 kl. 12.00 CET. [1]",
        language="da",
        citations=[_citation()],
    )
    values.update(changes)
    return Answer(**values)


# --- escaping ---------------------------------------------------------------------------


def test_escape_makes_markup_text_and_keeps_line_breaks():
    assert escape(INJECTION) == "&lt;img src=x onerror=alert(1)&gt;"
    assert escape("a & \"b\" 'c'") == "a &amp; &quot;b&quot; &#x27;c&#x27;"
    assert escape("one\ntwo\r\nthree") == "one<br>two<br>three"


def test_a_question_with_html_is_shown_as_text():
    markup = question_html(INJECTION)
    parsed = _Tags(markup)
    assert parsed.names() == {"div"}
    assert parsed.plain() == INJECTION
    assert "\n\n" not in question_html("a\n\nb")  # a blank line would end the HTML block


@pytest.mark.parametrize(
    "hostile",
    [
        INJECTION,
        "<script>alert(1)</script>",
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        "</div></details><img src=x>",
    ],
)
def test_nothing_from_an_answer_or_its_sources_becomes_markup(hostile):
    citation = _citation(
        text=f"Before {hostile} after.",
        quote=f"{hostile} after.",
        title=hostile,
        section=hostile,
        translation=Translation(language="pl", text=hostile, url=PL_URL, passage_id=hostile),
    )
    answer = _answer(text=f"{hostile} [1]", notice=hostile, citations=[citation])
    parsed = _Tags(answer_html(answer, "da"))
    assert parsed.names() <= WRITTEN_TAGS
    assert not any(name.startswith("on") for name in parsed.attribute_names())
    assert hostile in parsed.plain()
    assert all(href.startswith("https://") for href in parsed.hrefs())


def test_links_are_only_http_and_are_escaped_for_the_attribute():
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("data:text/html,<b>x</b>") == ""
    assert safe_url('https://example.org/?a=1&b="2"') == (
        "https://example.org/?a=1&amp;b=&quot;2&quot;"
    )
    card = source_card(_citation(link="javascript:alert(1)", url="javascript:alert(2)"), "da")
    assert "<a " not in card.split("<details")[0]


# --- the highlighted quote ----------------------------------------------------------------


def test_highlight_marks_the_quoted_sentence():
    passage = "First sentence. The quoted one. Last."
    assert highlight(passage, "The quoted one.") == (
        "First sentence. <mark>The quoted one.</mark> Last."
    )


def test_highlight_finds_the_quote_across_different_whitespace():
    passage = "Fristen er den 27.\nmarts  2024."
    assert highlight(passage, "Fristen er den 27. marts 2024.") == (
        "<mark>Fristen er den 27.<br>marts  2024.</mark>"
    )


def test_highlight_without_the_quote_shows_the_passage_unmarked():
    assert highlight("A <b> passage.", "Not there.") == "A &lt;b&gt; passage."
    assert highlight("A passage.", "") == "A passage."


def test_highlight_escapes_inside_and_around_the_mark():
    marked = highlight("x < y. <i>Quote</i> & more.", "<i>Quote</i> & more.")
    assert marked == "x &lt; y. <mark>&lt;i&gt;Quote&lt;/i&gt; &amp; more.</mark>"


# --- source cards -------------------------------------------------------------------------


def test_source_card_shows_title_section_language_passage_and_link():
    card = source_card(_citation(), "da")
    parsed = _Tags(card)
    text = parsed.plain()
    assert "[1]" in text
    assert "Det Europæiske AI-kontor" in text
    assert "Jobmuligheder og samarbejde" in text
    assert "dansk" in text
    assert "<mark>Fristen er den 27. marts 2024 kl. 12.00 CET.</mark>" in card
    link = parsed.hrefs()[0]
    assert link.startswith(DA_URL + "#:~:text=")
    assert link == _citation().link
    anchor = next(attrs for tag, attrs in parsed.tags if tag == "a")
    assert anchor["target"] == "_blank"
    assert "noopener" in anchor["rel"]


def test_source_card_collapses_the_translation_with_its_own_link():
    parsed = _Tags(source_card(_citation(), "da"))
    details = [attrs for tag, attrs in parsed.tags if tag == "details"]
    assert len(details) == 1 and "open" not in details[0]  # collapsed until clicked
    assert "Samme afsnit på den polske side" in parsed.plain()
    assert "27 marca 2024" in parsed.plain()
    assert parsed.hrefs()[1].startswith(PL_URL + "#:~:text=Termin%20wyra%C5%BCenia")


def test_source_card_words_follow_the_page_language():
    polish = _Tags(source_card(_citation(), "pl")).plain()
    assert "duński" in polish and "Otwórz stronę w miejscu cytatu" in polish
    assert "Ten sam fragment na stronie w języku polskim" in polish
    english = _Tags(source_card(_citation(), "en")).plain()
    assert "Danish" in english and "The same passage on the Polish page" in english


def test_source_card_without_translation_has_no_details():
    assert "<details" not in source_card(_citation(translation=None), "da")


def test_sources_heading_and_one_card_per_citation():
    second = _citation(number=2, passage_id="ai-office/da/b031")
    markup = sources_html(_answer(citations=[_citation(), second]), "pl")
    assert markup.count('class="source-card') == 2
    assert "Źródła" in markup
    assert sources_html(_answer(citations=[]), "pl") == ""


# --- answers ------------------------------------------------------------------------------


def test_answer_shows_text_language_and_sources():
    parsed = _Tags(answer_html(_answer(), "da"))
    text = parsed.plain()
    assert "Fristen er den 27. marts 2024 kl. 12.00 CET. [1]" in text
    assert "Sprog: dansk (genkendt automatisk)" in text
    assert "Kilder" in text


def test_abstention_has_no_sources_and_says_so_in_class():
    abstention = Answer(
        text="Det står der ikke noget om.", language="da", abstained=True, reason="out_of_scope"
    )
    markup = answer_html(abstention, "da")
    assert "source-card" not in markup
    assert 'class="answer abstention reason-out-of-scope"' in markup


def test_notice_comes_before_the_answer():
    markup = answer_html(_answer(notice="Spørgsmålet var for langt."), "da")
    assert markup.index("Spørgsmålet var for langt.") < markup.index("Fristen er den")


def test_language_line_says_how_the_language_was_chosen():
    assert "(valgt)" in language_line(_answer(), "da", forced=True)
    assert "Język: duński (wykryty automatycznie)" in language_line(_answer(), "pl")
    unsure = _answer(language="pl", language_confident=False)
    assert "Language: Polish (uncertain guess)" in language_line(unsure, "en")
    assert "Language: xx" in language_line(_answer(language="xx"), "en")


# --- streaming ----------------------------------------------------------------------------


def test_stream_steps_grow_by_whole_words_to_the_whole_text():
    text = "Fristen er den 27. marts 2024 kl. 12.00 CET. [1]"
    steps = stream_steps(text, steps=100)
    assert steps[-1] == text
    assert steps[0] == "Fristen"
    assert all(a != b and b.startswith(a) for a, b in zip(steps, steps[1:], strict=False))
    assert not any(step.endswith("[") or step.endswith("[1") for step in steps)


def test_stream_steps_are_bounded_for_long_answers():
    text = " ".join(f"word{i}" for i in range(500))
    steps = stream_steps(text, steps=20)
    assert len(steps) <= 21 and steps[-1] == text


def test_stream_steps_of_empty_text():
    assert stream_steps("") == [""]


def test_partial_answer_is_escaped_and_shows_a_cursor():
    markup = partial_answer_html(INJECTION)
    assert markup.endswith(f"{CURSOR}</div>")
    assert _Tags(markup).names() == {"div"}


# --- real answers and the real corpus -------------------------------------------------------


@pytest.mark.parametrize(
    "question,language,fact,url",
    [
        ("Hvornår er fristen for interessetilkendegivelser?", "da", "27. marts 2024", DA_URL),
        ("Jaki był termin zgłoszeń do Biura ds. AI?", "pl", "27 marca 2024", PL_URL),
    ],
)
def test_real_answer_renders_its_highlighted_quote_and_link(
    settings, question, language, fact, url
):
    answer = ask(question, settings=settings)
    markup = answer_html(answer, language)
    parsed = _Tags(markup)
    assert answer.language == language
    mark_start = markup.index("<mark>")
    assert fact in markup[mark_start : markup.index("</mark>")]
    assert parsed.hrefs()[0] == answer.citations[0].link
    assert parsed.hrefs()[0].startswith(url + "#:~:text=")
    other = PL_URL if language == "da" else DA_URL
    assert any(href.startswith(other + "#:~:text=") for href in parsed.hrefs()[1:])


def test_every_real_passage_renders_as_text_only(settings):
    from assistant.answering.engine import get_engine

    passages = list(get_engine(settings).index.passages.values())
    assert len(passages) > 50
    for number, passage in enumerate(passages, start=1):
        citation = Citation(
            number=number,
            text=passage.text,
            quote=passage.text.split(". ")[0],
            language=passage.language,
            url=passage.url,
            title=passage.title,
            section=passage.section,
            passage_id=passage.id,
        )
        parsed = _Tags(source_card(citation, passage.language))
        assert parsed.names() <= WRITTEN_TAGS, passage.id
        assert "".join(passage.text.split()) in "".join(parsed.plain().split()), passage.id
        assert parsed.hrefs() == [passage.url]


def test_every_example_question_gets_a_cited_answer_in_its_language(settings):
    from assistant.web.ui_text import examples

    EXAMPLES = examples()
    languages = {"Hvornår": "da", "Hvad": "da", "Hvordan": "da"}
    languages |= {"Kiedy": "pl", "Czym": "pl", "Jaki": "pl"}
    assert len(EXAMPLES) == len(languages)
    for question in EXAMPLES:
        language = languages[question.split()[0]]
        answer = ask(question, settings=settings)
        assert not answer.abstained, question
        assert answer.language == language, question
        assert answer.citations[0].language == language, question


def test_a_list_answer_is_a_real_list_with_every_item_escaped():
    items = ["Første <b>opgave</b> [2]", "Anden opgave [3]"]
    answer = Answer(
        text="Kontoret hjælper ved at: [1]\n"
        + "\n".join(f"- {item}" for item in items)
        + "\n… og 4 punkter mere på siden.",
        language="da",
        format="list",
        items=items,
    )
    html = answer_text_html(answer)
    assert html == (
        "<p>Kontoret hjælper ved at: [1]</p>"
        '<ul class="answer-items"><li>Første &lt;b&gt;opgave&lt;/b&gt; [2]</li>'
        "<li>Anden opgave [3]</li></ul>"
        "<p>… og 4 punkter mere på siden.</p>"
    )


def test_a_foreign_list_answer_marks_each_quote_with_its_language():
    # An English answer quoting a Danish list: the items are a real list, and each quote in
    # Danish is marked as Danish (WCAG 3.1.2), as in a prose answer.
    lead, item = "Kontoret hjælper ved at:", "Bidrage til <b>reglerne</b>"
    citations = [
        Citation(number=n, text=t, quote=t, language="da", url=DA_URL, title="T", section="S")
        for n, t in ((1, lead), (2, item))
    ]
    answer = Answer(
        text=f"The pages are in Danish and Polish only:\n(Danish) “{lead}” [1]\n- “{item}” [2]",
        language="en",
        citations=citations,
        format="list",
        items=[f"“{item}” [2]"],
    )
    assert answer_text_html(answer) == (
        "<p>The pages are in Danish and Polish only:</p>"
        f'<p>(Danish) “<span lang="da">{lead}</span>” [1]</p>'
        '<ul class="answer-items"><li>“<span lang="da">Bidrage til &lt;b&gt;reglerne&lt;/b&gt;'
        "</span>” [2]</li></ul>"
    )


def test_a_line_that_only_looks_like_an_item_stays_text():
    answer = Answer(text="- not an item [1]", language="da", format="list", items=["other [1]"])
    assert "<li>" not in answer_text_html(answer)
