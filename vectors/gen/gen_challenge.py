"""Vectors for x402 challenge parsing and requirement selection (THREATS.md, Protocol and money)."""
import json

from common import case, write
from fixtures import (BASE_SEPOLIA_USDC, BASE_USDC, DROP, PAY_TO, SOL_PAY_TO, SOLANA_DEVNET, SOLANA_DEVNET_USDC,
                      UNKNOWN_TOKEN, V1_OFFER, V2_OFFER, b64, v1_body, v2_doc, v2_header, with_)

SEL_V1 = {"x402_version": 1, "selected": {"scheme": "exact", "network": "eip155:84532", "network_raw": "base-sepolia",
                                          "amount": "10000", "asset": BASE_SEPOLIA_USDC, "pay_to": PAY_TO,
                                          "max_timeout_seconds": 60,
                                          "resource_url": "https://api.example.com/premium-data",
                                          "description": "Access to premium market data",
                                          "mime_type": "application/json", "extra": {"name": "USDC", "version": "2"}}}
SEL_V2 = {"x402_version": 2, "selected": {"scheme": "exact", "network": "eip155:84532", "amount": "1000",
                                          "resource_url": "http://127.0.0.1:4021/weather",
                                          "description": "Weather data", "max_timeout_seconds": 300}}

real = [
    case("real v1 body (x402 spec example)", {"body": v1_body()}, SEL_V1, ["Real"]),
    case("real v2 PAYMENT-REQUIRED header (@x402/express 2.27 shape)", {"header": v2_header()}, SEL_V2, ["Real"]),
    case("v2 header wins over a v1 body", {"header": v2_header(), "body": v1_body()}, {"x402_version": 2}),
    case("v2 object in the body is accepted", {"body": json.dumps(v2_doc())}, {"x402_version": 2}),
    case("v2 resource is kept for the echo", {"header": v2_header()},
         {"resource": {"url": "http://127.0.0.1:4021/weather", "description": "Weather data",
                       "mimeType": "application/json"}}),
    case("solana devnet v1 offer", {"body": v1_body(with_(V1_OFFER, network="solana-devnet", asset=SOLANA_DEVNET_USDC,
                                                          payTo=SOL_PAY_TO, extra={"feePayer": SOL_PAY_TO}))},
         {"selected": {"network": SOLANA_DEVNET, "asset": SOLANA_DEVNET_USDC}}),
    case("header with surrounding spaces", {"header": "  " + v2_header() + " "}, {"x402_version": 2}),
    case("outputSchema and unknown fields are ignored",
         {"body": v1_body(with_(V1_OFFER, outputSchema={"input": {"type": "http"}}, foo="bar"))}, {"x402_version": 1}),
    case("extra may be absent", {"header": v2_header(with_(V2_OFFER, extra=DROP))}, {"selected": {"extra": None}}),
]

select = [
    case("prefers exact over another scheme",
         {"header": v2_header(with_(V2_OFFER, scheme="upto"), with_(V2_OFFER, amount="2000"))},
         {"selected": {"index": 1, "scheme": "exact"}}),
    case("configured network order wins",
         {"header": v2_header(V2_OFFER, with_(V2_OFFER, network="eip155:8453", asset=BASE_USDC)),
          "config": {"networks": ["base", "base-sepolia"]}},
         {"selected": {"index": 1, "network": "eip155:8453"}}),
    case("networks outside the configured list are not eligible",
         {"header": v2_header(V2_OFFER), "config": {"networks": ["eip155:8453"]}}, code="no-acceptable-offer"),
    case("trusted asset preferred over an unknown token",
         {"header": v2_header(with_(V2_OFFER, asset=UNKNOWN_TOKEN, amount="1"), V2_OFFER)},
         {"selected": {"index": 1}}),
    case("cheapest priced offer preferred", {"header": v2_header(with_(V2_OFFER, amount="5000"), V2_OFFER)},
         {"selected": {"index": 1, "amount": "1000"}}),
    case("server order breaks ties", {"header": v2_header(V2_OFFER, with_(V2_OFFER, payTo=BASE_USDC))},
         {"selected": {"index": 0}}),
    case("malformed offers are skipped", {"header": v2_header(with_(V2_OFFER, amount="1e3"), V2_OFFER)},
         {"selected": {"index": 1}, "offers": [{"error": "amount-malformed"}, {"amount": "1000"}]}),
    case("unknown-token-only challenge still selects (policy blocks it later)",
         {"header": v2_header(with_(V2_OFFER, asset=UNKNOWN_TOKEN))}, {"selected": {"asset": UNKNOWN_TOKEN}}),
    case("all offers malformed: first offer's code", {"header": v2_header(with_(V2_OFFER, amount="-1"))},
         code="amount-malformed"),
]

amounts = [
    case("amount %r" % a, {"header": v2_header(with_(V2_OFFER, amount=a))}, code="amount-malformed", flags=["Hostile"])
    for a in ["1e2", "1_0", "NaN", "-0.5", "inf", " 0.01 ", "0x10", "0.1000000000000000055", "", "01", "10.0"]
] + [
    case("numeric amount (not a string)", {"header": v2_header(with_(V2_OFFER, amount=1000))}, code="amount-malformed"),
    case("float amount", {"header": v2_header(with_(V2_OFFER, amount=0.01))}, code="amount-malformed"),
    case("v1 maxAmountRequired exponent", {"body": v1_body(with_(V1_OFFER, maxAmountRequired="1e4"))},
         code="amount-malformed"),
    case("v1 amount read as atomic units, not dollars", {"body": v1_body()}, {"selected": {"amount": "10000"}}),
    case("overflowing amount", {"header": v2_header(with_(V2_OFFER, amount="9" * 60))}, code="amount-overflow"),
    case("v2 offer with v1 amount key", {"header": v2_header(with_(V2_OFFER, amount=DROP, maxAmountRequired="1000"))},
         code="challenge-missing-field"),
]

deep = "[" * 20 + "]" * 20
structure = [
    case("no challenge at all", {}, code="challenge-missing"),
    case("empty header and body", {"header": "", "body": "  "}, code="challenge-missing"),
    case("header is not base64", {"header": "not base64!"}, code="challenge-bad-base64"),
    case("unpadded base64 refused", {"header": v2_header().rstrip("=") + "A"}, code="challenge-bad-base64"),
    case("base64 of non-JSON", {"header": b64("hello")}, code="challenge-bad-json"),
    case("base64 of invalid UTF-8", {"header": "/w=="}, code="challenge-bad-json"),
    case("body not JSON", {"body": "<html>402</html>"}, code="challenge-bad-json"),
    case("trailing garbage after JSON", {"body": v1_body() + "x"}, code="challenge-bad-json"),
    case("duplicate key (parser differential)",
         {"body": v1_body().replace('"maxAmountRequired":"10000"', '"maxAmountRequired":"1","maxAmountRequired":"10000"')},
         code="challenge-bad-json", flags=["Hostile"]),
    case("deep nesting", {"body": '{"x402Version":1,"accepts":[],"x":' + deep + "}"}, code="challenge-too-deep",
         flags=["Hostile"]),
    case("deep nesting in the header", {"header": b64('{"a":' + deep + "}")}, code="challenge-too-deep",
         flags=["Hostile"]),
    case("body over 64 KiB", {"body": v1_body(error="x" * 70000)}, code="challenge-too-large", flags=["Hostile"]),
    case("header over the cap", {"header": "A" * 100000}, code="challenge-too-large", flags=["Hostile"]),
    case("huge accepts array", {"body": v1_body(*([V1_OFFER] * 40))}, code="challenge-too-many-offers",
         flags=["Hostile"]),
    case("empty accepts", {"body": json.dumps({"x402Version": 1, "accepts": []})}, code="challenge-no-offers"),
    case("accepts not an array", {"body": json.dumps({"x402Version": 1, "accepts": {}})}, code="challenge-bad-field"),
    case("missing accepts", {"body": json.dumps({"x402Version": 1})}, code="challenge-missing-field"),
    case("missing version", {"body": json.dumps({"accepts": [V1_OFFER]})}, code="challenge-missing-field"),
    case("unsupported version 3", {"body": v1_body(x402Version=3)}, code="challenge-unsupported-version"),
    case("version as a string", {"body": v1_body(x402Version="1")}, code="challenge-bad-field"),
    case("v1 document in the v2 header", {"header": b64(v1_body())}, code="challenge-unsupported-version"),
    case("top level is an array", {"body": "[1]"}, code="challenge-bad-field"),
    case("v2 without resource", {"header": b64(json.dumps({"x402Version": 2, "accepts": [V2_OFFER]}))},
         code="challenge-missing-field"),
    case("v2 resource.url not a string",
         {"header": b64(json.dumps({"x402Version": 2, "resource": {"url": 5}, "accepts": [V2_OFFER]}))},
         code="challenge-bad-field"),
    case("description over its cap", {"body": v1_body(with_(V1_OFFER, description="d" * 5000))},
         code="challenge-field-too-long"),
    case("unknown v1 network name", {"body": v1_body(with_(V1_OFFER, network="atlantis"))}, code="unknown-network"),
    case("malformed CAIP-2 network", {"header": v2_header(with_(V2_OFFER, network="EIP155:1"))}, code="unknown-network"),
    case("missing payTo", {"header": v2_header(with_(V2_OFFER, payTo=DROP))}, code="challenge-missing-field"),
    case("malformed EVM payTo", {"header": v2_header(with_(V2_OFFER, payTo="0x1234"))}, code="challenge-bad-field"),
    case("malformed asset", {"header": v2_header(with_(V2_OFFER, asset="USDC"))}, code="challenge-bad-field",
         flags=["Hostile"]),
    case("missing maxTimeoutSeconds", {"header": v2_header(with_(V2_OFFER, maxTimeoutSeconds=DROP))},
         code="challenge-missing-field"),
    case("negative maxTimeoutSeconds", {"header": v2_header(with_(V2_OFFER, maxTimeoutSeconds=-1))},
         code="challenge-bad-field"),
    case("absurd maxTimeoutSeconds", {"header": v2_header(with_(V2_OFFER, maxTimeoutSeconds=10 ** 9))},
         code="challenge-bad-field"),
    case("extra not an object", {"header": v2_header(with_(V2_OFFER, extra="x"))}, code="challenge-bad-field"),
    case("scheme with odd characters", {"header": v2_header(with_(V2_OFFER, scheme="Exact "))},
         code="challenge-bad-field"),
]

write("challenge-parse.json", "challenge.parse",
      ["x402 v1 bodies and v2 PAYMENT-REQUIRED headers, normalised to one offer type, and requirement selection.",
       "Input: header (base64) and/or body (text), optional config. Output: offers and the selected offer."],
      [{"comment": "real wire formats", "tests": real}, {"comment": "selection", "tests": select},
       {"comment": "hostile amounts", "tests": amounts}, {"comment": "structure and caps", "tests": structure}],
      {"Real": "Byte-for-byte the shape real servers send.", "Hostile": "A known attack or parser trap."})
