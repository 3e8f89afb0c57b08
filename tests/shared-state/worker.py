"""A Python worker of the shared-state proofs (see proofs.test.mjs and worker.mjs).

Usage: python worker.py '<json job>' (the same job and stdout protocol as worker.mjs).
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
import os
import sys
import time

from presidio_x402.audit_log import AuditLog, FileAuditWriter
from presidio_x402.guard import Guard
from presidio_x402.stores import FileStore, RedisStore


def body(url: str, amount: str = "10000") -> str:
    """The same 402 body as common.mjs: $0.01 (10,000 atomic USDC on Base; or ``amount``)."""
    return json.dumps({
        "x402Version": 1, "error": "X-PAYMENT header is required",
        "accepts": [{
            "scheme": "exact", "network": "base", "maxAmountRequired": amount,
            "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "resource": url, "description": "one item", "mimeType": "application/json", "maxTimeoutSeconds": 60,
            "extra": {"name": "USD Coin", "version": "2"},
        }],
    })


def config(replica: str, limit_usd: float = 10) -> dict:
    return {"max_per_call_usd": 1, "daily_limit_usd": limit_usd, "window_seconds": 86400, "replica_id": replica}


def out(o: dict) -> None:
    sys.stdout.write(json.dumps(o) + "\n")
    sys.stdout.flush()


class ReportingWriter(FileAuditWriter):
    """Reports each line once it is durably written (fsynced); quiet when ``quiet`` (bench)."""

    quiet = False

    def write(self, event) -> None:
        super().write(event)
        if not self.quiet:
            out({"event": "line", "seq": event.seq, "mac": event.mac})


#: What the signer and the paid request answer (the guard's driver judges them).
def signed_for(action):
    """A well-behaved EIP-3009 signer's answer: exactly the approved payee and amount, valid for
    the offer's maxTimeoutSeconds from now (the core checks it: payload binding)."""
    timeout = int((action.get("requirements") or {}).get("maxTimeoutSeconds", 60))
    return {"on": "signed", "payload": {"signature": "0x" + "00" * 65, "authorization": {
        "from": "0x" + "11" * 20, "to": action["pay_to"], "value": action["amount"], "validAfter": "0",
        "validBefore": str(int(time.time()) + timeout), "nonce": "0x" + "00" * 32}}}
SETTLED = {"on": "response", "status": 200,
           "settlement": base64.b64encode(b'{"success":true,"transaction":"0x1"}').decode()}


async def maybe(x):
    return await x if inspect.isawaitable(x) else x


async def main() -> None:
    job = json.loads(sys.argv[1])
    if job["store"] == "redis":
        store = RedisStore(job["redisUrl"], tenant=job["tenant"])
    elif job["store"] == "redis-cluster":  # cluster.test.mjs: redis-py's cluster client
        from redis.cluster import ClusterNode, RedisCluster

        nodes = [ClusterNode(n["host"], n["port"]) for n in job["clusterNodes"]]
        store = RedisStore(client=RedisCluster(startup_nodes=nodes, socket_timeout=2), tenant=job["tenant"])
    else:
        store = FileStore(job["dir"])
    ReportingWriter.quiet = job["mode"] == "bench"
    audit = AuditLog(ReportingWriter(os.path.join(job["auditDir"], f"{job['replica']}.jsonl")), key=job["auditKey"])
    guard = Guard(config(job["replica"], job.get("limitUsd", 10)), store=store, audit=audit,
                  replay_key=job["replayKey"])
    codes: dict = {}
    allowed = 0

    async def attempt(url: str):
        """A payment up to its signature: allowed and reserved, or refused."""
        nonlocal allowed
        p = await maybe(guard.begin("GET", url, None, body(url)))
        if p.done:
            codes[p.code] = codes.get(p.code, 0) + 1
            return None
        allowed += 1
        return p

    async def pay(url: str) -> bool:
        p = await attempt(url)
        if p is not None:
            await maybe(guard.resume(await maybe(guard.resume(p, signed_for(p.action))), SETTLED))
        return p is not None

    wait = (job.get("startAtMs") or 0) / 1000 - time.time()
    if wait > 0:
        await asyncio.sleep(wait)
    if job["mode"] == "spend":
        for i in range(job["attempts"]):
            await pay(f"{job['urlBase']}/{job['replica']}/{i}")
    elif job["mode"] == "bench":  # bench-redis.mjs: distinct purchases until endAtMs (see worker.mjs)
        i, ends, begun = 0, [], int(time.time() * 1000)
        while time.time() * 1000 < job["endAtMs"]:
            await pay(f"{job['urlBase']}/{job['replica']}/{i}")
            ends.append(int(time.time() * 1000))
            i += 1
        out({"event": "bench", "begun": begun, "ends": ends})
    elif job["mode"] == "double":
        await pay(job["urlBase"])
    elif job["mode"] == "faults":
        await faults(guard, job, codes)
        allowed = codes.pop("allowed", 0)
    elif job["mode"] == "append":
        out({"event": "ready"})
        i = 0
        while job.get("attempts") is None or i < job["attempts"]:
            await purchase(guard, job, codes, f"{job['run']}/{i}", "append")
            i += 1
        allowed = codes.pop("allowed", 0)
    elif job["mode"] == "crash":
        for i in range(job["attempts"]):
            await pay(f"{job['urlBase']}/{job['replica']}/{i}")
        if await attempt(f"{job['urlBase']}/{job['replica']}/reserved") is not None:
            out({"event": "reserved"})
        while True:
            await asyncio.sleep(1)
    out({"event": "done", "allowed": allowed, "codes": codes})
    guard.close()  # saves the last line's audit head (docs/STORES.md, "Flushing the head")


async def purchase(guard: Guard, job: dict, codes: dict, pid: str, phase: str, amount: str = "10000") -> str:
    """One purchase (its URL is the purchase id), to its end; the driver decides everything."""
    url = f"{job['urlBase']}/{pid}"
    p = await maybe(guard.begin("GET", url, None, body(url, amount)))
    if p.action.get("do") == "sign":
        p = await maybe(guard.resume(p, signed_for(p.action)))
    if p.action.get("do") == "send":
        out({"event": "sent", "id": pid, "amount": amount})
        p = await maybe(guard.resume(p, SETTLED))
    out({"event": "result", "id": pid, "phase": phase, "amount": amount, "allowed": p.allowed, "code": p.code})
    key = "allowed" if p.allowed else str(p.code)
    codes[key] = codes.get(key, 0) + 1
    return key


async def faults(guard: Guard, job: dict, codes: dict) -> None:
    """Mode "faults" (see worker.mjs): the same purchases, retries and phases."""

    calls = 0

    async def run(phase: str, i: int, amount: str = "10000") -> str:
        nonlocal calls
        tag = phase if amount == "10000" else f"{phase}-{amount}"
        pid = f"{tag}-shared/{i}" if i % 4 == 0 else f"{tag}/{job['replica']}/{i}"
        r = "store-unavailable"
        for _ in range(3):
            calls += 1
            r = await purchase(guard, job, codes, pid, phase, amount)
            if r != "store-unavailable":
                break
        return r

    i = 0
    while calls < job["attempts"] and time.time() * 1000 < job["faultsEndAtMs"]:
        wait = (job["startAtMs"] + calls * 1000 / job["rate"]) / 1000 - time.time()
        if wait > 0:  # at most `rate` a second, spread over the phase
            await asyncio.sleep(wait)
        await run("faults", i)
        i += 1
    wait = job["recoverAtMs"] / 1000 - time.time()
    if wait > 0:
        await asyncio.sleep(wait)
    # First one purchase of this worker's own ($0.01), then, from `drainAtMs`, all drain the
    # budget: no worker's first payment after the faults races the others' draining.
    await purchase(guard, job, codes, f"recovery-first/{job['replica']}", "recovery", "10000")
    wait = job.get("drainAtMs", job["recoverAtMs"]) / 1000 - time.time()
    if wait > 0:
        await asyncio.sleep(wait)
    amount = "100000"  # $0.10 until the budget refuses, then $0.01 until it refuses again
    for i in range(job["recoveryAttempts"]):
        if await run("recovery", i, amount) == "policy-window-exceeded":
            if amount == "10000":
                break
            amount = "10000"


if __name__ == "__main__":
    asyncio.run(main())
