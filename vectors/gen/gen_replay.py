"""Vectors for replay fingerprints, computed here independently of the core.

A purchase is a request: fingerprint = HMAC-SHA256(key, tag || for each field: u32be(len) || bytes), fields:
METHOD (upper), canonical URL, SHA-256 of the request body (lower-case hex; empty on GET/HEAD or when absent),
the caller's idempotency key (empty when absent), CAIP-2 network, asset, payTo (lower-cased on eip155).
The amount and the scheme are the server's quote, not part of the purchase: the same request quoted at
another price is the same purchase (THREATS.md, Replay).
"""
from common import case, write
from fixtures import BASE_SEPOLIA_USDC, PAY_TO, REPLAY_KEY, enc, fp

BASE = dict(key_hex=REPLAY_KEY, method="GET", url="https://api.example.com/data?q=1", network="eip155:84532",
            asset=BASE_SEPOLIA_USDC, pay_to=PAY_TO)
CANON = ("GET", "https://api.example.com/data?q=1", "", "", "eip155:84532", BASE_SEPOLIA_USDC.lower(),
         PAY_TO.lower())
A = fp(REPLAY_KEY, *CANON)
D1 = "a1" * 32
D2 = "b2" * 32


def inp(**kw):
    d = dict(BASE)
    d.update(kw)
    return d


def post(body="", key=""):
    return fp(REPLAY_KEY, "POST", CANON[1], body, key, *CANON[4:])


same = [
    case("reference fingerprint", inp(), {"fingerprint": A, "encoding_hex": enc(*CANON).hex()}),
    case("payTo case variant is the same payment", inp(pay_to=PAY_TO.lower()), {"fingerprint": A}, ["CaseFold"]),
    case("payTo upper-case hex", inp(pay_to="0x" + PAY_TO[2:].upper()), {"fingerprint": A}, ["CaseFold"]),
    case("asset case variant", inp(asset=BASE_SEPOLIA_USDC.upper().replace("0X", "0x")), {"fingerprint": A},
         ["CaseFold"]),
    case("host case and default port", inp(url="HTTPS://API.EXAMPLE.COM:443/data?q=1"), {"fingerprint": A},
         ["CaseFold"]),
    case("method case", inp(method="get"), {"fingerprint": A}, ["CaseFold"]),
    case("fragment ignored", inp(url="https://api.example.com/data?q=1#x"), {"fingerprint": A}),
    case("v1 network name is the same network", inp(network="base-sepolia"), {"fingerprint": A}),
    case("a price changed by the server is the same purchase", inp(amount="10001"), {"fingerprint": A}, ["Hostile"]),
    case("another scheme for the same request is the same purchase", inp(scheme="upto"), {"fingerprint": A},
         ["Hostile"]),
    case("a body digest on GET means nothing", inp(request_body_sha256=D1), {"fingerprint": A}),
    case("body digest case", inp(method="POST", request_body_sha256=D1.upper()), {"fingerprint": post(D1)},
         ["CaseFold"]),
]

differ = []
for field, value, why in [
    ("method", "POST", "method"), ("url", "https://api.example.com/data?q=2", "query"),
    ("url", "https://api.example.com/Data?q=1", "path case"), ("network", "eip155:8453", "network"),
    ("asset", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "asset"),
    ("pay_to", "0x0000000000000000000000000000000000000001", "payTo"),
    ("idempotency_key", "order-42", "idempotency key"), ("key_hex", "ff" * 32, "key"),
]:
    kw = {field: value}
    c = list(CANON)
    idx = {"method": 0, "url": 1, "idempotency_key": 3, "network": 4, "asset": 5, "pay_to": 6}
    key = REPLAY_KEY
    if field == "key_hex":
        key = value
    else:
        v = value.lower() if field in ("asset", "pay_to") else value
        c[idx[field]] = v
    expect = fp(key, *c)
    assert expect != A
    differ.append(case("different " + why + " is a different payment", inp(**kw), {"fingerprint": expect}))
differ += [
    case("two POSTs with different bodies are two purchases (1)", inp(method="POST", request_body_sha256=D1),
         {"fingerprint": post(D1)}),
    case("two POSTs with different bodies are two purchases (2)", inp(method="POST", request_body_sha256=D2),
         {"fingerprint": post(D2)}),
    case("a POST with a body is not one without", inp(method="POST"), {"fingerprint": post()}),
]
assert len({post(D1), post(D2), post()}) == 3

collide = [
    case("a key cannot pose as a body digest", inp(method="POST", idempotency_key=D1),
         {"fingerprint": post("", D1)}, ["Hostile"]),
    case("short key refused", inp(key_hex="00" * 8), code="key-too-short"),
    case("malformed body digest refused", inp(method="POST", request_body_sha256="abc"), code="invalid-input",
         flags=["Hostile"]),
    case("non-hex body digest refused", inp(method="POST", request_body_sha256="zz" * 32), code="invalid-input",
         flags=["Hostile"]),
    case("empty idempotency key refused", inp(idempotency_key=""), code="invalid-input"),
    case("control character in an idempotency key refused", inp(idempotency_key="a\nb"), code="invalid-input",
         flags=["Hostile"]),
    case("overlong idempotency key refused", inp(idempotency_key="k" * 256), code="invalid-input", flags=["Hostile"]),
    case("bad URL refused", inp(url="ftp://x/"), code="url-invalid"),
]
assert post("", D1) != post(D1)

write("replay-fingerprint.json", "replay.fingerprint",
      ["HMAC-SHA256 over a length-prefixed canonical encoding of the request and the payee; expected values computed "
       "independently in Python."],
      [{"comment": "same purchase", "tests": same}, {"comment": "different purchases", "tests": differ},
       {"comment": "collisions and errors", "tests": collide}],
      {"CaseFold": "A spelling the protocol treats as identical.",
       "Hostile": "An attempt to collide two payments or to make one purchase look like two."})
