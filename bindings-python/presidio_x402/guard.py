"""The host side of one configured guard: the core's call order, with I/O.

Call order (see ``wit/presidio-x402.wit``):

1. :meth:`Guard.assess` — one component call after a 402, before signing;
2. :meth:`Guard.host_io` — the replay store's check-and-set and, when the core
   asks for it, the approvals (webhooks, countersignatures);
3. :meth:`Guard.finalize` — one component call: the verdict, the audit line,
   metric updates; refusals raise the mapped exception;
4. sign and send (the caller), then :meth:`Guard.settle` — commit or release.

Shared by :class:`presidio_x402.HardenedX402Client` and the official-client
integration (:mod:`presidio_x402.integrations.x402`). No rules here.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Dict, List, Optional

from . import _keys
from ._core import ConfigErrors, CoreError, core
from ._types import PaymentDetails
from .audit_log import AuditLog
from .exceptions import (
    MPADeniedError,
    MPATimeoutError,
    PIIBlockedError,
    PolicyViolationError,
    ReplayDetectedError,
    X402Error,
    X402PaymentError,
)
from .stores import MemoryStore, now_ms

logger = logging.getLogger("presidio_x402")

_POLICY_CODES = {"policy-per-call-exceeded", "policy-window-exceeded", "policy-endpoint-exceeded"}


def _f(x: Optional[str]) -> float:
    return float(x) if x is not None else 0.0


class Assessment(dict):
    """The core's assessment record (a dict) with the JSON fields decoded lazily."""

    @property
    def requirements(self) -> Dict[str, Any]:
        if "_req" not in self.__dict__:
            self.__dict__["_req"] = json.loads(self["requirements_json"]) or {}
        return self.__dict__["_req"]

    @property
    def metadata(self) -> Dict[str, Any]:
        if "_meta" not in self.__dict__:
            self.__dict__["_meta"] = json.loads(self["metadata_json"])
        return self.__dict__["_meta"]

    def approval(self) -> Any:
        from .mpa import ApprovalRequest

        c = self.get("approval_request_json")
        return ApprovalRequest.from_canonical(c, self.get("approval_expires_at_ms")) if c else None


class Guard:
    """A configured guard: the core ``guard`` resource plus keys, store, audit and metrics."""

    def __init__(self, config: Dict[str, Any], *, store: Any = None, audit: Optional[AuditLog] = None,
                 metrics: Any = None, mpa_engine: Any = None, replay_key: Any = None) -> None:
        self._core = core()
        try:
            self._g = self._core.new_guard(json.dumps(config, ensure_ascii=False))
        except ConfigErrors as e:
            from .x402_policy_schema import PolicyValidationError

            lines = [f"{p or '(root)'}: {c}: {self._core.describe(c)}" for p, c in e.errors]
            raise PolicyValidationError("invalid guard configuration:\n" + "\n".join("  - " + l for l in lines),
                                        lines, e.errors) from None
        self.store = store if store is not None else MemoryStore()
        self.audit = audit if audit is not None else AuditLog()
        self.metrics = metrics
        self.mpa = mpa_engine
        self._replay_key = (_keys.coerce_key(replay_key, "replay key") or _keys.fingerprint_key()).bytes()
        self._audit_key = self.audit.key_bytes
        self._lock = threading.Lock()
        if self.audit.head is None:
            h = self.store.load_head()
            if h:
                self.audit.head = h
        blob = self.store.load_state()
        if blob:
            self._g.load_state(blob)

    def __repr__(self) -> str:
        return f"<Guard store={type(self.store).__name__}>"

    def close(self) -> None:
        self._g.close()

    # 1 ---------------------------------------------------------------------------
    def assess(self, method: str, url: str, payment_required: Optional[str], body: Optional[str],
               reason: str = "", now: Optional[int] = None) -> Assessment:
        if self.store.shared:
            blob = self.store.load_state()
            if blob:
                self._g.load_state(blob)
        ctx = {"method": method, "request_url": url, "payment_required": payment_required, "body": body,
               "reason": reason, "now_ms": now if now is not None else now_ms()}
        return Assessment(self._g.assess(ctx, self._replay_key))

    # 2 ---------------------------------------------------------------------------
    async def host_io(self, a: Assessment, mpa_signatures: Any = None) -> Dict[str, Any]:
        io: Dict[str, Any] = {"replay_fresh": None, "countersignatures": [], "webhook_answers": []}
        if a["blocked"] is not None:
            return io
        try:
            io["replay_fresh"] = self.store.replay_check_and_set(a["fingerprint"], a["replay_ttl_ms"], now_ms())
        except Exception:
            io["replay_fresh"] = None
        if io["replay_fresh"] and a.get("approval_request_json"):
            req = a.approval()
            if self.mpa is not None:
                io.update(await self.mpa.collect(req, mpa_signatures))
            elif mpa_signatures is not None:
                from .mpa import MPAEngine

                sigs = await MPAEngine._signatures(None, mpa_signatures, req)  # type: ignore[arg-type]
                io["countersignatures"] = sigs
        return io

    # 3 ---------------------------------------------------------------------------
    def finalize(self, a: Assessment, io: Dict[str, Any]) -> Dict[str, Any]:
        with self._lock:
            d = self._g.finalize(a["id"], io, self._audit_key, self.audit.head, now_ms())
            self._after(a, d)
        if not d["allowed"]:
            raise self.error(a, d["code"], io)
        return d

    # 4 ---------------------------------------------------------------------------
    def settle(self, a: Assessment, failure: Optional[str] = None) -> Dict[str, Any]:
        outcome: Any = "settled" if failure is None else ("failed", failure)
        with self._lock:
            d = self._g.settle(a["id"], outcome, self._audit_key, self.audit.head, now_ms())
            self._after(a, d)
        return d

    def _after(self, a: Assessment, d: Dict[str, Any]) -> None:
        self.audit.record(d["audit_line"], d["head"])
        st = self.store
        if st.shared or type(st) is not MemoryStore:
            st.save_head(d["head"])
            st.save_state(self._g.state())
        if d["forget_fingerprint"] and a.get("fingerprint"):
            st.replay_forget(a["fingerprint"])
        if self.metrics is not None:
            self.metrics.apply(d["metrics_json"], d["code"])

    def state(self) -> str:
        """The core's serialised state (spend ledger, pins)."""
        return self._g.state()

    # ----------------------------------------------------------------------------
    def details(self, a: Assessment) -> PaymentDetails:
        m = a.metadata
        return PaymentDetails(
            resource_url=m.get("resource_url", ""), pay_to=a["pay_to"] or "", amount=a["amount_usd"] or "",
            currency="USD", network=a["network"] or "", deadline_seconds=int(a["max_timeout_seconds"] or 0),
            description=m.get("description", ""), reason=m.get("reason", ""),
            extra=m.get("extra") if isinstance(m.get("extra"), dict) else {},
            amount_atomic=a["amount"] or "", asset=a["asset"] or "", scheme=a["scheme"] or "exact",
            x402_version=int(a["x402_version"]), requirements=a.requirements,
            resource=m.get("resource_echo"), request_url=m.get("request_url", ""))

    def error(self, a: Assessment, code: str, io: Optional[Dict[str, Any]] = None) -> X402Error:
        """The seed exception for a refusal ``code``."""
        msg = self._core.describe(code)
        if code == "pii-blocked":
            return PIIBlockedError(msg, list(a.get("pii_entities") or []), code=code)
        if code in _POLICY_CODES:
            return PolicyViolationError(msg, amount_usd=_f(a.get("amount_usd")), limit_usd=_f(a.get("limit_usd")), code=code,
                                        amount_usd_exact=a.get("amount_usd"), limit_usd_exact=a.get("limit_usd"),
                                        current_usd_exact=a.get("current_usd"))
        if code == "replay-detected":
            return ReplayDetectedError(msg, fingerprint=a.get("fingerprint") or "", code=code)
        if code.startswith("mpa-"):
            req = a.approval()
            threshold = int(self.mpa.config.threshold) if self.mpa is not None else 0
            got = 0
            if self.mpa is not None and req is not None and io:
                try:
                    got = self.mpa.count_approvals(req, io)
                except Exception:
                    got = 0
            cls = MPATimeoutError if code == "mpa-timeout" else MPADeniedError
            return cls(msg, approvals_received=got, threshold=threshold, code=code,
                       approval_request=req.as_dict() if req is not None else None)
        return X402PaymentError(msg, code=code)


__all__ = ["Guard", "Assessment"]
_ = (CoreError, List)
