"""Shared data types (seed names)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class PaymentDetails:
    """What the signer gets: the selected offer with **redacted** metadata.

    Seed fields: ``resource_url``, ``description``, ``reason`` and ``extra`` are
    redacted (unless ``pii_action="warn"``); ``amount`` is the exact USD value
    as a decimal string and ``currency`` is ``"USD"``; ``network`` is CAIP-2;
    ``deadline_seconds`` is the offer's ``maxTimeoutSeconds``.

    Real x402: ``amount_atomic`` (token units, the value to sign), ``asset``,
    ``scheme``, ``x402_version``, ``requirements`` (the selected requirement to
    sign and echo as v2 ``accepted``: payment fields as offered, every other
    field and key redacted) and ``resource`` (the redacted v2
    ``resource`` object to echo; ``None`` in v1).
    """

    resource_url: str
    pay_to: str
    amount: str
    currency: str
    network: str
    deadline_seconds: int
    description: str = ""
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    amount_atomic: str = ""
    asset: str = ""
    scheme: str = "exact"
    x402_version: int = 1
    requirements: dict[str, Any] = field(default_factory=dict)
    resource: dict[str, Any] | None = None
    request_url: str = ""
    """The real request URL, redacted."""

    def payment_payload(self, payload: dict[str, Any], extensions: dict[str, Any] | None = None) -> dict[str, Any]:
        """Wraps a scheme payload (e.g. ``{"signature", "authorization"}``) in the
        x402 ``PaymentPayload`` of this version."""
        if self.x402_version >= 2:
            out: dict[str, Any] = {"x402Version": self.x402_version, "accepted": self.requirements, "payload": payload}
            if self.resource is not None:
                out["resource"] = self.resource
            if extensions:
                out["extensions"] = extensions
            return out
        return {"x402Version": 1, "scheme": self.requirements.get("scheme", self.scheme),
                "network": self.requirements.get("network", self.network), "payload": payload}


def encode_payment(payload: dict[str, Any]) -> str:
    """base64 (standard, padded) of the JSON payment payload: the header value."""
    return base64.b64encode(json.dumps(payload, separators=(",", ":")).encode("utf-8")).decode("ascii")


class AuditEvent(str):
    """One audit line (its canonical JSON text), with its fields as attributes
    (``event.event_type``, ``event.outcome``, ``event.seq``…) for writers
    written against the seed's ``AuditEvent``."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        d = self.__dict__.get("_fields")
        if d is None:
            d = json.loads(str(self))
            self.__dict__["_fields"] = d
        try:
            return d[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        """The line's fields as a dict."""
        return dict(json.loads(str(self)))


@dataclass
class PaymentResponse:
    """A signed payment: ``token`` is the header value (base64 PaymentPayload).

    The token is a bearer authorization (anyone holding it can settle it), so
    it is left out of ``repr`` (and so of logs and tracebacks)."""

    token: str = field(repr=False)
    details: PaymentDetails


@runtime_checkable
class PaymentSigner(Protocol):
    async def sign(self, details: PaymentDetails) -> Any: ...


@runtime_checkable
class AuditWriter(Protocol):
    def write(self, event: Any) -> None: ...


__all__ = ["AuditEvent", "AuditWriter", "PaymentDetails", "PaymentResponse", "PaymentSigner", "encode_payment"]
