"""The audit directory verifier against the replicas' stored heads (issue 14, item 7): a deleted
replica log, a cut tail and a wrong head are reported; an intact directory verifies; without heads
the result says truncation was not checked. Heads come from the file store, Redis or the caller."""

import asyncio
import json
import os
import subprocess
import sys

import pytest
from test_stores import AUDIT_KEY, guard, pay

from presidio_x402.audit_log import verify_dir
from presidio_x402.stores import AsyncRedisStore, FileStore, MemoryStore, RedisStore


def _cli(*args):
    env = dict(os.environ, PRESIDIO_X402_CHAIN_KEY=AUDIT_KEY)
    return subprocess.run([sys.executable, "-m", "presidio_x402.audit_log", "verify", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _fill(store_of, logs):
    """pod-a pays 3 times, pod-b twice, each with its own chain in ``logs``, then stops cleanly."""
    for r, n in (("pod-a", 3), ("pod-b", 2)):
        g = guard(store_of(), replica=r, log=logs / f"{r}.jsonl")
        for i in range(n):
            assert pay(g, f"https://api.example.com/{r}/{i}") is None
        g.close()


def _last_line_head(path, back=0):
    last = json.loads(path.read_text().splitlines()[-1 - back])
    return {"seq": last["seq"], "mac": last["mac"]}


def _stored_line_head(path):
    """The head a replica's store holds after a clean stop: its log's last line (the settled
    line's head is flushed at close, docs/STORES.md "Flushing the head")."""
    return _last_line_head(path)


def _cut(path, n):
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:-n]))


@pytest.fixture
def file_dir(tmp_path):
    """A file store and a log directory written through it by two replicas."""
    state, logs = tmp_path / "state", tmp_path / "audit"
    logs.mkdir()
    _fill(lambda: FileStore(state), logs)
    return FileStore(state), logs


@pytest.fixture
def redis_dir(tmp_path, redis_server):
    tenant = "dirverify" + os.urandom(4).hex()
    logs = tmp_path / "audit-redis"
    logs.mkdir()
    _fill(lambda: RedisStore(redis_server.url, tenant=tenant), logs)
    return RedisStore(redis_server.url, tenant=tenant), logs, tenant


def test_stores_read_back_every_head(file_dir, redis_dir, redis_server):
    for store, logs in (file_dir, redis_dir[:2]):
        heads = store.load_heads()
        assert heads == {r: _stored_line_head(logs / f"{r}.jsonl") for r in ("pod-a", "pod-b")}
    tenant = redis_dir[2]

    async def run():
        s = AsyncRedisStore(redis_server.url, tenant=tenant)
        try:
            return await s.load_heads()
        finally:
            await s.close()

    assert asyncio.run(run()) == redis_dir[0].load_heads()
    m = MemoryStore()
    assert m.load_heads() == {}
    assert m.save_head(None, {"seq": 1, "mac": "ab" * 32}, 0)
    assert m.load_heads() == {"-": {"seq": 1, "mac": "ab" * 32}}


def test_intact_directory_verifies_against_its_heads(file_dir):
    store, logs = file_dir
    r = verify_dir(logs, AUDIT_KEY, store=store)
    assert r.ok and r.truncation_checked and r.missing == []
    # Each log ends at its stored head: closing saved the last settled line's head.
    assert [(c.name, c.head_check, c.past_head) for c in r.chains] == [("pod-a.jsonl", "equal", 0),
                                                                        ("pod-b.jsonl", "equal", 0)]
    p = _cli(str(logs), "--store-dir", store.path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "stored head equal" in p.stdout and "WARNING" not in p.stderr


def test_deleted_replica_log_is_reported(file_dir):
    store, logs = file_dir
    b_head = _stored_line_head(logs / "pod-b.jsonl")
    (logs / "pod-b.jsonl").unlink()
    r = verify_dir(logs, AUDIT_KEY, store=store)
    assert not r.ok and [c.ok for c in r.chains] == [True]
    assert [(m.replica, m.stored_head, m.code) for m in r.missing] == [("pod-b", b_head, "audit-log-missing")]
    assert r.missing[0].reason
    p = _cli(str(logs), "--store-dir", store.path)
    assert p.returncode == 1 and "replica pod-b" in p.stdout and "audit-log-missing" in p.stdout
    # without the heads the same directory passes, but says truncation was not checked
    r = verify_dir(logs, AUDIT_KEY)
    assert r.ok and not r.truncation_checked and r.chains[0].head_check == "unchecked"
    p = _cli(str(logs))
    assert p.returncode == 0 and "truncation not checked" in p.stderr


@pytest.mark.parametrize("n", [1, 2, 3])
def test_cut_tail_is_reported(file_dir, n):
    """Any cut tail, the last line alone included (THREATS: deleting the last line is detected)."""
    store, logs = file_dir
    total = len((logs / "pod-a.jsonl").read_text().splitlines())
    _cut(logs / "pod-a.jsonl", n)
    r = verify_dir(logs, AUDIT_KEY, store=store)
    a, b = r.chains
    assert not r.ok and b.ok and r.missing == []
    assert (a.ok, a.code, a.line, a.replica) == (False, "audit-truncated", total - n + 1, "pod-a")
    assert a.stored_head == store.load_head("pod-a")
    p = _cli(str(logs), "--store-dir", store.path)
    assert p.returncode == 1 and "FAILED: pod-a.jsonl" in p.stdout and "audit-truncated" in p.stdout


def test_given_heads_wrong_mac_and_head_behind(file_dir, tmp_path):
    store, logs = file_dir
    heads = store.load_heads()
    lines = (logs / "pod-a.jsonl").read_text().splitlines()
    second = json.loads(lines[1])
    behind = dict(heads, **{"pod-a": {"seq": 2, "mac": second["mac"]}})
    r = verify_dir(logs, AUDIT_KEY, heads=behind)
    assert r.ok and (r.chains[0].head_check, r.chains[0].past_head) == ("ahead", len(lines) - 2)
    wrong = dict(heads, **{"pod-a": {"seq": len(lines), "mac": second["mac"]}})
    r = verify_dir(logs, AUDIT_KEY, heads=wrong)
    assert not r.ok and (r.chains[0].code, r.chains[0].line) == ("audit-head-mismatch", len(lines))
    f = tmp_path / "heads.json"
    f.write_text(json.dumps(wrong))
    assert _cli(str(logs), "--heads", str(f)).returncode == 1
    assert _cli(str(logs), "--heads", str(f), "--store-dir", store.path).returncode == 2
    with pytest.raises(ValueError):
        verify_dir(logs, AUDIT_KEY, heads=heads, store=store)


def test_redis_heads_catch_a_deleted_log_and_a_cut_tail(redis_dir, redis_server):
    store, logs, tenant = redis_dir
    r = verify_dir(logs, AUDIT_KEY, store=store)
    assert r.ok and r.truncation_checked
    p = _cli(str(logs), "--redis-url", redis_server.url, "--tenant", tenant)
    assert p.returncode == 0, p.stdout + p.stderr
    _cut(logs / "pod-b.jsonl", 1)  # its last line alone: the stored head is that line's
    (logs / "pod-a.jsonl").unlink()
    r = verify_dir(logs, AUDIT_KEY, store=store)
    assert not r.ok
    assert [(c.name, c.code) for c in r.chains] == [("pod-b.jsonl", "audit-truncated")]
    assert [m.replica for m in r.missing] == ["pod-a"]
    p = _cli(str(logs), "--redis-url", redis_server.url, "--tenant", tenant)
    assert p.returncode == 1 and "audit-log-missing" in p.stdout and "audit-truncated" in p.stdout


def test_async_store_needs_awaited_heads(redis_dir, redis_server):
    _, logs, tenant = redis_dir
    with pytest.raises(TypeError):
        verify_dir(logs, AUDIT_KEY, store=AsyncRedisStore(redis_server.url, tenant=tenant))
