"""Structure-aware chunking of the real pages."""

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
