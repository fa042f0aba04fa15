"""Errors the library raises on purpose, each with a message that says what to do."""


class AssistantError(Exception):
    """Base class: a problem a person can fix, with a message that says how."""


class CorpusError(AssistantError):
    """The corpus cannot be ingested: a file is missing, empty, duplicated or unsupported."""


class IndexUnavailableError(AssistantError):
    """The index is missing, damaged, or was built with another model."""

    def __init__(self, message: str, model_mismatch: bool = False):
        super().__init__(message)
        # A missing or damaged index can be rebuilt on the spot; a model mismatch must not be
        # papered over, since the user asked for a model the index does not have.
        self.model_mismatch = model_mismatch


class IndexBusyError(AssistantError):
    """Another ingestion holds the index lock."""
