"""Driver scenarios: whole payments through the sans-I/O driver against a scripted world.

A scenario is a config, the host profile (an unshared store's replay set lives in the driver, so
its payments ask for no replay actions), the payments (requests with their 402) and the
scripted answers of the world (`world`): store failures (`fail: {action: [n, ...]}`, the n-th
action of that kind fails), lost compare-and-sets (`cas_lost`), webhook approvers
(`webhooks: {id: approve|deny|forged|redirect|late|timeout}`), countersigning approvers
(`countersign: {id: secret}`), people asked in a prompt (`humans: {id: approve|deny|late|timeout|unavailable}`),
the signer (`signer: ok|fail|{payload}`) and the paid response
(`paid: settled|unobserved|{status, settlement}|{sent}`); `per_payment` lists the keys given
per payment. `core/tests/driver_vectors.rs` plays the world, checks `expected` (subset match:
action kinds per crossing of each task, its `done`, the audit outcomes) and records every
crossing in `vectors/driver/transcripts.json`, which every host replays byte for byte.
"""
import base64
import copy
import json

from common import case, write
from fixtures import (
    AUDIT_KEY,
    DROP,
    PAY_TO,
    PAYID_SCHEMA,
    REPLAY_KEY,
    SOL_PAY_TO,
    UNKNOWN_TOKEN,
    V1_OFFER,
    V2_OFFER,
    fp,
    payid_declaration,
    payment_id,
    v1_body,
    v2_doc,
    v2_header,
    with_,
)
from gen_mpa import SECRETS

URL = "http://127.0.0.1:4021/weather"
URL1 = "https://api.example.com/premium-data"
MEMORY = {}
SHARED = {"shared": True}
SHARED_PLAIN_CAS = {"shared": True, "cas_fingerprint": False}
T0 = 1_767_225_600_000


# ---- signed payloads: what a well-behaved EIP-3009 signer returns at T0 (as @x402/evm signs) ----
NOW_S = T0 // 1000
PAYER = "0x1111111111111111111111111111111111111111"
SIG = "0x" + "ab" * 65


def evm(offer=V2_OFFER, sig=SIG, **changes):
    """The scheme payload for `offer` (validAfter 0, validBefore now + maxTimeoutSeconds), with
    `authorization` members changed (or dropped with DROP)."""
    auth = {"from": PAYER, "to": offer["payTo"], "value": offer.get("amount", offer.get("maxAmountRequired")),
            "validAfter": "0", "validBefore": str(NOW_S + offer["maxTimeoutSeconds"]), "nonce": "0x" + "00" * 32}
    return {"signature": sig, "authorization": with_(auth, **changes)}


def b64(obj):
    return base64.b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode()


def v2(offer=V2_OFFER, url=URL, **kw):
    return {"method": "GET", "url": url, "payment_required": v2_header(offer, url=url, **kw), "seed": 7}


def v1(offer=V1_OFFER, url=URL1):
    return {"method": "GET", "url": url, "body": v1_body(offer), "seed": 7}


def scenario(comment, payments, tasks=None, *, config=None, profile=MEMORY, world=None, audit=None, verifies=True,
             flags=(), expect=None):
    inp = {"config": config if config is not None else {"max_per_call_usd": 0.10, "daily_limit_usd": 5},
           "profile": profile, "replay_key_hex": REPLAY_KEY, "audit_key_hex": AUDIT_KEY, "now_ms": T0,
           "payments": payments, "world": world or {}}
    exp = {}
    if tasks is not None:
        exp["tasks"] = tasks if profile.get("shared") else [unshared(t) for t in tasks]
    if audit is not None:
        exp["audit_outcomes"] = audit
    if verifies is not None:
        exp["audit_verifies"] = verifies
    exp.update(expect or {})
    return case(comment, inp, exp, flags)


def unshared(t):
    """An unshared store's replay set lives in the driver: no replay actions, one crossing fewer."""
    if t.get("crossings") is None:
        return t
    out = []
    for c in t["crossings"]:
        c = " ".join(k for k in c.split() if k not in ("replay-set", "replay-forget"))
        if c:
            out.append(c)
    return {**t, "crossings": out}


OPEN = {"crossings": ["done"], "done": {"allowed": True}}


def task(crossings=None, **done):
    t = {"done": done}
    if crossings is not None:
        t["crossings"] = crossings
    return t


PAID = ["replay-set", "audit sign", "send", "audit done"]
# An allowed finalize changes no state: it is read from one snapshot, without a compare-and-set.
# The first step loads the state; every later one runs on the state the store last answered (a
# compare-and-set's answer); the reservation's compare-and-set also sets the fingerprint.
PAID_SHARED = ["load-state", "cas-state", "audit sign", "send", "cas-state", "audit done"]


def settled():
    return task(PAID, allowed=True, code=None, settlement="settled")


def blocked(code, family):
    return task(["audit done"], allowed=False, code=code, family=family, settlement=None)


OK_SETTLE = b64({"success": True, "transaction": "0x1", "network": "eip155:84532"})

happy = [
    scenario("v2: allowed, signed, sent, settled", [v2()], [OPEN, settled()], audit=["allowed", "settled"],
             flags=["Real"]),
    scenario("v1 body: X-PAYMENT, settled by X-PAYMENT-RESPONSE", [v1()],
             [OPEN, settled()], world={"paid": {"status": 200, "settlement": OK_SETTLE}}, flags=["Real"]),
    scenario("metrics of a settled payment come with done", [v2()],
             [OPEN, task(PAID, metrics=[{"name": "x402_payments_total", "labels": {"outcome": "allowed"}},
                                        {"name": "x402_payment_amount_usd", "observe": "0.001"},
                                        {"name": "x402_payments_total", "labels": {"outcome": "settled"}}])]),
    scenario("PII in the v2 resource is redacted before signing; the payment goes ahead",
             [v2(url="http://127.0.0.1:4021/v2/records?email=alice.smith@example.com",
                 description="Medical records of Alice Smith, phone 415-555-0132")],
             [OPEN, task(PAID, allowed=True, details={"pii_entities": ["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"]})]),
    scenario("a signer returning a full v2 PaymentPayload is sent as given (resource echo replaced)",
             [v2()], [OPEN, settled()], world={"signer": {"x402Version": 2, "accepted": V2_OFFER,
                                                          "payload": evm()}}),
]

policy = [
    scenario("over the per-call limit: refused before signing", [v2(with_(V2_OFFER, amount="200000"))],
             [OPEN, blocked("policy-per-call-exceeded", "policy-violation")], audit=["blocked"]),
    scenario("daily budget exhausted",
             [v2(with_(V2_OFFER, amount="60000")), v2(with_(V2_OFFER, amount="50000"), url=URL + "?b")],
             [OPEN, settled(), blocked("policy-window-exceeded", "policy-violation")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 0.10}),
    scenario("duplicate retry: the second identical request is a replay", [v2(), v2()],
             [OPEN, settled(), task(["replay-set", "audit done"], allowed=False, code="replay-detected",
                                    family="replay-detected")]),
    scenario("untrusted asset", [v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN))],
             [OPEN, blocked("asset-untrusted", "policy-violation")]),
    scenario("no acceptable offer is a payment error, not a policy violation",
             [v2()], [OPEN, blocked("no-acceptable-offer", "payment")],
             config={"max_per_call_usd": 0.10, "networks": ["eip155:8453"]}),
    scenario("malformed challenge", [{"method": "GET", "url": URL, "payment_required": "%%%"}],
             [OPEN, blocked("challenge-bad-base64", "payment")]),
]

# A purchase is the request (method, canonical URL, body digest, idempotency key) with payee and asset;
# the price is the server's quote (THREATS.md, Replay; see gen_replay.py).
D1, D2 = "a1" * 32, "b2" * 32
REPLAY = task(["replay-set", "audit done"], allowed=False, code="replay-detected", family="replay-detected")


def post(body=None, **kw):
    p = {**v2(), "method": "POST", **kw}
    if body is not None:
        p["request_body_sha256"] = body
    return p


identity = [
    scenario("the same request quoted again at a higher price is the same purchase: a replay",
             [v2(), v2(with_(V2_OFFER, amount="2000"))], [OPEN, settled(), REPLAY], flags=["Hostile"]),
    scenario("two POSTs with different bodies are two purchases", [post(D1), post(D2)],
             [OPEN, settled(), settled()]),
    scenario("the same POST body twice is one purchase: a replay", [post(D1), post(D1.upper())],
             [OPEN, settled(), REPLAY]),
    scenario("the caller's idempotency key makes a second purchase of the same request",
             [v2(), {**v2(), "idempotency_key": "order-2"}, {**v2(), "idempotency_key": "order-2"}],
             [OPEN, settled(), settled(), REPLAY]),
    scenario("a malformed body digest is refused before anything is judged", [post("abc")],
             [OPEN, blocked("invalid-input", "payment")], flags=["Hostile"]),
]


def v1_bytes(raw, content_type="application/json", url=URL1):
    """A v1 402 whose body crosses as the bytes the host read (the core decodes them)."""
    return {"method": "GET", "url": url, "body_base64": base64.b64encode(raw).decode(), "content_type": content_type,
            "seed": 7}


V1_RAW = v1_body(V1_OFFER).encode()

body_bytes = [
    scenario("402 body bytes with a UTF-8 BOM: the BOM is dropped, the challenge read",
             [v1_bytes(b"\xef\xbb\xbf" + V1_RAW)],
             [OPEN, settled()], flags=["Hostile"]),
    scenario("402 body bytes labelled charset=utf-8 (quoted, any case): read",
             [v1_bytes(V1_RAW, 'application/json; charset="UTF-8"')], [OPEN, settled()]),
    scenario("402 body labelled charset=iso-8859-1: refused, nothing else is transcoded",
             [v1_bytes(V1_RAW, "application/json; charset=iso-8859-1")],
             [OPEN, blocked("challenge-bad-json", "payment")], audit=["blocked"], flags=["Hostile"]),
    scenario("402 body labelled charset=utf-16 with a UTF-16 BOM: refused",
             [v1_bytes(b"\xff\xfe" + v1_body(V1_OFFER).encode("utf-16-le"), "application/json; charset=utf-16")],
             [OPEN, blocked("challenge-bad-json", "payment")], flags=["Hostile"]),
    scenario("402 body bytes that are not UTF-8: refused",
             [v1_bytes(V1_RAW.replace(b'"exact"', b'"ex\xe9ct"'))],
             [OPEN, blocked("challenge-bad-json", "payment")], flags=["Hostile"]),
    scenario("402 body labelled us-ascii with a non-ASCII byte: refused",
             [v1_bytes(V1_RAW.replace(b'"exact"', "\"ex\u00e9ct\"".encode()), "application/json; charset=us-ascii")],
             [OPEN, blocked("challenge-bad-json", "payment")], flags=["Hostile"]),
    scenario("402 body over the cap (the host stops at 64 KiB + 1 bytes): challenge-too-large",
             [v1_bytes(V1_RAW + b" " * (64 * 1024 + 1 - len(V1_RAW)))],
             [OPEN, blocked("challenge-too-large", "payment")], flags=["Hostile"]),
    scenario("402 body cut by the read deadline: challenge-bad-json",
             [v1_bytes(V1_RAW[: len(V1_RAW) // 2])], [OPEN, blocked("challenge-bad-json", "payment")],
             flags=["Hostile"]),
    scenario("a refused body does not count when the v2 header is there: the header wins",
             [dict(v2(), body_base64=base64.b64encode(b"\xff\xfe").decode(),
                   content_type="text/plain; charset=latin1")],
             [OPEN, settled()]),
    scenario("an empty body without a header: challenge-missing",
             [v1_bytes(b"")], [OPEN, blocked("challenge-missing", "payment")]),
]

FAILED_AFTER = task(PAID, allowed=False, code="settlement-failed", family="payment", settlement="failed-after-send")


def paid(answer, comment, expect=FAILED_AFTER, **kw):
    return scenario(comment, [v2()], [OPEN, expect], world={"paid": answer}, **kw)


settlement = [
    paid({"status": 402}, "the paid request gets a 402 again: failed after send, the money stays counted",
         audit=["allowed", "failed-after-send"]),
    paid({"status": 200, "settlement": b64({"success": False})}, "2xx with success:false: failed after send"),
    paid({"status": 200, "settlement": b64({"success": "false"})},
         "2xx with success:\"false\" (a string): failed after send",
         flags=["Hostile"]),
    paid({"status": 200, "settlement": b64({"success": "true"})},
         "2xx with success:\"true\" (a string) is not a settlement",
         flags=["Hostile"]),
    paid({"status": 302}, "3xx: failed after send (redirects are not followed)"),
    paid({"status": 304}, "304: failed after send", flags=["Hostile"]),
    paid({"status": 500}, "5xx: failed after send"),
    paid({"sent": True}, "network error after the request may have left: failed after send"),
    paid({"sent": False}, "network error before anything was sent: released",
         task([*PAID[:3], "replay-forget audit done"], allowed=False, code="settlement-failed", settlement="failed")),
    paid({"status": 200}, "2xx without a settlement header: unconfirmed, committed",
         task(PAID, allowed=True, code=None, settlement="unknown"), audit=["allowed", "unknown"]),
    paid({"status": 200, "settlement": "not base64 !"}, "2xx with an unreadable settlement header: unconfirmed",
         task(PAID, allowed=True, settlement="unknown")),
    paid({"status": 200, "settlement": json.dumps({"success": True})}, "a raw-JSON settlement header is read too",
         task(PAID, allowed=True, settlement="settled")),
    paid({"status": 200, "settlement": "\ufeff" + json.dumps({"success": True})}, "a raw-JSON header with a BOM",
         task(PAID, allowed=True, settlement="settled"), flags=["Hostile"]),
    paid({"status": 200, "settlement": b64({"a": [[[[[[[[[[[[{"success": True}]]]]]]]]]]]]})},
         "a deeply nested settlement header is unconfirmed, never an error",
         task(PAID, allowed=True, settlement="unknown"),
         flags=["Hostile"]),
    paid("unobserved", "the official client sends and the host cannot see the answer: unconfirmed, committed",
         task(PAID, allowed=True, settlement="unknown")),
    scenario("money that left stays counted: after a 500 the same purchase is a replay and the budget holds it",
             [v2(with_(V2_OFFER, amount="60000")), v2(with_(V2_OFFER, amount="60000")),
              v2(with_(V2_OFFER, amount="100000"), url=URL + "?other")],
             [OPEN, FAILED_AFTER,
              task(["replay-set", "audit done"], code="replay-detected"),
              blocked("policy-window-exceeded", "policy-violation")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 0.15},
             world={"paid": [{"status": 500}, "settled", "settled"], "per_payment": ["paid"]}, flags=["Hostile"]),
    scenario("signer failure releases: nothing left the process, a retry is a new payment",
             [v2(), v2()],
             [OPEN, task(["replay-set", "audit sign", "replay-forget audit done"], allowed=False, code="signer-failed",
                         settlement=None), settled()],
             world={"signer": ["fail", "ok"], "per_payment": ["signer"]},
             audit=["allowed", "failed", "allowed", "settled"]),
    scenario("a network error before sending releases too", [v2(), v2()],
             [OPEN, task([*PAID[:3], "replay-forget audit done"], code="settlement-failed", settlement="failed"),
              settled()],
             world={"paid": [{"sent": False}, "settled"], "per_payment": ["paid"]}),
]


def mpa_cfg(approvers, threshold=2):
    return {"max_per_call_usd": 10, "daily_limit_usd": 100, "agent_id": "my-agent-v1",
            "mpa": {"threshold": threshold, "min_amount_usd": 1.00, "timeout_seconds": 30, "approvers": approvers}}


HOOKS = [{"approver_id": n, "mode": "webhook", "webhook_url": "https://approvals.internal/" + n}
         for n in ("alice", "bob", "charlie")]
CRYPTO = [{"approver_id": n, "mode": "crypto", "secret": SECRETS[n]} for n in ("alice", "bob", "carol")]
BIG = with_(V2_OFFER, amount="2500000")
ASK = "post-webhook post-webhook post-webhook countersign"
MPA_PAID = ["replay-set", ASK, "audit sign", "send", "audit done"]


def mpa(comment, answers, expect, approvers=HOOKS, flags=(), **world):
    return scenario(comment, [v2(BIG)], [OPEN, expect], config=mpa_cfg(approvers),
                    world={"webhooks": answers, **world}, flags=flags)


approvals = [
    mpa("MPA 2-of-3 webhooks: yes/yes/no: paid", {"alice": "approve", "bob": "approve", "charlie": "deny"},
        task(MPA_PAID, allowed=True, settlement="settled", details={"approvals": 2})),
    mpa("MPA 2-of-3 webhooks: yes/no/timeout: mpa-timeout (the same code in every host)",
        {"alice": "approve", "bob": "deny", "charlie": "timeout"},
        task(["replay-set", ASK, "replay-forget audit done"], allowed=False, code="mpa-timeout", family="mpa-timeout")),
    mpa("MPA: yes/yes/timeout answered together after the slow approver's deadline: the early approvals count",
        {"alice": "approve", "bob": "approve", "charlie": "timeout"},
        task(MPA_PAID, allowed=True, settlement="settled", details={"approvals": 2})),
    mpa("MPA: two denials: mpa-denied", {"alice": "deny", "bob": "deny", "charlie": "approve"},
        task(["replay-set", ASK, "replay-forget audit done"], code="mpa-denied", family="mpa-denied")),
    mpa("MPA: a forged answer (another request id) does not approve",
        {"alice": "approve", "bob": "forged", "charlie": "deny"},
        task(["replay-set", ASK, "replay-forget audit done"], code="mpa-denied"), flags=["Hostile"]),
    mpa("MPA: a redirect is a denial", {"alice": "approve", "bob": "redirect", "charlie": "deny"},
        task(["replay-set", ASK, "replay-forget audit done"], code="mpa-denied"), flags=["Hostile"]),
    mpa("MPA: answers after the deadline count as timeouts, never as approvals",
        {"alice": "late", "bob": "late", "charlie": "late"},
        task(["replay-set", ASK, "replay-forget audit done"], code="mpa-timeout"), flags=["Hostile"]),
    mpa("MPA: countersignatures of crypto approvers", {},
        task(["replay-set", "countersign", "audit sign", "send", "audit done"], allowed=True, details={"approvals": 2}),
        approvers=CRYPTO, countersign={"alice": SECRETS["alice"], "carol": SECRETS["carol"]}),
    mpa("MPA: a countersignature under a wrong secret does not approve", {},
        task(["replay-set", "countersign", "replay-forget audit done"], code="mpa-denied"),
        approvers=CRYPTO, countersign={"alice": SECRETS["alice"], "carol": "not-carols-secret-000"}, flags=["Hostile"]),
    scenario("MPA: one approval covers one authorization that left, not one per retry",
             [v2(BIG), v2(BIG)],
             [OPEN, task(MPA_PAID, allowed=False, settlement="failed-after-send"),
              task(["replay-set", "audit done"], code="replay-detected")],
             config=mpa_cfg(HOOKS), world={"webhooks": {"alice": "approve", "bob": "approve"},
                                          "paid": {"status": 500}}, flags=["Hostile"]),
]

ME = [{"approver_id": "me", "mode": "human"}]
HUMAN_ASK = "ask-human countersign"


def human(comment, answers, expect, approvers=ME, threshold=1, flags=(), **world):
    return scenario(comment, [v2(BIG)], [OPEN, expect], config=mpa_cfg(approvers, threshold),
                    world={"humans": answers, **world}, flags=flags)


approvals += [
    human("MPA human approver: the person approves in the prompt: paid", {"me": "approve"},
          task(["replay-set", HUMAN_ASK, "audit sign", "send", "audit done"], allowed=True, settlement="settled",
               details={"approvals": 1})),
    human("MPA human approver: the person denies: mpa-denied", {"me": "deny"},
          task(["replay-set", HUMAN_ASK, "replay-forget audit done"], code="mpa-denied", family="mpa-denied")),
    human("MPA human approver: the prompt expires unanswered: mpa-timeout", {"me": "timeout"},
          task(["replay-set", HUMAN_ASK, "replay-forget audit done"], code="mpa-timeout", family="mpa-timeout")),
    human("MPA human approver: an approval clicked after the deadline is a timeout, never an approval",
          {"me": "late"},
          task(["replay-set", HUMAN_ASK, "replay-forget audit done"], code="mpa-timeout"), flags=["Hostile"]),
    human("MPA human approver: a host with no prompt answers unavailable: mpa-human-unavailable",
          {"me": "unavailable"},
          task(["replay-set", HUMAN_ASK, "replay-forget audit done"], code="mpa-human-unavailable",
               family="mpa-denied")),
    human("MPA human + webhook, 1-of-2: the webhook's approval suffices when no person can be asked",
          {"me": "unavailable"},
          task(["replay-set", "ask-human post-webhook countersign", "audit sign", "send", "audit done"],
               allowed=True, details={"approvals": 1}),
          approvers=ME + HOOKS[:1], webhooks={"alice": "approve"}),
    human("MPA human + webhook, 2-of-2: both approve: paid", {"me": "approve"},
          task(["replay-set", "ask-human post-webhook countersign", "audit sign", "send", "audit done"],
               allowed=True, details={"approvals": 2}),
          approvers=ME + HOOKS[:1], threshold=2, webhooks={"alice": "approve"}),
]

shared = [
    scenario("shared store: every state change is a compare-and-set", [v2()],
             [OPEN, task(PAID_SHARED, allowed=True, settlement="settled")], profile=SHARED),
    scenario("shared store: compare-and-set lost once: its answer carries the state, the step runs again at once "
             "on it (no load, no backoff)", [v2()],
             [OPEN, task(["load-state", "cas-state", "cas-state", *PAID_SHARED[2:]],
                         allowed=True)], profile=SHARED, world={"cas_lost": [1]}),
    scenario("shared store: compare-and-set lost twice in a row: the second loss backs off and reloads", [v2()],
             [OPEN, task(["load-state", "cas-state", "cas-state", "sleep", "load-state", "cas-state",
                          *PAID_SHARED[2:]], allowed=True)], profile=SHARED, world={"cas_lost": [1, 2]}),
    scenario("shared store answering only won: a lost compare-and-set reloads, each step after a win loads", [v2()],
             [OPEN, task(["load-state", "cas-state", "sleep", "load-state", "cas-state", "load-state", "audit sign",
                          "send", "cas-state", "audit done"], allowed=True)],
             profile=SHARED, world={"cas_lost": [1], "cas_bare": True}),
    scenario("shared store: compare-and-set lost every time: store-unavailable after 64 attempts, nothing audited",
             [v2()], [OPEN, task(None, allowed=False, code="store-unavailable", family="store-unavailable")],
             profile=SHARED, world={"cas_lost": ["always"]}, audit=[]),
    scenario("shared store: load fails at assess: refused, nothing reserved", [v2()],
             [OPEN, task(["load-state", "done"], allowed=False, code="store-unavailable")],
             profile=SHARED, world={"fail": {"load-state": [1]}}, audit=[]),
    scenario("shared store: the reservation's compare-and-set (with the fingerprint) fails: refused, nothing audited",
             [v2()], [OPEN, task(["load-state", "cas-state", "done"], allowed=False, code="store-unavailable")],
             profile=SHARED, world={"fail": {"cas-state": [1]}}, audit=[]),
    scenario("shared store answering only won: load fails at finalize: refused, the fingerprint forgotten", [v2()],
             [OPEN, task(["load-state", "cas-state", "load-state", "replay-forget done"],
                         code="store-unavailable")],
             profile=SHARED, world={"fail": {"load-state": [2]}, "cas_bare": True}, audit=[]),
    scenario("shared store: a live fingerprint in the reservation's compare-and-set: nothing written, a replay "
             "refused in one round trip", [v2(), v2()],
             [OPEN, task(PAID_SHARED, allowed=True),
              task(["cas-state", "audit done"], allowed=False, code="replay-detected")],
             profile=SHARED, audit=["allowed", "settled", "blocked"]),
    scenario("shared store: a refusal decided on an older state is decided again on a fresh load: allowed",
             [v2(), {"store_write": ""}, v2(url="http://127.0.0.1:4021/forecast")],
             [OPEN, task(PAID_SHARED, allowed=True),
              task(["load-state", "cas-state", "audit sign", "send", "cas-state", "audit done"], allowed=True)],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 0.001}, profile=SHARED,
             audit=["allowed", "settled", "allowed", "settled"]),
    scenario("shared store: a refusal decided on an older state is decided again on a fresh load: still refused",
             [v2(), v2(url="http://127.0.0.1:4021/forecast")],
             [OPEN, task(PAID_SHARED, allowed=True),
              task(["load-state", "audit done"], allowed=False, code="policy-window-exceeded")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 0.001}, profile=SHARED,
             audit=["allowed", "settled", "blocked"]),
    # A store whose compare-and-set cannot set a fingerprint (a user store without `casState`): the profile says
    # so and the driver sets the fingerprint with `replay-set` after the reservation is stored.
    scenario("shared store without a fingerprint compare-and-set: the reservation, then replay-set", [v2()],
             [OPEN, task(["load-state", "cas-state", "replay-set", "load-state", "audit sign", "send", "cas-state",
                          "audit done"], allowed=True)], profile=SHARED_PLAIN_CAS),
    scenario("shared store without a fingerprint compare-and-set: a replay is refused and its reservation released",
             [v2(), v2()],
             [OPEN, task(["load-state", "cas-state", "replay-set", "load-state", "audit sign", "send", "cas-state",
                          "audit done"], allowed=True),
              task(["cas-state", "replay-set", "cas-state", "audit done"], allowed=False, code="replay-detected")],
             profile=SHARED_PLAIN_CAS, audit=["allowed", "settled", "blocked"]),
    scenario("shared store: compare-and-set errors at settle: store-unavailable, the settlement still reported",
             [v2()],
             [OPEN, task([*PAID_SHARED[:-1], "done"], code="store-unavailable", settlement="settled")],
             profile=SHARED, world={"fail": {"cas-state": [2]}}, audit=["allowed"]),
]

audit = [
    scenario("the audit line before signing is lost: not signed, released, the chain goes on from the last line",
             [v2(), v2()],
             [OPEN, task(["replay-set", "audit sign", "replay-forget audit done"], allowed=False,
                         code="store-unavailable"), settled()],
             world={"fail": {"audit": [1]}}, audit=["failed", "allowed", "settled"]),
    scenario("the last audit line is lost: done reports store-unavailable", [v2()],
             [OPEN, task([*PAID, "done"], allowed=False, code="store-unavailable", settlement="settled")],
             world={"fail": {"audit": [2]}}, audit=["allowed"]),
]

KEEP = {"keep_head": True, "log_reads_back": True}
H = lambda seq, c: {"seq": seq, "mac": c * 64}  # noqa: E731

startup = [
    scenario("start-up: stored head equals the log's", [],
             [task(["load-head", "done"], allowed=True)], profile=KEEP,
             world={"heads": {"stored": H(3, "a"), "log": H(3, "a")}}, verifies=None),
    scenario("start-up: the log is ahead of the stored head (a crash before the head save): the head is saved", [],
             [task(["load-head", "save-head done"], allowed=True)], profile=KEEP,
             world={"heads": {"stored": H(3, "a"), "log": H(4, "b")}}, verifies=None),
    scenario("start-up: the stored head is ahead of the log: another writer, refused", [v2()],
             [task(["load-head", "done"], allowed=False, code="store-unavailable",
                   details={"reason": "head-not-in-log"}),
              task(["load-head", "done"], code="store-unavailable")], profile=KEEP,
             world={"heads": {"stored": H(5, "a"), "log": H(3, "a")}}, verifies=None),
    scenario("start-up: same seq, another mac: refused", [],
             [task(["load-head", "done"], allowed=False, code="store-unavailable")], profile=KEEP,
             world={"heads": {"stored": H(3, "a"), "log": H(3, "c")}}, verifies=None),
    scenario("start-up: a store without a head and a new log", [v2()],
             [task(["load-head", "done"], allowed=True),
              task(["replay-set", "audit save-head sign", "send", "audit save-head done"], allowed=True)],
             profile=KEEP, world={"heads": {}}),
    scenario("a head save refused once: the stored head is reread and the save repaired", [v2()],
             [task(["load-head", "done"], allowed=True),
              task(["replay-set", "audit save-head sign", "load-head", "save-head sign", "send",
                    "audit save-head done"],
                   allowed=True)],
             profile=KEEP, world={"heads": {}, "fail": {"save-head": [1]}}),
]

startup += [
    scenario("a head conflict stops the guard; the next payment rereads the head and goes on",
             [v2(), v2(url=URL + "?b")],
             [task(["load-head", "done"], allowed=True),
              task(["audit save-head sign", "load-head", "save-head sign", "done"], allowed=False,
                   code="store-unavailable", details={"reason": "replica-head-conflict"}),
              task(["load-head", "audit save-head sign", "send", "audit save-head done"], allowed=True)],
             profile=KEEP, world={"heads": {}, "fail": {"save-head": [1, 2]}}, audit=["allowed", "allowed", "settled"]),
]

# ---- heads riding the compare-and-sets (docs/STORES.md): a shared store that saves the replica's head in its
# compare-and-set (`cas_head`), a log that reads its head back. A line's head rides with a later compare-and-set once
# the line is known written (its task crossed again); the stored head trails the log by at most the last line.
RIDE = {"shared": True, "keep_head": True, "log_reads_back": True, "cas_head": True}
RIDE_OPEN = task(["load-head", "done"], allowed=True)
RIDE_PAID = ["load-state", "cas-state", "audit sign", "send", "cas-state", "audit done"]
OVER = v2(with_(V2_OFFER, amount="200000"))  # $0.20: over the per-call limit

riding = [
    scenario("heads ride: a paid payment takes two compare-and-sets and no head save; the pre-sign line's head rides "
             "with the settlement's, and the stored head trails the log by the settled line",
             [v2()], [RIDE_OPEN, task(RIDE_PAID, allowed=True, settlement="settled")], profile=RIDE,
             world={"heads": {}}, audit=["allowed", "settled"], expect={"cas_heads": [None, 1], "head_lag": 1}),
    scenario("heads ride: the next payment's settlement carries its own pre-sign line, past the last settled line; "
             "its reservation carries the stored head unchanged (a check that no other writer moved it)",
             [v2(), v2(url=URL + "?b")],
             [RIDE_OPEN, task(RIDE_PAID, allowed=True), task(RIDE_PAID[1:], allowed=True)], profile=RIDE,
             world={"heads": {}}, audit=["allowed", "settled", "allowed", "settled"],
             expect={"cas_heads": [None, 1, 1, 3], "head_lag": 1}),
    scenario("heads ride: a refusal that would leave two lines unsaved saves its own head",
             [v2(), OVER],
             [RIDE_OPEN, task(RIDE_PAID, allowed=True),
              task(["load-state", "audit save-head done"], allowed=False, code="policy-per-call-exceeded")],
             profile=RIDE, world={"heads": {}}, audit=["allowed", "settled", "blocked"],
             expect={"cas_heads": [None, 1], "head_lag": 0}),
    scenario("heads ride: a first refusal leaves its line alone unsaved, with no save",
             [OVER], [RIDE_OPEN, task(["load-state", "cas-state", "audit done"], allowed=False,
                                      code="policy-per-call-exceeded")],
             profile=RIDE, world={"heads": {}}, audit=["blocked"], expect={"cas_heads": [None], "head_lag": None}),
    scenario("heads ride: a lost race of the riding settlement carries the head again on its retry",
             [v2()],
             [RIDE_OPEN, task(["load-state", "cas-state", "audit sign", "send", "cas-state", "cas-state", "audit done"],
                              allowed=True, settlement="settled")],
             profile=RIDE, world={"heads": {}, "cas_lost": [2]}, expect={"cas_heads": [None, 1, 1], "head_lag": 1}),
    scenario("heads ride: the store refuses the riding head (its stored seq moved): nothing is written, the "
             "settlement is stored without it at once, its line saves its own head, and the next payment rereads "
             "the head first",
             [v2(), v2(url=URL + "?b")],
             [RIDE_OPEN,
              task(["load-state", "cas-state", "audit sign", "send", "cas-state", "cas-state", "audit save-head done"],
                   allowed=True, settlement="settled"),
              task(["load-head", "cas-state", "audit sign", "send", "cas-state", "audit done"], allowed=True)],
             profile=RIDE, world={"heads": {}, "fail": {"cas-head": [1]}},
             expect={"cas_heads": [None, 1, None, 2, 3], "head_lag": 1}),
    scenario("heads ride: the reservation's check finds the stored head moved (another writer of the replica): "
             "refused before anything is written or signed; the next payment rereads the head and goes on",
             [v2(), v2(url=URL + "?b")],
             [task(["load-head", "done"], allowed=True),
              task(["load-state", "cas-state", "done"], allowed=False, code="store-unavailable",
                   details={"reason": "replica-head-conflict"}),
              task(["load-head", "cas-state", "audit sign", "send", "cas-state", "audit done"], allowed=True)],
             profile=RIDE, world={"heads": {"stored": H(3, "a"), "log": H(3, "a")}, "fail": {"cas-head": [1]}},
             audit=["allowed", "settled"], verifies=None, expect={"cas_heads": [3, 3, 4]}),
    scenario("heads ride: the riding settlement's answer is lost (a store error): refused as before; the next "
             "payment rereads the head, and its reservation carries the log's head",
             [v2(), v2(url=URL + "?b")],
             [RIDE_OPEN,
              task(["load-state", "cas-state", "audit sign", "send", "cas-state", "done"], allowed=False,
                   code="store-unavailable"),
              task(["load-head", "load-state", "cas-state", "audit sign", "send", "cas-state", "audit done"],
                   allowed=True)],
             profile=RIDE, world={"heads": {}, "fail": {"cas-state": [2]}}, audit=["allowed", "allowed", "settled"],
             expect={"cas_heads": [None, 1, 1, 2], "head_lag": 1}),
    scenario("heads ride: a store that wins without saying it saved the head fails closed",
             [v2()],
             [RIDE_OPEN, task(["load-state", "cas-state", "audit sign", "send", "cas-state", "done"], allowed=False,
                              code="store-unavailable")],
             profile=RIDE, world={"heads": {}, "cas_head_silent": True}, audit=["allowed"],
             expect={"cas_heads": [None, 1]}),
    scenario("heads ride only with a log that reads its head back: otherwise every line saves its head",
             [v2()],
             [RIDE_OPEN, task(["load-state", "cas-state", "audit save-head sign", "send", "cas-state",
                               "audit save-head done"], allowed=True)],
             profile={**RIDE, "log_reads_back": False}, world={"heads": {}},
             expect={"cas_heads": [None, None], "head_lag": 0}),
]

# ---- echoes and secrets: what the client hands back is redacted; URL credentials never logged
R = "<REDACTED>"
ECHO_OFFER = with_(V2_OFFER, extra={"name": "USDC", "version": "2", "note": "for jane.doe@example.com",
                                    "bob.jones@example.com": "owner"})
ECHO_EXTRA = {"name": "USDC", "version": "2", "note": f"for {R}", R: "owner"}
ECHO_SECRETS = ["jane.doe@example.com", "bob.jones@example.com", "carol.white@example.com", "Dana Scully"]


# The v2 `bazaar` discovery extension and an `offer-receipt` signed offer, as a server declares them in
# PaymentRequired.extensions and official clients echo them in the payload's extensions (see core/src/echo.rs).
BAZAAR = {"info": {"input": {"type": "http", "method": "GET", "queryParams": {"units": "metric"}},
                   "output": {"type": "json", "example": {"owner": "jane.doe@example.com", "temp": 21}}},
          "schema": {"type": "object", "description": "Weather report for bob.jones@example.com",
                     "properties": {"carol.white@example.com": {"type": "string"}}}}
BAZAAR_R = {"info": {"input": {"type": "http", "method": "GET", "queryParams": {"units": "metric"}},
                     "output": {"type": "json", "example": {"owner": R, "temp": 21}}},
            "schema": {"type": "object", "description": f"Weather report for {R}",
                       "properties": {R: {"type": "string"}}}}
OFFER_RECEIPT = {"info": {"offers": [{"format": "eip712", "payload": {
    "version": 1, "resourceUrl": URL + "?owner=jane.doe@example.com", "scheme": "exact",
    "network": "eip155:84532",
    "asset": V2_OFFER["asset"], "payTo": V2_OFFER["payTo"], "amount": "1000", "validUntil": 1767229200},
    "signature": "0x" + "ab" * 65}]}}
OFFER_RECEIPT_R = {"info": {"offers": [{**OFFER_RECEIPT["info"]["offers"][0], "payload": {
    **OFFER_RECEIPT["info"]["offers"][0]["payload"], "resourceUrl": URL + f"?owner={R}"}}]}}


def echo_v2(offer=ECHO_OFFER, url=URL):
    doc = v2_doc(offer, url=url, description="Lab results of Dana Scully")
    doc["resource"]["carol.white@example.com"] = "contact"
    return {"method": "GET", "url": url, "payment_required": b64(doc), "seed": 7}


ECHO_RESOURCE = {"url": URL, "description": f"Lab results of {R}", "mimeType": "application/json", R: "contact"}
CRED_URL = "http://agent:hunter2@127.0.0.1:4021/weather?api_key=sk_live_51abc&q=1#access_token=tok_9f8e"
CRED_MASKED = "http://***@127.0.0.1:4021/weather?api_key=***&q=1#access_token=***"
CRED_SECRETS = ["hunter2", "sk_live_51abc", "tok_9f8e"]

echoes = [
    scenario("v2: PII in extra (a value and a key) and in the resource echo (a value and a key) is redacted in the "
             "sign action and in the sent header; the payment fields stay verbatim",
             [echo_v2()], [OPEN, task(PAID, allowed=True, settlement="settled")],
             world={"secrets": ECHO_SECRETS}, flags=["Hostile"]),
    scenario("v2: the same echo under the block action: refused before signing, nothing handed out",
             [echo_v2()], [OPEN, blocked("pii-blocked", "pii-blocked")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "pii": {"action": "block"}},
             world={"secrets": ECHO_SECRETS}, audit=["blocked"], flags=["Hostile"]),
    scenario("v2: a PII key alone in extra is refused under block",
             [v2(with_(V2_OFFER, extra={"name": "USDC", "version": "2", "jane.doe@example.com": 1}))],
             [OPEN, blocked("pii-blocked", "pii-blocked")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "pii": {"action": "block"}},
             world={"secrets": ["jane.doe@example.com"]}, flags=["Hostile"]),
    scenario("v2: an official client's payload has its accepted and resource echoes replaced by the redacted copies",
             [echo_v2()], [OPEN, task(PAID, allowed=True)],
             world={"secrets": ECHO_SECRETS, "signer": {"x402Version": 2, "accepted": ECHO_OFFER,
                                                        "payload": evm()}}, flags=["Hostile"]),
    scenario("v2: an official client's payload echoes the bazaar and offer-receipt extensions: their free text "
             "(an output example, a schema description and key, a signed offer's resourceUrl) is redacted in the "
             "sent header",
             [v2(extensions={"bazaar": BAZAAR, "offer-receipt": OFFER_RECEIPT})], [OPEN, task(PAID, allowed=True)],
             world={"secrets": ECHO_SECRETS, "signer": {
                 "x402Version": 2, "accepted": V2_OFFER, "payload": evm(),
                 "extensions": {"bazaar": BAZAAR, "offer-receipt": OFFER_RECEIPT}}}, flags=["Hostile"]),
    scenario("v2: PII only in the bazaar extension refuses the payment under block",
             [v2(extensions={"bazaar": BAZAAR})], [OPEN, blocked("pii-blocked", "pii-blocked")],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "pii": {"action": "block"}},
             world={"secrets": ECHO_SECRETS}, flags=["Hostile"]),
    scenario("v1: the requirement handed to the signer has its description, extra and resource redacted",
             [v1(with_(V1_OFFER, description="Report for jane.doe@example.com",
                       resource="https://api.example.com/premium-data?owner=bob.jones@example.com",
                       extra={"name": "USDC", "version": "2", "carol.white@example.com": "x"}))],
             [OPEN, task(PAID, allowed=True)], world={"secrets": ECHO_SECRETS}, flags=["Hostile"]),
    scenario("credentials in the request URL (user info, api_key, a fragment token) are masked in the audit lines, "
             "the sign metadata and the resource echo; the request still goes to the raw URL",
             [v2(url=CRED_URL)], [OPEN, task(PAID, allowed=True)],
             world={"secrets": CRED_SECRETS}, flags=["Hostile"]),
    scenario("credentials in the request URL are masked in the approval requests (webhook bodies, countersigning)",
             [v2(BIG, url=CRED_URL)], [OPEN, task(MPA_PAID, allowed=True)], config=mpa_cfg(HOOKS),
             world={"secrets": CRED_SECRETS, "webhooks": {"alice": "approve", "bob": "approve", "charlie": "approve"}},
             flags=["Hostile"]),
    scenario("a human approver's prompt shows the redacted description and the masked, redacted URL",
             [v2(BIG, url=CRED_URL, description="Report for jane.doe@example.com")],
             [OPEN, task(["replay-set", HUMAN_ASK, "audit sign", "send", "audit done"], allowed=True)],
             config=mpa_cfg(ME, 1),
             world={"secrets": [*CRED_SECRETS, "jane.doe@example.com"], "humans": {"me": "approve"}},
             flags=["Hostile"]),
]
for t in echoes:
    t["expected"]["leaks"] = []
echoes[0]["expected"]["signed"] = [{"requirements": with_(V2_OFFER, extra=ECHO_EXTRA), "resource": ECHO_RESOURCE,
                                     "metadata": {"extra": ECHO_EXTRA, "description": f"Lab results of {R}"}}]
echoes[0]["expected"]["sent"] = [{"x402Version": 2, "accepted": with_(V2_OFFER, extra=ECHO_EXTRA),
                                   "resource": ECHO_RESOURCE}]
echoes[7]["expected"]["signed"] = [{"metadata": {"request_url": CRED_MASKED, "resource_url": CRED_MASKED},
                                     "resource": {"url": CRED_MASKED}}]
echoes[7]["expected"]["sent"] = [{"resource": {"url": CRED_MASKED}}]
echoes[3]["expected"]["sent"] = [{"accepted": with_(V2_OFFER, extra=ECHO_EXTRA), "resource": ECHO_RESOURCE}]
echoes[1]["expected"]["signed"] = []
echoes[4]["expected"]["sent_extensions"] = [{"bazaar": BAZAAR_R, "offer-receipt": OFFER_RECEIPT_R}]
echoes[6]["expected"]["signed"] = [{"requirements": {
    "description": f"Report for {R}", "resource": f"https://api.example.com/premium-data?owner={R}",
    "extra": {"name": "USDC", "version": "2", R: "x"}, "maxAmountRequired": "10000", "payTo": V1_OFFER["payTo"]},
    "resource": None}]


# ---- what gets signed is what was approved (core/src/payload/mod.rs) -----------------------------------
def refused(code, field):
    return task(["replay-set", "audit sign", "audit done"], allowed=False, code=code, family="payment",
                settlement=None, details={"reason": field})


def bind(comment, payload, code=None, field=None, *, payment=None, config=None, flags=("Hostile",), **world):
    """One payment whose signer answers `payload`: paid, or refused before sending (nothing sent)."""
    t = settled() if code is None else refused(code, field)
    sc = scenario(comment, [payment or v2()], [OPEN, t], config=config, world={"signer": payload, **world},
                  audit=["allowed", "settled" if code is None else "failed"], flags=flags)
    if code is not None:
        sc["expected"]["sent"] = []
    return sc


MIS, MAL, LONG = "payload-mismatch", "payload-malformed", "payload-expiry-too-long"
OTHER = "0x2222222222222222222222222222222222222222"
PERMIT2_PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001"
WALLET_CFG = {"max_per_call_usd": 0.10, "daily_limit_usd": 5, "payload": {"wallet": PAYER}}


def permit2(offer=V2_OFFER, witness=None, permitted=None, **changes):
    a = {"from": PAYER, "permitted": with_({"token": offer["asset"], "amount": offer["amount"]}, **(permitted or {})),
         "spender": PERMIT2_PROXY, "nonce": "1", "deadline": str(NOW_S + offer["maxTimeoutSeconds"]),
         "witness": with_({"to": offer["payTo"], "validAfter": "0"}, **(witness or {}))}
    return {"signature": SIG, "permit2Authorization": with_(a, **changes)}


def full(payload=None, **accepted):
    return {"x402Version": 2, "accepted": with_(V2_OFFER, **accepted), "payload": payload or evm()}


def solana_binding():
    """Solana exact, from the real @x402/svm transaction (svm_tx.py): paid as made, refused when it pays
    another amount, mint or token account, or carries an instruction the core does not know."""
    import svm_tx as S
    from sdk.regen import SVM_OFFER
    doc = S.fixture()
    if doc is None:
        return []
    real = doc["cases"][0]["payload"]
    tx = real["payload"]["transaction"]
    pay = v2(SVM_OFFER)

    def amount(t):
        ix = S.transfer(t)
        ix["data"] = ix["data"][:1] + (1001).to_bytes(8, "little") + ix["data"][9:]

    def system_ix(t):
        t["keys"].append(S.b58decode(S.SYSTEM))
        t["ixs"].append({"program": len(t["keys"]) - 1, "accounts": [], "data": b"\2" + b"\0" * 11})
    wallet = {"max_per_call_usd": 0.10, "daily_limit_usd": 5, "payload": {"wallet": doc["wallet"]}}
    return [
        bind(f"Solana exact: {doc['sdk']}'s transaction as made is paid (authority = the configured wallet)", real,
             payment=pay, config=wallet, flags=("Real",)),
        bind("Solana exact: one atomic unit more (TransferChecked amount)", {"transaction": S.mutate(tx, amount)}, MIS,
             "transaction.amount", payment=pay, flags=("Real", "Hostile")),
        bind("Solana exact: another mint", {"transaction": S.mutate(tx, lambda t: S.set_account(t, 1, b"\3" * 32))},
             MIS, "transaction.mint", payment=pay, flags=("Real", "Hostile")),
        bind("Solana exact: to the payer's own token account",
             {"transaction": S.mutate(tx, lambda t: S.set_account(t, 2, t["keys"][S.transfer(t)["accounts"][0]]))},
             MIS, "transaction.destination", payment=pay, flags=("Real", "Hostile")),
        bind("Solana exact: signed by another wallet than the configured one", real, MIS, "transaction.authority",
             payment=pay, config={**wallet, "payload": {"wallet": SOL_PAY_TO}}, flags=("Real", "Hostile")),
        bind("Solana exact: a System instruction appended: refused (fail closed)",
             {"transaction": S.mutate(tx, system_ix)}, MAL, "transaction.instructions", payment=pay,
             flags=("Real", "Hostile")),
        bind("Solana exact: a transaction the core cannot decode", {"transaction": "AQID"}, MAL, "transaction",
             payment=pay),
    ]


binding = [
    bind("EIP-3009: the approved authorization (to, value, validBefore = now + maxTimeoutSeconds) is sent",
         evm(), flags=()),
    bind("EIP-3009: the payee in another case (EIP-55 vs lower case) is the same payee", evm(to=PAY_TO.lower()),
         flags=()),
    bind("EIP-3009: another payee (to)", evm(to=OTHER), MIS, "authorization.to"),
    bind("EIP-3009: one atomic unit more (value)", evm(value="1001"), MIS, "authorization.value"),
    bind("EIP-3009: one atomic unit less (value)", evm(value="999"), MIS, "authorization.value"),
    bind("EIP-3009: a value that is not a canonical integer", evm(value="1e3"), MAL, "authorization.value"),
    bind("EIP-3009: validAfter later than now + skew (30 s)", evm(validAfter=str(NOW_S + 31)), MIS,
         "authorization.validAfter"),
    bind("EIP-3009: validAfter at now + skew is accepted", evm(validAfter=str(NOW_S + 30)), flags=()),
    bind("EIP-3009: already expired (validBefore + skew <= now)", evm(validBefore=str(NOW_S - 30)), MIS,
         "authorization.validBefore"),
    bind("EIP-3009: valid for longer than maxTimeoutSeconds + skew", evm(validBefore=str(NOW_S + 331)), LONG,
         "authorization.validBefore"),
    bind("EIP-3009: valid for a day (a bearer capability that outlives the offer)",
         evm(validBefore=str(NOW_S + 86400)), LONG, "authorization.validBefore"),
    bind("EIP-3009: validBefore at now + maxTimeoutSeconds + skew is accepted", evm(validBefore=str(NOW_S + 330)),
         flags=()),
    bind("EIP-3009: the skew is configurable (0 s: one second past maxTimeoutSeconds is too long)",
         evm(validBefore=str(NOW_S + 301)), LONG, "authorization.validBefore",
         config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "payload": {"skew_seconds": 0}}),
    bind("EIP-3009: from is the configured wallet", evm(), config=WALLET_CFG, flags=()),
    bind("EIP-3009: from is the configured wallet in another case", evm(**{"from": PAYER.upper().replace("0X", "0x")}),
         config=WALLET_CFG, flags=()),
    bind("EIP-3009: from is not the configured wallet", evm(**{"from": OTHER}), MIS, "authorization.from",
         config=WALLET_CFG),
    bind("EIP-3009: a malformed nonce", evm(nonce="0x1"), MAL, "authorization.nonce"),
    bind("EIP-3009: a malformed payer address", evm(**{"from": "0x12"}), MAL, "authorization.from"),
    bind("EIP-3009: a signature that is not hex", evm(sig="0xsig"), MAL, "signature"),
    bind("EIP-3009: an unknown authorization member", evm(extra="1"), MAL, "authorization"),
    *[bind(f"EIP-3009: {k} missing", evm(**{k: DROP}), MAL, f"authorization.{k}")
      for k in ["from", "to", "value", "validAfter", "validBefore", "nonce"]],
    bind("EIP-3009: a number where the SDK writes a string (value)", evm(value=1000), MAL, "authorization.value"),
    bind("a payload with neither authorization nor permit2Authorization", {"signature": SIG, "sig": "0x1"}, MAL,
         "authorization"),
    bind("a payload that is an empty object", {}, MAL, "signature"),
    bind("full v2 PaymentPayload: the accepted offer and authorization are the approved ones", full(), flags=()),
    *[bind(f"full v2 PaymentPayload: another accepted.{k}", full(**{k: v}), MIS, f"accepted.{k}")
      for k, v in [("scheme", "upto"), ("network", "eip155:8453"), ("amount", "1001"), ("asset", UNKNOWN_TOKEN),
                   ("payTo", OTHER)]],
    bind("full v2 PaymentPayload: another x402Version", {**full(), "x402Version": 1}, MIS, "x402Version"),
    bind("full v2 PaymentPayload without its scheme payload", {"x402Version": 2, "accepted": V2_OFFER}, MAL,
         "payload"),
    bind("full v2 PaymentPayload whose accepted matches but whose authorization pays more",
         full(evm(value="2000")), MIS, "authorization.value"),
    bind("v1: the approved authorization (value = maxAmountRequired) is sent", evm(V1_OFFER), payment=v1(),
         flags=()),
    bind("v1: a value above maxAmountRequired (v1 facilitators accept >=; the guard does not)",
         evm(V1_OFFER, value="10001"), MIS, "authorization.value", payment=v1()),
    bind("v1: validBefore beyond maxTimeoutSeconds (60) + skew", evm(V1_OFFER, validBefore=str(NOW_S + 91)), LONG,
         "authorization.validBefore", payment=v1()),
    bind("v1 full PaymentPayload on another network", {"x402Version": 1, "scheme": "exact", "network": "base",
                                                       "payload": evm(V1_OFFER)}, MIS, "network", payment=v1()),
    bind("Permit2: the approved permit (token, amount, witness.to, spender, deadline) is sent", permit2(), flags=()),
    bind("Permit2: another token", permit2(permitted={"token": UNKNOWN_TOKEN}), MIS,
         "permit2Authorization.permitted.token"),
    bind("Permit2: another amount", permit2(permitted={"amount": "1001"}), MIS,
         "permit2Authorization.permitted.amount"),
    bind("Permit2: another payee (witness.to)", permit2(witness={"to": OTHER}), MIS,
         "permit2Authorization.witness.to"),
    bind("Permit2: another spender than the x402 exact proxy", permit2(spender=OTHER), MIS,
         "permit2Authorization.spender"),
    bind("Permit2: a deadline beyond maxTimeoutSeconds + skew", permit2(deadline=str(NOW_S + 400)), LONG,
         "permit2Authorization.deadline"),
    bind("Permit2: witness.validAfter in the future", permit2(witness={"validAfter": str(NOW_S + 60)}), MIS,
         "permit2Authorization.witness.validAfter"),
    bind("Permit2: from is not the configured wallet", permit2(**{"from": OTHER}), MIS, "permit2Authorization.from",
         config=WALLET_CFG),
    *solana_binding(),
    bind("opt-out: payload.check = opaque sends a signer's opaque token unchecked", {"token": "opaque-remote-signer"},
         config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "payload": {"check": "opaque"}}, flags=()),
    scenario("a refused payload releases the reservation and forgets the fingerprint: the retry is paid once",
             [v2(), v2()], [OPEN, refused(MIS, "authorization.to"), settled()],
             world={"signer": [evm(to=OTHER), "ok"], "per_payment": ["signer"]},
             audit=["allowed", "failed", "allowed", "settled"], flags=["Hostile"]),
    scenario("a refused payload in a shared store: released in a transaction, the fingerprint forgotten",
             [v2()], [OPEN, task(["load-state", "cas-state", "audit sign", "cas-state", "replay-forget audit done"],
                                 allowed=False, code=MIS, details={"reason": "authorization.value"})],
             profile=SHARED, world={"signer": evm(value="1001")}, audit=["allowed", "failed"], flags=["Hostile"]),
    scenario("a payload refusal is counted (code and field) with the failed payment",
             [v2()], [OPEN, task(["audit sign", "audit done"], allowed=False, metrics=[
                 {"name": "x402_payments_total", "labels": {"outcome": "allowed"}},
                 {"name": "x402_payload_refusals_total",
                  "labels": {"code": LONG, "field": "authorization.validBefore"}},
                 {"name": "x402_payments_total", "labels": {"outcome": "failed"}}])],
             world={"signer": evm(validBefore=str(NOW_S + 3600))}, flags=["Hostile"]),
]
binding[-3]["expected"]["state"] = {"spend": {"r": []}}


def sdk_fixtures():
    """Payloads made by the real SDKs (vectors/fixtures/sdk-payloads-*.json, see sdk/regen.py): each is
    paid as made, and refused with its payee, value or validity changed."""
    import copy
    import os
    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    from sdk.regen import PERMIT2_OFFER
    offers = {"v2-eip3009": (v2(), "authorization"), "v1-eip3009": (v1(), "authorization"),
              "v2-permit2": (v2(PERMIT2_OFFER), "permit2Authorization")}
    for lang in ["ts", "py"]:
        path = os.path.join(here, "..", "fixtures", f"sdk-payloads-{lang}.json")
        if not os.path.exists(path):
            continue
        doc = json.load(open(path))
        assert doc["now_s"] == NOW_S
        for c in doc["cases"]:
            payment, key = offers[c["name"]]
            p = c["payload"]
            wallet = {"max_per_call_usd": 0.10, "daily_limit_usd": 5, "payload": {"wallet": doc["wallet"]}}
            out.append(bind(f"{doc['sdk']}: {c['name']} as the SDK made it is paid (from = the configured wallet)",
                            p, payment=payment, config=wallet, flags=("Real",)))

            def mutate(path_, value, p=p, key=key):
                q = copy.deepcopy(p)
                o = q["payload"][key]
                for k in path_[:-1]:
                    o = o[k]
                o[path_[-1]] = value
                return q
            to = ["witness", "to"] if key == "permit2Authorization" else ["to"]
            value = ["permitted", "amount"] if key == "permit2Authorization" else ["value"]
            before = ["deadline"] if key == "permit2Authorization" else ["validBefore"]
            amt = str(int(c["payload"]["payload"][key][value[0]] if len(value) == 1 else
                          c["payload"]["payload"][key]["permitted"]["amount"]) + 1)
            for path_, v, code in [(to, OTHER, MIS), (value, amt, MIS), (before, str(NOW_S + 86400), LONG)]:
                out.append(bind(f"{doc['sdk']}: {c['name']} with {key}.{'.'.join(path_)} changed",
                                mutate(path_, v), code, f"{key}.{'.'.join(path_)}", payment=payment,
                                flags=("Real", "Hostile")))
            out.append(bind(f"{doc['sdk']}: {c['name']} signed by another wallet than the configured one",
                            p, MIS, f"{key}.from", payment=payment,
                            config={**wallet, "payload": {"wallet": OTHER}}, flags=("Real", "Hostile")))
    return out


binding += sdk_fixtures()

# ---- the x402 payment-identifier extension (core/src/payid.rs) ----
def _fp(url=URL, offer=V2_OFFER):
    return fp(REPLAY_KEY, "GET", url, "", "", offer["network"], offer["asset"].lower(), offer["payTo"].lower())


PAYID = payment_id(REPLAY_KEY, 7, _fp())
PAYID_8 = payment_id(REPLAY_KEY, 8, _fp())
OTHER_URL = URL + "?city=oslo"
PAYID_OTHER = payment_id(REPLAY_KEY, 7, _fp(OTHER_URL))
assert PAYID != PAYID_8 and len(PAYID) == 32


def declared(required=False, **kw):
    return v2(extensions={"payment-identifier": payid_declaration(required)}, **kw)


def echoed(id_, required=False):
    return {"payment-identifier": {"info": {"required": required, "id": id_}, "schema": PAYID_SCHEMA}}


def with_purchase(p, purchase, seed=8):
    return {**p, "purchase": purchase, "seed": seed}


payid = [
    scenario("payment-identifier declared: the id is sent in extensions, audited and handed back in done",
             [declared(required=True)],
             [OPEN, task(PAID, allowed=True, settlement="settled", details={"payment_id": PAYID})],
             audit=["allowed", "settled"], flags=["Real"]),
    scenario("payment-identifier declared, not required: the id is sent all the same", [declared()],
             [OPEN, task(PAID, allowed=True, details={"payment_id": PAYID})], flags=["Real"]),
    scenario("payment-identifier declared, shared store: the same id", [declared()],
             [OPEN, task(PAID_SHARED, allowed=True, details={"payment_id": PAYID})], profile=SHARED),
    scenario("payment-identifier with an official client's full payload: its own payment-identifier entry is "
             "replaced, its other extensions stay",
             [declared()], [OPEN, task(PAID, allowed=True, details={"payment_id": PAYID})],
             world={"signer": {"x402Version": 2, "accepted": V2_OFFER, "payload": evm(),
                               "extensions": {"payment-identifier": {
                                   "info": {"required": False, "id": "pay_" + "x" * 20}},
                                              "other": {"info": {}}}}}),
    scenario("payment-identifier not declared: nothing is added", [v2()],
             [OPEN, settled()]),
    scenario("a malformed payment-identifier declaration (required not a boolean) is ignored",
             [v2(extensions={"payment-identifier": {"info": {"required": "yes"}}})], [OPEN, settled()]),
    scenario("a payment-identifier declaration without info is ignored",
             [v2(extensions={"payment-identifier": {"schema": {}}})], [OPEN, settled()]),
    scenario("extensions that are not an object are ignored", [v2(extensions=["payment-identifier"])],
             [OPEN, settled()]),
    scenario("a retry after a failed attempt passes its purchase: the same id is sent (another seed)",
             [declared(), with_purchase(declared(), PAYID)],
             [OPEN, task(allowed=False, code="signer-failed", details={"payment_id": PAYID}),
              task(PAID, allowed=True, settlement="settled", details={"payment_id": PAYID})],
             world={"signer": ["fail", "ok"], "per_payment": ["signer"]}),
    scenario("without its purchase, a retry after a failed attempt is a new purchase: a new id",
             [declared(), {**declared(), "seed": 8}],
             [OPEN, task(allowed=False, code="signer-failed"),
              task(PAID, allowed=True, details={"payment_id": PAYID_8})],
             world={"signer": ["fail", "ok"], "per_payment": ["signer"]}),
    scenario("a retry of a settled purchase with its purchase id is still a replay",
             [declared(), with_purchase(declared(), PAYID)],
             [OPEN, settled(), task(["replay-set", "audit done"], allowed=False, code="replay-detected",
                                    family="replay-detected", details={"payment_id": PAYID})]),
    scenario("a purchase id of another purchase (another fingerprint) is refused before anything is reserved",
             [with_purchase(declared(), PAYID_OTHER)],
             [OPEN, blocked("payment-id-mismatch", "payment")], audit=["blocked"], flags=["Hostile"]),
    scenario("a malformed purchase id is refused", [with_purchase(declared(), "pay_not-one-of-ours-0123456789")],
             [OPEN, blocked("payment-id-mismatch", "payment")], flags=["Hostile"]),
    scenario("an id with one character changed is refused",
             [with_purchase(declared(), PAYID[:-1] + ("A" if PAYID[-1] != "A" else "B"))],
             [OPEN, blocked("payment-id-mismatch", "payment")], flags=["Hostile"]),
    scenario("a purchase id of another purchase is refused even when the extension is not declared",
             [with_purchase(v2(), PAYID_OTHER)], [OPEN, blocked("payment-id-mismatch", "payment")],
             flags=["Hostile"]),
    scenario("a v1 challenge has no extensions: nothing is added", [v1()], [OPEN, settled()],
             world={"paid": {"status": 200, "settlement": OK_SETTLE}}),
]
payid[0]["expected"]["sent"] = [{"extensions": echoed(PAYID, True)}]
payid[0]["expected"]["audit_payment_ids"] = [PAYID, PAYID]
payid[1]["expected"]["sent_extensions"] = [echoed(PAYID)]
payid[2]["expected"]["sent_extensions"] = [echoed(PAYID)]
payid[3]["expected"]["sent_extensions"] = [{**echoed(PAYID), "other": {"info": {}}}]
for t in payid[4:8] + payid[15:]:
    t["expected"]["sent_extensions"] = [None]
    t["expected"]["audit_payment_ids"] = [None, None]
payid[8]["expected"]["sent_extensions"] = [echoed(PAYID)]
payid[8]["expected"]["audit_payment_ids"] = [PAYID, PAYID, PAYID, PAYID]
payid[9]["expected"]["sent_extensions"] = [echoed(PAYID_8)]
payid[11]["expected"]["audit_payment_ids"] = [None]

# ---- hot reload (Driver::reload): a `{"reload": config}` entry of `payments` reloads the policy (`reload_text`: as
# raw text); the world's `reload_on_sign` reloads while the first payment is being signed (its spend reserved).
URL2 = "http://127.0.0.1:4021/forecast"
LIMITS = {"max_per_call_usd": 0.10, "daily_limit_usd": 5}


def applied(crossings=("audit done",), **kw):
    return task(list(crossings), allowed=True, code=None, metrics=[{"name": "x402_policy_reloads_total",
                                                                    "labels": {"result": "applied"}}], **kw)


def reload_refused(code, path, crossings=("audit done",)):
    return task(list(crossings), allowed=False, code=code,
                metrics=[{"name": "x402_policy_reloads_total", "labels": {"result": "refused"}}],
                details={"errors": [{"path": path, "code": code}]})


reload = [
    scenario("reload lowers the per-call limit: the next payment is refused",
             [v2(), {"reload": {"max_per_call_usd": 0.0005, "daily_limit_usd": 5}}, v2(url=URL2)],
             [OPEN, settled(), applied(), blocked("policy-per-call-exceeded", "policy-violation")],
             audit=["allowed", "settled", "applied", "blocked"]),
    scenario("an invalid reload is refused with its code and the old policy stays in force",
             [{"reload": {"max_per_call_usd": "ten", "daily_limit_usd": 5}}, v2()],
             [OPEN, reload_refused("usd-malformed", "max_per_call_usd"), settled()],
             audit=["refused", "allowed", "settled"]),
    scenario("a reload with an unknown key is refused (the core validates: hosts list no keys)",
             [{"reload": {**LIMITS, "max_per_cal_usd": 0.0005}}, v2()],
             [OPEN, reload_refused("config-unknown-field", "max_per_cal_usd"), settled()],
             audit=["refused", "allowed", "settled"]),
    scenario("a reload that is not JSON is refused as config-malformed",
             [{"reload_text": "max_per_call_usd = 0.0005"}, v2()],
             [OPEN, reload_refused("config-malformed", ""), settled()], audit=["refused", "allowed", "settled"]),
    scenario("a reload that changes the replica id is refused: the chain and its head belong to one replica",
             [{"reload": {**LIMITS, "replica_id": "r2"}}, v2()],
             [OPEN, reload_refused("config-identity-changed", "replica_id"), settled()],
             config={**LIMITS, "replica_id": "r1"}, audit=["refused", "allowed", "settled"], flags=["Hostile"]),
    scenario("a reload that changes the agent id is refused",
             [{"reload": {**LIMITS, "agent_id": "someone-else"}}, v2()],
             [OPEN, reload_refused("config-identity-changed", "agent_id"), settled()],
             config={**LIMITS, "agent_id": "agent-1"}, audit=["refused", "allowed", "settled"], flags=["Hostile"]),
    scenario("a reload while a payment is signed: it finishes under its policy; its spend counts under the new limit",
             [v2(), v2(url=URL2)],
             [OPEN, settled(), blocked("policy-window-exceeded", "policy-violation")],
             world={"reload_on_sign": {"max_per_call_usd": 0.10, "daily_limit_usd": 0.0015}},
             audit=["allowed", "applied", "settled", "blocked"]),
    scenario("a reload that removes MPA while approvals are awaited: the payment in flight still needs them",
             [v2(BIG)], [OPEN, task(allowed=False, code="mpa-denied", family="mpa-denied")],
             config=mpa_cfg(HOOKS),
             world={"webhooks": {"alice": "approve", "bob": "deny", "charlie": "deny"},
                    "reload_on_webhook": {"max_per_call_usd": 10, "daily_limit_usd": 100, "agent_id": "my-agent-v1"}},
             audit=["applied", "blocked"], flags=["Hostile"]),
    scenario("reload with a kept head: the line's head is saved",
             [{"reload": {"max_per_call_usd": 0.0005}}, v2()],
             [task(["load-head", "done"], allowed=True), applied(["audit save-head done"]),
              task(["audit save-head done"], allowed=False, code="policy-per-call-exceeded")],
             profile=KEEP, world={"heads": {}}, audit=["applied", "blocked"]),
    scenario("a reload whose audit line is lost is undone: store-unavailable, the old policy stays",
             [{"reload": {"max_per_call_usd": 0.0005}}, v2()],
             [OPEN, task(["audit done", "done"], allowed=False, code="store-unavailable"), settled()],
             world={"fail": {"audit": [1]}}, audit=["allowed", "settled"]),
]


# ---- operator controls (issue 18): kill switch, velocity, per-asset caps ----
def halt(by="ops", reason="incident 42"):
    return {"control": {"halt": True, "by": by, "reason": reason}}


RESUME = {"control": {"halt": False}}
CONTROL_OK = task(["audit done"], allowed=True, code=None)
VELOCITY = {"max_per_call_usd": 0.10, "daily_limit_usd": 5, "velocity": {"max_payments": 2, "interval_seconds": 60}}
CAP = {"network": "eip155:84532", "address": V2_OFFER["asset"]}


def at(n):
    return v2(url=URL + f"?n={n}")


controls = [
    scenario("kill switch: halted, a payment is refused with guard-halted and audited; resumed, the next is paid",
             [halt(), at(1), RESUME, at(2)],
             [OPEN, CONTROL_OK, blocked("guard-halted", "policy-violation"), CONTROL_OK, settled()],
             audit=["halted", "blocked", "resumed", "allowed", "settled"]),
    scenario("kill switch on a shared store: set by compare-and-set, every later payment refused",
             [halt(), at(1)],
             [OPEN, task(["load-state", "cas-state", "audit done"], allowed=True),
              task(["load-state", "audit done"], allowed=False, code="guard-halted", family="policy-violation")],
             profile=SHARED, audit=["halted", "blocked"]),
    scenario("kill switch: a reason with control characters is refused, nothing changes",
             [halt(reason="a\nb"), at(1)],
             [OPEN, task(["done"], allowed=False, code="invalid-input"), settled()], audit=["allowed", "settled"]),
    scenario("velocity: at most 2 payments per 60 s globally; the third is refused, one interval later it passes",
             [at(1), at(2), at(3), {"advance_ms": 60_000}, at(4)],
             [OPEN, settled(), settled(), blocked("velocity-exceeded", "policy-violation"), settled()],
             config=VELOCITY, audit=["allowed", "settled", "allowed", "settled", "blocked", "allowed", "settled"]),
    scenario("velocity per endpoint: its own limit, other endpoints unaffected",
             [at(1), at(2), v2(url="http://127.0.0.1:4021/other")],
             [OPEN, settled(), blocked("velocity-exceeded", "policy-violation"), settled()],
             config={"max_per_call_usd": 0.10, "daily_limit_usd": 5, "velocity": {"per_endpoint": {
                 "http://127.0.0.1:4021/weather": {"max_payments": 1, "interval_seconds": 3600}}}}),
    scenario("velocity: a payment whose signer failed frees its slot (released payments do not count)",
             [at(1), at(2)],
             [OPEN, task(None, allowed=False, code="signer-failed"), settled()],
             config={**VELOCITY, "velocity": {"max_payments": 1, "interval_seconds": 60}},
             world={"signer": ["fail", "ok"], "per_payment": ["signer"]}),
    scenario("asset cap per call in atomic units: 1000 > 999 refused with asset-cap-exceeded",
             [at(1)], [OPEN, blocked("asset-cap-exceeded", "policy-violation")],
             config={"max_per_call_usd": 0.10, "asset_caps": [{**CAP, "max_per_call": "999"}]}),
    scenario("asset cap per window: 1000 + 1000 fit in 2500, a third 1000 does not",
             [at(1), at(2), at(3)],
             [OPEN, settled(), settled(), blocked("asset-cap-exceeded", "policy-violation")],
             config={"max_per_call_usd": 0.10, "asset_caps": [{**CAP, "max_per_window": "2500"}]}),
    scenario("an asset without a USD price is payable within its atomic-unit window cap, and only so",
             [v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN)), v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN, amount="4001"),
                                                          url=URL + "?b")],
             [OPEN, settled(), blocked("asset-cap-exceeded", "policy-violation")],
             config={"max_per_call_usd": 0.10, "asset_caps": [
                 {"network": "base-sepolia", "address": UNKNOWN_TOKEN, "max_per_window": "5000"}]}),
]


# ---- operator controls, part B: quote drift, wallet-pinning modes, budget alerts ----
OTHER_PAY_TO = "0x00000000000000000000000000000000000000b0"
ALERT_URL = "http://127.0.0.1:9/alerts"
ALERT_SECRET = "alert-secret-0123456789"  # noqa: S105 - a test key


def priced(amount, n, pay_to=PAY_TO, url=URL):
    """A v2 payment of `amount` atomic units for `url` with query `n=<n>` (its own purchase)."""
    return v2(with_(V2_OFFER, amount=str(amount), payTo=pay_to), url=f"{url}?n={n}")


ALERTED = ["audit alert sign", "send", "audit done"]
controls_b = [
    scenario("quote drift: +50% over the last paid price passes at the ratio, one unit more is refused",
             [priced(1000, 1), priced(1500, 2), priced(2251, 3)],
             [OPEN, settled(), settled(), blocked("quote-drift-exceeded", "policy-violation")],
             config={"max_quote_increase_ratio": "0.5"}, audit=["allowed", "settled", "allowed", "settled",
                                                                "blocked"]),
    scenario("quote drift: the query is not part of the resource, a new path is a first purchase",
             [priced(1000, 1), priced(5000, 2, url=URL + "/other")],
             [OPEN, settled(), settled()], config={"max_quote_increase_ratio": 0}),
    scenario("quote drift: a failed payment remembers no price",
             [priced(1000, 1), priced(1400, 2), priced(1600, 3)],
             [OPEN, settled(), task(allowed=False, code="signer-failed"),
              blocked("quote-drift-exceeded", "policy-violation")],
             config={"max_quote_increase_ratio": "0.5"},
             world={"signer": ["ok", "fail", "ok"], "per_payment": ["signer"]}),
    scenario("quote drift in a shared store: the price paid by one payment bounds the next",
             [priced(1000, 1), priced(3000, 2)],
             [OPEN, task(allowed=True, settlement="settled"), task(allowed=False, code="quote-drift-exceeded")],
             config={"max_quote_increase_ratio": "1"}, profile=SHARED),
    scenario("wallet_pinning block: a changed payee is refused (pin_pay_to true)",
             [priced(1000, 1), priced(1000, 2, pay_to=OTHER_PAY_TO)],
             [OPEN, settled(), blocked("pay-to-pin-mismatch", "policy-violation")],
             config={"wallet_pinning": "block"}),
    scenario("wallet_pinning warn: a changed payee is paid, audited and counted; the pin does not move",
             [priced(1000, 1), priced(1000, 2, pay_to=OTHER_PAY_TO), priced(1000, 3, pay_to=OTHER_PAY_TO)],
             [OPEN, settled(), settled(), settled()],
             config={"wallet_pinning": "warn"}),
    scenario("budget alerts at 0.8 and 0.95 of the window limit fire once each, with a signed webhook",
             [priced(4000, 1), priced(4000, 2), priced(1000, 3), priced(600, 4), priced(200, 5)],
             [OPEN, settled(), task(ALERTED, allowed=True), settled(), task(ALERTED, allowed=True), settled()],
             config={"daily_limit_usd": "0.01", "budget_alerts": [0.8, 0.95],
                     "alert_webhook": {"url": ALERT_URL, "secret": ALERT_SECRET}}),
    scenario("budget alerts per endpoint and global in one payment; without a webhook no alert action",
             [priced(9000, 1)],
             [OPEN, settled()],
             config={"daily_limit_usd": "0.01", "per_endpoint": {"http://127.0.0.1:4021": "0.009"},
                     "budget_alerts": ["0.9"]}),
    scenario("a budget alert re-arms when the total falls back under the fraction (a released reservation)",
             [priced(8000, 1), priced(1000, 2), priced(7000, 3)],
             [OPEN, task(allowed=False, code="signer-failed"), settled(), task(ALERTED, allowed=True)],
             config={"daily_limit_usd": "0.01", "budget_alerts": ["0.8"], "alert_webhook": {"url": ALERT_URL}},
             world={"signer": ["fail", "ok", "ok"], "per_payment": ["signer"]}),
    scenario("budget alerts in a shared store: remembered in the state, so no process repeats one",
             [priced(8000, 1), priced(1000, 2)],
             [OPEN, task(allowed=True, settlement="settled"), task(allowed=True, settlement="settled")],
             config={"daily_limit_usd": "0.01", "budget_alerts": ["0.8"], "alert_webhook": {"url": ALERT_URL}},
             profile=SHARED),
    scenario("a budget alert on an asset cap's window counts atomic units (an asset without a USD price)",
             [v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN, amount="2000"), url=URL + "?a"),
              v2(with_(V2_OFFER, asset=UNKNOWN_TOKEN, amount="1000"), url=URL + "?b")],
             [OPEN, settled(), task(ALERTED, allowed=True, settlement="settled")],
             config={"max_per_call_usd": 0.10, "budget_alerts": ["0.5"], "alert_webhook": {"url": ALERT_URL},
                     "asset_caps": [{"network": "base-sepolia", "address": UNKNOWN_TOKEN,
                                     "max_per_window": "5000"}]}),
]
controls_b[0]["expected"]["audit_alerts"] = [None] * 5
controls_b[5]["expected"]["audit_alerts"] = [None, None, ["pay-to-pin-mismatch"], None, ["pay-to-pin-mismatch"], None]
controls_b[6]["expected"]["audit_alerts"] = [None, None, ["budget:0.8:*"], None, None, None, ["budget:0.95:*"], None,
                                           None, None]
controls_b[7]["expected"]["audit_alerts"] = [["budget:0.9:*", "budget:0.9:endpoint:http://127.0.0.1:4021"], None]
controls_b[8]["expected"]["audit_alerts"] = [["budget:0.8:*"], None, None, None, ["budget:0.8:*"], None]
controls_b[9]["expected"]["audit_alerts"] = [["budget:0.8:*"], None, None, None]
controls_b[10]["expected"]["audit_alerts"] = [None, None, [f"budget:0.5:asset:eip155:84532:{UNKNOWN_TOKEN.lower()}"],
                                            None]



def traced(s):
    """`s` with every payment begun with `"spans": true` (a host with a tracer): `done` carries the span plan."""
    s = copy.deepcopy(s)
    s["comment"] = "spans on: " + s["comment"]
    for p in s["input"]["payments"]:
        if "url" in p:
            p["spans"] = True
    return s


# OpenTelemetry span plans: built only when the host asks (every other scenario: no `done.spans`).
spans = [traced(s) for s in (happy[0], happy[1], policy[0], policy[3], identity[0], settlement[0], settlement[3],
                             approvals[0], approvals[2], shared[0], audit[0], binding[0], controls[0])]

# ---- flushing the head (core `Driver::flush`): a guard whose heads ride saves the head its last line left unsaved
# once it is quiet (a `done` says `unsaved_head_ms`), so that cutting the log's last line is caught (THREATS.md).
FLUSH = {"flush": True}
FLUSHED = task(["save-head done"], allowed=True)
UNSAVED = {"unsaved_head_ms": 20}

flushing = [
    scenario("flush: a paid payment's done says its head is unsaved; the quiet guard saves it, and the stored head is "
             "the log's last line",
             [v2(), FLUSH], [RIDE_OPEN, task(RIDE_PAID, allowed=True, **UNSAVED), FLUSHED], profile=RIDE,
             world={"heads": {}}, audit=["allowed", "settled"], expect={"cas_heads": [None, 1], "head_lag": 0}),
    scenario("flush: with nothing unsaved, a flush saves nothing",
             [v2(), FLUSH, FLUSH], [RIDE_OPEN, task(RIDE_PAID, allowed=True), FLUSHED, task(["done"], allowed=True)],
             profile=RIDE, world={"heads": {}}, expect={"head_lag": 0}),
    scenario("flush: the next reservation cannot check the flushed head (its save is not known performed), so its "
             "pre-sign line saves its own head before signing; its settlement carries the stored head as a check",
             [v2(), FLUSH, v2(url=URL + "?b"), FLUSH],
             [RIDE_OPEN, task(RIDE_PAID, allowed=True), FLUSHED,
              task(["cas-state", "audit save-head sign", "send", "cas-state", "audit done"], allowed=True, **UNSAVED),
              FLUSHED],
             profile=RIDE, world={"heads": {}}, audit=["allowed", "settled", "allowed", "settled"],
             expect={"cas_heads": [None, 1, None, 3], "head_lag": 0}),
    scenario("flush: another writer of the replica moved the stored head while the guard was quiet: the next "
             "payment's pre-sign save finds it, and the payment is refused before signing",
             [v2(), FLUSH, {"head_write": H(9, "b")}, v2(url=URL + "?b")],
             [RIDE_OPEN, task(RIDE_PAID, allowed=True), FLUSHED,
              task(["cas-state", "audit save-head sign", "load-head", "replay-forget done"], allowed=False,
                   code="store-unavailable", details={"reason": "replica-head-conflict"})],
             profile=RIDE, world={"heads": {}}, audit=["allowed", "settled", "allowed"], verifies=None,
             flags=("Hostile",)),
    scenario("flush: a failed flush save ends store-unavailable; the next payment rereads the head and its "
             "reservation carries the log's head",
             [v2(), FLUSH, v2(url=URL + "?b")],
             [RIDE_OPEN, task(RIDE_PAID, allowed=True),
              task(["save-head done", "done"], allowed=False, code="store-unavailable",
                   details={"reason": "head-save-refused"}),
              task(["load-head", "cas-state", "audit sign", "send", "cas-state", "audit done"], allowed=True,
                   **UNSAVED)],
             profile=RIDE, world={"heads": {}, "fail": {"save-head": [1]}},
             expect={"cas_heads": [None, 1, 2, 3], "head_lag": 1}),
    scenario("flush: a guard whose heads do not ride saves every head with its line: nothing to flush",
             [v2(), FLUSH],
             [task(["load-head", "done"], allowed=True),
              task(["load-state", "cas-state", "audit save-head sign", "send", "cas-state", "audit save-head done"],
                   allowed=True),
              task(["done"], allowed=True)],
             profile={**RIDE, "cas_head": False}, world={"heads": {}}, expect={"head_lag": 0}),
    scenario("flush: an unshared guard has no stored head: a flush is done at once",
             [v2(), FLUSH], [OPEN, settled(), task(["done"], allowed=True)]),
]

groups = [
    {"comment": "payments that go through", "tests": happy},
    {"comment": "refusals before signing", "tests": policy},
    {"comment": "what one purchase is: the request, not the quote", "tests": identity},
    {"comment": "settlement: one rule for every paid response", "tests": settlement},
    {"comment": "multi-party approval", "tests": approvals},
    {"comment": "shared stores: compare-and-set, errors at each step", "tests": shared},
    {"comment": "audit writes and their repair", "tests": audit},
    {"comment": "start-up and the replica's head", "tests": startup},
    {"comment": "echoes and secrets: what is handed back is redacted, URL credentials are masked", "tests": echoes},
    {"comment": "402 bodies as bytes: decoded once, by the core", "tests": body_bytes},
    {"comment": "what gets signed is what was approved: the signed payload is bound to the approval",
     "tests": binding},
    {"comment": "the x402 payment-identifier extension: one id per purchase, reused on its retries", "tests": payid},
    {"comment": "hot reload: validated by the core, audited, payments in flight keep their policy", "tests": reload},
    {"comment": "operator controls: kill switch, velocity limits, per-asset caps", "tests": controls},
    {"comment": "operator controls: quote drift, wallet-pinning modes, budget alerts", "tests": controls_b},
    {"comment": "OpenTelemetry: the span plan only when the host asks for it (`spans: true`)", "tests": spans},
    {"comment": "heads riding the compare-and-sets", "tests": riding},
    {"comment": "flushing the head", "tests": flushing},
]

if __name__ == "__main__":
    write("driver/scenarios.json", "driver.scenario",
          ["Whole payments through the sans-I/O driver against a scripted world (see gen_driver.py).",
           "core/tests/driver_vectors.rs checks them and records vectors/driver/transcripts.json."],
          groups, notes={"Real": "A real wire format.", "Hostile": "An attack the guard must stop."})
