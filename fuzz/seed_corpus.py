#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ from the golden vectors (`make fuzz` runs it before fuzzing).

Each vector input that belongs to a target's input space becomes one file named by its SHA-1
(libFuzzer's convention); the fuzzers then grow and `cargo fuzz cmin` minimizes the corpora.
`seed_corpus.py --remove` takes the seeds out again (`make fuzz-cmin` runs it): the vectors are
tested as vectors, so only what the fuzzers found is committed.
"""
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent
VECTORS = ROOT.parent / "vectors"


REMOVE = "--remove" in sys.argv[1:]


def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    d = ROOT / "corpus" / target
    f = d / hashlib.sha1(data, usedforsecurity=False).hexdigest()  # libFuzzer's own file names
    if REMOVE:
        f.unlink(missing_ok=True)
        return
    d.mkdir(parents=True, exist_ok=True)
    f.write_bytes(data)


def main():
    for f in sorted(VECTORS.glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        op = doc["algorithm"]
        for g in doc["testGroups"]:
            for t in g["tests"]:
                i = t["input"]
                put("call", op.encode() + b"\0" + json.dumps(i).encode())
                if op.startswith("money."):
                    for k in ("amount", "value", "usd", "text"):
                        if isinstance(i.get(k), str):
                            put("money", i[k])
                if op.startswith("url."):
                    for k in ("url", "input"):
                        if isinstance(i.get(k), str):
                            put("url", i[k])
                if op == "challenge.parse":
                    put("challenge",
                        (i.get("payment_required") or "").encode() + b"\0" + (i.get("body") or "").encode())
                if op == "config.validate" and "config" in i:
                    put("config", json.dumps(i["config"]))
                if op.startswith("pii."):
                    for k in ("text", "value"):
                        if isinstance(i.get(k), str):
                            put("pii", i[k])
                if op.startswith("audit.") and isinstance(i.get("text"), str):
                    put("audit", i["text"])
                put("canonical", json.dumps(i))
    for h in ['{"success":true}', "eyJzdWNjZXNzIjp0cnVlfQ==", '{"success":"false"}', "[[[[[[]]]]]]"]:
        put("settlement", h)


if __name__ == "__main__":
    main()
