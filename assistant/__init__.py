"""A question-answering assistant about the European AI Office, citing the official pages.

>>> from assistant import ask
>>> answer = ask("Hvornår er fristen for interessetilkendegivelser?")
>>> answer.text, answer.citations[0].url
"""

from .answer import Answer, Citation, Translation
from .api import ask
from .errors import AssistantError, CorpusError, IndexBusyError, IndexUnavailableError
from .index import BuildReport, ingest
from .settings import Settings

__all__ = [
    "Answer",
    "AssistantError",
    "BuildReport",
    "Citation",
    "CorpusError",
    "IndexBusyError",
    "IndexUnavailableError",
    "Settings",
    "Translation",
    "ask",
    "ingest",
]
