"""HardenedX402Tool with the real langchain-core against the local x402 world:
a paid call (sync and async), a refusal that reaches the agent as a
ToolMessage carrying the code, and PII redacted before signing."""

import re

from conftest import EMAIL, assert_redacted, settled, settlements
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool

from presidio_x402.adapters.langchain import HardenedX402Tool

POLICY = {"max_per_call_usd": 0.10, "daily_limit_usd": 5.0}


def test_is_a_langchain_tool_with_the_seed_signature(signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY, pii_mode="regex", pii_entities=None,
                            pii_action="redact", replay_ttl=300, redis_url=None, audit_writer=None, agent_id="lc")
    assert isinstance(tool, BaseTool)
    assert tool.name == "hardened_x402_fetch"
    assert set(tool.args) == {"url", "method"}


def test_paid_call_sync(world, signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY)
    before = settlements(world)
    out = tool.invoke({"url": world["serverUrl"] + "/v2/cheap"})
    assert '"route":"cheap"' in out
    assert len(signer.seen) == 1
    assert settled(world, before)


async def test_paid_call_async(world, signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY)
    out = await tool.ainvoke({"url": world["serverUrl"] + "/v1/quote"})
    assert "v1 data" in out
    await tool.aclose()


async def test_refusal_reaches_the_agent_as_a_tool_message_with_the_code(world, signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY)
    call = {"type": "tool_call", "id": "call-1", "name": tool.name,
            "args": {"url": world["serverUrl"] + "/v2/expensive"}}
    msg = await tool.ainvoke(call)
    assert isinstance(msg, ToolMessage) and msg.tool_call_id == "call-1"
    m = re.match(r"x402 payment refused \(([a-z0-9-]+)\): ", msg.content)
    assert m and m.group(1) == "policy-per-call-exceeded", msg.content
    assert signer.seen == []  # refused before signing
    sync_msg = tool.invoke(dict(call, id="call-2"))
    assert sync_msg.content.startswith("x402 payment refused (policy-per-call-exceeded)")


def test_pii_redacted_before_signing(world, signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY)
    out = tool.invoke({"url": world["serverUrl"] + "/v2/records"})
    assert '"route":"records"' in out
    assert_redacted(signer, world)


def test_pii_block_is_a_refusal_with_its_code(world, signer):
    tool = HardenedX402Tool(payment_signer=signer, policy=POLICY, pii_action="block")
    out = tool.invoke({"url": world["serverUrl"] + "/v2/records"})
    assert out.startswith("x402 payment refused (pii-blocked)"), out
    assert EMAIL not in out and signer.seen == []
