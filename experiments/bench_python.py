"""Decision-path cost per payment: our client (the component via wasmtime) vs presidio-hardened-x402==0.3.0.

Measured in one run, on the same machine, at small state and after 10,000 and
100,000 prior payments. "Decision path" = everything the client does for a
402 before signing plus the bookkeeping after it, without HTTP:

* ours: ``Guard.begin`` up to the driver's ``sign`` (parse the real v1
  challenge, PII, policy, fingerprint, replay, verdict, audit line), then
  ``Guard.resume`` with the signer's payload and the settled response (commit,
  audit line) — three driver crossings;
* seed 0.3.0: ``HardenedX402Client._apply_security_controls`` (PII scan,
  policy check-and-record, replay check) on pre-parsed ``PaymentDetails``
  (its own parser cannot read a real challenge).

The seed's state after n payments is injected directly (n ledger entries in the
window and n live fingerprints: exactly what n payments leave behind), because
paying n times through it costs O(n^2); ours pays the n payments for real.

Usage: python experiments/bench_python.py --seed-python .cache/venv-seed/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("PRESIDIO_X402_CHAIN_KEY", "61" * 32)
os.environ.setdefault("PRESIDIO_X402_FINGERPRINT_KEY", "62" * 32)

SIZES = [0, 10_000, 100_000]
SAMPLES = 3000

BODY = ('{"x402Version":1,"error":"X-PAYMENT header is required","accepts":[{"scheme":"exact","network":"base",'
        '"maxAmountRequired":"10000","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",'
        '"payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","resource":"https://api.example.com/premium-data/%d",'
        '"description":"Access to premium market data","mimeType":"application/json","outputSchema":null,'
        '"maxTimeoutSeconds":60,"extra":{"name":"USD Coin","version":"2"}}]}')


def signed(p):
    """A well-behaved signer's answer for the `sign` action (the core binds it to the approval)."""
    a = p.action
    return {"on": "signed", "payload": {"signature": "0x" + "00" * 65, "authorization": {
        "from": "0x" + "11" * 20, "to": a["pay_to"], "value": a["amount"], "validAfter": "0",
        "validBefore": str(int(time.time()) + int(a["requirements"].get("maxTimeoutSeconds", 60))),
        "nonce": "0x" + "00" * 32}}}
SETTLED = {"on": "response", "status": 200, "settlement": '{"success":true}'}


def bench_ours():
    from presidio_x402.audit_log import AuditLog
    from presidio_x402.guard import Guard

    out = {}
    for n in SIZES:
        g = Guard({"max_per_call_usd": 1000, "daily_limit_usd": 1e9, "per_endpoint": {"https://api.example.com": 1e9}},
                  audit=AuditLog())
        i = 0

        def pay(g=g):
            nonlocal i
            i += 1
            url = f"https://api.example.com/premium-data/{i}"
            p = g.begin("GET", url, None, BODY % i)
            g.resume(g.resume(p, signed(p)), SETTLED)

        for _ in range(n):
            pay()
        ts, ds = [], []
        for _ in range(SAMPLES):
            i += 1
            url = f"https://api.example.com/premium-data/{i}"
            t = time.perf_counter_ns()
            p = g.begin("GET", url, None, BODY % i)
            assert p.action["do"] == "sign", p.action
            t1 = time.perf_counter_ns()
            g.resume(g.resume(p, signed(p)), SETTLED)
            t2 = time.perf_counter_ns()
            ds.append(t1 - t)
            ts.append(t2 - t)
        out[n] = (statistics.median(ds) / 1000, statistics.median(ts) / 1000)
        g.close()
    return out


SEED = r'''
import json, logging, statistics, sys, time
logging.disable(logging.CRITICAL)
from presidio_x402 import HardenedX402Client
from presidio_x402._types import PaymentDetails
SIZES = json.loads(sys.argv[1]); SAMPLES = int(sys.argv[2])
def drive(c):
    try: c.send(None)
    except StopIteration as e: return e.value
out = {}
for n in SIZES:
    async def signer(d): return "x"
    c = HardenedX402Client(payment_signer=signer, policy={"max_per_call_usd": 1000, "daily_limit_usd": 1e9,
                           "per_endpoint": {"https://api.example.com": 1e9}})
    i = 0
    def pay():
        global i
        i += 1
        d = PaymentDetails(resource_url=f"https://api.example.com/premium-data/{i}",
                           pay_to="0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
                           amount="0.01", currency="USDC", network="base", deadline_seconds=60,
                           description="Access to premium market data", reason="",
                           extra={"name": "USD Coin", "version": "2"})
        drive(c._apply_security_controls(d))
    # The state n prior payments leave (paying them one by one costs the seed O(n^2)):
    # n ledger entries (global and endpoint) inside the window, n live fingerprints.
    now = time.monotonic()
    pol = c._policy
    pol._global_ledger._entries = [(now, 0.01)] * n
    pol._get_endpoint_ledger("https://api.example.com")._entries = [(now, 0.01)] * n
    c._replay._store._store = {("%064x" % k): now + 3600 for k in range(n)}
    ts = []
    for _ in range(SAMPLES if n == 0 else 50):  # the seed's cost grows with n: fewer samples
        t = time.perf_counter_ns(); pay(); ts.append(time.perf_counter_ns() - t)
    out[n] = statistics.median(ts) / 1000
print(json.dumps(out))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed-python", required=True)
    args = ap.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the seed imports its own presidio_x402
    r = subprocess.run([args.seed_python, "-c", SEED, json.dumps(SIZES), str(SAMPLES)], capture_output=True, text=True,
                       env=env, cwd="/")
    if r.returncode:
        sys.exit("seed benchmark failed:\n" + r.stderr[-2000:])
    seed = json.loads(r.stdout)
    ours = bench_ours()
    print("median µs per payment; ours 'decision' = begin up to sign (verdict and audit line), 'full' adds signed + "
          "settled")
    print(f"{'prior payments':>15} | {'seed 0.3.0':>10} | {'ours decision':>13} | {'ratio':>5} | {'ours full':>9} | "
          f"{'ratio':>5}")
    rows = []
    for n in SIZES:
        s, (d, o) = seed[str(n)], ours[n]
        rows.append({"prior": n, "seed_us": round(s, 1), "ours_decision_us": round(d, 1), "ours_full_us": round(o, 1),
                     "ratio_decision": round(d / s, 3), "ratio_full": round(o / s, 3)})
        print(f"{n:>15,} | {s:>10.1f} | {d:>13.1f} | {d / s:>5.2f} | {o:>9.1f} | {o / s:>5.2f}")
    os.makedirs("experiments/results", exist_ok=True)
    with open("experiments/results/bench_python.json", "w") as fh:
        json.dump({"samples": SAMPLES, "rows": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
