#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for tests and benchmarks: no system
# service, listening only on a unix socket in its own directory (and, with a
# port given, also on 127.0.0.1:PORT). Without a port the socket is named
# after 5432 but nothing listens on TCP, so several instances never clash.
#   scripts/pgtmp.sh start DIR [PORT]   -> prints the base URL (without a database name)
#   scripts/pgtmp.sh fresh DIR [PORT]   -> stops a server left in DIR by an interrupted run,
#                                          removes DIR, then start
#   scripts/pgtmp.sh createdb DIR NAME  -> creates database NAME
#   scripts/pgtmp.sh url DIR            -> the base URL of the server in DIR
#   scripts/pgtmp.sh psql DIR DB [ARGS] -> psql on database DB of the server in DIR
#   scripts/pgtmp.sh stop DIR           -> stops it (nothing to do when it is not running)
# The base URL is also written to DIR/url. The server runs as the postgres
# user when started by root (initdb refuses root); DIR must then be reachable
# by that user (every parent directory searchable).
set -euo pipefail
cmd=${1:?start|fresh|stop|createdb|url|psql}
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

# The port the server in $dir was started with (from its pid file or options).
port_of() {
    local p=""
    [ -f "$1/data/postmaster.pid" ] && p=$(sed -n 4p "$1/data/postmaster.pid")
    [ -z "$p" ] && [ -f "$1/data/postmaster.opts" ] &&
        p=$(sed -n 's/.*"-p" "\([0-9]*\)".*/\1/p' "$1/data/postmaster.opts" | head -n 1)
    echo "${p:-5432}"
}

# Whether a server is running on the data directory $1/data.
running() {
    [ -f "$1/data/postmaster.pid" ] || return 1
    local st=0
    as_pg "$bindir/pg_ctl" -D "$1/data" status >/dev/null 2>&1 || st=$?
    [ "$st" -eq 0 ]
}

do_stop() {
    local d=$1
    [ -d "$d/data" ] || return 0
    if running "$d"; then
        if ! as_pg "$bindir/pg_ctl" -D "$d/data" -m fast -w -t 30 stop >/dev/null 2>&1 &&
            ! as_pg "$bindir/pg_ctl" -D "$d/data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
            # a postmaster killed outright can stay a zombie where nothing reaps it
            local pid state
            pid=$(head -n 1 "$d/data/postmaster.pid")
            state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)
            if [ -n "$state" ] && [ "$state" != Z ]; then
                echo "pgtmp: cannot stop the server in $d (pid $pid)" >&2
                exit 1
            fi
        fi
    fi
    rm -f "$d/data/postmaster.pid"
}

do_start() {
    local d=$1 port=${2:-}
    mkdir -p "$d"
    d=$(cd "$d" && pwd)
    # a unix socket path holds at most 107 bytes
    if [ $((${#d} + 16)) -gt 107 ]; then
        echo "pgtmp: $d is too long for a unix socket path; use a shorter directory" >&2
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$d"
        runuser -u postgres -- test -w "$d" ||
            { echo "pgtmp: the postgres user cannot reach $d (check its parents' modes)" >&2; exit 1; }
    fi
    chmod 700 "$d"
    if [ ! -f "$d/data/PG_VERSION" ]; then
        as_pg "$bindir/initdb" -D "$d/data" -U cunjing --auth=trust -E UTF8 --locale=C.UTF-8 \
            --no-instructions >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; exit 1; }
    fi
    local listen="" p=${port:-5432}
    [ -n "$port" ] && listen="127.0.0.1"
    if ! as_pg "$bindir/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
        -o "-k $d -p $p -c listen_addresses='$listen' -c max_connections=200" \
        start >/dev/null; then
        echo "pgtmp: PostgreSQL did not start; the end of $d/server.log:" >&2
        tail -n 20 "$d/server.log" >&2 || true
        exit 1
    fi
    local url="postgresql://cunjing@/DBNAME?host=$d&port=$p"
    echo "$url" >"$d/url"
    echo "$url"
}

case "$cmd" in
start)
    do_start "$dir" "${3:-}"
    ;;
fresh)
    do_stop "$dir"
    rm -rf "$dir"
    do_start "$dir" "${3:-}"
    ;;
createdb)
    name=${3:?database name}
    dir=$(cd "$dir" && pwd)
    "$bindir/createdb" -h "$dir" -p "$(port_of "$dir")" -U cunjing "$name"
    ;;
url)
    dir=$(cd "$dir" && pwd)
    echo "postgresql://cunjing@/DBNAME?host=$dir&port=$(port_of "$dir")"
    ;;
psql)
    db=${3:?database name}
    dir=$(cd "$dir" && pwd)
    shift 3
    exec "$bindir/psql" -X -h "$dir" -p "$(port_of "$dir")" -U cunjing -d "$db" "$@"
    ;;
stop)
    do_stop "$dir"
    ;;
*)
    echo "usage: $0 start|fresh|createdb|url|psql|stop DIR ..." >&2
    exit 2
    ;;
esac
