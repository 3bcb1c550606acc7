#!/usr/bin/env bash
# Makes sure PostgreSQL, Redis, Chromium and gettext are installed, the services running, and
# that the test role exists.
set -euo pipefail
role="${1:-marketplace}"

need_apt=()
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql postgresql-contrib)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v curl >/dev/null || need_apt+=(curl)
# The browser tests drive Debian's Chromium (Playwright's own browser downloads are not used).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# The translation catalogs are checked against the source by extracting its messages again.
command -v xgettext >/dev/null || need_apt+=(gettext)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') THEN
    CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${role}';
  END IF;
END
\$\$;
SQL
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = '${role}'" | grep -q 1; then
  runuser -u postgres -- createdb -O "${role}" "${role}"
fi
