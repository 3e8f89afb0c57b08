#!/usr/bin/env python3
"""The seed's published corpus, regenerated at eval time (never committed).

Downloads the presidio-hardened-x402 0.3.0 sdist from PyPI (`pip download
--no-binary :all: --no-deps`) into .cache/pii-eval/seed, runs its own
`corpus/generate.py` (seed 42, 2,000 triples) and converts the samples to this
repo's corpus shape: {"id", "category", "fields": {"url", "description",
"reason"}, "spans": [{"field", "start", "end", "entity", "form"}]}.

Usage: seed_corpus.py OUT.jsonl
"""
import glob
import json
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(ROOT, ".cache", "pii-eval", "seed")
SDIST = "presidio-hardened-x402==0.3.0"
SEED, N = 42, 2000
FIELD = {"resource_url": "url", "description": "description", "reason": "reason"}


def sdist_dir():
    os.makedirs(CACHE, exist_ok=True)
    found = glob.glob(os.path.join(CACHE, "presidio_hardened_x402-0.3.0"))
    if found:
        return found[0]
    if not glob.glob(os.path.join(CACHE, "*.tar.gz")):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", SDIST, "-d", CACHE], check=True)
    tgz = glob.glob(os.path.join(CACHE, "*.tar.gz"))[0]
    with tarfile.open(tgz) as t:
        members = [m for m in t.getmembers() if "/corpus/" in m.name and m.isfile()]
        t.extractall(CACHE, members=members, filter="data")
    return os.path.join(CACHE, "presidio_hardened_x402-0.3.0")


def main(out):
    src = sdist_dir()
    raw = os.path.join(CACHE, "corpus-seed42.jsonl")
    subprocess.run([sys.executable, "-m", "corpus.generate", "--seed", str(SEED), "--n", str(N),
                    "--out", raw, "--meta", os.path.join(CACHE, "corpus_meta.json")],
                   cwd=src, check=True, stdout=subprocess.DEVNULL)
    with open(raw, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as o:
        for line in f:
            s = json.loads(line)
            fields = {FIELD[k]: s[k] for k in FIELD}
            spans = []
            for lb in s["labels"]:
                fld = FIELD[lb["field"]]
                # The schema says byte offsets but the generator writes str
                # indices; all texts are ASCII, so both agree.
                assert fields[fld][lb["start"]:lb["end"]] == lb["original_text"]
                spans.append({"field": fld, "start": lb["start"], "end": lb["end"],
                              "entity": lb["entity_type"], "form": lb["surface_form"]})
            o.write(json.dumps({"id": s["id"], "category": s["category"], "fields": fields,
                                "spans": spans, "hard_negatives": []}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
