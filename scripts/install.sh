#!/usr/bin/env bash
# Set up everything on a fresh machine: a virtual environment with the project and its
# dependencies. torch goes first, pinned to the local CPU wheel, or pip would pull CUDA: the
# pin lives here, not in the package's metadata (sentence-transformers only needs some torch).
# Usage: bash scripts/install.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
TORCH_PIN=${TORCH_PIN:-torch==2.13.0}
python -m pip install --quiet "$TORCH_PIN"
if [ "${1:-}" = "--test" ]; then
  python -m pip install --quiet -e ".[test]"  # web, eval and bench extras too
  # A real browser for the page tests: Debian's Chromium (Playwright's own download is not
  # reachable from these machines).
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  # strace for the native no-network test (tests/test_robust_network.py fails without it).
  if ! command -v strace >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq strace >/dev/null
  fi
else
  python -m pip install --quiet -e ".[web,eval]"  # the chat page and the evaluation
fi
