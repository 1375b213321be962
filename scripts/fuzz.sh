#!/usr/bin/env bash
# Runs each fuzz target for a fixed budget (default 600 s) with cargo-fuzz (libFuzzer).
# Crashes land in fuzz/artifacts/<target>/; copy each into a regression test before fixing.
#   SECONDS_PER_TARGET=600 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
# cargo-fuzz passes nightly-only flags; the machine's one toolchain is stable.
export RUSTC_BOOTSTRAP=1
budget=${SECONDS_PER_TARGET:-600}
for target in content_parser search_query; do
  echo "== $target for ${budget}s"
  cargo fuzz run "$target" -- -max_total_time="$budget" -max_len=4096 -rss_limit_mb=4096 2>&1 | tail -n 8
done
