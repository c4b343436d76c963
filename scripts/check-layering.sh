#!/usr/bin/env bash
# Keeps the layering of STYLE.md: only http/server.c includes microhttpd.h;
# only store/ and *_repo.c include store/db.h; core/ includes nothing of
# cunjing outside core/; no SQL keywords outside store/ and *_repo.c.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
bad=$(grep -rl '#include <microhttpd.h>' src | grep -v '^src/http/server.c$' || true)
[ -n "$bad" ] && { echo "layering: microhttpd.h included by: $bad"; fail=1; }
bad=$(grep -rl '#include "store/db.h"' src | grep -v -E '^src/store/|_repo\.c$|^src/app/app\.c$|^src/cli/cmd_admin\.c$|^src/cli/cmd_migrate\.c$' || true)
[ -n "$bad" ] && { echo "layering: store/db.h included by: $bad"; fail=1; }
bad=$(grep -l '#include "' src/core/*.[ch] | xargs grep -h '#include "' | grep -v '"core/' || true)
[ -n "$bad" ] && { echo "layering: core/ includes outside core/: $bad"; fail=1; }
bad=$(grep -rlE '"(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ' src --include=*.c | grep -v -E '^src/store/|_repo\.c$|^src/app/app\.c$' || true)
[ -n "$bad" ] && { echo "layering: SQL outside repositories: $bad"; fail=1; }
[ $fail -eq 0 ] && echo "layering: ok"
exit $fail
