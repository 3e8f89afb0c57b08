#!/usr/bin/env python3
"""`make bench`: every host on one workload, then the report.

Called by the Makefile after the prerequisites are built (component, npm
tarball, Python venvs, the Rust bench binaries). Steps, each timed:

1. gen_corpus.py → WORKDIR/corpus.jsonl (the PII corpus of experiments/pii, seed 402)
2. presidio-x402-bench prepare → workload.json, state-<n>.json, audit.jsonl
3. the hosts, one after the other (never in parallel: 2 cores), each writing
   WORKDIR/results/<host>.json: native, component (wasmtime), Node, Python,
   presidio-hardened-x402 0.3.0
4. report.py (bench venv, matplotlib) → experiments/results/bench.{md,json,png}

Usage: python3 experiments/bench/run.py --started EPOCH --build-done EPOCH (paths: see --help)
"""
import argparse
import json
import os
import shutil
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
    step("native", [a.native_bin, "native", wd, os.path.join(res, "native.json")])
    step("component", [a.component_bin, "component", wd, os.path.join(res, "component.json")])
    step("node",
         [a.node, "experiments/bench/bench_node.mjs", wd, a.js_package, os.path.join(res, "node.json"), a.js_tarball])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    step("python", [a.python, "experiments/bench/bench_python.py", wd, os.path.join(res, "python.json")], env=env)
    step("0.3.0", [a.seed_python, "experiments/bench/bench_seed.py", wd, os.path.join(res, "seed.json")], env=env)
    with open(os.path.join(res, "run.json"), "w", encoding="utf-8") as f:
        json.dump({"started": started, "build_done": a.build_done or started, "steps": steps}, f, indent=1)
    subprocess.run([a.bench_python, "experiments/bench/report.py", wd, a.out], check=True)


if __name__ == "__main__":
    main()
