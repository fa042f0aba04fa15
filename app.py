"""The chat page: `python app.py [--host 127.0.0.1] [--port 7860]`.

A launcher kept at the top of the project; the page itself is `assistant.web.app` (also run
by `assistant serve`).
"""

import sys

from assistant.web.launch import main

if __name__ == "__main__":
    sys.exit(main() or 0)
