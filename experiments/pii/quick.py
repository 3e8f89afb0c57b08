#!/usr/bin/env python3
"""Scores the native engine on one corpus, quickly (no timing, no baseline).

Usage: quick.py CORPUS.jsonl [--errors N]
Needs target/release/examples/pii_eval (cargo build --release -p
presidio-x402-core --example pii_eval).
"""
import json
import os
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import evaluate  # noqa: E402


def native_preds(corpus_path, corpus, reps=1, env=None):
    exe = os.path.join(ROOT, "target", "release", "examples", "pii_eval")
    out = subprocess.run([exe, corpus_path, str(reps)], check=True, capture_output=True, text=True,
                         env=env).stdout
    by_id = {r["id"]: r for r in corpus}
    preds, rows = {}, []
    for line in out.splitlines():
        r = json.loads(line)
        rows.append(r)
        rec = by_id[r["id"]]
        preds[r["id"]] = [(x["field"], evaluate.byte_to_char(rec["fields"][x["field"]], x["start"]),
                           evaluate.byte_to_char(rec["fields"][x["field"]], x["end"]), x["entity"])
                          for x in r["findings"]]
    return preds, rows


def main():
    path = sys.argv[1]
    nerr = int(sys.argv[sys.argv.index("--errors") + 1]) if "--errors" in sys.argv else 30
    corpus = [json.loads(ln) for ln in open(path, encoding="utf-8")]
    preds, _ = native_preds(path, corpus)
    sc = evaluate.score(corpus, preds)
    for row in evaluate.table(*sc[:4]):
        ent, n, tp, fp, fn, _ex, p, r, f, _part = row
        print(f"{ent:14} n={n:4} tp={tp:4} fp={fp:3} fn={fn:3} P={p:.3f} R={r:.3f} F1={f:.3f}")
    c = Counter((k, e, s, t) for k, e, s, t in sc[4])
    for (k, e, s, t), m in c.most_common(nerr):
        print(f"  {m:3}x {k} {e}: {s!r} in {t[:120]!r}")


if __name__ == "__main__":
    main()
