#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them all.
# Used by the README and by CI (.ci/run). Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages, with one apt-get update for all of them:
# - PostgreSQL server binaries: the store tests run a real, throw-away PostgreSQL cluster;
# - Chromium: the browser tests drive it with Playwright (no Playwright browser download).
missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} (Debian packages) for the tests..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# The embeddings extra (tested too) needs PyTorch: torch==2.13.0 is a CPU build, where a
# bare "torch" requirement would pull a CUDA build of several GB.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e '.[test,embeddings]'

.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
