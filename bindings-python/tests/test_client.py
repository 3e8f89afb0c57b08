"""Real-format v1 and v2 402 flows through HardenedX402Client."""

import base64
import json

import httpx
import pytest
from x402mock import PAY_TO, RecordingSigner, Server, details_payload, unb64

from presidio_x402 import (
    HardenedX402Client,
    PIIBlockedError,
    PolicyConfig,
    PolicyViolationError,
    ReplayDetectedError,
    X402PaymentError,
    verify_chain,
)
from presidio_x402.stores import MemoryStore

KEY = bytes.fromhex("61" * 32)


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def make(server, signer=None, **kw):
    w = Lines()
    c = HardenedX402Client(payment_signer=signer or RecordingSigner(), httpx_client=server.client(), audit_writer=w,
                           **kw)
    return c, w


async def test_v1_allowed_pays_with_x_payment_and_settles():
    s, signer = Server(version=1, amount="10000"), RecordingSigner()
    c, w = make(s, signer, policy={"max_per_call_usd": 0.10, "daily_limit_usd": 5.0})
    r = await c.get("https://api.example.com/premium-data")
    assert r.status_code == 200 and r.json() == {"data": "premium"}
    assert "X-PAYMENT" in s.requests[-1].headers and "PAYMENT-SIGNATURE" not in s.requests[-1].headers
    d = signer.calls[0]
    assert (d.x402_version, d.amount_atomic, d.amount, d.network, d.pay_to) == (
        1, "10000", "0.01", "eip155:84532", PAY_TO)
    assert d.requirements["maxAmountRequired"] == "10000" and d.requirements["network"] == "base-sepolia"
    p = s.payments[0]
    assert p["x402Version"] == 1 and p["scheme"] == "exact" and p["network"] == "base-sepolia"
    assert r.extensions["presidio_x402"]["settled"] is True
    assert r.extensions["presidio_x402"]["settlement"]["success"] is True
    events = [json.loads(ln)["event_type"] for ln in w.lines]
    assert events == ["payment_allowed", "payment_settled"]
    assert verify_chain(w.lines, KEY).ok
    await c.aclose()


async def test_v2_allowed_pays_with_payment_signature_and_echoes_resource():
    s, signer = Server(version=2, amount="1000"), RecordingSigner()
    c, w = make(s, signer)
    r = await c.get("http://127.0.0.1:4021/weather")
    assert r.status_code == 200
    req = s.requests[-1]
    assert "PAYMENT-SIGNATURE" in req.headers and "X-PAYMENT" not in req.headers
    p = unb64(req.headers["PAYMENT-SIGNATURE"])
    assert p["x402Version"] == 2 and p["accepted"]["amount"] == "1000"
    assert p["resource"]["url"] == "http://127.0.0.1:4021/weather"
    assert signer.calls[0].amount == "0.001" and signer.calls[0].x402_version == 2
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "settled"]


@pytest.mark.parametrize("version", [1, 2])
async def test_atomic_units_are_priced_exactly(version):
    # 100000 atomic USDC = $0.10 exactly: allowed at a $0.10 limit; 100001 is over.
    s, signer = Server(version=version, amount="100000"), RecordingSigner()
    c, _ = make(s, signer, policy={"max_per_call_usd": 0.10})
    assert (await c.get("https://api.example.com/a")).status_code == 200
    s.amount = "100001"
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/b")
    assert e.value.code == "policy-per-call-exceeded"
    assert e.value.amount_usd_exact == "0.100001" and e.value.limit_usd_exact == "0.1"
    assert e.value.limit_usd == pytest.approx(0.1)
    assert len(signer.calls) == 1  # never signed


async def test_daily_window_limit():
    s = Server(amount="30000")  # $0.03
    c, _ = make(s, policy=PolicyConfig(max_per_call_usd=1, daily_limit_usd=0.05))
    await c.get("https://api.example.com/1")
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/2")
    assert e.value.code == "policy-window-exceeded"


@pytest.mark.parametrize("url,counted", [
    ("https://PREMIUM-API.io/x", True),
    ("https://premium-api.io:443/y", True),
    ("https://premium-api.io.evil.com/x", False),
    ("https://premium-api.iox/x", False),
])
async def test_endpoint_matching(url, counted):
    s = Server(amount="20000")  # $0.02
    c, _ = make(s,
                policy={"max_per_call_usd": 1, "daily_limit_usd": 10, "per_endpoint": {"https://premium-api.io": 0.03}})
    await c.get("https://premium-api.io/first")  # $0.02 of the $0.03 endpoint budget
    if counted:
        with pytest.raises(PolicyViolationError) as e:
            await c.get(url)
        assert e.value.code == "policy-endpoint-exceeded"
    else:
        assert (await c.get(url)).status_code == 200


@pytest.mark.parametrize("url,counted",
                         [("https://api.example.com/paid/x", True), ("https://api.example.com/paidx", False)])
async def test_endpoint_path_prefix_ends_on_slash(url, counted):
    s = Server(amount="20000")
    c, _ = make(s, policy={"per_endpoint": {"https://api.example.com/paid": 0.03}})
    await c.get("https://api.example.com/paid/first")
    if counted:
        with pytest.raises(PolicyViolationError):
            await c.get(url)
    else:
        assert (await c.get(url)).status_code == 200


async def test_signer_failure_releases_the_spend_and_the_fingerprint():
    s = Server(amount="10000")
    bad = RecordingSigner(fail=True)
    store = MemoryStore()
    c, w = make(s, bad, policy={"daily_limit_usd": 0.01}, store=store)
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "signer-failed"
    assert "hardware wallet" not in str(e.value)
    c._signer = RecordingSigner()
    r = await c.get("https://api.example.com/r")  # same purchase: not a replay, budget not double-counted
    assert r.status_code == 200
    assert [json.loads(ln)["event_type"] for ln in w.lines] == [
        "payment_allowed", "payment_failed", "payment_allowed", "payment_settled"]
    assert json.loads(w.lines[1])["code"] == "signer-failed"


async def test_settlement_failure_keeps_the_spend_counted():
    # The signed authorization left the process: the server can still settle it, so its
    # spend and fingerprint stay (core/src/driver/settlement.rs); the response comes back.
    s = Server(amount="10000", settle_ok=False)
    c, w = make(s, policy={"daily_limit_usd": 0.02})
    r = await c.get("https://api.example.com/r")
    assert r.status_code == 402
    ext = r.extensions["presidio_x402"]
    assert (ext["settled"], ext["outcome"], ext["code"]) == (False, "failed-after-send", "settlement-failed")
    assert ext["settlement"]["success"] is False
    s.settle_ok = True
    with pytest.raises(ReplayDetectedError):  # the same purchase is not paid twice
        await c.get("https://api.example.com/r")
    assert (await c.get("https://api.example.com/r2")).status_code == 200  # $0.01 + $0.01 of $0.02
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/r3")
    assert e.value.code == "policy-window-exceeded"
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "failed-after-send", "blocked", "allowed",
                                                           "settled", "blocked"]


async def test_2xx_without_settlement_header_commits_as_unknown():
    def handler(request):
        if request.headers.get("X-PAYMENT"):
            return httpx.Response(200, json={"data": "premium"})
        return Server(amount="10000").handler(request)

    w = Lines()
    c = HardenedX402Client(payment_signer=RecordingSigner(),
                           httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
                           audit_writer=w, policy={"daily_limit_usd": 0.01})
    r = await c.get("https://api.example.com/r")
    assert r.status_code == 200
    ext = r.extensions["presidio_x402"]
    assert (ext["settled"], ext["outcome"], ext["allowed"]) == (False, "unknown", True)
    with pytest.raises(PolicyViolationError):  # committed
        await c.get("https://api.example.com/r2")
    assert [json.loads(ln)["outcome"] for ln in w.lines][:2] == ["allowed", "unknown"]


@pytest.mark.parametrize("error,sent", [(httpx.ConnectError("refused"), False), (httpx.ReadTimeout("slow"), True),
                                        (httpx.RemoteProtocolError("reset"), True)])
async def test_network_error_after_signing(error, sent):
    """Only an error before anything was sent releases; otherwise the spend stays."""
    s = Server(amount="10000")
    fail = [True]

    def handler(request):
        if request.headers.get("X-PAYMENT") and fail[0]:
            raise error
        return s.handler(request)

    c = HardenedX402Client(payment_signer=RecordingSigner(),
                           httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
                           policy={"daily_limit_usd": 0.01})
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "settlement-failed" and e.value.__cause__ is error
    fail[0] = False
    if sent:
        with pytest.raises(PolicyViolationError):  # the same purchase: over the window (held), never paid twice
            await c.get("https://api.example.com/r")
    else:
        assert (await c.get("https://api.example.com/r")).status_code == 200  # released: a retry pays


async def test_paid_request_is_the_drivers_and_never_follows_redirects():
    seen = []

    def handler(request):
        seen.append((request.method, str(request.url), request.headers.get("X-PAYMENT") is not None,
                     request.headers.get("X-Trace")))
        if request.headers.get("X-PAYMENT"):
            return httpx.Response(302, headers={"Location": "https://evil.example.com/"})
        return Server(amount="10000").handler(request)

    c = HardenedX402Client(payment_signer=RecordingSigner(),
                           httpx_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)))
    r = await c.post("https://api.example.com/r", params={"q": "1"}, headers={"X-Trace": "t"}, follow_redirects=True)
    assert r.status_code == 302 and r.extensions["presidio_x402"]["outcome"] == "failed-after-send"
    assert seen == [("POST", "https://api.example.com/r?q=1", False, "t"),
                    ("POST", "https://api.example.com/r?q=1", True, "t")]


async def test_replay_after_success_and_case_variants():
    s = Server(amount="10000")
    c, _ = make(s)
    await c.get("https://api.example.com/r")
    with pytest.raises(ReplayDetectedError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "replay-detected" and len(e.value.fingerprint) == 64
    s.pay_to = PAY_TO.lower()  # payTo case variant: the same payment
    with pytest.raises(ReplayDetectedError):
        await c.get("https://API.EXAMPLE.com:443/r")  # host case and default port: the same URL
    s.amount = "10001"  # the same request quoted again at another price: the same purchase
    with pytest.raises(ReplayDetectedError):
        await c.get("https://api.example.com/r")
    # The caller's idempotency key names another purchase of the same request.
    assert (await c.get("https://api.example.com/r", headers={"Idempotency-Key": "order-2"})).status_code == 200
    with pytest.raises(ReplayDetectedError):
        await c.get("https://api.example.com/r", headers={"Idempotency-Key": "order-2"})


async def test_post_bodies_name_the_purchase():
    s = Server(amount="10000")
    c, w = make(s)
    assert (await c.post("https://api.example.com/q", json={"city": "Paris"})).status_code == 200
    assert (await c.post("https://api.example.com/q", json={"city": "Rome"})).status_code == 200  # another body
    with pytest.raises(ReplayDetectedError):
        await c.post("https://api.example.com/q", json={"city": "Paris"})
    assert len(s.payments) == 2
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "settled", "allowed", "settled", "blocked"]


async def test_pii_redact_signer_sees_redacted_fields_v1():
    s = Server(version=1, description="Report for alice@example.com")
    signer = RecordingSigner()
    c, w = make(s, signer, pii_action="redact")
    await c.get("https://api.example.com/report?email=alice@example.com", payment_reason="for Bob, ssn 536-22-1234")
    d = signer.calls[0]
    for f in (d.resource_url, d.description, d.reason, d.request_url, json.dumps(d.requirements)):
        assert "alice@example.com" not in f and "536-22-1234" not in f
    assert "<REDACTED>" in d.description and "<REDACTED>" in d.resource_url
    for line in w.lines:
        assert "alice@example.com" not in line
        assert "EMAIL_ADDRESS" in json.loads(line)["pii_entities_found"]


async def test_pii_redact_v2_resource_echo_is_redacted():
    s = Server(version=2, description="Weather for alice@example.com")
    c, _ = make(s)
    await c.get("https://api.example.com/w?u=alice@example.com")
    p = s.payments[0]
    assert "alice@example.com" not in json.dumps(p)
    assert p["accepted"]["amount"] == "10000"


async def test_pii_block_raises_with_entities_and_never_signs():
    s = Server(description="Report for alice@example.com")
    signer = RecordingSigner()
    c, w = make(s, signer, pii_action="block")
    with pytest.raises(PIIBlockedError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "pii-blocked" and "EMAIL_ADDRESS" in e.value.entities
    assert signer.calls == [] and json.loads(w.lines[0])["outcome"] == "blocked"


async def test_pii_warn_passes_text_unchanged():
    s = Server(description="Report for alice@example.com")
    signer = RecordingSigner()
    c, w = make(s, signer, pii_action="warn")
    await c.get("https://api.example.com/r")
    assert signer.calls[0].description == "Report for alice@example.com"
    assert "alice@example.com" not in "".join(w.lines)


async def test_untrusted_asset_and_malformed_amount_fail_closed():
    s = Server(challenge=lambda r: (1,
                                    {"x402Version": 1,
                                     "accepts": [dict(__import__("x402mock").v1_offer(str(r.url)),
                                                      asset="0x" + "99" * 20)]}))
    c, _ = make(s)
    with pytest.raises(PolicyViolationError) as e:  # a code with a policy limit type (the core's error table)
        await c.get("https://api.example.com/r")
    assert e.value.code == "asset-untrusted"
    s2 = Server(amount="1e3")
    c2, _ = make(s2)
    with pytest.raises(X402PaymentError) as e:
        await c2.get("https://api.example.com/r")
    assert e.value.code == "amount-malformed"


async def test_trusted_wallets_seed_dict_form():
    s = Server()
    c, _ = make(s, trusted_wallets={"https://api.example.com": {"0x" + "33" * 20}})
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "wallet-not-trusted"


async def test_non_402_passes_through_and_context_manager():
    t = httpx.MockTransport(lambda r: httpx.Response(200, text="free"))
    async with HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=httpx.AsyncClient(transport=t)) as c:
        for m in (c.get, c.post, c.put, c.patch, c.delete):
            assert (await m("https://api.example.com/x")).text == "free"
        assert (await c.request("HEAD", "https://api.example.com/x")).status_code == 200


async def test_missing_challenge_is_refused_with_a_code():
    t = httpx.MockTransport(lambda r: httpx.Response(402))
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=httpx.AsyncClient(transport=t))
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/x")
    assert e.value.code == "challenge-missing"


async def test_signer_forms_callable_string_and_payment_response():
    from presidio_x402 import PaymentResponse

    s = Server(version=2)

    async def as_callable(details):
        token = base64.b64encode(json.dumps({"x402Version": 2, "payload": details_payload(details)}).encode()).decode()
        return PaymentResponse(token=token, details=details)

    c, _ = make(s, as_callable)
    r = await c.get("https://api.example.com/a")
    # The header value is the driver's: the signer's PaymentPayload with the redacted resource echo.
    sent = unb64(s.requests[-1].headers["PAYMENT-SIGNATURE"])
    assert r.status_code == 200 and sent["resource"] == s.payments[0]["resource"] and sent["x402Version"] == 2
    assert s.payments[0]["resource"]["url"] == "https://api.example.com/a"


@pytest.mark.parametrize("field,value,code", [
    ("to", "0x" + "33" * 20, "payload-mismatch"),
    ("value", "20000", "payload-mismatch"),
    ("validBefore", "99999999999", "payload-expiry-too-long"),
    ("nonce", "0x1", "payload-malformed"),
])
async def test_a_tampering_signer_is_refused_before_anything_is_sent(field, value, code):
    from prometheus_client import CollectorRegistry

    from presidio_x402.metrics import MetricsCollector

    s = Server(amount="10000")
    reg = CollectorRegistry()

    def tamper(details):
        p = details_payload(details)
        p["authorization"][field] = value
        return p

    c, w = make(s, tamper, policy={"daily_limit_usd": 0.01}, metrics_collector=MetricsCollector(registry=reg))
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == code and s.payments == [] and len(s.requests) == 1  # only the 402: nothing sent
    lines = [json.loads(x) for x in w.lines]
    assert [x["outcome"] for x in lines] == ["allowed", "failed"] and lines[-1]["code"] == code
    assert reg.get_sample_value("x402_payload_refusals_total", {"code": code, "field": f"authorization.{field}"}) == 1
    c._signer = RecordingSigner()
    assert (await c.get("https://api.example.com/r")).status_code == 200  # released: neither a replay nor over budget


async def test_the_opaque_opt_out_sends_a_payload_the_guard_cannot_read():
    s = Server(version=2, amount="10000")

    def opaque(details):
        return {"token": "remote-signer-envelope"}

    c, _ = make(s, opaque)
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "payload-malformed" and s.payments == []
    c, _ = make(s, opaque, policy={"payload": {"check": "opaque"}})
    assert (await c.get("https://api.example.com/r")).status_code == 200
    assert unb64(s.requests[-1].headers["PAYMENT-SIGNATURE"])["payload"] == {"token": "remote-signer-envelope"}


@pytest.mark.parametrize("out", [None, "", "not base64!", "bm90IGpzb24=", b"W10=", 42])
async def test_a_signer_without_a_payment_is_signer_failed_and_releases(out):
    s = Server(amount="10000")

    def signer(details):
        return out

    c, _w = make(s, signer, policy={"daily_limit_usd": 0.01})
    with pytest.raises(X402PaymentError) as e:
        await c.get("https://api.example.com/r")
    assert e.value.code == "signer-failed" and s.payments == []
    c._signer = RecordingSigner()
    assert (await c.get("https://api.example.com/r")).status_code == 200  # released: neither a replay nor over budget


async def test_keys_never_in_repr():
    c, _ = make(Server(), audit_key=KEY, replay_key=bytes.fromhex("62" * 32))
    text = repr(c) + repr(c.guard) + repr(c.audit_log) + repr(c.guard.audit._key)
    assert "61" * 8 not in text and "62" * 8 not in text
