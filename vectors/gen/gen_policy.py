"""Vectors for the spending policy: limits, order, reservations, windows (THREATS.md, Policy)."""
from common import case, write

CFG = {"max_per_call_usd": "0.10", "daily_limit_usd": "0.25", "per_endpoint": {"https://premium-api.io": "0.15"}}
P = "https://premium-api.io/data"
OTHER = "https://other.example/data"
DAY = 86_400_000


def pay(usd, url=OTHER, at=0):
    return {"op": "pay", "usd": usd, "url": url, "at_ms": at}


def seq(comment, steps, results, config=CFG, flags=()):
    return case(comment, {"config": config, "steps": steps}, {"results": results}, flags)


ALLOW = {"allowed": True}


# The seed's words for each spending limit; a refusal's message names them (hosts raise it as is).
WORDS = {"policy-per-call-exceeded": "per-call limit", "policy-window-exceeded": "aggregate spend in the window",
         "policy-endpoint-exceeded": "endpoint spend"}


def deny(code, limit=None, current=None, amount=None):
    d = {"allowed": False, "code": code}
    if limit is not None:
        d["limit_usd"] = limit
    if current is not None:
        d["current_usd"] = current
    if amount is not None:
        d["message"] = f"{WORDS[code]}: {current} spent + {amount} > limit {limit} USD"
    return d


tests = [
    seq("under every limit", [pay("0.05")], [{"allowed": True, "keys": ["*"]}]),
    seq("per-call limit is inclusive", [pay("0.10")], [ALLOW]),
    seq("per-call limit exceeded by one atto-dollar", [pay("0.100000000000000001")],
        [deny("policy-per-call-exceeded", "0.1", "0", "0.100000000000000001")]),
    seq("per-call checked before the window", [pay("0.10"), pay("0.10"), pay("0.11")],
        [ALLOW, ALLOW, deny("policy-per-call-exceeded")]),
    seq("window limit reached exactly, then refused",
        [pay("0.10"), pay("0.10"), pay("0.05"), pay("0.000001")],
        [ALLOW, ALLOW, ALLOW, deny("policy-window-exceeded", "0.25", "0.25", "0.000001")]),
    seq("endpoint limit applies on its origin", [pay("0.10", P), pay("0.06", P)],
        [{"allowed": True, "keys": ["*", "endpoint:https://premium-api.io"]},
         deny("policy-endpoint-exceeded", "0.15", "0.1", "0.06")]),
    seq("endpoint limit matches upper-case host and :443",
        [pay("0.10", "https://PREMIUM-API.io/x"), pay("0.06", "https://premium-api.io:443/y")],
        [ALLOW, deny("policy-endpoint-exceeded")]),
    seq("one host, one endpoint limit: IPv4 spellings of the key's host share it",
        [pay("0.05", "http://2130706433:8080/a"), pay("0.05", "http://0x7f.1:8080/b"), pay("0.05", "http://127.1:8080/c"),
         pay("0.01", "http://[::ffff:127.0.0.1]:8080/d"), pay("0.01", "http://127.0.0.1:8080/e")],
        [{"allowed": True, "keys": ["*", "endpoint:http://127.0.0.1:8080"]}, ALLOW, ALLOW,
         deny("policy-endpoint-exceeded", "0.15", "0.15"), deny("policy-endpoint-exceeded", "0.15", "0.15")],
        config={"daily_limit_usd": "1", "per_endpoint": {"http://127.0.0.1:8080": "0.15"}}, flags=["Hostile"]),
    seq("one host, one endpoint limit: an IDN key and its punycode, case and fullwidth spellings",
        [pay("0.10", "https://xn--mnchen-3ya.de/a"), pay("0.05", "https://M\u00dcNCHEN.de/b"),
         pay("0.01", "https://\uff4d\u00fc\uff4e\uff43\uff48\uff45\uff4e.de/c")],
        [{"allowed": True, "keys": ["*", "endpoint:https://xn--mnchen-3ya.de"]}, ALLOW,
         deny("policy-endpoint-exceeded", "0.15", "0.15")],
        config={"daily_limit_usd": "1", "per_endpoint": {"https://m\u00fcnchen.de": "0.15"}}, flags=["Hostile"]),
    seq("look-alike origins are not the endpoint",
        [pay("0.10", P), pay("0.06", "https://premium-api.io.evil.com/x"), pay("0.06", "https://premium-api.iox/")],
        [ALLOW, {"allowed": True, "keys": ["*"]}, {"allowed": True, "keys": ["*"]}], flags=["Hostile"]),
    seq("window checked before endpoint", [pay("0.10"), pay("0.10"), pay("0.10", P)],
        [ALLOW, ALLOW, deny("policy-window-exceeded")]),
    seq("a reservation counts at once (concurrent payments cannot jointly exceed)",
        [pay("0.10"), pay("0.10"), pay("0.10")], [ALLOW, ALLOW, deny("policy-window-exceeded", "0.25", "0.2", "0.1")]),
    seq("release returns the spend (failed signing or settlement)",
        [pay("0.10"), pay("0.10"), {"op": "release", "ref": 1}, pay("0.10"), {"op": "total"}],
        [ALLOW, ALLOW, {"done": "release"}, ALLOW, {"total_usd": "0.2", "open_reservations": 2}]),
    seq("commit keeps the spend", [pay("0.10"), {"op": "commit", "ref": 0}, {"op": "total"}],
        [ALLOW, {"done": "commit"}, {"total_usd": "0.1", "open_reservations": 0}]),
    seq("double release is harmless", [pay("0.10"), {"op": "release", "ref": 0}, {"op": "release", "ref": 0},
                                       {"op": "total"}],
        [ALLOW, {"done": "release"}, {"done": "release"}, {"total_usd": "0", "open_reservations": 0}]),
    seq("spend stays counted for the whole window",
        [pay("0.10", at=0), {"op": "commit", "ref": 0}, {"op": "total", "at_ms": DAY - 1}],
        [ALLOW, {"done": "commit"}, {"total_usd": "0.1"}]),
    seq("spend leaves after the window (plus at most one bucket)",
        [pay("0.10", at=0), {"op": "commit", "ref": 0}, {"op": "total", "at_ms": DAY + DAY // 96 + 1},
         pay("0.10", at=DAY + DAY // 96 + 1), pay("0.10", at=DAY + DAY // 96 + 2), pay("0.10", at=DAY + DAY // 96 + 3)],
        [ALLOW, {"done": "commit"}, {"total_usd": "0"}, ALLOW, ALLOW, deny("policy-window-exceeded")]),
    seq("an open reservation is released after its lease",
        [pay("0.10", at=0), pay("0.10", at=0), {"op": "total", "at_ms": 60_000}, pay("0.10", at=60_000)],
        [ALLOW, ALLOW, {"total_usd": "0", "open_reservations": 0}, ALLOW],
        config={**CFG, "reservation_lease_seconds": 60}),
    seq("a late commit after the lease still charges",
        [pay("0.10", at=0), {"op": "total", "at_ms": 61_000}, {"op": "commit", "ref": 0},
         {"op": "total", "at_ms": 61_000}],
        [ALLOW, {"total_usd": "0"}, {"done": "commit"}, {"total_usd": "0.1"}],
        config={**CFG, "reservation_lease_seconds": 60}),
    seq("1000 payments of one cent fill a $10 window exactly",
        [pay("0.01", at=i) for i in range(1000)] + [pay("0.01", at=1000), {"op": "total", "at_ms": 1000}],
        [ALLOW] * 1000 + [deny("policy-window-exceeded", "10", "10"), {"total_usd": "10"}],
        config={"max_per_call_usd": "1", "daily_limit_usd": "10", "reservation_lease_seconds": 3600}),
    seq("no limits configured", [pay("1000000")], [ALLOW],
        config={"max_per_call_usd": None, "daily_limit_usd": None}),
    seq("endpoint prefix on a / boundary",
        [pay("0.10", "https://premium-api.io/v1/a"), pay("0.10", "https://premium-api.io/v10/a")],
        [{"allowed": True, "keys": ["*", "endpoint:https://premium-api.io/v1"]}, {"allowed": True, "keys": ["*"]}],
        config={"per_endpoint": {"https://premium-api.io/v1/": "0.15"}}),
    seq("endpoint limit of zero blocks that endpoint", [pay("0.000001", P)], [deny("policy-endpoint-exceeded", "0")],
        config={"per_endpoint": {"https://premium-api.io": 0}}),
    case("bad URL in a step", {"config": CFG, "steps": [pay("0.01", "not a url")]}, code="url-invalid"),
]

write("policy-sequence.json", "policy.sequence",
      ["Sequences of policy evaluations on one fresh spend state. `ref` names an earlier step's reservation."],
      [{"tests": tests}], {"Hostile": "An input crafted to dodge a limit."})
