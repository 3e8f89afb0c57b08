"""Operator controls through the public API (README "Operator controls"): the kill
switch (halt -> guard-halted -> unhalt -> paid, and shared across processes over the
file store), velocity limits and per-asset caps."""

import json
import subprocess
import sys
import textwrap

import pytest
from x402mock import USDC_BASE_SEPOLIA, RecordingSigner, Server

from presidio_x402 import HardenedX402Client, PolicyViolationError, X402PaymentError
from presidio_x402.guard import Guard
from presidio_x402.stores import FileStore


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def make(server, signer=None, **kw):
    w = Lines()
    c = HardenedX402Client(payment_signer=signer or RecordingSigner(), httpx_client=server.client(), audit_writer=w,
                           **kw)
    return c, w


async def test_halt_refuses_with_guard_halted_then_unhalt_pays():
    s, signer = Server(version=2, amount="1000"), RecordingSigner()
    c, w = make(s, signer, policy={"max_per_call_usd": 0.10})
    await c.halt("incident 42", by="ops")
    assert c.guard.halted() is not None and c.guard.halted()["reason"] == "incident 42"
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/a")
    assert e.value.code == "guard-halted"
    assert signer.calls == []  # never signed
    await c.unhalt()
    assert c.guard.halted() is None
    assert (await c.get("https://api.example.com/a")).status_code == 200
    events = [json.loads(ln)["event_type"] for ln in w.lines]
    assert events == ["guard_halted", "payment_blocked", "guard_resumed", "payment_allowed", "payment_settled"]
    await c.aclose()


def test_halt_reason_with_control_characters_is_refused():
    g = Guard({})
    with pytest.raises(X402PaymentError) as e:
        g.halt("a\nb")
    assert getattr(e.value, "code", None) == "invalid-input"
    assert g.halted() is None
    g.close()


async def test_velocity_refusal():
    s = Server(version=2, amount="1000")
    c, _ = make(s, policy={"velocity": {"max_payments": 1, "interval_seconds": 60}})
    assert (await c.get("https://api.example.com/1")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/2")
    assert e.value.code == "velocity-exceeded"
    await c.aclose()


async def test_asset_cap_refusal_in_atomic_units():
    s = Server(version=2, amount="1000")
    caps = [{"network": "eip155:84532", "address": USDC_BASE_SEPOLIA, "max_per_window": "1500"}]
    c, _ = make(s, policy={"asset_caps": caps})
    assert (await c.get("https://api.example.com/1")).status_code == 200
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/2")
    assert e.value.code == "asset-cap-exceeded"
    await c.aclose()


async def test_halt_is_shared_across_processes_over_the_file_store(tmp_path):
    # Another process halts the guard in the shared directory...
    other = textwrap.dedent(f"""
        from presidio_x402.guard import Guard
        from presidio_x402.stores import FileStore
        g = Guard({{}}, store=FileStore({str(tmp_path)!r}))
        g.halt("from another process", by="ops-cli")
        g.close()
    """)
    subprocess.run([sys.executable, "-c", other], check=True, timeout=120)
    # ...and this process's payments are refused until it resumes.
    s = Server(version=2, amount="1000")
    c, _ = make(s, store=FileStore(tmp_path))
    with pytest.raises(PolicyViolationError) as e:
        await c.get("https://api.example.com/1")
    assert e.value.code == "guard-halted"
    assert c.guard.halted()["by"] == "ops-cli"
    await c.unhalt()
    assert (await c.get("https://api.example.com/1")).status_code == 200
    await c.aclose()
