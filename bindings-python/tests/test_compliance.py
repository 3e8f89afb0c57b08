"""ComplianceReport (issue 15 item 2) over logs written by the real guard: totals over verified lines
only, where a broken or truncated chain fails, the Python CLI, and byte-identical JSON with the npm
package's `presidio-x402 report` (the core's `audit.report` in both)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_stores import AUDIT_KEY, guard, pay

from presidio_x402.audit_log import AuditLog, StreamAuditWriter
from presidio_x402.compliance_report import ComplianceReport
from presidio_x402.stores import FileStore, MemoryStore

ROOT = Path(__file__).resolve().parents[2]
NODE_CLI = ROOT / "bindings-js" / "dist" / "cli.js"


def _fill(logs, store_of=MemoryStore):
    """pod-a: 3 paid, then the first URL again (a replay, blocked); pod-b: 2 paid. Real guard, real chains."""
    logs.mkdir(exist_ok=True)
    for r, n in (("pod-a", 3), ("pod-b", 2)):
        g = guard(store_of(), replica=r, log=logs / f"{r}.jsonl")
        for i in range(n):
            assert pay(g, f"https://api.example.com/{r}/{i}") is None
        if r == "pod-a":
            assert pay(g, "https://api.example.com/pod-a/0") == "replay-detected"


def test_report_of_a_guard_written_directory(tmp_path):
    _fill(tmp_path / "logs")
    r = ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY)
    d = r.to_dict()
    assert r.chain_ok and d["chain_warnings"] == ["truncation not checked: no stored head for every chain"]
    # each paid payment: one decision line (payment_allowed) and one settlement line (payment_settled)
    assert (r.allowed_count(), r.blocked_count(), d["settled"]) == (5, 1, 5)
    assert r.total_spend_usd_exact() == "0.05" and r.total_spend_usd() == pytest.approx(0.05)
    assert d["blocked_by_code"] == {"replay-detected": 1}
    assert len(r.events) == d["total_events"] == 11
    assert all(e.replica in ("pod-a", "pod-b") for e in r.events)
    assert "Chain integrity: OK" in r.summary() and "| Total spend (USD) | 0.05 |" in r.to_markdown()


def test_stored_heads_check_truncation(tmp_path):
    store = FileStore(tmp_path / "state")
    _fill(tmp_path / "logs", lambda: store)
    r = ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY, store=store)
    assert r.chain_ok and r.truncation_checked and r.chain_warnings == []
    log = tmp_path / "logs" / "pod-a.jsonl"
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:-2]))  # cut the tail
    r = ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY, store=store)
    a = next(c for c in r.to_dict()["chains"] if c["name"] == "pod-a.jsonl")
    assert not r.chain_ok and a["code"] == "audit-truncated" and a["line"] == 6
    assert any(w.startswith("pod-a.jsonl: line 6 (seq -): audit-truncated") for w in r.chain_warnings)


def test_an_edited_line_stops_the_count_and_says_where(tmp_path):
    _fill(tmp_path / "logs")
    log = tmp_path / "logs" / "pod-b.jsonl"
    lines = log.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace('"amount_usd":"0.01"', '"amount_usd":"9.99"')
    log.write_text("".join(lines))
    r = ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY)
    d = r.to_dict()
    b = next(c for c in d["chains"] if c["name"] == "pod-b.jsonl")
    assert not r.chain_ok and (b["line"], b["seq"], b["code"], b["counted"]) == (3, 3, "audit-bad-mac", 2)
    assert d["unverified_lines"] == 2 and r.total_spend_usd_exact() == "0.04"  # pod-b's second payment not counted
    assert "Chain integrity: FAILED" in r.to_markdown()


def test_unverifiable_lines_are_never_counted(tmp_path):
    seed_style = {"timestamp": "2026-04-01T12:00:00+00:00", "event_type": "PAYMENT_ALLOWED", "amount_usd": 5.0,
                  "outcome": "allowed", "agent_id": "a", "prev_entry_hmac": None}
    f = tmp_path / "seed.jsonl"
    f.write_text(json.dumps(seed_style) + "\n")
    r = ComplianceReport.from_jsonl(f, AUDIT_KEY)
    assert not r.chain_ok and r.events == [] and r.allowed_count() == 0 and r.total_spend_usd_exact() == "0"
    assert r.to_dict()["chains"][0]["code"] == "audit-malformed-line"


def test_seed_event_names_and_from_events():
    import io

    buf = io.StringIO()
    log = AuditLog(StreamAuditWriter(buf), agent_id="alice", key=AUDIT_KEY)
    log.emit("PAYMENT_ALLOWED", resource_url="https://api.example.com/v1", outcome="allowed", amount_usd="0.03")
    log.emit("PII_BLOCKED", resource_url="https://api.example.com/v1", outcome="blocked", code="pii-blocked",
             pii_entities_found=["EMAIL_ADDRESS"])
    lines = buf.getvalue().splitlines()
    assert json.loads(lines[0])["event_type"] == "PAYMENT_ALLOWED"
    r = ComplianceReport.from_events([log_line for log_line in lines], AUDIT_KEY)
    alice = r.agent_summaries()["alice"]
    assert (alice.total_payments, alice.total_usd_exact, alice.blocked_pii) == (1, "0.03", 1)
    assert [e.event_type for e in r.entries_for_agent("alice")] == ["PAYMENT_ALLOWED", "PII_BLOCKED"]
    assert r.entries_for_agent("bob") == []
    with pytest.raises(TypeError):
        ComplianceReport.from_events([{"event_type": "PAYMENT_ALLOWED"}], AUDIT_KEY)


def _cli(*args, key=AUDIT_KEY):
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=key)
    return subprocess.run([sys.executable, "-m", "presidio_x402.compliance_report", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_python_cli(tmp_path):
    _fill(tmp_path / "logs")
    out = _cli(str(tmp_path / "logs"))
    assert out.returncode == 0 and "# presidio-hardened-x402 Compliance Report" in out.stdout
    out = _cli(str(tmp_path / "logs"), "--format", "json", "--out", str(tmp_path / "r.json"))
    assert out.returncode == 0
    assert (tmp_path / "r.json").read_text() == ComplianceReport.from_jsonl(tmp_path / "logs",
                                                                            AUDIT_KEY).to_json() + "\n"
    bad = _cli(str(tmp_path / "logs"), key="33" * 32)  # another key: nothing verifies
    assert bad.returncode == 1 and "Chain integrity: FAILED" in bad.stdout
    assert _cli(str(tmp_path / "nope")).returncode == 2


def test_node_cli_writes_the_same_bytes(tmp_path):
    # Never skipped: `make test-python` builds the npm package first (a skip would hide a divergence).
    assert shutil.which("node") is not None and NODE_CLI.exists(), "the npm package is not built (make js-package)"
    _fill(tmp_path / "logs")
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=AUDIT_KEY)
    for fmt, mine in (("json", ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY).to_json() + "\n"),
                      ("markdown", ComplianceReport.from_jsonl(tmp_path / "logs", AUDIT_KEY).to_markdown())):
        out = subprocess.run(["node", str(NODE_CLI), "report", str(tmp_path / "logs"), "--format", fmt],
                             capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout == mine
