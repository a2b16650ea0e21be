# The two commands of the README:
#   make run   — install, migrate, load demo content and serve on http://127.0.0.1:8000
#   make test  — every test (installs Chromium, Redis and PostgreSQL when missing)
.PHONY: run test setup bench lint

PY := .venv/bin/python
export DJANGO_SETTINGS_MODULE ?= academy.settings.dev

setup:
	scripts/bootstrap.sh
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo

run: setup
	$(PY) -m daphne -b 127.0.0.1 -p 8000 academy.asgi:application

test:
	scripts/test.sh

lint:
	.venv/bin/ruff check .
