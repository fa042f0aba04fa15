"""Synthetic corpora of any size, made from the real pages' own sentences.

Each synthetic passage recombines two or three sentences of real passages; its translation
recombines the sentences at the same places of the aligned passages of the other language, so
both languages stay realistic and stay linked block by block, as the real pages are. The
output is an ordinary corpus folder (manifest.json and one text file per page and language,
blank-line-separated blocks with headings taken from the real sections), ingested like any
other.

    python -m bench.synthetic 10000 /tmp/corpus-10k
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from assistant.analysis.text import sentences
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.corpus import load_pages
from assistant.resources import PROJECT_DIR

PASSAGES_PER_PAGE = 250  # per language
SECTION_EVERY = 8  # passages under one heading
TITLES = {
    "da": "Syntetisk side om AI-kontoret {n}",
    "pl": "Syntetyczna strona o Urzędzie ds. AI {n}",
}


def _aligned_sources(corpus_dir: Path) -> list[dict[str, tuple[list[str], str]]]:
    """The real passages that exist in every language: language -> (sentences, section)."""
    chunks = chunk_pages(load_pages(corpus_dir))
    languages = sorted({c.language for c in chunks})
    by_id = {c.id: c for c in chunks}
    aligned = []
    for chunk in chunks:
        if chunk.language != languages[0]:
            continue
        group = {chunk.language: chunk}
        group |= {lang: by_id[i] for lang, i in chunk.translations.items() if i in by_id}
        if set(group) == set(languages):
            aligned.append({lang: (sentences(c.text), c.section) for lang, c in group.items()})
    return aligned


def write_corpus(
    passages: int,
    target: str | Path,
    corpus_dir: str | Path | None = None,
    seed: int = 0,
    whole_sentences: bool = False,
) -> Path:
    """Write a corpus of about `passages` passages (half per language) to `target`.

    With `whole_sentences`, every sentence picked is closed with a full stop, so that the
    sentence splitter gives back the real pages' sentences: the distinct sentences stay a
    bounded pool whatever the size (for the cheap-vector rows, where each is encoded once and
    looked up). Without it, a picked line that ends without one (a list item, a lead-in
    ending in a colon) runs on into the next pick, and the new run-on "sentences" grow with
    the corpus: about 2,600 distinct ones at 10,000 passages.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    sources = _aligned_sources(Path(corpus_dir or PROJECT_DIR / "corpus"))
    languages = sorted(sources[0])
    rng = random.Random(seed)
    per_language = max(1, passages // len(languages))
    pages = (per_language + PASSAGES_PER_PAGE - 1) // PASSAGES_PER_PAGE
    manifest = []
    made = 0
    for page in range(pages):
        count = min(PASSAGES_PER_PAGE, per_language - made)
        made += count
        blocks: dict[str, list[str]] = {
            lang: [TITLES.get(lang, "Page {n}").format(n=page + 1)] for lang in languages
        }
        for i in range(count):
            if i % SECTION_EVERY == 0:
                heading = rng.choice(sources)
                for lang in languages:
                    # Section titles are short and end without a full stop: heading blocks.
                    blocks[lang].append(heading[lang][1].split(" › ")[-1].rstrip(".:!?"))
            picks = [(rng.choice(sources), rng.random()) for _ in range(rng.choice((2, 3)))]
            for lang in languages:
                chosen = []
                for source, where in picks:
                    own = source[lang][0]
                    picked = own[int(where * len(own))] if own else ""
                    chosen.append(_closed(picked) if whole_sentences else picked)
                text = " ".join(s for s in chosen if s)
                blocks[lang].append(text if text[-1:] in ".!?:" else f"{text}.")
        for lang in languages:
            name = f"synthetic-{page + 1:04d}.{lang}.txt"
            (target / name).write_text("\n\n".join(blocks[lang]) + "\n", "utf-8")
            manifest.append(
                {
                    "file": name,
                    "page": f"synthetic-{page + 1:04d}",
                    "language": lang,
                    "url": f"https://example.invalid/{lang}/synthetic-{page + 1:04d}",
                    "title": blocks[lang][0],
                }
            )
    (target / "manifest.json").write_text(
        json.dumps({"pages": manifest}, ensure_ascii=False, indent=1), "utf-8"
    )
    return target


def _closed(sentence: str) -> str:
    """The sentence ending in a full stop (a closing colon becomes one)."""
    sentence = sentence.rstrip()
    if not sentence or sentence[-1] in ".!?":
        return sentence
    return f"{sentence.rstrip(':;,')}."


if __name__ == "__main__":
    size, folder = int(sys.argv[1]), sys.argv[2]
    out = write_corpus(size, folder)
    n = len(chunk_pages(load_pages(out)))
    print(f"{n} passages in {out}")
