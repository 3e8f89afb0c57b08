"""Vectors for multi-party authorization (mpa.*).

Request ids, canonical approval requests, countersignatures and response HMACs
are computed here independently of the Rust core (stdlib only; `jcs` comes from
gen_audit.py).
"""
import hashlib
import hmac

from common import case, write
from gen_audit import jcs, usd_norm

APPROVAL_DOMAIN = "presidio-x402/mpa-approval/v1"
REQUEST_ID_DOMAIN = "presidio-x402/mpa-request-id/v2"
T0 = 1767225600000
TIMEOUT = 30000

SECRETS = {"alice": "alice-countersign-key-0001", "bob": "bob-countersign-key-0002",
           "carol": "carol-countersign-key-0003"}
W2_SECRET = "w2-response-hmac-key-0004"  # noqa: S105 - fixed vector key material, published on purpose


def hmac_hex(secret, data):
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hmac.new(secret, data, hashlib.sha256).hexdigest()


def payment(**over):
    p = {
        "resource_url": "https://api.example.com/premium/report?id=[REDACTED]",
        "method": "GET",
        "network": "eip155:8453",
        "asset": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
        "pay_to": "0x209693bc6afc0c5328ba36faf03c514ef312287c",
        "amount": "2500000",
        "amount_usd": "2.5",
        "scheme": "exact",
        "agent_id": "my-agent-v1",
        "fingerprint": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    }
    p.update(over)
    return p


def request(p, now=T0, timeout=TIMEOUT):
    rid = hashlib.sha256(jcs({"domain": REQUEST_ID_DOMAIN, "fingerprint": p["fingerprint"], "amount": str(p["amount"]),
                              "now_ms": now})
                         .encode("utf-8")).hexdigest()[:32]
    return {"request_id": rid, "expires_at_ms": now + timeout, **p, "amount_usd": usd_norm(p["amount_usd"])}


def canonical(req):
    return jcs({**req, "domain": APPROVAL_DOMAIN})


def sign(name_or_secret, req):
    secret = SECRETS.get(name_or_secret, name_or_secret)
    return hmac_hex(secret, canonical(req))


CRYPTO_CFG = {"threshold": 2, "min_amount_usd": 1.00, "timeout_seconds": 30, "approvers": [
    {"approver_id": "alice", "mode": "crypto", "secret": SECRETS["alice"]},
    {"approver_id": "bob", "mode": "crypto", "secret": SECRETS["bob"]},
    {"approver_id": "carol", "mode": "crypto", "secret": SECRETS["carol"]},
    {"approver_id": "dave", "mode": "webhook", "webhook_url": "https://approvals.example.com/dave"},
]}
CRYPTO_CFG_1 = {**CRYPTO_CFG, "threshold": 1}

SEED_CFG = {"threshold": 2, "min_amount_usd": 1.00, "timeout_seconds": 30, "approvers": [
    {"approver_id": "alice", "mode": "webhook", "webhook_url": "https://approvals.internal/alice"},
    {"approver_id": "bob", "mode": "webhook", "webhook_url": "https://approvals.internal/bob"},
    {"approver_id": "charlie", "mode": "webhook", "webhook_url": "https://approvals.internal/charlie"},
]}

WEBHOOK_CFG = {"threshold": 1, "approvers": [
    {"approver_id": "w1", "mode": "webhook", "webhook_url": "https://approvals.example.com/w1"},
    {"approver_id": "w2", "mode": "webhook", "webhook_url": "https://approvals.example.com/w2", "secret": W2_SECRET},
    {"approver_id": "c1", "mode": "crypto", "secret": SECRETS["alice"]},
]}


def config_vectors():
    def ok(comment, cfg, summary, **extra):
        return case(comment, {"config": cfg, **extra}, {"ok": True, "config": summary, "errors": []})

    def bad(comment, cfg, errors, flags=(), **extra):
        return case(comment, {"config": cfg, **extra},
                    {"ok": False, "config": None, "errors": [{"path": p, "code": c} for p, c in errors]}, flags=flags)

    def appr(*a, **over):
        base = dict(SEED_CFG, **over)
        if a:
            base["approvers"] = list(a)
        return base

    def wh(i, url):
        return {"approver_id": i, "mode": "webhook", "webhook_url": url}
    seed_summary = {"threshold": 2, "min_amount_usd": "1", "timeout_ms": 30000, "allow_private_webhooks": False,
                    "approvers": [{"approver_id": n, "mode": "webhook",
                                   "webhook_url": "https://approvals.internal/" + n,
                                   "has_secret": False} for n in ["alice", "bob", "charlie"]]}
    tests = [
        ok("the seed's 2-of-3 webhook example", SEED_CFG, seed_summary),
        bad("threshold beyond 32-bit range with no valid approvers (found by the wasm differential test)",
            {"threshold": 16332064447353937346, "approvers": []},
            [("mpa.approvers", "config-bad-approver"), ("mpa.threshold", "config-bad-threshold")], ["Hostile"]),
        ok("crypto and webhook approvers; secrets never echoed", CRYPTO_CFG, {
            "threshold": 2, "approvers": [
                {"approver_id": "alice", "mode": "crypto", "webhook_url": None, "has_secret": True},
                {"approver_id": "bob", "mode": "crypto", "webhook_url": None, "has_secret": True},
                {"approver_id": "carol", "mode": "crypto", "webhook_url": None, "has_secret": True},
                {"approver_id": "dave", "mode": "webhook", "webhook_url": "https://approvals.example.com/dave",
                 "has_secret": False}]}),
        ok("min_amount_usd as a string is exact", appr(min_amount_usd="0.10"), {"min_amount_usd": "0.1"}),
        ok("min_amount_usd as an exponent number is exact", appr(min_amount_usd=1e-05), {"min_amount_usd": "0.00001"}),
        ok("defaults: min 0, timeout 30 s, mode webhook, private webhooks refused",
           {"threshold": 1, "approvers": [{"approver_id": "a", "webhook_url": "https://x.example/a"}]},
           {"min_amount_usd": "0", "timeout_ms": 30000, "allow_private_webhooks": False,
            "approvers": [{"approver_id": "a", "mode": "webhook"}]}),
        ok("threshold equal to the number of approvers", appr(threshold=3), {"threshold": 3}),
        ok("private webhook allowed by configuration", appr(wh("a", "http://127.0.0.1:8080/approve"), threshold=1,
                                                            allow_private_webhooks=True),
           {"allow_private_webhooks": True}),
        ok("webhook with a response HMAC secret", WEBHOOK_CFG, {"approvers": [
            {"approver_id": "w1", "has_secret": False}, {"approver_id": "w2", "has_secret": True},
            {"approver_id": "c1", "has_secret": True}]}),
        ok("empty path prefix", SEED_CFG, seed_summary, path_prefix=""),
        bad("threshold 0", appr(threshold=0), [("mpa.threshold", "config-bad-threshold")]),
        bad("threshold above the number of approvers", appr(threshold=4), [("mpa.threshold", "config-bad-threshold")]),
        bad("threshold missing", {k: v for k, v in SEED_CFG.items() if k != "threshold"},
            [("mpa.threshold", "config-bad-threshold")]),
        bad("threshold negative", appr(threshold=-1), [("mpa.threshold", "config-bad-threshold")]),
        bad("threshold as a string", appr(threshold="2"), [("mpa.threshold", "config-bad-type")]),
        bad("threshold fractional", appr(threshold=1.5), [("mpa.threshold", "config-bad-type")]),
        bad("duplicate approver id", appr(wh("a", "https://x.example/1"), wh("a", "https://x.example/2"), threshold=1),
            [("mpa.approvers[1].approver_id", "config-bad-approver")]),
        bad("approvers missing", {"threshold": 1}, [("mpa.approvers", "config-bad-approver")]),
        bad("approvers empty", appr(threshold=1, approvers=[]), [("mpa.approvers", "config-bad-approver")]),
        bad("approvers not a list", appr(approvers={"alice": "x"}), [("mpa.approvers", "config-bad-type")]),
        bad("webhook approver without a url", appr({"approver_id": "a", "mode": "webhook"}, threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")]),
        bad("webhook url is not http(s)", appr(wh("a", "ftp://x.example/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        bad("webhook url with credentials", appr(wh("a", "https://user:pw@x.example/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        bad("webhook url with a space", appr(wh("a", "https://x.example/a b"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        bad("webhook url with junk after an IPv6 literal", appr(wh("a", "https://[2606:4700::1111]x/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        bad("webhook url with a percent-encoded host", appr(wh("a", "https://%31%32%37.0.0.1/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        ok("public IPv6 webhook with a port", appr(wh("a", "https://[2606:4700::1111]:8443/a"), threshold=1),
           {"approvers": [{"approver_id": "a", "webhook_url": "https://[2606:4700::1111]:8443/a"}]}),
        bad("webhook url with a bad port", appr(wh("a", "https://x.example:99999/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "url-invalid")]),
        bad("SSRF: loopback webhook refused", appr(wh("a", "http://127.0.0.1:8080/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: localhost refused", appr(wh("a", "http://LOCALHOST./a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: cloud metadata address refused", appr(wh("a", "http://169.254.169.254/latest"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: private 10/8 refused", appr(wh("a", "https://10.0.0.7/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: IPv6 loopback refused", appr(wh("a", "http://[::1]:9000/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: IPv4-mapped private IPv6 refused", appr(wh("a", "http://[::ffff:192.168.0.1]/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: shorthand numeric host refused", appr(wh("a", "http://127.1/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("SSRF: integer host refused", appr(wh("a", "http://2130706433/a"), threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver")], flags=["SSRF"]),
        bad("crypto approver without a secret", appr({"approver_id": "a", "mode": "crypto"}, threshold=1),
            [("mpa.approvers[0].secret", "config-bad-approver")]),
        bad("crypto secret under 16 bytes",
            appr({"approver_id": "a", "mode": "crypto", "secret": "short"}, threshold=1),
            [("mpa.approvers[0].secret", "key-too-short")]),
        bad("webhook response secret under 16 bytes",
            appr({**wh("a", "https://x.example/a"), "secret": "0123456789abcde"}, threshold=1),
            [("mpa.approvers[0].secret", "key-too-short")]),
        bad("crypto approver with a webhook url",
            appr({"approver_id": "a", "mode": "crypto", "secret": SECRETS["alice"],
                  "webhook_url": "https://x.example/"},
                 threshold=1), [("mpa.approvers[0].webhook_url", "config-bad-approver")]),
        ok("a human approver (a person asked in a prompt) has neither URL nor secret",
           {"threshold": 1, "approvers": [{"approver_id": "me", "mode": "human"}]},
           {"approvers": [{"approver_id": "me", "mode": "human", "webhook_url": None, "has_secret": False}]}),
        bad("a human approver with a webhook url or a secret",
            appr({"approver_id": "me", "mode": "human", "webhook_url": "https://x.example/",
                  "secret": SECRETS["alice"]}, threshold=1),
            [("mpa.approvers[0].webhook_url", "config-bad-approver"),
             ("mpa.approvers[0].secret", "config-bad-approver")]),
        bad("unknown mode", appr({"approver_id": "a", "mode": "sms", "webhook_url": "https://x.example/"}, threshold=1),
            [("mpa.approvers[0].mode", "config-bad-approver")]),
        bad("approver id with a space", appr(wh("a b", "https://x.example/a"), threshold=1),
            [("mpa.approvers[0].approver_id", "config-bad-approver")]),
        bad("approver id missing", appr({"webhook_url": "https://x.example/a"}, threshold=1),
            [("mpa.approvers[0].approver_id", "config-bad-approver")]),
        bad("approver not an object", appr("alice", threshold=1), [("mpa.approvers[0]", "config-bad-type")]),
        bad("unknown top-level key", appr(quorum=2), [("mpa.quorum", "config-unknown-field")]),
        bad("unknown approver key", appr({**wh("a", "https://x.example/a"), "phone": "+1 555"}, threshold=1),
            [("mpa.approvers[0].phone", "config-unknown-field")]),
        bad("timeout 0", appr(timeout_seconds=0), [("mpa.timeout_seconds", "config-out-of-range")]),
        bad("timeout negative", appr(timeout_seconds=-5), [("mpa.timeout_seconds", "config-out-of-range")]),
        bad("timeout over an hour", appr(timeout_seconds=3601), [("mpa.timeout_seconds", "config-out-of-range")]),
        bad("timeout as a string", appr(timeout_seconds="30"), [("mpa.timeout_seconds", "config-bad-type")]),
        bad("min_amount_usd negative", appr(min_amount_usd="-1"), [("mpa.min_amount_usd", "usd-malformed")]),
        bad("min_amount_usd beyond 18 decimals", appr(min_amount_usd="0.1000000000000000055"),
            [("mpa.min_amount_usd", "usd-too-precise")]),
        bad("min_amount_usd boolean", appr(min_amount_usd=True), [("mpa.min_amount_usd", "config-bad-type")]),
        bad("allow_private_webhooks as a string", appr(allow_private_webhooks="yes"),
            [("mpa.allow_private_webhooks", "config-bad-type")]),
        bad("configuration not an object", [1, 2], [("mpa", "config-malformed")]),
        bad("every error is reported, each with its path",
            {"threshold": 0, "timeout_seconds": 0, "extra": 1, "approvers": [
                {"approver_id": "a", "mode": "crypto", "secret": "short"},
                {"approver_id": "b", "mode": "webhook", "webhook_url": "http://192.168.1.10/"},
                {"approver_id": "b", "mode": "webhook", "webhook_url": "https://ok.example/"}]},
            [("mpa.extra", "config-unknown-field"), ("mpa.timeout_seconds", "config-out-of-range"),
             ("mpa.approvers[0].secret", "key-too-short"), ("mpa.approvers[1].webhook_url", "config-bad-approver"),
             ("mpa.approvers[2].approver_id", "config-bad-approver"), ("mpa.threshold", "config-bad-threshold")]),
        bad("paths follow the prefix", appr(threshold=0), [("policy.mpa.threshold", "config-bad-threshold")],
            path_prefix="policy.mpa"),
    ]
    write("mpa-config.json", "mpa.config",
          ["mpa.config: validate the [mpa] table (keys as in the seed's TOML). Secrets are strings used as UTF-8 "
           "bytes.",
           "Every problem is listed as {path, code}; a summary never contains a secret."],
          [{"tests": tests}], {"SSRF": "Webhook to a private, loopback or ambiguous numeric address."})


BASE = payment()
REQ = request(BASE)


def request_vectors():
    def mk(comment, p, now=T0, timeout=TIMEOUT, flags=()):
        r = request(p, now, timeout)
        return case(comment, {"payment": p, "now_ms": now, "timeout_ms": timeout},
                    {"request_id": r["request_id"], "expires_at_ms": r["expires_at_ms"], "canonical": canonical(r),
                     "request": r}, flags=flags)

    def bad(comment, p, code, now=T0, timeout=TIMEOUT):
        return case(comment, {"payment": p, "now_ms": now, "timeout_ms": timeout}, code=code)

    tests = [
        mk("base payment: id, expiry and canonical bytes", BASE),
        mk("same payment one millisecond later gets another request id", BASE, now=T0 + 1),
        mk("agent_id null", payment(agent_id=None)),
        mk("Solana payment", payment(network="solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
                                     asset="EPjFWvyzKb2sZP6hTMyfu4MtbEURHX3dE5HdAKNbmxLB",
                                     pay_to="9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM")),
        mk("non-ASCII in the redacted url is kept literally",
           payment(resource_url="https://api.example.com/caf\u00e9")),
        mk("amount_usd written in canonical form", payment(amount_usd="2.50")),
        bad("method in lower case", payment(method="get"), "invalid-input"),
        bad("fingerprint not 64 lower-case hex", payment(fingerprint="AB" * 32), "invalid-input"),
        bad("amount with an exponent", payment(amount="2.5e6"), "amount-malformed"),
        bad("negative USD", payment(amount_usd="-2.5"), "usd-malformed"),
        bad("newline in the url", payment(resource_url="https://a.example/\nX-Evil: 1"), "invalid-input"),
        bad("empty payTo", payment(pay_to=""), "invalid-input"),
        bad("unknown payment field", {**BASE, "memo": "x"}, "invalid-input"),
        bad("missing asset", {k: v for k, v in BASE.items() if k != "asset"}, "invalid-input"),
        bad("expiry beyond 2^53-1 ms", BASE, "invalid-input", now=2**53 - 10, timeout=TIMEOUT),
    ]
    write("mpa-request.json", "mpa.request",
          ["mpa.request: the canonical approval request binding every payment field, a request id and an expiry.",
           f"request_id = first 32 hex of SHA-256(JCS({{domain:'{REQUEST_ID_DOMAIN}', fingerprint, amount, now_ms}})); "
           "canonical = JCS(request + "
           f"{{domain:'{APPROVAL_DOMAIN}'}})."],
          [{"tests": tests}])


def countersign_vectors():
    tests = [
        case("alice signs the base request", {"secret": SECRETS["alice"], "request": REQ},
             {"signature": sign("alice", REQ)}),
        case("a UTF-8 secret is used as its bytes", {"secret": "cl\u00e9-secr\u00e8te-\u00fcnicode", "request": REQ},
             {"signature": hmac_hex("cl\u00e9-secr\u00e8te-\u00fcnicode", canonical(REQ))}),
        case("secret under 16 bytes", {"secret": "0123456789abcde", "request": REQ}, code="key-too-short"),
        case("malformed request", {"secret": SECRETS["alice"], "request": {**REQ, "request_id": "xyz"}},
             code="invalid-input"),
    ]
    write("mpa-countersign.json", "mpa.countersign",
          ["mpa.countersign: hex(HMAC-SHA256(secret as UTF-8, canonical request)), for crypto approvers."],
          [{"tests": tests}])


PREAPPROVAL_DOMAIN = "presidio-x402/mpa-preapproval/v1"


def preapproval(secret, url_normalized, not_after, method="GET", network="eip155:8453",
                asset="0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
                pay_to="0x209693bc6afc0c5328ba36faf03c514ef312287c", amount="2500000", scheme="exact"):
    """(token, canonical) of a pre-approval, computed here independently of the core.
    `url_normalized` is the URL as the core normalises it (the caller writes it out)."""
    doc = {"domain": PREAPPROVAL_DOMAIN, "method": method,
           "request_url_sha256": hashlib.sha256(url_normalized.encode("utf-8")).hexdigest(),
           "network": network, "asset": asset, "pay_to": pay_to, "amount": amount, "scheme": scheme,
           "not_after_ms": not_after}
    c = jcs(doc)
    return f"{not_after}.{hmac_hex(SECRETS.get(secret, secret), c)}", c


def preapprove_vectors():
    url = "https://api.example.com/premium/report?id=7"
    base = {"secret": SECRETS["alice"], "url": url, "network": "eip155:8453",
            "asset": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
            "pay_to": "0x209693bc6afc0c5328ba36faf03c514ef312287c", "amount": "2500000", "not_after_ms": T0 + 60000}

    def ok(comment, inp, url_norm=url, flags=(), **kw):
        tok, c = preapproval(inp["secret"], url_norm, inp["not_after_ms"], **kw)
        return case(comment, inp, {"token": tok, "canonical": c}, flags=flags)

    tests = [
        ok("alice pre-approves one payment for a minute", base),
        ok("the URL is normalised first (host case, default port)",
           {**base, "url": "https://API.Example.COM:443/premium/report?id=7"}),
        ok("v1 network name and EIP-55 addresses are canonicalised",
           {**base, "network": "base", "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "pay_to": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"}),
        ok("method and scheme are bound", {**base, "method": "post", "scheme": "exact"}, method="POST"),
        case("secret under 16 bytes", {**base, "secret": "short"}, code="key-too-short"),
        case("malformed amount", {**base, "amount": "1e6"}, code="amount-malformed"),
        case("unknown network", {**base, "network": "atlantis"}, code="unknown-network"),
        case("malformed payee", {**base, "pay_to": "0x12"}, code="invalid-input"),
        case("URL that is not http(s)", {**base, "url": "ftp://api.example.com/x"}, code="url-invalid"),
    ]
    write("mpa-preapprove.json", "mpa.preapprove",
          ["mpa.preapprove: a pre-approval token '{not_after_ms}.{hex HMAC}' over RFC 8785 JSON of",
           f"{{domain:'{PREAPPROVAL_DOMAIN}', method, request_url_sha256 (of the normalised URL), network, asset, "
           "pay_to,",
           "amount (atomic), scheme, not_after_ms}; for seed-style mpa_signatures computed before the request."],
          [{"tests": tests}])


def verify_vectors():
    def inp(sigs, req=REQ, now=T0 + 1000, cfg=CRYPTO_CFG):
        return {"config": cfg, "request": req, "signatures": [list(s) for s in sigs], "now_ms": now}

    a, b, c = (sign(n, REQ) for n in ("alice", "bob", "carol"))
    good = [("alice", a), ("bob", b)]
    tests = [
        case("2 of 3 valid", inp(good), {"approved": True, "approvals": 2, "threshold": 2,
                                         "approved_by": ["alice", "bob"], "problems": []}),
        case("3 of 3 valid", inp([*good, ("carol", c)]), {"approved": True, "approvals": 3}),
        case("upper-case hex is the same signature", inp([("alice", a.upper()), ("bob", b)]), {"approvals": 2}),
        case("one valid signature is below the threshold", inp([("alice", a)]), code="mpa-denied"),
        case("no signatures", inp([]), code="mpa-denied"),
        case("duplicate approver counted once", inp([("alice", a), ("alice", a)]), code="mpa-denied",
             flags=["Duplicate"]),
        case("duplicate approver counted once (with a third)", inp([("alice", a), ("alice", a), ("bob", b)]),
             {"approvals": 2, "approved_by": ["alice", "bob"], "problems": []}, flags=["Duplicate"]),
        case("bob's slot signed with alice's key", inp([("alice", a), ("bob", a)]), code="mpa-denied"),
        case("unknown approver does not count", inp([("alice", a), ("mallory", b)]), code="mpa-denied"),
        case("unknown approver is reported", inp([*good, ("mallory", c)]),
             {"approvals": 2, "problems": [{"approver_id": "mallory", "code": "mpa-unknown-approver"}]}),
        case("a webhook approver cannot countersign", inp([("alice", a), ("dave", b)], cfg=CRYPTO_CFG_1),
             {"approvals": 1, "problems": [{"approver_id": "dave", "code": "mpa-unknown-approver"}]}),
        case("malformed hex (non-hex digit)", inp([("alice", a), ("bob", "zz" + b[2:])], cfg=CRYPTO_CFG_1),
             {"approvals": 1, "problems": [{"approver_id": "bob", "code": "mpa-bad-signature"}]}),
        case("malformed hex (63 digits)", inp([("alice", a), ("bob", b[:63])], cfg=CRYPTO_CFG_1),
             {"problems": [{"approver_id": "bob", "code": "mpa-bad-signature"}]}),
        case("0x-prefixed signature", inp([("alice", a), ("bob", "0x" + b)], cfg=CRYPTO_CFG_1),
             {"problems": [{"approver_id": "bob", "code": "mpa-bad-signature"}]}),
        case("truncated signature is not a prefix match", inp([("alice", a), ("bob", b[:32])]), code="mpa-denied"),
        case("threshold 1 with one valid signature", inp([("carol", c)], cfg=CRYPTO_CFG_1), {"approvals": 1}),
        case("one millisecond before expiry", inp(good, now=REQ["expires_at_ms"] - 1), {"approved": True}),
        case("at expiry the request is expired", inp(good, now=REQ["expires_at_ms"]), code="mpa-expired",
             flags=["Expired"]),
        case("long after expiry", inp(good, now=REQ["expires_at_ms"] + 86400000), code="mpa-expired",
             flags=["Expired"]),
        case("invalid configuration", inp(good, cfg={**CRYPTO_CFG, "threshold": 0}), code="config-bad-threshold"),
    ]
    # Binding: signatures over REQ never approve a request differing in any one field.
    variants = {
        "resource_url": "https://api.example.com/premium/report?id=[REDACTED]&x=1",
        "method": "POST",
        "network": "eip155:84532",
        "asset": "0x036cbd53842c5426634e7929541ec2318f3dcf7e",
        "pay_to": "0x209693bc6afc0c5328ba36faf03c514ef312287d",
        "amount": "25000000",
        "amount_usd": "25",
        "scheme": "upto",
        "agent_id": "other-agent",
        "fingerprint": "0" * 64,
        "request_id": "0123456789abcdef0123456789abcdef",
        "expires_at_ms": REQ["expires_at_ms"] + 60000,
    }
    for field, value in variants.items():
        other = {**REQ, field: value}
        tests.append(case(f"signatures for one request do not approve another differing in {field}",
                          inp(good, req=other), code="mpa-denied", flags=["Binding"]))
    p2 = payment(fingerprint="60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
                 resource_url="https://api.example.com/premium/report?id=[REDACTED]&page=2")
    r2 = request(p2, T0 + 5000)
    tests.append(case("replay: approvals of payment 1 presented for payment 2", inp(good, req=r2, now=T0 + 6000),
                      code="mpa-denied", flags=["Binding", "Replay"]))
    tests.append(case("payment 2 with its own signatures", inp([("alice", sign("alice", r2)), ("bob", sign("bob", r2))],
                                                               req=r2, now=T0 + 6000), {"approvals": 2}))
    write("mpa-verify.json", "mpa.verify",
          ["mpa.verify: HMAC-SHA256 countersignatures (constant-time) against the configured crypto approvers.",
           "signatures is a list of [approver_id, hex] pairs; an approver counts once. Denials are error codes."],
          [{"tests": tests}],
          {"Binding": "The signed request differs from the presented one in exactly one field.",
           "Replay": "A signature reused for a second payment.", "Duplicate": "The same approver listed twice.",
           "Expired": "now_ms >= expires_at_ms."})


def judge_vectors():
    rid = REQ["request_id"]

    def inp(approver, body, status=200, header=None, timed_out=False):
        d = {"config": WEBHOOK_CFG, "approver_id": approver, "request": REQ, "status": status, "body": body,
             "timed_out": timed_out}
        if header is not None:
            d["hmac_header"] = header
        return d

    def vote(v, code=None):
        return {"vote": v, "code": code}

    bad = vote("bad", "mpa-bad-response")
    signed = f'{{"approved":true,"request_id":"{rid}"}}'
    signed_no = f'{{"approved":false,"request_id":"{rid}"}}'
    pad = '{"approved":true,"pad":"%s"}'
    exact = pad % ("x" * (4096 - len(pad % "")))
    over = pad % ("x" * (4097 - len(pad % "")))
    assert len(exact) == 4096 and len(over) == 4097
    tests = [
        case("approved true", inp("w1", '{"approved": true}'), vote("approve")),
        case("approved false", inp("w1", '{"approved": false}'), vote("deny")),
        case("approved with the matching request id", inp("w1", f'{{"approved":true,"request_id":"{rid}"}}'),
             vote("approve")),
        case("extra members are ignored", inp("w1", '{"approved":true,"reason":{"by":"ops"}}'), vote("approve")),
        case("204 with an approving body", inp("w1", '{"approved":true}', status=204), vote("approve")),
        case("body exactly 4096 bytes", inp("w1", exact), vote("approve"), flags=["SizeCap"]),
        case("body over 4096 bytes", inp("w1", over), bad, flags=["SizeCap"]),
        case("approved as the string \"true\"", inp("w1", '{"approved":"true"}'), bad, flags=["Lenient"]),
        case("approved as 1", inp("w1", '{"approved":1}'), bad, flags=["Lenient"]),
        case("approved as null", inp("w1", '{"approved":null}'), bad, flags=["Lenient"]),
        case("approved missing", inp("w1", '{"ok":true}'), bad),
        case("bare true", inp("w1", "true"), bad, flags=["Lenient"]),
        case("not JSON", inp("w1", "approved"), bad),
        case("empty body", inp("w1", ""), bad),
        case("duplicate key: false then true", inp("w1", '{"approved":false,"approved":true}'), bad,
             flags=["Lenient"]),
        case("byte-order mark", inp("w1", '\ufeff{"approved":true}'), bad),
        case("request id of another request", inp("w1", '{"approved":true,"request_id":"%s"}' % ("0" * 32)), bad,
             flags=["Replay"]),
        case("request id not a string", inp("w1", '{"approved":true,"request_id":1}'), bad),
        case("302 redirect is a denial (no redirects)", inp("w1", '{"approved":true}', status=302), vote("deny")),
        case("500 is a denial", inp("w1", '{"approved":true}', status=500), vote("deny")),
        case("403 is a denial", inp("w1", "", status=403), vote("deny")),
        case("timed out", inp("w1", "", status=0, timed_out=True), vote("timeout")),
        case("HMAC approver: valid header and request id", inp("w2", signed, header=hmac_hex(W2_SECRET, signed)),
             vote("approve"), flags=["Hmac"]),
        case("HMAC approver: upper-case header", inp("w2", signed, header=hmac_hex(W2_SECRET, signed).upper()),
             vote("approve"), flags=["Hmac"]),
        case("HMAC approver: signed denial", inp("w2", signed_no, header=hmac_hex(W2_SECRET, signed_no)),
             vote("deny"), flags=["Hmac"]),
        case("HMAC approver: header missing", inp("w2", signed), bad, flags=["Hmac"]),
        case("HMAC approver: wrong header", inp("w2", signed, header=hmac_hex(W2_SECRET, signed_no)), bad,
             flags=["Hmac"]),
        case("HMAC approver: header not hex", inp("w2", signed, header="not-a-mac"), bad, flags=["Hmac"]),
        case("HMAC approver: header under another key", inp("w2", signed, header=hmac_hex(SECRETS["bob"], signed)),
             bad, flags=["Hmac"]),
        case("HMAC approver: signed body without request id (replayable)",
             inp("w2", '{"approved":true}', header=hmac_hex(W2_SECRET, '{"approved":true}')), bad,
             flags=["Hmac", "Replay"]),
        case("HMAC approver: signed approval of another request",
             inp("w2", '{"approved":true,"request_id":"%s"}' % ("1" * 32),
                 header=hmac_hex(W2_SECRET, '{"approved":true,"request_id":"%s"}' % ("1" * 32))), bad,
             flags=["Hmac", "Replay"]),
        case("crypto approver cannot answer by webhook", inp("c1", '{"approved":true}'),
             vote("bad", "mpa-unknown-approver")),
        case("unknown approver", inp("mallory", '{"approved":true}'), vote("bad", "mpa-unknown-approver")),
    ]
    write("mpa-judge-webhook.json", "mpa.judge-webhook",
          ["mpa.judge-webhook: one webhook approver's HTTP answer -> a vote (approve | deny | timeout | bad).",
           "Only a 2xx JSON object whose `approved` is the literal true approves; X-MPA-HMAC = hex(HMAC(secret, "
           "body))."],
          [{"tests": tests}],
          {"SizeCap": "Response size cap (4 KiB).", "Lenient": "A lenient parser would approve this.",
           "Hmac": "The approver has a response HMAC secret.", "Replay": "An answer for another request."})


def tally_vectors():
    cfg3 = {**SEED_CFG, "threshold": 3}

    def inp(votes, cfg=SEED_CFG):
        return {"config": cfg, "votes": [{"approver_id": i, "vote": v} for i, v in votes]}

    tests = [
        case("2 approvals of 3 reach the threshold", inp([("alice", "approve"), ("bob", "approve")]),
             {"approved": True, "approvals": 2, "threshold": 2}),
        case("3 approvals", inp([("alice", "approve"), ("bob", "approve"), ("charlie", "approve")]), {"approvals": 3}),
        case("2 approvals and a denial", inp([("alice", "approve"), ("bob", "deny"), ("charlie", "approve")]),
             {"approvals": 2}),
        case("1 approval, 2 denials", inp([("alice", "approve"), ("bob", "deny"), ("charlie", "deny")]),
             code="mpa-denied"),
        case("1 approval, a timeout could have made the difference",
             inp([("alice", "approve"), ("bob", "timeout"), ("charlie", "deny")]), code="mpa-timeout"),
        case("all timed out", inp([("alice", "timeout"), ("bob", "timeout"), ("charlie", "timeout")]),
             code="mpa-timeout"),
        case("1 timeout cannot make up 2 missing approvals",
             inp([("alice", "deny"), ("bob", "timeout"), ("charlie", "bad")]), code="mpa-denied"),
        case("same approver twice counts once", inp([("alice", "approve"), ("alice", "approve")]), code="mpa-denied",
             flags=["Duplicate"]),
        case("conflicting votes from one approver never approve",
             inp([("alice", "approve"), ("alice", "deny"), ("bob", "approve")]), code="mpa-denied"),
        case("unknown approvers are ignored", inp([("alice", "approve"), ("mallory", "approve"), ("eve", "approve")]),
             code="mpa-denied"),
        case("a bad response is not an approval", inp([("alice", "approve"), ("bob", "bad")]), code="mpa-denied"),
        case("no votes", inp([]), code="mpa-denied"),
        case("3-of-3 with one timeout", inp([("alice", "approve"), ("bob", "approve"), ("charlie", "timeout")], cfg3),
             code="mpa-timeout"),
        case("3-of-3 with one denial", inp([("alice", "approve"), ("bob", "approve"), ("charlie", "deny")], cfg3),
             code="mpa-denied"),
        case("1-of-3 with one approval", inp([("charlie", "approve")], {**SEED_CFG, "threshold": 1}), {"approvals": 1}),
        case("unknown vote word", inp([("alice", "yes")]), code="invalid-input"),
    ]
    write("mpa-tally.json", "mpa.tally",
          ["mpa.tally: n-of-m over votes; short of the threshold -> mpa-timeout if timed-out approvers could have made",
           "up the difference, else mpa-denied."],
          [{"tests": tests}], {"Duplicate": "The same approver voting twice."})


def address_vectors():
    def t(addr, private, allow=False):
        return case("{} is {}".format(addr, "private" if private else "public"),
                    {"address": addr, "allow_private": allow},
                    {"private": private, "allowed": allow or not private}, flags=["SSRF"] if private else [])

    tests = [t(a, True) for a in ["127.0.0.1", "10.20.30.40", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                                  "100.64.0.1", "0.0.0.0", "::1", "[::1]", "fd12:3456::1", "fe80::1",  # noqa: S104 - addresses to judge
                                  "::ffff:10.0.0.1", "64:ff9b::7f00:1", "localhost", "api.localhost", "224.0.0.1"]]
    tests += [t(a, False) for a in ["8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "approvals.example.com",
                                    "approvals.internal"]]
    tests.append(t("10.0.0.1", True, allow=True))
    tests += [case(f"ambiguous numeric host {a}", {"address": a}, code="url-invalid", flags=["SSRF"])
              for a in ["127.1", "0x7f000001", "2130706433", "0177.0.0.1"]]
    write("mpa-webhook-address.json", "mpa.webhook-address",
          ["mpa.webhook-address: may a webhook go to this (resolved) address? Hosts call it after DNS resolution."],
          [{"tests": tests}], {"SSRF": "Would reach a private, loopback or link-local service."})


STANDALONE_DOMAIN = "presidio-x402/mpa-standalone-purchase/v1"
APPROVAL_MARGIN_MS = 100

# The seed's stand-alone tests: its PaymentDetails (no asset, no atomic amount).
SEED_DETAILS = {"resource_url": "https://api.example.com/resource", "network": "base-mainnet", "asset": "USDC",
                "pay_to": "0xABCDEF1234567890"}
SA_CFG = {"threshold": 2, "min_amount_usd": 5, "timeout_seconds": 5, "approvers": [
    {"approver_id": "alice", "mode": "crypto", "secret": SECRETS["alice"]},
    {"approver_id": "bob", "mode": "webhook", "webhook_url": "https://approvals.example.com/bob"},
    {"approver_id": "w2", "mode": "webhook", "webhook_url": "https://approvals.example.com/w2", "secret": W2_SECRET},
]}
SA_CRYPTO = {"threshold": 1, "approvers": [{"approver_id": "alice", "mode": "crypto", "secret": SECRETS["alice"]}]}


def standalone_request(purchase, amount_usd, now, timeout_ms):
    """What mpa.begin builds: the purchase digest as fingerprint, amount "0" without an atomic amount."""
    method = purchase.get("method", "GET").upper()
    digest = hashlib.sha256(jcs({
        "domain": STANDALONE_DOMAIN, "resource_url": purchase["resource_url"], "method": method,
        "network": purchase["network"], "asset": purchase["asset"], "pay_to": purchase["pay_to"],
        "scheme": purchase.get("scheme", "exact"), "agent_id": purchase.get("agent_id"),
    }).encode("utf-8")).hexdigest()
    p = {"resource_url": purchase["resource_url"], "method": method, "network": purchase["network"],
         "asset": purchase["asset"], "pay_to": purchase["pay_to"], "amount": purchase.get("amount") or "0",
         "amount_usd": amount_usd, "scheme": purchase.get("scheme", "exact"), "agent_id": purchase.get("agent_id"),
         "fingerprint": digest}
    return request(p, now, timeout_ms)


def begin_vectors():
    def inp(cfg, usd, purchase=SEED_DETAILS, now=T0):
        return {"config": cfg, "payment": purchase, "amount_usd": usd, "now_ms": now}

    exempt = {"required": False, "request": None, "webhooks": [], "countersign": None}

    def required(cfg, usd, purchase=SEED_DETAILS, now=T0):
        timeout = cfg.get("timeout_seconds", 30) * 1000
        r = standalone_request(purchase, usd, now, timeout)
        body = canonical(r)
        deadline = max(r["expires_at_ms"] - APPROVAL_MARGIN_MS, now)
        hooks = [{"approver_id": a["approver_id"], "url": a["webhook_url"], "body": body, "deadline_ms": deadline,
                  "headers": {"content-type": "application/json", "x-mpa-request-id": r["request_id"]}}
                 for a in cfg["approvers"] if a["mode"] == "webhook"]
        return {"required": True, "request": r, "request_id": r["request_id"], "expires_at_ms": r["expires_at_ms"],
                "canonical": body, "deadline_ms": deadline, "webhooks": hooks,
                "countersign": {"request": body, "request_json": r, "deadline_ms": deadline}}

    real = {"resource_url": "https://api.example.com/premium/report?id=[REDACTED]", "method": "post",
            "network": "eip155:8453", "asset": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
            "pay_to": "0x209693bc6afc0c5328ba36faf03c514ef312287c", "amount": "7500000", "agent_id": "my-agent-v1"}
    tests = [
        case("under min_amount_usd: exempt, nobody is asked", inp(SA_CFG, "4.99"), exempt),
        case("a JSON number amount under the minimum", inp(SA_CFG, 1.0), exempt),
        case("exactly min_amount_usd needs approval", inp(SA_CFG, "5"), required(SA_CFG, "5")),
        case("the seed's details (no asset, no atomic amount): amount 0 and the USD value bind",
             inp(SA_CFG, "5.00"), required(SA_CFG, "5")),
        case("real x402 fields: atomic amount, method upper-cased, agent id", inp(SA_CFG, "7.5", real),
             required(SA_CFG, "7.5", real)),
        case("no minimum: every amount needs approval", inp(SA_CRYPTO, "0.01"), required(SA_CRYPTO, "0.01")),
        case("amount that is not a number", inp(SA_CFG, "five"), code="usd-malformed"),
        case("payee missing", inp(SA_CFG, "5", {k: v for k, v in SEED_DETAILS.items() if k != "pay_to"}),
             code="invalid-input"),
        case("atomic amount with a fraction", inp(SA_CFG, "5", dict(SEED_DETAILS, amount="1.5")),
             code="amount-malformed"),
        case("invalid configuration", inp({**SA_CFG, "threshold": 0}, "5"), code="config-bad-threshold"),
    ]
    write("mpa-begin.json", "mpa.begin",
          ["mpa.begin: the seed's stand-alone request_approval, step 1: exempt under min_amount_usd, else the",
           "approval request (fingerprint = SHA-256 of the canonical purchase), the webhook posts and the",
           "countersign action, with deadline = expiry - 100 ms."],
          [{"tests": tests}])


def decide_vectors():
    r = standalone_request(SEED_DETAILS, "5", T0, 5000)
    a = sign("alice", r)
    rid = r["request_id"]
    signed = f'{{"approved":true,"request_id":"{rid}"}}'

    def inp(sigs, hooks=None, cfg=SA_CFG, now=T0 + 1000, req=r):
        d = {"config": cfg, "request": req, "signatures": [list(x) for x in sigs], "now_ms": now}
        if hooks is not None:
            d["webhooks"] = hooks
        return d

    def hook(approver, body, status=200, hmac=None, timed_out=False):
        return {"approver_id": approver, "status": status, "body": body, "hmac": hmac, "timed_out": timed_out}

    def verdict(ok, n, t=2, code=None, by=None, problems=(), expired=False):
        if ok:
            msg = f"MPA approved: {n}/{t} approvals"
        elif code == "mpa-timeout":
            msg = f"MPA approval timed out ({n}/{t} approvals received)"
        else:
            msg = (f"Multi-party authorization denied: {n} of {t} required approvals received"
                   + (" (the request expired)" if expired else ""))
        return {"verdict": "approved" if ok else "refused", "code": None if ok else code, "approvals": n,
                "threshold": t, "approved_by": list(by or []), "problems": list(problems), "message": msg}

    ask = {"verdict": "ask-webhooks", "message": "MPA pending: asking the webhook approvers"}
    yes, no = '{"approved": true}', '{"approved": false}'
    tests = [
        case("countersignature short of the threshold: ask the webhooks", inp([("alice", a)]), ask),
        case("no countersignature: ask the webhooks", inp([]), ask),
        case("countersignature + a webhook approval reach 2 of 3",
             inp([("alice", a)], [hook("bob", yes), hook("w2", "", status=500)]),
             verdict(True, 2, by=["alice", "bob"])),
        case("the seed's message: 0 of 1 required approvals", inp([], [], cfg=SA_CRYPTO),
             verdict(False, 0, 1, "mpa-denied")),
        case("crypto only, nothing given: denied without asking anyone", inp([], cfg=SA_CRYPTO),
             verdict(False, 0, 1, "mpa-denied")),
        case("crypto only, a valid countersignature approves at once", inp([("alice", a)], cfg=SA_CRYPTO),
             verdict(True, 1, 1, by=["alice"])),
        case("a wrong countersignature is reported and does not count", inp([("alice", "deadbeef" * 8)], cfg=SA_CRYPTO),
             verdict(False, 0, 1, "mpa-denied", problems=[{"approver_id": "alice", "code": "mpa-bad-signature"}])),
        case("webhook denial: 1 of 2", inp([("alice", a)], [hook("bob", no), hook("w2", "", status=500)]),
             verdict(False, 1, 2, "mpa-denied", by=["alice"])),
        case("HTTP error counts as a denial", inp([], [hook("bob", yes), hook("w2", "", status=500)]),
             verdict(False, 1, 2, "mpa-denied", by=["bob"])),
        case("HMAC approver without the header does not approve",
             inp([("alice", a)], [hook("bob", no), hook("w2", signed)]),
             verdict(False, 1, 2, "mpa-denied", by=["alice"])),
        case("HMAC approver with header and request id approves",
             inp([("alice", a)], [hook("bob", no), hook("w2", signed, hmac=hmac_hex(W2_SECRET, signed))]),
             verdict(True, 2, by=["alice", "w2"])),
        case("a timed-out webhook that could have made the difference: timeout",
             inp([("alice", a)], [hook("bob", "", status=0, timed_out=True), hook("w2", "", status=500)]),
             verdict(False, 1, 2, "mpa-timeout", by=["alice"])),
        case("at expiry nothing approves", inp([("alice", a)], [hook("bob", yes)], now=r["expires_at_ms"]),
             verdict(False, 0, 2, "mpa-expired", expired=True)),
        case("a countersignature of another request does not count",
             inp([("alice", sign("alice", standalone_request(SEED_DETAILS, "6", T0, 5000)))], cfg=SA_CRYPTO),
             verdict(False, 0, 1, "mpa-denied", problems=[{"approver_id": "alice", "code": "mpa-bad-signature"}]),
             flags=["Binding"]),
        case("malformed webhook answer list", inp([], {"bob": yes}), code="invalid-input"),
    ]
    write("mpa-decide.json", "mpa.decide",
          ["mpa.decide: the seed's stand-alone request_approval, steps 2-3: countersignatures first; without webhook",
           "answers (webhooks absent) either the verdict or ask-webhooks when they are short and webhook approvers",
           "exist; with answers, the verdict (mpa.judge-webhook + mpa.tally) and its message in the seed's words."],
          [{"tests": tests}], {"Binding": "A countersignature of another request."})


def main():
    config_vectors()
    request_vectors()
    countersign_vectors()
    preapprove_vectors()
    verify_vectors()
    judge_vectors()
    tally_vectors()
    address_vectors()
    begin_vectors()
    decide_vectors()


if __name__ == "__main__":
    main()
