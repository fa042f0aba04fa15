"""Pin a fixed set of answers, so that a change meant only for speed is seen to change none.

    python scripts/pin_answers.py            # re-answer the pinned items, rewrite the file
    python scripts/pin_answers.py --check    # compare, print the first differences, exit 1
    python scripts/pin_answers.py --choose   # choose the items anew from today's dev split

The set is drawn from the dev split (eval/qa.jsonl, never the sealed test split): a few items
of every category, spread over the languages, taken at even steps through the file so the
choice does not depend on what the answers are. Once chosen, the set is the ids in the
pinned file: dev grows every round (a sealed split, once reported, joins it), and a choice
made anew would be a different set, not a changed answer. Each is asked as the eval asks it
(earlier turns first, their answers becoming the history), on an index built from the real
corpus with the default model. What is pinned: the answer text, whether it abstained, its
reason, the cited passage ids and the trace's decision and why.

`tests/test_pinned_answers.py` compares the same records. Regenerate the file only when
answering changes on purpose (and say so in the commit).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "eval" / "qa.jsonl"
PINNED = ROOT / "tests" / "data" / "pinned_answers.jsonl"
PER_CATEGORY = 6


def pinned_items(path: Path = DEV_SET, per_category: int = PER_CATEGORY) -> list[dict]:
    """`per_category` dev items of each category, at even steps through the file."""
    by_category: dict[str, list[dict]] = defaultdict(list)
    for item in dev_items(path).values():
        by_category[item["category"]].append(item)
    chosen = []
    for category in sorted(by_category):
        # Round robin over the languages, each language's items at even steps.
        by_language: dict[str, list[dict]] = defaultdict(list)
        for item in by_category[category]:
            by_language[item["language"]].append(item)
        queues = {lang: _spread(items) for lang, items in sorted(by_language.items())}
        picked: list[dict] = []
        while len(picked) < per_category and any(queues.values()):
            for queue in queues.values():
                if queue and len(picked) < per_category:
                    picked.append(queue.pop(0))
        chosen += sorted(picked, key=by_category[category].index)
    return chosen


def _spread(items: list[dict]) -> list[dict]:
    """The items reordered so that the first few are spread evenly through the list."""
    step = max(1, len(items) // 3)
    return [items[i] for i in dict.fromkeys([*range(0, len(items), step), *range(len(items))])]


def dev_items(path: Path = DEV_SET) -> dict[str, dict]:
    """The dev split's items by id."""
    items = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    return {i["id"]: i for i in items if i.get("split", "dev") == "dev"}


def pinned_set(pinned: list[dict], path: Path = DEV_SET) -> list[dict]:
    """The dev items the pinned file names, in its order; a name dev lacks is an error."""
    dev = dev_items(path)
    missing = [r["id"] for r in pinned if r["id"] not in dev]
    if missing:
        raise KeyError(
            f"pinned items not in the dev split: {', '.join(missing)} (rerun with --choose)"
        )
    return [dev[r["id"]] for r in pinned]


def record(item: dict, settings) -> dict:
    """The pinned fields of the answer to one item, asked as the eval asks it."""
    from assistant import ask

    history = []
    for question in item.get("history", []):
        history.append((question, ask(question, history=list(history), settings=settings)))
    answer = ask(item["question"], history=history or None, settings=settings)
    return {
        "id": item["id"],
        "language": answer.language,
        "text": answer.text,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "citations": [c.passage_id for c in answer.citations],
        "decision": answer.trace.decision,
        "why": without_measures(answer.trace.why),
    }


def without_measures(why: str) -> str:
    """The decision's reasons without their measured numbers (cosines, odds): their last
    digits follow the CPU's arithmetic (AVX2 and AVX-512 machines differ by 0.001), the
    reasons and passages do not."""
    return re.sub(r"\d+\.\d+", "#", why)


def answer_all(settings, items: list[dict]) -> list[dict]:
    return [record(item, settings) for item in items]


def default_settings(index_dir: Path):
    """Settings over the real corpus and the default model, with the index in `index_dir`."""
    from assistant.index.builds import ingest
    from assistant.settings import Settings

    settings = Settings(index_dir=index_dir, corpus_dir=ROOT / "corpus")
    ingest(settings)
    return settings


def read_pinned(path: Path = PINNED) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


# A pinned record may list, under this key, the fields another CPU gave for the same answer
# at a near-tie (one sentence of a passage quoted instead of another): seen on a machine and
# recorded there, each a whole alternative, never a wildcard. Pinning anew writes this
# machine's answers only: variants seen elsewhere are recorded again where they are seen.
OTHER_CPUS = "seen_on_other_cpus"


def differences(expected: list[dict], actual: list[dict]) -> list[str]:
    """One line per item whose answer differs from the pinned one and from each variant
    recorded for other CPUs, naming the fields."""
    out = []
    if [e["id"] for e in expected] != [a["id"] for a in actual]:
        out.append("the answered items are not the pinned items")
    for old, new in zip(expected, actual, strict=False):
        pinned = {k: v for k, v in old.items() if k != OTHER_CPUS}
        variants = [pinned] + [{**pinned, **v} for v in old.get(OTHER_CPUS, [])]
        if any(all(v[key] == new.get(key) for key in v) for v in variants):
            continue
        fields = [key for key in pinned if pinned[key] != new.get(key)]
        out.append(f"{old['id']}: {', '.join(fields)} differ")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--choose", action="store_true", help="choose the items anew from dev")
    parser.add_argument("--index-dir", help="an index to use (default: a fresh one in /tmp)")
    args = parser.parse_args(argv)
    items = pinned_items() if args.choose or not PINNED.exists() else pinned_set(read_pinned())
    with tempfile.TemporaryDirectory(prefix="pin-answers-") as scratch:
        settings = default_settings(Path(args.index_dir or scratch).resolve())
        actual = answer_all(settings, items)
    if args.check:
        found = differences(read_pinned(), actual)
        print("\n".join(found) or f"all {len(actual)} pinned answers unchanged")
        return 1 if found else 0
    PINNED.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in actual]
    PINNED.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(actual)} answers pinned in {PINNED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
