#!/usr/bin/env bash
# Ranking quality, side by side: profint and Xapian BM25 (shared/peers) on the judged
# collections of shared/bench, same documents and queries, one run. Writes RELEVANCE.md's
# table to stdout and the runs under $OUT. Needs ../shared (it says so when absent) and, for
# Xapian, Debian's python3-xapian (installed here if missing; never by cargo test).
# MODEL=model/e5-small-q4.bin adds profint's hybrid ranking (semantic signal) as more columns;
# the collections' document vectors are kept in target/eval-vectors/ (the first run embeds
# about 8 000 documents: most of an hour on 2 cores; later runs only embed the queries).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
OUT=${OUT:-target/relevance}
MODEL=${MODEL:-}
if [ ! -d "$SHARED/bench" ]; then
  echo "shared/bench is not here ($SHARED/bench): nothing to evaluate" >&2
  exit 1
fi
if ! /usr/bin/python3 -c "import xapian" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-xapian >/dev/null
fi
cargo build --release -q --workspace
mkdir -p "$OUT"
rows=()
sum_p=0; sum_x=0; sum_h=0; n=0
for spec in cranfield:en cisi:en medline:en piaf:fr squad-it:it swequad-mc:sv swefaq:sv; do
  name=${spec%%:*}; lang=${spec##*:}; dir="$SHARED/bench/$name"; work="$OUT/$name"
  mkdir -p "$work"
  # Same documents and queries for the peer harness.
  python3 - "$dir" "$lang" "$work" <<'PY'
import json, sys
src, lang, out = sys.argv[1:]
with open(f"{out}/docs.jsonl", "w") as w:
    for line in open(f"{src}/docs.jsonl"):
        d = json.loads(line)
        w.write(json.dumps({"id": d["id"], "lang": lang, "type": "doc", "domain": "bench",
                            "title": d.get("title", ""), "body": d.get("body", "")}, ensure_ascii=False) + "\n")
with open(f"{out}/queries.jsonl", "w") as w:
    for line in open(f"{src}/queries.jsonl"):
        q = json.loads(line)
        w.write(json.dumps({"id": q["id"], "lang": lang, "text": q["text"]}, ensure_ascii=False) + "\n")
PY
  ./target/release/xtask eval collection "$dir" --lang "$lang" --run "$work/profint.run" >/dev/null 2>&1
  if [ -n "$MODEL" ]; then
    ./target/release/xtask eval collection "$dir" --lang "$lang" --run "$work/hybrid.run" --model "$MODEL" >/dev/null 2>&1
  fi
  /usr/bin/python3 "$SHARED/peers/run_peers.py" --docs "$work/docs.jsonl" --queries "$work/queries.jsonl" \
      --out "$work/peers" --engines xapian --op or --lang "$lang" --repeat 1 --warmup 0 >/dev/null 2>&1
  p=$(python3 "$SHARED/bench/eval.py" "$dir/qrels.tsv" "$work/profint.run" 2>/dev/null)
  x=$(python3 "$SHARED/bench/eval.py" "$dir/qrels.tsv" "$work/peers/xapian.run" 2>/dev/null)
  get() { echo "$1" | awk -v k="$2" '$1==k {print $2}'; }
  pn=$(get "$p" ndcg@10); pm=$(get "$p" map@100); pr=$(get "$p" recall@100)
  xn=$(get "$x" ndcg@10); xm=$(get "$x" map@100); xr=$(get "$x" recall@100)
  ratio=$(python3 -c "print(f'{$pn/$xn:.3f}')")
  hybrid=""
  if [ -n "$MODEL" ]; then
    h=$(python3 "$SHARED/bench/eval.py" "$dir/qrels.tsv" "$work/hybrid.run" 2>/dev/null)
    hn=$(get "$h" ndcg@10)
    hybrid=" $hn | $(get "$h" map@100) | $(get "$h" recall@100) | $(python3 -c "print(f'{$hn/$xn:.3f}')") |"
    sum_h=$(python3 -c "print($sum_h+$hn)")
  fi
  rows+=("| $name ($lang) | $pn | $pm | $pr | $xn | $xm | $xr | $ratio |$hybrid")
  sum_p=$(python3 -c "print($sum_p+$pn)"); sum_x=$(python3 -c "print($sum_x+$xn)"); n=$((n+1))
done
if [ -n "$MODEL" ]; then
  echo "| collection | profint nDCG@10 | MAP@100 | R@100 | Xapian nDCG@10 | MAP@100 | R@100 | ratio | hybrid nDCG@10 | MAP@100 | R@100 | hybrid ratio |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
else
  echo "| collection | profint nDCG@10 | MAP@100 | R@100 | Xapian nDCG@10 | MAP@100 | R@100 | ratio |"
  echo "|---|---|---|---|---|---|---|---|"
fi
printf '%s\n' "${rows[@]}"
python3 -c "
p=$sum_p/$n; x=$sum_x/$n; h=$sum_h/$n
row=f'| **average** | {p:.4f} | | | {x:.4f} | | | {p/x:.3f} |'
if '$MODEL': row+=f' {h:.4f} | | | {h/x:.3f} |'
print(row)"

# The project's own judged set over the bundled corpus, per language. Xapian indexes each
# language version as a document and searches all of them (a French query may be answered
# by an English text, as in profint); its run is reduced to resources, best version first.
work="$OUT/judged"
./target/release/xtask eval judged --export "$work" >/dev/null 2>&1
/usr/bin/python3 "$SHARED/peers/run_peers.py" --docs "$work/docs.jsonl" --queries "$work/queries.jsonl" \
    --out "$work/peers" --engines xapian --op or --lang-mode all --repeat 1 --warmup 0 >/dev/null 2>&1
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
seen, out = {}, []
for line in open(f"{work}/peers/xapian.run"):
    q, d, rank, score = line.rstrip("\n").split("\t")
    r = d.rsplit("@", 1)[0]
    if r in seen.setdefault(q, set()):
        continue
    seen[q].add(r)
    out.append(f"{q}\t{r}\t{len(seen[q])}\t{score}")
open(f"{work}/xapian.resources.run", "w").write("\n".join(out) + "\n")
PY
echo
echo "| judged set (bundled corpus) | profint nDCG@10 | Xapian nDCG@10 | ratio |"
echo "|---|---|---|---|"
for lang in fr en it sv all; do
  if [ "$lang" = all ]; then pat='.'; else pat="^$lang-"; fi
  grep -E "$pat" "$work/qrels.tsv" > "$work/qrels.$lang.tsv"
  p=$(python3 "$SHARED/bench/eval.py" "$work/qrels.$lang.tsv" "$work/profint.run" 2>/dev/null | awk '$1=="ndcg@10"{print $2}')
  x=$(python3 "$SHARED/bench/eval.py" "$work/qrels.$lang.tsv" "$work/xapian.resources.run" 2>/dev/null | awk '$1=="ndcg@10"{print $2}')
  echo "| $lang | $p | $x | $(python3 -c "print(f'{$p/$x:.3f}')") |"
done
