#!/bin/sh
# A background worker (large bulletins, imports) with production settings: manage.py itself
# defaults to DEBUG=1 for development, so DEBUG=0 is set here, and no autoreload.
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-0}"
exec "${PYTHON:-python}" manage.py db_worker --queue-name default --interval 1 --worker-id "${WORKER_ID:-$(hostname)-$$}"
