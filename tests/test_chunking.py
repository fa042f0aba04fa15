"""Structure-aware chunking of the real pages."""

import pytest

from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import load_pages
from assistant.resources import PROJECT_DIR


def _chunks():
    return chunk_pages(load_pages(PROJECT_DIR / "corpus"))


def test_both_pages_give_the_same_passages_in_the_same_order():
    chunks = _chunks()
    da = [c for c in chunks if c.language == "da"]
    pl = [c for c in chunks if c.language == "pl"]
    assert len(da) == len(pl) == 37
    assert [c.id.split("/")[-1] for c in da] == [c.id.split("/")[-1] for c in pl]


def test_every_passage_links_to_its_translation():
    chunks = {c.id: c for c in _chunks()}
    deadline = chunks["ai-office/da/b030"]
    assert "27. marts 2024" in deadline.text
    translation = chunks[deadline.translations["pl"]]
    assert "27 marca 2024" in translation.text
    assert translation.translations["da"] == deadline.id


def test_site_chrome_and_image_descriptions_are_not_passages():
    texts = " ".join(c.text for c in _chunks())
    for chrome in (
        "Skip to main content",
        "Shaping Europe",
        "The image depicts",
        "Central chip reads",
        "Lilla baggrund",
        "Fioletowe tło",
    ):
        assert chrome not in texts


def test_each_bullet_item_is_a_passage_under_its_section():
    chunks = {c.id: c for c in _chunks()}
    item = chunks["ai-office/da/b015.02"]
    assert item.text.startswith("Udarbejdelse af topmoderne adfærdskodekser")
    assert item.section == (
        "AI-kontorets opgaver › Støtte til retsakten om kunstig intelligens og "
        "håndhævelseaf reglerne om kunstig intelligens"
    )
    assert item.context.endswith("ved at:")  # the list's lead-in, for search
    bullets = [c for c in chunks.values() if c.item is not None and c.language == "da"]
    assert len(bullets) == 12  # 5 + 4 + 3 tasks


def test_headings_are_not_passages_but_sections():
    chunks = _chunks()
    assert not any(c.text == "GenAI4EU" for c in chunks)
    genai = next(c for c in chunks if c.id == "ai-office/pl/b010")
    assert genai.section == "GenAI4EU"
    assert genai.url == "https://digital-strategy.ec.europa.eu/pl/policies/ai-office"
    assert genai.title == "Europejski Urząd ds. AI"


def test_ids_are_stable_across_runs():
    assert [c.id for c in _chunks()] == [c.id for c in _chunks()]


@pytest.mark.unit
def test_a_capture_with_heading_levels_puts_every_list_under_its_own_heading():
    """A capture made by `assistant refresh` keeps the HTML's heading levels ("## ..."): the
    second and third task lists sit under their own subheading and the section above it,
    not only the first one (as in the plain-text captures)."""
    from assistant.ingest.chunking import chunk_page
    from assistant.ingest.corpus import Page

    text = (
        "# Kontoret\n\nKontoret hjælper alle.\n\n## Opgaver\n\n### Støtte til loven\n\n"
        "Kontoret støtter loven ved at:\n\n • rådgive\n • [vejlede](https://example.eu/v)\n\n"
        "### Samarbejde\n\nKontoret samarbejder ved at:\n\n • mødes\n\n"
        "## Kontakt\n\nSkriv til os.\n"
    )
    page = Page("k.da.txt", "k", "da", "https://example.eu/k", "Kontoret", text, "2026-12-03")
    chunks = chunk_page(page)
    sections = {c.text: c.section for c in chunks}
    assert sections["Kontoret hjælper alle."] == "Kontoret"
    assert sections["rådgive"] == "Opgaver › Støtte til loven"
    assert sections["vejlede"] == "Opgaver › Støtte til loven"  # the link's text, not its address
    assert sections["mødes"] == "Opgaver › Samarbejde"
    assert sections["Skriv til os."] == "Kontakt"
    assert {c.captured for c in chunks} == {"2026-12-03"}
    assert [c.context for c in chunks if c.text == "mødes"] == ["Kontoret samarbejder ved at:"]
