"""Sentences that refer back: "Den vil håndhæve reglerne ..." says who enforces the rules
only through the sentences before it ("AI-kontoret er unikt udstyret ... Det vil spille ...").
A quoted sentence that leans on the one before it (`analysis.text.leans_on_previous`) is
quoted after what it refers to.
"""

from __future__ import annotations

from assistant.analysis.text import leans_on_previous, sentences
from assistant.ingest.chunking import Chunk

# A sentence that refers back brings at most this many sentences before it: enough for
# "Dette understøttes ..." after "Den vil håndhæve ..." after "Det vil spille ..." after
# "AI-kontoret er ...". Further back, the referent is too far to quote.
MAX_ANTECEDENTS = 3


def antecedents(chunk: Chunk, sentence: str, quoted: set[tuple[str, str]]) -> list[str]:
    """The sentences before `sentence` in its passage `chunk`, back to the one that names what
    it refers to; none when that one is further back than MAX_ANTECEDENTS or is in `quoted`
    ((passage id, sentence) pairs already in the answer)."""
    own = sentences(chunk.text)
    at = own.index(sentence) if sentence in own else 0
    start = at
    while start > 0 and leans_on_previous(own[start], chunk.language):
        if at - start == MAX_ANTECEDENTS or (chunk.id, own[start - 1]) in quoted:
            return []
        start -= 1
    return own[start:at]
