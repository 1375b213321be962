#!/usr/bin/env bash
# One command for the performance figures of BENCHMARKS.md: for each corpus size, a generated
# corpus (cargo xtask gen-corpus), profint's own figures (cargo xtask bench search / freshness), HTTP
# throughput under wrk on loopback, and Xapian and PostgreSQL through shared/peers on the same
# documents and queries, in the same run. Prints the Markdown tables on stdout.
#   SIZES="1000 10000 100000" bash scripts/bench.sh > /tmp/bench.md
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 100000"}
SHARED=${SHARED:-../shared}
WORK=${WORK:-target/bench}
QUERIES=${QUERIES:-200}
mkdir -p "$WORK"
need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! /usr/bin/python3 -c "import xapian, psycopg2" 2>/dev/null || ! need pg_ctlcluster; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk python3-xapian python3-psycopg2 xapian-tools postgresql >/dev/null
fi
cargo build --release -q --workspace
BIN=./target/release/profint
XTASK=./target/release/xtask
export RUST_LOG=warn
get() { sed -n "s/^$1: //p" "$2"; }

# The bundled corpus first: the fixed per-query cost (BENCHMARKS.md, issue 13). In-process
# uncached search time, the bare tantivy limit, and wrk against `profint serve` with the
# answer cache off and on, for short and 12-word queries. Lexical (the model, when installed,
# would embed the corpus in the background during the measurement; RELEVANCE.md has the
# hybrid figures).
bundled() {
  local dir="$WORK/bundled"; mkdir -p "$dir"
  echo "| bundled | queries | in-process p50 / p99 | bare tantivy p50 | wrk cache off req/s | wrk cache on req/s |"
  echo "|---|---|---|---|---|---|"
  for mode in short long; do
    python3 scripts/wrk_paths.py --judged eval/judged.yaml --mode $mode --out "$dir/$mode.lua" --tsv "$dir/$mode.tsv"
    local ours bare
    ours=$($XTASK bench queries --corpus corpus --queries "$dir/$mode.tsv" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \/ \2/')
    bare=$($XTASK bench queries --corpus corpus --queries "$dir/$mode.tsv" --bare | sed -E 's/.*p50 ([0-9.]+) ms.*/\1/')
    local rps=()
    for cache in off on; do
      local port=$((18000 + RANDOM % 1000))
      rm -rf "$dir/index"
      PROFINT_ANSWER_CACHE=$cache PROFINT_MODEL=/nonexistent $BIN serve --corpus corpus --index "$dir/index" --addr 127.0.0.1:$port >/dev/null 2>&1 &
      local pid=$!
      for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
      wrk -t1 -c16 -d2s -s "$dir/$mode.lua" "http://127.0.0.1:$port" >/dev/null
      rps+=("$(wrk -t1 -c16 -d8s -s "$dir/$mode.lua" "http://127.0.0.1:$port" | awk '/Requests\/sec/ {print $2}')")
      kill $pid; wait $pid 2>/dev/null || true
    done
    echo "| bundled | $mode | $ours | $bare | ${rps[0]} | ${rps[1]} |"
  done
}
bundled > "$WORK/bundled.md"

# `profint serve` as a separate process on an existing on-disk index: time to the first
# /healthz after a restart, resident memory once serving and after wrk, and wrk throughput
# (lexical: the model is left out, embedding 100 000 resources would take the machine's
# cores for days). The restart resumes from the corpus state saved at shutdown.
serve_figures() {
  local corpus=$1 script=$2 idx="$WORK/serve-index" port=$((18000 + RANDOM % 1000))
  rm -rf "$idx"
  PROFINT_MODEL=/nonexistent $BIN index --corpus "$corpus" --index "$idx" >/dev/null 2>&1
  local start_s rss load_rss rps pid
  local t0 t1
  t0=$(date +%s.%N)
  PROFINT_MODEL=/nonexistent $BIN serve --corpus "$corpus" --index "$idx" --addr 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.01; kill -0 $pid; done
  t1=$(date +%s.%N)
  start_s=$(echo "$t1 - $t0" | bc)
  sleep 2
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  wrk -t1 -c16 -d2s -s "$script" "http://127.0.0.1:$port" >/dev/null
  rps=$(wrk -t1 -c16 -d8s -s "$script" "http://127.0.0.1:$port" | awk '/Requests\/sec/ {print $2}')
  load_rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$pid/status)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  # The same again with the answer cache off: every request searches.
  PROFINT_ANSWER_CACHE=off PROFINT_MODEL=/nonexistent $BIN serve --corpus "$corpus" --index "$idx" --addr 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.01; kill -0 $pid; done
  wrk -t1 -c16 -d2s -s "$script" "http://127.0.0.1:$port" >/dev/null
  local off
  off=$(wrk -t1 -c16 -d8s -s "$script" "http://127.0.0.1:$port" | awk '/Requests\/sec/ {print $2}')
  kill -TERM $pid; wait $pid 2>/dev/null || true
  echo "$start_s|$rss|$load_rss|$rps|$off"
}
echo "| resources | serve start-up s (existing index) | RSS serving MiB | RSS after wrk MiB | wrk -t1 -c16 req/s | same, cache off |" > "$WORK/serve.md"
echo "|---|---|---|---|---|---|" >> "$WORK/serve.md"

echo "| resources | files | build s | resources/s | index MiB | peak RSS build MiB | start-up s | search p50 / p99 ms (in-process) | keywords p50 | situations p50 | related p50 / p99 ms | HTTP p50 / p99 ms | wrk req/s (2 threads, 32 conn, 10 s) | RSS serving MiB | freshness p50 / p95 ms |" > "$WORK/profint.md"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" >> "$WORK/profint.md"
echo "| resources | engine | build s | index MiB | p50 ms | p99 ms | profint p50 ratio |" > "$WORK/peers.md"
echo "|---|---|---|---|---|---|---|" >> "$WORK/peers.md"
for n in $SIZES; do
  dir="$WORK/$n"
  if [ ! -f "$dir/jsonl/queries.jsonl" ]; then
    rm -rf "$dir"
    $XTASK gen-corpus --resources "$n" --out "$dir/corpus" --jsonl "$dir/jsonl" --queries "$QUERIES" >&2
  fi
  out="$dir/profint.txt"
  PROFINT_BENCH_HOLD_SECS=14 $XTASK bench search --corpus "$dir/corpus" --queries "$QUERIES" --http-requests 1000 > "$out" &
  pid=$!
  while ! grep -q '^wrk_script:' "$out" 2>/dev/null; do sleep 0.5; kill -0 $pid; done
  addr=$(get http_addr "$out"); script=$(get wrk_script "$out"); cp "$script" "$dir/wrk.lua"
  rps=$(wrk -t2 -c32 -d10s -s "$script" "http://$addr" 2>/dev/null | awk '/Requests\/sec/ {print $2}')
  wait $pid
  IFS='|' read -r s_start s_rss s_load s_rps s_off <<< "$(serve_figures "$dir/corpus" "$dir/wrk.lua")"
  echo "| $n | $s_start | $s_rss | $s_load | $s_rps | $s_off |" >> "$WORK/serve.md"
  fresh=$($XTASK bench freshness --corpus "$dir/corpus" --edits 50 | sed -E 's/.*median ([0-9.]+) ms, p95 ([0-9.]+) ms.*/\1 \/ \2/')
  p50=$(get search_in_process "$out" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \/ \2/')
  kw=$(get search_keywords "$out" | sed -E 's/.*p50 ([0-9.]+) ms.*/\1/')
  sit=$(get search_situations "$out" | sed -E 's/.*p50 ([0-9.]+) ms.*/\1/')
  rel=$(get related "$out" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \/ \2/')
  http=$(get search_http "$out" | sed -E 's/.*p50 ([0-9.]+) ms, p99 ([0-9.]+) ms.*/\1 \/ \2/')
  echo "| $n | $(get files "$out") | $(get build_s "$out") | $(get build_resources_per_s "$out") | $(get index_mib "$out") | $(get peak_rss_build_mib "$out") | $(get startup_existing_index_s "$out") | $p50 | $kw | $sit | $rel | $http | $rps | $(get rss_after_load_mib "$out") | $fresh |" >> "$WORK/profint.md"
  # Peers on the same documents and queries.
  /usr/bin/python3 "$SHARED/peers/run_peers.py" --docs "$dir/jsonl/docs.jsonl" --queries "$dir/jsonl/queries.jsonl" \
      --out "$dir/peers" --engines "${ENGINES:-xapian,postgres}" --op or --repeat 3 --warmup 1 >&2 || true
  ours=$(get search_in_process "$out" | sed -E 's/.*p50 ([0-9.]+) ms.*/\1/')
  /usr/bin/python3 - "$dir/peers/summary.json" "$n" "$ours" >> "$WORK/peers.md" <<'PY'
import json, sys
path, n, ours = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    s = json.load(open(path))
except Exception as e:
    print(f"| {n} | (peers failed: {e}) | | | | | |"); sys.exit()
for e in s.get("results", []):
    p50, p99 = e.get("lat_p50_ms"), e.get("lat_p99_ms")
    mib = round(e.get("index_bytes", 0) / 1048576, 1)
    ratio = f"{ours / p50:.2f}" if p50 else "?"
    print(f"| {n} | {e.get('engine')} | {e.get('build_s')} | {mib} | {p50} | {p99} | {ratio} |")
PY
done
echo "## Bundled corpus"; cat "$WORK/bundled.md"; echo
echo "## profint"; cat "$WORK/profint.md"; echo; echo "## profint serve, a separate process"; cat "$WORK/serve.md"; echo; echo "## Peers (same documents and queries)"; cat "$WORK/peers.md"
