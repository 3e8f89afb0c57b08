#!/usr/bin/env python3
"""`make bench`: every host on one workload, then the report.

Called by the Makefile after the prerequisites are built (component, npm
tarball, Python venvs, the Rust bench binaries). Steps, each timed:

1. gen_corpus.py → WORKDIR/corpus.jsonl (the PII corpus of experiments/pii, seed 402)
2. presidio-x402-bench prepare → workload.json, state-<n>.json, audit.jsonl
3. the hosts, one after the other (never in parallel: 2 cores): native,
   component (wasmtime), Node, Python, presidio-hardened-x402 0.3.0, and all
   of them again for --rounds rounds (default 3), each writing
   WORKDIR/results/<host>.r<k>.json; then WORKDIR/results/<host>.json holds
   each row's median over the rounds (`merge_rounds`). On a shared machine the
   load changes between one host's run and the next: the rounds put every host
   in every load period, so a ratio to 0.3.0 compares like with like
4. report.py (bench venv, matplotlib) → experiments/results/bench.{md,json,png}

Usage: python3 experiments/bench/run.py --started EPOCH --build-done EPOCH (paths: see --help)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default=".cache/bench")
    ap.add_argument("--out", default="experiments/results")
    ap.add_argument("--native-bin", default="target/release/presidio-x402-bench")
    ap.add_argument("--component-bin", default="target/host/presidio-x402-bench")
    ap.add_argument("--js-package", default=".cache/bench/js/node_modules/presidio-hardened-x402")
    ap.add_argument("--js-tarball", default=f".cache/js/presidio-hardened-x402-{open('VERSION').read().strip()}.tgz")
    ap.add_argument("--python", default=".cache/venv-python/bin/python")
    ap.add_argument("--seed-python", default=".cache/venv-seed/bin/python")
    ap.add_argument("--bench-python", default=".cache/venv-bench/bin/python")
    ap.add_argument("--node", default="node")
    ap.add_argument("--started", type=float, default=None)
    ap.add_argument("--build-done", type=float, default=None)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    os.chdir(ROOT)
    wd, res = a.workdir, os.path.join(a.workdir, "results")
    shutil.rmtree(res, ignore_errors=True)
    os.makedirs(res)
    started = a.started or time.time()
    steps = []

    def step(name, cmd, **kw):
        print(f"\n== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        t = time.time()
        subprocess.run(cmd, check=True, **kw)
        steps.append({"name": name, "seconds": round(time.time() - t, 2)})

    step("corpus", [sys.executable, "experiments/pii/gen_corpus.py", os.path.join(wd, "corpus.jsonl"),
                    "--n", "2400", "--seed", "402"], stdout=subprocess.DEVNULL)
    step("prepare", [a.native_bin, "prepare", wd])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    hosts = [
        ("native", lambda out: [a.native_bin, "native", wd, out], {}),
        ("component", lambda out: [a.component_bin, "component", wd, out], {}),
        ("node", lambda out: [a.node, "experiments/bench/bench_node.mjs", wd, a.js_package, out, a.js_tarball], {}),
        ("python", lambda out: [a.python, "experiments/bench/bench_python.py", wd, out], {"env": env}),
        ("seed", lambda out: [a.seed_python, "experiments/bench/bench_seed.py", wd, out], {"env": env}),
    ]
    for k in range(1, a.rounds + 1):
        for host, cmd, kw in hosts:
            name = f"{'0.3.0' if host == 'seed' else host} (round {k})"
            step(name, cmd(os.path.join(res, f"{host}.r{k}.json")), **kw)
    for host, _cmd, _kw in hosts:
        merge_rounds([os.path.join(res, f"{host}.r{k}.json") for k in range(1, a.rounds + 1)],
                     os.path.join(res, f"{host}.json"))
    with open(os.path.join(res, "run.json"), "w", encoding="utf-8") as f:
        json.dump({"started": started, "build_done": a.build_done or started, "steps": steps}, f, indent=1)
    subprocess.run([a.bench_python, "experiments/bench/report.py", wd, a.out], check=True)


TIMES = ("median_us", "p95_us", "mean_us")


def merge_docs(docs):
    """The rows of one series over its rounds (see `merge_rounds`)."""
    rows: dict[tuple, list] = {}
    for d in docs:
        for r in d.get("rows", []):
            rows.setdefault((r.get("workload"), r.get("prior"), r.get("op"), r.get("case")), []).append(r)
    out_rows = []
    for rs in rows.values():
        m = dict(rs[0])
        for t in TIMES:
            if all(t in r for r in rs):
                m[t] = statistics.median(r[t] for r in rs)
        if all("samples" in r for r in rs):
            m["samples"] = sum(r["samples"] for r in rs)
        if all("median_us" in r for r in rs):
            m["round_medians_us"] = [r["median_us"] for r in rs]
        out_rows.append(m)
    merged = dict(docs[0])
    merged["rows"] = out_rows
    merged["rounds"] = len(docs)
    return merged


def merge_rounds(paths, out):
    """One host's result from its rounds: the first round's document, each row's
    times the median of that row's times over the rounds (rows keyed by workload,
    prior, op and case; a row some round lacks, e.g. a size 0.3.0's stop rule
    skipped, is the median of the rounds that have it), `samples` summed, and
    `round_medians_us` listing every round's median."""
    docs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            docs.append(json.load(f))
    if "hosts" in docs[0]:  # one process, several series (Node: PaymentGuard and the core crossings)
        merged = docs[0]
        merged["hosts"] = [merge_docs([d["hosts"][i] for d in docs]) for i in range(len(docs[0]["hosts"]))]
    else:
        merged = merge_docs(docs)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(merged, f, indent=1)


if __name__ == "__main__":
    main()
