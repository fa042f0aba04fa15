"""What the corpus says about its site: the subject's name, the page's title, introduction,
footer, example questions and subject words, per language (`corpus/site.json`).

Everything particular to the site being served lives in that file beside its pages, so that
another site's pages need no code change. Without the file, the page uses generic words.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.errors import CorpusError

SITE_NAME = "site.json"
TEXT_FIELDS = ("name", "title", "intro", "footer", "placeholder")


@dataclass(frozen=True)
class Example:
    """An example question and the language it is written in."""

    language: str
    question: str


@dataclass(frozen=True)
class Site:
    """The site's own words, each a mapping from language code to text."""

    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    # Per question language, the words that only name the site's subject ("AI Office"): in a
    # question in a language the pages are not in they match everywhere and prove nothing.
    subject_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # Per language, the name's form after "about" where the language inflects it (Polish "o"
    # takes the locative: "Strony o Europejskim Urzędzie ds. AI").
    name_about: dict[str, str] = field(default_factory=dict)

    def subject(self, language: str, titles: dict[str, str] | None = None) -> dict[str, str]:
        """The subject's name in `language` for a message's `{subject}` and `{subject_about}`:
        the site's name in that language, else the title of the page in it, else the name
        in English, else the first name or title there is."""
        titles = titles or {}
        names = self.texts.get("name", {})
        name = (
            names.get(language)
            or titles.get(language)
            or names.get("en")
            or next(iter([*names.values(), *titles.values()]), "")
        )
        own = language in names or language in titles
        about = self.name_about.get(language) if own else None
        return {"subject": name, "subject_about": about or name}

    def text(self, key: str, language: str) -> str | None:
        """The site's `key` ("name", "title", "intro", "footer") in `language`, or None."""
        return self.texts.get(key, {}).get(language)


@lru_cache(maxsize=8)
def load_site(corpus_dir: Path) -> Site:
    """Read `site.json` from the corpus folder; an empty Site when there is none.

    Raises CorpusError naming the file when it is there but not valid.
    """
    path = Path(corpus_dir) / SITE_NAME
    if not path.is_file():
        return Site()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        texts = {key: {str(k): str(v) for k, v in raw.get(key, {}).items()} for key in TEXT_FIELDS}
        examples = tuple(
            Example(str(e["language"]), str(e["question"])) for e in raw.get("examples", [])
        )
        subject_words = {
            str(lang): frozenset(str(words).lower().split())
            for lang, words in raw.get("subject_words", {}).items()
        }
        name_about = {str(k): str(v) for k, v in raw.get("name_about", {}).items()}
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise CorpusError(f"{path}: not a valid site file ({exc}).") from exc
    return Site(texts, examples, subject_words, name_about)
