#!/usr/bin/env bash
# Set up what is missing, then run broker-advisor: the desktop app, or any CLI command.
#   bash scripts/app.sh                         open the app (with no display: says so, shows the CLI)
#   bash scripts/app.sh recommend FILE          the command-line equivalent, no display needed
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec .venv/bin/broker-advisor "$@"
