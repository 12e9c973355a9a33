# The single entry point: `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` is a development server: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: help run serve install migrate test lint format messages backup clean bench bench-small bench-units loadtest cluster-test

help:
	@echo "make run    - set up .venv, migrate, load the catalog, seed demo data once, print demo logins, serve on $(HOST):$(PORT)"
	@echo "make test   - migrations check, lint and the whole test suite (DATABASE_URL selects the database)"
	@echo "make serve  - gunicorn + whitenoise with production settings on $(HOST):$(PORT) (see README)"
	@echo "make backup - every table and uploaded file into backups/*.tar.gz"
	@echo "make bench / bench-small / bench-units / loadtest - speed figures (bench/README.md)"
	@echo "make cluster-test - two web nodes and two workers on PostgreSQL ntm_cluster behind a proxy, one of each killed (README)"
	@echo "make lint / format / messages / clean"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py createcachetable

# The criteria catalog is loaded every time (idempotent); the demo province is seeded only
# into a database that does not have it yet; the demo logins are printed either way.
run: migrate
	$(RUN_ENV) $(PY) manage.py load_catalog
	$(RUN_ENV) $(PY) manage.py seed_demo --if-missing
	@echo "Serving on http://$(HOST):$(PORT)/ - sign in with a demo login above."
	@# The background worker (large bulletins, imports) runs beside the server and stops with it.
	$(RUN_ENV) $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving on loopback: gunicorn + whitenoise, settings from the environment
# (DEBUG off: SECRET_KEY and ALLOWED_HOSTS must be set; see README "Serving for real").
WEB_CONCURRENCY ?= 3
SERVE_ENV := DEBUG=$${DEBUG:-0}
serve: install
	$(SERVE_ENV) $(PY) manage.py check --deploy
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py createcachetable
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py load_catalog
	$(SERVE_ENV) $(BIN)/gunicorn ntm_portal.wsgi:application --bind $(HOST):$(PORT) --workers $(WEB_CONCURRENCY) \
		--access-logfile - --forwarded-allow-ips=127.0.0.1

# A full backup (rows and uploaded files) into backups/; restore with manage.py restore FILE.
backup: install
	mkdir -p backups
	$(PY) manage.py backup backups/ntm-$$(date +%Y%m%d-%H%M%S).tar.gz

# Benchmarks (see bench/README.md): national on PostgreSQL, one province on SQLite, a load run.
BENCH_DB ?= postgres://postgres@127.0.0.1:5432/ntm_bench
bench: install
	BENCH_DATABASE_URL=$(BENCH_DB) $(PY) -m bench.generate --size national --verify 200
	BENCH_DATABASE_URL=$(BENCH_DB) $(PY) -m bench.run --size national

bench-small: install
	$(PY) -m bench.generate --size province --sqlite --verify 50
	$(PY) -m bench.run --size province --sqlite

bench-units: install
	$(PY) -m bench.load_units
	$(PY) -m bench.load_units --postgres

loadtest: install
	BENCH_DATABASE_URL=$(BENCH_DB) $(PY) -m bench.loadtest --run-time 60

# Several nodes, tested (README "Several nodes"): a fresh PostgreSQL database ntm_cluster, two
# web nodes and two workers from deploy/*.sh behind a loopback proxy, 60 s of saves and bulletin
# jobs with a worker and a node killed midway, then the checks; about 1.5 minutes, PASS or FAIL.
CLUSTER_DB ?= postgres://postgres@127.0.0.1:5432/ntm_cluster
cluster-test: install
	$(PY) -m bench.cluster --database $(CLUSTER_DB) --run-time 60

test: install
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract and compile translations (needs GNU gettext: apt-get install gettext).
messages: install
	$(RUN_ENV) $(PY) manage.py makemessages --locale vi --locale en --ignore '.venv/*' --ignore 'static/vendor/*' --no-obsolete
	$(RUN_ENV) $(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
