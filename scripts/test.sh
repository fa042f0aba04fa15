#!/usr/bin/env bash
# The tests on a fresh machine: install (with Chromium), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
. .venv/bin/activate
python -m pytest --durations=25 "$@"
