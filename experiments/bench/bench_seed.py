"""The old package, presidio-hardened-x402==0.3.0 from PyPI, on the `make bench` workload.

Usage: .cache/venv-seed/bin/python experiments/bench/bench_seed.py WORKDIR OUT.json

Decision = ``HardenedX402Client._apply_security_controls`` (PIIFilter → policy
check-and-record → replay check-and-record; it writes no audit line before
signing) on a pre-built ``PaymentDetails`` with the workload's URL,
description, reason, payee and amount ($0.01): its own parser cannot read a
real x402 challenge, so parsing is not part of its time (ours includes it).

State after n prior payments is injected directly, because paying n times
through it costs O(n^2): n ledger entries inside the window on the global and
the endpoint ledger (spread over the window like ours) and n live
fingerprints in its replay store. Sizes stop at the first one whose median
decision exceeds 50 ms.

PII = ``PIIFilter(mode="regex").scan_payment_fields`` (scan and redact the
three fields). Audit = its chain verification,
``ComplianceReport._check_chain`` (recompute each line's HMAC and compare the
next line's ``prev_entry_hmac``), plus ``json.loads`` of each line, on a
1000-line chain written by its own ``AuditLog``.
"""
import io
import json
import logging
import os
import sys
import time

os.environ["PRESIDIO_X402_CHAIN_KEY"] = "22" * 32
os.environ["PRESIDIO_X402_FINGERPRINT_KEY"] = "11" * 32
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

logging.disable(logging.CRITICAL)

from presidio_x402 import HardenedX402Client, PIIFilter, __version__  # noqa: E402
from presidio_x402._types import PaymentDetails  # noqa: E402
from presidio_x402.audit_log import AuditLog, StreamAuditWriter  # noqa: E402
from presidio_x402.compliance_report import ComplianceReport  # noqa: E402

STOP_MS = 50.0


def main(workdir, out_path):
    w = common.load(workdir)
    reqs = w["requests"]
    window_s = 86_400
    span = window_s - 30 * 60

    async def signer(d):
        return "x"

    def client():
        return HardenedX402Client(payment_signer=signer, policy=dict(w["config"]))

    def details(i):
        return PaymentDetails(resource_url=reqs[i]["url"], pay_to=w["pay_to"], amount=w["amount_usd"], currency="USDC",
                              network="base", deadline_seconds=60, description=w["description"], reason=w["reason"],
                              extra={"name": "USD Coin", "version": "2"})

    dets = [details(i) for i in range(len(reqs))]
    c = client()
    common.prewarm(w, lambda i, c=c: common.drive(c._apply_security_controls(dets[i])))

    rows, stopped = [], None
    for n in w["sizes"]:
        if stopped is not None:
            rows.append({"workload": "decision", "prior": n, "skipped": True,
                         "note": f"not run: the median decision exceeded {STOP_MS:g} ms at {stopped} prior payments"})
            continue
        c = client()
        now = time.monotonic()
        entries = [(now - span + (k + 1) * span / n, 0.01) for k in range(n)]
        pol = c._policy
        pol._global_ledger._entries = list(entries)
        pol._get_endpoint_ledger("https://api.example.com")._entries = list(entries)
        c._replay._store._store = {common.fp(k): now + 3600 for k in range(n)}
        del entries

        ep = pol._get_endpoint_ledger("https://api.example.com")
        replay = c._replay._store

        def step(i, c=c, pol=pol, ep=ep, replay=replay, n=n):
            d = dets[i]
            t0 = time.perf_counter_ns()
            common.drive(c._apply_security_controls(d))
            dt = time.perf_counter_ns() - t0
            # untimed: drop what this payment added, so every sample sees n prior payments
            del pol._global_ledger._entries[n:]
            del ep._entries[n:]
            while len(replay._store) > n:
                replay._store.popitem()
            return dt

        row = {"workload": "decision", "prior": n, **common.stats(common.sample(w, step, min_samples=5)),
               "replay_entries": len(c._replay._store._store),
               "ledger_entries": len(pol._global_ledger._entries)}
        print("seed: decision", json.dumps(row), file=sys.stderr)
        rows.append(row)
        if row["median_us"] > STOP_MS * 1000:
            stopped = n
            row["note"] = (f"median > {STOP_MS:g} ms: larger sizes not run" if n != w["sizes"][-1]
                           else f"median > {STOP_MS:g} ms (the stop rule; the last size anyway)")
        del c, pol, ep, replay, step

    triples = common.corpus(workdir)
    pf = PIIFilter(mode="regex")
    row = {"workload": "pii", "op": 'PIIFilter(mode="regex").scan_payment_fields(url, description, reason)',
           "triples": len(triples), **common.stats(common.per_triple(w, triples, lambda t: pf.scan_payment_fields(*t)))}
    print("seed: pii", json.dumps(row), file=sys.stderr)
    rows.append(row)

    buf = io.StringIO()
    log = AuditLog(writer=StreamAuditWriter(buf), agent_id="bench-agent")
    lines_n = w["audit"]["lines"]
    for k in range(lines_n):
        r = reqs[k % len(reqs)]
        if k % 2 == 0:
            log.emit("PAYMENT_ATTEMPT", resource_url=r["url"], amount_usd=0.01, network="base", outcome="allowed",
                     replay_fingerprint=common.fp(k))
        else:
            log.emit("PAYMENT_ALLOWED", resource_url=r["url"], amount_usd=0.01, network="base", outcome="allowed")
    lines = buf.getvalue().splitlines()
    assert len(lines) == lines_n
    ns = []
    for k in range(w["sampling"]["audit_runs"] + 2):
        t0 = time.perf_counter_ns()
        raws = [json.loads(ln) for ln in lines]
        rep = ComplianceReport(events=[])
        rep._check_chain(raws)
        dt = time.perf_counter_ns() - t0
        assert rep.chain_ok, rep.chain_warnings[:3]
        if k >= 2:
            ns.append(dt / lines_n)
    row = {"workload": "audit_verify",
           "op": "json.loads + ComplianceReport._check_chain of a 1000-line chain (no head: "
                                            "truncation is not detected), per line", **common.stats(ns)}
    print("seed: audit", json.dumps(row), file=sys.stderr)
    rows.append(row)

    out = {"host": "seed", "label": f"presidio-hardened-x402 {__version__} (PyPI, CPython {sys.version.split()[0]})",
           "rows": rows, "stop_ms": STOP_MS,
           "notes": ["_apply_security_controls on pre-built PaymentDetails (no challenge parsing, no audit line); "
                     "state of n payments injected: n ledger entries (global and endpoint) and n live fingerprints"]}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
