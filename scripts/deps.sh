#!/usr/bin/env bash
# Installs the Debian packages (and, for tests, the pinned npm packages) that
# cunjing needs and that this machine lacks. Idempotent; needs root only when
# something is missing. Usage: scripts/deps.sh build|test
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev
    libsodium-dev liboath-dev libpq-dev libvips-dev libmagic-dev libqrencode-dev libxlsxwriter-dev)
test_pkgs=(libcmocka-dev libcurl4-openssl-dev sqlite3 chromium postgresql clang-format git nodejs unzip)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = test ]; then
    want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    # nodejs may come with the machine outside dpkg (Node.js 20): accept a node binary.
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
        continue
    fi
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        echo "deps: missing packages and not root: ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-build}" = test ]; then
    # Browser tests and the OpenAPI linter, pinned by package-lock.json.
    if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.package-lock.json.stamp; then
        npm ci --no-audit --no-fund --loglevel=error
        cp package-lock.json node_modules/.package-lock.json.stamp
    fi
fi
