"""Vectors for configuration validation: every error reported with its path and code."""
from common import case, write

ok = [
    case("seed Quick Start policy", {"config": {"max_per_call_usd": 0.10, "daily_limit_usd": 5.0,
                                                "per_endpoint": {"https://api.example.com": 1.0}}},
         {"valid": True, "max_per_call_usd": "0.1", "daily_limit_usd": "5",
          "per_endpoint": [["https://api.example.com", "1"]]}),
    case("seed PolicyConfig example", {"config": {"max_per_call_usd": 0.05, "daily_limit_usd": 2.00,
                                                  "per_endpoint": {"https://premium-api.io": 0.50},
                                                  "window_seconds": 86400, "agent_id": "my-agent-v1"}},
         {"valid": True, "max_per_call_usd": "0.05", "daily_limit_usd": "2", "window_seconds": 86400}),
    case("defaults", {"config": {}}, {"valid": True, "max_per_call_usd": "1", "daily_limit_usd": "10",
                                      "window_seconds": 86400, "pii_action": "redact", "assets": 9}),
    case("null disables a limit", {"config": {"max_per_call_usd": None}}, {"valid": True, "max_per_call_usd": None}),
    case("USD as strings", {"config": {"max_per_call_usd": "0.10"}}, {"valid": True, "max_per_call_usd": "0.1"}),
    case("python float repr with exponent", {"config": {"max_per_call_usd": 1e-05}}, {"max_per_call_usd": "0.00001"}),
    case("v1 network names map to CAIP-2", {"config": {"networks": ["base", "eip155:84532"]}},
         {"networks": ["eip155:8453", "eip155:84532"]}),
    case("trusted wallets canonicalised", {"config": {"trusted_wallets": ["0xABCDEF0123456789abcdef0123456789ABCDEF01"]}},
         {"trusted_wallets": ["0xabcdef0123456789abcdef0123456789abcdef01"]}),
    case("user asset extends the table", {"config": {"assets": [
        {"network": "base", "address": "0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb", "decimals": 18,
         "usd_price": "1", "symbol": "DAI"}]}}, {"valid": True, "assets": 10}),
    case("pii entities and action", {"config": {"pii": {"entities": ["EMAIL_ADDRESS", "US_SSN"], "action": "block"}}},
         {"pii_entities": ["EMAIL_ADDRESS", "US_SSN"], "pii_action": "block"}),
    case("empty entity list", {"config": {"pii": {"entities": []}}}, {"valid": True, "pii_entities": []}),
    case("replica id for a replica's own audit chain", {"config": {"replica_id": "agent-7.pod-2"}}, {"valid": True}),
    case("empty replica id: a single process", {"config": {"replica_id": ""}}, {"valid": True}),
]


def bad(comment, config, errors, flags=()):
    return case(comment, {"config": config}, {"valid": False, "errors": errors}, flags)


errs = [
    bad("not an object", [1], [{"path": "", "code": "config-malformed"}]),
    bad("typo in a key is an error, not a silent default", {"max_per_cal_usd": 0.1},
        [{"path": "max_per_cal_usd", "code": "config-unknown-field"}], ["Hostile"]),
    bad("negative limit", {"daily_limit_usd": -1}, [{"path": "daily_limit_usd", "code": "usd-malformed"}]),
    bad("NaN-like string", {"max_per_call_usd": "NaN"}, [{"path": "max_per_call_usd", "code": "usd-malformed"}]),
    bad("dollar sign", {"max_per_call_usd": "$1"}, [{"path": "max_per_call_usd", "code": "usd-malformed"}]),
    bad("too precise", {"max_per_call_usd": "0.1000000000000000055"},
        [{"path": "max_per_call_usd", "code": "usd-too-precise"}]),
    bad("boolean limit", {"max_per_call_usd": True}, [{"path": "max_per_call_usd", "code": "config-bad-type"}]),
    bad("zero window", {"window_seconds": 0}, [{"path": "window_seconds", "code": "config-out-of-range"}]),
    bad("fractional window", {"window_seconds": 1.5}, [{"path": "window_seconds", "code": "config-out-of-range"}]),
    bad("window as string", {"window_seconds": "60"}, [{"path": "window_seconds", "code": "config-bad-type"}]),
    bad("bad endpoint key", {"per_endpoint": {"premium-api.io": 1}},
        [{"path": "per_endpoint.premium-api.io", "code": "config-bad-endpoint"}]),
    bad("duplicate endpoint after normalisation", {"per_endpoint": {"https://a.example": 1, "HTTPS://A.example:443": 2}},
        [{"path": "per_endpoint.https://a.example", "code": "config-bad-endpoint"}]),
    bad("per_endpoint not an object", {"per_endpoint": ["https://a.example"]},
        [{"path": "per_endpoint", "code": "config-bad-type"}]),
    bad("malformed wallet", {"trusted_wallets": ["0x12 34"]}, [{"path": "trusted_wallets[0]", "code": "config-bad-address"}]),
    bad("unknown network", {"networks": ["atlantis"]}, [{"path": "networks[0]", "code": "unknown-network"}]),
    bad("asset without decimals", {"assets": [{"network": "base", "address": "0x50c5725949A6F0c72E6C4a641F24049A917DB0Cb",
                                               "usd_price": 1}]},
        [{"path": "assets[0].decimals", "code": "config-bad-asset"}]),
    bad("unknown pii entity", {"pii": {"entities": ["EMAIL"]}}, [{"path": "pii.entities[0]", "code": "config-bad-pii"}]),
    bad("unknown pii action", {"pii": {"action": "shout"}}, [{"path": "pii.action", "code": "config-bad-pii"}]),
    bad("min_score out of range", {"pii": {"min_score": 5000}}, [{"path": "pii.min_score", "code": "config-bad-pii"}]),
    bad("control char in agent_id", {"agent_id": "a\nb"}, [{"path": "agent_id", "code": "config-out-of-range"}]),
    bad("replica id with a slash", {"replica_id": "pods/2"}, [{"path": "replica_id", "code": "config-out-of-range"}]),
    bad("replica id of 65 bytes", {"replica_id": "r" * 65}, [{"path": "replica_id", "code": "config-out-of-range"}]),
    bad("replica id not a string", {"replica_id": 7}, [{"path": "replica_id", "code": "config-bad-type"}]),
    bad("every error at once", {"max_per_cal_usd": 1, "daily_limit_usd": "-1", "window_seconds": 0,
                                "pii": {"action": "shout"}},
        [{"path": "max_per_cal_usd", "code": "config-unknown-field"},
         {"path": "daily_limit_usd", "code": "usd-malformed"},
         {"path": "window_seconds", "code": "config-out-of-range"},
         {"path": "pii.action", "code": "config-bad-pii"}]),
]

write("config-validate.json", "config.validate",
      ["Guard configuration validation. Invalid configurations list every error with its path."],
      [{"comment": "valid", "tests": ok}, {"comment": "invalid", "tests": errs}],
      {"Hostile": "A mistake that must not silently weaken a control."})
