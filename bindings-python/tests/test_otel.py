"""OpenTelemetry through the public API: each payment is one span with a child span per control,
named and attributed by the core (``done.spans``); opentelemetry-sdk's InMemorySpanExporter checks
the tree, the attributes and that no PII, key or signed payload reaches any attribute."""

import base64
import json

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from x402mock import RecordingSigner, Server

from presidio_x402 import HardenedX402Client, PolicyViolationError, otel

KEY = bytes.fromhex("62" * 32)
EMAIL, PHONE = "alice.smith@example.com", "415-555-0132"


def make(server, **kw):
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=server.client(), audit_key=KEY,
                           replay_key=KEY, tracer_provider=provider, **kw)
    return c, exporter


def tree(exporter):
    spans = exporter.get_finished_spans()
    roots = [s for s in spans if s.parent is None]
    assert len(roots) == 1, [s.name for s in spans]
    root = roots[0]
    kids = [s for s in spans if s.parent is not None]
    assert all(s.parent.span_id == root.context.span_id and s.context.trace_id == root.context.trace_id
               for s in kids)
    return root, kids


def no_secret_in(spans, sent_headers):
    payloads = [base64.b64decode(h) for h in sent_headers]
    signatures = [json.loads(p)["payload"]["signature"] for p in payloads]
    for s in spans:
        for k, v in s.attributes.items():
            text = str(v)
            for bad in (EMAIL, PHONE, "alice", KEY.hex(), *signatures, *[h[:40] for h in sent_headers]):
                assert bad not in text, f"{s.name} {k} holds {bad!r}"


async def test_an_allowed_payment_is_one_span_with_a_child_per_control():
    s = Server(version=2, amount="1000", description=f"Records of Alice Smith, phone {PHONE}")
    c, exporter = make(s, policy={"max_per_call_usd": 0.10})
    r = await c.get(f"http://127.0.0.1:4021/weather?email={EMAIL}")
    assert r.status_code == 200
    root, kids = tree(exporter)
    assert root.name == "x402.payment"
    assert [k.name for k in sorted(kids, key=lambda k: k.start_time)][:3] == ["x402.pii", "x402.payee", "x402.policy"]
    assert {k.name for k in kids} == {f"x402.{c}" for c in ("pii", "payee", "policy", "replay", "sign", "send",
                                                            "settle")}
    a = root.attributes
    assert a["x402.decision"] == "allowed" and a["x402.settlement"] == "settled"
    assert a["x402.network"] == "eip155:84532" and a["x402.amount_usd"] == "0.001" and a["x402.scheme"] == "exact"
    assert a["x402.endpoint"] == "http://127.0.0.1:4021/weather" and a["x402.version"] == 2
    assert root.status.status_code != StatusCode.ERROR
    for k in kids:
        assert k.attributes["security_rule.ruleset.name"] == "presidio-hardened-x402"
        assert k.attributes["security_rule.category"] == k.name.removeprefix("x402.")
        assert k.attributes["x402.decision"] == "pass"
        assert root.start_time <= k.start_time <= k.end_time <= root.end_time
    sent = [q.headers["PAYMENT-SIGNATURE"] for q in s.requests if "PAYMENT-SIGNATURE" in q.headers]
    assert sent
    no_secret_in([root, *kids], sent)
    await c.aclose()


async def test_a_refused_payment_marks_the_control_that_refused():
    s = Server(version=2, amount="200000")  # $0.20
    c, exporter = make(s, policy={"max_per_call_usd": 0.10})
    with pytest.raises(PolicyViolationError):
        await c.get(f"http://127.0.0.1:4021/weather?email={EMAIL}")
    root, kids = tree(exporter)
    assert root.status.status_code == StatusCode.ERROR
    assert root.attributes["x402.decision"] == "refused" and root.attributes["x402.code"] == "policy-per-call-exceeded"
    assert [k.name for k in kids] == ["x402.pii", "x402.payee", "x402.policy"]
    policy = kids[2]
    assert policy.status.status_code == StatusCode.ERROR
    assert policy.attributes["security_rule.name"] == "policy-per-call-exceeded"
    assert policy.attributes["x402.code"] == "policy-per-call-exceeded"
    assert policy.attributes["security_rule.description"]
    no_secret_in([root, *kids], [])
    await c.aclose()


def test_emit_is_a_no_op_without_a_plan():
    otel.emit(None)
    otel.emit([])
    assert otel.available()
