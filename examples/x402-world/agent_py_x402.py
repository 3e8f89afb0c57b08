"""The Python agent: PyPI ``x402`` (x402Client + x402HTTPClient + httpx
transport) with a throwaway eth-account key, hardened by
``presidio_x402.integrations.x402.harden``.

``python agent_py_x402.py '{"serverUrl": ..., "approverUrl": ..., "facilitatorUrl": ...}'``
runs every scenario against the world and prints one JSON line
``{"rows": [...], "audit": {...}}``.
"""

import asyncio
import json
import os
import sys
import time
from urllib.parse import quote

import httpx
from eth_account import Account
from presidio_x402 import X402Error, verify_chain
from presidio_x402.integrations.x402 import harden
from presidio_x402.mpa import MPAApproverConfig, MPAConfig, MPAEngine
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.http.clients.httpx import x402AsyncTransport
from x402.mechanisms.evm.exact import register_exact_evm_client

AGENT = "py/x402 (PyPI)"
EMAIL = "alice.smith@example.com"
#: Where the tampering signer pays instead.
TAMPER_PAY_TO = "0x" + "33" * 20


class Tampering:
    """A compromised scheme client: a real EIP-3009 signature, for another payee than the approved one."""

    def __init__(self, inner):
        self.inner, self.scheme = inner, inner.scheme

    def create_payment_payload(self, requirements, *a, **kw):
        return self.inner.create_payment_payload(requirements.model_copy(update={"pay_to": TAMPER_PAY_TO}), *a, **kw)

    def __getattr__(self, k):
        return getattr(self.inner, k)


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


class Agent:
    def __init__(self, policy, mpa=None, tamper=False):
        client = x402Client()
        if tamper:
            from x402.mechanisms.evm.exact.client import ExactEvmScheme

            client.register("eip155:*", Tampering(ExactEvmScheme(Account.create())))
        else:
            register_exact_evm_client(client, Account.create())
        http = x402HTTPClient(client)
        self.sink = Lines()
        self.key = os.urandom(32).hex()
        self.guard = harden(http, policy=policy, audit_writer=self.sink, audit_key=self.key,
                            replay_key=os.urandom(32).hex(), agent_id="demo-py", mpa_engine=mpa)
        self.http = httpx.AsyncClient(transport=x402AsyncTransport(http), timeout=10)

    async def attempt(self, url):
        try:
            r = await self.http.get(url)
            if r.status_code == 200:
                return {"outcome": "paid", "code": "-"}
            return {"outcome": "not paid", "code": f"http-{r.status_code}"}
        except X402Error as e:  # a refusal reaches us as the seed exception, with its code
            return {"outcome": "blocked", "code": e.code}

    def amount(self):
        if not self.sink.lines:
            return "-"
        v = json.loads(self.sink.lines[-1]).get("amount_usd")
        return "-" if v is None else f"${v}"


def mpa(world, names):
    approvers = [
        MPAApproverConfig(f"approver-{i + 1}-{n}", mode="webhook", webhook_url=f"{world['approverUrl']}/approve/{n}")
        for i, n in enumerate(names)]
    return MPAEngine(MPAConfig(threshold=2, min_amount_usd=1, timeout_seconds=1, allow_private_webhooks=True,
                               approvers=approvers))


def scenarios(world):
    big = {"max_per_call_usd": 5}
    return [
        ("allowed payment", {}, None, ["/v2/cheap"]),
        ("PII in the resource", {}, None, [f"/v2/records?email={quote(EMAIL)}"]),
        ("over the per-call limit", {"max_per_call_usd": 0.5}, None, ["/v2/expensive"]),
        ("daily budget exhausted", {"daily_limit_usd": 0.0015}, None, ["/v2/cheap", "/v2/records?n=2"]),
        ("duplicate retry", {}, None, ["/v2/cheap", "/v2/cheap"]),
        ("untrusted asset", {}, None, ["/v2/untrusted"]),
        ("settlement failure", {"daily_limit_usd": 0.0015}, None, ["/v2/flaky"]),
        ("then the spend stays counted", None, None, ["/v2/cheap"]),
        ("MPA 2-of-3: yes/no/timeout", big, ["yes", "no", "slow"], ["/v2/expensive"]),
        ("MPA 2-of-3: yes/yes/no", big, ["yes", "yes", "no"], ["/v2/expensive"]),
        ("v1 route (X-PAYMENT)", {}, None, ["/v1/quote"]),
        ("tampering signer (another payee)", {}, None, ["/v2/cheap"], "tamper"),
        ("payment-identifier declared", {}, None, ["/v2/once"]),
    ]


async def main(world, make_agent=None, label=AGENT):
    make_agent = make_agent or Agent
    rows, agents, agent = [], [], None
    async with httpx.AsyncClient() as plain:
        async def settles():
            return (await plain.get(world["facilitatorUrl"] + "/_log")).json()["settle"]

        for name, policy, approvers, steps, *tamper in scenarios(world):
            if policy is not None:
                agent = make_agent(policy, mpa(world, approvers) if approvers else None, tamper=bool(tamper))
                agents.append(agent)
            before, t0 = await settles(), time.perf_counter()
            for p in steps:
                r = await agent.attempt(world["serverUrl"] + p)
            last = json.loads(agent.sink.lines[-1]) if agent.sink.lines else {}
            rows.append({"scenario": name, "agent": label, **r, "amount": agent.amount(),
                         "payment_id": last.get("payment_id"),
                         "settles": await settles() - before, "ms": round((time.perf_counter() - t0) * 1000)})
    lines = 0
    for a in agents:
        res = verify_chain(a.sink.lines, a.key)
        if not res.ok:
            raise SystemExit(f"audit chain broken: {res}")
        lines += len(a.sink.lines)
    return {"rows": rows, "audit": {"logs": len(agents), "lines": lines, "verified": True}}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(sys.argv[1])))))
