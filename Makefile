# The two commands of the README: `make run` serves the portal with demo data on the
# embedded default (SQLite + filesystem broker, worker and beat included); `make test`
# runs the whole suite. Everything a fresh machine needs is installed from here.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run setup assets migrate demo test lint format check bench eval-ingest clean browsers drills

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

assets: node_modules/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_policies
	$(PY) manage.py seed_demo

run: demo
	@echo "门户地址: http://$(HOST):$(PORT)/  （Ctrl-C 同时停止 web、worker 和 beat）"
	@echo "演示账号见上方列表，计划进行中的排在前面（如 huzhou-reporter、huzhou-reviewer），密码 demo1234"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" WEB_BIND=$(HOST):$(PORT) honcho start -f Procfile

test: setup
	DJANGO_SETTINGS_MODULE=portal.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) -m pip install --quiet xlsxwriter==3.3.1
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal_bench} $(PY) scripts/bench.py

eval-ingest: setup
	$(PY) scripts/eval_ingest.py

# The fault and abuse drills on the production stack, on loopback only (README "Deploying"):
# its own PostgreSQL cluster and redis-server on free ports, gunicorn, a worker and beat.
# DRILLS_ARGS=--short for a few minutes; DRILLS_ARGS="--only soak" for one drill.
drills: setup
	$(PY) scripts/drills/run.py $(DRILLS_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles var db.sqlite3
