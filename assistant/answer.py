"""The values `ask()` returns: an Answer and its numbered Citations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from urllib.parse import quote as _percent_encode


@dataclass(frozen=True)
class Translation:
    """The same passage on the other-language page."""

    language: str
    text: str
    url: str
    passage_id: str


@dataclass(frozen=True)
class Citation:
    """A source of an answer: the passage, the sentence quoted from it, and where it stands."""

    number: int
    text: str  # the whole passage
    quote: str  # the sentence the answer uses, verbatim
    language: str
    url: str
    title: str
    section: str
    passage_id: str = ""
    link: str = ""  # the page URL opening at the quote (URL text fragment)
    translation: Translation | None = None
    captured: str = ""  # the date of the capture quoted (ISO), "" when not recorded

    def summary(self) -> dict:
        """The citation without the passage texts: what a feedback line or a report keeps."""
        keys = ("number", "passage_id", "language", "url", "section", "quote", "link", "captured")
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class TracedPassage:
    """One retrieved passage behind an answer, with the scores it was judged by."""

    passage_id: str
    language: str
    score: float  # fused retrieval score
    cosine: float  # the model's cosine to the question
    standing: float  # how far that cosine stands above the other candidates (std. scores)
    coverage: float  # share of the question's IDF-weighted stems the passage holds
    # Its place in the fusion's order (0 first); the passages are listed in the order the
    # answer was made from, which the learned ranking may have changed (`retrieval.ranking`).
    fusion_rank: int = 0


@dataclass(frozen=True)
class Trace:
    """How an answer was made: what was retrieved, and what answerability decided and why."""

    passages: list[TracedPassage] = field(default_factory=list)
    decision: str = ""  # "answered", "out_of_scope", "not_on_page"; "" when not reached
    why: str = ""
    expected_types: list[str] = field(default_factory=list)  # e.g. ["count"], ["email"]
    # What answerability's trained model read (`answering.features`) and the probability it
    # gave each outcome; empty where the rules decided (follow-ups, an English-only model).
    features: dict[str, float] = field(default_factory=dict)
    probabilities: dict[str, float] = field(default_factory=dict)
    # The question log's record of this ask (`assistant.operations.question_log`), which a
    # vote on the answer updates; 0 when the log is off.
    log_id: int = 0


@dataclass(frozen=True)
class Answer:
    """A reply to one question.

    `text` carries `[n]` markers that point to `citations[n-1]`. `abstained` is True when the
    pages do not answer the question: then `reason` says why ("out_of_scope": not about the
    subject; "not_on_page": about it, but the pages don't say, and the one citation, if any,
    is the nearest thing they do say). `trace` records what was retrieved and decided.
    """

    text: str
    language: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    # Why there is no real answer: "empty", "no_letters", "out_of_scope", "not_on_page",
    # "unsupported_language" (a language it has no words for: the reply names those it
    # reads) ... or "" for a normal answer.
    reason: str = ""
    notice: str = ""  # a remark about the question itself, e.g. that it was cut
    resolved_question: str = ""  # the question as searched (follow-ups resolved)
    language_confident: bool = True
    # Who wrote the text: "extractive" (verbatim sentences), "llm" (the optional writer,
    # checked), or "extractive (...)" saying why the writer's text was not used.
    writer: str = "extractive"
    # How the text is laid out: "text" (sentences), "list" (a lead-in, then one "- item [n]"
    # line per item) or "overview" (several sentences in page order). `items` holds the list's
    # items as shown, each ending in its [n], so API callers can render the list themselves.
    format: str = "text"
    items: list[str] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)

    @property
    def as_of(self) -> str:
        """The date of the newest capture the answer quotes (ISO), "" when none is dated."""
        return max((c.captured for c in self.citations), default="")

    def to_dict(self) -> dict:
        return {**asdict(self), "as_of": self.as_of}


def text_fragment_link(url: str, sentence: str, max_words: int = 8) -> str:
    """`url#:~:text=...` that makes a browser scroll to and highlight `sentence`.

    Long sentences use the start,end form so the link survives small differences.
    """
    words = sentence.strip().rstrip(".").split()
    if not words:
        return url
    if len(words) <= max_words:
        directive = _encode(" ".join(words))
    else:
        directive = f"{_encode(' '.join(words[:4]))},{_encode(' '.join(words[-4:]))}"
    return f"{url}#:~:text={directive}"


def _encode(text: str) -> str:
    # '-', ',' and '&' have meaning in a text directive and must be percent-encoded.
    return _percent_encode(text, safe="").replace("-", "%2D")
