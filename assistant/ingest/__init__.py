"""The first stage: the corpus pages as they are on disk, and the passages cut from them."""
