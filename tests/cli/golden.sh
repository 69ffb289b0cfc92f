#!/usr/bin/env bash
# Runs the data-driven golden cases in tests/golden/ against the built CLI.
set -euo pipefail
exec python3 "$(dirname "$0")/../golden/run_golden.py" "$1"
