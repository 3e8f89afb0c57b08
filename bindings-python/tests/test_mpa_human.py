"""Human approvers (``mode="human"``) through the client: the core builds the
redacted prompt, the engine's ``on_human_approval`` answers, the core counts the
vote; no callback is ``mpa-human-unavailable``; no answer by the deadline is a
timeout."""

import asyncio

import pytest
from x402mock import Server

from presidio_x402 import HardenedX402Client, MPADeniedError, MPATimeoutError
from presidio_x402.mpa import MPAApproverConfig, MPAConfig, MPAEngine


def engine(on_human_approval=None, timeout_seconds=5):
    cfg = MPAConfig(threshold=1, min_amount_usd=1.00, timeout_seconds=timeout_seconds,
                    approvers=[MPAApproverConfig("owner", mode="human")])
    return MPAEngine(cfg, on_human_approval=on_human_approval)


def client(eng):
    from x402mock import RecordingSigner

    return HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=Server(amount="5000000").client(),
                              mpa_engine=eng, policy={"max_per_call_usd": 10, "daily_limit_usd": 100})


URL = "https://api.example.com/big?email=jane.doe@example.com"


async def test_a_person_approves_the_prompt_the_core_built():
    asked = []

    async def prompt(ask):
        asked.append(ask)
        return "approve"

    assert (await client(engine(prompt)).get(URL)).status_code == 200
    [ask] = asked
    p = ask["prompt"]
    assert ask["approver_id"] == "owner" and ask["deadline_ms"] < p["expires_at_ms"]
    assert (p["amount_usd"], p["amount"], p["token_amount"], p["symbol"]) == ("5", "5000000", "5", "USDC")
    assert "jane.doe" not in p["resource_url"] and p["resource_url"].startswith("https://api.example.com/big")


async def test_a_denial_is_mpa_denied_and_a_sync_callback_works():
    with pytest.raises(MPADeniedError) as e:
        await client(engine(lambda ask: "deny")).get(URL)
    assert e.value.code == "mpa-denied"


async def test_no_prompt_configured_is_mpa_human_unavailable():
    with pytest.raises(MPADeniedError) as e:
        await client(engine(None)).get(URL)
    assert e.value.code == "mpa-human-unavailable"


async def test_no_answer_by_the_deadline_is_a_timeout():
    async def never(ask):
        await asyncio.sleep(30)
        return "approve"

    with pytest.raises(MPATimeoutError) as e:
        await client(engine(never, timeout_seconds=1)).get(URL)
    assert e.value.code == "mpa-timeout"
