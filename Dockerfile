# The portal's image: one image for the web (gunicorn), the worker, the release step and the sweeper.
# Build: docker build -t ntm-portal .   Run the whole stack: docker compose up (see compose.yaml, README).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    STATIC_ROOT=/srv/ntm/static \
    MEDIA_ROOT=/srv/ntm/media

# gettext compiles nothing at run time (the .mo files are committed); openssl makes the local
# self-signed certificate (deploy/self-signed-cert.sh).
RUN apt-get update \
    && apt-get install -y --no-install-recommends openssl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /srv/ntm --uid 10001 ntm

WORKDIR /srv/ntm/app
COPY requirements.txt requirements.lock ./
RUN pip install -r requirements.txt -c requirements.lock

COPY . .
RUN mkdir -p /srv/ntm/static /srv/ntm/media \
    && SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-0123456789 ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R ntm /srv/ntm/media

USER ntm
EXPOSE 8000
# The web node; compose.yaml and deploy/systemd/ run the worker, the release step and the sweeper.
CMD ["sh", "deploy/web.sh"]
