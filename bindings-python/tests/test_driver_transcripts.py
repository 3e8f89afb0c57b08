"""Every driver transcript through the Python package's ``Driver`` (the component).

``vectors/driver/transcripts.json`` is written by the native core
(``core/tests/driver_vectors.rs``): per scenario, every crossing of one driver
(``open``, ``begin``, ``handle``) with its input and the exact text the native
driver returned. Each scenario is replayed here and every output compared BYTE
FOR BYTE. A missing file, a file without scenarios, a scenario without
crossings or an unknown call fails: nothing is skipped.

``PRESIDIO_X402_DRIVER_TRANSCRIPTS`` names another file (development).
"""

import json
import os
from pathlib import Path

import conftest
import pytest
from conftest import VECTORS

from presidio_x402 import exceptions
from presidio_x402._core import ConfigErrors, CoreError, Driver, error_table, metric_table
from presidio_x402.x402_policy_schema import PolicyValidationError

SCHEMA = "presidio-x402-driver-transcripts-v1"


def _path() -> Path:
    env = os.environ.get("PRESIDIO_X402_DRIVER_TRANSCRIPTS")
    if env:
        return Path(env)
    candidates = [VECTORS / "driver" / "transcripts.json", VECTORS / "driver-transcripts.json"]
    found = [p for p in candidates if p.is_file()]
    assert len(found) <= 1, f"two driver transcript files: {found}"
    return found[0] if found else candidates[0]


PATH = _path()
DOC = json.loads(PATH.read_text(encoding="utf-8")) if PATH.is_file() else {}
SCENARIOS = DOC.get("scenarios") or []
_PASSED: dict = {}


def _summary():
    if not SCENARIOS:
        return None
    crossings = sum(_PASSED.values())
    if len(_PASSED) == len(SCENARIOS):
        return f"driver transcripts: {len(SCENARIOS)} scenarios, {crossings} crossings, all identical"
    return f"driver transcripts: {len(_PASSED)} of {len(SCENARIOS)} scenarios identical"


conftest.SUMMARY.append(_summary)


def test_the_transcripts_file_has_scenarios():
    assert PATH.is_file(), f"no driver transcripts at {PATH}"
    assert DOC.get("schema") == SCHEMA, f"{PATH}: schema {DOC.get('schema')!r}"
    assert SCENARIOS, f"{PATH}: zero scenarios"
    ids = [s["tcId"] for s in SCENARIOS]
    assert len(set(ids)) == len(ids), "duplicate tcId"


def _error_text(code: str) -> str:
    return json.dumps({"error": code}, separators=(",", ":"))


def _task_id(crossings, at: int, task) -> int:
    assert isinstance(task, int) and not isinstance(task, bool) and 0 <= task < at, f"crossing {at}: task {task!r}"
    start = crossings[task]
    assert start["call"] in ("open", "begin", "control", "reload", "flush"), \
        f"crossing {at}: task {task} is a {start['call']!r} crossing"
    return json.loads(start["output"])["id"]


def _first_difference(expected: str, got: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), min(len(expected), len(got)))
    return (f"first difference at character {at} (lengths {len(expected)} / {len(got)}):\n"
            f"  expected …{expected[max(0, at - 40):at + 80]}\n  got      …{got[max(0, at - 40):at + 80]}")


# A scenario-less file still yields one case, which fails: never an empty (skipped) parametrization.
@pytest.mark.parametrize("scenario", SCENARIOS or [None], ids=[f"tc{s['tcId']}" for s in SCENARIOS] or ["none"])
def test_transcript(scenario):
    assert scenario is not None, f"no driver transcripts in {PATH}"
    crossings = scenario["crossings"]
    assert crossings, "a scenario without crossings"
    d = Driver.create(scenario["config"], scenario["profile"], bytes.fromhex(scenario["replay_key_hex"]),
                      bytes.fromhex(scenario["audit_key_hex"]))
    try:
        for i, c in enumerate(crossings):
            call = c.get("call")
            if call == "open":
                got = d.open()
            elif call == "reload":
                got = d.reload(c["input"], c["now_ms"])
            elif call == "flush":
                got = d.flush(c["now_ms"])
            elif call in ("begin", "handle", "control"):
                try:
                    if call == "begin":
                        got = d.begin(c["input"], c["now_ms"])
                    elif call == "control":
                        got = d.control(c["input"], c["now_ms"])
                    else:
                        got = d.handle(_task_id(crossings, i, c["task"]), c["now_ms"], c["input"])
                except CoreError as e:
                    got = _error_text(e.code)
            else:
                pytest.fail(f"crossing {i}: unknown call {call!r}")
            assert got == c["output"], f"crossing {i} ({call}): {_first_difference(c['output'], got)}"
    finally:
        d.close()
    _PASSED[scenario["tcId"]] = len(crossings)


def test_error_table_classes_are_python_exceptions():
    """Every exception class the core names exists in Python; the configuration
    family's ``PolicyConfigError`` (the JS name) is Python's ``PolicyValidationError``."""
    table = error_table()
    aliases = {"PolicyConfigError": PolicyValidationError}
    missing = []
    for e in table:
        cls = getattr(exceptions, e["class"], None) or aliases.get(e["class"])
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            missing.append(e["class"])
    assert not missing, f"exception classes named by the core but absent in Python: {sorted(set(missing))}"
    # Each class's default .code belongs to the family the core gives that class.
    by_code = {e["code"]: e for e in table}
    for name in sorted({e["class"] for e in table} - set(aliases)):
        cls = getattr(exceptions, name)
        family = by_code[cls.code]["family"]
        assert by_code[cls.code]["class"] == name, f"{name}.code = {cls.code!r} is in family {family}"


def test_tables_are_cached_copies():
    a, b = error_table(), error_table()
    assert a == b and a is not b
    assert [e["code"] for e in a] == [e["code"] for e in b] and len(a) > 60
    m = metric_table()
    assert {x["name"] for x in m} == {
        "x402_payments_total", "x402_payment_amount_usd", "x402_pii_detections_total",
        "x402_policy_violations_total", "x402_replay_detections_total", "x402_mpa_events_total",
        "x402_payload_refusals_total", "x402_policy_reloads_total", "x402_alerts_total",
    }


def test_driver_errors_are_core_errors():
    with pytest.raises(ConfigErrors) as ce:
        Driver.create('{"nope":1}', "", b"\x07" * 32, b"\x09" * 32)
    assert ce.value.errors == [("nope", "config-unknown-field")]
    with pytest.raises(ConfigErrors) as ce:
        Driver.create("{}", "", b"\x07" * 4, b"\x09" * 32)
    assert ce.value.errors == [("", "key-too-short")]
    with pytest.raises(ConfigErrors) as ce:
        Driver.create("{}", '{"shared":1}', b"\x07" * 32, b"\x09" * 32)
    assert ce.value.errors == [("", "invalid-input")]
    d = Driver.create("{}", "", b"\x07" * 32, b"\x09" * 32)
    try:
        assert d.head() is None
        with pytest.raises(CoreError) as e:
            d.handle(42, 1, '{"on":"wake"}')
        assert e.value.code == "invalid-input"
        with pytest.raises(CoreError) as e:
            d.load_state("{")
        assert e.value.code == "state-corrupt"
        d.load_state("")
        assert json.loads(d.state())
        opened = json.loads(d.open())  # memory profile: nothing to reconcile
        assert opened["id"] == 0 and [a["do"] for a in opened["actions"]] == ["done"]
    finally:
        d.close()
