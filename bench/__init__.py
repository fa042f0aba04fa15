"""The benchmark: the assistant against the stock llama-index pipeline (see run.py)."""
