"""The operator's view: the question log, the report over it, and candidates for review."""
