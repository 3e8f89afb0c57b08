"""A newcomer's first hour (issue 22 items 5 and 6): errors that say what happened, the shapes of the JS package."""

import json
import logging
import os
import subprocess
import sys

import pytest
from eth_account import Account
from x402 import x402Client, x402ClientSync
from x402.http import x402HTTPClient, x402HTTPClientSync
from x402mock import RecordingSigner, Server

from presidio_x402 import FileAuditWriter, HardenedX402Client, verify_chain
from presidio_x402.integrations.x402 import harden
from presidio_x402.x402_policy_schema import PolicyValidationError

KEY_HEX = "61" * 32
OTHER_KEY = "62" * 32


async def _log(tmp_path, n=2):
    path = tmp_path / "audit.jsonl"
    s = Server(amount="10000")
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(), audit_key=KEY_HEX,
                           audit_writer=FileAuditWriter(path))
    for i in range(n):
        await c.get(f"https://api.example.com/r{i}")
    return path


def _cli(*args, key=KEY_HEX, module=("presidio_x402",)):
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=key)
    return subprocess.run([sys.executable, "-W", "error", "-m", *module, *args], env=env, capture_output=True,
                          text=True)


async def test_a_wrong_key_says_wrong_key_or_first_line_edited(tmp_path):
    path = await _log(tmp_path)
    lines = path.read_text().splitlines()
    r = verify_chain(lines, OTHER_KEY)
    assert (r.ok, r.line, r.code) == (False, 1, "audit-bad-key")
    assert "wrong key" in r.reason and "first line" in r.reason
    edited = [lines[0].replace('"outcome":"allowed"', '"outcome":"blocked"', 1), *lines[1:]]
    assert verify_chain(edited, KEY_HEX).code == "audit-bad-key"  # under the right key: the same words
    # The throwing form, as JS verifyAuditLog(key, text).
    from presidio_x402 import X402PaymentError, verify_audit_log

    assert verify_audit_log(KEY_HEX, lines) == verify_chain(lines, KEY_HEX).head
    with pytest.raises(X402PaymentError) as e:
        verify_audit_log(OTHER_KEY, lines)
    assert e.value.code == "audit-bad-key"
    later = [*lines[:2], lines[2].replace('"outcome":"allowed"', '"outcome":"blocked"', 1), *lines[3:]]
    assert (verify_chain(later, KEY_HEX).line, verify_chain(later, KEY_HEX).code) == (3, "audit-bad-mac")


def test_keys_are_checked_at_construction_with_a_code():
    for kw in ({"audit_key": "abcd"}, {"replay_key": b"\x01" * 4}):
        with pytest.raises(ValueError) as e:
            HardenedX402Client(payment_signer=RecordingSigner(), **kw)
        assert e.value.code == "key-too-short", kw
    with pytest.raises(ValueError) as e:
        HardenedX402Client(payment_signer=RecordingSigner(), audit_key="not hex at all!")
    assert e.value.code == "invalid-input"


def test_config_errors_carry_a_code():
    with pytest.raises(PolicyValidationError) as e:
        HardenedX402Client(payment_signer=RecordingSigner(), policy={"max_per_cal_usd": 1})
    assert e.value.code == "config-unknown-field"


def test_the_fingerprint_key_warning_is_true_for_every_store(monkeypatch, caplog):
    from presidio_x402 import _keys

    monkeypatch.delenv("PRESIDIO_X402_FINGERPRINT_KEY", raising=False)
    monkeypatch.setattr(_keys, "_cache", {})
    with caplog.at_level(logging.WARNING):
        _keys.fingerprint_key()
    text = caplog.text
    assert "PRESIDIO_X402_FINGERPRINT_KEY is not set" in text
    # The key alone does not make an in-memory store detect replays across processes: the warning says so.
    assert "even with a shared store" in text


@pytest.mark.parametrize("module", [("presidio_x402.audit_log",), ("presidio_x402.compliance_report",)])
async def test_the_module_commands_print_no_runtime_warning(tmp_path, module):
    path = await _log(tmp_path)
    args = ("verify", str(path)) if module[0].endswith("audit_log") else (str(path),)
    p = _cli(*args, module=module)
    assert p.returncode == 0, p.stderr
    assert "RuntimeWarning" not in p.stderr


async def test_the_presidio_x402_command_verify_report_validate_policy(tmp_path):
    path = await _log(tmp_path)
    ok = _cli("verify", str(path))
    assert ok.returncode == 0 and "OK: 4 lines" in ok.stdout, ok.stderr
    wrong = _cli("verify", str(path), key=OTHER_KEY)
    assert wrong.returncode == 1 and "audit-bad-key" in wrong.stdout and "wrong key" in wrong.stdout
    rep = _cli("report", str(path), "--format", "json")
    assert rep.returncode == 0 and json.loads(rep.stdout)["chain_ok"] is True
    good = tmp_path / "p.toml"
    good.write_text('max_per_call_usd = "0.10"\n')
    v = _cli("validate-policy", str(good))
    assert v.returncode == 0 and v.stdout.startswith("OK:")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"max_per_cal_usd": 1, "daily_limit_usd": "x"}))
    b = _cli("validate-policy", str(bad))
    assert b.returncode == 1
    assert "FAILED: max_per_cal_usd: config-unknown-field" in b.stdout and "daily_limit_usd: " in b.stdout
    assert _cli("nonsense").returncode == 2
    # The console script is installed next to the interpreter.
    exe = os.path.join(os.path.dirname(sys.executable), "presidio-x402")
    assert subprocess.run([exe, "validate-policy", str(good)], capture_output=True).returncode == 0


def test_harden_refuses_the_sync_clients_and_foreign_objects_with_a_code():
    sync = x402ClientSync()
    for c in (sync, x402HTTPClientSync(sync), object()):
        with pytest.raises(PolicyValidationError) as e:
            harden(c, audit_writer=None)
        assert e.value.code == "config-bad-type"
        assert ("not supported" in str(e.value)) == (type(c) is not object)
        assert "x402Client or x402HTTPClient" in str(e.value)
    # Nothing was registered on the refused clients.
    assert not getattr(sync, "_before_payment_creation_hooks", [])
    # The async ones are accepted.
    client = x402Client()
    from x402.mechanisms.evm.exact import register_exact_evm_client

    register_exact_evm_client(client, Account.create())
    harden(x402HTTPClient(client))
