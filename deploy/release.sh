#!/bin/sh
# The one-shot release step, run once per deployment from one machine (compose service
# "release", systemd ntm-release.service): database migrations, the rate-limit cache table and
# the criteria catalog. The web nodes and workers start only after it succeeded.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
export DEBUG="${DEBUG:-0}"
"$PY" manage.py check --deploy --fail-level WARNING
"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable
"$PY" manage.py load_catalog
