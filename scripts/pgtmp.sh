#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for tests and benchmarks: no system
# service, listening only on a unix socket in its own directory (and, with a
# port given, on 127.0.0.1).
#   scripts/pgtmp.sh start DIR [PORT]   -> prints the base URL (without a database name)
#   scripts/pgtmp.sh createdb DIR NAME  -> creates database NAME
#   scripts/pgtmp.sh stop DIR
# The server runs as the postgres user when started by root (initdb refuses root).
set -euo pipefail
cmd=${1:?start|stop|createdb}
dir=${2:?directory}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "pgtmp: PostgreSQL server binaries not found" >&2; exit 1; }

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$cmd" in
start)
    port=${3:-5432}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg "$bindir/initdb" -D "$dir/data" -U cunjing --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    listen=""
    [ -n "${3:-}" ] && listen="127.0.0.1"
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $port -c listen_addresses='$listen' -c max_connections=200 -c fsync=on" \
        start >/dev/null
    echo "postgresql://cunjing@/DBNAME?host=$dir&port=$port"
    ;;
createdb)
    name=${3:?database name}
    dir=$(cd "$dir" && pwd)
    port=$(sed -n 's/.*"-p" "\([0-9]*\)".*/\1/p' "$dir/data/postmaster.opts" | head -n 1)
    "$bindir/createdb" -h "$dir" -p "${port:-5432}" -U cunjing "$name"
    ;;
stop)
    [ -f "$dir/data/postmaster.pid" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: $0 start|createdb|stop DIR ..." >&2
    exit 2
    ;;
esac
