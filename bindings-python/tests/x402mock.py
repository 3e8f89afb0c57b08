"""A local x402 resource server for tests (httpx.MockTransport), speaking the real v1/v2 wire formats."""

import base64
import json
import time

import httpx

USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C"



def evm_payload(pay_to, amount, max_timeout_seconds=60, now_ms=None, n=0x22):
    """An EIP-3009 scheme payload that authorizes exactly ``pay_to`` / ``amount``, valid for the
    offer's ``maxTimeoutSeconds`` from now (the core refuses any other: payload binding)."""
    now_s = int((time.time() * 1000 if now_ms is None else now_ms) // 1000)
    return {"signature": "0x" + "00" * 65, "authorization": {
        "from": "0x" + "11" * 20, "to": pay_to, "value": str(amount), "validAfter": "0",
        "validBefore": str(now_s + int(max_timeout_seconds or 60)), "nonce": "0x" + f"{n:02x}" * 32}}


def signed_for(action, now_ms=None):
    """The ``signed`` event of a well-behaved signer for a driver ``sign`` action."""
    return {"on": "signed", "payload": evm_payload(action["pay_to"], action["amount"],
                                                   (action.get("requirements") or {}).get("maxTimeoutSeconds", 60),
                                                   now_ms)}


def details_payload(details):
    """What a well-behaved seed-style signer returns for ``PaymentDetails``."""
    return evm_payload(details.pay_to, details.amount_atomic, details.requirements.get("maxTimeoutSeconds", 60))

def b64(obj):
    return base64.b64encode(json.dumps(obj).encode()).decode()


def unb64(s):
    return json.loads(base64.b64decode(s))


def v1_offer(url, amount="10000", pay_to=PAY_TO, description="Access to premium market data", **kw):
    o = {"scheme": "exact", "network": "base-sepolia", "maxAmountRequired": amount, "asset": USDC_BASE_SEPOLIA,
         "payTo": pay_to, "resource": url, "description": description, "mimeType": "application/json",
         "outputSchema": None, "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"}}
    o.update(kw)
    return o


def v2_required(url, amount="1000", pay_to=PAY_TO, description="Weather data", **kw):
    acc = {"scheme": "exact", "network": "eip155:84532", "amount": amount, "asset": USDC_BASE_SEPOLIA,
           "payTo": pay_to, "maxTimeoutSeconds": 300, "extra": {"name": "USDC", "version": "2"}}
    acc.update(kw)
    return {"x402Version": 2, "error": "Payment required",
            "resource": {"url": url, "description": description, "mimeType": "application/json"}, "accepts": [acc]}


class Server:
    """Answers 402 until a payment header arrives; then 200 with a settlement header.

    ``challenge(request) -> (version, obj)`` builds the challenge per request.
    """

    def __init__(self, version=1, amount="10000", pay_to=PAY_TO, description=None, settle_ok=True, challenge=None):
        self.version = version
        self.amount = amount
        self.pay_to = pay_to
        self.description = description
        self.settle_ok = settle_ok
        self.challenge = challenge
        self.payments = []  # decoded PaymentPayloads
        self.requests = []

    def _challenge(self, request):
        url = str(request.url)
        if self.challenge:
            return self.challenge(request)
        kw = {} if self.description is None else {"description": self.description}
        if self.version == 1:
            return 1, {"x402Version": 1, "error": "X-PAYMENT header is required",
                       "accepts": [v1_offer(url, self.amount, self.pay_to, **kw)]}
        return 2, v2_required(url, self.amount, self.pay_to, **kw)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        tok = request.headers.get("PAYMENT-SIGNATURE") or request.headers.get("X-PAYMENT")
        if tok:
            payload = unb64(tok)
            self.payments.append(payload)
            v = payload.get("x402Version", 1)
            settle = {"success": self.settle_ok, "transaction": "0x" + "ab" * 32 if self.settle_ok else "",
                      "network": "eip155:84532", "payer": "0x" + "11" * 20}
            if not self.settle_ok:
                settle["errorReason"] = "insufficient_funds"
            h = "PAYMENT-RESPONSE" if v >= 2 else "X-PAYMENT-RESPONSE"
            status = 200 if self.settle_ok else 402
            return httpx.Response(status, headers={h: b64(settle)}, json={"data": "premium"})
        version, obj = self._challenge(request)
        if version >= 2:
            return httpx.Response(402, headers={"PAYMENT-REQUIRED": b64(obj)}, json={})
        return httpx.Response(402, json=obj)

    def client(self):
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


class RecordingSigner:
    """A signer that records the PaymentDetails it gets and returns an EVM-shaped payload."""

    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    async def sign(self, details):
        self.calls.append(details)
        if self.fail:
            raise RuntimeError("hardware wallet unplugged")
        return evm_payload(details.pay_to, details.amount_atomic, details.requirements.get("maxTimeoutSeconds", 60))
