#!/bin/sh
# A web node: gunicorn with production settings (DEBUG off). Behind the reverse proxy only.
set -eu
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-0}"
exec "${GUNICORN:-gunicorn}" ntm_portal.wsgi:application \
    --bind "${BIND:-0.0.0.0:8000}" \
    --workers "${WEB_CONCURRENCY:-3}" \
    --timeout "${WEB_TIMEOUT:-60}" \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
    --access-logfile - \
    --max-requests 2000 --max-requests-jitter 200
