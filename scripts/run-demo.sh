#!/usr/bin/env bash
# make run: create the database with the demo district on first use, then
# serve it. Usage: scripts/run-demo.sh DB_URL LISTEN
set -euo pipefail
cd "$(dirname "$0")/.."
db="${1:-sqlite:data/cunjing.db}"
listen="${2:-127.0.0.1:8080}"
bin=build/cunjing
if [[ "$db" == sqlite:* ]]; then
    mkdir -p "$(dirname "${db#sqlite:}")"
fi
"$bin" init --db "$db"
"$bin" demo --db "$db" >/dev/null
echo "Open http://$listen/ in a browser (Ctrl-C stops the server)."
exec "$bin" serve --db "$db" --listen "$listen"
