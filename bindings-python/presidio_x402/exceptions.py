"""Exceptions raised by presidio-hardened-x402 security controls.

Every exception carries ``.code``: the core's stable, kebab-case error code
(``"policy-per-call-exceeded"``, ``"replay-detected"``, ...), the same string
the JS package and the audit log use. Messages are fixed descriptions from the
core and never contain URLs, metadata or keys.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional


class X402Error(Exception):
    """Base exception for all presidio-hardened-x402 errors."""

    code: str = "invalid-input"

    def __init__(self, message: str = "", *, code: Optional[str] = None) -> None:
        super().__init__(message or (code or self.code))
        if code is not None:
            self.code = code


class X402PaymentError(X402Error):
    """The payment cannot go ahead: an unusable challenge, an untrusted asset or
    payee, a signer or network failure (``.code`` says which)."""

    code = "settlement-failed"


class StoreUnavailableError(X402PaymentError):
    """The state store failed (unreachable, timed out, answered something
    unusable, or stayed contended): the payment is refused, never allowed
    unguarded (``.code == "store-unavailable"``)."""

    code = "store-unavailable"


class PIIBlockedError(X402Error):
    """PII was found in payment metadata and ``pii_action="block"``."""

    code = "pii-blocked"

    def __init__(self, message: str, entities: List[str], *, code: str = "pii-blocked") -> None:
        super().__init__(message, code=code)
        self.entities = entities


class PolicyViolationError(X402Error):
    """The payment would break the spending policy.

    ``amount_usd`` and ``limit_usd`` are floats as in the seed API; the exact
    decimal strings are ``amount_usd_exact``, ``limit_usd_exact`` and
    ``current_usd_exact``.
    """

    code = "policy-per-call-exceeded"

    def __init__(
        self,
        message: str,
        *,
        amount_usd: float,
        limit_usd: float,
        code: str = "policy-per-call-exceeded",
        amount_usd_exact: Optional[str] = None,
        limit_usd_exact: Optional[str] = None,
        current_usd_exact: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.amount_usd = amount_usd
        self.limit_usd = limit_usd
        self.amount_usd_exact = amount_usd_exact
        self.limit_usd_exact = limit_usd_exact
        self.current_usd_exact = current_usd_exact


class ReplayDetectedError(X402Error):
    """The same payment was already made within the replay TTL."""

    code = "replay-detected"

    def __init__(self, message: str, *, fingerprint: str, code: str = "replay-detected") -> None:
        super().__init__(message, code=code)
        self.fingerprint = fingerprint


class _MPAError(X402Error):
    def __init__(
        self,
        message: str,
        *,
        approvals_received: int,
        threshold: int,
        code: Optional[str] = None,
        approval_request: Optional[Dict[str, Any]] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.approvals_received = approvals_received
        self.threshold = threshold
        #: The core's approval request this attempt asked for (``request_id``,
        #: ``expires_at_ms``, ``canonical``, ``request``), or ``None``.
        self.approval_request = approval_request


class MPADeniedError(_MPAError):
    """Multi-party authorization was required but not enough approvals arrived."""

    code = "mpa-denied"


class MPATimeoutError(_MPAError):
    """Multi-party authorization timed out before the threshold was reached."""

    code = "mpa-timeout"


__all__ = [
    "X402Error",
    "X402PaymentError",
    "StoreUnavailableError",
    "PIIBlockedError",
    "PolicyViolationError",
    "ReplayDetectedError",
    "MPADeniedError",
    "MPATimeoutError",
]
