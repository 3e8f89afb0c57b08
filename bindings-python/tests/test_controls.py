"""Operator controls through the public API: quote drift, wallet pinning modes, budget alerts
(with the alert webhook received by a loopback HTTP server)."""

import hashlib
import hmac
import http.server
import json
import threading
import time
import typing

import pytest
from x402mock import RecordingSigner, Server

from presidio_x402 import HardenedX402Client, PolicyConfig, PolicyViolationError, verify_chain

KEY = bytes.fromhex("61" * 32)
URL = "http://127.0.0.1:4021/weather"
OTHER = "0x00000000000000000000000000000000000000b0"
SECRET = "alert-secret-0123456789"


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def make(server, **kw):
    w = Lines()
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=server.client(), audit_writer=w,
                           audit_key=KEY, **kw)
    return c, w


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
