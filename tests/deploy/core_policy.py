"""Loads a rendered policy file through the core and probes its limits (make test-deploy).

Run by the Python package's venv (presidio_x402 over the component), not by the tools' venv:
``python core_policy.py POLICY.json`` prints one JSON object:
``{"ok": true, "config": {...}, "probe": {...}}`` or ``{"ok": false, "errors": [[path, code], ...]}``.

The probe pays through the core's policy (``PolicyEngine``, the core's ``policy.sequence``):
one payment of exactly ``max_per_call_usd`` and one a cent above it; then payments of
``max_per_call_usd`` until the window refuses one, summed exactly.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal

from presidio_x402.exceptions import PolicyViolationError
from presidio_x402.policy_engine import PolicyEngine
from presidio_x402.x402_policy_schema import PolicyValidationError, load_policy_file

URL = "https://api.example.com/resource"
T0 = 1_700_000_000_000


def code_of(engine: PolicyEngine, usd: str, at_ms: int) -> str | None:
    try:
        engine.check_and_record(resource_url=URL, amount_usd=usd, now_ms=at_ms)
        return None
    except PolicyViolationError as e:
        return e.code


def main() -> None:
    try:
        policy = load_policy_file(sys.argv[1])
    except PolicyValidationError as e:
        print(json.dumps({"ok": False, "errors": [list(d) for d in e.details]}))
        return
    config = policy.to_config()
    probe: dict = {}
    per_call = config.get("max_per_call_usd")
    if isinstance(per_call, str):
        probe["at_per_call"] = code_of(PolicyEngine(policy), per_call, T0)
        probe["cent_above_per_call"] = code_of(PolicyEngine(policy), str(Decimal(per_call) + Decimal("0.01")), T0)
        if isinstance(config.get("daily_limit_usd"), str):
            engine, total, n = PolicyEngine(policy), Decimal(0), 0
            while n < 10_000:
                code = code_of(engine, per_call, T0 + n)
                if code is not None:
                    probe["window_refusal"] = code
                    break
                total += Decimal(per_call)
                n += 1
            probe["window_allowed_usd"] = format(total, "f")
            probe["window_payments"] = n
    print(json.dumps({"ok": True, "config": config, "probe": probe}))


if __name__ == "__main__":
    main()
