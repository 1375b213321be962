#!/usr/bin/env bash
# Soak: CONNECTIONS clients search for DURATION seconds on loopback while another process
# creates, edits and deletes content files all along. Then: zero 5xx, zero failed requests,
# and the index equals the corpus (every file's latest content is searchable, deleted ones
# are gone). The server runs with the default relative paths (corpus/, index/), as the
# README starts it. Bounded in time; loopback only.
#   DURATION=60 CONNECTIONS=16 bash scripts/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q --workspace
BIN=$PWD/target/release/profint
XTASK=$PWD/target/release/xtask
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
$XTASK gen-corpus --resources 2000 --out "$work/corpus" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# As the README runs it: from the site's folder, with the default relative corpus/ and index/.
(cd "$work" && RUST_LOG=warn exec "$BIN" serve --addr "127.0.0.1:$port" 2>"$work/server.log") &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
python3 - "$work/paths.lua" <<'PY'
import sys, urllib.parse
words = ["formation", "logement", "interprète", "employeur", "tolk", "praktik", "diploma", "accoglienza",
         "un jeune réfugié abandonne sa formation", "nyanländ kvinna utan arbetslivserfarenhet", "soak"]
langs = ["fr", "sv", "en", "it"]
paths = []
for i, w in enumerate(words * 4):
    paths.append(f"/api/search?lang={langs[i % 4]}&q={urllib.parse.quote(w)}")
    paths.append(f"/api/search?lang={langs[i % 4]}&q={urllib.parse.quote(w)}&domain=emploi&type=case")
paths.append("/api/suggest?lang=fr&q=form")
paths.append("/fr/search?q=formation")
with open(sys.argv[1], "w") as f:
    f.write("local paths = {" + ",".join('"%s"' % p for p in paths) + "}\nlocal i = 0\n")
    f.write("request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n")
PY
# The editor: creates, edits and deletes files for the whole run, keeping a ledger.
python3 - "$work/corpus" "$DURATION" "$work/ledger.json" <<'PY' &
import json, os, random, sys, time
root, duration, ledger = sys.argv[1], float(sys.argv[2]), sys.argv[3]
os.makedirs(f"{root}/cases/soak", exist_ok=True)
state, n, ops = {}, 0, 0
rng = random.Random(7)
end = time.time() + duration
while time.time() < end:
    action = rng.random()
    if action < 0.45 or not state:
        n += 1
        name = f"s{n}"
    else:
        name = rng.choice(sorted(state))
    if action > 0.8 and state:
        os.remove(f"{root}/cases/soak/{name}.fr.md")
        state.pop(name)
        ops += 1
        continue
    token = f"soak{n}x{ops}"
    text = f'---\ntitle: "Soak {name}"\ntype: case\ndomain: emploi\n---\nTexte {token} pour le soak.\n'
    path = f"{root}/cases/soak/{name}.fr.md"
    if rng.random() < 0.5:
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    else:
        with open(path, "w") as f:
            f.write(text)
    state[name] = token
    ops += 1
    time.sleep(0.02)
json.dump({"live": state, "ops": ops}, open(ledger, "w"))
PY
editor=$!
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/paths.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
wait $editor
sleep 2
cat "$work/wrk.txt"
python3 - "$port" "$work/ledger.json" "$work/corpus" "$work/wrk.txt" <<'PY'
import glob, json, sys, urllib.request
port, ledger, corpus, wrk = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], open(sys.argv[4]).read()
def search(q):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?lang=fr&per_page=5&q={q}") as r:
        return json.load(r)
bad = []
for name, token in ledger["live"].items():
    hits = [h["id"] for h in search(token)["hits"]]
    if f"cases/soak/{name}" not in hits:
        bad.append(f"{name}: latest text {token} not searchable")
status = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status"))
on_disk = len({p.rsplit('.', 2)[0] for p in glob.glob(f"{corpus}/**/*.md", recursive=True)})
soak_indexed = search("soak")["total"]
if status["resources"] != on_disk:
    bad.append(f"index has {status['resources']} resources, corpus {on_disk}")
if soak_indexed != len(ledger["live"]):
    bad.append(f"{soak_indexed} soak resources indexed, {len(ledger['live'])} on disk")
failed = "Non-2xx" in wrk or "Socket errors" in wrk
print(f"edits: {ledger['ops']} file operations; live soak files: {len(ledger['live'])}; index: {status['resources']} resources; corpus: {on_disk}")
print("requests:", [l.strip() for l in wrk.splitlines() if "requests in" in l][0])
print("latency p50/p99:", [l.split()[1] for l in wrk.splitlines() if l.strip().startswith(("50%", "99%"))])
print("failed or non-2xx responses:", "yes" if failed else "none")
if bad or failed:
    print("SOAK FAILED:", *bad, sep="\n  ")
    sys.exit(1)
print("SOAK PASSED: zero failed requests, index equals corpus")
PY
