"""Shared by the Python hosts of `make bench` (stdlib only; each runs in its own venv).

Sampling is the same in every host (the numbers come from workload.json,
written by `presidio-x402-bench prepare`): per size, a warm-up of up to
`warmup` calls (at most 1 s), then up to `samples` timed calls in `rounds`
rounds over all sizes, at most `budget_s` seconds per size (after at least
`min_samples`). Each call is timed on its own; we report the median, p95 and
mean. 0.3.0 is sampled one size at a time (its large sizes take seconds).
"""
import json
import os
import time


def load(workdir):
    with open(os.path.join(workdir, "workload.json"), encoding="utf-8") as f:
        return json.load(f)


def state(workdir, n):
    with open(os.path.join(workdir, f"state-{n}.json"), encoding="utf-8") as f:
        return f.read()


def corpus(workdir):
    out = []
    with open(os.path.join(workdir, "corpus.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)["fields"]
                out.append((r.get("url", ""), r.get("description", ""), r.get("reason", "")))
    return out


def fp(k):
    """A synthetic live fingerprint (64 hex digits), as a real one looks."""
    return f"{k:064x}"


def stats(ns):
    s = sorted(ns)
    def q(p):
        return s[min(len(s) - 1, int(len(s) * p))] / 1000
    return {"median_us": q(0.5), "p95_us": q(0.95), "mean_us": sum(s) / len(s) / 1000, "samples": len(s)}


def sample(w, step, min_samples=None):
    """step(i) -> ns, one size on its own (0.3.0): warm-up, then timed calls under the time budget."""
    sm = w["sampling"]
    t0 = time.perf_counter()
    for i in range(sm["warmup"]):
        step(i)
        if time.perf_counter() - t0 > 1.0:
            break
    out = []
    t0 = time.perf_counter()
    lo = sm["min_samples"] if min_samples is None else min_samples
    for i in range(sm["warmup"], sm["warmup"] + sm["samples"]):
        out.append(step(i))
        if len(out) >= lo and time.perf_counter() - t0 > sm["budget_s"]:
            break
    return out


def interleave(w, k, step):
    """step(size, i) -> ns for k sizes interleaved in rounds, as the Rust hosts do
    (interleave in rust/src/main.rs): a burst of load from another process hits
    every size alike."""
    sm = w["sampling"]
    nxt = [0] * k
    for s in range(k):
        t0 = time.perf_counter()
        while nxt[s] < sm["warmup"] and time.perf_counter() - t0 < 1.0:
            step(s, nxt[s])
            nxt[s] += 1
    out = [[] for _ in range(k)]
    rounds = sm["rounds"]
    per, lo, chunk = sm["samples"] // rounds, sm["min_samples"] // rounds, sm["budget_s"] / rounds
    for r in range(rounds):
        for j in range(k):
            s = j if r % 2 == 0 else k - 1 - j
            t0 = time.perf_counter()
            c = 0
            while c < per and (c < lo or time.perf_counter() - t0 < chunk):
                out[s].append(step(s, nxt[s]))
                nxt[s] += 1
                c += 1
    return out


def prewarm(w, step):
    t0 = time.perf_counter()
    i = 0
    n = len(w["requests"])
    while time.perf_counter() - t0 < w["sampling"]["prewarm_s"]:
        step(i % n)
        i += 1


def per_triple(w, triples, fn):
    """Median of `pii_reps` timed calls per triple (after one untimed call), in ns."""
    reps = w["sampling"]["pii_reps"]
    out = []
    for t in triples:
        fn(t)
        r = []
        for _ in range(reps):
            a = time.perf_counter_ns()
            fn(t)
            r.append(time.perf_counter_ns() - a)
        r.sort()
        out.append(r[len(r) // 2])
    return out


def drive(coro):
    """Runs a coroutine that never suspends (the guards' host I/O is in memory)."""
    try:
        coro.send(None)
    except StopIteration as e:
        return e.value
    raise RuntimeError("coroutine suspended")
