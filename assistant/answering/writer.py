"""The optional writer: a generated answer from an OpenAI-compatible server, held to the
same rules as the extractive one.

Off by default (`ASSISTANT_LLM_BASE_URL` unset). When on, the model is given the retrieved
passages, numbered, and asked for a short answer in the question's language with an [n] after
each sentence. Its text is then checked: it must be in the question's language, and each
sentence must be supported by the passage it cites (`grounding`). Unsupported sentences are
dropped; when the language is wrong or too little remains, the extractive answer stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.analysis.language import detect_language
from assistant.analysis.text import language_data, sentences
from assistant.answer import Answer
from assistant.answering.extractive import cite
from assistant.answering.grounding import SUPPORT_THRESHOLD, support
from assistant.index.opened import Index
from assistant.retrieval.retriever import Hit
from assistant.settings import Settings

MIN_KEPT_SHARE = 0.5  # below this share of supported sentences, fall back
_MARKER = re.compile(r"\s*\[(\d+)\]")

PROMPT = """You answer questions about {subject} using ONLY the numbered passages
from its official web page below. Answer in {language_name}, in one to three short sentences.
End every sentence with the number of the passage it comes from in square brackets, e.g. [1].
If the passages do not answer the question, say so in {language_name}.

Passages:
{passages}

Question: {question}
Answer in {language_name}:"""


@dataclass(frozen=True)
class Checked:
    """A generated text after the checks."""

    sentences: list[tuple[str, int]]  # (sentence without marker, passage number)
    dropped: int
    language_ok: bool


def make_llm(settings: Settings):
    """The llama-index LLM for the configured OpenAI-compatible server."""
    try:
        from llama_index.llms.openai_like import OpenAILike
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("pip install llama-index-llms-openai-like to use a writer") from exc
    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        api_key=settings.llm_api_key,
        is_chat_model=True,
        timeout=60,
        max_retries=0,
        temperature=0.0,
    )


def check(text: str, passages: list[str], language: str, lexicons) -> Checked:
    """Split a generated text into cited sentences and keep those their passage supports."""
    plain = _MARKER.sub("", text)
    guess = detect_language(plain, lexicons)
    kept: list[tuple[str, int]] = []
    total = 0
    for sentence in sentences(text):
        numbers = [int(n) for n in _MARKER.findall(sentence)]
        bare = _MARKER.sub("", sentence).strip()
        if not bare:
            continue
        total += 1
        scores = {
            n: support(bare, passages[n - 1], language) for n in numbers if 1 <= n <= len(passages)
        }
        best = max(scores, key=scores.get, default=None)
        if best is not None and scores[best] >= SUPPORT_THRESHOLD:
            kept.append((bare, best))
    return Checked(kept, total - len(kept), guess.code == language)


def write(
    extractive: Answer,
    hits: list[Hit],
    question: str,
    index: Index,
    settings: Settings,
    lexicons,
    llm=None,
) -> Answer:
    """A generated answer that passed the checks, or `extractive` (with the reason why)."""
    language = extractive.language
    language_name = language_data("english_names").get(language)
    if extractive.abstained or language not in index.languages or not language_name:
        return extractive
    chunks = [h.chunk for h in hits if h.chunk.language == language][:3]
    if not chunks:
        return extractive
    numbered = "\n".join(f"[{n}] {c.text}" for n, c in enumerate(chunks, start=1))
    prompt = PROMPT.format(
        subject=index.subject("en")["subject"],
        language_name=language_name,
        passages=numbered,
        question=question,
    )
    try:
        llm = llm or make_llm(settings)
        text = str(llm.complete(prompt)).strip()
    except Exception as exc:  # the server is optional: any failure means extractive
        return replace(extractive, writer=f"extractive (writer failed: {type(exc).__name__})")
    checked = check(text, [c.text for c in chunks], language, lexicons)
    if not checked.language_ok:
        return replace(extractive, writer="extractive (writer answered in another language)")
    total = len(checked.sentences) + checked.dropped
    if not checked.sentences or len(checked.sentences) / total < MIN_KEPT_SHARE:
        return replace(extractive, writer="extractive (writer's sentences not supported)")

    # Renumber the cited passages in order of first use.
    order: list[int] = []
    for _, n in checked.sentences:
        if n not in order:
            order.append(n)
    citations = []
    for new_number, old_number in enumerate(order, start=1):
        chunk = chunks[old_number - 1]
        used = [s for s, n in checked.sentences if n == old_number]
        quote = max(sentences(chunk.text), key=lambda s: support(used[0], s, language))
        citations.append(cite(new_number, chunk, quote, index))
    text_out = " ".join(f"{s} [{order.index(n) + 1}]" for s, n in checked.sentences)
    note = f"llm ({checked.dropped} unsupported sentence(s) dropped)" if checked.dropped else "llm"
    return replace(extractive, text=text_out, citations=citations, writer=note)
