"""Shared writer for the golden vector files (Wycheproof shape).

Each generator script builds a list of test groups and calls `write`. Output is
deterministic (sorted keys, fixed indentation, no timestamps), so `make
vectors-check` can regenerate every file and fail on any diff.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)


def case(comment, input, expected=None, flags=(), *, code=None):
    """One test: valid with `expected` (subset-matched), or invalid with `code`."""
    if (expected is None) == (code is None):
        raise ValueError("exactly one of expected/code: " + comment)
    t = {"comment": comment, "flags": list(flags), "input": input}
    if code is None:
        t["result"] = "valid"
        t["expected"] = expected
    else:
        t["result"] = "invalid"
        t["code"] = code
    return t


def write(filename, algorithm, header, groups, notes=None):
    """Writes vectors/<filename> with tcIds numbered from 1 in order."""
    n = 0
    out_groups = []
    for g in groups:
        tests = []
        for t in g["tests"]:
            n += 1
            tests.append({"tcId": n, **t})
        out_groups.append({**{k: v for k, v in g.items() if k != "tests"}, "tests": tests})
    doc = {
        "algorithm": algorithm,
        "schema": "presidio-x402-vectors-v1",
        "header": header,
        "notes": notes or {},
        "numberOfTests": n,
        "testGroups": out_groups,
    }
    path = os.path.join(OUT, filename)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    return path
