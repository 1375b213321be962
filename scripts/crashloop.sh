#!/usr/bin/env bash
# Kill -9 at random points during indexing, ROUNDS times (default 20): each round edits a
# quarter of a 5 000-resource corpus, starts `profint index`, kills it after a random delay,
# restarts it to completion, and checks that a further run finds nothing to do (the index
# equals the corpus) and that the round's edit is searchable. Every command runs from the
# site's folder with the default relative paths (corpus/, index/), as the README runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-20}
cargo build --release -q --workspace
BIN=$PWD/target/release/profint
XTASK=$PWD/target/release/xtask
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$XTASK gen-corpus --resources 5000 --out "$work/corpus" >/dev/null
export RUST_LOG=error
cd "$work"
start=$(date +%s.%N)
$BIN index --rebuild >/dev/null
full=$(python3 -c "print($(date +%s.%N) - $start)")
echo "a full build takes ${full}s; kills land at random points within it"
killed=0
for round in $(seq 1 "$ROUNDS"); do
  token="crash${round}zz"
  find corpus/cases -name '*.fr.md' | sort | awk -v r="$round" 'NR % 4 == r % 4' | head -1500 \
    | while read -r f; do printf '\nMot %s.\n' "$token" >> "$f"; done
  # Half the rounds rebuild from scratch, half bring the index up to date: both are killed.
  if [ $((round % 2)) -eq 0 ]; then mode=--rebuild; else mode=; fi
  $BIN index $mode >/dev/null 2>&1 &
  pid=$!
  sleep "$(python3 -c "import random; print(random.uniform(0.02, 0.9 * $full))")"
  if kill -9 "$pid" 2>/dev/null; then killed=$((killed+1)); fi
  wait "$pid" 2>/dev/null || true
  $BIN index >/dev/null
  again=$($BIN index)
  echo "$again" | grep -q "(0 added, 0 updated, 0 removed, 5000 unchanged" || { echo "round $round: index differs from corpus: $again"; exit 1; }
  found=$($BIN search "$token" -n 1); found=$(head -1 <<< "$found")
  echo "$found" | grep -q "^[1-9][0-9]* results" || { echo "round $round: edit not searchable: $found"; exit 1; }
  echo "round $round: ok ($found)"
done
echo "CRASH LOOP PASSED: $ROUNDS rounds, $killed killed mid-run, index equal to the corpus after each restart"
