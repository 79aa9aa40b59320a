#!/usr/bin/env bash
# The load test on both engines (`shuangyong load`): a synthetic county of PERSONS people, CLIENTS
# logged-in clients searching, reading pages and writing through the web forms for SECONDS, the
# server in the same process on 127.0.0.1 only. First on SQLite (a fresh file in target/load),
# then on PostgreSQL (Debian's package, started the way .ci/run starts it, in a database of its
# own, sy_load, made afresh). Prints both tables; exits 1 if either run had an error.
#   bash bench/load.sh [PERSONS] [CLIENTS] [SECONDS]      (default 100000 64 60)
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-100000}
clients=${2:-64}
seconds=${3:-60}
pg=${PG_URL:-postgres://postgres:postgres@127.0.0.1:5432}
out=target/load
mkdir -p "$out"

# PostgreSQL: when nothing answers on loopback, install and start Debian's package (as root).
if ! psql "$pg/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  pgver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_lsclusters -h | grep -q "^$pgver main" || pg_createcluster "$pgver" main >/dev/null
  pg_ctlcluster "$pgver" main start 2>/dev/null || true
  for _ in $(seq 1 180); do
    su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 && break
    sleep 1
  done
  su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\""
fi
psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS sy_load' -c 'CREATE DATABASE sy_load'

cargo build --release -q -p shuangyong
bin=${CARGO_TARGET_DIR:-target}/release/shuangyong
args=(load --persons "$persons" --clients "$clients" --seconds "$seconds" --dir "$out")
status=0
echo "== SQLite ($(date -u '+%Y-%m-%d %H:%M UTC'))"
env -u SHUANGYONG_DB "$bin" "${args[@]}" | tee "$out/sqlite.md" || status=1
echo
echo "== PostgreSQL ($(date -u '+%Y-%m-%d %H:%M UTC'))"
"$bin" --db "$pg/sy_load" "${args[@]}" | tee "$out/postgres.md" || status=1
exit $status
