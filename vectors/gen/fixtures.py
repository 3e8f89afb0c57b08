"""Shared x402 fixtures for the vector generators: real-format v1 and v2 challenges."""
import base64
import copy
import hashlib
import hmac
import json
import struct

BASE_SEPOLIA_USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
BASE_USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
SOLANA_DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"
SOLANA_DEVNET_USDC = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"
SOL_PAY_TO = "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4"
UNKNOWN_TOKEN = "0x1111111111111111111111111111111111111111"  # noqa: S105 - a token contract address
REPLAY_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
AUDIT_KEY = "6175646974206b657920666f722074657374732c20333220627974657321212121"

V1_OFFER = {
    "scheme": "exact", "network": "base-sepolia", "maxAmountRequired": "10000",
    "asset": BASE_SEPOLIA_USDC, "payTo": PAY_TO, "resource": "https://api.example.com/premium-data",
    "description": "Access to premium market data", "mimeType": "application/json",
    "outputSchema": None, "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"},
}

V2_OFFER = {
    "scheme": "exact", "network": "eip155:84532", "amount": "1000", "asset": BASE_SEPOLIA_USDC,
    "payTo": PAY_TO, "maxTimeoutSeconds": 300, "extra": {"name": "USDC", "version": "2"},
}


def v1_body(*offers, **top):
    doc = {"x402Version": 1, "error": "X-PAYMENT header is required",
           "accepts": [copy.deepcopy(o) for o in (offers or [V1_OFFER])]}
    doc.update(top)
    return json.dumps(doc, separators=(",", ":"))


def v2_doc(*offers, url="http://127.0.0.1:4021/weather", description="Weather data", **top):
    doc = {"x402Version": 2, "error": "Payment required",
           "resource": {"url": url, "description": description, "mimeType": "application/json"},
           "accepts": [copy.deepcopy(o) for o in (offers or [V2_OFFER])]}
    doc.update(top)
    return doc


def b64(text):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def v2_header(*offers, **kw):
    return b64(json.dumps(v2_doc(*offers, **kw), separators=(",", ":")))


def with_(offer, **changes):
    o = copy.deepcopy(offer)
    for k, v in changes.items():
        if v is DROP:
            o.pop(k, None)
        else:
            o[k] = v
    return o


DROP = object()


# Replay fingerprints, computed independently of the core (see gen_replay.py).
TAG = b"presidio-x402/replay/v2"


def enc(method, url, body_sha256, idempotency_key, network, asset, pay_to):
    """The request (method, URL, body digest on methods with a body, idempotency key), then who is paid in what."""
    body = body_sha256.lower() if method.upper() not in ("GET", "HEAD") else ""
    fields = [TAG, method.upper(), url, body, idempotency_key, network, asset, pay_to]
    out = b""
    for f in fields:
        b = f if isinstance(f, bytes) else f.encode()
        out += struct.pack(">I", len(b)) + b
    return out


def fp(key_hex, *fields):
    return hmac.new(bytes.fromhex(key_hex), enc(*fields), hashlib.sha256).hexdigest()


# ---- the x402 payment-identifier extension (computed independently of core/src/payid.rs) ----
# The server's declaration, as `declare_payment_identifier_extension(required)` of PyPI `x402` makes it.
PAYID_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "required": {"type": "boolean"},
        "id": {"type": "string", "minLength": 16, "maxLength": 128, "pattern": "^[a-zA-Z0-9_-]+$"},
    },
    "required": ["required"],
}


def payid_declaration(required=False):
    return {"info": {"required": required}, "schema": copy.deepcopy(PAYID_SCHEMA)}


def payment_id(key_hex, seed, fingerprint_hex):
    """`pay_` + base64url(nonce[9] ‖ mac[12]) (see core/src/payid.rs)."""
    key = bytes.fromhex(key_hex)
    fp_ = fingerprint_hex.encode()
    nonce = hmac.new(key, b"x402 payment-identifier nonce" + struct.pack(">Q", seed) + fp_, hashlib.sha256).digest()[:9]
    mac = hmac.new(key, b"x402 payment-identifier" + fp_ + nonce, hashlib.sha256).digest()[:12]
    return "pay_" + base64.urlsafe_b64encode(nonce + mac).decode().rstrip("=")
