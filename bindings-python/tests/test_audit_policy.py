"""Audit chain verification (with tampering), the CLI, and policy-file errors."""

import json
import os
import subprocess
import sys

import pytest
from x402mock import RecordingSigner, Server

from presidio_x402 import FileAuditWriter, HardenedX402Client, verify_chain
from presidio_x402.x402_policy_schema import PolicyValidationError, load_policy_file, validate_policy

KEY_HEX = "61" * 32


async def _log(tmp_path, n=3):
    path = tmp_path / "audit.jsonl"
    s = Server(amount="10000")
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(),
                           audit_writer=FileAuditWriter(path))
    for i in range(n):
        await c.get(f"https://api.example.com/r{i}")
    return path, c.audit_log.head


async def test_file_log_verifies_and_tampering_is_caught(tmp_path):
    path, head = await _log(tmp_path)
    lines = path.read_text().splitlines()
    assert len(lines) == 6
    r = verify_chain(lines, KEY_HEX, expected_head=head)
    assert r.ok and r.head == head
    # edit a field
    bad = list(lines)
    bad[2] = bad[2].replace('"outcome":"allowed"', '"outcome":"blocked"')
    r = verify_chain(bad, KEY_HEX)
    assert (r.ok, r.line, r.code) == (False, 3, "audit-bad-mac")
    # delete a middle line
    r = verify_chain(lines[:1] + lines[2:], KEY_HEX)
    assert not r.ok and r.line == 2
    # reorder
    r = verify_chain([lines[1], lines[0], *lines[2:]], KEY_HEX)
    assert not r.ok and r.line == 1
    # edit the last line
    last = json.loads(lines[-1])
    last["amount_usd"] = "0.02"
    r = verify_chain([*lines[:-1], json.dumps(last, separators=(",", ":"), sort_keys=True)], KEY_HEX)
    assert not r.ok and r.line == 6
    # truncation needs the expected head
    assert verify_chain(lines[:-1], KEY_HEX).ok
    r = verify_chain(lines[:-1], KEY_HEX, expected_head=head)
    assert (r.ok, r.code) == (False, "audit-truncated")
    # wrong key
    assert not verify_chain(lines, "63" * 32).ok


async def test_chain_resumes_across_restarts_and_torn_lines(tmp_path):
    path, _head = await _log(tmp_path, 1)
    with open(path, "a") as fh:
        fh.write('{"seq":3,"partial')  # a crash mid-append
    path2, head2 = await _log(tmp_path, 1)  # same file: a new process appends after the last complete line
    assert path2 == path
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and verify_chain(lines, KEY_HEX, expected_head=head2).ok


async def test_a_complete_line_that_lost_its_newline_is_finished_not_dropped(tmp_path):
    # The verifier counts an unterminated last line that parses (the final newline is
    # optional), and the Node sink finishes it: so does this writer (it used to cut it).
    path, head = await _log(tmp_path, 1)
    text = path.read_text()
    path.write_text(text[:-1])  # the kill came between the line's last byte and its newline
    assert FileAuditWriter(path).resume_head() == head
    assert path.read_text() == text
    path2, head2 = await _log(tmp_path, 1)  # the chain goes on after it
    assert path2 == path and head2["seq"] == head["seq"] + 2
    assert verify_chain(path.read_text().splitlines(), KEY_HEX, expected_head=head2).ok


async def test_cli_verify(tmp_path):
    path, head = await _log(tmp_path, 2)
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=KEY_HEX)
    ok = subprocess.run([sys.executable, "-m", "presidio_x402.audit_log", "verify", str(path),
                         "--expected-seq", str(head["seq"]), "--expected-mac", head["mac"]],
                        env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "OK: 4 lines" in ok.stdout
    text = path.read_text().replace('"outcome":"settled"', '"outcome":"allowed"', 1)
    path.write_text(text)
    bad = subprocess.run([sys.executable, "-m", "presidio_x402.audit_log", "verify", str(path)], env=env,
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "FAILED at line 2" in bad.stdout and "audit-bad-mac" in bad.stdout
    env.pop("PRESIDIO_X402_CHAIN_KEY")
    nokey = subprocess.run([sys.executable, "-m", "presidio_x402.audit_log", "verify", str(path)], env=env,
                           capture_output=True, text=True)
    assert nokey.returncode == 1 and "PRESIDIO_X402_CHAIN_KEY" in nokey.stderr


def test_policy_file_reports_every_error_with_its_path(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_text('''
max_per_cal_usd = 0.10
daily_limit_usd = "-1"
window_seconds = 0
[per_endpoint]
"ftp://x" = 1
[pii]
entities = ["EMAIL", "PERSON"]
action = "shout"
''')
    with pytest.raises(PolicyValidationError) as e:
        load_policy_file(p)
    got = set(e.value.details)
    assert {("max_per_cal_usd", "config-unknown-field"), ("daily_limit_usd", "usd-malformed"),
            ("window_seconds", "config-out-of-range"), ("per_endpoint.ftp://x", "config-bad-endpoint"),
            ("pii.entities[0]", "config-bad-pii"), ("pii.action", "config-bad-pii")} <= got
    assert len(e.value.errors) == len(e.value.details)
    assert "max_per_cal_usd: config-unknown-field" in str(e.value)


def test_policy_file_json_and_syntax_errors(tmp_path):
    good = tmp_path / "p.json"
    good.write_text(json.dumps({"max_per_call_usd": "0.10", "per_endpoint": {"https://premium-api.io": 0.5}}))
    pol = load_policy_file(good)
    assert pol.max_per_call_usd == "0.10"
    broken = tmp_path / "b.toml"
    broken.write_text("max_per_call_usd = = 1")
    with pytest.raises(PolicyValidationError):
        load_policy_file(broken)
    with pytest.raises(ValueError):
        load_policy_file(tmp_path / "p.yaml")
    validate_policy({"max_per_call_usd": 0.1})
    with pytest.raises(PolicyValidationError):
        validate_policy({"mpa": {"threshold": 1, "approvers": [{"approver_id": "a", "mode": "crypto"}]}})


def test_schema_shipped_identical():
    from pathlib import Path

    from presidio_x402.x402_policy_schema import SCHEMA_PATH

    root = Path(__file__).resolve().parents[2] / "schema" / "policy.schema.json"
    assert SCHEMA_PATH.read_bytes() == root.read_bytes()
    # The seed's file name (x402-policy-schema.json, title X402PolicyConfig) ships too, identical.
    seed_name = SCHEMA_PATH.with_name("x402-policy-schema.json")
    assert seed_name.read_bytes() == root.read_bytes()
    assert json.loads(seed_name.read_text())["title"] == "X402PolicyConfig"


def test_bad_client_config_raises_with_paths():
    with pytest.raises(PolicyValidationError) as e:
        HardenedX402Client(payment_signer=RecordingSigner(), policy={"max_per_call_usd": "-1"}, pii_entities=["NOPE"])
    assert ("max_per_call_usd", "usd-malformed") in e.value.details
    assert any(p.startswith("pii.entities") for p, _ in e.value.details)
