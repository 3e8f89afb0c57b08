"""Replay detection: the core's fingerprint plus a host store with a TTL.

The fingerprint is an HMAC-SHA256 (key from ``PRESIDIO_X402_FINGERPRINT_KEY``,
hex; else a per-process key with a warning) of an unambiguous encoding of what
names one purchase: the method, the canonical request URL, the SHA-256 of the
request body (methods with a body), the caller's idempotency key, the CAIP-2
network, the asset and the payee (EVM addresses case-folded). The price is the
server's quote, not part of the purchase (``core/src/replay.rs``). The store
does the atomic check-and-set.
"""

from __future__ import annotations

from typing import Any, cast

from . import _keys
from ._core import core
from .exceptions import ReplayDetectedError
from .stores import make_store, now_ms


def compute_fingerprint(resource_url: str, pay_to: str, amount: str | int | None = None,
                        currency: str | None = None, deadline_seconds: int | None = None, *,
                        method: str = "GET", network: str = "eip155:8453", asset: str | None = None,
                        request_body_sha256: str | None = None, idempotency_key: str | None = None,
                        scheme: str | None = None, key: Any = None) -> str:
    """The core's replay fingerprint (64 lowercase hex).

    Seed signature, with the fields real x402 needs: ``asset`` is the token
    contract (``currency`` is used when ``asset`` is not given);
    ``request_body_sha256`` (hex) and ``idempotency_key`` name the request as
    :meth:`Guard.begin` takes them. ``amount``, ``scheme`` and
    ``deadline_seconds`` are accepted for the seed's callers and ignored: the
    same request quoted again at another price is the same purchase.
    """
    del amount, scheme, deadline_seconds  # not part of a purchase's identity
    k = _keys.coerce_key(key, "fingerprint key") or _keys.fingerprint_key()
    return cast("str", core().ok("fingerprint", k.bytes(), method, resource_url, request_body_sha256, idempotency_key,
                                 network, asset or currency or "", pay_to))


class ReplayGuard:
    """Remembers fingerprints for ``ttl`` seconds (in memory, or in Redis with ``redis_url``)."""

    def __init__(self, ttl: int = 300, *, redis_url: str | None = None, store: Any = None) -> None:
        self.ttl = int(ttl)
        self.store = store if store is not None else make_store(redis_url)

    def check_and_record(self, fingerprint: str, ttl: int | None = None) -> None:
        """Raises :class:`ReplayDetectedError` when ``fingerprint`` was seen within the TTL."""
        try:
            fresh = self.store.replay_check_and_set(fingerprint, 1000 * int(ttl or self.ttl), now_ms())
        except Exception:
            fresh = None
        if fresh is False:
            # The seed's message names the fingerprint's first 8 characters (never the payment's fields).
            raise ReplayDetectedError(f"{core().describe('replay-detected')} (fingerprint {fingerprint[:8]}…)",
                                      fingerprint=fingerprint)
        if fresh is not True:
            from .exceptions import StoreUnavailableError

            raise StoreUnavailableError(core().describe("store-unavailable"), code="store-unavailable")

    def forget(self, fingerprint: str) -> None:
        self.store.replay_forget(fingerprint)

    def reset(self) -> None:
        self.store.clear()


__all__ = ["ReplayGuard", "compute_fingerprint"]
