"""The stand-alone MPAEngine.request_approval (the seed's call) over real
loopback webhooks: the core's mpa.begin / mpa.decide decide, the engine only
does the I/O."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from presidio_x402 import MPADeniedError, MPATimeoutError
from presidio_x402._types import PaymentDetails
from presidio_x402.mpa import MPAApproverConfig, MPAConfig, MPAEngine, countersign

ALICE = b"alice-secret-0123456789"
DETAILS = PaymentDetails(resource_url="https://api.example.com/big",
                         pay_to="0x209693bc6afc0c5328ba36faf03c514ef312287c",
                         amount="5", currency="USD", network="eip155:84532", deadline_seconds=60,
                         amount_atomic="5000000", asset="0x036cbd53842c5426634e7929541ec2318f3dcf7e")


@pytest.fixture
def approvers():
    """Webhook approvers on 127.0.0.1: /yes approves (echoing request_id), /no denies, /slow answers after 3 s."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            name = self.path.rsplit("/", 1)[-1]
            seen.append({"name": name, "host": self.headers["Host"], "request_id": self.headers["X-MPA-Request-Id"],
                         "body": json.loads(body)})
            if name == "slow":
                time.sleep(3)
            out = json.dumps({"approved": name != "no", "request_id": json.loads(body)["request_id"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv.server_address[1], seen
    srv.shutdown()


async def loopback(host, port):  # a name real DNS cannot resolve
    return ["127.0.0.1"] if host == "approvals.invalid" else []


def engine(port, names, threshold=2, allow_private=True, crypto=False, **kw):
    ap = [MPAApproverConfig(n, mode="webhook", webhook_url=f"http://approvals.invalid:{port}/{n}") for n in names]
    if crypto:
        ap.insert(0, MPAApproverConfig("alice", mode="crypto", shared_secret=ALICE))
    cfg = MPAConfig(threshold=threshold, min_amount_usd=1.00, allow_private_webhooks=allow_private, approvers=ap, **kw)
    return MPAEngine(cfg, resolver=loopback)


async def test_webhooks_approve_and_receive_the_canonical_request(approvers):
    port, seen = approvers
    await engine(port, ["yes", "yes2", "no"], threshold=2).request_approval(DETAILS, 5.0)
    assert sorted(s["name"] for s in seen) == ["no", "yes", "yes2"]
    for s in seen:
        assert s["host"] == f"approvals.invalid:{port}"  # the name stays in Host; the address was checked
        assert s["body"]["domain"] == "presidio-x402/mpa-approval/v1"
        assert s["body"]["request_id"] == s["request_id"]
        assert (s["body"]["amount"], s["body"]["amount_usd"]) == ("5000000", "5")


async def test_denial_carries_the_counts_and_the_request(approvers):
    port, _ = approvers
    with pytest.raises(MPADeniedError, match="1 of 2 required approvals") as e:
        await engine(port, ["yes", "no"], threshold=2).request_approval(DETAILS, "5")
    assert (e.value.approvals_received, e.value.threshold, e.value.code) == (1, 2, "mpa-denied")
    assert e.value.approval_request["request"]["pay_to"] == DETAILS.pay_to


async def test_a_private_address_is_refused_at_connection_time(approvers):
    port, seen = approvers
    with pytest.raises(MPADeniedError, match="0 of 1 required approvals"):
        await engine(port, ["yes"], threshold=1, allow_private=False).request_approval(DETAILS, 5)
    assert seen == []  # nothing was posted to 127.0.0.1


async def test_countersignatures_first_webhooks_only_when_short(approvers):
    port, seen = approvers
    eng = engine(port, ["yes"], threshold=1, crypto=True)
    await eng.request_approval(DETAILS, 5, provided_signatures=lambda req: {"alice": countersign(ALICE, req)})
    assert seen == []  # alice's countersignature was enough: no webhook was asked
    await eng.request_approval(DETAILS, 5, provided_signatures={"alice": "00" * 32})
    assert [s["name"] for s in seen] == ["yes"]


async def test_under_the_minimum_nobody_is_asked(approvers):
    port, seen = approvers
    await engine(port, ["no"], threshold=1).request_approval(DETAILS, 0.99)
    assert seen == []


async def test_a_late_webhook_is_a_timeout(approvers):
    port, _ = approvers
    eng = engine(port, ["slow"], threshold=1, timeout_seconds=1)
    t0 = time.monotonic()
    with pytest.raises(MPATimeoutError, match=r"timed out \(0/1 approvals received\)") as e:
        await eng.request_approval(DETAILS, 5)
    assert e.value.code == "mpa-timeout" and time.monotonic() - t0 < 2.5
