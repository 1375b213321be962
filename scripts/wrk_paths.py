#!/usr/bin/env python3
"""Writes a wrk Lua script that cycles through /api/search requests, for scripts/bench.sh.

Queries come from the judged set (eval/judged.yaml, for the bundled corpus) or from the
generator's queries.jsonl. `--mode short` keeps 2-3 word queries (keyword queries, or the
first words of a sentence); `--mode long` makes 12-word situation queries (a sentence cut or
continued with the next sentence of the same language to 12 words). The server's answer
cache is switched off for the uncached figures (PROFINT_ANSWER_CACHE=off), not here.
"""
import argparse
import json
import re
import urllib.parse

import yaml


def load(args):
    if args.judged:
        with open(args.judged) as f:
            return [(q["lang"], q["query"]) for q in yaml.safe_load(f)]
    with open(args.jsonl) as f:
        return [(d["lang"], d["text"]) for d in map(json.loads, f) if d]


def words(text):
    return [w for w in re.split(r"\s+", text) if w]


def shape(queries, mode):
    if mode == "short":
        out = []
        for lang, text in queries:
            w = words(text)
            out.append((lang, " ".join(w[:3] if len(w) > 4 else w)))
        return out
    by_lang = {}
    for lang, text in queries:
        by_lang.setdefault(lang, []).append(words(text))
    out = []
    for lang, sentences in by_lang.items():
        for i, w in enumerate(sentences):
            longer = list(w)
            j = i + 1
            while len(longer) < 12 and len(sentences) > 1:
                longer += sentences[j % len(sentences)]
                j += 1
            out.append((lang, " ".join(longer[:12])))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--judged")
    p.add_argument("--jsonl")
    p.add_argument("--mode", choices=["short", "long"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--tsv", help="also write the queries as lang<TAB>text lines here")
    args = p.parse_args()
    queries = shape(load(args), args.mode)
    if args.tsv:
        with open(args.tsv, "w") as f:
            f.writelines(f"{lang}\t{text}\n" for lang, text in queries)
    paths = []
    for lang, text in queries:
        q = urllib.parse.quote(text, safe="")
        paths.append(f"/api/search?lang={lang}&q={q}")
    body = ",\n".join(json.dumps(p) for p in paths)
    with open(args.out, "w") as f:
        f.write(
            "local paths = {\n" + body + "\n}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\nend\n'
        )


if __name__ == "__main__":
    main()
