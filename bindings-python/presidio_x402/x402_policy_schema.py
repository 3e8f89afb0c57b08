"""Policy as code: TOML/JSON policy files validated by the core.

The JSON Schema (``policy.schema.json``, shipped in this package and identical
to the one the core is tested against) documents the format; the core's
validator is the authority and reports **every** problem with its path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from ._core import core
from .policy_engine import PolicyConfig

SCHEMA_PATH = Path(__file__).with_name("policy.schema.json")


class PolicyValidationError(ValueError):
    """A policy does not validate. ``errors`` holds one ``"path: code: reason"``
    string per problem; ``details`` the ``(path, code)`` pairs."""

    def __init__(self, message: str, errors: list[str], details: list[tuple[str, str]] = ()) -> None:  # type: ignore[assignment]
        super().__init__(message)
        self.errors = errors
        self.details = list(details)

    @property
    def code(self) -> str | None:
        """The core's stable code of the first problem (``None`` when none is known)."""
        return self.details[0][1] if self.details else None


def get_schema() -> dict[str, Any]:
    """The policy JSON Schema."""
    return cast("dict[str, Any]", json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validate_policy(data: dict[str, Any]) -> None:
    """Raises :class:`PolicyValidationError` listing every problem of ``data``."""
    if not isinstance(data, dict):
        raise PolicyValidationError("Policy validation failed (1 error(s)):\n  - (root): config-malformed",
                                    ["(root): config-malformed"], [("", "config-malformed")])
    try:
        errs = core().validate_config(data)
    except (TypeError, ValueError):
        errs = [("", "config-malformed")]
    if errs:
        c = core()
        lines = [f"{p or '(root)'}: {code}: {c.describe(code)}" for p, code in errs]
        raise PolicyValidationError(
            f"Policy validation failed ({len(errs)} error(s)):\n" + "\n".join("  - " + ln for ln in lines), lines, errs)


def load_policy_file(path: str | Path) -> PolicyConfig:
    """Loads and validates a ``.toml`` or ``.json`` policy file.

    Every key the core knows is kept, ``mpa`` included (the client builds its
    approval engine from it when no ``mpa_engine`` is given).
    """
    path = Path(path)
    if path.suffix == ".toml":
        import tomllib

        try:
            with path.open("rb") as f:
                data: Any = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise PolicyValidationError(f"Policy file is not valid TOML: {e}", [f"(root): config-malformed: {e}"],
                                        [("", "config-malformed")]) from None
    elif path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise PolicyValidationError(f"Policy file is not valid JSON: {e}", [f"(root): config-malformed: {e}"],
                                        [("", "config-malformed")]) from None
    else:
        raise ValueError(f"Unsupported policy file format: {path.suffix!r}. Use .toml or .json")
    validate_policy(data)
    return PolicyConfig.from_dict(data)


__all__ = ["SCHEMA_PATH", "PolicyValidationError", "get_schema", "load_policy_file", "validate_policy"]
