#!/usr/bin/env bash
# Fuzzes the whole API with schemathesis against a real server on PostgreSQL and fails on any
# 5xx. The server runs on its own throwaway database, seeded with the demo data, and the fuzzer
# calls as a demo seller so that authenticated operations are exercised too.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL test server}"
port="${FUZZ_PORT:-8765}"
fuzz_db="${DATABASE_URL%/*}/marketplace_fuzz"
admin_db="${DATABASE_URL}"

psql "$admin_db" -qc "DROP DATABASE IF EXISTS marketplace_fuzz WITH (FORCE)" \
  -c "CREATE DATABASE marketplace_fuzz" >/dev/null
export DATABASE_URL="$fuzz_db" DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
# Its own in-process cache: throttle counts must not reach the test suite's Redis cache.
export CELERY_BROKER_URL="" CACHE_URL="locmemcache://" AUTH_THROTTLE_RATE="10000/min"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_reference_data >/dev/null
.venv/bin/python manage.py load_demo_data >/dev/null
.venv/bin/python manage.py load_demo_orders >/dev/null
.venv/bin/python manage.py load_demo_certification >/dev/null
token=$(.venv/bin/python manage.py drf_create_token northyard | awk '{print $3}')

.venv/bin/gunicorn marketplace.wsgi -b "127.0.0.1:${port}" -w 2 --log-level warning &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:${port}/api/schema/" >/dev/null && break
  sleep 0.2
done

.venv/bin/schemathesis run "http://127.0.0.1:${port}/api/schema/?format=json" \
  --url "http://127.0.0.1:${port}" \
  --checks not_a_server_error \
  --header "Authorization: Token ${token}" \
  --max-examples "${FUZZ_EXAMPLES:-25}" \
  --request-timeout 20 \
  --seed 20261124
