#!/usr/bin/env bash
# make bench: the benchmark suite (bench/README.md). Runs, on 127.0.0.1 only:
# nginx serving a 1 KB static JSON file (the ceiling), the peer (Fastify +
# better-sqlite3, ../shared/bench/peer-node, 1 and 2 workers) and cunjing
# (list / get / durable create as an assistant) at 8 and 64 connections,
# alternating round by round; then cunjing on a throw-away PostgreSQL with 1,
# 2 and 4 instances behind nginx. Medians go to bench/results/.
#
#   BENCH_QUICK=1       one round of 5 s per scenario (~3 minutes in all)
#   BENCH_RUNS=N        rounds (default 3; medians are taken over them)
#   BENCH_DURATION=S    seconds per measurement (default 10; warm-up 2 s before each)
#   BENCH_PG=0          skip the PostgreSQL part
#   BENCH_CITY=1        also generate the city scale (1,500 villages, 1M records) and bench its list
#   BENCH_PEER=DIR      the peer's sources (default ../shared/bench/peer-node)
#   BENCH_WORK=DIR      scratch directory (default /tmp/cjb.PID, removed at the end unless BENCH_KEEP=1)
# Expects the release build (make build) and runs as root or with the tools installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=$ROOT/build/cunjing
GEN=$ROOT/build/bench/bench-gen

QUICK=${BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then
    RUNS=${BENCH_RUNS:-1}; DUR=${BENCH_DURATION:-5}; WARM=1
else
    RUNS=${BENCH_RUNS:-3}; DUR=${BENCH_DURATION:-10}; WARM=2
fi
DO_PG=${BENCH_PG:-1}
DO_CITY=${BENCH_CITY:-0}
PEER_SRC=${BENCH_PEER:-$ROOT/../shared/bench/peer-node}
WORK=${BENCH_WORK:-/tmp/cjb.$$}
T_START=$(date +%s)

P_NGINX=18180; P_CJ=18181; P_PEER1=18183; P_PEER2=18184; P_CJ_NOGC=18185; P_LB=18190; P_PG=18195
PG_PORTS=(18201 18202 18203 18204)

say() { printf '[bench %3ds] %s\n' $(($(date +%s) - T_START)) "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ -x "$BIN" ] || die "build/cunjing missing: run make build (make bench does)"
[ -x "$GEN" ] || die "build/bench/bench-gen missing: configure with -DCUNJING_BENCH=ON (the default)"

# --- bench-only Debian packages ---------------------------------------------
install_missing() {
    local need=()
    command -v wrk >/dev/null || need+=(wrk)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
    command -v python3 >/dev/null || need+=(python3)
    command -v curl >/dev/null || need+=(curl)
    if [ "$DO_PG" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        need+=(postgresql)
    fi
    [ ${#need[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing ${need[*]}: install them (apt-get install ${need[*]}) or run as root"
    fi
    say "installing ${need[*]} (apt-get)"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
install_missing
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

mkdir -p "$WORK"/{nginx/www,nginx/tmp,lua,logs,db}
WORK=$(cd "$WORK" && pwd)
chmod 755 "$WORK"
PIDS_TO_STOP=()
cleanup() {
    local p
    for p in "${PIDS_TO_STOP[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS_TO_STOP[@]}"; do wait "$p" 2>/dev/null || true; done
    [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
    [ "$DO_PG" = 1 ] && [ -d "$WORK/pg" ] && "$ROOT/scripts/pgtmp.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
    if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$WORK"; else say "kept $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

RAW=$WORK/raw.jsonl
: >"$RAW"
HZ=$(getconf CLK_TCK)

# --- helpers -------------------------------------------------------------------
wait_port() { # PORT [SECONDS]
    local i
    for ((i = 0; i < ${2:-30} * 10; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
# All pids of a process tree (the process and its descendants).
tree_pids() {
    local p=$1 c
    echo "$p"
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree_pids "$c"; done
}
# CPU ticks (user + system) of the given pids.
cpu_ticks() {
    local p t=0
    for p in "$@"; do
        [ -r /proc/"$p"/stat ] && t=$((t + $(awk '{print $14 + $15}' /proc/"$p"/stat)))
    done
    echo $t
}
# Sum of peak RSS (VmHWM, KiB) of the given pids.
peak_rss() {
    local p t=0 v
    for p in "$@"; do
        v=$(awk '/^VmHWM/ {print $2}' /proc/"$p"/status 2>/dev/null || true)
        t=$((t + ${v:-0}))
    done
    echo $t
}
lua_script() { # NAME PARTS... -> $WORK/lua/NAME.lua
    local name=$1 f
    shift
    : >"$WORK/lua/$name.lua"
    for f in report "$@"; do cat "$ROOT/bench/wrk/$f.lua" >>"$WORK/lua/$name.lua"; done
    echo "$WORK/lua/$name.lua"
}

# One measurement: warm-up, then wrk for DUR seconds, recording the server's
# and the client's CPU. Appends one JSON line to $RAW.
#   measure ROUND SERVER SCENARIO CONNS URL SCRIPT PIDS...
measure() {
    local round=$1 server=$2 scen=$3 conns=$4 url=$5 script=$6
    shift 6
    local pids=("$@")
    local threads=2
    [ "$conns" -lt 2 ] && threads=1
    wrk -t$threads -c"$conns" -d${WARM}s -s "$script" "$url" >/dev/null 2>&1 || true
    local s0 s1 out line client
    s0=$(cpu_ticks "${pids[@]}")
    # the subshell's waited-for children's CPU (fields 16, 17) is wrk's
    out=$( (wrk -t$threads -c"$conns" -d${DUR}s --timeout 5s -s "$script" "$url" 2>&1
        printf 'CLIENT '
        awk '{print $16 + $17}' /proc/$BASHPID/stat) || true)
    s1=$(cpu_ticks "${pids[@]}")
    line=$(sed -n 's/^BENCH //p' <<<"$out")
    client=$(sed -n 's/^CLIENT //p' <<<"$out")
    if [ -z "$line" ]; then
        say "wrk failed for $server $scen c$conns: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
        return 0
    fi
    printf '{"round":%d,"server":"%s","scenario":"%s","conns":%d,"server_cpu_s":%s,"client_cpu_s":%s,"wrk":%s}\n' \
        "$round" "$server" "$scen" "$conns" "$(awk -v t=$((s1 - s0)) -v h="$HZ" 'BEGIN{printf "%.2f", t/h}')" \
        "$(awk -v t="${client:-0}" -v h="$HZ" 'BEGIN{printf "%.2f", t/h}')" "$line" >>"$RAW"
    python3 - "$line" "$server" "$scen" "$conns" <<'EOF' >&2
import json, sys
w = json.loads(sys.argv[1])
rps = w["requests"] / (w["duration_us"] / 1e6)
bad = w["non2xx"] + w["socket_errors"]
print(f"    {sys.argv[2]:<22} {sys.argv[3]:<8} c{sys.argv[4]:<3} {rps:10.0f} req/s  p50 {w['p50_us']/1000:7.2f} ms"
      f"  p99 {w['p99_us']/1000:7.2f} ms" + (f"  ({bad} errors/non-2xx)" if bad else ""))
EOF
}

start_nginx() {
    sed -e "s#@WORK@#$WORK#g" -e "s#@PORT@#$P_NGINX#g" "$ROOT/bench/nginx.conf" >"$WORK/nginx/nginx.conf"
    "$NGINX" -t -q -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" ||
        die "nginx config test failed"
    "$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf"
    wait_port $P_NGINX 10 || die "nginx did not start"
    sleep 0.3
}
stop_nginx() {
    [ -f "$WORK/nginx/nginx.pid" ] || return 0
    local p
    p=$(cat "$WORK/nginx/nginx.pid")
    kill -QUIT "$p" 2>/dev/null || true
    while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
    rm -f "$WORK/nginx/nginx.pid"
}

# Logs in the first N assistants of villages.tsv on PORT and writes the wrk
# targets file (token, village id and 20 application ids per assistant).
make_targets() { # PORT N OUT [VILLAGES_TSV]
    python3 - "$1" "$2" "$3" "${4:-$WORK/villages.tsv}" <<'EOF'
import json, sys, urllib.request
port, n, out, tsv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
base = f"http://127.0.0.1:{port}/api/v1"
rows = [l.rstrip("\n").split("\t") for l in open(tsv)]
rows = [r for r in rows if int(r[3]) > 0][:n]
lines = ["return {"]
for vid, code, user, _ in rows:
    req = urllib.request.Request(base + "/auth/login", method="POST",
        data=json.dumps({"username": user, "password": "Cunjing@2026"}).encode(),
        headers={"Content-Type": "application/json"})
    tok = json.load(urllib.request.urlopen(req))["token"]
    req = urllib.request.Request(f"{base}/household-applications?village_id={vid}&limit=20",
        headers={"Authorization": "Bearer " + tok})
    ids = [i["id"] for i in json.load(urllib.request.urlopen(req))["items"]]
    assert ids, f"no applications visible to {user}"
    lines.append('  { token = "%s", village = "%s", ids = { %s } },' %
                 (tok, vid, ", ".join('"%s"' % i for i in ids)))
lines.append("}")
open(out, "w").write("\n".join(lines) + "\n")
EOF
}

start_cunjing() { # DB_URL PORT LOG [ENV...] -> pid in CJ_PID
    local url=$1 port=$2 log=$3
    shift 3
    env CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000000 "$@" "$BIN" serve --db "$url" \
        --listen "127.0.0.1:$port" >"$log" 2>&1 &
    CJ_PID=$!
    PIDS_TO_STOP+=("$CJ_PID")
    wait_port "$port" 30 || { tail -n 5 "$log" >&2; die "cunjing did not start on $port"; }
}
stop_pid() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# --- machine, versions ------------------------------------------------------------
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+dirty" || true)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
python3 - "$WORK/meta.json" <<EOF
import json, os, platform, subprocess, sys
def sh(c):
    try: return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip() or subprocess.run(c, shell=True, capture_output=True, text=True).stderr.strip()
    except Exception: return ""
cpu = sh("sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1")
mem = int(sh("awk '/MemTotal/ {print \$2}' /proc/meminfo") or 0) // 1024
meta = {
  "date": "$STAMP", "commit": "$COMMIT$DIRTY", "quick": $QUICK == 1, "runs": $RUNS,
  "duration_s": $DUR, "warmup_s": $WARM,
  "machine": {"nproc": os.cpu_count(), "cpu": cpu, "memory_mib": mem, "kernel": platform.release()},
  "versions": {
    "wrk": sh("wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2"),
    "nginx": sh("$NGINX -v 2>&1").replace("nginx version: ", ""),
    "node": sh("node --version"),
    "sqlite": sh("pkg-config --modversion sqlite3"),
    "libmicrohttpd": sh("pkg-config --modversion libmicrohttpd"),
    "postgresql": sh("ls -d /usr/lib/postgresql/*/bin/postgres | head -n 1 | xargs -r sh -c '\$0 --version'"),
    "cunjing": sh("$BIN version") + " $COMMIT$DIRTY",
  },
}
json.dump(meta, open(sys.argv[1], "w"), indent=1)
EOF
say "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1); commit $COMMIT$DIRTY"
say "plan: $RUNS round(s) x ${DUR}s per scenario (+${WARM}s warm-up), work dir $WORK"

# --- data ---------------------------------------------------------------------------
DB=$WORK/db/district.db
"$BIN" init --db "sqlite:$DB" >/dev/null 2>&1 || die "cunjing init failed"
"$BIN" demo --db "sqlite:$DB" >/dev/null 2>&1 || die "cunjing demo failed"
GEN_DISTRICT=$("$GEN" --db "sqlite:$DB" --scale district --villages-out "$WORK/villages.tsv")
say "generated district: $GEN_DISTRICT"
echo "{\"kind\":\"gen\",\"result\":$GEN_DISTRICT}" >>"$RAW"
if [ "$DO_CITY" = 1 ]; then
    CDB=$WORK/db/city.db
    "$BIN" init --db "sqlite:$CDB" >/dev/null 2>&1 && "$BIN" demo --db "sqlite:$CDB" >/dev/null 2>&1
    GEN_CITY=$("$GEN" --db "sqlite:$CDB" --scale city --villages-out "$WORK/villages-city.tsv")
    say "generated city: $GEN_CITY"
    echo "{\"kind\":\"gen\",\"result\":$GEN_CITY}" >>"$RAW"
fi

# --- the peer -------------------------------------------------------------------------
PEER_OK=0
PEER_DIR=/tmp/cunjing-bench-peer
PEER_TOKEN=bnch_5f1c0a7e9d2b4c6f8a1e3d5b7c9f0a2e4d6b8c0f
if [ ! -d "$PEER_SRC" ]; then
    say "PEER MISSING: $PEER_SRC not found - the peer rows and cunjing/peer ratios are skipped"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "PEER SKIPPED: node/npm not installed (the peer needs Node.js 20)"
else
    # a scratch copy, installed once (npm ci) and reused while the lockfile is the same
    if [ ! -d "$PEER_DIR/node_modules" ] || ! cmp -s "$PEER_SRC/package-lock.json" "$PEER_DIR/package-lock.json"; then
        say "installing the peer in $PEER_DIR (npm ci)"
        rm -rf "$PEER_DIR"
        cp -r "$PEER_SRC" "$PEER_DIR"
        (cd "$PEER_DIR" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/logs/npm.log" 2>&1) ||
            { tail -n 5 "$WORK/logs/npm.log" >&2; die "npm ci failed for the peer"; }
    else
        cp "$PEER_SRC"/*.js "$PEER_DIR"/
    fi
    PEER_ROWS=$(python3 -c "import json; print(json.loads('''$GEN_DISTRICT''')['applications'])")
    (cd "$PEER_DIR" && node seed.js "$WORK/db/peer1.db" "$PEER_ROWS" 81) >&2
    cp "$WORK/db/peer1.db" "$WORK/db/peer2.db"
    PEER_OK=1
fi

# --- start everything -------------------------------------------------------------------
python3 - "$WORK/nginx/www/static.json" <<'EOF'
import json, sys
items = [{"id": i, "village_id": 7, "kind": "report", "status": "open",
          "title": "Check water pump RT 3/RW 2 #%d" % i} for i in range(20)]
s = json.dumps({"items": items}, separators=(",", ":"))
while len(s) > 1024:
    items.pop()
    s = json.dumps({"items": items}, separators=(",", ":"))
s = s + " " * (1024 - len(s))
open(sys.argv[1], "w").write(s)
EOF
: >"$WORK/nginx/upstream.conf"
start_nginx
NGINX_PIDS=($(tree_pids "$(cat "$WORK/nginx/nginx.pid")"))

# the same data for the same server with group commit switched off (durable creates only)
cp "$DB" "$WORK/db/nogc.db"
start_cunjing "sqlite:$DB" $P_CJ "$WORK/logs/cunjing.log"
CJ_MAIN=$CJ_PID
make_targets $P_CJ 8 "$WORK/targets.lua"
start_cunjing "sqlite:$WORK/db/nogc.db" $P_CJ_NOGC "$WORK/logs/cunjing-nogc.log" CUNJING_DB_GROUP_COMMIT=false
CJ_NOGC=$CJ_PID
make_targets $P_CJ_NOGC 8 "$WORK/targets-nogc.lua"
# a township official, for the statistics summary of a township
BENCH_STATS_TOKEN=$(python3 -c '
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/auth/login", method="POST",
    data=json.dumps({"username": "town_pumiao", "password": "Cunjing@2026"}).encode(),
    headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(req))["token"])
' $P_CJ)
export BENCH_STATS_TOKEN
if [ "$DO_CITY" = 1 ]; then
    start_cunjing "sqlite:$CDB" $((P_CJ + 1)) "$WORK/logs/cunjing-city.log"
    CJ_CITY=$CJ_PID
    make_targets $((P_CJ + 1)) 8 "$WORK/targets-city.lua" "$WORK/villages-city.tsv"
fi
if [ "$PEER_OK" = 1 ]; then
    (cd "$PEER_DIR" && exec node server.js --db "$WORK/db/peer1.db" --port $P_PEER1 --sync FULL) >"$WORK/logs/peer1.log" 2>&1 &
    PEER1=$!; PIDS_TO_STOP+=("$PEER1")
    (cd "$PEER_DIR" && exec node server.js --db "$WORK/db/peer2.db" --port $P_PEER2 --sync FULL --workers 2) >"$WORK/logs/peer2.log" 2>&1 &
    PEER2=$!; PIDS_TO_STOP+=("$PEER2")
    wait_port $P_PEER1 30 || die "peer (1 process) did not start"
    wait_port $P_PEER2 30 || die "peer (2 workers) did not start"
    sleep 1
    PEER2_PIDS=($(tree_pids "$PEER2"))
fi

S_STATIC=$(lua_script static static)
S_CJ_LIST=$(lua_script cj_list cj_common cj_list)
S_CJ_GET=$(lua_script cj_get cj_common cj_get)
S_CJ_CREATE=$(lua_script cj_create cj_common idnum cj_create)
S_CJ_STATS=$(lua_script cj_stats cj_stats)
S_PEER_LIST=$(lua_script peer_list peer_list)
S_PEER_CREATE=$(lua_script peer_create peer_create)
export BENCH_PEER_TOKEN=$PEER_TOKEN BENCH_PEER_VILLAGES=81

# --- the rounds: every server once per round, in turn ---------------------------------------
for ((r = 1; r <= RUNS; r++)); do
    say "round $r of $RUNS"
    for c in 8 64; do
        measure $r nginx static $c "http://127.0.0.1:$P_NGINX/static.json" "$S_STATIC" "${NGINX_PIDS[@]}"
        if [ "$PEER_OK" = 1 ]; then
            measure $r peer-1 list $c "http://127.0.0.1:$P_PEER1/" "$S_PEER_LIST" "$PEER1"
            measure $r peer-2w list $c "http://127.0.0.1:$P_PEER2/" "$S_PEER_LIST" "${PEER2_PIDS[@]}"
        fi
        export BENCH_TARGETS=$WORK/targets.lua BENCH_NONCE=r${r}c${c}$$
        measure $r cunjing list $c "http://127.0.0.1:$P_CJ/" "$S_CJ_LIST" "$CJ_MAIN"
        measure $r cunjing get $c "http://127.0.0.1:$P_CJ/" "$S_CJ_GET" "$CJ_MAIN"
        measure $r cunjing stats $c "http://127.0.0.1:$P_CJ/" "$S_CJ_STATS" "$CJ_MAIN"
        if [ "$DO_CITY" = 1 ]; then
            BENCH_TARGETS=$WORK/targets-city.lua measure $r cunjing-city list $c "http://127.0.0.1:$((P_CJ + 1))/" "$S_CJ_LIST" "$CJ_CITY"
        fi
    done
    # writes last in a round: they grow the databases the reads above see
    c=64
    if [ "$PEER_OK" = 1 ]; then
        measure $r peer-1 create $c "http://127.0.0.1:$P_PEER1/" "$S_PEER_CREATE" "$PEER1"
        measure $r peer-2w create $c "http://127.0.0.1:$P_PEER2/" "$S_PEER_CREATE" "${PEER2_PIDS[@]}"
    fi
    for c in 8 64; do
        export BENCH_TARGETS=$WORK/targets.lua BENCH_NONCE=r${r}c${c}$$
        measure $r cunjing create $c "http://127.0.0.1:$P_CJ/" "$S_CJ_CREATE" "$CJ_MAIN"
        BENCH_TARGETS=$WORK/targets-nogc.lua measure $r cunjing-nogc create $c \
            "http://127.0.0.1:$P_CJ_NOGC/" "$S_CJ_CREATE" "$CJ_NOGC"
    done
done

# peak RSS of each server over the whole run (sum over its processes)
{
    printf '{"kind":"rss","server":"nginx","kib":%s}\n' "$(peak_rss "${NGINX_PIDS[@]}")"
    printf '{"kind":"rss","server":"cunjing","kib":%s}\n' "$(peak_rss "$CJ_MAIN")"
    [ "$DO_CITY" = 1 ] && printf '{"kind":"rss","server":"cunjing-city","kib":%s}\n' "$(peak_rss "$CJ_CITY")"
    if [ "$PEER_OK" = 1 ]; then
        printf '{"kind":"rss","server":"peer-1","kib":%s}\n' "$(peak_rss "$PEER1")"
        printf '{"kind":"rss","server":"peer-2w","kib":%s}\n' "$(peak_rss "${PEER2_PIDS[@]}")"
    fi
} >>"$RAW"
stop_pid "$CJ_MAIN"
stop_pid "$CJ_NOGC"
[ "$DO_CITY" = 1 ] && stop_pid "$CJ_CITY"
[ "$PEER_OK" = 1 ] && { stop_pid "$PEER1"; stop_pid "$PEER2"; }
stop_nginx

# --- PostgreSQL: how far one primary carries (1, 2, 4 instances behind nginx) -----------------
if [ "$DO_PG" = 1 ]; then
    say "PostgreSQL: throw-away cluster in $WORK/pg"
    "$ROOT/scripts/pgtmp.sh" fresh "$WORK/pg" >/dev/null
    "$ROOT/scripts/pgtmp.sh" createdb "$WORK/pg" cunjing_bench
    PGURL=$("$ROOT/scripts/pgtmp.sh" url "$WORK/pg" | sed 's/DBNAME/cunjing_bench/')
    # the same district, from a fresh generation (the creates above grew $DB); its key file
    # ($WORK/db/cunjing.key, beside both databases) is the one every instance is given
    export CUNJING_KEYS_FILE=$WORK/db/cunjing.key
    PDB=$WORK/db/pgsrc.db
    "$BIN" init --db "sqlite:$PDB" >/dev/null 2>&1 && "$BIN" demo --db "sqlite:$PDB" >/dev/null 2>&1
    "$GEN" --db "sqlite:$PDB" --scale district --villages-out "$WORK/villages-pg.tsv" >/dev/null
    t0=$(date +%s.%N)
    "$BIN" migrate-db --from "sqlite:$PDB" --to "$PGURL" >"$WORK/logs/migrate.log" 2>&1 ||
        { tail -n 5 "$WORK/logs/migrate.log" >&2; die "migrate-db to PostgreSQL failed"; }
    say "copied the district to PostgreSQL in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
    PG_PID=$(head -n 1 "$WORK/pg/data/postmaster.pid")
    for n in 1 2 4; do
        ups=""
        CJ_PG=()
        for ((i = 0; i < n; i++)); do
            start_cunjing "$PGURL" "${PG_PORTS[$i]}" "$WORK/logs/cunjing-pg$i.log"
            CJ_PG+=("$CJ_PID")
            ups+="        server 127.0.0.1:${PG_PORTS[$i]};"$'\n'
        done
        cat >"$WORK/nginx/upstream.conf" <<EOF
    upstream cunjing_pg {
$ups        keepalive 128;
    }
    server {
        listen 127.0.0.1:$P_LB;
        location / {
            proxy_pass http://cunjing_pg;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
        }
    }
EOF
        start_nginx
        LB_PIDS=($(tree_pids "$(cat "$WORK/nginx/nginx.pid")"))
        [ $n = 1 ] && make_targets $P_LB 8 "$WORK/targets-pg.lua" "$WORK/villages-pg.tsv"
        export BENCH_TARGETS=$WORK/targets-pg.lua
        for ((r = 1; r <= RUNS; r++)); do
            export BENCH_NONCE=pg${n}r${r}$$
            measure $r "cunjing-pg-x$n" list 64 "http://127.0.0.1:$P_LB/" "$S_CJ_LIST" "${CJ_PG[@]}" $(tree_pids "$PG_PID")
            measure $r "cunjing-pg-x$n" create 64 "http://127.0.0.1:$P_LB/" "$S_CJ_CREATE" "${CJ_PG[@]}" $(tree_pids "$PG_PID")
        done
        printf '{"kind":"rss","server":"cunjing-pg-x%d","kib":%s}\n' $n "$(peak_rss "${CJ_PG[@]}")" >>"$RAW"
        for p in "${CJ_PG[@]}"; do stop_pid "$p"; done
        stop_nginx
    done
    "$ROOT/scripts/pgtmp.sh" stop "$WORK/pg" >/dev/null
fi

# --- report ---------------------------------------------------------------------------------
mkdir -p "$ROOT/bench/results"
OUT=$ROOT/bench/results/$STAMP-$COMMIT
python3 "$ROOT/bench/report.py" "$WORK/meta.json" "$RAW" "$OUT" "$(($(date +%s) - T_START))"
say "done in $(($(date +%s) - T_START)) s: $OUT.md, $OUT.json"
