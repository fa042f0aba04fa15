"""The chat page (Gradio): rendering, page text, feedback. Gradio is imported only by `app`."""
