#!/usr/bin/env bash
# Wrapper for cron/systemd: run from the folder that holds archiver.toml.
set -euo pipefail
cd "${ARCHIVER_HOME:-$(dirname "$0")/..}"
exec .venv/bin/archiver --config "${ARCHIVER_CONFIG:-archiver.toml}" run --log json "$@"
