"""The local x402 world (examples/x402-world/world.mjs) for the agent-framework
tool tests, and a real EIP-3009 signer (the PyPI x402 package's exact-EVM
schemes). Run by `make test-langchain` and `make test-crewai`."""

import json
import os
import subprocess
from pathlib import Path

import pytest
from eth_account import Account
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.exact.v1.client import ExactEvmSchemeV1
from x402.schemas.payments import PaymentRequirements
from x402.schemas.v1 import PaymentRequirementsV1

WORLD = Path(__file__).resolve().parents[2] / "examples" / "x402-world"
EMAIL = "alice.smith@example.com"


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    log = tmp_path_factory.mktemp("world") / "facilitator.json"
    p = subprocess.Popen(["node", "world.mjs"], cwd=WORLD, stdout=subprocess.PIPE, text=True,
                         env=dict(os.environ, FACILITATOR_LOG=str(log)))
    try:
        urls = json.loads(p.stdout.readline())
        urls["log"] = log
        yield urls
    finally:
        p.terminate()
        p.wait(timeout=10)


def facilitator_log(world):
    return world["log"].read_text() if world["log"].exists() else ""


def settlements(world):
    """How many settlements the facilitator logged."""
    try:
        return sum(e["endpoint"] == "settle" for e in json.loads(facilitator_log(world) or "[]"))
    except ValueError:
        return -1  # the log is being rewritten


def settled(world, before, timeout=5.0):
    """Whether the facilitator settled one more payment than ``before`` (the
    server may settle after answering)."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if settlements(world) > before:
            return True
        time.sleep(0.05)
    return False


class RecordingSigner:
    """A seed-style async signer over a fresh account; keeps every PaymentDetails it was given."""

    def __init__(self):
        self.account = Account.create()
        self.seen = []

    async def __call__(self, details):
        self.seen.append(details)
        req = dict(details.requirements)
        if details.x402_version >= 2:
            inner = ExactEvmScheme(self.account).create_payment_payload(PaymentRequirements.model_validate(req))
        else:
            inner = ExactEvmSchemeV1(self.account).create_payment_payload(PaymentRequirementsV1.model_validate(req))
        return details.payment_payload(inner)


@pytest.fixture
def signer():
    return RecordingSigner()


def assert_redacted(signer, world):
    """The signer saw the records route's offer with the email redacted, and
    nothing that left the process (the facilitator's log) carries it."""
    assert signer.seen, "the signer was not called"
    d = signer.seen[-1]
    text = json.dumps({"description": d.description, "requirements": d.requirements, "resource": d.resource,
                       "resource_url": d.resource_url})
    assert "Medical records of" in text
    assert EMAIL not in text and "555 0134" not in text
    assert EMAIL not in facilitator_log(world)
