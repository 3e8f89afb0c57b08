"""Operator controls through the public API (README "Operator controls"): the kill
switch (halt -> guard-halted -> unhalt -> paid, and shared across processes over the
file store), velocity limits and per-asset caps; quote drift, wallet pinning modes and
budget alerts (with the alert webhook received by a loopback HTTP server)."""

import hashlib
import hmac
import http.server
import json
import subprocess
import sys
import textwrap
import threading
import time
import typing

import pytest
from x402mock import USDC_BASE_SEPOLIA, RecordingSigner, Server

from presidio_x402 import HardenedX402Client, PolicyConfig, PolicyViolationError, X402PaymentError, verify_chain
from presidio_x402.guard import Guard
from presidio_x402.stores import FileStore

KEY = bytes.fromhex("61" * 32)
URL = "http://127.0.0.1:4021/weather"
OTHER = "0x00000000000000000000000000000000000000b0"
SECRET = "alert-secret-0123456789"


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def make(server, signer=None, **kw):
    w = Lines()
    c = HardenedX402Client(payment_signer=signer or RecordingSigner(), httpx_client=server.client(), audit_writer=w,
                           audit_key=KEY, **kw)
    return c, w


async def test_halt_refuses_with_guard_halted_then_unhalt_pays():
    s, signer = Server(version=2, amount="1000"), RecordingSigner()
    c, w = make(s, signer, policy={"max_per_call_usd": 0.10})
    await c.halt("incident 42", by="ops")
    assert c.guard.halted() is not None and c.guard.halted()["reason"] == "incident 42"
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/a")
    assert e.value.code == "guard-halted"
    assert signer.calls == []  # never signed
    await c.unhalt()
    assert c.guard.halted() is None
    assert (await c.get("https://api.example.com/a")).status_code == 200
    events = [json.loads(ln)["event_type"] for ln in w.lines]
    assert events == ["guard_halted", "payment_blocked", "guard_resumed", "payment_allowed", "payment_settled"]
    await c.aclose()


def test_halt_reason_with_control_characters_is_refused():
    g = Guard({})
    with pytest.raises(X402PaymentError) as e:
        g.halt("a\nb")
    assert getattr(e.value, "code", None) == "invalid-input"
    assert g.halted() is None
    g.close()


async def test_velocity_refusal():
    s = Server(version=2, amount="1000")
    c, _ = make(s, policy={"velocity": {"max_payments": 1, "interval_seconds": 60}})
    assert (await c.get("https://api.example.com/1")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/2")
    assert e.value.code == "velocity-exceeded"
    await c.aclose()


async def test_asset_cap_refusal_in_atomic_units():
    s = Server(version=2, amount="1000")
    caps = [{"network": "eip155:84532", "address": USDC_BASE_SEPOLIA, "max_per_window": "1500"}]
    c, _ = make(s, policy={"asset_caps": caps})
    assert (await c.get("https://api.example.com/1")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/2")
    assert e.value.code == "asset-cap-exceeded"
    await c.aclose()


async def test_halt_is_shared_across_processes_over_the_file_store(tmp_path):
    # Another process halts the guard in the shared directory...
    other = textwrap.dedent(f"""
        from presidio_x402.guard import Guard
        from presidio_x402.stores import FileStore
        g = Guard({{}}, store=FileStore({str(tmp_path)!r}))
        g.halt("from another process", by="ops-cli")
        g.close()
    """)
    subprocess.run([sys.executable, "-c", other], check=True, timeout=120)
    # ...and this process's payments are refused until it resumes.
    s = Server(version=2, amount="1000")
    c, _ = make(s, store=FileStore(tmp_path))
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/1")
    assert e.value.code == "guard-halted"
    assert c.guard.halted()["by"] == "ops-cli"
    await c.unhalt()
    assert (await c.get("https://api.example.com/1")).status_code == 200
    await c.aclose()


# ---- quote drift, wallet-pinning modes, budget alerts ----

def alerts_of(w):
    return [json.loads(ln).get("alerts") for ln in w.lines]


async def test_quote_drift_refuses_a_price_over_the_ratio():
    s = Server(version=2, amount="1000")
    c, w = make(s, policy=PolicyConfig(max_quote_increase_ratio="0.5"))
    assert (await c.get(URL + "?n=1")).status_code == 200
    s.amount = "1500"  # +50 %: at the ratio
    assert (await c.get(URL + "?n=2")).status_code == 200
    s.amount = "2251"  # over 1500 * 1.5
    with pytest.raises(PolicyViolationError) as e:
        await c.get(URL + "?n=3")
    assert e.value.code == "quote-drift-exceeded"
    assert json.loads(w.lines[-1])["code"] == "quote-drift-exceeded"
    assert verify_chain(w.lines, KEY).ok
    await c.aclose()


async def test_wallet_pinning_block_refuses_a_changed_payee():
    s = Server(version=2)
    c, _ = make(s, wallet_pinning="block")
    assert (await c.get(URL + "?n=1")).status_code == 200
    s.pay_to = OTHER
    with pytest.raises(PolicyViolationError) as e:
        await c.get(URL + "?n=2")
    assert e.value.code == "pay-to-pin-mismatch"
    await c.aclose()


async def test_wallet_pinning_warn_pays_and_audits_a_changed_payee():
    s = Server(version=2)
    c, w = make(s, wallet_pinning="warn")
    assert (await c.get(URL + "?n=1")).status_code == 200
    s.pay_to = OTHER
    assert (await c.get(URL + "?n=2")).status_code == 200
    assert alerts_of(w) == [None, None, ["pay-to-pin-mismatch"], None]
    assert s.payments[-1]["accepted"]["payTo"] == OTHER
    assert verify_chain(w.lines, KEY).ok
    await c.aclose()


class _Hook(http.server.BaseHTTPRequestHandler):
    got: typing.ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        type(self).got.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *a):
        pass


@pytest.fixture
def hook():
    _Hook.got = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()


async def test_budget_alerts_fire_once_per_fraction_and_reach_the_webhook(hook):
    s = Server(version=2)
    url = f"http://127.0.0.1:{hook.server_address[1]}/alerts"
    policy = {"daily_limit_usd": "0.01", "budget_alerts": [0.8, 0.95],
              "alert_webhook": {"url": url, "secret": SECRET}}
    c, w = make(s, policy=policy, agent_id="agent-7")
    for n, amount in enumerate(["4000", "4000", "1000", "600", "200"]):
        s.amount = amount
        assert (await c.get(f"{URL}?n={n}")).status_code == 200
    assert alerts_of(w) == [None, None, ["budget:0.8:*"], None, None, None, ["budget:0.95:*"], None, None, None]
    deadline = time.time() + 5
    while len(_Hook.got) < 2 and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    assert len(_Hook.got) == 2
    fractions = []
    for headers, body in _Hook.got:
        h = {k.lower(): v for k, v in headers.items()}
        assert h["x-presidio-signature"] == hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        doc = json.loads(body)
        assert doc["event"] == "x402_alert" and doc["agent_id"] == "agent-7"
        (a,) = doc["alerts"]
        assert (a["kind"], a["window"], a["limit_usd"]) == ("budget", "*", "0.01")
        fractions.append(a["fraction"])
    assert sorted(fractions) == ["0.8", "0.95"]
    assert verify_chain(w.lines, KEY).ok
    await c.aclose()
