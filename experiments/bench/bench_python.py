"""Our Python package (presidio_x402 over the component via wasmtime-py) on the `make bench` workload.

Usage: .cache/venv-python/bin/python experiments/bench/bench_python.py WORKDIR OUT.json

Decision = ``Guard.begin`` up to the driver's ``sign`` (parse the real v2
challenge, PII, policy, fingerprint, the replay check, verdict, audit line);
the payment then finishes untimed (``Guard.resume``: signed, settled). The
state of n prior payments is loaded the way a host loads it (the store's blob:
``Guard.load_state``, the driver's ``load-state``). With a MemoryStore the
replay set lives in the driver: it holds the samples' fingerprints only.
"""
import json
import logging
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

logging.disable(logging.CRITICAL)  # PIIFilter logs a warning per finding (the seed's too)

from presidio_x402 import PIIFilter  # noqa: E402
from presidio_x402.audit_log import AuditLog, verify_chain  # noqa: E402
from presidio_x402.guard import Guard  # noqa: E402
from presidio_x402.stores import MemoryStore  # noqa: E402


def signed(p):
    """A well-behaved signer's answer for the `sign` action (the core binds it to the approval)."""
    a = p.action
    return {"on": "signed", "payload": {"signature": "0x" + "00" * 65, "authorization": {
        "from": "0x" + "11" * 20, "to": a["pay_to"], "value": a["amount"], "validAfter": "0",
        "validBefore": str(int(time.time()) + int(a["requirements"].get("maxTimeoutSeconds", 60))),
        "nonce": "0x" + "00" * 32}}}
SETTLED = {"on": "response", "status": 200, "settlement": '{"success":true}'}


def main(workdir, out_path):
    w = common.load(workdir)
    cfg = w["config"]
    rk = bytes.fromhex(w["replay_key_hex"])
    ak = w["audit_key_hex"]
    reqs = w["requests"]
    reason = w["reason"]
    rows = []

    def guard(store):
        return Guard(cfg, store=store, audit=AuditLog(key=ak), replay_key=rk)

    g = guard(MemoryStore())

    def warm(i):
        r = reqs[i]
        p = g.begin("GET", r["url"], r["header"], None, reason)
        if not p.done:  # a request seen before is a replay: refused, which exercises the same path
            g.resume(g.resume(p, signed(p)), SETTLED)

    common.prewarm(w, warm)
    g.close()

    sizes = []
    for n in w["sizes"]:
        store = MemoryStore()
        g = guard(store)
        blob = common.state(workdir, n)
        g.load_state(blob)
        assert g.state() == blob, "the loaded state is the prepared one"
        sizes.append((store, g))

    def step(k, i, sizes=sizes):
        _store, g = sizes[k]
        r = reqs[i]
        t0 = time.perf_counter_ns()
        p = g.begin("GET", r["url"], r["header"], None, reason)
        dt = time.perf_counter_ns() - t0
        assert p.action["do"] == "sign", p.action  # allowed
        g.resume(g.resume(p, signed(p)), SETTLED)
        return dt

    samples = common.interleave(w, len(sizes), step)
    for n, ns, (_store, g) in zip(w["sizes"], samples, sizes, strict=False):
        row = {"workload": "decision", "prior": n, **common.stats(ns)}
        print("python: decision", json.dumps(row), file=sys.stderr)
        rows.append(row)
        g.close()
    del sizes, step

    triples = common.corpus(workdir)
    pf = PIIFilter()
    row = {"workload": "pii", "op": "PIIFilter().scan_payment_fields(url, description, reason) (the seed API)",
           "triples": len(triples), **common.stats(common.per_triple(w, triples, lambda t: pf.scan_payment_fields(*t)))}
    print("python: pii", json.dumps(row), file=sys.stderr)
    rows.append(row)

    with open(os.path.join(workdir, "audit.jsonl"), encoding="utf-8") as f:
        text = f.read()
    head = w["audit"]["head"]
    lines = w["audit"]["lines"]
    ns = []
    for k in range(w["sampling"]["audit_runs"] + 2):
        t0 = time.perf_counter_ns()
        ok = verify_chain(text, ak, expected_head=head)
        dt = time.perf_counter_ns() - t0
        assert ok, ok
        if k >= 2:
            ns.append(dt / lines)
    row = {"workload": "audit_verify", "op": "verify_chain of a 1000-line chain with its head, per line",
           **common.stats(ns)}
    print("python: audit", json.dumps(row), file=sys.stderr)
    rows.append(row)

    from presidio_x402._core import core

    c, op, arg = core(), w["call"]["op"], json.loads(w["call"]["input"])
    for _ in range(200):
        c.call(op, arg)
    ns = []
    for _ in range(3000):
        t0 = time.perf_counter_ns()
        c.call(op, arg)
        ns.append(time.perf_counter_ns() - t0)
    rows.append({"workload": "call", "op": f"core().call({op!r}, {arg!r})", **common.stats(ns)})

    from importlib.metadata import version
    out = {"host": "python", "label": f"Python package (component via wasmtime-py {version('wasmtime')}, "
                                      f"CPython {sys.version.split()[0]})",
           "rows": rows,
           "notes": ["Guard (presidio_x402.guard, the executor of the core's driver) on a MemoryStore, the state blob "
                     "loaded with Guard.load_state; the replay set in the driver (the samples' fingerprints only); "
                     "AuditLog with the default null writer; no metrics"]}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
