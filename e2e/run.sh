#!/usr/bin/env bash
# Browser end-to-end tests: builds the binary, builds a fresh 岢岚县 demo database in a temporary
# directory, serves it on a free loopback port, and runs e2e/tests/*.test.js (Playwright driving
# Debian's Chromium) against it. The server and the temporary files go away at exit.
#
#   bash e2e/run.sh                 all flows
#   bash e2e/run.sh tests/05-cycle.test.js   one file (paths relative to e2e/)
#
# Needs: cargo, node (18+) and npm, /usr/bin/chromium (apt-get install chromium).
# Screenshots: target/e2e-screenshots/ (or $E2E_SCREENSHOTS).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "e2e: $tool is missing (apt-get install nodejs npm)" >&2; exit 1; }
done
chromium_bin=${E2E_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium_bin" ] || { echo "e2e: $chromium_bin is missing (apt-get install chromium)" >&2; exit 1; }

echo "e2e: building shuangyong (debug)"
cargo build -q -p shuangyong
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
bin="$target_dir/debug/shuangyong"

tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db="sqlite://$tmp/demo.db"
key="$tmp/demo.key"
echo "e2e: building the demo database in $tmp"
"$bin" --db "$db" --key-file "$key" demo --no-serve >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; exit 1; }

# A free port: ask the kernel for one, then serve on it.
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base="http://127.0.0.1:$port"
"$bin" --db "$db" --key-file "$key" serve --addr "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server_pid=$!
# Wait for /healthz (up to 30 s), or for the server to die.
if ! SERVER_PID=$server_pid node -e '
  const deadline = Date.now() + 30000;
  const alive = () => { try { process.kill(Number(process.env.SERVER_PID), 0); return true; } catch { return false; } };
  (async () => {
    while (Date.now() < deadline && alive()) {
      try { if ((await fetch(process.argv[1] + "/healthz")).ok) process.exit(0); } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    process.exit(1);
  })();' "$base"; then
  echo "e2e: the server did not answer on $base/healthz" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
echo "e2e: serving on $base"

cd "$root/e2e"
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

export E2E_BASE_URL="$base"
export E2E_CHROMIUM="$chromium_bin"
export E2E_SCREENSHOTS="${E2E_SCREENSHOTS:-$root/target/e2e-screenshots}"
mkdir -p "$E2E_SCREENSHOTS"
rm -f "$E2E_SCREENSHOTS"/*.png
# One file at a time, each in its own node process (the flows share one database; node 18's
# test runner has no --test-concurrency).
if [ "$#" -gt 0 ]; then files=("$@"); else files=(tests/*.test.js); fi
status=0
failed=()
started=$SECONDS
for f in "${files[@]}"; do
  if ! node --test --test-reporter=spec "$f"; then
    status=1
    failed+=("$f")
  fi
done
echo "e2e: ${#files[@]} files in $((SECONDS - started)) s; failed: ${failed[*]:-none}"
if [ "$status" != 0 ]; then
  echo "e2e: failed; the server's log:" >&2
  tail -n 50 "$tmp/server.log" >&2
fi
echo "e2e: screenshots in $E2E_SCREENSHOTS"
exit "$status"
