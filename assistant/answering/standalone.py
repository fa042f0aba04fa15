"""Whether a follow-up stands on its own: asked alone, the trained model finds it answered.

A follow-up is searched with the previous question, and its answer kept on the previous
turn's subject (`conversation.resolve`). That loses the follow-up that asks about a
neighbouring thing in words of its own: "A gdzie zobaczę same ogłoszenia?" after the job
deadline asks where the announcements are, which another passage says; "Kan jeg også få
deres nyheder direkte?" after the e-mail address asks about the newsletter. The trained
model (`answering.learned`) reads such a question, asked alone, as answered with high odds,
and an elliptical one ("Hvem er med i det?", "A z kim to robi?") with low odds: it names too
little. So a follow-up whose own answer the model finds answered at `STANDS_ON_ITS_OWN` or
more is answered as a question of its own.
"""

from __future__ import annotations

from assistant.answer import Answer

# The model's probability of "answered" (of the three outcomes) for the follow-up asked
# alone, at or above which its own answer replaces the conversation's. Chosen on eval/'s dev
# split (356 follow-ups, each asked alone and in its conversation; answers that would become
# right / wrong at 0.5: 22 / 12, 0.6: 19 / 7, 0.7: 17 / 5, 0.8: 11 / 4, 0.9: 5 / 3).
# Kept with eight authors (dev 5,758, whole runs): 0.6 / 0.7 / 0.8 cost 1,417 / 1,412 / 1,416.
# Kept with the learned ranking of the passages found (dev 6,150): 0.7 / 0.8 / 0.9 cost
# 1,429 / 1,430 / 1,435.
STANDS_ON_ITS_OWN = 0.7


def stands_on_its_own(alone: Answer) -> bool:
    """True when `alone`, the follow-up's answer as a question of its own, answers it and the
    trained model gives "answered" at least `STANDS_ON_ITS_OWN` (no model: never)."""
    if alone.abstained or alone.trace is None:
        return False
    return (alone.trace.probabilities or {}).get("answered", 0.0) >= STANDS_ON_ITS_OWN
