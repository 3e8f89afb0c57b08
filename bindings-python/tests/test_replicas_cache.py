"""Replica audit chains (verify_dir and the CLI on a directory), the compiled-
component cache."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from test_stores import AUDIT_KEY, guard, pay

from presidio_x402 import _core
from presidio_x402.audit_log import verify_chain, verify_dir
from presidio_x402.stores import FileStore, RedisStore


def _cli(*args):
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=AUDIT_KEY)
    return subprocess.run([sys.executable, "-m", "presidio_x402.audit_log", "verify", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def two_replicas(tmp_path, redis_server):
    """Two replicas on one Redis tenant, each with its own chain in one directory."""
    logs = tmp_path / "audit"
    logs.mkdir()
    tenant = "replicas" + os.urandom(4).hex()
    for r, n in (("pod-a", 3), ("pod-b", 2)):
        g = guard(RedisStore(redis_server.url, tenant=tenant), replica=r, log=logs / f"{r}.jsonl")
        for i in range(n):
            assert pay(g, f"https://api.example.com/{r}/{i}") is None
    return logs


def test_verify_dir_two_replicas(two_replicas):
    for name, replica in (("pod-a.jsonl", "pod-a"), ("pod-b.jsonl", "pod-b")):
        lines = (two_replicas / name).read_text().splitlines()
        assert lines and all(json.loads(ln)["replica"] == replica for ln in lines)
        assert verify_chain(lines, AUDIT_KEY).ok  # one file still verifies alone
    r = verify_dir(two_replicas, AUDIT_KEY)
    assert r.ok and bool(r)
    assert [(c.name, c.replica, c.head["seq"]) for c in r.chains] == [("pod-a.jsonl", "pod-a", 6),
                                                                      ("pod-b.jsonl", "pod-b", 4)]
    p = _cli(str(two_replicas))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "OK: pod-a.jsonl (replica pod-a): 6 lines" in p.stdout and "2 of 2 chains verify" in p.stdout
    p = _cli(str(two_replicas / "pod-a.jsonl"))  # FILE keeps working
    assert p.returncode == 0 and p.stdout.startswith("OK: 6 lines")


def test_verify_dir_tampered_chain(two_replicas):
    f = two_replicas / "pod-b.jsonl"
    lines = f.read_text().splitlines()
    ev = json.loads(lines[1])
    ev["amount_usd"] = "0.001"
    lines[1] = json.dumps(ev, separators=(",", ":"))
    f.write_text("\n".join(lines) + "\n")
    r = verify_dir(two_replicas, AUDIT_KEY)
    assert not r.ok
    a, b = r.chains
    assert a.ok and not b.ok and b.code == "audit-bad-mac" and b.line == 2 and b.reason
    p = _cli(str(two_replicas))
    assert p.returncode == 1
    assert "FAILED: pod-b.jsonl" in p.stdout and "audit-bad-mac" in p.stdout and "OK: pod-a.jsonl" in p.stdout


def test_verify_dir_duplicate_replica(two_replicas):
    shutil.copy(two_replicas / "pod-a.jsonl", two_replicas / "pod-a-copy.jsonl")
    r = verify_dir(two_replicas, AUDIT_KEY)
    assert not r.ok
    bad = [c for c in r.chains if not c.ok]
    assert [(c.name, c.code) for c in bad] == [("pod-a.jsonl", "audit-replica-duplicate")] or \
        [(c.name, c.code) for c in bad] == [("pod-a-copy.jsonl", "audit-replica-duplicate")]
    assert _cli(str(two_replicas)).returncode == 1
    assert _cli(str(two_replicas), "--expected-seq", "1", "--expected-mac", "00").returncode == 2


def test_file_store_replicas_and_verify_dir(tmp_path):
    """Two replicas sharing a FileStore directory: heads per replica, one budget."""
    fs, logs = tmp_path / "fs", tmp_path / "audit"
    logs.mkdir()
    ga = guard(FileStore(fs), replica="a", log=logs / "a.jsonl", limit=0.03)
    gb = guard(FileStore(fs), replica="b", log=logs / "b.jsonl", limit=0.03)
    codes = [pay(g, f"https://api.example.com/{i}") for i, g in enumerate([ga, gb, ga, gb])]
    assert codes == [None, None, None, "policy-window-exceeded"]
    assert {p.name for p in fs.iterdir()} >= {"state.json", "replay.json", "head-a.json", "head-b.json"}
    # a's 4 lines: its stored head trails the log by at most the settled line, whose head rides
    # with the next step or the quiet flush 20 ms later (docs/STORES.md "Flushing the head"):
    # which of the two depends on the machine's load. close() saves it either way.
    head_a = fs / "head-a.json"
    assert json.loads(head_a.read_text())["seq"] in (3, 4)
    ga.close()
    gb.close()
    assert json.loads(head_a.read_text())["seq"] == 4
    assert json.loads((fs / "head-b.json").read_text())["seq"] == len((logs / "b.jsonl").read_text().splitlines())
    assert verify_dir(logs, AUDIT_KEY).ok


# -- the compiled-component cache -------------------------------------------------------------
def test_component_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(_core.NO_CACHE_ENV, raising=False)
    c1 = _core.Core()
    assert c1.component_source == "compiled"
    files = list((tmp_path / "presidio_x402").iterdir())
    assert len(files) == 1 and files[0].name.startswith("component-")
    assert _core.cache_path(c1.path.read_bytes()) == files[0]
    c2 = _core.Core()
    assert c2.component_source == "cache"
    assert c2.operations() == c1.operations() and c2.describe("store-unavailable") == c1.describe("store-unavailable")
    g = c2.new_guard("{}")
    assert g.undo() is False and g.state() == c1.new_guard("{}").state()
    # A corrupt cache file (a flipped byte in the compiled code) is never loaded: compile, rewrite.
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    files[0].write_bytes(bytes(data))
    c3 = _core.Core()
    assert c3.component_source == "compiled"
    assert _core.Core().component_source == "cache"
    # Truncated, or garbage: the same.
    files[0].write_bytes(files[0].read_bytes()[:100])
    assert _core.Core().component_source == "compiled"
    files[0].write_bytes(b"not a cache file")
    assert _core.Core().component_source == "compiled"
    # An unwritable cache directory: compile silently.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file-not-dir"))
    (tmp_path / "file-not-dir").write_text("x")
    assert _core.Core().component_source == "compiled"
    monkeypatch.setenv(_core.NO_CACHE_ENV, "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "none"))
    assert _core.Core().component_source == "compiled" and not (tmp_path / "none").exists()


def test_component_cache_across_processes(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    env.pop(_core.NO_CACHE_ENV, None)
    src = "from presidio_x402._core import core; print(core().component_source)"
    runs = [subprocess.run([sys.executable, "-c", src], capture_output=True, text=True, env=env,
                           timeout=120).stdout.strip()
            for _ in range(2)]
    assert runs == ["compiled", "cache"]


# -- verify_dir gives the core's verdicts on logs of any size ---------------------------------------
def _reference(d):
    """The core's audit.verify-chains on the whole texts (small directories only)."""
    from presidio_x402._core import core

    names = sorted(n for n in os.listdir(d) if n.endswith(".jsonl"))
    chains = [{"name": n, "text": open(os.path.join(d, n), encoding="utf-8").read()} for n in names]
    return core().call("audit.verify-chains", {"key_hex": AUDIT_KEY, "chains": chains})


def _as_core(r):
    return {"ok": r.ok, "truncation_checked": r.truncation_checked,
            "missing": [{"replica": m.replica, "stored_head": m.stored_head, "code": m.code} for m in r.missing],
            "chains": [{"name": c.name, "ok": c.ok, "replica": c.replica, "head": c.head, "line": c.line,
                        "seq": c.seq, "code": c.code, "stored_head": c.stored_head, "head_check": c.head_check,
                        "past_head": c.past_head} for c in r.chains]}


def test_verify_dir_equals_the_core_on_every_vector(tmp_path):
    from conftest import VECTORS

    doc = json.loads((VECTORS / "audit-verify-chains.json").read_text())
    n = 0
    for g in doc["testGroups"]:
        for t in g["tests"]:
            if t["result"] != "valid" or len(t["input"]["key_hex"]) < 32:
                continue
            d = tmp_path / f"v{t['tcId']}"
            d.mkdir()
            for c in t["input"]["chains"]:
                (d / c["name"]).write_text(c["text"], encoding="utf-8")
            key = t["input"]["key_hex"]
            names = sorted(c["name"] for c in t["input"]["chains"])
            from presidio_x402._core import core

            heads = t["input"].get("heads")
            ref = core().call("audit.verify-chains", {"key_hex": key, "heads": heads, "chains": [
                {"name": nm, "text": (d / nm).read_text(encoding="utf-8")} for nm in names]})
            assert _as_core(verify_dir(d, key, heads=heads)) == ref, t["comment"]
            n += 1
    assert n >= 8


def test_verify_dir_beyond_the_call_limit(tmp_path, redis_server):
    """Chains totalling more than the core's 1 MiB call input still verify."""
    logs = tmp_path / "audit"
    logs.mkdir()
    tenant = "big" + os.urandom(4).hex()
    g = guard(RedisStore(redis_server.url, tenant=tenant), replica="big", log=logs / "big.jsonl", limit=1000)
    for i in range(1300):
        assert pay(g, f"https://api.example.com/big/{i}") is None
    shutil.copy(logs / "big.jsonl", logs / "big-copy.jsonl")
    assert sum(p.stat().st_size for p in logs.iterdir()) > (1 << 20)
    r = verify_dir(logs, AUDIT_KEY)
    assert [(c.name, c.ok, c.code) for c in r.chains] == [("big-copy.jsonl", True, None),
                                                          ("big.jsonl", False, "audit-replica-duplicate")]
    assert r.chains[0].head["seq"] == 2600
