"""The hook integration against the real PyPI `x402` client, signing with an eth-account key."""

import json

import httpx
import pytest
from eth_account import Account
from x402 import x402Client
from x402.http import x402HTTPClient
from x402.http.clients.httpx import PaymentError, x402AsyncTransport
from x402.mechanisms.evm.exact import register_exact_evm_client
from x402mock import PAY_TO, Server

from presidio_x402 import PolicyViolationError, ReplayDetectedError, verify_chain
from presidio_x402.integrations.x402 import harden

KEY = "0x" + "4c" * 32
CHAIN = "61" * 32


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def setup(server, http_level=True, **opts):
    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    w = Lines()
    guard = harden(http if http_level else client, audit_writer=w, **opts)
    transport = x402AsyncTransport(http, transport=httpx.MockTransport(server.handler))
    return httpx.AsyncClient(transport=transport), w, guard


async def test_v2_allowed_signed_with_eth_account_and_settled():
    s = Server(version=2, amount="1000", description="Weather for alice@example.com")
    c, w, _guard = setup(s, policy={"max_per_call_usd": 0.10})
    r = await c.get("https://api.example.com/weather?user=alice@example.com")
    assert r.status_code == 200
    p = s.payments[0]
    assert p["x402Version"] == 2 and p["accepted"]["amount"] == "1000"
    auth = p["payload"]["authorization"]
    assert auth["from"].lower() == Account.from_key(KEY).address.lower() and auth["value"] == "1000"
    assert auth["to"].lower() == PAY_TO.lower()
    assert "alice@example.com" not in json.dumps(p["resource"])  # the echo was redacted
    assert [json.loads(ln)["event_type"] for ln in w.lines] == ["payment_allowed", "payment_settled"]
    assert json.loads(w.lines[0])["resource_url"].startswith("https://api.example.com/weather")  # the real URL
    assert verify_chain(w.lines, CHAIN).ok


async def test_v2_policy_block_aborts_before_signing():
    s = Server(version=2, amount="200000")  # $0.20
    c, w, _ = setup(s, policy={"max_per_call_usd": 0.10})
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/weather")
    # The hook raised the seed exception of the refusal's family: the client aborted; it reaches the caller as is.
    assert isinstance(e.value, PolicyViolationError) and e.value.code == "policy-per-call-exceeded"
    assert "policy-per-call-exceeded" in repr(e.value)
    assert s.payments == []
    assert json.loads(w.lines[0])["code"] == "policy-per-call-exceeded"


async def test_v2_failed_settlement_keeps_the_spend_and_replay_aborts():
    s = Server(version=2, amount="1000", settle_ok=False)
    c, w, _ = setup(s, policy={"daily_limit_usd": 0.002})
    r = await c.get("https://api.example.com/w")  # the transport saw a 402 with success:false
    assert r.status_code == 402
    s.settle_ok = True
    with pytest.raises(Exception) as e:  # the authorization left: the same purchase is a replay
        await c.get("https://api.example.com/w")
    assert isinstance(e.value, ReplayDetectedError)
    assert (await c.get("https://api.example.com/w2")).status_code == 200  # $0.001 + $0.001 of $0.002
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/w3")
    assert e.value.code == "policy-window-exceeded"
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "failed-after-send", "blocked", "allowed",
                                                           "settled", "blocked"]
    assert verify_chain(w.lines, CHAIN).ok


async def test_v1_paid_response_is_observed_through_the_http_client():
    s = Server(version=1, amount="10000")
    c, w, _ = setup(s, policy={"daily_limit_usd": 0.02})
    assert (await c.get("https://api.example.com/premium-data")).status_code == 200
    # Nothing is committed at payload creation: the X-PAYMENT-RESPONSE the transport saw settles it.
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "settled"]


class BrokenSigner:
    """An EVM signer whose device is gone: the client's payload creation fails."""

    address = Account.from_key(KEY).address

    def sign_typed_data(self, *a, **kw):
        raise RuntimeError("hardware wallet unplugged")


async def test_a_signer_failure_releases():
    s = Server(version=2, amount="1000")
    client = x402Client()
    register_exact_evm_client(client, BrokenSigner())
    http = x402HTTPClient(client)
    w = Lines()
    harden(http, audit_writer=w, policy={"daily_limit_usd": 0.001})
    c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=httpx.MockTransport(s.handler)))
    with pytest.raises(PaymentError, match="hardware wallet unplugged"):
        await c.get("https://api.example.com/w")
    assert s.payments == []
    assert [(json.loads(ln)["outcome"], json.loads(ln).get("code")) for ln in w.lines] == [
        ("allowed", None), ("failed", "signer-failed")]


async def test_a_payment_another_hook_aborted_is_released():
    from x402 import AbortResult

    s = Server(version=2, amount="1000")
    c, w, _guard = setup(s, policy={"daily_limit_usd": 0.001})
    veto = [True]
    guard_client = c._transport._client  # the x402HTTPClient

    def later_hook(ctx):  # registered after ours: it aborts a payment our hook let through
        return AbortResult(reason="agent-veto") if veto[0] else None

    guard_client._client.on_before_payment_creation(later_hook)
    with pytest.raises(PaymentError, match="agent-veto"):
        await c.get("https://api.example.com/w")
    assert s.payments == []
    veto[0] = False
    # The next payment's first hook answers the abandoned one `signer-failed`: released, so
    # the same purchase is neither a replay nor over the $0.001 budget.
    assert (await c.get("https://api.example.com/w")).status_code == 200
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "failed", "allowed", "settled"]


async def test_a_paid_response_never_reported_is_unobserved(monkeypatch):
    import presidio_x402.integrations.x402 as integ

    monkeypatch.setattr(integ, "UNOBSERVED_AFTER_S", 0.0)
    s = Server(version=2, amount="1000")
    reset = [True]

    def handler(request):
        if request.headers.get("PAYMENT-SIGNATURE") and reset[0]:
            raise httpx.RemoteProtocolError("connection reset")  # the transport never reports a response
        return s.handler(request)

    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    w = Lines()
    harden(http, audit_writer=w, policy={"daily_limit_usd": 0.002})
    c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=httpx.MockTransport(handler)))
    with pytest.raises(PaymentError, match="connection reset"):
        await c.get("https://api.example.com/w")
    reset[0] = False
    with pytest.raises(Exception) as e:  # the signed authorization may have left: its spend stays, never paid twice
        await c.get("https://api.example.com/w")
    assert isinstance(e.value, ReplayDetectedError)
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "unknown", "blocked"]


async def test_plain_x402client_refuses_without_the_real_url():
    # Without the HTTP client's hook the real request URL is unknown: the server's claimed
    # resource is not trusted, the core refuses it (url-invalid) before anything is signed, and says so in the log.
    s = Server(version=1, amount="10000")
    c, w, _ = setup(s, http_level=False, policy={"daily_limit_usd": 0.01})
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/premium-data")
    assert e.value.code == "url-invalid"
    assert s.payments == []
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["blocked"]
    assert json.loads(w.lines[0])["code"] == "url-invalid"


async def test_capped_transport_gives_the_guard_the_method_and_body_of_each_purchase():
    from presidio_x402.integrations.x402 import CappedTransport

    s = Server(version=2, amount="1000")
    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    w = Lines()
    guard = harden(http, audit_writer=w, policy={"daily_limit_usd": 1.0})
    inner = CappedTransport(httpx.MockTransport(s.handler), guard)
    c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=inner))
    assert (await c.post("https://api.example.com/q", json={"city": "Paris"})).status_code == 200
    assert (await c.post("https://api.example.com/q", json={"city": "Rome"})).status_code == 200  # another purchase
    with pytest.raises(Exception) as e:
        await c.post("https://api.example.com/q", json={"city": "Paris"})
    assert isinstance(e.value, ReplayDetectedError)
    assert len(s.payments) == 2
    assert [json.loads(ln)["outcome"] for ln in w.lines] == ["allowed", "settled", "allowed", "settled", "blocked"]


class Tampering:
    """A compromised scheme client: it signs a real EIP-3009 authorization, but for other
    requirements than the ones the client selected (and the guard approved)."""

    def __init__(self, inner, **changes):
        self.inner, self.changes = inner, changes
        self.scheme = inner.scheme

    def create_payment_payload(self, requirements, *a, **kw):
        return self.inner.create_payment_payload(requirements.model_copy(update=self.changes), *a, **kw)

    def __getattr__(self, k):
        return getattr(self.inner, k)


@pytest.mark.parametrize("changes,field", [({"pay_to": "0x" + "33" * 20}, "authorization.to"),
                                           ({"amount": "2000"}, "authorization.value"),
                                           ({"max_timeout_seconds": 86400}, "authorization.validBefore")])
async def test_a_tampering_signer_is_refused_by_the_core_and_nothing_is_sent(changes, field):
    from x402.mechanisms.evm.exact.client import ExactEvmScheme

    s = Server(version=2, amount="1000")
    client = x402Client()
    client.register("eip155:*", Tampering(ExactEvmScheme(Account.from_key(KEY)), **changes))
    http = x402HTTPClient(client)
    w = Lines()
    harden(http, audit_writer=w, policy={"daily_limit_usd": 0.001})
    c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=httpx.MockTransport(s.handler)))
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/weather")
    code = "payload-expiry-too-long" if field.endswith("validBefore") else "payload-mismatch"
    assert getattr(e.value, "code", None) == code, repr(e.value)
    assert s.payments == []  # refused before the paid request: nothing left
    lines = [json.loads(x) for x in w.lines]
    assert [x["outcome"] for x in lines] == ["allowed", "failed"] and lines[-1]["code"] == code


# ---- the official client's own spend controls (issue 17 item 3) ------------------------------------------

async def test_a_default_client_routes_a_2_dollar_payment_through_the_guard():
    # x402 >= 2.25 caps a payment at $1 on known stablecoins before any hook; hardened, the guard's policy rules.
    s = Server(version=2, amount="2000000")  # $2.00 USDC
    c, w, _ = setup(s, policy={"max_per_call_usd": 5})
    r = await c.get("https://api.example.com/weather")
    assert r.status_code == 200 and s.payments[0]["accepted"]["amount"] == "2000000"
    assert [json.loads(line)["event_type"] for line in w.lines] == ["payment_allowed", "payment_settled"]


async def test_a_default_client_payment_the_policy_refuses_is_refused_by_the_guard_and_audited():
    s = Server(version=2, amount="6000000")  # $6.00
    c, w, _ = setup(s, policy={"max_per_call_usd": 5})
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/weather")
    assert isinstance(e.value, PolicyViolationError) and e.value.code == "policy-per-call-exceeded"
    assert s.payments == []
    assert json.loads(w.lines[0])["code"] == "policy-per-call-exceeded"


def _client_with(controls):
    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    if controls is not None:
        client.set_spend_controls(controls)
    return client


def test_controls_the_caller_set_are_refused_at_harden_time_unless_kept():
    from presidio_x402.x402_policy_schema import PolicyValidationError

    client = _client_with({"max_amount_per_payment": "$0.50"})
    with pytest.raises(PolicyValidationError) as e:
        harden(x402HTTPClient(client), audit_writer=Lines())
    assert e.value.code == "config-client-spend-controls"
    assert client._spend_controls == {"max_amount_per_payment": "$0.50"}  # untouched
    harden(x402HTTPClient(client), audit_writer=Lines(), sdk_spend_controls="keep")
    assert client._spend_controls == {"max_amount_per_payment": "$0.50"}
    with pytest.raises(PolicyValidationError) as e:
        harden(x402HTTPClient(_client_with(None)), audit_writer=Lines(), sdk_spend_controls="maybe")
    assert e.value.code == "config-bad-type"


def test_default_and_disabled_controls_end_switched_off():
    for controls in (None, False):
        client = _client_with(controls)
        harden(x402HTTPClient(client), audit_writer=Lines())
        assert client._spend_controls is False


def _declaring(request):
    """A v2 challenge that declares payment-identifier, as PyPI x402's server helper makes it."""
    from x402.extensions.payment_identifier import PAYMENT_IDENTIFIER, declare_payment_identifier_extension
    from x402mock import v2_required

    return 2, dict(v2_required(str(request.url)),
                   extensions={PAYMENT_IDENTIFIER: declare_payment_identifier_extension(True)})


async def test_payment_identifier_sent_audited_and_a_recovered_retry_is_the_same_purchase():
    from x402.extensions.payment_identifier import extract_payment_identifier
    from x402.schemas import PaymentPayload
    from x402.schemas.hooks import RecoveredResponseResult

    s = Server(version=2, challenge=_declaring)
    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    w = Lines()
    harden(http, audit_writer=w, policy={"max_per_call_usd": 0.10})
    recoveries = []

    async def recover(ctx):
        recoveries.append(1)
        return RecoveredResponseResult() if len(recoveries) == 1 else None

    client.on_payment_response(recover)  # after the guard's own hook, as a user's would be
    c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=httpx.MockTransport(s.handler)))
    with pytest.raises(Exception) as e:
        await c.get("https://api.example.com/once")
    assert "replay-detected" in repr(e.value)
    assert len(recoveries) == 1, "the client asked for a retry once"
    assert len(s.payments) == 1, "one payment left: the retry was refused before signing"
    pid = extract_payment_identifier(PaymentPayload.model_validate(s.payments[0]))
    assert pid and pid.startswith("pay_") and len(pid) == 32
    assert s.payments[0]["extensions"]["payment-identifier"]["info"]["required"] is True
    lines = [json.loads(line) for line in w.lines]
    assert [e["outcome"] for e in lines] == ["allowed", "settled", "blocked"]
    assert [e.get("payment_id") for e in lines] == [pid, pid, pid], "the retry was begun as the same purchase"
    assert lines[2]["code"] == "replay-detected"
    assert verify_chain(w.lines, CHAIN).ok


async def test_payment_identifier_absent_when_not_declared_and_new_per_purchase():
    s = Server(version=2, challenge=_declaring)
    c, _w, _ = setup(s, policy={"max_per_call_usd": 0.10})
    for q in ("a", "b"):
        assert (await c.get(f"https://api.example.com/once?{q}")).status_code == 200
    ids = [p["extensions"]["payment-identifier"]["info"]["id"] for p in s.payments]
    assert ids[0] != ids[1]
    plain = Server(version=2, amount="1000")
    c2, w2, _ = setup(plain, policy={"max_per_call_usd": 0.10})
    assert (await c2.get("https://api.example.com/weather")).status_code == 200
    assert "payment-identifier" not in (plain.payments[0].get("extensions") or {})
    assert all("payment_id" not in json.loads(line) for line in w2.lines)


# ---- codes survive every path (issue 22 item 1): the caller of httpx gets the seed exception as it is ----------

class _FailingWriter:
    def write(self, ev):
        raise OSError("disk full")


def _mpa_engine(answer):
    import asyncio

    from presidio_x402.mpa import MPAApproverConfig, MPAConfig, MPAEngine

    async def public(host, port):
        return ["93.184.216.34"]

    class Approver(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request):
            if answer == "slow":
                await asyncio.sleep(5)
            req = json.loads(request.content)
            return httpx.Response(200, json={"approved": answer == "yes", "request_id": req["request_id"]})

    cfg = MPAConfig(threshold=1, min_amount_usd=1, timeout_seconds=1, approvers=[
        MPAApproverConfig("alice", mode="webhook", webhook_url="https://approvals.example.com/alice")])
    return MPAEngine(cfg, httpx_client=httpx.AsyncClient(transport=Approver()), resolver=public)


async def test_every_error_family_reaches_the_caller_as_the_seed_exception_with_code_description_and_audit_line():
    from x402.mechanisms.evm.exact.client import ExactEvmScheme

    from presidio_x402 import (
        MPADeniedError,
        MPATimeoutError,
        PIIBlockedError,
        StoreUnavailableError,
        X402PaymentError,
    )
    from presidio_x402._core import error_table
    from presidio_x402.x402_policy_schema import PolicyValidationError

    table = {r["code"]: r for r in error_table()}
    cases = [
        # family, class, code, harden options, server, pay first, scheme
        ("pii-blocked", PIIBlockedError, "pii-blocked", {"pii_action": "block"},
         Server(version=2, amount="1000", description="Weather for alice.smith@example.com"), False, None),
        ("policy-violation", PolicyViolationError, "policy-per-call-exceeded", {"policy": {"max_per_call_usd": 0.10}},
         Server(version=2, amount="200000"), False, None),
        ("replay-detected", ReplayDetectedError, "replay-detected", {}, Server(version=2, amount="1000"), True, None),
        ("mpa-denied", MPADeniedError, "mpa-denied", {"policy": {"max_per_call_usd": 10},
                                                      "mpa_engine": _mpa_engine("no")},
         Server(version=2, amount="2000000"), False, None),
        ("mpa-timeout", MPATimeoutError, "mpa-timeout", {"policy": {"max_per_call_usd": 10},
                                                         "mpa_engine": _mpa_engine("slow")},
         Server(version=2, amount="2000000"), False, None),
        ("store-unavailable", StoreUnavailableError, "store-unavailable", {"audit_writer": _FailingWriter()},
         Server(version=2, amount="1000"), False, None),
        ("payment", X402PaymentError, "payload-mismatch", {}, Server(version=2, amount="1000"), False,
         Tampering(ExactEvmScheme(Account.from_key(KEY)), amount="2000")),
    ]
    families = {r["family"] for r in table.values()}
    for family, cls, code, opts, server, pay_first, scheme in cases:
        families.discard(family)
        client = x402Client()
        if scheme is not None:
            client.register("eip155:*", scheme)
        else:
            register_exact_evm_client(client, Account.from_key(KEY))
        http = x402HTTPClient(client)
        w = Lines()
        harden(http, **{"audit_writer": w, **opts})
        c = httpx.AsyncClient(transport=x402AsyncTransport(http, transport=httpx.MockTransport(server.handler)))
        if pay_first:
            assert (await c.get("https://api.example.com/once")).status_code == 200
        paid = len(server.payments)
        with pytest.raises(cls) as e:
            await c.get("https://api.example.com/once")
        err = e.value
        assert isinstance(err, PaymentError), family  # the SDK's own class too: its catchers keep working
        assert err.code == code, family
        assert str(err).startswith(table[code]["description"]), (family, str(err))
        assert len(server.payments) == paid, family
        if family != "store-unavailable":  # the audit writer is what failed: no line was written
            assert err.audit_line == w.lines[-1], family
            assert json.loads(err.audit_line)["code"] == code
    with pytest.raises(PolicyValidationError) as ce:  # a config code: at harden time, with .code
        harden(x402HTTPClient(x402Client()), policy={"max_per_cal_usd": 1})
    assert table[ce.value.code]["family"] == "config"
    families.discard("config")
    assert families == set(), "every family of the core's error table is covered"
