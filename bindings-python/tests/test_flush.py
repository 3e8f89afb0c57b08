"""A guard whose heads ride the compare-and-sets saves the head its last payment left unsaved once it
is quiet (the core's ``unsaved_head_ms``) and at ``close()`` / ``aclose()``, so that cutting the log's
last line is caught (docs/STORES.md, "Flushing the head"; THREATS: deleting the last line is detected).
Real FileStore and Redis; sleeps only let the timer fire (the state is polled, never timed)."""

import json
import time
import uuid

import pytest
from test_stores import SETTLED, Spy, body, guard, pay, pay_async, signed_for

from presidio_x402.audit_log import verify_dir
from presidio_x402.stores import AsyncRedisStore, FileStore, RedisStore


@pytest.fixture
def tenant():
    return "flush" + uuid.uuid4().hex[:12]


class Saves(Spy):
    """A ``cas_head`` store that records its plain ``save_head`` calls."""

    cas_head = True

    def __init__(self, inner):
        super().__init__(inner)
        self.saves = []

    def save_head(self, replica, head, prev_seq):
        self.saves.append((head["seq"], prev_seq))
        return self.inner.save_head(replica, head, prev_seq)


def _stored(store, replica="-"):
    h = store.load_head(replica)
    return 0 if h is None else h["seq"]


def _until(read, want, timeout=2.0):
    end = time.monotonic() + timeout
    while read() != want and time.monotonic() < end:
        time.sleep(0.01)
    return read()


def _last_seq(log):
    return json.loads(log.read_text().splitlines()[-1])["seq"]


def test_a_quiet_guard_saves_the_head_once_never_during_a_burst_nor_while_a_payment_waits(tmp_path):
    inner = FileStore(tmp_path / "state")
    store = Saves(inner)
    log = tmp_path / "a.jsonl"
    g = guard(store, log=log)
    assert g.profile["cas_head"] is True
    for i in range(5):  # back to back: heads ride, no save of their own
        assert pay(g, f"https://api.example.com/burst/{i}") is None
    assert (_last_seq(log), store.saves) == (10, [])
    assert _stored(inner) in (9, 10)  # 10 only if the quiet flush already ran
    assert _until(lambda: _stored(inner), 10) == 10
    assert store.saves == [(10, 9)]
    # A payment stopped at `sign` is in flight: nothing is flushed while it waits. Its reservation
    # could not check the flushed head (that save was not known performed): its pre-sign line saved its
    # own head before signing instead.
    url = "https://api.example.com/waits"
    p = g.begin("GET", url, None, body(url))
    assert p.action["do"] == "sign"
    time.sleep(0.1)
    assert store.saves == [(10, 9), (11, 10)]
    p = g.resume(g.resume(p, signed_for(p.action)), SETTLED)
    assert p.allowed and p.action["unsaved_head_ms"] == 20  # the core says how long to wait
    g.close()  # at once, not after the timer
    assert (_stored(inner), store.saves) == (12, [(10, 9), (11, 10), (12, 11)])
    g.close()  # idempotent
    r = verify_dir(tmp_path, "22" * 32, store=inner)
    assert r.ok and [(c.head_check, c.past_head) for c in r.chains] == [("equal", 0)]


def test_close_saves_the_head_and_a_cut_last_line_is_caught(tmp_path):
    inner = FileStore(tmp_path / "state")
    log = tmp_path / "pod.jsonl"
    g = guard(inner, replica="pod", log=log)
    assert pay(g, "https://api.example.com/one") is None
    g.close()
    assert _stored(inner, "pod") == _last_seq(log) == 2
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[:-1]))
    r = verify_dir(tmp_path, "22" * 32, store=inner)
    assert not r.ok and (r.chains[0].code, r.chains[0].line) == ("audit-truncated", 2)


def test_redis_guard_flushes_when_quiet(tmp_path, redis_server, tenant):
    store = RedisStore(redis_server.url, tenant=tenant)
    g = guard(store, replica="r", log=tmp_path / "r.jsonl")
    try:
        assert pay(g, "https://api.example.com/redis") is None
        assert _until(lambda: _stored(store, "r"), 2) == 2
    finally:
        g.close()
        store.close()


async def test_async_redis_guard_aclose_saves_the_head(tmp_path, redis_server, tenant):
    store = AsyncRedisStore(redis_server.url, tenant=tenant)
    g = guard(store, replica="r", log=tmp_path / "r.jsonl")
    try:
        for i in range(3):
            assert await pay_async(g, f"https://api.example.com/async/{i}") is None
        await g.aclose()
    finally:
        await store.close()
    sync = RedisStore(redis_server.url, tenant=tenant)
    try:
        assert _stored(sync, "r") == 6 == _last_seq(tmp_path / "r.jsonl")
    finally:
        sync.close()


async def test_async_redis_guard_flushes_when_quiet(tmp_path, redis_server, tenant):
    import asyncio

    store = AsyncRedisStore(redis_server.url, tenant=tenant)
    sync = RedisStore(redis_server.url, tenant=tenant)
    g = guard(store, replica="q", log=tmp_path / "q.jsonl")
    try:
        assert await pay_async(g, "https://api.example.com/async-quiet") is None
        for _ in range(200):
            if _stored(sync, "q") == 2:
                break
            await asyncio.sleep(0.01)
        assert _stored(sync, "q") == 2
    finally:
        await g.aclose()
        await store.close()
        sync.close()
