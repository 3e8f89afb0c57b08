"""End-to-end vectors: whole payments through assess → finalize → settle on one fresh state.

The steps simulate a host: `replay_fresh: "store"` uses an in-memory replay store with TTLs,
`settle` reports the paid request's outcome. Every run's audit log must verify.
"""
import base64
import json

from common import case, write
from fixtures import (
    AUDIT_KEY,
    BASE_USDC,
    PAY_TO,
    REPLAY_KEY,
    UNKNOWN_TOKEN,
    V1_OFFER,
    V2_OFFER,
    v1_body,
    v2_doc,
    v2_header,
    with_,
)

URL1 = "https://api.example.com/premium-data"
URL2 = "http://127.0.0.1:4021/weather"


def run(comment, steps, results, config=None, flags=(), verifies=True):
    inp = {"replay_key_hex": REPLAY_KEY, "audit_key_hex": AUDIT_KEY, "steps": steps}
    if config is not None:
        inp["config"] = config
    return case(comment, inp, {"results": results, "audit_verifies": verifies}, flags)


def b64json(doc):
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def assess_v1(offer=V1_OFFER, url=URL1, now=1_000, **kw):
    return {"op": "assess", "url": url, "body": v1_body(offer), "now_ms": now, **kw}


def assess_v2(offer=V2_OFFER, url=URL2, now=1_000, **kw):
    return {"op": "assess", "url": url, "header": v2_header(offer), "now_ms": now, **kw}


def fin(fresh="store", now=1_001, **kw):
    return {"op": "finalize", "replay_fresh": fresh, "now_ms": now, **kw}


def settle(outcome="settled", now=1_002):
    return {"op": "settle", "outcome": outcome, "now_ms": now}


OK_ASSESS = {"blocked": None}
ALLOWED = {"allowed": True, "code": None}


def blocked(code):
    return {"allowed": False, "code": code}


happy = [
    run("v1 body: allowed, settled, committed", [assess_v1(), fin(), settle()],
        [{"blocked": None, "x402_version": 1, "amount_usd": "0.01",
          "offer": {"amount": "10000", "network": "eip155:84532"},
          "requirements": {"maxAmountRequired": "10000", "extra": {"name": "USDC", "version": "2"}},
          "replay_ttl_ms": 300000, "reservation": {"amount_atto": "10000000000000000"}},
         {"allowed": True, "code": None, "head": {"seq": 1}, "forget_fingerprint": False},
         {"allowed": True, "code": None, "head": {"seq": 2}}], flags=["Real"]),
    run("v2 header: allowed with the resource echo", [assess_v2(), fin(), settle()],
        [{"blocked": None, "x402_version": 2, "amount_usd": "0.001",
          "metadata": {"resource_echo": {"url": URL2, "description": "Weather data", "mimeType": "application/json"}},
          "requirements": V2_OFFER},
         ALLOWED, ALLOWED], flags=["Real"]),
    run("metrics of an allowed, settled payment", [assess_v2(), fin(), settle()],
        [OK_ASSESS,
         {"metrics": [{"name": "x402_payments_total", "labels": {"outcome": "allowed", "network": "eip155:84532"}}]},
         {"metrics": [{"name": "x402_payment_amount_usd", "observe": "0.001"},
                      {"name": "x402_payments_total", "labels": {"outcome": "settled", "network": "eip155:84532"}}]}]),
    run("replay TTL is raised to maxTimeoutSeconds", [assess_v2(with_(V2_OFFER, maxTimeoutSeconds=900))],
        [{"replay_ttl_ms": 900000}]),
]

policy = [
    run("over the per-call limit is blocked before signing",
        [assess_v2(with_(V2_OFFER, amount="200000")), fin(fresh=None)],
        [{"blocked": "policy-per-call-exceeded", "amount_usd": "0.2", "limit_usd": "0.1", "reservation": None,
          "fingerprint": None},
         {"allowed": False, "code": "policy-per-call-exceeded",
          "metrics": [{"name": "x402_policy_violations_total", "labels": {"limit_type": "per_call"}},
                      {"name": "x402_payments_total", "labels": {"outcome": "blocked"}}]}],
        config={"max_per_call_usd": 0.10}),
    run("daily budget exhausted",
        [assess_v2(with_(V2_OFFER, amount="60000"), now=1), fin(now=2), settle(now=3),
         assess_v2(with_(V2_OFFER, amount="50000"), now=4), fin(now=5)],
        [OK_ASSESS, ALLOWED, ALLOWED,
         {"blocked": "policy-window-exceeded", "limit_usd": "0.1", "current_usd": "0.06"},
         blocked("policy-window-exceeded")],
        config={"daily_limit_usd": 0.10}),
    run("atomic units are not dollars: 10000 USDC units is one cent under a 5-cent cap",
        [assess_v1(), fin()], [{"amount_usd": "0.01"}, ALLOWED], config={"max_per_call_usd": 0.05}),
    run("untrusted asset is blocked (cannot be priced)",
        [assess_v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN)), fin(fresh=None)],
        [{"blocked": "asset-untrusted", "amount_usd": None}, blocked("asset-untrusted")], flags=["Hostile"]),
    run("USDC symbol on an unknown contract is still untrusted",
        [assess_v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN, extra={"name": "USDC", "version": "2", "decimals": 2}))],
        [{"blocked": "asset-untrusted"}], flags=["Hostile"]),
    run("USDC of another chain is untrusted on this chain",
        [assess_v2(with_(V2_OFFER, asset=BASE_USDC))], [{"blocked": "asset-untrusted"}], flags=["Hostile"]),
    run("configured asset is priced with its own decimals and price",
        [assess_v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN, amount="500000000000000000"))],
        [{"blocked": None, "amount_usd": "0.25"}],
        config={"max_per_call_usd": 1, "assets": [{"network": "eip155:84532", "address": UNKNOWN_TOKEN,
                                                   "decimals": 18, "usd_price": "0.5"}]}),
    run("payee outside trusted_wallets is blocked", [assess_v2(), fin(fresh=None)],
        [{"blocked": "wallet-not-trusted"}, blocked("wallet-not-trusted")],
        config={"trusted_wallets": ["0x0000000000000000000000000000000000000001"]}),
    run("payee in trusted_wallets (any case) passes", [assess_v2()], [{"blocked": None}],
        config={"trusted_wallets": [PAY_TO.lower()]}),
    run("per-endpoint wallets: the request's own endpoint list applies, not the default",
        [assess_v2(), assess_v2(url="http://127.0.0.1:4021/other")],
        [{"blocked": "wallet-not-trusted"}, {"blocked": None}],
        config={"trusted_wallets": {"http://127.0.0.1:4021/weather": ["0x0000000000000000000000000000000000000001"],
                                    "*": [PAY_TO]}}),
    run("per-endpoint wallets: the payee listed for its endpoint passes (matched on the real request URL)",
        [assess_v2(), assess_v2(url="http://127.0.0.1:4021/weatherstation")],
        [{"blocked": None}, {"blocked": "wallet-not-trusted"}],
        config={"trusted_wallets": {"http://127.0.0.1:4021/weather": [PAY_TO.upper().replace("0X", "0x")],
                                    "*": ["0x0000000000000000000000000000000000000001"]}}),
    run("payee pinned after the first settled payment; a changed payee is blocked",
        [assess_v2(now=1), fin(now=2), settle(now=3),
         assess_v2(with_(V2_OFFER, payTo="0x0000000000000000000000000000000000000001"), now=4)],
        [{"pin": ["http://127.0.0.1:4021 eip155:84532", PAY_TO.lower()]}, ALLOWED, ALLOWED,
         {"blocked": "pay-to-pin-mismatch"}],
        config={"pin_pay_to": True}, flags=["Hostile"]),
]

replay = [
    run("a duplicate retry is not paid twice",
        [assess_v1(now=1), fin(now=2), settle(now=3), assess_v1(now=4), fin(now=5)],
        [OK_ASSESS, ALLOWED, ALLOWED, OK_ASSESS,
         {"allowed": False, "code": "replay-detected",
          "metrics": [{"name": "x402_replay_detections_total"}, {"name": "x402_payments_total"}]}]),
    run("a blocked replay releases its reservation",
        [assess_v1(now=1), fin(now=2), assess_v1(now=3), fin(now=4), assess_v1(now=5, url=URL1 + "?b=1"), fin(now=6)],
        [OK_ASSESS, ALLOWED, OK_ASSESS, blocked("replay-detected"), {"blocked": None}, ALLOWED],
        config={"daily_limit_usd": 0.02}),
    run("payTo case variant of the same purchase is a replay",
        [assess_v1(now=1), fin(now=2), settle(now=3), assess_v1(with_(V1_OFFER, payTo=PAY_TO.lower()), now=4),
         fin(now=5)],
        [OK_ASSESS, ALLOWED, ALLOWED, OK_ASSESS, blocked("replay-detected")], flags=["Hostile"]),
    run("settlement failure releases the spend and the fingerprint",
        [assess_v1(now=1), fin(now=2), settle("settlement-failed", now=3), assess_v1(now=4), fin(now=5), settle(now=6)],
        [OK_ASSESS, ALLOWED, {"allowed": False, "code": "settlement-failed", "forget_fingerprint": True},
         {"blocked": None}, ALLOWED, ALLOWED],
        config={"daily_limit_usd": 0.015}),
    run("a retry after a failure is paid once",
        [assess_v1(now=1), fin(now=2), settle("settlement-failed", now=3), assess_v1(now=4), fin(now=5), settle(now=6),
         assess_v1(now=7), fin(now=8)],
        [OK_ASSESS, ALLOWED, blocked("settlement-failed"), OK_ASSESS, ALLOWED, ALLOWED, OK_ASSESS,
         blocked("replay-detected")]),
    run("signer failure releases the spend",
        [assess_v1(now=1), fin(now=2), settle("signer-failed", now=3), assess_v1(now=4), fin(now=5)],
        [OK_ASSESS, ALLOWED, blocked("signer-failed"), {"blocked": None}, ALLOWED],
        config={"daily_limit_usd": 0.01}),
    run("the same purchase after the TTL is a new payment",
        [assess_v1(now=1), fin(now=2), settle(now=3), assess_v1(now=400_000), fin(now=400_001)],
        [OK_ASSESS, ALLOWED, ALLOWED, OK_ASSESS, ALLOWED]),
    run("a different resource is not a replay",
        [assess_v1(now=1), fin(now=2), assess_v1(url=URL1 + "/other", now=3), fin(now=4)],
        [OK_ASSESS, ALLOWED, OK_ASSESS, ALLOWED]),
    run("replay store unavailable fails closed", [assess_v1(), fin(fresh=None)],
        [OK_ASSESS, {"allowed": False, "code": "store-unavailable", "forget_fingerprint": False}]),
]

hostile = [
    run("malformed challenge is blocked and audited", [{"op": "assess", "url": URL1, "body": "{", "now_ms": 1},
                                                      fin(fresh=None)],
        [{"blocked": "challenge-bad-json", "x402_version": 0}, {"allowed": False, "code": "challenge-bad-json",
                                                                "head": {"seq": 1}}]),
    run("hostile amount is blocked", [assess_v2(with_(V2_OFFER, amount="1e3")), fin(fresh=None)],
        [{"blocked": "amount-malformed"}, blocked("amount-malformed")], flags=["Hostile"]),
    run("no challenge at all", [{"op": "assess", "url": URL1, "now_ms": 1}], [{"blocked": "challenge-missing"}]),
    run("request URL that cannot be parsed", [assess_v1(url="not a url")], [{"blocked": "url-invalid"}]),
    run("method with odd characters", [assess_v1(method="GET\r\nX: y")], [{"blocked": "invalid-input"}],
        flags=["Hostile"]),
    run("unknown network", [assess_v1(with_(V1_OFFER, network="atlantis"))], [{"blocked": "unknown-network"}]),
    run("network not configured", [assess_v2(), fin(fresh=None)], [{"blocked": "no-acceptable-offer"},
                                                                   blocked("no-acceptable-offer")],
        config={"networks": ["base"]}),
    run("server-claimed resource URL does not change endpoint matching",
        [assess_v2(with_(V2_OFFER, amount="100000"), url="https://premium-api.io/x")],
        [{"blocked": "policy-endpoint-exceeded"}],
        config={"per_endpoint": {"https://premium-api.io": 0.05}}, flags=["Hostile"]),
    run("every attempt is audited: three lines, chained", [assess_v2(with_(V2_OFFER, amount="1e3")), fin(fresh=None),
                                                           assess_v2(now=5), fin(now=6), settle(now=7)],
        [{"blocked": "amount-malformed"}, {"head": {"seq": 1}}, OK_ASSESS, {"head": {"seq": 2}},
         {"head": {"seq": 3}}]),
]

write("pipeline-run.json", "pipeline.run",
      ["Whole payments through assess, finalize and settle on one fresh state, with a simulated host.",
       "Every run's audit log is verified (audit_verifies)."],
      [{"comment": "allowed payments", "tests": happy}, {"comment": "policy and payee", "tests": policy},
       {"comment": "replay and release", "tests": replay}, {"comment": "hostile input", "tests": hostile}],
      {"Real": "A real wire format.", "Hostile": "An attack the guard must stop."})


# ---- MPA through the pipeline ------------------------------------------------
from fixtures import BASE_SEPOLIA_USDC, fp  # noqa: E402
from gen_mpa import SECRETS, sign  # noqa: E402
from gen_mpa import request as mpa_request  # noqa: E402

MPA_URL = "https://api.example.com/bulk-export"
BIG = with_(V2_OFFER, amount="2500000")  # $2.50
T = 1_767_225_600_000


def mpa_cfg(threshold=2, approvers=None, **kw):
    approvers = approvers or [{"approver_id": n, "mode": "crypto", "secret": SECRETS[n]}
                              for n in ("alice", "bob", "carol")]
    return {"max_per_call_usd": 10, "daily_limit_usd": 100, "agent_id": "my-agent-v1",
            "mpa": {"threshold": threshold, "min_amount_usd": 1.00, "timeout_seconds": 30,
                    "approvers": approvers, **kw}}


def big_request(amount="2500000", amount_usd="2.5"):
    f = fp(REPLAY_KEY, "GET", MPA_URL, "", "", "eip155:84532", BASE_SEPOLIA_USDC.lower(), PAY_TO.lower())
    return mpa_request({"resource_url": MPA_URL, "method": "GET", "network": "eip155:84532",
                        "asset": BASE_SEPOLIA_USDC.lower(), "pay_to": PAY_TO.lower(), "amount": amount,
                        "amount_usd": amount_usd, "scheme": "exact", "agent_id": "my-agent-v1",
                        "fingerprint": f}, now=T)


REQ = big_request()
OTHER = big_request(amount="2500001", amount_usd="2.500001")
SIGS = {n: sign(n, REQ) for n in ("alice", "bob", "carol")}
WEBHOOKS = [{"approver_id": n, "mode": "webhook", "webhook_url": "https://approvals.internal/" + n}
            for n in ("alice", "bob", "charlie")]


def assess_big(**kw):
    return assess_v2(BIG, url=MPA_URL, now=T, **kw)


def fin_at(now=T + 1_000, **kw):
    return {"op": "finalize", "replay_fresh": "store", "now_ms": now, **kw}


def pre(name, not_after, amount="2500000", url=MPA_URL, method="GET"):
    """A pre-approval token, computed independently (gen_mpa.preapproval)."""
    from gen_mpa import preapproval

    return preapproval(name, url, not_after, method=method, network="eip155:84532", asset=BASE_SEPOLIA_USDC.lower(),
                       pay_to=PAY_TO.lower(), amount=amount)[0]


mpa_tests = [
    run("2-of-3 countersignatures approve",
        [assess_big(), fin_at(signatures={"alice": SIGS["alice"], "bob": SIGS["bob"]})],
        [{"blocked": None, "approval": {"request_id": REQ["request_id"], "expires_at_ms": T + 30_000,
                                        "amount": "2500000", "amount_usd": "2.5"}},
         {"allowed": True, "metrics": [{"name": "x402_mpa_events_total", "labels": {"event": "requested"}},
                                       {"name": "x402_mpa_events_total", "labels": {"event": "approved"}},
                                       {"name": "x402_payments_total"}]}],
        config=mpa_cfg()),
    run("one signature of two is denied; spend and fingerprint are freed",
        [assess_big(), fin_at(signatures={"alice": SIGS["alice"]}), assess_big(), fin_at(signatures=SIGS)],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied", "forget_fingerprint": True},
         {"blocked": None}, {"allowed": True}],
        config=mpa_cfg()),
    run("the same approver twice counts once", [assess_big(), fin_at(signatures={"alice": SIGS["alice"],
                                                                                 "ALICE": SIGS["alice"]})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(), flags=["Hostile"]),
    run("signatures for another payment do not approve this one",
        [assess_big(), fin_at(signatures={n: sign(n, OTHER) for n in ("alice", "bob")})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(), flags=["Hostile"]),
    run("seed-style pre-approvals (signed before the request) approve the payment they bind",
        [assess_big(), fin_at(signatures={"alice": pre("alice", T + 60_000), "bob": pre("bob", T + 60_000)})],
        [{"blocked": None}, {"allowed": True}], config=mpa_cfg(), flags=["Preapproval"]),
    run("a pre-approval mixed with a countersignature of the request",
        [assess_big(), fin_at(signatures={"alice": pre("alice", T + 60_000), "bob": SIGS["bob"]})],
        [{"blocked": None}, {"allowed": True}], config=mpa_cfg(), flags=["Preapproval"]),
    run("pre-approvals past their not_after do not count",
        [assess_big(), fin_at(signatures={"alice": pre("alice", T + 1_000), "bob": pre("bob", T + 60_000)})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(), flags=["Preapproval"]),
    run("pre-approvals for another amount, URL or method do not count",
        [assess_big(), fin_at(signatures={"alice": pre("alice", T + 60_000, amount="2500001"),
                                          "bob": pre("bob", T + 60_000, url=MPA_URL + "/x")}),
         assess_big(), fin_at(signatures={"alice": pre("alice", T + 60_000, method="POST"),
                                          "bob": pre("bob", T + 60_000)})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}, {"blocked": None},
         {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(), flags=["Preapproval", "Hostile"]),
    run("a pre-approval valid for more than 24 hours is refused",
        [assess_big(), fin_at(signatures={"alice": pre("alice", T + 86_400_001 + 1_000),
                                          "bob": pre("bob", T + 60_000)})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(), flags=["Preapproval"]),
    run("a tampered not_after breaks the MAC",
        [assess_big(), fin_at(signatures={"alice": "9" + pre("alice", T + 60_000), "bob": pre("bob", T + 60_000)})],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(),
        flags=["Preapproval", "Hostile"]),
    run("approvals after the request expired do not count",
        [assess_big(), fin_at(now=T + 30_001, signatures=SIGS)],
        [{"blocked": None}, {"allowed": False, "code": "mpa-expired"}], config=mpa_cfg()),
    run("below min_amount_usd no approval is needed", [assess_v2(url=MPA_URL, now=T), fin_at()],
        [{"blocked": None, "approval": None}, {"allowed": True}], config=mpa_cfg()),
    run("webhooks 2-of-3: approve, deny, timeout is a timeout",
        [assess_big(), fin_at(webhooks=[
            {"approver_id": "alice", "status": 200, "body": '{"approved": true}'},
            {"approver_id": "bob", "status": 200, "body": '{"approved": false}'},
            {"approver_id": "charlie", "timed_out": True}])],
        [{"blocked": None}, {"allowed": False, "code": "mpa-timeout",
                             "metrics": [{"labels": {"event": "requested"}}, {"labels": {"event": "timeout"}},
                                         {"name": "x402_payments_total"}]}],
        config=mpa_cfg(approvers=WEBHOOKS)),
    run("webhooks 2-of-3: two approvals pass",
        [assess_big(), fin_at(webhooks=[
            {"approver_id": "alice", "status": 200, "body": '{"approved": true}'},
            {"approver_id": "bob", "status": 200,
             "body": '{{"approved": true, "request_id": "{}"}}'.format(REQ["request_id"])},
            {"approver_id": "charlie", "timed_out": True}])],
        [{"blocked": None}, {"allowed": True}], config=mpa_cfg(approvers=WEBHOOKS)),
    run("webhook answering the string \"true\" does not approve",
        [assess_big(), fin_at(webhooks=[
            {"approver_id": "alice", "status": 200, "body": '{"approved": "true"}'},
            {"approver_id": "bob", "status": 200, "body": '{"approved": true}'}])],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(approvers=WEBHOOKS),
        flags=["Hostile"]),
    run("webhook answer naming another request id does not approve",
        [assess_big(), fin_at(webhooks=[
            {"approver_id": "alice", "status": 200,
             "body": '{{"approved": true, "request_id": "{}"}}'.format(OTHER["request_id"])},
            {"approver_id": "bob", "status": 200, "body": '{"approved": true}'}])],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(approvers=WEBHOOKS),
        flags=["Hostile"]),
    run("a redirect (3xx) is not an approval",
        [assess_big(), fin_at(webhooks=[
            {"approver_id": "alice", "status": 302, "body": '{"approved": true}'},
            {"approver_id": "bob", "status": 200, "body": '{"approved": true}'}])],
        [{"blocked": None}, {"allowed": False, "code": "mpa-denied"}], config=mpa_cfg(approvers=WEBHOOKS)),
]

write("pipeline-mpa.json", "pipeline.run",
      ["Multi-party authorisation through the pipeline: countersignatures and webhook answers.",
       "Request ids and countersignatures are computed independently in Python."],
      [{"comment": "MPA", "tests": mpa_tests}],
      {"Hostile": "An attempt to approve with the wrong evidence.",
       "Preapproval": "Seed-style mpa_signatures computed before the request (gen_mpa.preapproval)."})


# ---- PII through the pipeline -----------------------------------------------
PII_URL = "https://api.example.com/patients/records?email=jane.doe%40example.com&ssn=123-45-6789"
PII_V2 = v2_header(V2_OFFER, url=PII_URL, description="Lab results for jane.doe@example.com")
PII_V1 = v1_body(with_(V1_OFFER, resource=PII_URL, description="Report for jane.doe@example.com"))


def assess_pii(version=2, **kw):
    if version == 2:
        return {"op": "assess", "url": PII_URL, "header": PII_V2, "now_ms": 1_000, **kw}
    return {"op": "assess", "url": PII_URL, "body": PII_V1, "now_ms": 1_000, **kw}


pii_tests = [
    run("v2: the resource echo, description and URL are redacted; the requirement is untouched",
        [assess_pii(), fin()],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS", "US_SSN"],
          "metadata": {"request_url": "https://api.example.com/patients/records?email=<REDACTED>&ssn=<REDACTED>",
                       "description": "Lab results for <REDACTED>",
                       "resource_echo": {"url": "https://api.example.com/patients/records?email=<REDACTED>&ssn=<REDACTED>",
                                         "description": "Lab results for <REDACTED>",
                                         "mimeType": "application/json"}},
          "requirements": V2_OFFER},
         {"allowed": True, "metrics": [{"name": "x402_pii_detections_total",
                                        "labels": {"entity_type": "EMAIL_ADDRESS", "action": "redact"}},
                                       {"name": "x402_pii_detections_total",
                                        "labels": {"entity_type": "US_SSN", "action": "redact"}},
                                       {"name": "x402_payments_total"}]}]),
    run("v1: the requirement handed to the signer carries the redacted resource and description",
        [assess_pii(1)],
        [{"blocked": None,
          "requirements": {"resource": "https://api.example.com/patients/records?email=<REDACTED>&ssn=<REDACTED>",
                           "description": "Report for <REDACTED>", "maxAmountRequired": "10000"},
          "offer": {"resource_url": "https://api.example.com/patients/records?email=<REDACTED>&ssn=<REDACTED>"}}]),
    run("block action refuses the payment before signing, and nothing is reserved",
        [assess_pii(), fin(fresh=None)],
        [{"blocked": "pii-blocked", "reservation": None, "pii_entities": ["EMAIL_ADDRESS", "US_SSN"]},
         {"allowed": False, "code": "pii-blocked"}],
        config={"pii": {"action": "block"}}),
    run("warn action sends the metadata unchanged but never logs it",
        [assess_pii(), fin()],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS", "US_SSN"],
          "metadata": {"description": "Lab results for jane.doe@example.com",
                       "request_url": "https://api.example.com/patients/records?email=<REDACTED>&ssn=<REDACTED>"}},
         {"allowed": True}],
        config={"pii": {"action": "warn"}}),
    run("entity filter: only the listed entities are redacted",
        [assess_pii()],
        [{"blocked": None, "pii_entities": ["US_SSN"],
          "metadata": {"description": "Lab results for jane.doe@example.com"}}],
        config={"pii": {"entities": ["US_SSN"]}}),
    run("template with the entity type",
        [assess_pii()],
        [{"metadata": {"description": "Lab results for [EMAIL_ADDRESS]"}}],
        config={"pii": {"template": "[{entity_type}]"}}),
    run("nlp hints: a host detector's PERSON and ORGANIZATION spans are redacted with the core's own",
        [{"op": "assess", "url": URL2, "now_ms": 1_000,
          "header": v2_header(V2_OFFER, description="Report on Zorbla Quenth for Blue Heron Widgets"),
          "hints": [{"entity_type": "PERSON", "text": "Zorbla Quenth", "score": 850},
                    {"entity_type": "ORGANIZATION", "text": "Blue Heron Widgets", "score": 850}]}, fin()],
        [{"blocked": None, "pii_entities": ["PERSON", "ORGANIZATION"],
          "metadata": {"description": "Report on <REDACTED> for <REDACTED>"}},
         {"allowed": True}]),
    run("nlp hints with the block action refuse the payment",
        [{"op": "assess", "url": URL2, "now_ms": 1_000,
          "header": v2_header(V2_OFFER, description="Report on Zorbla Quenth"),
          "hints": [{"entity_type": "PERSON", "text": "Zorbla Quenth", "score": 850}]}],
        [{"blocked": "pii-blocked", "reservation": None, "pii_entities": ["PERSON"]}],
        config={"pii": {"action": "block"}}),
    run("PII in extra (a value and a key) is redacted in the requirement to sign and echo as accepted; "
        "the payment fields stay verbatim",
        [assess_v2(with_(V2_OFFER, extra={"name": "USDC", "version": "2", "note": "for jane.doe@example.com",
                                          "bob.jones@example.com": "owner"}))],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS"],
          "metadata": {"extra": {"name": "USDC", "version": "2", "note": "for <REDACTED>", "<REDACTED>": "owner"}},
          "requirements": with_(V2_OFFER, extra={"name": "USDC", "version": "2", "note": "for <REDACTED>",
                                                 "<REDACTED>": "owner"})}], flags=["Hostile"]),
    run("two PII keys that redact alike both stay, the second as <REDACTED>#2",
        [assess_v2(with_(V2_OFFER, extra={"name": "USDC", "version": "2", "a.b@example.com": "1",
                                          "c.d@example.com": "2"}))],
        [{"blocked": None, "requirements": {"extra": {"name": "USDC", "version": "2", "<REDACTED>": "1",
                                                      "<REDACTED>#2": "2"}}}], flags=["Hostile"]),
    run("a PII key in the v2 resource echo is redacted",
        [{"op": "assess", "url": URL2, "now_ms": 1_000,
          "header": b64json(dict(v2_doc(V2_OFFER), resource={"url": URL2, "description": "Weather data",
                                                             "jane.doe@example.com": "x"}))}],
        [{"blocked": None, "metadata": {"resource_echo": {"url": URL2, "description": "Weather data",
                                                          "<REDACTED>": "x"}}}], flags=["Hostile"]),
    run("PII in the v2 extensions (bazaar's output example, offer-receipt's resourceUrl), which official clients "
        "echo, is found and counted (the payload's copy is redacted when sent: driver scenarios)",
        [{"op": "assess", "url": URL2, "now_ms": 1_000, "header": v2_header(V2_OFFER, extensions={
            "bazaar": {"info": {"output": {"type": "json", "example": {"owner": "jane.doe@example.com"}}}},
            "offer-receipt": {"info": {"offers": [{"format": "jws", "payload": {
                "resourceUrl": "https://api.example.com/r?ssn=123-45-6789"}}]}}})}],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS", "US_SSN"]}], flags=["Hostile"]),
    run("block: PII only in the bazaar extension refuses the payment",
        [{"op": "assess", "url": URL2, "now_ms": 1_000, "header": v2_header(V2_OFFER, extensions={
            "bazaar": {"schema": {"description": "for jane.doe@example.com"}}})}],
        [{"blocked": "pii-blocked", "pii_entities": ["EMAIL_ADDRESS"], "reservation": None}],
        config={"pii": {"action": "block"}}, flags=["Hostile"]),
    run("block: PII only in a key of extra refuses the payment",
        [assess_v2(with_(V2_OFFER, extra={"name": "USDC", "version": "2", "jane.doe@example.com": 1})),
         fin(fresh=None)],
        [{"blocked": "pii-blocked", "pii_entities": ["EMAIL_ADDRESS"], "reservation": None},
         {"allowed": False, "code": "pii-blocked"}], config={"pii": {"action": "block"}}, flags=["Hostile"]),
    run("warn: the requirement is reported but sent unchanged",
        [assess_v2(with_(V2_OFFER, extra={"name": "USDC", "version": "2", "note": "for jane.doe@example.com"}))],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS"],
          "requirements": {"extra": {"note": "for jane.doe@example.com"}}}], config={"pii": {"action": "warn"}}),
    run("v1: description, mimeType, outputSchema and extra of the requirement handed to the signer are redacted",
        [assess_v1(with_(V1_OFFER, mimeType="text/plain; owner=jane.doe@example.com",
                         outputSchema={"bob.jones@example.com": {"type": "string"}},
                         extra={"name": "USDC", "version": "2", "memo": "SSN 123-45-6789"}))],
        [{"blocked": None, "pii_entities": ["EMAIL_ADDRESS", "US_SSN"],
          "requirements": {"mimeType": "text/plain; owner=<REDACTED>",
                           "outputSchema": {"<REDACTED>": {"type": "string"}},
                           "extra": {"name": "USDC", "version": "2", "memo": "SSN <REDACTED>"},
                           "maxAmountRequired": "10000", "payTo": V1_OFFER["payTo"], "asset": V1_OFFER["asset"]}}],
        flags=["Hostile"]),
]

# ---- Credentials in the request URL ------------------------------------------------------------------------------
CRED_URL = "https://agent:hunter2@api.example.com/bulk-export?api_key=sk_live_51abc&q=1#access_token=tok_9f8e"
CRED_MASKED = "https://***@api.example.com/bulk-export?api_key=***&q=1#access_token=***"

cred_tests = [
    run("credentials in the request URL are masked in the metadata, the resource echo and the approval request",
        [{"op": "assess", "url": CRED_URL, "header": v2_header(BIG, url=CRED_URL), "now_ms": T}],
        [{"blocked": None, "pii_entities": [],
          "metadata": {"request_url": CRED_MASKED, "resource_url": CRED_MASKED,
                       "resource_echo": {"url": CRED_MASKED}},
          "approval": {"resource_url": CRED_MASKED}}], config=mpa_cfg(), flags=["Hostile"]),
    run("masking whatever the PII action: warn still masks URL credentials",
        [{"op": "assess", "url": CRED_URL, "header": v2_header(V2_OFFER, url=CRED_URL), "now_ms": 1_000}],
        [{"blocked": None, "metadata": {"request_url": CRED_MASKED, "resource_url": CRED_MASKED,
                                        "resource_echo": {"url": CRED_MASKED}}}],
        config={"pii": {"action": "warn"}}, flags=["Hostile"]),
    run("v1: the resource handed to the signer has its credentials masked",
        [assess_v1(with_(V1_OFFER, resource=CRED_URL), url=CRED_URL)],
        [{"blocked": None, "requirements": {"resource": CRED_MASKED}, "metadata": {"request_url": CRED_MASKED}}],
        flags=["Hostile"]),
]

write("pipeline-pii.json", "pipeline.run",
      ["PII handling through the pipeline: what leaves the process is redacted; the audit line never holds raw PII."],
      [{"comment": "PII", "tests": pii_tests}, {"comment": "URL credentials", "tests": cred_tests}])
