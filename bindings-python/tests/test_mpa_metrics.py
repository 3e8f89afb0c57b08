"""MPA (webhook and crypto) and metrics through the client."""

import asyncio
import hashlib
import hmac
import json

import httpx
import pytest
from x402mock import RecordingSigner, Server

from presidio_x402 import HardenedX402Client, MPADeniedError, MPATimeoutError
from presidio_x402.mpa import ApprovalRequest, MPAApproverConfig, MPAConfig, MPAEngine, countersign

ALICE, BOB = b"alice-secret-0123456789", b"bob-secret-0123456789"
HOOK_SECRET = b"carol-response-key-0123"


async def public(host, port):
    return ["93.184.216.34"]


async def private(host, port):
    return ["10.0.0.7"]


class Approvers:
    """Webhook approvers behind an httpx MockTransport."""

    def __init__(self, answers):
        self.answers = answers  # approver -> callable(request_dict) -> httpx.Response
        self.seen = []
        self.wire = []  # (connected host, Host header, SNI) per request

    def handler(self, request):
        name = request.url.path.rsplit("/", 1)[-1]
        body = request.content.decode()
        self.seen.append((name, body, request.headers.get("X-MPA-Request-Id")))
        self.wire.append((request.url.host, request.headers.get("Host"), request.extensions.get("sni_hostname")))
        return self.answers[name](json.loads(body))

    def client(self):
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


def approve(secret=None, approved=True):
    def f(req):
        body = json.dumps({"approved": approved, "request_id": req["request_id"]}).encode()
        h = {"X-MPA-HMAC": hmac.new(secret, body, hashlib.sha256).hexdigest()} if secret else {}
        return httpx.Response(200, content=body, headers=h)
    return f


def hook_engine(approvers, resolver=public, **kw):
    cfg = MPAConfig(threshold=2, min_amount_usd=1.00, timeout_seconds=5, approvers=[
        MPAApproverConfig("alice", mode="webhook", webhook_url="https://approvals.example.com/alice"),
        MPAApproverConfig("bob", mode="webhook", webhook_url="https://approvals.example.com/bob"),
        MPAApproverConfig("carol", mode="webhook", webhook_url="https://approvals.example.com/carol",
                          shared_secret=HOOK_SECRET),
    ], **kw)
    return MPAEngine(cfg, httpx_client=approvers.client(), resolver=resolver)


def client(server, engine, signer=None):
    return HardenedX402Client(payment_signer=signer or RecordingSigner(), httpx_client=server.client(),
                              mpa_engine=engine,
                              policy={"max_per_call_usd": 10, "daily_limit_usd": 100})


async def test_webhook_quorum_approves_and_webhooks_get_the_canonical_request():
    ap = Approvers({"alice": approve(), "bob": approve(approved=False), "carol": approve(HOOK_SECRET)})
    s = Server(amount="2000000")  # $2: needs approval
    c = client(s, hook_engine(ap))
    assert (await c.get("https://api.example.com/big")).status_code == 200
    assert {n for n, _, _ in ap.seen} == {"alice", "bob", "carol"}
    body = ap.seen[0][1]
    req = json.loads(body)
    assert req["domain"] == "presidio-x402/mpa-approval/v1" and req["amount"] == "2000000" and req["amount_usd"] == "2"
    assert body == json.dumps(req, separators=(",", ":"), sort_keys=True)  # canonical
    assert ap.seen[0][2] == req["request_id"]


async def test_webhooks_go_to_the_checked_address_with_the_real_host_name():
    ap = Approvers({"alice": approve(), "bob": approve(), "carol": approve(HOOK_SECRET)})
    c = client(Server(amount="2000000"), hook_engine(ap))
    assert (await c.get("https://api.example.com/big")).status_code == 200
    # Connected to the address the core allowed; the name survives in Host and TLS SNI.
    assert set(ap.wire) == {("93.184.216.34", "approvals.example.com", "approvals.example.com")}


async def test_webhook_pinned_over_a_real_socket():
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(self.headers["Host"])
            out = json.dumps({"approved": True, "request_id": json.loads(body)["request_id"]}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]

    async def resolver(host, p):  # the only answer for a name real DNS cannot resolve
        return ["127.0.0.1"] if host == "approver.invalid" else []

    cfg = MPAConfig(threshold=2, min_amount_usd=1.00, timeout_seconds=5, allow_private_webhooks=True, approvers=[
        MPAApproverConfig(n, mode="webhook", webhook_url=f"http://approver.invalid:{port}/{n}") for n in ("a", "b")])
    try:
        c = client(Server(amount="2000000"), MPAEngine(cfg, resolver=resolver))
        assert (await c.get("https://api.example.com/big")).status_code == 200
        assert seen == [f"approver.invalid:{port}"] * 2
    finally:
        srv.shutdown()


async def test_small_payments_need_no_approval():
    ap = Approvers({})
    c = client(Server(amount="10000"), hook_engine(ap))
    assert (await c.get("https://api.example.com/small")).status_code == 200 and ap.seen == []


async def test_webhook_denied_bad_hmac_and_redirect():
    def bad_hmac(req):
        return httpx.Response(200, json={"approved": True, "request_id": req["request_id"]},
                              headers={"X-MPA-HMAC": "00" * 32})
    def redirect(req):
        return httpx.Response(302, headers={"Location": "https://approvals.example.com/alice"})
    ap = Approvers({"alice": approve(), "bob": redirect, "carol": bad_hmac})
    signer = RecordingSigner()
    c = client(Server(amount="2000000"), hook_engine(ap), signer)
    with pytest.raises(MPADeniedError) as e:
        await c.get("https://api.example.com/big")
    assert e.value.code == "mpa-denied" and e.value.threshold == 2 and e.value.approvals_received == 1
    assert signer.calls == []
    assert e.value.approval_request["request_id"]


async def test_webhook_ssrf_private_address_refused():
    ap = Approvers({"alice": approve(), "bob": approve(), "carol": approve(HOOK_SECRET)})
    c = client(Server(amount="2000000"), hook_engine(ap, resolver=private))
    with pytest.raises(MPADeniedError):
        await c.get("https://api.example.com/big")
    assert ap.seen == []  # nothing was posted
    ap2 = Approvers({"alice": approve(), "bob": approve(), "carol": approve(HOOK_SECRET)})
    c2 = client(Server(amount="2000000"), hook_engine(ap2, resolver=private, allow_private_webhooks=True))
    assert (await c2.get("https://api.example.com/big")).status_code == 200


async def test_webhook_timeout():
    import asyncio

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            await asyncio.sleep(5)
            return httpx.Response(200)

    cfg = MPAConfig(threshold=1, min_amount_usd=1, timeout_seconds=1, approvers=[
        MPAApproverConfig("alice", mode="webhook", webhook_url="https://approvals.example.com/alice")])
    eng = MPAEngine(cfg, httpx_client=httpx.AsyncClient(transport=Slow()), resolver=public)
    c = client(Server(amount="2000000"), eng)
    with pytest.raises(MPATimeoutError) as e:
        await c.get("https://api.example.com/big")
    assert e.value.code == "mpa-timeout"


async def test_an_unanswered_quorum_is_always_mpa_timeout():
    import asyncio
    import time

    class Mixed(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            name = request.url.path.rsplit("/", 1)[-1]
            if name == "carol":
                await asyncio.sleep(10)
            req = json.loads(request.content)
            return httpx.Response(200, json={"approved": name == "alice", "request_id": req["request_id"]})

    cfg = MPAConfig(threshold=2, min_amount_usd=1, timeout_seconds=1, approvers=[
        MPAApproverConfig(n, mode="webhook", webhook_url=f"https://approvals.example.com/{n}")
        for n in ("alice", "bob", "carol")])
    engine = MPAEngine(cfg, httpx_client=httpx.AsyncClient(transport=Mixed()), resolver=public)
    c = client(Server(amount="2000000"), engine)
    t = time.monotonic()
    with pytest.raises(MPATimeoutError) as e:  # yes / no / no answer: the driver's one deadline
        await c.get("https://api.example.com/big")
    assert time.monotonic() - t < 2.5
    assert (e.value.code, e.value.approvals_received, e.value.threshold) == ("mpa-timeout", 1, 2)
    assert e.value.approval_request["request_id"]


async def test_post_webhook_is_bounded_by_the_actions_deadline():
    import asyncio
    import time

    from presidio_x402.mpa import post_webhook

    class Slow(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            await asyncio.sleep(10)
            return httpx.Response(200)

    now = int(time.time() * 1000)
    action = {"do": "post-webhook", "approver_id": "alice", "url": "https://approvals.example.com/alice", "body": "{}",
              "headers": {"content-type": "application/json", "x-mpa-request-id": "r"}, "deadline_ms": now + 300}
    t = time.monotonic()
    ev = await post_webhook(action, client=httpx.AsyncClient(transport=Slow()), resolver=public)
    assert time.monotonic() - t < 0.6
    assert ev == {"on": "webhook", "approver_id": "alice", "status": 0, "body": "", "hmac": None, "timed_out": True}
    late = dict(action, deadline_ms=now - 1)  # past its deadline: not even resolved
    assert (await post_webhook(late, resolver=private))["timed_out"] is True
    big = lambda r: httpx.Response(200, content=b"x" * 10_000)  # noqa: E731
    ev = await post_webhook(dict(action, deadline_ms=now + 5000),
                            client=httpx.AsyncClient(transport=httpx.MockTransport(big)),
                            resolver=public)
    assert ev["status"] == 200 and len(ev["body"]) == 4097  # capped: the core refuses more than 4 KiB


def crypto_engine():
    return MPAEngine(MPAConfig(threshold=2, min_amount_usd=1.0, approvers=[
        MPAApproverConfig("alice", mode="crypto", shared_secret=ALICE),
        MPAApproverConfig("bob", mode="crypto", shared_secret=BOB)]))


async def test_crypto_countersignatures_via_callable():
    async def approvers(req: ApprovalRequest):
        # What an approver does: HMAC-SHA256 over the canonical bytes.
        a = hmac.new(ALICE, req.canonical.encode(), hashlib.sha256).hexdigest()
        return {"alice": a, "bob": countersign(BOB, req)}

    c = client(Server(amount="5000000"), crypto_engine())
    assert (await c.get("https://api.example.com/big", mpa_signatures=approvers)).status_code == 200


async def test_crypto_wrong_or_replayed_signatures_are_denied():
    c = client(Server(amount="5000000"), crypto_engine())
    with pytest.raises(MPADeniedError) as e:
        await c.get("https://api.example.com/big", mpa_signatures={"alice": "00" * 32, "bob": "11" * 32})
    old = ApprovalRequest.from_canonical(e.value.approval_request["canonical"])
    sigs = {"alice": countersign(ALICE, old), "bob": countersign(BOB, old)}
    # Signatures over an earlier request never approve another one. A request's id is derived from
    # the purchase, its amount and the millisecond it was made (core `ApprovalRequest::new`): the same
    # purchase asked again within one millisecond is the same request, so the next one waits for the
    # clock to move (a fast machine made both in one millisecond once).
    await asyncio.sleep(0.005)
    with pytest.raises(MPADeniedError) as e2:
        await c.get("https://api.example.com/big", mpa_signatures=sigs)
    assert e2.value.approval_request["request_id"] != old.request_id


async def test_seed_style_precomputed_signatures_are_pre_approvals():
    from x402mock import PAY_TO, USDC_BASE_SEPOLIA

    from presidio_x402.mpa import preapprove

    def token(secret, amount="5000000", url="https://api.example.com/big", valid=300):
        return preapprove(secret, url=url, network="base-sepolia", asset=USDC_BASE_SEPOLIA, pay_to=PAY_TO,
                          amount_atomic=amount, valid_for_seconds=valid)

    c = client(Server(amount="5000000"), crypto_engine())
    # Signed before the request, passed as the seed's mpa_signatures dict.
    sigs = {"alice": token(ALICE), "bob": token(BOB)}
    assert (await c.get("https://api.example.com/big", mpa_signatures=sigs)).status_code == 200
    # They bind the amount and the URL, and they expire.
    c2 = client(Server(amount="5000001"), crypto_engine())
    with pytest.raises(MPADeniedError):
        await c2.get("https://api.example.com/big", mpa_signatures=sigs)
    c3 = client(Server(amount="5000000"), crypto_engine())
    with pytest.raises(MPADeniedError):
        await c3.get("https://api.example.com/other", mpa_signatures=sigs)
    with pytest.raises(MPADeniedError):
        await c3.get("https://api.example.com/big", mpa_signatures={"alice": token(ALICE, valid=-1), "bob": token(BOB)})
    with pytest.raises(MPADeniedError):  # valid for a day at most
        await c3.get("https://api.example.com/big",
                     mpa_signatures={"alice": token(ALICE, valid=86_401), "bob": token(BOB)})


async def test_mpa_config_validated_by_core():
    with pytest.raises(ValueError) as e:
        MPAConfig(threshold=3, approvers=[MPAApproverConfig("a", mode="crypto", shared_secret=b"tiny")])
    assert "mpa.threshold" in str(e.value) and "tiny" not in str(e.value)
    shown = repr(MPAApproverConfig("a", mode="crypto", shared_secret=ALICE))
    assert "secret" not in shown.lower().replace("shared_secret", "")


async def test_metrics_follow_the_core():
    from prometheus_client import CollectorRegistry

    from presidio_x402 import PolicyViolationError, ReplayDetectedError
    from presidio_x402.metrics import MetricsCollector

    reg = CollectorRegistry()
    m = MetricsCollector(registry=reg)
    s = Server(amount="10000", description="mail alice@example.com")
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(), metrics_collector=m,
                           policy={"max_per_call_usd": 0.05})
    await c.get("https://api.example.com/a")
    with pytest.raises(ReplayDetectedError):
        await c.get("https://api.example.com/a")
    s.amount = "60000"
    with pytest.raises(PolicyViolationError):
        await c.get("https://api.example.com/b")
    def v(name, **labels):
        return reg.get_sample_value(name, labels) or 0.0
    assert v("x402_payments_total", outcome="allowed", network="eip155:84532") == 1
    assert v("x402_payments_total", outcome="settled", network="eip155:84532") == 1
    assert v("x402_payments_total", outcome="blocked", network="eip155:84532") == 2
    assert v("x402_replay_detections_total") == 1
    assert v("x402_policy_violations_total", limit_type="per_call") == 1
    assert v("x402_pii_detections_total", entity_type="EMAIL_ADDRESS", action="redact") >= 1
    assert v("x402_payment_amount_usd_count", network="eip155:84532") == 1


def test_metrics_are_the_cores_table():
    from prometheus_client import CollectorRegistry

    from presidio_x402._core import metric_table
    from presidio_x402.metrics import MetricsCollector

    reg = CollectorRegistry()
    MetricsCollector(registry=reg)
    got = {m.name: m for m in reg.collect()}
    for t in metric_table():
        name = t["name"][:-len("_total")] if t["name"].endswith("_total") else t["name"]  # prometheus drops _total
        m = got[name]
        assert (m.type, m.documentation) == (t["type"], t["help"])
    m = MetricsCollector(registry=reg)
    m.apply([{"name": "x402_payment_amount_usd", "labels": {"network": "eip155:8453"}, "observe": "0.05"},
             {"name": "x402_mpa_events_total", "labels": {"event": "requested"}, "observe": None}])
    buckets = {s.labels["le"] for s in reg.collect() for s in s.samples if s.name == "x402_payment_amount_usd_bucket"}
    hist = next(t for t in metric_table() if t["type"] == "histogram")
    assert buckets == {str(float(b)) for b in hist["buckets"]} | {"+Inf"}
    assert reg.get_sample_value("x402_mpa_events_total", {"event": "requested"}) == 1
    assert reg.get_sample_value("x402_payment_amount_usd_bucket", {"network": "eip155:8453", "le": "0.1"}) == 1


def test_metrics_noop_without_prometheus(monkeypatch):
    import presidio_x402.metrics as mm

    monkeypatch.setattr(mm, "_PROM_AVAILABLE", False)
    m = mm.MetricsCollector()
    m.apply('[{"name":"x402_payments_total","labels":{},"observe":null}]')
    m.record_payment_allowed(0.1)
    assert not m.available
