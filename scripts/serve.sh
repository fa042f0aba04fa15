#!/usr/bin/env bash
# The main job on a fresh machine: install, build the index, start the chat page on
# http://127.0.0.1:7860 (set ASSISTANT_PORT / ASSISTANT_HOST to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
. .venv/bin/activate
assistant ingest
exec python app.py "$@"
