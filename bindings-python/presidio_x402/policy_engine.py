"""Spending policy configuration (the seed's ``PolicyConfig``).

The policy is only *data* here: the core validates it and enforces it, with
exact integer money. ``PolicyConfig`` turns into the core's configuration JSON
(``schema/policy.schema.json``; see :func:`PolicyConfig.to_config`).

Limits left unset take the core's safe defaults ($1 per call, $10 per window);
pass ``None`` explicitly for "no limit".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Marker for "not given": the core's default applies.
DEFAULT: Any = type("Default", (), {"__repr__": lambda self: "DEFAULT", "__bool__": lambda self: False})()

_CORE_KEYS = (
    "max_per_call_usd", "daily_limit_usd", "window_seconds", "per_endpoint", "agent_id",
    "trusted_wallets", "pin_pay_to", "networks", "assets", "replay_ttl_seconds",
    "reservation_lease_seconds", "pii", "mpa", "payload",
    "max_quote_increase_ratio", "wallet_pinning", "budget_alerts", "alert_webhook",
)


@dataclass
class PolicyConfig:
    """Spending policy. USD values may be floats, ints or decimal strings; the
    core parses them exactly (``0.10`` is ten cents, never 0.1000000000000000055).
    """

    max_per_call_usd: Any = DEFAULT
    """Block any single payment above this (USD). Default $1; ``None`` = no limit."""
    daily_limit_usd: Any = DEFAULT
    """Block a payment that would push spend in the window above this. Default $10; ``None`` = no limit."""
    per_endpoint: dict[str, Any] = field(default_factory=dict)
    """Endpoint key (origin plus optional path prefix) → window limit in USD."""
    window_seconds: int = 86_400
    """Length of the aggregate window."""
    agent_id: str | None = None
    """Agent identifier for audit lines."""
    trusted_wallets: list[str] | None = None
    pin_pay_to: bool | None = None
    networks: list[str] | None = None
    assets: list[dict[str, Any]] | None = None
    replay_ttl_seconds: int | None = None
    reservation_lease_seconds: int | None = None
    pii: dict[str, Any] | None = None
    mpa: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None
    """How a signed payload is bound to the approval: ``{"check": "enforce" | "opaque",
    "skew_seconds": 30, "wallet": "0x…"}`` (``"opaque"``: the documented opt-out for signers that
    return payloads the guard cannot read; they are sent unchecked)."""
    max_quote_increase_ratio: Any = None
    """The seed's quote-drift limit: refuse an offer above the last paid price of a resource times (1 + ratio)."""
    wallet_pinning: str | None = None
    """``"block"`` or ``"warn"`` (the seed's names): pin the first payee per origin and network."""
    budget_alerts: list[Any] | None = None
    """Fractions (e.g. ``[0.8, 0.95]``) of each window limit that raise one alert each."""
    alert_webhook: dict[str, Any] | None = None
    """``{"url": …, "secret": …}``: where alerts are posted (signed with ``secret`` when given)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Keys the core does not know (kept so that validation reports them)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PolicyConfig:
        """Builds a PolicyConfig from a plain dict (TOML/JSON-friendly). Every
        core key is kept; unknown keys go to ``extra`` and fail validation."""
        if not isinstance(data, dict):
            raise TypeError("policy must be a dict")
        known = {k: v for k, v in data.items() if k in _CORE_KEYS}
        extra = {k: v for k, v in data.items() if k not in _CORE_KEYS}
        p = cls(**{k: v for k, v in known.items()})
        p.extra = extra
        if p.per_endpoint is None:
            p.per_endpoint = {}
        return p

    def to_config(self) -> dict[str, Any]:
        """The core configuration object for this policy (no defaults filled in)."""
        out: dict[str, Any] = {}
        if self.max_per_call_usd is not DEFAULT:
            out["max_per_call_usd"] = _usd(self.max_per_call_usd)
        if self.daily_limit_usd is not DEFAULT:
            out["daily_limit_usd"] = _usd(self.daily_limit_usd)
        if self.per_endpoint:
            out["per_endpoint"] = {k: _usd(v) for k, v in self.per_endpoint.items()}
        if self.window_seconds != 86_400:
            out["window_seconds"] = self.window_seconds
        if self.agent_id is not None:
            out["agent_id"] = self.agent_id
        if self.max_quote_increase_ratio is not None:
            out["max_quote_increase_ratio"] = _usd(self.max_quote_increase_ratio)
        if self.budget_alerts is not None:
            out["budget_alerts"] = [_usd(f) for f in self.budget_alerts]
        for k in ("trusted_wallets", "pin_pay_to", "networks", "assets", "replay_ttl_seconds",
                  "reservation_lease_seconds", "pii", "mpa", "payload", "wallet_pinning", "alert_webhook"):
            v = getattr(self, k)
            if v is not None:
                out[k] = v
        out.update(self.extra)
        return out


def _usd(v: Any) -> Any:
    # Decimal and other numbers go to the core as exact decimal text.
    if v is None or (isinstance(v, (str, int, float)) and not isinstance(v, bool)):
        return v
    from decimal import Decimal

    if isinstance(v, Decimal):
        return format(v, "f")
    return v


def policy_to_config(policy: PolicyConfig | dict[str, Any] | None) -> dict[str, Any]:
    if policy is None:
        return {}
    if isinstance(policy, dict):
        policy = PolicyConfig.from_dict(policy)
    if not isinstance(policy, PolicyConfig):
        raise TypeError("policy must be a PolicyConfig, a dict or None")
    return policy.to_config()


class PolicyEngine:
    """The seed's stand-alone policy engine, decided by the core.

    :meth:`check_and_record` runs the core's ``policy.sequence`` over this
    engine's history of allowed payments (each recorded as spent) plus the new
    one, at the current time: the same per-call, window and per-endpoint rules,
    with exact money, as the guard. The history grows with every allowed
    payment: use it for tests and small scripts; :class:`presidio_x402.HardenedX402Client`
    keeps the bounded ledger state.
    """

    def __init__(self, config: PolicyConfig | dict[str, Any] | None = None) -> None:
        self.config = PolicyConfig.from_dict(config) if isinstance(config, dict) else (config or PolicyConfig())
        self._steps: list[dict[str, Any]] = []

    def check_and_record(self, *, resource_url: str, amount_usd: Any, now_ms: int | None = None) -> None:
        """Allows and records a payment of ``amount_usd`` (float, int, Decimal or
        decimal string) to ``resource_url``, or raises
        :class:`~presidio_x402.exceptions.PolicyViolationError` (``.code``,
        ``.amount_usd``, ``.limit_usd`` and the exact strings)."""
        import time

        from ._core import core

        at = int(time.time() * 1000) if now_ms is None else int(now_ms)
        usd = _usd(amount_usd)
        step = {"op": "pay", "at_ms": at, "usd": usd if isinstance(usd, str) else repr(usd), "url": resource_url}
        steps = [*self._steps, step]
        res = core().call("policy.sequence", {"config": policy_to_config(self.config), "steps": steps})["results"][-1]
        if res["allowed"]:
            self._steps = [*steps, {"op": "commit", "ref": len(steps) - 1}]
            return
        from .exceptions import error_for

        code = res["code"]
        err = error_for(code, {"amount_usd": step["usd"], "limit_usd": res["limit_usd"],
                               "current_usd": res["current_usd"]})
        if res.get("message"):  # the core's words for the limit and the amounts
            err.args = (f"{err.args[0]} ({res['message']})",)
        raise err

    def reset(self) -> None:
        """Forgets every recorded payment."""
        self._steps = []


__all__ = ["DEFAULT", "PolicyConfig", "PolicyEngine", "policy_to_config"]
