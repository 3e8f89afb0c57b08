"""Vectors for replay fingerprints, computed here independently of the core.

fingerprint = HMAC-SHA256(key, tag || for each field: u32be(len) || bytes), fields:
METHOD (upper), normalised URL, CAIP-2 network, asset, payTo (lower-cased on eip155), amount, scheme.
"""
from common import case, write
from fixtures import BASE_SEPOLIA_USDC, PAY_TO, REPLAY_KEY, enc, fp

BASE = dict(key_hex=REPLAY_KEY, method="GET", url="https://api.example.com/data?q=1", network="eip155:84532",
            asset=BASE_SEPOLIA_USDC, pay_to=PAY_TO, amount="10000", scheme="exact")
CANON = ("GET", "https://api.example.com/data?q=1", "eip155:84532", BASE_SEPOLIA_USDC.lower(), PAY_TO.lower(),
         "10000", "exact")
A = fp(REPLAY_KEY, *CANON)


def inp(**kw):
    d = dict(BASE)
    d.update(kw)
    return d


same = [
    case("reference fingerprint", inp(), {"fingerprint": A, "encoding_hex": enc(*CANON).hex()}),
    case("payTo case variant is the same payment", inp(pay_to=PAY_TO.lower()), {"fingerprint": A}, ["CaseFold"]),
    case("payTo upper-case hex", inp(pay_to="0x" + PAY_TO[2:].upper()), {"fingerprint": A}, ["CaseFold"]),
    case("asset case variant", inp(asset=BASE_SEPOLIA_USDC.upper().replace("0X", "0x")), {"fingerprint": A}, ["CaseFold"]),
    case("host case and default port", inp(url="HTTPS://API.EXAMPLE.COM:443/data?q=1"), {"fingerprint": A}, ["CaseFold"]),
    case("method case", inp(method="get"), {"fingerprint": A}, ["CaseFold"]),
    case("fragment ignored", inp(url="https://api.example.com/data?q=1#x"), {"fingerprint": A}),
    case("v1 network name is the same network", inp(network="base-sepolia"), {"fingerprint": A}),
]

differ = []
for field, value, why in [
    ("method", "POST", "method"), ("url", "https://api.example.com/data?q=2", "query"),
    ("url", "https://api.example.com/Data?q=1", "path case"), ("network", "eip155:8453", "network"),
    ("asset", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "asset"),
    ("pay_to", "0x0000000000000000000000000000000000000001", "payTo"), ("amount", "10001", "amount"),
    ("scheme", "upto", "scheme"), ("key_hex", "ff" * 32, "key"),
]:
    kw = {field: value}
    c = list(CANON)
    idx = {"method": 0, "url": 1, "network": 2, "asset": 3, "pay_to": 4, "amount": 5, "scheme": 6}
    key = REPLAY_KEY
    if field == "key_hex":
        key = value
    else:
        v = value.lower() if field in ("asset", "pay_to") else value
        c[idx[field]] = v
    expect = fp(key, *c)
    assert expect != A
    differ.append(case("different " + why + " is a different payment", inp(**kw), {"fingerprint": expect}))

# Delimiter collisions: a join with '|' would make these two equal.
d1 = inp(scheme="exact|x", amount="1")
d2 = inp(scheme="exact", amount="1|x")
collide = [
    case("delimiter inside a field (1)", inp(scheme="a|b"),
         {"fingerprint": fp(REPLAY_KEY, *CANON[:6], "a|b")}, ["Hostile"]),
    case("long amounts do not collide by rounding (1)", inp(amount="1" * 39),
         {"fingerprint": fp(REPLAY_KEY, *CANON[:5], "1" * 39, "exact")}, ["Hostile"]),
    case("long amounts do not collide by rounding (2)", inp(amount="1" * 38 + "2"),
         {"fingerprint": fp(REPLAY_KEY, *CANON[:5], "1" * 38 + "2", "exact")}, ["Hostile"]),
    case("short key refused", inp(key_hex="00" * 8), code="key-too-short"),
    case("hostile amount refused", inp(amount="1e4"), code="amount-malformed"),
    case("bad URL refused", inp(url="ftp://x/"), code="url-invalid"),
]

write("replay-fingerprint.json", "replay.fingerprint",
      ["HMAC-SHA256 over a length-prefixed canonical encoding; expected values computed independently in Python."],
      [{"comment": "same payment", "tests": same}, {"comment": "different payments", "tests": differ},
       {"comment": "collisions and errors", "tests": collide}],
      {"CaseFold": "A spelling the protocol treats as identical.", "Hostile": "An attempt to collide two payments."})
