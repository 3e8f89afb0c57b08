"""The secret sentinel (secret_sentinel.py) is not blind: a session whose tests
put a registered key into a log, a file, an exception, a repr, an object's
attributes, a metric, their output or a child's output read through ``Popen``
fails, and says which sink and which test; a key of few distinct characters
is found too, and a longer run of its characters is not taken for it."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import secret_sentinel

HERE = Path(__file__).resolve().parent

LEAKY = '''
import base64, logging, subprocess, sys
from presidio_x402._keys import SecretKey
from presidio_x402.guard import Payment
from presidio_x402.exceptions import X402PaymentError
from presidio_x402.mpa import preapprove

KEY = bytes(range(0x30, 0x50))


def test_clean():
    SecretKey(KEY, "test")


def test_logs_a_key_at_debug():
    logging.getLogger("presidio_x402").debug("key %s", SecretKey(KEY, "test").bytes().hex())


def test_writes_a_key_into_a_file(tmp_path):
    SecretKey(KEY, "test")
    (tmp_path / "audit.jsonl").write_bytes(b'{"k": "' + base64.urlsafe_b64encode(KEY) + b'"}')


def test_builds_an_exception_with_a_key():
    X402PaymentError("boom " + SecretKey(KEY, "test").bytes().hex().upper())  # made, never raised


def test_prints_a_token():
    tok = preapprove("approver-secret-0123456789", url="https://a.example/x", network="eip155:84532",
                     asset="0x036CbD53842c5426634e7929541eC2318f3dCF7e",
                     pay_to="0x209693Bc6afc0C5328bA36FaF03C514EF312287C", amount_atomic=1000)
    print("token", tok, file=sys.stderr)


def test_logs_a_key_of_few_distinct_characters():
    logging.getLogger("presidio_x402").info("key %s", SecretKey(b"Z" * 32, "low").bytes().hex())


def test_long_runs_are_no_key():
    SecretKey(b"Z" * 32, "low")
    print("Z" * 100, "5a" * 80)  # runs longer than the key's forms: padding, not the key


def test_a_child_prints_a_key_read_through_popen():
    SecretKey(KEY, "test")
    p = subprocess.Popen([sys.executable, "-c", "print(bytes(range(0x30, 0x50)).hex())"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert len(p.stdout.read()) == 65
    p.wait()


def test_an_object_holds_a_key_in_an_attribute():
    p = Payment({"note": SecretKey(KEY, "test").bytes().hex()}, None)
    assert KEY.hex() not in repr(p)  # its repr is clean: only vars() shows it
'''


def test_the_sentinel_fails_a_session_that_leaks():
    # The child's temporary files live outside this session's root (it keeps them when it finds a leak).
    outside = tempfile.mkdtemp(dir=str(secret_sentinel.ST.root.parent) if secret_sentinel.ST.root else None)
    try:
        Path(outside, "test_leaky.py").write_text(LEAKY)
        env = dict(os.environ, TMPDIR=outside, PRESIDIO_X402_SENTINEL="1",
                   PYTHONPATH=str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        r = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "secret_sentinel", "-q",
                            "--rootdir", outside, "test_leaky.py"],
                           cwd=outside, env=env, capture_output=True, text=True, timeout=300)
        out = r.stdout + r.stderr
        assert r.returncode == 1, out
        assert "9 passed" in out, out  # the tests pass; the sentinel fails the run
        leaks = [line for line in out.splitlines() if line.startswith("LEAK: ")]
        assert ("LEAK: SecretKey (test) in log record (presidio_x402, debug) "
                "(test test_leaky.py::test_logs_a_key_at_debug)") in leaks, out
        assert any(line.startswith("LEAK: SecretKey (test) in file ") and "/test_writes_a_key_into_a_fil" in line
                   and "audit.jsonl" in line for line in leaks), out  # found at the end: its tmp_path names the test
        assert ("LEAK: SecretKey (test) in package exception X402PaymentError: str "
                "(test test_leaky.py::test_builds_an_exception_with_a_key)") in leaks, out
        assert ("LEAK: pre-approval token in captured output (Captured stderr call) "
                "(test test_leaky.py::test_prints_a_token)") in leaks, out
        assert ("LEAK: SecretKey (low) in log record (presidio_x402, info) "
                "(test test_leaky.py::test_logs_a_key_of_few_distinct_characters)") in leaks, out
        exe = os.path.basename(sys.executable)
        assert (f"LEAK: SecretKey (test) in subprocess {exe} stdout "
                "(test test_leaky.py::test_a_child_prints_a_key_read_through_popen)") in leaks, out
        assert ("LEAK: SecretKey (test) in vars(Payment) "
                "(test test_leaky.py::test_an_object_holds_a_key_in_an_attribute)") in leaks, out
        assert not [line for line in leaks if "test_clean" in line or "test_long_runs" in line], out
        assert KEY_HEX not in out and KEY_HEX.upper() not in out  # findings name secrets, never show them
        assert "LEAKS" in out and "secret sentinel:" in out
    finally:
        shutil.rmtree(outside, ignore_errors=True)


KEY_HEX = bytes(range(0x30, 0x50)).hex()
