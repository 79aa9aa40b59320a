#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 10) on stable Rust and prints, per target, the
# executions, the corpus size and the crashes. Exits non-zero if a target crashed (the input is
# then in fuzz/artifacts/TARGET/, and its log in fuzz/logs/TARGET.log).
#
#   FUZZ_BUILD=quick fuzz/run.sh 10               # CI: 10 s per target, the shorter build
#   FUZZ_PARALLEL=2 nice -n 19 fuzz/run.sh 600    # the 10-minute run, two targets at a time
#
# Environment: FUZZ_BUILD (release, the default, or quick), FUZZ_PARALLEL (targets at once,
# default 1), FUZZ_TARGETS (space-separated, default all), CARGO_TARGET_DIR (the build goes to
# $CARGO_TARGET_DIR/fuzz, default fuzz/target; FUZZ_TARGET_DIR sets it exactly).
#
# Stable Rust: cargo-fuzz adds `-Zsanitizer=address` unless told `--sanitizer none`; everything
# else it passes (-Cpasses=sancov-module, -Cllvm-args=-sanitizer-coverage-*, --cfg fuzzing) is a
# stable -C option, so no nightly and no RUSTC_BOOTSTRAP are needed. The product forbids unsafe
# code, which is what AddressSanitizer would watch, so little is lost without it.
set -euo pipefail
cd "$(dirname "$0")"

secs=${1:-10}
parallel=${FUZZ_PARALLEL:-1}
targets=${FUZZ_TARGETS:-"id_number import_rows dates figures"}
target_dir=$PWD/target
[ -n "${CARGO_TARGET_DIR:-}" ] && target_dir=$CARGO_TARGET_DIR/fuzz
target_dir=${FUZZ_TARGET_DIR:-$target_dir}
cargo_fuzz_version=0.13.2

if ! cargo fuzz --version 2>/dev/null | grep -q "$cargo_fuzz_version"; then
  cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"
fi
# libfuzzer-sys compiles libFuzzer, which is C++.
if ! command -v c++ >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
fi

# Debug assertions and overflow checks in both builds: an overflow is a crash here, as it is in
# the product's test builds.
case ${FUZZ_BUILD:-release} in
  # Release with 16 codegen units (cargo-fuzz's default of 1 builds much longer): for long runs.
  release) flags=(-O -a --sanitizer none --codegen-units 16) ;;
  # fuzz/Cargo.toml's dev profile (opt-level 1, no debug info): ~30% less build CPU, slower
  # runs; for CI's few seconds per target.
  quick) flags=(--dev --sanitizer none) ;;
  *) echo "FUZZ_BUILD is release or quick, not ${FUZZ_BUILD}" >&2; exit 2 ;;
esac
flags+=(--target-dir "$target_dir")
cargo fuzz build "${flags[@]}"

mkdir -p logs
run_one() {
  local t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  local extra=()
  # The store's corpus of refused import files is synthetic too: more seeds, read only.
  [ "$t" = import_rows ] && extra=(../crates/store/tests/import_corpus)
  # -max_len: 8 KiB holds the XLSX seeds (without it the 300 KB long-line seed makes every input
  # up to 300 KB and the run crawl); -timeout: one input taking 25 s is a hang; -rss_limit_mb:
  # 2 GB is an out-of-memory crash.
  local rc=0
  cargo fuzz run "${flags[@]}" "$t" "corpus/$t" "seeds/$t" "${extra[@]}" -- \
    -max_total_time="$secs" -max_len=8192 -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    >"logs/$t.log" 2>&1 || rc=$?
  echo "$rc" >"logs/$t.rc"
}

stamp=logs/.started
touch "$stamp"
for t in $targets; do
  rm -f "logs/$t.rc"
  run_one "$t" &
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do sleep 1; done
done
wait

failed=0
printf '\n%-12s %8s %14s %12s %8s  %s\n' target seconds executions corpus_files crashes result
for t in $targets; do
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "logs/$t.log" | tail -n 1 | grep -o '[0-9]*$' || echo '?')
  corpus=$(find "corpus/$t" -type f | wc -l)
  crashes=$(find "artifacts/$t" -type f -newer "$stamp" | wc -l)
  rc=$(cat "logs/$t.rc" 2>/dev/null || echo '?')
  result=ok
  if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then result="FAILED (exit $rc)"; failed=1; fi
  printf '%-12s %8s %14s %12s %8s  %s\n' "$t" "$secs" "$execs" "$corpus" "$crashes" "$result"
done
if [ "$failed" != 0 ]; then
  for t in $targets; do
    [ "$(cat "logs/$t.rc" 2>/dev/null)" = 0 ] && continue
    printf '\n--- %s: end of fuzz/logs/%s.log\n' "$t" "$t"
    tail -n 40 "logs/$t.log"
  done
  exit 1
fi
