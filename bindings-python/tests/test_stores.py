"""Stores of docs/STORES.md: Memory, File and Redis (sync and asyncio), the
driver's compare-and-set transactions as the guard performs them, replay SET NX,
replica heads, fail-closed errors. Redis is a real redis-server on a free loopback port (the
``redis_server`` session fixture): a missing redis-server fails, never skips."""

import asyncio
import base64
import inspect
import json
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
import uuid

import pytest
from conftest import free_port
from x402mock import RecordingSigner, Server, signed_for

from presidio_x402 import HardenedX402Client, ReplayDetectedError, StoreUnavailableError
from presidio_x402.audit_log import AuditLog, FileAuditWriter
from presidio_x402.exceptions import PolicyViolationError
from presidio_x402.guard import Guard
from presidio_x402.stores import CAS_LUA, HEAD_LUA, AsyncRedisStore, FileStore, MemoryStore, RedisStore, StoreError

#: The core's compare-and-set attempts of one step (core/src/driver/mod.rs MAX_ATTEMPTS).
MAX_ATTEMPTS = 64
REPLAY_KEY = "11" * 32
AUDIT_KEY = "22" * 32
CENT_ATTO = 10 ** 16
MAC = "ab" * 32


def body(url, atomic="10000"):
    """A real x402 v1 body: $0.01 (10,000 atomic USDC on Base) at ``url`` (as tests/shared-state)."""
    return json.dumps({
        "x402Version": 1, "error": "X-PAYMENT header is required",
        "accepts": [{
            "scheme": "exact", "network": "base", "maxAmountRequired": atomic,
            "asset": "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "resource": url, "description": "one item", "mimeType": "application/json", "maxTimeoutSeconds": 60,
            "extra": {"name": "USD Coin", "version": "2"},
        }],
    })


def config(replica=None, limit=10):
    c = {"max_per_call_usd": 1, "daily_limit_usd": limit, "window_seconds": 86400}
    if replica is not None:
        c["replica_id"] = replica
    return c


def guard(store, replica=None, limit=10, log=None):
    audit = AuditLog(FileAuditWriter(log) if log else None, key=AUDIT_KEY)
    return Guard(config(replica, limit), store=store, audit=audit, replay_key=REPLAY_KEY)


#: A settled paid response (what a host feeds the driver); the signer's answer is `signed_for(action)`.
SETTLED = {"on": "response", "status": 200,
           "settlement": base64.b64encode(b'{"success":true,"transaction":"0x1"}').decode()}


def pay(g, url):
    """One payment through the sync API, signed and settled: the code of a refusal, or None."""
    return pay_amount(g, url, "10000")


def pay_amount(g, url, atomic):
    """:func:`pay` of ``atomic`` USDC units."""
    p = g.begin("GET", url, None, body(url, atomic))
    if not p.done:
        p = g.resume(g.resume(p, signed_for(p.action)), SETTLED)
    return None if p.allowed else p.code


async def pay_async(g, url):
    return await pay_async_amount(g, url, "10000")


async def pay_async_amount(g, url, atomic):
    p = await g.begin_async("GET", url, None, body(url, atomic))
    if not p.done:
        p = await g.resume_async(await g.resume_async(p, signed_for(p.action)), SETTLED)
    return None if p.allowed else p.code


def spend(state_text):
    st = json.loads(state_text)
    committed = sum(int(c) for _, c, _ in st["spend"]["l"].get("*", []))
    reserved = sum(int(r) for _, _, r in st["spend"]["l"].get("*", []))
    return committed, reserved, len(st["spend"]["r"])


@pytest.fixture
def tenant():
    return "t" + uuid.uuid4().hex[:12]


@pytest.fixture
def rstore(redis_server, tenant):
    s = RedisStore(redis_server.url, tenant=tenant)
    yield s
    s.close()


class Spy:
    """Wraps a store; ``before_cas`` runs once before the first compare-and-set."""

    def __init__(self, inner, before_cas=None):
        self.inner = inner
        self.shared = inner.shared
        self.cas = []
        self.before_cas = before_cas

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def compare_and_set(self, state, version):
        hook, self.before_cas = self.before_cas, None
        if hook:
            hook()
        ok = self.inner.compare_and_set(state, version)
        self.cas.append(ok)
        return ok

    def cas_state(self, state, version, *replay, **head):
        hook, self.before_cas = self.before_cas, None
        if hook:
            hook()
        r = self.inner.cas_state(state, version, *replay, **head)
        self.cas.append(r["won"])
        return r


# -- the interface on every store -------------------------------------------------------
@pytest.fixture(params=["memory", "file", "redis"])
def any_store(request, tmp_path, redis_server, tenant):
    if request.param == "memory":
        s = MemoryStore()
    elif request.param == "file":
        s = FileStore(tmp_path / "fs")
    else:
        s = RedisStore(redis_server.url, tenant=tenant)
    yield s
    s.close()


def test_store_interface(any_store):
    s = any_store
    assert s.load_versioned() == (None, "0")
    assert s.compare_and_set('{"a":1}', "0") is True
    state, v = s.load_versioned()
    assert state == '{"a":1}' and v != "0"
    assert s.compare_and_set('{"a":2}', "0") is False  # stale version
    assert s.compare_and_set('{"a":2}', v) is True
    assert s.load_versioned()[0] == '{"a":2}'
    now = int(time.time() * 1000)
    assert s.replay_check_and_set("f" * 64, 60_000, now) is True
    assert s.replay_check_and_set("f" * 64, 60_000, now + 1) is False
    s.replay_forget("f" * 64)
    assert s.replay_check_and_set("f" * 64, 60_000, now + 2) is True
    assert s.load_head("pod-a") is None
    assert s.save_head("pod-a", {"seq": 1, "mac": MAC}, 0) is True
    assert s.save_head("pod-a", {"seq": 1, "mac": MAC}, 0) is False  # another process claims the replica
    assert s.save_head("pod-a", {"seq": 2, "mac": MAC}, 1) is True
    assert s.load_head("pod-a") == {"seq": 2, "mac": MAC}
    assert s.load_head("pod-b") is None and s.load_head(None) is None


def test_file_store_replay_expiry(tmp_path):
    s = FileStore(tmp_path)
    assert s.replay_check_and_set("a" * 64, 10, 1000)
    assert s.replay_check_and_set("a" * 64, 10, 1011)  # expired: fresh again
    assert s.replay_check_and_set("b" * 64, 10, 5000)
    assert json.loads((tmp_path / "replay.json").read_text()) == {"b" * 64: 5010}  # expired entries swept


def test_layouts_byte_for_byte(tmp_path, rstore, redis_server, tenant):
    fs = FileStore(tmp_path)
    assert fs.compare_and_set('{"x":"é"}', "0")
    assert (tmp_path / "state.json").read_bytes() == '{"version":1,"state":"{\\"x\\":\\"é\\"}"}'.encode()
    assert fs.save_head("pod-a", {"seq": 3, "mac": MAC}, 0)
    assert (tmp_path / "head-pod-a.json").read_bytes() == b'{"seq":3,"mac":"' + MAC.encode() + b'"}'
    assert not (tmp_path / "lock").exists()
    r = redis_server.client(decode_responses=True)
    assert rstore.compare_and_set("S", "0") and rstore.replay_check_and_set("c" * 64, 5000, 0)
    assert rstore.save_head(None, {"seq": 1, "mac": MAC}, 0)
    assert r.hgetall(f"presidio_x402:{{{tenant}}}:state") == {"v": "1", "s": "S"}
    assert r.get(f"presidio_x402:{{{tenant}}}:replay:{'c' * 64}") == "1"
    assert 0 < r.pttl(f"presidio_x402:{{{tenant}}}:replay:{'c' * 64}") <= 5000
    assert r.hgetall(f"presidio_x402:{{{tenant}}}:head:-") == {"seq": "1", "mac": MAC}
    assert "tostring(tonumber(v) + 1)" in CAS_LUA and "'seq'" in HEAD_LUA


def test_keys_of_0_4_0_are_still_read(redis_server, rstore, tenant):
    """0.4.0's keys (no hash tag): the state goes on from its version, heads and fingerprints count."""
    r = redis_server.client(decode_responses=True)
    r.hset(f"presidio_x402:{tenant}:state", mapping={"v": "7", "s": "OLD"})
    r.hset(f"presidio_x402:{tenant}:head:pod-a", mapping={"seq": "3", "mac": MAC})
    r.set(f"presidio_x402:{tenant}:replay:{'f' * 64}", "1", px=60_000)
    assert rstore.load_versioned() == ("OLD", "7")
    assert r.hgetall(f"presidio_x402:{{{tenant}}}:state") == {"v": "7", "s": "OLD"}  # copied once
    assert rstore.compare_and_set("NEW", "7")
    assert r.hget(f"presidio_x402:{tenant}:state", "s") == "OLD"  # never written again
    assert rstore.load_head("pod-a") == {"seq": 3, "mac": MAC}
    assert rstore.save_head("pod-a", {"seq": 4, "mac": "d" * 64}, 3)
    assert rstore.load_heads() == {"pod-a": {"seq": 4, "mac": "d" * 64}}
    assert not rstore.replay_check_and_set("f" * 64, 60_000, 0)  # a fingerprint 0.4.0 set still counts
    assert rstore.replay_check_and_set("e" * 64, 60_000, 0)


class CountingClient:
    """A redis-py client that counts the commands (round trips) the store sends."""

    def __init__(self, inner):
        self.inner, self.calls = inner, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def hmget(self, *a, **k):
        self.calls.append("hmget")
        return self.inner.hmget(*a, **k)

    def evalsha(self, *a, **k):
        self.calls.append("evalsha")
        return self.inner.evalsha(*a, **k)

    def register_script(self, src):
        from redis.commands.core import Script
        return Script(self, src)


def test_round_trips_per_payment(redis_server, tenant):
    """2 Redis round trips per payment without an audit log (was 5; 0.4.0: 6): the reservation's
    compare-and-set sets the fingerprint in the same script, and each step runs on the state the
    store answered last (no load)."""
    client = CountingClient(redis_server.client())
    g = guard(RedisStore(client=client, tenant=tenant), limit=1)
    assert pay(g, "https://api.example.com/rt/warm") is None
    client.calls.clear()
    for i in range(10):
        assert pay(g, f"https://api.example.com/rt/{i}") is None
    assert len(client.calls) == 20 and client.calls.count("hmget") == 0, client.calls


def test_round_trips_per_payment_with_an_audit_log(redis_server, tenant, tmp_path):
    """2 Redis round trips per payment with a file audit log too (was 4: a head save after each of
    its two lines): the pre-sign line's head rides with the settlement's compare-and-set, the
    settled line's with the next payment's. The stored head trails the log by that one line, and
    the chain verifies against it."""
    from presidio_x402.audit_log import verify_dir

    client = CountingClient(redis_server.client())
    store = RedisStore(client=client, tenant=tenant)
    logs = tmp_path / "audit"
    logs.mkdir()
    g = guard(store, replica="pod", limit=1, log=logs / "pod.jsonl")
    assert g.profile["cas_head"] is True
    # No quiet flush here (test_flush.py has it): on a loaded machine it could land between two
    # payments and add a round trip.
    g._stop_flushing()
    assert pay(g, "https://api.example.com/rt/warm") is None
    client.calls.clear()
    for i in range(10):
        assert pay(g, f"https://api.example.com/rt/{i}") is None
    assert len(client.calls) == 20 and client.calls.count("hmget") == 0, client.calls
    lines = (logs / "pod.jsonl").read_text().splitlines()
    assert store.load_head("pod") == _line_head(lines[-2])
    r = verify_dir(logs, AUDIT_KEY, store=store)
    assert r.ok and r.truncation_checked and [(c.head_check, c.past_head) for c in r.chains] == [("ahead", 1)]


def _line_head(line):
    d = json.loads(line)
    return {"seq": d["seq"], "mac": d["mac"]}


def test_cas_state_sets_the_fingerprint_with_the_state(rstore, redis_server, tenant):
    """One script: a live fingerprint writes nothing; a lost version answers the state as it stands."""
    assert rstore.cas_state("S1", "0", "f" * 64, 60_000, 0) == {"won": True, "fresh": True, "version": "1"}
    assert rstore.cas_state("S2", "1", "f" * 64, 60_000, 0) == {"won": False, "fresh": False}
    assert rstore.load_versioned() == ("S1", "1")
    assert rstore.cas_state("S3", "0", "e" * 64, 60_000, 0) == {"won": False, "state": "S1", "version": "1"}
    assert rstore.replay_check_and_set("e" * 64, 60_000, 0)  # the lost one set no fingerprint
    assert rstore.cas_state("S4", "1") == {"won": True, "version": "2"}


def test_names_and_repr_hide_the_url(redis_server):
    with pytest.raises(ValueError):
        RedisStore(redis_server.url, tenant="a:b")
    with pytest.raises(ValueError):
        RedisStore(redis_server.url, prefix="my app")
    s = RedisStore("redis://:hunter2secret@127.0.0.1:1/0", tenant="acme")
    assert "hunter2" not in repr(s) and "acme" in repr(s)
    c = HardenedX402Client(payment_signer=RecordingSigner(), redis_url="redis://:hunter2secret@127.0.0.1:1/0")
    assert "hunter2" not in repr(c) and "hunter2" not in repr(c.guard)
    assert "hunter2" not in repr(AsyncRedisStore("redis://:hunter2secret@127.0.0.1:1/0"))


# -- the transaction ----------------------------------------------------------------------
def test_cas_conflict_reload_and_retry(rstore, redis_server, tenant):
    """B completes a step between A's load and A's compare-and-set: A loses,
    reloads and runs the step again (the driver's transaction); both reservations count."""
    b = guard(RedisStore(redis_server.url, tenant=tenant))
    b_url = "https://api.example.com/b"
    done = []

    def b_steps():
        done.append(b.begin("GET", b_url, None, body(b_url)))

    spy = Spy(rstore, before_cas=b_steps)
    a = guard(spy)
    url = "https://api.example.com/a"
    pa = a.begin("GET", url, None, body(url))
    assert pa.action["do"] == "sign" and done[0].action["do"] == "sign"
    assert spy.cas == [False, True]  # lost once, then stored (an allowed finalize changes nothing)
    committed, reserved, n = spend(rstore.load_versioned()[0])
    assert (committed, reserved, n) == (0, 2 * CENT_ATTO, 2)
    # A's payment goes on: signed, sent, settled.
    pa = a.resume(a.resume(pa, signed_for(pa.action)), SETTLED)
    assert pa.allowed and pa.action["settlement"] == "settled"
    assert spend(rstore.load_versioned()[0]) == (CENT_ATTO, CENT_ATTO, 1)


def test_undo_in_the_guard_resource_wrapper():
    """The component's fine-grained ``guard`` resource (kept for callers who want it)."""
    from presidio_x402._core import CoreError, core

    g = core().new_guard(json.dumps(config()))
    url = "https://api.example.com/u"
    ctx = {"method": "GET", "request_url": url, "payment_required": None, "body": body(url), "reason": "",
           "now_ms": int(time.time() * 1000)}
    a = g.assess(ctx, bytes.fromhex(REPLAY_KEY))
    assert g.undo() is True
    assert g.undo() is False
    with pytest.raises(CoreError):
        g.finalize(a["id"], {"replay_fresh": True, "countersignatures": [], "webhook_answers": []}, bytes(32), None, 1)


def test_audit_lines_reach_the_writer_in_chain_order(tmp_path):
    """Concurrent payments of one guard: every line is written in the order the driver chained it."""
    from presidio_x402 import verify_chain

    class Slow:
        def __init__(self):
            self.lines = []

        def write(self, ev):
            time.sleep(random.random() / 1000)
            self.lines.append(str(ev))

    w = Slow()
    for store in (MemoryStore(), FileStore(tmp_path / "fs")):
        w.lines.clear()
        g = Guard(config(limit=1000), store=store, audit=AuditLog(w, key=AUDIT_KEY), replay_key=REPLAY_KEY)
        ts = [threading.Thread(target=lambda i=i, g=g: [pay(g, f"https://api.example.com/{i}/{k}") for k in range(15)])
              for i in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        assert len(w.lines) == 120 and verify_chain(w.lines, AUDIT_KEY).ok


def test_guards_in_threads_spend_exactly_the_limit(redis_server, tenant):
    """4 guards (4 core instances' worth of state) x 25 payments of $0.01 on one
    tenant with a $0.50 limit, concurrently: exactly 50 allowed, $0.50 committed."""
    guards = [guard(RedisStore(redis_server.url, tenant=tenant), limit=0.5) for _ in range(4)]
    results = [[] for _ in guards]

    def run(i):
        for k in range(25):
            results[i].append(pay(guards[i], f"https://api.example.com/{i}/{k}"))

    ts = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    codes = [c for r in results for c in r]
    assert codes.count(None) == 50
    assert set(codes) == {None, "policy-window-exceeded"}
    assert spend(RedisStore(redis_server.url, tenant=tenant).load_versioned()[0]) == (50 * CENT_ATTO, 0, 0)


def test_replay_set_nx_across_two_guards(redis_server, tenant):
    g1, g2 = (guard(RedisStore(redis_server.url, tenant=tenant)) for _ in range(2))
    url = "https://api.example.com/the-same-one"
    out = {}
    ts = [threading.Thread(target=lambda g=g: out.__setitem__(g, g.begin("GET", url, None, body(url))))
          for g in (g1, g2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sorted(p.action["do"] if not p.done else p.code for p in out.values()) == ["replay-detected", "sign"]
    assert spend(RedisStore(redis_server.url, tenant=tenant).load_versioned()[0])[2] == 1  # the refusal released


def test_tenant_and_prefix_isolation(redis_server, tenant):
    url = "https://api.example.com/one"
    stores = [RedisStore(redis_server.url, tenant=tenant + "a"), RedisStore(redis_server.url, tenant=tenant + "b"),
              RedisStore(redis_server.url, tenant=tenant + "a", prefix="otherapp")]
    for s in stores:  # the same purchase, a $0.01 budget: each namespace allows it once
        g = guard(s, limit=0.01)
        assert pay(g, url) is None
        assert pay(g, url + "/2") == "policy-window-exceeded"
    r = redis_server.client(decode_responses=True)
    keys = set(r.keys(f"*{tenant}*"))
    for p, t in (("presidio_x402", tenant + "a"), ("presidio_x402", tenant + "b"), ("otherapp", tenant + "a")):
        assert f"{p}:{{{t}}}:state" in keys
        assert sum(k.startswith(f"{p}:{{{t}}}:replay:") for k in keys) == 1


def test_head_cas_refuses_a_duplicate_replica(redis_server, tenant, tmp_path):
    def quiet(g):
        # No quiet flush (test_flush.py has it): its 20 ms timer would make the stored head below
        # depend on the machine's load.
        g._stop_flushing()
        return g

    a = quiet(guard(RedisStore(redis_server.url, tenant=tenant), replica="pod-a", log=tmp_path / "a.jsonl"))
    assert pay(a, "https://api.example.com/1") is None
    # A second process with the same replica id and its own (empty) log: refused before any step.
    b = quiet(guard(RedisStore(redis_server.url, tenant=tenant), replica="pod-a", log=tmp_path / "b.jsonl"))
    assert pay(b, "https://api.example.com/2") == "store-unavailable"
    assert not (tmp_path / "b.jsonl").exists()
    # A second process resuming the same log file: it saves first, A's next line is refused.
    c = quiet(guard(RedisStore(redis_server.url, tenant=tenant), replica="pod-a", log=tmp_path / "a.jsonl"))
    assert pay(c, "https://api.example.com/3") is None
    # A's reservation carries its stored head as a check (heads ride the compare-and-sets): C moved
    # it, so A is refused before anything is written or signed. C's settled line (4) trails the
    # stored head (3) by one line.
    assert pay(a, "https://api.example.com/4") == "store-unavailable"
    assert RedisStore(redis_server.url, tenant=tenant).load_head("pod-a")["seq"] == 3


def test_head_save_cut_short_catches_up(redis_server, tenant, tmp_path):
    log = tmp_path / "pod.jsonl"
    g = guard(RedisStore(redis_server.url, tenant=tenant), replica="pod", log=log)
    g._stop_flushing()  # no quiet flush (test_flush.py): the heads below must not depend on timing
    assert pay(g, "https://api.example.com/1") is None
    # Lines 3-4 reached the log but the process died before saving its head.
    s = RedisStore(redis_server.url, tenant=tenant)
    assert pay(g, "https://api.example.com/2") is None
    redis_server.client().hset(f"presidio_x402:{{{tenant}}}:head:pod", mapping={"seq": "2"})
    g2 = guard(s, replica="pod", log=log)
    g2._stop_flushing()
    assert pay(g2, "https://api.example.com/3") is None
    # Caught up at start-up (line 4), then line 5's head rode with the settlement: the stored head
    # trails the log (6 lines) by the settled line.
    assert s.load_head("pod")["seq"] == 5 and len(log.read_text().splitlines()) == 6


def test_contention_without_end_is_store_unavailable():
    class Lost:
        """A shared store whose compare-and-set always loses."""

        def __init__(self):
            self.inner, self.tries = MemoryStore(), 0

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def compare_and_set(self, state, version):
            self.tries += 1
            return False

    s = Lost()
    g = guard(s)
    assert g.profile["shared"] is True
    assert pay(g, "https://api.example.com/x") == "store-unavailable" and s.tries == MAX_ATTEMPTS


# -- failures are refusals ---------------------------------------------------------------------
async def test_unreachable_redis_refuses_fast():
    url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    s = Server()
    signer = RecordingSigner()
    c = HardenedX402Client(payment_signer=signer, httpx_client=s.client(), redis_url=url)
    t = time.monotonic()
    with pytest.raises(StoreUnavailableError) as e:
        await c.get("https://api.example.com/r")
    assert time.monotonic() - t < 3.0
    assert e.value.code == "store-unavailable"
    assert signer.calls == [] and s.payments == []
    await c.aclose()


async def test_unreachable_async_redis_refuses_fast():
    s, signer = Server(), RecordingSigner()
    store = AsyncRedisStore(f"redis://127.0.0.1:{free_port()}/0")
    c = HardenedX402Client(payment_signer=signer, httpx_client=s.client(), store=store)
    t = time.monotonic()
    with pytest.raises(StoreUnavailableError):
        await c.get("https://api.example.com/r")
    assert time.monotonic() - t < 3.0 and signer.calls == []
    await store.close()


def _refused(g):
    url = "https://api.example.com/bad"
    p = g.begin("GET", url, None, body(url))
    return p.code if p.done else None


@pytest.mark.parametrize("bad,code", [
    ({"v": "abc", "s": "{}"}, "store-unavailable"),
    ({"v": "-3", "s": "{}"}, "store-unavailable"),
    ({"v": "7"}, "store-unavailable"),
    ({"s": "{}"}, "store-unavailable"),
    ({"v": "7", "s": "garbage, not a state"}, "state-corrupt"),
    ({"v": "7", "s": b"\xff\xfe"}, "store-unavailable"),
])
def test_bad_answers_refuse(redis_server, rstore, tenant, bad, code):
    redis_server.client().hset(f"presidio_x402:{{{tenant}}}:state", mapping=bad)
    assert _refused(guard(rstore)) == code


def test_wrong_type_refuses(redis_server, rstore, tenant):
    redis_server.client().set(f"presidio_x402:{{{tenant}}}:state", "a string, not a hash")
    assert _refused(guard(rstore)) == "store-unavailable"  # WRONGTYPE


def test_bad_head_refuses(redis_server, rstore, tenant, tmp_path):
    redis_server.client().hset(f"presidio_x402:{{{tenant}}}:head:pod", mapping={"seq": "x", "mac": "y"})
    assert _refused(guard(rstore, replica="pod", log=tmp_path / "pod.jsonl")) == "store-unavailable"


def test_bad_files_refuse(tmp_path):
    (tmp_path / "state.json").write_text('{"version":"1","state":"{}"}')
    assert _refused(guard(FileStore(tmp_path))) == "store-unavailable"
    (tmp_path / "state.json").write_text("{not json")
    assert _refused(guard(FileStore(tmp_path))) == "store-unavailable"
    (tmp_path / "state.json").write_text('{"version":1,"state":"nope"}')
    assert _refused(guard(FileStore(tmp_path))) == "state-corrupt"


def test_replay_store_failure_is_refused_by_the_core(rstore):
    class NoReplay:
        shared = True

        def __getattr__(self, name):
            return getattr(rstore, name)

        def replay_check_and_set(self, *a):
            raise StoreError("down")

        def cas_state(self, state, version, fingerprint=None, *a):
            if fingerprint is not None:
                raise StoreError("down")
            return rstore.cas_state(state, version)

    g = guard(NoReplay())
    assert pay(g, "https://api.example.com/x") == "store-unavailable"
    # The reservation and the fingerprint are one step: a failed one reserved nothing.
    assert rstore.load_versioned() == (None, "0")


def test_store_without_cas_state_is_driven_by_the_core(rstore):
    class PlainCas:
        """A user store with only the base protocol: no ``cas_state``."""
        shared = True

        def __init__(self):
            self.calls: list[str] = []

        def __getattr__(self, name):
            if name == "cas_state":
                raise AttributeError(name)
            self.calls.append(name)
            return getattr(rstore, name)

    s = PlainCas()
    g = guard(s)
    assert g.profile["cas_fingerprint"] is False
    url = "https://api.example.com/plain"
    assert pay(g, url) is None
    # The reservation's compare-and-set, then the fingerprint on its own (the driver's replay-set).
    assert s.calls.index("compare_and_set") < s.calls.index("replay_check_and_set")
    assert pay(g, url) == "replay-detected"
    # The replay's reservation was released: one payment committed, nothing reserved.
    assert spend(rstore.load_versioned()[0]) == (CENT_ATTO, 0, 0)


def test_dead_process_reservation_counts_until_its_lease(redis_server, tenant):
    s = RedisStore(redis_server.url, tenant=tenant)
    dead = guard(s)
    url = "https://api.example.com/d"
    assert dead.begin("GET", url, None, body(url)).action["do"] == "sign"  # reserved; the process "dies" here
    assert spend(s.load_versioned()[0]) == (0, CENT_ATTO, 1)
    later = guard(RedisStore(redis_server.url, tenant=tenant))
    now = int(time.time() * 1000)
    later.clock = lambda: now + 60_000
    later.begin("GET", url + "/2", None, body(url + "/2"))
    assert spend(RedisStore(redis_server.url, tenant=tenant).load_versioned()[0])[2] == 2  # still counted
    later.clock = lambda: now + 901_000
    later.begin("GET", url + "/3", None, body(url + "/3"))
    assert spend(RedisStore(redis_server.url, tenant=tenant).load_versioned()[0])[2] == 2  # dead one dropped


# -- asyncio ------------------------------------------------------------------------------------
async def test_async_redis_store_guard_and_client(redis_server, tenant):
    store = AsyncRedisStore(redis_server.url, tenant=tenant)
    g = guard(store, limit=0.02)
    url = "https://api.example.com/async"
    begin = g.begin("GET", url, None, body(url))
    assert asyncio.iscoroutine(begin)  # the guard awaits an async store
    p = await begin
    assert p.action["do"] == "sign"
    p = await g.resume(await g.resume(p, signed_for(p.action)), SETTLED)
    assert p.allowed
    assert await pay_async(g, url) == "replay-detected"
    st = RedisStore(redis_server.url, tenant=tenant)
    assert spend(st.load_versioned()[0]) == (CENT_ATTO, 0, 0)
    # The client over the same tenant: concurrent requests, one budget.
    s = Server(challenge=lambda req: (1, json.loads(body(str(req.url)))))  # the same payment as body()
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(), store=store,
                           policy=config(limit=0.05), replay_key=REPLAY_KEY)
    with pytest.raises(ReplayDetectedError):  # the guard above paid it: the replay set is shared
        await c.get(url)
    rs = await asyncio.gather(*(c.get(f"https://api.example.com/c/{i}") for i in range(6)), return_exceptions=True)
    assert sum(getattr(r, "status_code", 0) == 200 for r in rs) == 4
    assert all(isinstance(r, PolicyViolationError) for r in rs if not hasattr(r, "status_code"))
    assert spend(st.load_versioned()[0]) == (5 * CENT_ATTO, 0, 0)
    await c.aclose()
    await store.close()


async def test_async_store_through_sync_api_needs_await(redis_server, tenant):
    g = guard(AsyncRedisStore(redis_server.url, tenant=tenant))
    coro = g.begin("GET", "https://api.example.com/x", None, body("https://api.example.com/x"))
    p = await coro
    assert p.action["do"] == "sign"


# -- the file store across processes ------------------------------------------------------------
WORKER = textwrap.dedent("""
    import json, sys, asyncio
    sys.path.insert(0, sys.argv[3])
    from test_stores import guard, pay
    from presidio_x402.stores import FileStore
    g = guard(FileStore(sys.argv[1]), replica=sys.argv[2], limit=0.4, log=None)
    codes = [pay(g, f"https://api.example.com/{sys.argv[2]}/{i}") for i in range(30)]
    print(json.dumps(codes))
""")


def _env():
    env = dict(os.environ)
    env.setdefault("PRESIDIO_X402_CHAIN_KEY", "61" * 32)
    env.setdefault("PRESIDIO_X402_FINGERPRINT_KEY", "62" * 32)
    return env


def test_file_store_shared_by_two_processes(tmp_path):
    here = os.path.dirname(os.path.abspath(__file__))
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path / "fs"), f"p{i}", here],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()) for i in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_o, e) in zip(procs, outs, strict=False):
        assert p.returncode == 0, e.decode()[-2000:]
    codes = [c for o, _ in outs for c in json.loads(o)]
    assert codes.count(None) == 40 and set(codes) == {None, "policy-window-exceeded"}
    st = FileStore(tmp_path / "fs").load_versioned()[0]
    assert spend(st) == (40 * CENT_ATTO, 0, 0)
    assert not (tmp_path / "fs" / "lock").exists()


def test_file_store_kill_9_leaves_whole_files(tmp_path):
    d = tmp_path / "fs"
    src = textwrap.dedent(f"""
        import sys
        from presidio_x402.stores import FileStore
        s = FileStore({str(d)!r})
        print("ready", flush=True)
        while True:
            state, v = s.load_versioned()
            s.compare_and_set("x" * (1000 + int(v) % 5000), v)
            s.replay_check_and_set(v.rjust(64, "0"), 60000, 0)
    """)
    p = subprocess.Popen([sys.executable, "-c", src], stdout=subprocess.PIPE, env=_env())
    assert p.stdout.readline().strip() == b"ready"
    time.sleep(0.5)
    p.kill()
    p.wait()
    s = FileStore(d, lock_timeout=2)
    state, v = s.load_versioned()
    assert int(v) > 0 and set(state) == {"x"}
    assert s.compare_and_set("y", v)  # a lock left by the killed writer is broken
    assert s.replay_check_and_set("e" * 64, 1, 0)


def test_stale_lock_of_a_dead_pid_is_broken(tmp_path):
    s = FileStore(tmp_path, lock_timeout=1)
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()  # a dead pid
    (tmp_path / "lock").write_text(str(p.pid))
    t = time.monotonic()
    assert s.compare_and_set("a", "0")
    assert time.monotonic() - t < 0.5
    # A killed child nobody reaped yet (a zombie) is dead too.
    z = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    z.kill()
    time.sleep(0.2)
    (tmp_path / "lock").write_text(str(z.pid))
    assert s.compare_and_set("b", "1")
    z.wait()
    # A lock whose creator died before writing its pid, once it is old.
    (tmp_path / "lock").write_text("")
    old = time.time() - 10
    os.utime(tmp_path / "lock", (old, old))
    assert s.compare_and_set("c", "2")
    # Our own pid in a lock this process does not hold: a dead process that had our pid.
    (tmp_path / "lock").write_text(str(os.getpid()))
    assert s.compare_and_set("d", "3")


def test_live_lock_holder_refuses_after_the_timeout(tmp_path):
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "lock").write_text(str(live.pid))
        s = FileStore(tmp_path, lock_timeout=0.3)
        with pytest.raises(StoreError):
            s.compare_and_set("a", "0")
        assert _refused(guard(s)) == "store-unavailable"
    finally:
        live.kill()
        live.wait()


class HoleProxy:
    """A TCP proxy to Redis; ``hole()`` makes its open connections forward nothing more (a black
    hole: no FIN, no RST), as a dead NAT entry or a vanished peer does. New connections work."""

    def __init__(self, port):
        import socket

        self._socket = socket
        self.up_port = port
        self.srv = socket.create_server(("127.0.0.1", 0))
        self.port = self.srv.getsockname()[1]
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            k = {"holed": False, "socks": (c, self._socket.create_connection(("127.0.0.1", self.up_port)))}
            self.conns.append(k)
            for a, b in (k["socks"], k["socks"][::-1]):
                threading.Thread(target=self._pipe, args=(k, a, b), daemon=True).start()

    @staticmethod
    def _pipe(k, a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                if not k["holed"]:
                    b.sendall(data)
        except OSError:
            pass
        for s in k["socks"]:
            try:
                s.close()
            except OSError:
                pass

    def hole(self):
        for k in self.conns:
            k["holed"] = True

    def close(self):
        self.srv.close()
        for k in self.conns:
            for s in k["socks"]:
                s.close()


def test_a_black_holed_connection_is_dropped_at_its_timeout_sync_and_async(redis_server, tenant):
    """The Node store had to learn this (tests/shared-state/faults.test.mjs): a command that timed
    out drops its connection, so the next payment connects anew instead of timing out again."""
    for kind in ("sync", "async"):
        px = HoleProxy(redis_server.port)
        try:
            url = f"redis://127.0.0.1:{px.port}/0"
            t = f"{tenant}-{kind}"
            if kind == "sync":
                g = guard(RedisStore(url, tenant=t, timeout=0.3))
                run = lambda u, g=g: pay(g, u)  # noqa: E731
            else:
                g = guard(AsyncRedisStore(url, tenant=t, timeout=0.3))
                loop = asyncio.new_event_loop()
                run = lambda u, g=g, loop=loop: loop.run_until_complete(pay_async(g, u))  # noqa: E731
            assert run(f"https://api.example.com/hole/{kind}/0") is None
            px.hole()
            assert run(f"https://api.example.com/hole/{kind}/1") == "store-unavailable"
            assert run(f"https://api.example.com/hole/{kind}/2") is None, kind
            assert len(px.conns) >= 2, kind
            if kind == "async":
                loop.close()
        finally:
            px.close()


def test_file_store_cas_state_sets_the_fingerprint_under_its_lock(tmp_path):
    """The file store's ``cas_state`` is the Redis script's rule, under the directory's lock."""
    s = FileStore(tmp_path)
    assert s.cas_state("S1", "0", "f" * 64, 60_000, 10) == {"won": True, "fresh": True, "version": "1"}
    assert s.cas_state("S2", "1", "f" * 64, 60_000, 20) == {"won": False, "fresh": False}
    assert s.load_versioned() == ("S1", "1")
    assert s.cas_state("S3", "0", "e" * 64, 60_000, 20) == {"won": False, "state": "S1", "version": "1"}
    assert s.replay_check_and_set("e" * 64, 60_000, 30)  # the lost one set no fingerprint
    assert s.replay_check_and_set("f" * 64, 60_000, 60_011)  # expired
    assert s.cas_state("S4", "1") == {"won": True, "version": "2"}


def cas_head(seq, prev_seq, mac=MAC, replica="pod-a"):
    """A ``cas-state``'s ``save_head`` (the driver's wire)."""
    return {"replica": replica, "head": {"seq": seq, "mac": mac}, "prev_seq": prev_seq}


@pytest.fixture(params=["file", "redis", "async-redis"])
def head_store(request, tmp_path, redis_server, tenant):
    """A store with ``cas_head`` and ``run`` (its answers, awaited for the asyncio store)."""
    if request.param == "async-redis":
        loop = asyncio.new_event_loop()
        s = AsyncRedisStore(redis_server.url, tenant=tenant)
        yield s, lambda x: loop.run_until_complete(x)
        loop.run_until_complete(s.close())
        loop.close()
        return
    s = FileStore(tmp_path / "fs") if request.param == "file" else RedisStore(redis_server.url, tenant=tenant)
    yield s, lambda x: x
    s.close()


def test_cas_state_saves_the_head_with_the_state_or_writes_nothing(head_store):
    """``cas_state`` with a head (the driver's ``save_head``): the version, then the replica's stored
    seq, then the fingerprint are checked; a refusal writes nothing, a win writes all together."""
    s, run = head_store
    assert s.cas_head is True
    fresh = lambda fp, now: run(s.replay_check_and_set(fp, 60_000, now))  # noqa: E731
    # Won without a fingerprint: the state and the head, together.
    assert run(s.cas_state("S1", "0", head=cas_head(1, 0))) == {"won": True, "version": "1", "head_saved": True}
    assert run(s.load_versioned()) == ("S1", "1")
    assert run(s.load_head("pod-a")) == {"seq": 1, "mac": MAC}
    # The stored seq is not prev_seq (another writer of the replica): nothing written, the fingerprint
    # neither; checked before the fingerprint.
    assert run(s.cas_state("S2", "1", "e" * 64, 60_000, 10, cas_head(5, 0, "cd" * 32))) == \
        {"won": False, "head_saved": False}
    assert run(s.load_versioned()) == ("S1", "1") and run(s.load_head("pod-a")) == {"seq": 1, "mac": MAC}
    # Another version: the state as it stands, nothing written (checked before the head).
    assert run(s.cas_state("S3", "0", "d" * 64, 60_000, 10, cas_head(2, 0))) == \
        {"won": False, "state": "S1", "version": "1"}
    assert run(s.load_versioned()) == ("S1", "1") and run(s.load_head("pod-a")) == {"seq": 1, "mac": MAC}
    # Won with a fingerprint: the state, the head and the fingerprint, together.
    assert run(s.cas_state("S4", "1", "f" * 64, 60_000, 20, cas_head(3, 1, "cd" * 32))) == \
        {"won": True, "fresh": True, "version": "2", "head_saved": True}
    assert run(s.load_versioned()) == ("S4", "2") and run(s.load_head("pod-a")) == {"seq": 3, "mac": "cd" * 32}
    # A live fingerprint: nothing written (the head follows, the version is right).
    assert run(s.cas_state("S5", "2", "f" * 64, 60_000, 30, cas_head(4, 3))) == {"won": False, "fresh": False}
    assert run(s.load_versioned()) == ("S4", "2") and run(s.load_head("pod-a")) == {"seq": 3, "mac": "cd" * 32}
    # The refused steps set no fingerprint; the won one did; another replica's head is untouched.
    assert fresh("e" * 64, 40) and fresh("d" * 64, 40) and not fresh("f" * 64, 40)
    assert run(s.load_head("pod-b")) is None and run(s.load_heads()) == {"pod-a": {"seq": 3, "mac": "cd" * 32}}
    # A head is checked as save_head checks it (before any I/O): nothing written.
    for bad in (cas_head(5, 3, replica="pod a"), cas_head(5, 3, replica="x" * 65), cas_head(-1, 3),
                cas_head(True, 3), {"replica": "pod-a", "prev_seq": 3}, {**cas_head(5, 3), "prev_seq": None}, "x"):
        with pytest.raises(ValueError):
            run(s.cas_state("S6", "2", head=bad))
    assert run(s.load_versioned()) == ("S4", "2") and run(s.load_head("pod-a")) == {"seq": 3, "mac": "cd" * 32}


def test_cas_head_layouts(tmp_path, rstore, redis_server, tenant):
    """A head saved by ``cas_state`` is the usual head key or file, the fingerprint the usual replay key."""
    fs = FileStore(tmp_path)
    assert fs.cas_state("S", "0", "c" * 64, 5000, 100, cas_head(3, 0))["head_saved"] is True
    assert (tmp_path / "head-pod-a.json").read_bytes() == b'{"seq":3,"mac":"' + MAC.encode() + b'"}'
    assert json.loads((tmp_path / "replay.json").read_text()) == {"c" * 64: 5100}
    assert json.loads((tmp_path / "state.json").read_text()) == {"version": 1, "state": "S"}
    assert not (tmp_path / "lock").exists()
    r = redis_server.client(decode_responses=True)
    assert rstore.cas_state("S", "0", "c" * 64, 5000, 0, cas_head(3, 0))["head_saved"] is True
    assert r.hgetall(f"presidio_x402:{{{tenant}}}:state") == {"v": "1", "s": "S"}
    assert r.hgetall(f"presidio_x402:{{{tenant}}}:head:pod-a") == {"seq": "3", "mac": MAC}
    assert 0 < r.pttl(f"presidio_x402:{{{tenant}}}:replay:{'c' * 64}") <= 5000
    # Without a fingerprint the head script writes no replay key.
    assert rstore.cas_state("T", "1", head=cas_head(4, 3)) == {"won": True, "version": "2", "head_saved": True}
    assert sorted(r.keys(f"presidio_x402:{{{tenant}}}:*")) == sorted(
        [f"presidio_x402:{{{tenant}}}:state", f"presidio_x402:{{{tenant}}}:head:pod-a",
         f"presidio_x402:{{{tenant}}}:replay:{'c' * 64}"])


def test_cas_head_counts_the_0_4_0_fingerprint_on_one_redis(redis_server, rstore, tenant):
    """The head script, like ``cas_fp``, refuses a fingerprint 0.4.0 set (its key without the hash tag)."""
    redis_server.client().set(f"presidio_x402:{tenant}:replay:{'f' * 64}", "1", px=60_000)
    assert rstore.cas_state("S", "0", "f" * 64, 60_000, 0, cas_head(1, 0)) == {"won": False, "fresh": False}
    assert rstore.load_versioned() == (None, "0") and rstore.load_head("pod-a") is None


@pytest.mark.parametrize("answer,fingerprint,head", [
    ([3], None, False), ([3], "f" * 64, False), ([2], None, True), ([4], "f" * 64, True), ([True, "1"], None, True),
    ([1], None, True), ([1, "x"], None, True), ("1", None, True),
])
def test_malformed_cas_head_answers_raise(answer, fingerprint, head):
    """A script answer the call cannot have is a store error (``{3}`` only from the head script,
    ``{2}`` only with a fingerprint), never a refusal or a win."""
    from presidio_x402.stores import _RedisCommon

    with pytest.raises(StoreError):
        _RedisCommon._cas_answer(answer, fingerprint, head)
    assert _RedisCommon._cas_answer([3], None, True) == {"won": False, "head_saved": False}
    assert _RedisCommon._cas_answer([1, b"7"], "f" * 64, True) == \
        {"won": True, "version": "7", "fresh": True, "head_saved": True}


def test_a_cas_answer_is_a_snapshot_only_with_its_state():
    """A lost answer without its state is no snapshot (never taken for an empty store)."""
    from presidio_x402.guard import _cas_event

    assert _cas_event({"won": False, "version": "7"}) == {"on": "cas", "won": False}
    assert _cas_event({"won": False, "version": "0", "state": None}) == \
        {"on": "cas", "won": False, "state": None, "version": "0"}
    assert _cas_event({"won": True, "fresh": True, "version": "7", "state": "x"}) == \
        {"on": "cas", "won": True, "fresh": True, "version": "7"}
    with pytest.raises(StoreError):
        _cas_event({"won": "yes"})


# -- audit heads riding the compare-and-sets (the driver's cas_head profile) --------------------
class HeadSpy:
    """Wraps a store with ``cas_head``; records each ``cas_state``'s head and answer."""

    cas_head = True

    def __init__(self, inner):
        self.inner, self.shared, self.calls = inner, inner.shared, []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def cas_state(self, state, version, fingerprint=None, ttl_ms=0, now_ms=0, head=None):
        r = self.inner.cas_state(state, version, fingerprint, ttl_ms, now_ms, head=head)
        self.calls.append((head, r))
        return r


def test_profile_cas_head_only_for_stores_that_say_so(tmp_path, rstore, redis_server, tenant):
    """``cas_head`` is the store's class attribute ``cas_head is True`` with a ``cas_state``."""
    assert guard(rstore).profile["cas_head"] is True
    assert guard(FileStore(tmp_path)).profile["cas_head"] is True
    assert guard(AsyncRedisStore(redis_server.url, tenant=tenant)).profile["cas_head"] is True
    assert guard(MemoryStore()).profile["cas_head"] is False

    class Without(Spy):
        """A user store with ``cas_state`` that does not say ``cas_head``."""

        cas_head = False

    class Truthy(Spy):
        cas_head = 1

    class NoCas:
        shared, cas_head = True, True

        def __getattr__(self, name):
            if name == "cas_state":
                raise AttributeError(name)
            return getattr(rstore, name)

    for s in (Without(rstore), Truthy(rstore), NoCas()):
        assert guard(s).profile["cas_head"] is False, type(s).__name__


def test_a_head_for_a_store_without_cas_head_fails_closed(rstore):
    """A ``cas-state`` carrying ``save_head`` to a store without ``cas_head`` is a ``store-error``
    (the store is not called); to one with it, the head goes to ``cas_state`` as ``head``."""
    class NoHead(Spy):
        cas_head = False

    a = {"do": "cas-state", "state": "S", "version": "0", "save_head": cas_head(1, 0)}
    g = guard(NoHead(rstore))
    steps = g._batch(None, [a])
    with pytest.raises(StopIteration) as stop:
        next(steps)
    assert stop.value.value == ("events", [{"on": "store-error"}])
    assert rstore.load_versioned() == (None, "0")
    g = guard(rstore)
    g.clock = lambda: 1234
    steps = g._batch(None, [a])
    assert next(steps) == ("call", "cas_state", ("S", "0", None, 0, 1234), {"head": cas_head(1, 0)})
    with pytest.raises(StopIteration) as stop:
        steps.send({"won": True, "version": "1", "head_saved": True})
    assert stop.value.value == ("events", [{"on": "cas", "won": True, "version": "1", "head_saved": True}])
    steps = g._batch(None, [a])
    next(steps)
    with pytest.raises(StopIteration) as stop:
        steps.send({"won": True, "version": "1", "head_saved": "yes"})  # malformed
    assert stop.value.value == ("events", [{"on": "store-error"}])


def test_cas_event_passes_head_saved_as_a_bool():
    from presidio_x402.guard import _cas_event

    assert _cas_event({"won": True, "fresh": True, "version": "7", "head_saved": True}) == \
        {"on": "cas", "won": True, "fresh": True, "version": "7", "head_saved": True}
    assert _cas_event({"won": False, "head_saved": False}) == {"on": "cas", "won": False, "head_saved": False}
    for bad in ("yes", 1, 0, None, []):
        with pytest.raises(StoreError):
            _cas_event({"won": True, "version": "7", "head_saved": bad})


class HeadCounter(HeadSpy):
    """A :class:`HeadSpy` that also counts ``save_head`` (sync or asyncio store)."""

    def __init__(self, inner):
        super().__init__(inner)
        self.saves = 0

    def cas_state(self, state, version, fingerprint=None, ttl_ms=0, now_ms=0, head=None):
        r = self.inner.cas_state(state, version, fingerprint, ttl_ms, now_ms, head=head)
        if not inspect.isawaitable(r):
            self.calls.append((head, r))
            return r

        async def answer():
            out = await r
            self.calls.append((head, out))
            return out

        return answer()

    def save_head(self, replica, head, prev_seq):
        self.saves += 1
        return self.inner.save_head(replica, head, prev_seq)


def test_heads_ride_the_settlements_and_the_chain_verifies(head_store, tmp_path):
    """File, Redis and asyncio Redis stores with a file audit log: each settlement's compare-and-set
    carries the pre-sign line's head (no save_head while paying); the stored head trails the log by
    the settled line and the chain verifies against it; a refusal line after it gets a save_head; a
    guard started on a log ahead of its stored head saves it once."""
    from presidio_x402.audit_log import verify_dir
    from presidio_x402.stores import is_async_store

    s, run = head_store
    logs = tmp_path / "audit"
    logs.mkdir()

    def make():
        spy = HeadCounter(s)
        g = guard(spy, replica="pod-a", limit=1, log=logs / "pod-a.jsonl")
        assert g.profile["cas_head"] is True
        paying = (lambda u, a="10000": run(pay_async_amount(g, u, a))) if is_async_store(s) else \
            (lambda u, a="10000": pay_amount(g, u, a))
        return spy, paying, g

    def check(trailing):
        """The stored head trails the log by ``trailing`` lines, or by none once the guard's quiet
        flush ran (20 ms after the last payment: test_flush.py)."""
        lines = (logs / "pod-a.jsonl").read_text().splitlines()
        # One read of the heads for both checks: the flush may land between two reads.
        heads = run(s.load_heads())
        stored = heads["pod-a"]
        lag = 0 if stored == _line_head(lines[-1]) else trailing
        assert stored == _line_head(lines[-1 - lag])
        r = verify_dir(logs, AUDIT_KEY, heads=heads)
        assert r.ok and r.truncation_checked
        assert [(c.head_check, c.past_head) for c in r.chains] == [("ahead" if lag else "equal", lag)]
        return lines

    spy, paying, g = make()
    for i in range(4):
        assert paying(f"https://api.example.com/ride/{i}") is None
    carried = [(h, r) for h, r in spy.calls if h is not None]
    # Each settlement carries its pre-sign line's head; each later reservation carries the stored
    # head unchanged (the check that no other writer moved it).
    rides = [h for h, _ in carried if h["head"]["seq"] > h["prev_seq"]]
    checks = [h for h, _ in carried if h["head"]["seq"] == h["prev_seq"]]
    assert len(spy.calls) == 8 and (len(rides), len(checks)) == (4, 3), spy.calls
    assert spy.saves in (0, 1)  # 1: the quiet flush after the last payment
    assert all(r["won"] is True and r["head_saved"] is True for _, r in carried)
    assert all(h["replica"] == "pod-a" for h, _ in carried)
    check(trailing=1)
    # A refusal (over the $1 per-call limit) writes no state: its line's head gets a save_head (or,
    # when the quiet flush saved the settled line's, it is the one unsaved line: its done says so).
    before = spy.saves
    assert paying("https://api.example.com/ride/big", "2000000") == "policy-per-call-exceeded"
    assert spy.saves - before in (0, 1)
    check(trailing=0 if spy.saves > before else 1)
    assert paying("https://api.example.com/ride/after") is None
    g._stop_flushing()  # a process killed (before or after its quiet flush)
    lines = check(trailing=1)
    ahead = run(s.load_head("pod-a")) != _line_head(lines[-1])
    # Restarted on the same log: a start-up on a log ahead of its stored head saves it, and then its
    # first payment's pre-sign line saves its own (its reservation could not check a save not known
    # performed); after a flush there is nothing to catch up.
    spy, paying, g = make()
    assert paying("https://api.example.com/ride/restarted") is None
    assert spy.saves in ((2, 3) if ahead else (0, 1))  # +1: the quiet flush after it
    check(trailing=1)
