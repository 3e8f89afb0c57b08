"""Hot reload through the public API (``HardenedX402Client.reload``, ``Guard.reload``): the core
validates the new policy, audits the reload and decides what happens to payments in flight."""

import json

import pytest
from x402mock import RecordingSigner, Server, evm_payload

from presidio_x402 import HardenedX402Client, PolicyViolationError, verify_chain
from presidio_x402.guard import Guard
from presidio_x402.stores import MemoryStore
from presidio_x402.x402_policy_schema import PolicyValidationError

KEY = bytes.fromhex("61" * 32)
URN = "urn:x402:policy:sha256:"
SETTLED = "eyJzdWNjZXNzIjp0cnVlLCJ0cmFuc2FjdGlvbiI6IjB4MSJ9"  # {"success":true,"transaction":"0x1"}


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


class Counted:
    """A metrics sink that keeps the core's updates."""

    def __init__(self):
        self.updates = []

    def apply(self, updates, code=None):
        self.updates.extend(json.loads(updates) if isinstance(updates, str) else updates)


def make(server, **kw):
    w, m = Lines(), Counted()
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=server.client(), audit_writer=w,
                           audit_key=KEY, metrics_collector=m, **kw)
    return c, w, m


def reloads(m):
    return [u["labels"]["result"] for u in m.updates if u["name"] == "x402_policy_reloads_total"]


async def test_reload_lowers_the_per_call_limit_and_the_next_payment_is_refused():
    s = Server(version=2, amount="1000")  # $0.001
    c, w, m = make(s, policy={"max_per_call_usd": 0.10, "daily_limit_usd": 5})
    assert (await c.get("http://127.0.0.1:4021/a")).status_code == 200
    digest = await c.reload({"max_per_call_usd": 0.0005, "daily_limit_usd": 5})
    assert len(digest) == 64
    with pytest.raises(PolicyViolationError) as e:
        await c.get("http://127.0.0.1:4021/b")
    assert e.value.code == "policy-per-call-exceeded"
    lines = [json.loads(ln) for ln in w.lines]
    assert [ln["outcome"] for ln in lines] == ["allowed", "settled", "applied", "blocked"]
    reload_line = lines[2]
    assert reload_line["event_type"] == "policy_reload" and reload_line["resource_url"] == URN + digest
    assert "0.0005" not in w.lines[2]  # the digest, never the policy
    assert verify_chain(w.lines, KEY).ok
    assert reloads(m) == ["applied"]
    await c.aclose()


async def test_an_invalid_reload_raises_with_its_code_and_the_old_policy_stays():
    s = Server(version=2, amount="1000")
    c, w, m = make(s, policy={"max_per_call_usd": 0.10})
    for bad, code in [({"max_per_call_usd": "ten"}, "usd-malformed"),
                      ({"max_per_call_usd": 0.1, "no_such_key": 1}, "config-unknown-field"),
                      ({"max_per_call_usd": 0.1, "replica_id": "other"}, "config-identity-changed")]:
        with pytest.raises(PolicyValidationError) as e:
            await c.reload(bad)
        assert e.value.code == code
    assert (await c.get("http://127.0.0.1:4021/a")).status_code == 200  # the old policy still applies
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["refused"] * 3 + ["allowed", "settled"]
    assert reloads(m) == ["refused"] * 3
    await c.aclose()


async def test_reload_from_a_toml_file(tmp_path):
    s = Server(version=2, amount="1000")
    c, _, _ = make(s, policy={"max_per_call_usd": 0.10})
    f = tmp_path / "policy.toml"
    f.write_text("max_per_call_usd = 0.0005\n")
    await c.reload(f)
    with pytest.raises(PolicyViolationError):
        await c.get("http://127.0.0.1:4021/a")
    await c.aclose()


def test_reload_during_an_open_reservation_keeps_the_payment_and_counts_its_spend():
    """A payment reserved before the reload finishes under its policy; its spend counts against the
    new limits of later payments (the rule on the core's ``Driver::reload``)."""
    w = Lines()
    from presidio_x402.audit_log import AuditLog

    g = Guard({"max_per_call_usd": 0.10, "daily_limit_usd": 5}, store=MemoryStore(),
              audit=AuditLog(w, key=KEY), replay_key=KEY)
    s = Server(version=2, amount="1000")
    import httpx

    def challenge(url):
        r = s.handler(httpx.Request("GET", url))
        return r.headers["PAYMENT-REQUIRED"]

    url = "http://127.0.0.1:4021/a"
    p = g.begin("GET", url, challenge(url))
    assert p.action["do"] == "sign"  # reserved, being signed
    g.reload({"max_per_call_usd": 0.0005, "daily_limit_usd": 0.0015})
    a = p.action
    p = g.resume(p, {"on": "signed", "payload": evm_payload(a["pay_to"], a["amount"], 300)})
    assert p.action["do"] == "send"
    p = g.resume(p, {"on": "response", "status": 200, "settlement": SETTLED})
    assert p.action["do"] == "done" and p.action["allowed"] is True  # not refused by the lowered per-call limit
    g.reload({"max_per_call_usd": 0.10, "daily_limit_usd": 0.0015})
    url2 = "http://127.0.0.1:4021/b"
    p2 = g.begin("GET", url2, challenge(url2))
    assert p2.action["do"] == "done" and p2.action["code"] == "policy-window-exceeded"  # 0.001 + 0.001 > 0.0015
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "applied", "settled", "applied", "blocked"]
    assert verify_chain(w.lines, KEY).ok
    g.close()
