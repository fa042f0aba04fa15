"""A question-answering assistant about the European AI Office, citing the official pages.

>>> from assistant import ask
>>> answer = ask("Hvornår er fristen for interessetilkendegivelser?")
>>> answer.text, answer.citations[0].url
"""

# First: telemetry and update checks off before any library is imported (see privacy.py).
import assistant.privacy  # noqa: F401, I001
from assistant.answer import Answer, Citation, Translation
from assistant.api import ask
from assistant.errors import AssistantError, CorpusError, IndexBusyError, IndexUnavailableError
from assistant.index.builds import BuildReport, ingest
from assistant.settings import Settings, SettingsError

__all__ = [
    "Answer",
    "AssistantError",
    "BuildReport",
    "Citation",
    "CorpusError",
    "IndexBusyError",
    "IndexUnavailableError",
    "Settings",
    "SettingsError",
    "Translation",
    "ask",
    "ingest",
]
