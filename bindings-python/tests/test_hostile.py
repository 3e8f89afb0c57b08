"""The hostile x402 server (``hostile_server.py``, loopback only) against ``HardenedX402Client``
and ``harden()`` over the PyPI ``x402`` client. The verdicts are ``vectors/hostile/cases.json``,
which the Node package's ``hostile.test.mjs`` reads too: the same case, the same verdict."""

import contextlib
import json
import os
import time

import httpx
import pytest
from eth_account import Account
from hostile_server import HostileServer, amount_of, load_cases
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.http.clients.httpx import x402AsyncTransport
from x402.mechanisms.evm.exact import register_exact_evm_client

from presidio_x402 import HardenedX402Client
from presidio_x402._core import core
from presidio_x402.integrations.x402 import CappedTransport, harden

CASES = load_cases()
KEY = "0x" + "4c" * 32


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(json.loads(str(ev)))


def signer(details):
    """A scheme payload for the offer (the server only counts what it authorizes)."""
    return {"signature": "0x" + "11" * 65,
            "authorization": {"from": "0x" + "22" * 20, "to": details.pay_to, "value": details.amount_atomic,
                              "validAfter": "0",
                              "validBefore": str(int(time.time()) + details.requirements.get("maxTimeoutSeconds", 60)),
                              "nonce": "0x" + os.urandom(32).hex()}}


async def own_client(case, lines):
    c = HardenedX402Client(signer, policy=case["config"], audit_writer=lines)

    async def get(url):
        return await c.get(url, follow_redirects=True)

    return get, c.aclose


async def official_client(case, lines):
    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    guard = harden(http, policy=case["config"], audit_writer=lines)
    transport = x402AsyncTransport(http, transport=CappedTransport(httpx.AsyncHTTPTransport(), guard))
    c = httpx.AsyncClient(transport=transport, follow_redirects=True, timeout=30)
    return c.get, c.aclose


def cases_for(package):
    return [pytest.param(c, id=c["input"]["name"]) for c in CASES if package in c["input"]["packages"]]


def case_url(origin, inp, i):
    """Request ``i`` of a case: its own ``?n=<i>`` URL, or (with ``hosts``) the same URL under the
    host's ``i``-th spelling (httpx sends the spelling as written; the core canonicalises it)."""
    if "hosts" not in inp:
        return f"{origin}/case/{inp['name']}?n={i}"
    port = origin.rsplit(":", 1)[1]
    return f"http://{inp['hosts'][i % len(inp['hosts'])]}:{port}/case/{inp['name']}"


async def play(case, make, hooks):
    inp = case["input"]
    b = await HostileServer(CASES).start()
    a = await HostileServer(CASES, redirect_to=b if inp["redirect"] else None).start()
    lines = Lines()
    get, close = await make(inp, lines)
    outcomes, codes = [], []
    try:
        for i in range(inp["requests"]):
            before = len(lines.lines)
            t0 = time.monotonic()
            # a refusal, or the answer to a failed paid request: the audit line is the verdict
            with contextlib.suppress(Exception):
                await get(case_url(a.origin, inp, i))
            # A body is read within the core's deadline (an endless one stops at the cap at once).
            assert time.monotonic() - t0 < core().limits()["challenge_read_ms"] / 1000 + 5
            last = lines.lines[-1] if len(lines.lines) > before else None
            outcomes.append(last and last["outcome"])
            codes.append(last and last.get("code"))
    finally:
        await close()
        await a.close()
        await b.close()
    want = case["expected"]["hooks"] if hooks and "hooks" in case["expected"] else case["expected"]["all"]
    payments = a.payments.get(inp["name"], []) + b.payments.get(inp["name"], [])
    assert len(payments) == want["payments"]
    assert outcomes == want["outcomes"]
    assert codes == want["codes"]
    if "spent_atomic" in want:  # the limit holds to the cent
        assert sum(amount_of(p) for p in payments) == int(want["spent_atomic"])
    if inp["redirect"]:
        assert not any(a.seen[inp["name"]]), "a payment header reached the first origin"
        assert b.payments[inp["name"]] and lines.lines[0]["resource_url"].startswith(b.origin)


@pytest.mark.parametrize("case", cases_for("client"))
async def test_hardened_client_against_the_hostile_server(case):
    await play(case, own_client, hooks=False)


@pytest.mark.parametrize("case", cases_for("hooks-py"))
async def test_harden_official_client_against_the_hostile_server(case):
    await play(case, official_client, hooks=True)
