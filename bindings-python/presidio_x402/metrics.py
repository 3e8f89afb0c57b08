"""Prometheus metrics, as the core defines and updates them.

The metrics (names, types, help, label names, histogram buckets) are the
core's table (``metric_table()``: ``core/src/driver/tables.rs``); every
payment's ``done`` carries its updates (``[{"name", "labels", "observe"}]``),
which :meth:`MetricsCollector.apply` exports as given. The six names are the
seed's: ``x402_payments_total``, ``x402_payment_amount_usd`` (histogram),
``x402_pii_detections_total``, ``x402_policy_violations_total``,
``x402_replay_detections_total``, ``x402_mpa_events_total``.

Without ``prometheus_client`` (``pip install presidio-hardened-x402[prometheus]``;
``_PROM_AVAILABLE`` is False, as in the seed, read when a collector is made)
every method is a silent no-op.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

try:
    from prometheus_client import REGISTRY, Counter, Histogram

    _PROM_AVAILABLE = True
except ImportError:  # pragma: no cover - depends on extras
    _PROM_AVAILABLE = False

_shared: dict[tuple[int, str], dict[str, Any]] = {}


def _suffix(name: str) -> str:
    return name[5:] if name.startswith("x402_") else name


class MetricsCollector:
    """Exports the core's metric updates to prometheus_client.

    Metric ``x402_<suffix>`` is registered as ``<namespace>_<suffix>``.
    Collectors with the same ``namespace`` and ``registry`` share their metrics
    (prometheus_client refuses to register a name twice).
    """

    def __init__(self, namespace: str = "x402", registry: Any = None) -> None:
        self._available = _PROM_AVAILABLE
        self.namespace = namespace
        self._m: dict[str, Any] = {}
        self._labels: dict[str, list[str]] = {}
        if not _PROM_AVAILABLE:
            return
        from ._core import metric_table

        table = metric_table()
        self._labels = {_suffix(t["name"]): list(t["labels"]) for t in table}
        reg = registry if registry is not None else REGISTRY
        key = (id(reg), namespace)
        if key not in _shared:
            made: dict[str, Any] = {}
            for t in table:
                suffix = _suffix(t["name"])
                name = f"{namespace}_{suffix}"
                if t["type"] == "histogram":
                    made[suffix] = Histogram(name, t["help"], t["labels"], buckets=[float(b) for b in t["buckets"]],
                                             registry=reg)
                else:
                    made[suffix] = Counter(name, t["help"], t["labels"], registry=reg)
            _shared[key] = made
        self._m = _shared[key]
        for suffix, m in self._m.items():
            setattr(self, suffix, m)

    @property
    def available(self) -> bool:
        return self._available

    def apply(self, updates: str | Iterable[dict[str, Any]], code: str | None = None) -> None:
        """Applies a payment's metric updates (``done.metrics``, or its JSON text)."""
        if not self._available:
            return
        rows: Any = json.loads(updates) if isinstance(updates, str) else updates
        for u in rows:
            self._update(_suffix(u.get("name", "")), u.get("labels") or {}, u.get("observe"))

    def _update(self, suffix: str, labels: dict[str, Any], observe: Any = None) -> None:
        m = self._m.get(suffix)
        if m is None:
            return
        names = self._labels[suffix]
        target = m.labels(**{n: str(labels.get(n, "")) for n in names}) if names else m
        if observe is not None:
            target.observe(float(observe))
        else:
            target.inc()

    # -- the seed's recording API, onto the core's metrics ------------------------------
    def record_payment_allowed(self, amount_usd: float) -> None:
        if self._available:
            self._update("payments_total", {"outcome": "allowed"})
            self._update("payment_amount_usd", {}, amount_usd)

    def record_payment_blocked(self, reason: str, amount_usd: float | None = None) -> None:
        if self._available:
            self._update("payments_total", {"outcome": "blocked"})

    def record_pii_detection(self, entity_types: list[str], action: str) -> None:
        if self._available:
            for e in entity_types:
                self._update("pii_detections_total", {"entity_type": e, "action": action})

    def record_policy_violation(self, violation_type: str) -> None:
        if self._available:
            self._update("policy_violations_total", {"limit_type": violation_type})

    def record_replay_detection(self) -> None:
        if self._available:
            self._update("replay_detections_total", {})

    def record_mpa_event(self, outcome: str) -> None:
        if self._available:
            self._update("mpa_events_total", {"event": outcome})


__all__ = ["MetricsCollector"]
