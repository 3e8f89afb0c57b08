"""The configuration reference's examples (docs/examples/policy.{toml,json}) load and
validate in the package, are the same policy, drive a guard, and type-check as
``GuardConfig`` (the TypedDict generated from the schema)."""

import json
import tomllib
import typing
from pathlib import Path

import pytest

import presidio_x402
from presidio_x402 import GuardConfig
from presidio_x402.guard import Guard
from presidio_x402.x402_policy_schema import PolicyValidationError, get_schema, load_policy_file, validate_policy

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def test_examples_are_one_valid_policy() -> None:
    toml = tomllib.loads((EXAMPLES / "policy.toml").read_text())
    data = json.loads((EXAMPLES / "policy.json").read_text())
    assert toml == data
    validate_policy(data)
    cfg = load_policy_file(EXAMPLES / "policy.toml")
    assert cfg.to_config()["mpa"]["threshold"] == 2
    g = Guard(typing.cast(GuardConfig, data), replay_key=b"\x11" * 32)
    assert g.replica == "worker-1"


def test_a_wrong_value_has_the_code_the_reference_lists() -> None:
    data = json.loads((EXAMPLES / "policy.json").read_text())
    data["window_seconds"] = 0
    data["pii"]["action"] = "shout"
    with pytest.raises(PolicyValidationError) as e:
        validate_policy(data)
    assert sorted(e.value.details) == [("pii.action", "config-bad-pii"), ("window_seconds", "config-out-of-range")]
    doc = (ROOT / "docs" / "CONFIG.md").read_text()
    assert "| `window_seconds` |" in doc and "`config-out-of-range`" in doc


def test_guard_config_typed_dict_has_every_schema_key() -> None:
    schema = get_schema()
    assert set(GuardConfig.__annotations__) == set(schema["properties"])
    assert set(typing.get_type_hints(presidio_x402.config_types.GuardConfigPii)) == set(
        schema["properties"]["pii"]["properties"])
    mpa = presidio_x402.config_types.GuardConfigMpa
    assert mpa.__required_keys__ == frozenset({"threshold", "approvers"})
