"""The fourth stage: deciding whether the passages answer, and composing the cited answer."""
