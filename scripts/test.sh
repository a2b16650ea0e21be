#!/usr/bin/env bash
# Every test: checks, unit and consumer tests on SQLite, the same on PostgreSQL, two server
# processes over Redis, and the browser journeys in Chromium. Private PostgreSQL and Redis
# servers are started here (and stopped at exit) unless TEST_DATABASE_URL / TEST_REDIS_URL
# name existing ones.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --system || exit 1

export DJANGO_SETTINGS_MODULE=academy.settings.test
unset DATABASE_URL REDIS_URL
PY=.venv/bin/python
work=$(mktemp -d /tmp/academy-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  [ -n "${PG_STARTED:-}" ] && run_pg pg_ctl -D "$work/pg" -m immediate stop >/dev/null 2>&1
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# --- Redis ----------------------------------------------------------------------------------
if [ -z "${TEST_REDIS_URL:-}" ]; then
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
  REDIS_PID=$!
  export TEST_REDIS_URL="redis://127.0.0.1:$port/0"
fi

# --- PostgreSQL -----------------------------------------------------------------------------
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
run_pg() {  # PostgreSQL refuses to run as root: use the postgres account then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pgbin/$1" "${@:2}"; else "$pgbin/$1" "${@:2}"; fi
}
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  port=$(free_port)
  mkdir -p "$work/pg" && { [ "$(id -u)" = 0 ] && chown postgres "$work/pg" || true; }
  run_pg initdb -D "$work/pg" -U postgres --auth=trust -E UTF8 >/dev/null &&
    run_pg pg_ctl -D "$work/pg" -l "$work/pg/log" -w -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null &&
    PG_STARTED=1
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
fi

status=0
step() { echo; echo "=== $*"; }

step "checks"
$PY manage.py compilemessages -v0 --ignore=.venv || status=1
$PY manage.py check || status=1
$PY manage.py makemigrations --check --dry-run >/dev/null || { echo "missing migrations"; status=1; }
.venv/bin/ruff check . || status=1
SECRET_KEY=$($PY -c 'import secrets;print(secrets.token_urlsafe(64))') \
  DJANGO_SETTINGS_MODULE=academy.settings.production $PY manage.py check --deploy --fail-level WARNING || status=1

# The two database passes run side by side (one core each); their output is printed in turn.
step "tests on SQLite (with two server processes over Redis) and on PostgreSQL, in parallel"
$PY -m pytest -m "not browser" -q "$@" >"$work/sqlite.log" 2>&1 &
sqlite_pid=$!
DATABASE_URL="$TEST_DATABASE_URL" $PY -m pytest -m "not browser and not servers" --ignore=tests/engine -q "$@" \
  >"$work/postgres.log" 2>&1 &
postgres_pid=$!
wait $sqlite_pid || status=1
wait $postgres_pid || status=1
step "tests on SQLite"; cat "$work/sqlite.log"
step "tests on PostgreSQL (tests/engine touch no database and run once, above)"; cat "$work/postgres.log"

step "browser tests (Chromium)"
$PY -m pytest -m browser -q -p no:asyncio "$@" || status=1

exit $status
