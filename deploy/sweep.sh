#!/bin/sh
# Recover jobs a dead worker left RUNNING and prune old results (systemd timer, compose loop).
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-0}"
exec "${PYTHON:-python}" manage.py sweep_jobs --stuck-minutes "${SWEEP_STUCK_MINUTES:-30}" --keep-days "${SWEEP_KEEP_DAYS:-30}"
