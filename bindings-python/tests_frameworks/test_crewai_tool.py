"""HardenedX402CrewTool with the real crewai against the local x402 world: a
paid call, a refusal returned to the agent as the tool's result carrying the
code, and PII redacted before signing."""

import os

os.environ.setdefault("CREWAI_DISABLE_TELEMETRY", "true")
os.environ.setdefault("OTEL_SDK_DISABLED", "true")

from conftest import assert_redacted, settled, settlements
from crewai.tools import BaseTool

from presidio_x402.adapters.crewai import HardenedX402CrewTool

POLICY = {"max_per_call_usd": 0.10, "daily_limit_usd": 5.0}


def test_is_a_crewai_tool_with_the_seed_signature(signer):
    tool = HardenedX402CrewTool(payment_signer=signer, policy=POLICY, pii_mode="regex", pii_entities=None,
                                pii_action="redact", replay_ttl=300, redis_url=None, audit_writer=None,
                                agent_id="crew-agent-1")
    assert isinstance(tool, BaseTool)
    assert tool.name == "hardened_x402_fetch"


def test_paid_call(world, signer):
    tool = HardenedX402CrewTool(payment_signer=signer, policy=POLICY)
    before = settlements(world)
    out = tool.run(url=world["serverUrl"] + "/v2/cheap")
    assert '"route":"cheap"' in out
    assert len(signer.seen) == 1 and settled(world, before)


def test_refusal_is_the_tool_result_with_the_code(world, signer):
    tool = HardenedX402CrewTool(payment_signer=signer, policy=POLICY)
    out = tool.run(url=world["serverUrl"] + "/v2/expensive")
    assert out.startswith("x402 payment refused (policy-per-call-exceeded): "), out
    assert signer.seen == []


async def test_sync_tool_inside_a_running_loop(world, signer):
    # crewai's async runners call tools synchronously from inside an event loop
    tool = HardenedX402CrewTool(payment_signer=signer, policy=POLICY)
    assert '"route":"cheap"' in tool.run(url=world["serverUrl"] + "/v2/cheap")


def test_pii_redacted_before_signing(world, signer):
    tool = HardenedX402CrewTool(payment_signer=signer, policy=POLICY)
    out = tool.run(url=world["serverUrl"] + "/v2/records")
    assert '"route":"records"' in out
    assert_redacted(signer, world)
