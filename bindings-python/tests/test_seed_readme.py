"""The seed README's Quick Start and configuration examples, verbatim, against a local mock.

The examples build their own httpx client, so the mock is installed as the
default transport (presidio_x402.gateway.DEFAULT_TRANSPORT)."""

import textwrap

import httpx
import pytest
from x402mock import Server, details_payload

import presidio_x402.gateway as gw


@pytest.fixture
def server(monkeypatch):
    s = Server(version=1, amount="10000")
    monkeypatch.setattr(gw, "DEFAULT_TRANSPORT", httpx.MockTransport(s.handler))
    return s


def run(src, **glb):
    g = dict(glb)
    exec(compile(  # noqa: S102 - runs the seed README's own snippets, the point of this test
        textwrap.dedent(src), "<seed-readme>", "exec"), g)
    return g


async def test_quick_start_verbatim(server):
    g = run('''
from presidio_x402 import HardenedX402Client
async def my_signer(details):
    # Your existing signing logic (eth-account, solders, CDP SDK, etc.)
    ...
client = HardenedX402Client(
    payment_signer=my_signer,
    policy={
        "max_per_call_usd": 0.10,
        "daily_limit_usd": 5.0,
        "per_endpoint": {"https://api.example.com": 1.0},
    },
    pii_action="redact", # redact | block | warn
    pii_entities=["EMAIL_ADDRESS", "PERSON", "US_SSN", "CREDIT_CARD"],
    replay_ttl=300, # seconds
)
''')
    client = g["client"]
    # The README's signer is a stub (`...` returns None): the guard passes every
    # check, then refuses to send a payment the signer did not make.
    from presidio_x402 import X402PaymentError

    with pytest.raises(X402PaymentError) as e:
        response = await client.get("https://api.example.com/resource")
    assert e.value.code == "signer-failed"

    # With a signer that signs, the same client pays.
    async def my_signer(details):
        return details_payload(details)

    client._signer = my_signer
    response = await client.get("https://api.example.com/resource")
    assert response.status_code == 200
    await client.aclose()


async def test_configuration_examples_verbatim(server, capsys, redis_server):
    async def signer(details):
        return details_payload(details)

    g = run('''
from presidio_x402 import HardenedX402Client, PolicyConfig
policy = PolicyConfig(
    max_per_call_usd=0.05, # block if maxAmountRequired > this
    daily_limit_usd=2.00, # block if 24h aggregate spend would exceed this
    per_endpoint={
        "https://premium-api.io": 0.50, # per-endpoint daily limit
    },
    window_seconds=86400, # time window for aggregate limits (default: 24h)
    agent_id="my-agent-v1", # tag audit events with an agent identifier
)
client = HardenedX402Client(payment_signer=signer, policy=policy)
''', signer=signer)
    assert (await g["client"].get("https://premium-api.io/data")).status_code == 200

    g = run('''
# regex mode (default, zero-setup): catches structured PII
client = HardenedX402Client(
    payment_signer=signer,
    pii_mode="regex",
    pii_entities=["EMAIL_ADDRESS", "PHONE_NUMBER", "US_SSN", "CREDIT_CARD"],
    pii_action="redact",
)
# nlp mode: full spaCy NER (requires: pip install presidio-hardened-x402[nlp])
client = HardenedX402Client(
    payment_signer=signer,
    pii_mode="nlp",
    pii_entities=["EMAIL_ADDRESS", "PERSON", "LOCATION", "US_SSN"],
    pii_action="block", # raise PIIBlockedError instead of redacting
)
''', signer=signer, HardenedX402Client=__import__("presidio_x402").HardenedX402Client)
    assert (await g["client"].get("https://api.example.com/r")).status_code == 200

    g = run('''
# In-memory (default, single-process)
client = HardenedX402Client(payment_signer=signer, replay_ttl=300)
''', signer=signer, HardenedX402Client=__import__("presidio_x402").HardenedX402Client)
    assert (await g["client"].get("https://api.example.com/r2")).status_code == 200

    import redis

    orig = redis.Redis.from_url  # the README's URL, pointed at the test's redis-server
    redis.Redis.from_url = classmethod(lambda cls, url, **kw: orig.__func__(cls, redis_server.url, **kw))
    try:
        g = run('''
# Redis-backed (production, cross-process)
client = HardenedX402Client(
    payment_signer=signer,
    replay_ttl=300,
    redis_url="redis://localhost:6379/0",
)
''', signer=signer, HardenedX402Client=__import__("presidio_x402").HardenedX402Client)
        assert (await g["client"].get("https://api.example.com/r3")).status_code == 200
        from presidio_x402 import ReplayDetectedError

        with pytest.raises(ReplayDetectedError):
            await g["client"].get("https://api.example.com/r3")
    finally:
        redis.Redis.from_url = orig

    g = run('''
import sys
from presidio_x402 import HardenedX402Client
from presidio_x402.audit_log import StreamAuditWriter
client = HardenedX402Client(
    payment_signer=signer,
    audit_writer=StreamAuditWriter(sys.stdout), # write JSON-L to stdout
)
''', signer=signer)
    await g["client"].get("https://api.example.com/r4")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and '"event_type":"payment_settled"' in out[1]


def test_mpa_example_verbatim():
    async def signer(details):
        return details_payload(details)

    g = run('''
from presidio_x402 import HardenedX402Client
from presidio_x402.mpa import MPAConfig, MPAApproverConfig, MPAEngine
mpa = MPAEngine(MPAConfig(
    threshold=2, # require 2 of 3 approvals
    min_amount_usd=1.00, # only for payments ≥ $1.00
    timeout_seconds=30,
    approvers=[
        MPAApproverConfig("alice", mode="webhook",
            webhook_url="https://approvals.internal/alice"),
        MPAApproverConfig("bob", mode="webhook",
            webhook_url="https://approvals.internal/bob"),
        MPAApproverConfig("charlie", mode="webhook",
            webhook_url="https://approvals.internal/charlie"),
    ],
))
client = HardenedX402Client(payment_signer=signer, mpa_engine=mpa)
''', signer=signer)
    assert g["mpa"].config.threshold == 2


def test_metrics_example_verbatim():

    async def signer(details):
        return details_payload(details)

    g = run('''
from presidio_x402 import HardenedX402Client
from presidio_x402.metrics import MetricsCollector
collector = MetricsCollector()
client = HardenedX402Client(payment_signer=signer, metrics_collector=collector)
# Expose /metrics endpoint (e.g., FastAPI)
from prometheus_client import generate_latest, CONTENT_TYPE_LATEST
''', signer=signer)
    text = g["generate_latest"]().decode()
    for name in ("x402_payments_total", "x402_payment_amount_usd", "x402_pii_detections_total",
                 "x402_policy_violations_total", "x402_replay_detections_total", "x402_mpa_events_total"):
        assert name in text


SEED_TOML = '''# policy.toml
max_per_call_usd = 0.10
daily_limit_usd = 5.00
agent_id = "my-agent"
[per_endpoint]
"https://premium-api.io" = 0.50
[mpa]
threshold = 2
min_amount_usd = 1.00
timeout_seconds = 30
[[mpa.approvers]]
approver_id = "alice"
mode = "webhook"
webhook_url = "https://approvals.internal/alice"
'''


def test_policy_as_code_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.toml").write_text(SEED_TOML)
    from presidio_x402.x402_policy_schema import PolicyValidationError, load_policy_file

    # Verbatim, the seed's example asks for 2 approvals from 1 approver, which can
    # never be met: the core refuses it, naming the path.
    with pytest.raises(PolicyValidationError) as e:
        load_policy_file("policy.toml")
    assert e.value.details == [("mpa.threshold", "config-bad-threshold")]
    # With a second approver the same example loads and builds a client.
    (tmp_path / "policy.toml").write_text(SEED_TOML + '''[[mpa.approvers]]
approver_id = "bob"
mode = "webhook"
webhook_url = "https://approvals.internal/bob"
''')
    from presidio_x402 import HardenedX402Client

    async def signer(details):
        return details_payload(details)

    g = run('''
from presidio_x402.x402_policy_schema import load_policy_file
policy = load_policy_file("policy.toml")
client = HardenedX402Client(payment_signer=signer, policy=policy)
''', signer=signer, HardenedX402Client=HardenedX402Client)
    assert g["policy"].agent_id == "my-agent" and g["policy"].mpa["threshold"] == 2
    assert g["client"].guard.mpa is not None  # the approval engine comes from the file


def test_all_exceptions_importable_from_package():
    from presidio_x402 import (MPADeniedError, MPATimeoutError, PIIBlockedError, PolicyViolationError,  # noqa
                               ReplayDetectedError, X402PaymentError)
