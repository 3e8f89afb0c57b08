"""Prometheus metrics, driven by the core's metric updates.

Every ``finalize``/``settle`` returns the metric updates for that step
(``[{"name", "labels", "observe"}]``); :meth:`MetricsCollector.apply` exports
them. The six metric names are the seed's:

=================================  =========  ==========================================
``x402_payments_total``            counter    ``outcome``, ``reason`` (the code or ``none``), ``network``
``x402_payment_amount_usd``        histogram  ``network``
``x402_pii_detections_total``      counter    ``entity_type``, ``action``
``x402_policy_violations_total``   counter    ``violation_type``
``x402_replay_detections_total``   counter    (none)
``x402_mpa_events_total``          counter    ``outcome`` (requested, approved, denied, timeout)
=================================  =========  ==========================================

Without ``prometheus_client`` (``pip install presidio-hardened-x402[prometheus]``)
every method is a silent no-op.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

try:
    from prometheus_client import REGISTRY, Counter, Histogram

    _PROM = True
except ImportError:  # pragma: no cover - depends on extras
    _PROM = False

_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.10, 0.50, 1.0, 5.0, 10.0, 50.0]
# metric suffix -> (kind, label names, core label -> exported label)
_SPEC: Dict[str, Tuple[str, List[str], Dict[str, str]]] = {
    "payments_total": ("counter", ["outcome", "reason", "network"], {}),
    "payment_amount_usd": ("histogram", ["network"], {}),
    "pii_detections_total": ("counter", ["entity_type", "action"], {}),
    "policy_violations_total": ("counter", ["violation_type"], {"limit_type": "violation_type"}),
    "replay_detections_total": ("counter", [], {}),
    "mpa_events_total": ("counter", ["outcome"], {"event": "outcome"}),
}
_HELP = {
    "payments_total": "Total x402 payment attempts",
    "payment_amount_usd": "Distribution of x402 payment amounts in USD",
    "pii_detections_total": "PII detections in x402 payment metadata",
    "policy_violations_total": "Spending policy violations",
    "replay_detections_total": "Replay/duplicate payment detections",
    "mpa_events_total": "Multi-party authorization events",
}
_shared: Dict[Tuple[int, str], Dict[str, Any]] = {}


class MetricsCollector:
    """Exports the core's metric updates to prometheus_client.

    Collectors with the same ``namespace`` and ``registry`` share their metrics
    (prometheus_client refuses to register a name twice).
    """

    def __init__(self, namespace: str = "x402", registry: Any = None) -> None:
        self._available = _PROM
        self.namespace = namespace
        self._m: Dict[str, Any] = {}
        if not _PROM:
            return
        reg = registry if registry is not None else REGISTRY
        key = (id(reg), namespace)
        if key not in _shared:
            made = {}
            for suffix, (kind, labels, _) in _SPEC.items():
                name = f"{namespace}_{suffix}"
                if kind == "histogram":
                    made[suffix] = Histogram(name, _HELP[suffix], labels, buckets=_BUCKETS, registry=reg)
                else:
                    made[suffix] = Counter(name, _HELP[suffix], labels, registry=reg)
            _shared[key] = made
        self._m = _shared[key]
        for suffix, m in self._m.items():
            setattr(self, suffix, m)

    @property
    def available(self) -> bool:
        return self._available

    def apply(self, updates: Union[str, Iterable[Dict[str, Any]]], code: Optional[str] = None) -> None:
        """Applies a decision's metric updates (``metrics-json``); ``code`` fills ``reason``."""
        if not self._available:
            return
        if isinstance(updates, str):
            updates = json.loads(updates)
        for u in updates:
            name = u.get("name", "")
            suffix = name[5:] if name.startswith("x402_") else name
            spec = _SPEC.get(suffix)
            m = self._m.get(suffix)
            if spec is None or m is None:
                continue
            kind, labelnames, rename = spec
            labels = {rename.get(k, k): str(v) for k, v in (u.get("labels") or {}).items()}
            if suffix == "payments_total":
                labels.setdefault("reason", code or "none")
            values = {n: labels.get(n, "") for n in labelnames}
            target = m.labels(**values) if labelnames else m
            if u.get("observe") is not None:
                target.observe(float(u["observe"]))
            elif kind == "counter":
                target.inc()

    # -- the seed's recording API ------------------------------------------------
    def record_payment_allowed(self, amount_usd: float) -> None:
        if self._available:
            self._m["payments_total"].labels(outcome="allowed", reason="none", network="").inc()
            self._m["payment_amount_usd"].labels(network="").observe(float(amount_usd))

    def record_payment_blocked(self, reason: str, amount_usd: Optional[float] = None) -> None:
        if self._available:
            self._m["payments_total"].labels(outcome="blocked", reason=reason, network="").inc()

    def record_pii_detection(self, entity_types: List[str], action: str) -> None:
        if self._available:
            for e in entity_types:
                self._m["pii_detections_total"].labels(entity_type=e, action=action).inc()

    def record_policy_violation(self, violation_type: str) -> None:
        if self._available:
            self._m["policy_violations_total"].labels(violation_type=violation_type).inc()

    def record_replay_detection(self) -> None:
        if self._available:
            self._m["replay_detections_total"].inc()

    def record_mpa_event(self, outcome: str) -> None:
        if self._available:
            self._m["mpa_events_total"].labels(outcome=outcome).inc()


__all__ = ["MetricsCollector"]
