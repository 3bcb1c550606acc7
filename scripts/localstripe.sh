#!/usr/bin/env bash
# Starts localstripe (a local Stripe-compatible server) unless one already answers on the port.
set -euo pipefail
binary="$1"
port="${2:-8420}"
if curl -fsS -o /dev/null -u sk_test_local: "http://127.0.0.1:${port}/v1/customers" 2>/dev/null; then
  exit 0
fi
mkdir -p var/log
nohup "$binary" --port "$port" --from-scratch </dev/null >var/log/localstripe.log 2>&1 &
for _ in $(seq 30); do
  curl -fsS -o /dev/null -u sk_test_local: "http://127.0.0.1:${port}/v1/customers" 2>/dev/null && exit 0
  sleep 0.5
done
echo "localstripe did not start on port ${port}; see var/log/localstripe.log" >&2
exit 1
