"""Exceptions raised by presidio-hardened-x402 security controls.

Every exception carries ``.code``: the core's stable, kebab-case error code
(``"policy-per-call-exceeded"``, ``"replay-detected"``, ...), the same string
the JS package and the audit log use. Messages are fixed descriptions from the
core and never contain URLs, metadata or keys.
"""

from __future__ import annotations

from typing import Any, cast


class _DefaultCode:
    """A class's default ``.code`` (when built without one, as the seed's
    constructors allow): its family's default code in the core's error table."""

    def __get__(self, obj: Any, cls: type) -> str:
        return _defaults().get(cls.__name__) or _defaults()["X402PaymentError"]


class X402Error(Exception):
    """Base exception for all presidio-hardened-x402 errors."""

    code: Any = _DefaultCode()
    #: The audit line written for this refusal, when one was written (a payment the guard refused).
    audit_line: str | None = None

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message or (code or self.code))
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r}, code={self.code!r})"


class X402PaymentError(X402Error):
    """The payment cannot go ahead: an unusable challenge, an untrusted asset or
    payee, a signer or network failure (``.code`` says which)."""



class StoreUnavailableError(X402PaymentError):
    """The state store failed (unreachable, timed out, answered something
    unusable, or stayed contended): the payment is refused, never allowed
    unguarded (``.code == "store-unavailable"``)."""



class PIIBlockedError(X402Error):
    """PII was found in payment metadata and ``pii_action="block"``."""


    def __init__(self, message: str, entities: list[str], *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.entities = entities


class PolicyViolationError(X402Error):
    """The payment would break the spending policy.

    ``amount_usd`` and ``limit_usd`` are floats as in the seed API; the exact
    decimal strings are ``amount_usd_exact``, ``limit_usd_exact`` and
    ``current_usd_exact``.
    """


    def __init__(
        self,
        message: str,
        *,
        amount_usd: float,
        limit_usd: float,
        code: str | None = None,
        amount_usd_exact: str | None = None,
        limit_usd_exact: str | None = None,
        current_usd_exact: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.amount_usd = amount_usd
        self.limit_usd = limit_usd
        self.amount_usd_exact = amount_usd_exact
        self.limit_usd_exact = limit_usd_exact
        self.current_usd_exact = current_usd_exact


class ReplayDetectedError(X402Error):
    """The same payment was already made within the replay TTL."""


    def __init__(self, message: str, *, fingerprint: str, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.fingerprint = fingerprint


class _MPAError(X402Error):
    def __init__(
        self,
        message: str,
        *,
        approvals_received: int,
        threshold: int,
        code: str | None = None,
        approval_request: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.approvals_received = approvals_received
        self.threshold = threshold
        #: The core's approval request this attempt asked for (``request_id``,
        #: ``expires_at_ms``, ``canonical``, ``request``), or ``None``.
        self.approval_request = approval_request


class MPADeniedError(_MPAError):
    """Multi-party authorization was required but not enough approvals arrived."""



class MPATimeoutError(_MPAError):
    """Multi-party authorization timed out before the threshold was reached."""



def _families() -> dict[str, Any]:
    """``code -> (exception class, description)`` from the core's error table
    (read once). The table names the seed's classes; its configuration family
    (``PolicyConfigError`` in JS) is :class:`PolicyValidationError` here."""
    global _TABLE
    if _TABLE is None:
        from ._core import error_table
        from .x402_policy_schema import PolicyValidationError

        classes: dict[str, type] = {c.__name__: c for c in (X402PaymentError, StoreUnavailableError, PIIBlockedError,
                                           PolicyViolationError, ReplayDetectedError, MPADeniedError, MPATimeoutError)}
        classes["PolicyConfigError"] = PolicyValidationError
        _TABLE = {r["code"]: (classes[r["class"]], r["description"]) for r in error_table()}
    return _TABLE


_TABLE: dict[str, Any] | None = None
_DEFAULTS: dict[str, str] | None = None


def _defaults() -> dict[str, str]:
    """``class name -> default code`` from the core's error table (read once)."""
    global _DEFAULTS
    if _DEFAULTS is None:
        from ._core import error_table

        _DEFAULTS = {r["class"]: r["code"] for r in error_table() if r.get("default")}
    return _DEFAULTS


def _f(x: str | None) -> float:
    return float(x) if x is not None else 0.0


def error_for(code: str | None, details: dict[str, Any] | None = None, *, threshold: int = 0,
              approval_request: dict[str, Any] | None = None) -> Exception:
    """The exception of a refusal: the class of ``code``'s family in the core's
    error table, with the fields of the driver's ``done.details``."""
    code = code or "invalid-input"
    cls, msg = _families().get(code, (X402PaymentError, code))
    d = details or {}
    if cls is PIIBlockedError:
        return cls(msg, list(d.get("pii_entities") or []), code=code)
    if cls is PolicyViolationError:
        return cls(msg, amount_usd=_f(d.get("amount_usd")), limit_usd=_f(d.get("limit_usd")), code=code,
                   amount_usd_exact=d.get("amount_usd"), limit_usd_exact=d.get("limit_usd"),
                   current_usd_exact=d.get("current_usd"))
    if cls is ReplayDetectedError:
        return cls(msg, fingerprint=d.get("fingerprint") or "", code=code)
    if issubclass(cls, _MPAError):
        return cast("Exception", cls(msg, approvals_received=int(d.get("approvals") or 0), threshold=threshold,
                                     code=code, approval_request=approval_request))
    if issubclass(cls, X402Error):
        return cast("Exception", cls(msg, code=code))
    return cast("Exception", cls(msg, [f"(root): {code}: {msg}"], [("", code)]))


def mpa_error(code: str, message: str, *, approvals: int, threshold: int,
              approval_request: dict[str, Any] | None = None) -> Exception:
    """The exception of a refused stand-alone approval: the class of ``code``'s
    family in the core's error table, with the core's ``message``."""
    cls = _families().get(code, (MPADeniedError, ""))[0]
    if not issubclass(cls, _MPAError):
        cls = MPADeniedError
    err: Exception = cls(message, approvals_received=approvals, threshold=threshold, code=code,
                         approval_request=approval_request)
    return err


__all__ = [
    "MPADeniedError",
    "MPATimeoutError",
    "PIIBlockedError",
    "PolicyViolationError",
    "ReplayDetectedError",
    "StoreUnavailableError",
    "X402Error",
    "X402PaymentError",
    "error_for",
    "mpa_error",
]
