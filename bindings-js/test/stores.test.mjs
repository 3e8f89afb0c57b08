// Shared stores (docs/STORES.md) through the PACKED package: RedisStore on a
// real redis-server (started here on a free 127.0.0.1 port; the test fails if
// redis-server is missing), FileStore shared by two processes, lock breaking,
// per-replica audit chains and verifyAuditDir.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, readdirSync, copyFileSync, existsSync, utimesSync, mkdirSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, SETTLED, payThrough, payloadFor } from "./helpers.mjs";
import { challenge, STORE_CONFIG, startRedis, freePort, payer, sleep } from "./store-helpers.mjs";

let redis; // {url, port, stop}
let admin; // an ioredis client for inspecting and corrupting keys
const opened = [];
let tenantN = 0;
const tenant = () => `t${process.pid}-${++tenantN}`;

before(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});
after(async () => {
  for (const g of opened) await g.close().catch(() => {});
  admin?.disconnect();
  await redis?.stop();
});

const tmp = (name) => mkdtempSync(join(tmpdir(), `px402-${name}-`));

async function guard(store, config = {}, opts = {}) {
  const g = await x.PaymentGuard.create({ config: { ...STORE_CONFIG, ...config }, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, store, warn: () => {}, ...opts });
  opened.push(g);
  return g;
}

/** One payment through the guard (signed, then a settled 200); returns its verdict (or the thrown error's code). */
async function pay(g, path, nowMs) {
  try {
    const done = await payThrough(g, challenge(path), { nowMs });
    return { allowed: done.allowed, code: done.code };
  } catch (e) {
    return { allowed: false, code: e.code ?? String(e), thrown: true };
  }
}

/** A store wrapper that slows loads (so two guards read the same version) and counts CAS conflicts. */
function contended(store, stats) {
  return {
    shared: true,
    loadVersioned: async () => { const r = await store.loadVersioned(); await sleep(3 + Math.random() * 5); return r; },
    compareAndSet: async (s, v) => { const ok = await store.compareAndSet(s, v); if (!ok) stats.conflicts++; else stats.commits++; return ok; },
    checkAndSet: (...a) => store.checkAndSet(...a),
    forget: (f) => store.forget(f),
    loadHead: (r) => store.loadHead(r),
    saveHead: (...a) => store.saveHead(...a),
    close: () => store.close(),
  };
}

// ---- RedisStore ------------------------------------------------------------------
test("RedisStore: the key layout and scripts of docs/STORES.md (state CAS, replay SET NX PX, head CAS)", async () => {
  const t = tenant();
  const s = new x.RedisStore({ url: redis.url, tenant: t });
  try {
    assert.equal(s.shared, true);
    assert.deepEqual(await s.loadVersioned(), { state: null, version: "0" });
    assert.equal(await s.compareAndSet("S1", "0"), true);
    assert.equal(await s.compareAndSet("S2", "0"), false, "a stale version is refused");
    assert.deepEqual(await s.loadVersioned(), { state: "S1", version: "1" });
    assert.deepEqual(await admin.hgetall(`presidio_x402:{${t}}:state`), { v: "1", s: "S1" });

    assert.equal(await s.checkAndSet("fp1", 60_000, Date.now()), true);
    assert.equal(await s.checkAndSet("fp1", 60_000, Date.now()), false);
    assert.equal(await admin.get(`presidio_x402:{${t}}:replay:fp1`), "1");
    const pttl = await admin.pttl(`presidio_x402:{${t}}:replay:fp1`);
    assert.ok(pttl > 50_000 && pttl <= 60_000, String(pttl));
    await s.forget("fp1");
    assert.equal(await s.checkAndSet("fp1", 60_000, Date.now()), true);

    const h1 = { seq: 1, mac: "a".repeat(64) };
    const h2 = { seq: 2, mac: "b".repeat(64) };
    assert.equal(await s.loadHead("pod-a"), null);
    assert.equal(await s.saveHead("pod-a", h1, 0), true);
    assert.equal(await s.saveHead("pod-a", h2, 0), false, "a second writer of one replica is refused");
    assert.equal(await s.saveHead("pod-a", h2, 1), true);
    assert.deepEqual(await s.loadHead("pod-a"), h2);
    assert.deepEqual(await admin.hgetall(`presidio_x402:{${t}}:head:pod-a`), { seq: "2", mac: "b".repeat(64) });
    assert.equal(await s.saveHead("-", h1, 0), true);
    assert.deepEqual(await admin.hgetall(`presidio_x402:{${t}}:head:-`), { seq: "1", mac: "a".repeat(64) });
  } finally {
    await s.close();
  }
});

test("RedisStore: 0.4.0's keys (no hash tag) are still read: the state goes on from its version, heads and fingerprints count", async () => {
  const t = tenant();
  await admin.hset(`presidio_x402:${t}:state`, "v", "7", "s", "OLD");
  await admin.hset(`presidio_x402:${t}:head:pod-a`, "seq", "3", "mac", "c".repeat(64));
  await admin.set(`presidio_x402:${t}:replay:fp-old`, "1", "PX", 60_000);
  const s = new x.RedisStore({ url: redis.url, tenant: t });
  try {
    assert.deepEqual(await s.loadVersioned(), { state: "OLD", version: "7" });
    assert.deepEqual(await admin.hgetall(`presidio_x402:{${t}}:state`), { v: "7", s: "OLD" }, "copied once under the new key");
    assert.equal(await s.compareAndSet("NEW", "7"), true);
    assert.equal(await admin.hget(`presidio_x402:${t}:state`, "s"), "OLD", "0.4.0's key is never written");
    assert.deepEqual(await s.loadHead("pod-a"), { seq: 3, mac: "c".repeat(64) });
    assert.equal(await s.saveHead("pod-a", { seq: 4, mac: "d".repeat(64) }, 3), true);
    assert.deepEqual(await s.loadHeads(), { "pod-a": { seq: 4, mac: "d".repeat(64) } });
    assert.equal(await s.checkAndSet("fp-old", 60_000, Date.now()), false, "a fingerprint 0.4.0 set still counts");
    assert.equal(await s.checkAndSet("fp-new", 60_000, Date.now()), true);
  } finally {
    await s.close();
  }
});

/** A Redis client that records the commands the store sends (each one a round trip). */
function countedClient(calls) {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const counted = new Proxy(client, {
    get(c, k) {
      const v = c[k];
      if (typeof v !== "function") return v;
      if (["hmget", "evalsha", "eval", "set", "del", "scan"].includes(k)) return (...a) => { calls.push(k); return v.apply(c, a); };
      return v.bind(c);
    },
  });
  return { client, counted };
}

test("RedisStore: a payment takes 2 Redis round trips, with an audit file log too (was 4; 0.4.0: 8); 4 with a log that cannot read its head back", async () => {
  for (const audit of ["none", "file", "callback"]) {
    const t = tenant();
    const calls = [];
    const { client, counted } = countedClient(calls);
    const lines = [];
    const dir = tmp("rt-audit");
    const sink = audit === "file" ? new x.FileAuditSink(join(dir, "rt.jsonl")) : audit === "callback" ? (l) => lines.push(l) : undefined;
    const store = new x.RedisStore({ client: counted, tenant: t });
    const g = await guard(store, { daily_limit_usd: "1" }, sink ? { audit: sink } : {});
    try {
      assert.equal((await pay(g, "rt-warm")).allowed, true);
      calls.length = 0;
      for (let i = 0; i < 10; i++) assert.equal((await pay(g, `rt-${i}`)).allowed, true);
      // Per payment: the reservation's compare-and-set (setting the fingerprint in the same script) and the
      // settlement's, each on the state the store answered last: no load. With a file log, the pre-sign line's
      // head rides with the settlement's compare-and-set (the cas_head script). A log that does not read its
      // head back (a callback) keeps a head save after each of its two lines.
      assert.equal(calls.length, audit === "callback" ? 40 : 20, `${audit}: ${calls.join(" ")}`);
      assert.equal(calls.filter((c) => c === "hmget").length, 0, calls.join(" "));
      if (audit === "callback") assert.equal(lines.length, 22);
      if (audit === "file") {
        await g.close();
        opened.splice(opened.indexOf(g), 1);
        // Closing saved the last settled line's head: the log ends at its stored head.
        const heads = new x.RedisStore({ url: redis.url, tenant: t });
        const report = await x.verifyAuditDir(dir, AUDIT_KEY, { store: heads }).finally(() => heads.close());
        assert.equal(report.ok, true, JSON.stringify(report));
        assert.equal(report.truncation_checked, true, JSON.stringify(report));
        const [c] = report.chains;
        assert.equal(c.head.seq, 22, JSON.stringify(c));
        assert.deepEqual([c.head_check, c.past_head], ["equal", 0], JSON.stringify(c));
      }
    } finally {
      client.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("RedisStore: casState sets the fingerprint with the state in one script; a live one writes nothing; a lost one answers the state", async () => {
  const t = tenant();
  const s = new x.RedisStore({ url: redis.url, tenant: t });
  try {
    const fp = (f) => ({ fingerprint: f, ttlMs: 60_000, nowMs: Date.now() });
    assert.deepEqual(await s.casState("S1", "0", fp("f1")), { won: true, fresh: true, version: "1" });
    assert.equal(await admin.get(`presidio_x402:{${t}}:replay:f1`), "1");
    assert.ok((await admin.pttl(`presidio_x402:{${t}}:replay:f1`)) > 50_000);
    assert.deepEqual(await s.casState("S2", "1", fp("f1")), { won: false, fresh: false }, "a live fingerprint");
    assert.deepEqual(await admin.hgetall(`presidio_x402:{${t}}:state`), { v: "1", s: "S1" }, "nothing written");
    assert.deepEqual(await s.casState("S3", "0", fp("f2")), { won: false, state: "S1", version: "1" }, "another version");
    assert.equal(await admin.exists(`presidio_x402:{${t}}:replay:f2`), 0, "the fingerprint of a lost compare-and-set is not set");
    assert.deepEqual(await s.casState("S4", "1", null), { won: true, version: "2" });
    await admin.del(`presidio_x402:{${t}}:state`);
    assert.deepEqual(await s.casState("S5", "9", null), { won: false, state: null, version: "0" }, "an empty store");
  } finally {
    await s.close();
  }
});

/**
 * The contract of casState with an audit head (docs/STORES.md, the driver's `cas-state` with `save_head`),
 * the same for every store: `look()` reads what the store holds, straight from Redis or the files:
 * {state, version, head (of replica "pod-h"), fps (the live fingerprints among f1..f3)}.
 */
async function casHeadContract(s, look) {
  // Macs that look like macs (a run of one digit could match a test's key in the secret sentinel's scan).
  const h = (seq, c) => ({ seq, mac: createHash("sha256").update(c).digest("hex") });
  const head = (seq, c, prevSeq) => ({ replica: "pod-h", head: h(seq, c), prevSeq });
  const fp = (f) => ({ fingerprint: f, ttlMs: 60_000, nowMs: Date.now() });
  assert.equal(s.casHead, true);
  // Won: the state, the head and the fingerprint written together.
  assert.deepEqual(await s.casState("S1", "0", fp("f1"), head(1, "a", 0)), { won: true, fresh: true, headSaved: true, version: "1" });
  assert.deepEqual(await look(), { state: "S1", version: "1", head: h(1, "a"), fps: ["f1"] });
  // Won without a fingerprint: the state and the head.
  assert.deepEqual(await s.casState("S2", "1", null, head(2, "b", 1)), { won: true, headSaved: true, version: "2" });
  assert.deepEqual(await look(), { state: "S2", version: "2", head: h(2, "b"), fps: ["f1"] });
  // The head refused (the stored seq is 2, not 1): nothing written, the fingerprint not set.
  assert.deepEqual(await s.casState("S3", "2", fp("f2"), head(3, "c", 1)), { won: false, headSaved: false });
  assert.deepEqual(await s.casState("S3", "2", null, head(3, "c", 3)), { won: false, headSaved: false });
  assert.deepEqual(await s.casState("S3", "2", null, { replica: "pod-other", head: h(1, "c"), prevSeq: 2 }), { won: false, headSaved: false },
    "another replica's head is its own (absent: seq 0)");
  assert.deepEqual(await look(), { state: "S2", version: "2", head: h(2, "b"), fps: ["f1"] });
  // Another version (checked first, even with a wrong head): the state as it stands, nothing written.
  assert.deepEqual(await s.casState("S4", "1", fp("f3"), head(3, "d", 2)), { won: false, state: "S2", version: "2" });
  assert.deepEqual(await s.casState("S4", "1", null, head(3, "d", 0)), { won: false, state: "S2", version: "2" });
  assert.deepEqual(await look(), { state: "S2", version: "2", head: h(2, "b"), fps: ["f1"] });
  // A live fingerprint (checked after the head): nothing written, the head not saved.
  assert.deepEqual(await s.casState("S5", "2", fp("f1"), head(3, "e", 2)), { won: false, fresh: false });
  assert.deepEqual(await look(), { state: "S2", version: "2", head: h(2, "b"), fps: ["f1"] });
  // A wrong head seq with a live fingerprint: the head's answer (the order of the checks).
  assert.deepEqual(await s.casState("S5", "2", fp("f1"), head(3, "e", 0)), { won: false, headSaved: false });
  // Heads, replicas and prevSeqs that are not are refused before anything is written.
  for (const bad of [{ replica: "a b", head: h(3, "f"), prevSeq: 2 }, { replica: "pod-h", head: { seq: 3, mac: h(3, "f").mac.toUpperCase() }, prevSeq: 2 },
    { replica: "pod-h", head: { seq: -1, mac: h(3, "f").mac }, prevSeq: 2 }, { replica: "pod-h", head: h(3, "f"), prevSeq: 1.5 }]) {
    await assert.rejects(s.casState("S6", "2", null, bad), JSON.stringify(bad));
  }
  assert.deepEqual(await look(), { state: "S2", version: "2", head: h(2, "b"), fps: ["f1"] });
  // The same head saved with the next compare-and-set goes on from the stored seq; loadHead reads it.
  assert.deepEqual(await s.casState("S7", "2", fp("f3"), head(3, "f", 2)), { won: true, fresh: true, headSaved: true, version: "3" });
  assert.deepEqual(await look(), { state: "S7", version: "3", head: h(3, "f"), fps: ["f1", "f3"] });
  assert.deepEqual(await s.loadHead("pod-h"), h(3, "f"));
  assert.equal(await s.saveHead("pod-h", h(4, "0"), 2), false, "a plain save-head sees the head the compare-and-set stored");
  // Without a head: the scripts and answers of before (no headSaved).
  assert.deepEqual(await s.casState("S8", "3", null), { won: true, version: "4" });
  assert.deepEqual(await s.casState("S9", "4", null, null), { won: true, version: "5" });
}

test("RedisStore: casState with a head (the cas_head script) writes state, head and fingerprint together, or nothing", async () => {
  const t = tenant();
  const s = new x.RedisStore({ url: redis.url, tenant: t });
  const k = (...p) => [`presidio_x402:{${t}}`, ...p].join(":");
  const look = async () => {
    const st = await admin.hgetall(k("state"));
    const hd = await admin.hgetall(k("head", "pod-h"));
    const fps = [];
    for (const f of ["f1", "f2", "f3"]) if (await admin.exists(k("replay", f))) fps.push(f);
    assert.equal(await admin.exists(k("head", "pod-other")), 0);
    return { state: st.s, version: st.v, head: { seq: Number(hd.seq), mac: hd.mac }, fps };
  };
  try {
    await casHeadContract(s, look);
    const pttl = await admin.pttl(k("replay", "f3"));
    assert.ok(pttl > 50_000 && pttl <= 60_000, `the fingerprint's TTL is the core's: ${pttl}`);
  } finally {
    await s.close();
  }
  // Through a counted client: one script (one round trip) for the whole step, the core's cas_head.
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const sent = [];
  const counted = new Proxy(client, {
    get(c, key) {
      const v = c[key];
      if (typeof v !== "function") return v;
      if (["hmget", "evalsha", "eval", "set", "del", "scan"].includes(key)) return (...a) => { sent.push([key, ...a]); return v.apply(c, a); };
      return v.bind(c);
    },
  });
  try {
    const s2 = new x.RedisStore({ client: counted, tenant: tenant() });
    const mac = createHash("sha256").update("g1").digest("hex");
    const r = await s2.casState("S", "0", { fingerprint: "g1", ttlMs: 1000, nowMs: Date.now() }, { replica: "r", head: { seq: 1, mac }, prevSeq: 0 });
    assert.deepEqual(r, { won: true, fresh: true, headSaved: true, version: "1" });
    // EVALSHA (the script is cached by Redis), or EVALSHA then EVAL on a Redis that lacks it.
    const cmds = sent.map(([c]) => c);
    assert.ok(cmds.join(" ") === "evalsha" || cmds.join(" ") === "evalsha eval", cmds.join(" "));
    const [, , nKeys, ...rest] = sent.at(-1);
    const keys = rest.slice(0, nKeys);
    const tk = (...p) => [`presidio_x402:{${s2.tenant}}`, ...p].join(":");
    assert.deepEqual(keys, [tk("state"), tk("head", "r"), tk("replay", "g1"), `presidio_x402:${s2.tenant}:replay:g1`],
      "the state hash, the head hash, the replay key (one hash slot) and 0.4.0's replay key");
    assert.deepEqual(rest.slice(nKeys), ["0", "S", "0", "1", mac, "1000"]);
  } finally {
    client.disconnect();
  }
});

test("RedisStore: two guards on one tenant interleave; conflicts are retried and the limit holds exactly", async () => {
  const t = tenant();
  const stats = { conflicts: 0, commits: 0 };
  const a = await guard(contended(new x.RedisStore({ url: redis.url, tenant: t }), stats), { replica_id: "pod-a" });
  const b = await guard(contended(new x.RedisStore({ url: redis.url, tenant: t }), stats), { replica_id: "pod-b" });
  const runs = [];
  for (let i = 0; i < 6; i++) runs.push(pay(a, `a-${i}`), pay(b, `b-${i}`));
  const results = await Promise.all(runs);
  const allowed = results.filter((r) => r.allowed).length;
  assert.equal(allowed, 5, JSON.stringify(results)); // 0.05 USD / 0.01 USD
  assert.ok(results.filter((r) => !r.allowed).every((r) => r.code === "policy-window-exceeded"), JSON.stringify(results));
  assert.ok(stats.conflicts > 0, `the interleaving produced compare-and-set conflicts (${JSON.stringify(stats)})`);
  // A third process sees the spend of both.
  const c = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-c" });
  assert.deepEqual(await pay(c, "c-0"), { allowed: false, code: "policy-window-exceeded" });
});

test("RedisStore: concurrent payments of two guards with audit file logs: heads ride one at a time, every chain verifies against its stored head", async () => {
  const t = tenant();
  const dir = tmp("ride-concurrent");
  try {
    const guards = [];
    for (const replica of ["pod-a", "pod-b"]) {
      guards.push(await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: replica, daily_limit_usd: "1" },
        { audit: new x.FileAuditSink(join(dir, `${replica}.jsonl`)) }));
    }
    // 12 payments in flight per guard (one guard's payments share its chain and its one riding head).
    const results = await Promise.all(guards.flatMap((g, i) => Array.from({ length: 12 }, (_, k) => pay(g, `conc-${i}-${k}`))));
    assert.ok(results.every((r) => r.allowed), JSON.stringify(results));
    for (const g of guards) {
      await g.close();
      opened.splice(opened.indexOf(g), 1);
    }
    const heads = new x.RedisStore({ url: redis.url, tenant: t });
    const r = await x.verifyAuditDir(dir, AUDIT_KEY, { store: heads }).finally(() => heads.close());
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.truncation_checked, true);
    for (const c of r.chains) {
      assert.equal(c.head.seq, 24, JSON.stringify(c));
      // Closing flushed the head: the log ends at its stored head.
      assert.deepEqual([c.head_check, c.past_head], ["equal", 0], JSON.stringify(c));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("RedisStore: the same payment through two guards on one tenant is allowed exactly once (SET NX)", async () => {
  const t = tenant();
  const a = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-a" });
  const b = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-b" });
  for (let round = 0; round < 3; round++) {
    const ctx = challenge(`same-${round}`);
    const [pa, pb] = await Promise.all([a.begin(ctx), b.begin(ctx)]);
    assert.equal([pa, pb].filter((p) => p.action.do === "sign").length, 1, JSON.stringify([pa.action.code, pb.action.code]));
    assert.equal([pa, pb].find((p) => p.action.do === "done").action.code, "replay-detected");
    const [g, p] = pa.action.do === "sign" ? [a, pa] : [b, pb];
    const sent = await g.resume(p, { on: "signed", payload: payloadFor(p.action) });
    assert.equal((await g.resume(sent, { on: "response", status: 200, settlement: SETTLED })).action.allowed, true);
  }
});

test("a shared store without casState: the driver stores the reservation, then sets the fingerprint; a replay is refused once", async () => {
  const t = tenant();
  const inner = new x.RedisStore({ url: redis.url, tenant: t });
  const calls = [];
  // The base protocol only (no casState): the profile says cas_fingerprint false.
  const plain = {
    shared: true,
    loadVersioned: () => { calls.push("loadVersioned"); return inner.loadVersioned(); },
    compareAndSet: (s, v) => { calls.push("compareAndSet"); return inner.compareAndSet(s, v); },
    checkAndSet: (...a) => { calls.push("checkAndSet"); return inner.checkAndSet(...a); },
    forget: (f) => inner.forget(f),
    loadHead: (r) => inner.loadHead(r),
    saveHead: (...a) => inner.saveHead(...a),
    close: () => inner.close(),
  };
  // Room for two payments: the second fits only if the replays' reservations were released.
  const a = await guard(plain, { replica_id: "pod-a", daily_limit_usd: "0.02" });
  const b = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-b", daily_limit_usd: "0.02" });
  assert.deepEqual(await pay(a, "plain-1"), { allowed: true, code: null });
  assert.ok(calls.indexOf("compareAndSet") < calls.indexOf("checkAndSet"), calls.join(" "));
  // The same payment again, through this guard and through a casState guard on the same tenant.
  assert.equal((await pay(a, "plain-1")).code, "replay-detected");
  assert.equal((await pay(b, "plain-1")).code, "replay-detected");
  assert.deepEqual(await pay(b, "plain-2"), { allowed: true, code: null });
  assert.equal((await pay(b, "plain-3")).code, "policy-window-exceeded");
});

test("RedisStore: tenants and prefixes are separate budgets; bad names are refused", async () => {
  const t1 = tenant();
  const t2 = tenant();
  const g1 = await guard(new x.RedisStore({ url: redis.url, tenant: t1 }));
  for (let i = 0; i < 5; i++) assert.equal((await pay(g1, `iso-${i}`)).allowed, true);
  assert.equal((await pay(g1, "iso-5")).code, "policy-window-exceeded");
  const g2 = await guard(new x.RedisStore({ url: redis.url, tenant: t2 }));
  assert.equal((await pay(g2, "iso-0")).allowed, true, "another tenant has its own budget and replay set");
  const g3 = await guard(new x.RedisStore({ url: redis.url, tenant: t1, prefix: "other_app" }));
  assert.equal((await pay(g3, "iso-0")).allowed, true, "another prefix is another application");
  assert.equal(await admin.exists(`presidio_x402:{${t1}}:state`, `presidio_x402:{${t2}}:state`, `other_app:{${t1}}:state`), 3);
  for (const bad of [{ tenant: "a:b" }, { tenant: "a b" }, { prefix: "p:q" }, { prefix: "" }, { tenant: "tab\t" }]) {
    assert.throws(() => new x.RedisStore({ url: redis.url, ...bad }), TypeError, JSON.stringify(bad));
  }
});

test("RedisStore: a second process claiming the same replica id is refused (head compare-and-set)", async () => {
  const t = tenant();
  const lines = { a: [], b: [] };
  const a = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-x" }, { audit: (l) => lines.a.push(l) });
  const b = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { replica_id: "pod-x" }, { audit: (l) => lines.b.push(l) });
  assert.equal((await pay(a, "dup-a0")).allowed, true);
  const rb = await b.check(challenge("dup-b0")).then(() => null, (e) => e);
  assert.ok(rb instanceof x.X402GuardError && rb.code === "store-unavailable", String(rb));
  assert.equal((await pay(a, "dup-a1")).allowed, true, "the replica's owner goes on");
  assert.equal(a.replica, "pod-x");
});

test("RedisStore: an unreachable Redis is store-unavailable at once and nothing is paid", async () => {
  const port = await freePort(); // closed
  const url = `redis://:s3cret-pass@127.0.0.1:${port}`;
  const t0 = Date.now();
  // With an audit log the driver's start-up reads the replica's head: the guard cannot start.
  const s1 = new x.RedisStore({ url, timeoutMs: 500 });
  await assert.rejects(x.PaymentGuard.create({ store: s1, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: () => {}, warn: () => {} }),
    (e) => e instanceof x.X402GuardError && e.code === "store-unavailable" && !e.message.includes("s3cret"));
  // Without one, nothing is read at start-up: the first payment is refused before signing.
  const calls = [];
  const s2 = new x.RedisStore({ url, timeoutMs: 500 });
  const { body } = challenge("unreachable");
  const f = await x.createHardenedFetch({ store: s2, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {},
    fetch: async () => new Response(body, { status: 402 }), signer: async (r) => { calls.push(r); return {}; } });
  await assert.rejects(f("https://api.example.com/unreachable"), (e) => e instanceof x.X402PaymentError && e.code === "store-unavailable" && !e.message.includes("s3cret"));
  // Every later step fails fast too (no queue, no hang).
  await assert.rejects(s1.loadVersioned());
  await assert.rejects(s1.checkAndSet("fp", 1000, Date.now()));
  assert.ok(Date.now() - t0 < 3000, `failed fast (${Date.now() - t0} ms)`);
  assert.equal(calls.length, 0);
  await s1.close();
  await s2.close();
});

test("RedisStore: a Redis that stops answering mid-run times out to store-unavailable; the payment is not allowed", async () => {
  const t = tenant();
  const lines = [];
  const g = await guard(new x.RedisStore({ url: redis.url, tenant: t, timeoutMs: 300 }), {}, { audit: (l) => lines.push(l) });
  assert.equal((await pay(g, "pause-0")).allowed, true);
  const before = lines.length;
  await admin.call("CLIENT", "PAUSE", "1500", "ALL");
  const t0 = Date.now();
  const r = await g.check(challenge("pause-1")).then((v) => v, (e) => e);
  assert.ok(r instanceof x.X402GuardError && r.code === "store-unavailable", String(r?.code ?? r?.allowed));
  assert.ok(Date.now() - t0 < 1400, `timed out (${Date.now() - t0} ms)`);
  assert.equal(lines.length, before, "no audit line for a step that never counted");
  await sleep(1600);
  assert.equal((await pay(g, "pause-2")).allowed, true, "works again once Redis answers");
});

test("RedisStore: a connection that went dead without a FIN or RST (a black hole) is dropped at its timeout; the next payment connects anew", async () => {
  // Found by the fault test (tests/shared-state/faults.test.mjs): ioredis keeps a connection whose
  // command timed out, so every later command of that guard timed out too, for as long as TCP
  // took to give up.
  const { createServer, connect } = await import("node:net");
  const conns = [];
  const proxy = createServer((c) => {
    const k = { holed: false, c, up: connect(redis.port, "127.0.0.1") };
    conns.push(k);
    c.on("data", (d) => k.holed || k.up.write(d));
    k.up.on("data", (d) => k.holed || c.write(d));
    for (const [a, b] of [[c, k.up], [k.up, c]]) {
      a.on("error", () => {});
      a.on("close", () => b.destroy());
    }
  });
  await new Promise((r) => proxy.listen(0, "127.0.0.1", r));
  try {
    const g = await guard(new x.RedisStore({ url: `redis://127.0.0.1:${proxy.address().port}`, tenant: tenant(), timeoutMs: 300 }));
    assert.equal((await pay(g, "hole-0")).allowed, true);
    for (const k of conns) k.holed = true; // the network drops everything on the open connection
    const r = await g.check(challenge("hole-1")).then((v) => v, (e) => e);
    assert.ok(r instanceof x.X402GuardError && r.code === "store-unavailable", String(r?.code ?? r?.allowed));
    const again = await pay(g, "hole-2");
    assert.equal(again.allowed, true, `a new connection, not the dead one: ${JSON.stringify(again)}`);
    assert.equal(conns.length, 2);
  } finally {
    for (const k of conns) k.c.destroy();
    await new Promise((r) => proxy.close(r));
  }
});

test("RedisStore: bad answers (non-integer version, garbage state, WRONGTYPE) are refused, never allowed", async () => {
  const cases = [
    [async (k) => admin.hset(k, "v", "abc", "s", "{}"), "store-unavailable"],
    [async (k) => admin.hset(k, "v", "1", "s", "not json"), "state-corrupt"],
    [async (k) => admin.hset(k, "v", "1"), "store-unavailable"],
    [async (k) => admin.rpush(k, "x"), "store-unavailable"],
  ];
  for (const [corrupt, code] of cases) {
    const t = tenant();
    const g = await guard(new x.RedisStore({ url: redis.url, tenant: t }));
    await corrupt(`presidio_x402:{${t}}:state`);
    const r = await g.check(challenge("bad")).then((v) => v, (e) => e);
    assert.ok(r instanceof x.X402GuardError && r.code === code, `${code}: got ${r?.code ?? JSON.stringify(r?.allowed)}`);
  }
  // A head key of the wrong type: the guard cannot start.
  const t = tenant();
  await admin.rpush(`presidio_x402:{${t}}:head:-`, "x");
  const s = new x.RedisStore({ url: redis.url, tenant: t });
  await assert.rejects(x.PaymentGuard.create({ store: s, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: () => {}, warn: () => {} }),
    (e) => e.code === "store-unavailable");
  await s.close();
});

test("RedisStore never prints its URL (passwords)", async () => {
  const s = new x.RedisStore({ url: `redis://user:hunter2-secret@127.0.0.1:${redis.port}/0`, tenant: "tn" });
  try {
    for (const text of [String(s), JSON.stringify({ s }), inspect(s, { showHidden: true, depth: 9 }), `${s}`]) {
      assert.ok(!text.includes("hunter2") && !text.includes("redis://"), text);
    }
    assert.match(inspect(s), /tenant: 'tn'/);
  } finally {
    await s.close();
  }
});

test("a dead process's reservation stays counted until its lease ends, then any process drops it", async () => {
  const t = tenant();
  let now = Date.now();
  const clock = () => now;
  // lease = max(reservation_lease_seconds, maxTimeoutSeconds + 60 s) = max(30, 60 + 60) = 120 s
  const cfg = { reservation_lease_seconds: 30 };
  const dead = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { ...cfg, replica_id: "dead" }, { clock });
  for (let i = 0; i < 5; i++) assert.equal((await dead.begin(challenge(`lease-${i}`))).action.do, "sign"); // reserved, never sent
  const live = await guard(new x.RedisStore({ url: redis.url, tenant: t }), { ...cfg, replica_id: "live" }, { clock });
  assert.equal((await pay(live, "lease-live-0")).code, "policy-window-exceeded", "reservations of the dead process still count");
  now += 110_000;
  assert.equal((await pay(live, "lease-live-1")).code, "policy-window-exceeded", "still within the lease");
  now += 11_000;
  assert.equal((await pay(live, "lease-live-2", now)).allowed, true, "the lease ended: the reservation is dropped");
});

// ---- FileStore ------------------------------------------------------------------
test("FileStore: the file layout of docs/STORES.md (state.json, replay.json, head-{replica}.json)", async () => {
  const dir = tmp("fs-layout");
  try {
    const s = await x.FileStore.open(join(dir, "store"));
    assert.equal(s.shared, true);
    assert.deepEqual(await s.loadVersioned(), { state: null, version: "0" });
    assert.equal(await s.compareAndSet("S1", "0"), true);
    assert.equal(await s.compareAndSet("S2", "0"), false);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "store", "state.json"), "utf8")), { version: 1, state: "S1" });
    assert.equal(await s.checkAndSet("fp", 1000, 5000), true);
    assert.equal(await s.checkAndSet("fp", 1000, 5500), false);
    assert.equal(await s.checkAndSet("fp", 1000, 6000), true, "expired at now + ttl");
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "store", "replay.json"), "utf8")), { fp: 7000 });
    assert.equal(await s.saveHead("-", { seq: 1, mac: "c".repeat(64) }, 0), true);
    assert.equal(await s.saveHead("pod:1", { seq: 1, mac: "d".repeat(64) }, 0), true);
    assert.equal(await s.saveHead("pod:1", { seq: 2, mac: "d".repeat(64) }, 0), false);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "store", "head--.json"), "utf8")), { seq: 1, mac: "c".repeat(64) });
    assert.deepEqual(await s.loadHead("pod:1"), { seq: 1, mac: "d".repeat(64) });
    // casState: the compare-and-set and the fingerprint under one lock (the Redis script's rule).
    assert.deepEqual(await s.casState("S3", "1", { fingerprint: "fq", ttlMs: 1000, nowMs: 8000 }), { won: true, fresh: true, version: "2" });
    assert.deepEqual(await s.casState("S4", "2", { fingerprint: "fq", ttlMs: 1000, nowMs: 8500 }), { won: false, fresh: false });
    assert.deepEqual(await s.casState("S5", "1", { fingerprint: "fr", ttlMs: 1000, nowMs: 8500 }), { won: false, state: "S3", version: "2" });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "store", "replay.json"), "utf8")), { fq: 9000 }, "a lost one sets nothing; expired entries swept");
    assert.deepEqual(await s.loadVersioned(), { state: "S3", version: "2" });
    assert.deepEqual(readdirSync(join(dir, "store")).sort(), ["head--.json", "head-pod:1.json", "replay.json", "state.json"], "no lock or temp file left");
    // A malformed state file is a store error, not an empty state.
    writeFileSync(join(dir, "store", "state.json"), "\"just a string\"");
    await assert.rejects(s.loadVersioned());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileStore: casState with a head writes state.json, head-{replica}.json and replay.json under one lock, or nothing", async () => {
  const dir = tmp("fs-cas-head");
  try {
    const sd = join(dir, "store");
    const s = await x.FileStore.open(sd);
    const json = (f) => (existsSync(join(sd, f)) ? JSON.parse(readFileSync(join(sd, f), "utf8")) : null);
    const look = async () => {
      const st = json("state.json");
      const now = Date.now();
      const fps = Object.entries(json("replay.json") ?? {}).filter(([, exp]) => exp > now).map(([f]) => f).sort();
      assert.equal(json("head-pod-other.json"), null);
      return { state: st.state, version: String(st.version), head: json("head-pod-h.json"), fps };
    };
    await casHeadContract(s, look);
    assert.deepEqual(readdirSync(sd).sort(), ["head-pod-h.json", "replay.json", "state.json"], "no lock or temp file left");
    // A malformed stored head is a store error, not seq 0: nothing written.
    writeFileSync(join(sd, "head-pod-h.json"), "{\"seq\": \"3\"}");
    await assert.rejects(s.casState("SX", "5", null, { replica: "pod-h", head: { seq: 1, mac: "a".repeat(64) }, prevSeq: 0 }));
    assert.deepEqual(json("state.json"), { version: 5, state: "S9" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A FileStore seen through a wrapper that records each call (`cas`, `cas+head {seq}/{prevSeq}`, `saveHead …`)
 * and may change the answers of casState calls that carry a head; `casHead` as `flags.casHead` says at each read.
 */
function recorded(inner, calls, flags, answer = (a) => a) {
  return {
    shared: true,
    get casHead() { return flags.casHead; },
    loadVersioned: () => { calls.push("load"); return inner.loadVersioned(); },
    compareAndSet: (s, v) => { calls.push("compareAndSet"); return inner.compareAndSet(s, v); },
    casState: async (s, v, r, h) => {
      calls.push(h ? `cas+head ${h.head.seq}/${h.prevSeq}` : "cas");
      const a = await inner.casState(s, v, r, h);
      return h ? answer(a) : a;
    },
    checkAndSet: (...a) => { calls.push("checkAndSet"); return inner.checkAndSet(...a); },
    forget: (f) => inner.forget(f),
    loadHead: (r) => { calls.push("loadHead"); return inner.loadHead(r); },
    saveHead: (r, h, p) => { calls.push(`saveHead ${h.seq}/${p}`); return inner.saveHead(r, h, p); },
    loadHeads: () => inner.loadHeads(),
  };
}

test("heads ride the compare-and-sets only for a store with casHead: the settlement's carries the pre-sign line's head, a reservation the stored head as a check; without casHead each line gets its save-head", async () => {
  for (const casHead of [true, undefined]) {
    const dir = tmp("ride");
    try {
      const calls = [];
      const inner = await x.FileStore.open(join(dir, "store"));
      const g = await guard(recorded(inner, calls, { casHead }), { daily_limit_usd: "1" }, { audit: new x.FileAuditSink(join(dir, "a.jsonl")) });
      for (let i = 0; i < 3; i++) assert.equal((await pay(g, `ride-${i}`)).allowed, true);
      await g.close();
      opened.splice(opened.indexOf(g), 1);
      const steps = calls.filter((c) => c !== "loadHead" && c !== "load");
      if (casHead) {
        // Lines 1, 3, 5 are the pre-sign lines; each one's head rides with its settlement (prev_seq: the
        // stored head); each later reservation carries the stored head unchanged (a check that no other
        // writer of the replica moved it). Closing saves the last settled line's head (the flush).
        assert.deepEqual(steps, ["cas", "cas+head 1/0", "cas+head 1/1", "cas+head 3/1", "cas+head 3/3", "cas+head 5/3", "saveHead 6/5"]);
      } else {
        assert.deepEqual(steps, ["cas", "saveHead 1/0", "cas", "saveHead 2/1", "cas", "saveHead 3/2", "cas", "saveHead 4/3", "cas", "saveHead 5/4", "cas", "saveHead 6/5"]);
      }
      const r = await x.verifyAuditDir(dir, AUDIT_KEY, { store: inner });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.deepEqual([r.chains[0].head.seq, r.chains[0].head_check, r.chains[0].past_head, r.chains[0].stored_head.seq],
        [6, "equal", 0, 6], "closed: the log ends at its stored head");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("a quiet guard flushes the head its last payment left unsaved (unsaved_head_ms): never during a burst, nor while a payment waits for its signature; close() flushes at once", async () => {
  const dir = tmp("flush");
  try {
    const calls = [];
    const inner = await x.FileStore.open(join(dir, "store"));
    const g = await guard(recorded(inner, calls, { casHead: true }), { daily_limit_usd: "1" }, { audit: new x.FileAuditSink(join(dir, "a.jsonl")) });
    const stored = async () => (await inner.loadHead("-"))?.seq ?? 0;
    const until = async (want) => {
      for (let t = 0; t < 200 && (await stored()) !== want; t++) await sleep(10);
      return stored();
    };
    // A burst of 5 back to back: heads ride, no save-head between them.
    for (let i = 0; i < 5; i++) assert.equal((await pay(g, `burst-${i}`)).allowed, true);
    assert.equal(g.head.seq, 10);
    assert.deepEqual(calls.filter((c) => c.startsWith("saveHead")), [], calls.join(", "));
    assert.equal(await stored(), 9, "the last settled line's head is not saved yet");
    // Quiet: the timer saves it, once.
    assert.equal(await until(10), 10);
    assert.deepEqual(calls.filter((c) => c.startsWith("saveHead")), ["saveHead 10/9"]);
    // A payment stopped at `sign` is in flight: nothing is flushed meanwhile.
    const p = await g.begin(challenge("waits"));
    assert.equal(p.action.do, "sign");
    await sleep(100);
    // Its reservation could not check the flushed head (that save was not known performed): its pre-sign line
    // saved its own head before signing instead. Nothing else was saved while it waited.
    assert.deepEqual(calls.filter((c) => c.startsWith("saveHead")), ["saveHead 10/9", "saveHead 11/10"]);
    let q = await g.resume(p, { on: "signed", payload: payloadFor(p.action) });
    q = await g.resume(q, { on: "response", status: 200, settlement: SETTLED });
    assert.equal(q.action.do, "done");
    assert.equal(q.action.unsaved_head_ms, 20, "the core says how long to wait");
    // close() flushes at once.
    await g.close();
    opened.splice(opened.indexOf(g), 1);
    assert.equal(await stored(), 12);
    assert.deepEqual(calls.filter((c) => c.startsWith("saveHead")), ["saveHead 10/9", "saveHead 11/10", "saveHead 12/11"]);
    const r = await x.verifyAuditDir(dir, AUDIT_KEY, { store: inner });
    assert.deepEqual([r.ok, r.chains[0].head_check], [true, "equal"], JSON.stringify(r));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a head-carrying cas-state fails closed: a headSaved that is not a boolean, a won answer without it, a store that no longer says casHead", async () => {
  const cases = [
    ["headSaved not a boolean", { casHead: true }, (a) => (a.won ? { ...a, headSaved: "yes" } : a)],
    ["won without headSaved", { casHead: true }, (a) => (a.won ? { won: true, version: a.version } : a)],
    ["casHead false after start", { casHead: true }, (a) => a],
  ];
  for (const [name, flags, answer] of cases) {
    const dir = tmp("ride-bad");
    try {
      const calls = [];
      const inner = await x.FileStore.open(join(dir, "store"));
      const g = await guard(recorded(inner, calls, flags, answer), { daily_limit_usd: "1" }, { audit: new x.FileAuditSink(join(dir, "a.jsonl")) });
      if (name === "casHead false after start") flags.casHead = false; // the profile said cas_head; the executor checks again
      const r = await pay(g, "bad-0");
      assert.deepEqual(r, { allowed: false, code: "store-unavailable" }, `${name}: ${JSON.stringify(r)} ${calls.join(", ")}`);
      if (name === "casHead false after start") {
        assert.ok(!calls.some((c) => c.startsWith("cas+head")), `${name}: the head never reached casState: ${calls.join(", ")}`);
        // Every later cas-state carries the unsaved head: refused too, never stored without it.
        assert.deepEqual(await pay(g, "bad-1"), { allowed: false, code: "store-unavailable" });
        assert.equal(calls.filter((c) => c === "cas").length, 1, calls.join(", "));
      } else {
        assert.ok(calls.includes("cas+head 1/0"), `${name}: ${calls.join(", ")}`);
      }
      await g.close();
      opened.splice(opened.indexOf(g), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("FileStore: shared by two processes with compare-and-set; the limit holds; each replica's chain verifies", async () => {
  const dir = tmp("fs-shared");
  try {
    const storeDir = join(dir, "store");
    const auditDir = join(dir, "audit");
    mkdirSync(auditDir);
    const child = payer(["file", storeDir, "child", "8", auditDir]);
    const store = await x.FileStore.open(storeDir);
    const g = await guard(store, { replica_id: "parent" }, { audit: new x.FileAuditSink(join(auditDir, "parent.jsonl")) });
    const mine = [];
    for (let i = 0; i < 8; i++) mine.push(await pay(g, `parent-${i}`));
    const { results, code } = await child.done;
    assert.equal(code, 0);
    const all = [...mine, ...results];
    assert.equal(all.length, 16);
    assert.equal(all.filter((r) => r.allowed).length, 5, JSON.stringify(all));
    assert.ok(all.filter((r) => !r.allowed).every((r) => r.code === "policy-window-exceeded"), JSON.stringify(all));
    await g.close();
    opened.splice(opened.indexOf(g), 1);
    const report = await x.verifyAuditDir(auditDir, AUDIT_KEY);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.chains.map((c) => [c.name, c.replica, c.ok]), [["child.jsonl", "child", true], ["parent.jsonl", "parent", true]]);
    // The stored heads are the chains' heads.
    for (const c of report.chains) assert.deepEqual(await store.loadHead(c.replica), c.head);
    assert.ok(!existsSync(join(storeDir, "lock")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileStore: a process killed with -9 mid-run leaves a readable store; its reservations stay counted; others go on", async () => {
  const dir = tmp("fs-kill");
  try {
    const storeDir = join(dir, "store");
    const auditDir = join(dir, "audit");
    mkdirSync(auditDir);
    // A generous limit so the child keeps paying until killed.
    const child = payer(["file", storeDir, "victim", "0", auditDir, "loop"]);
    await child.after(3);
    child.proc.kill("SIGKILL");
    await child.done;
    const store = await x.FileStore.open(storeDir);
    const snap = await store.loadVersioned();
    assert.ok(Number(snap.version) > 0 && typeof snap.state === "string");
    const g = await guard(store, { replica_id: "survivor" });
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await pay(g, `survivor-${i}`));
    const paidBefore = child.results.filter((r) => r.allowed).length;
    assert.ok(paidBefore >= 3);
    // The window counts the victim's settled spend (and any reservation it held when killed).
    assert.ok(after.filter((r) => r.allowed).length <= Math.max(0, 5 - paidBefore), JSON.stringify({ paidBefore, after }));
    assert.ok(after.every((r) => r.allowed || r.code === "policy-window-exceeded"), JSON.stringify(after));
    const report = await x.verifyAuditDir(auditDir, AUDIT_KEY);
    assert.equal(report.ok, true, JSON.stringify(report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileStore: a stale lock of a dead pid (or an old empty one) is broken; a live one times out to store-unavailable", async () => {
  const dir = tmp("fs-lock");
  const lock = join(dir, "lock");
  try {
    const s = await x.FileStore.open(dir, { lockTimeoutMs: 400 });
    // A dead pid: a child that already exited.
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(lock, String(dead.pid));
    const t0 = Date.now();
    assert.equal(await s.compareAndSet("A", "0"), true);
    assert.ok(Date.now() - t0 < 300, "broken at once");
    assert.ok(!existsSync(lock));
    // An empty lock left by a crash between create and write: broken once old.
    writeFileSync(lock, "");
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    assert.deepEqual(await s.loadVersioned(), { state: "A", version: "1" });
    // A live owner: refused after the lock timeout, then fine once it is gone.
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"]);
    try {
      writeFileSync(lock, String(live.pid));
      await assert.rejects(s.compareAndSet("B", "1"), (e) => e instanceof x.X402GuardError && e.code === "store-unavailable");
      const g = await x.PaymentGuard.create({ store: s, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
      const r = await g.check(challenge("locked")).then(() => null, (e) => e);
      assert.equal(r?.code, "store-unavailable", "the guard refuses while the store is locked");
    } finally {
      live.kill("SIGKILL");
      await new Promise((r) => live.on("exit", r));
    }
    assert.equal(await s.compareAndSet("B", "1"), true, "the killed owner's lock is broken");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileAuditSink: a torn last line (crash mid-append) is cut before the next line; write resolves after fsync", async () => {
  const dir = tmp("sink");
  try {
    const file = join(dir, "a.jsonl");
    const store = await x.FileStore.open(join(dir, "store"));
    const g1 = await x.PaymentGuard.create({ config: STORE_CONFIG, store, audit: new x.FileAuditSink(file), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
    assert.equal((await pay(g1, "torn-0")).allowed, true);
    await g1.close();
    appendFileSync(file, '{"agent_id":"my-agent-v1","amount_usd":"0.0');
    const g2 = await x.PaymentGuard.create({ config: STORE_CONFIG, store, audit: new x.FileAuditSink(file), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
    assert.equal((await pay(g2, "torn-1")).allowed, true);
    await g2.close();
    const text = readFileSync(file, "utf8");
    assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, text, g2.head), g2.head);
    assert.equal(g2.head.seq, 4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("replica heads: a log that lost the stored head is refused; guards without an audit log keep no head", async () => {
  const dir = tmp("heads");
  try {
    const storeDir = join(dir, "store");
    const open = async (file, extra = {}) => x.PaymentGuard.create({ config: { ...STORE_CONFIG, replica_id: "r1" }, store: await x.FileStore.open(storeDir),
      audit: file === null ? undefined : new x.FileAuditSink(join(dir, file)), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {}, ...extra });
    const g = await open("r1.jsonl");
    assert.equal((await pay(g, "h-0")).allowed, true);
    await g.close();
    // The pre-sign line's head rode with the settlement's compare-and-set; the settled line's was saved at close.
    assert.equal((await x.FileStore.open(storeDir).then((s) => s.loadHead("r1"))).seq, 2);
    // Another (empty) log for the same replica: the stored head is not its own.
    await assert.rejects(open("other.jsonl"), (e) => e.code === "store-unavailable");
    // The same log again continues its chain.
    const again = await open("r1.jsonl");
    assert.equal((await pay(again, "h-1")).allowed, true);
    assert.equal(again.head.seq, 4);
    await again.close();
    // Two guards of one replica without a log: nothing to chain, nothing refused.
    const n1 = await open(null);
    const n2 = await open(null);
    assert.equal((await pay(n1, "h-2")).allowed, true);
    assert.equal((await pay(n2, "h-3")).allowed, true);
    await n1.close();
    await n2.close();
    // h-1's reservation checked the stored head (2), its pre-sign line (3) rode with its settlement, its settled
    // line's head (4) was saved at close; nothing else wrote it.
    assert.equal((await x.FileStore.open(storeDir).then((s) => s.loadHead("r1"))).seq, 4, "the head is the log's");
    const r = await x.verifyAuditDir(dir, AUDIT_KEY, { heads: { r1: await x.FileStore.open(storeDir).then((s) => s.loadHead("r1")) } });
    assert.deepEqual(r.chains.filter((c) => c.name === "r1.jsonl").map((c) => [c.ok, c.head.seq, c.head_check, c.past_head]), [[true, 4, "equal", 0]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- replica chains ----------------------------------------------------------------
test("verifyAuditDir: two replicas' chains verify; a tampered chain fails alone; a copied chain is a duplicate replica", async () => {
  const dir = tmp("chains");
  try {
    const t = tenant();
    for (const replica of ["pod-a", "pod-b"]) {
      const g = await x.PaymentGuard.create({ config: { ...STORE_CONFIG, replica_id: replica }, store: new x.RedisStore({ url: redis.url, tenant: t }),
        audit: new x.FileAuditSink(join(dir, `${replica}.jsonl`)), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
      for (let i = 0; i < 2; i++) await pay(g, `${replica}-${i}`);
      await g.close();
    }
    writeFileSync(join(dir, "notes.txt"), "not a chain");
    let r = await x.verifyAuditDir(dir, AUDIT_KEY);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(r.chains.map((c) => [c.name, c.replica, c.head.seq]), [["pod-a.jsonl", "pod-a", 4], ["pod-b.jsonl", "pod-b", 4]]);
    for (const line of readFileSync(join(dir, "pod-a.jsonl"), "utf8").trim().split("\n")) assert.equal(JSON.parse(line).replica, "pod-a");

    const b = join(dir, "pod-b.jsonl");
    const good = readFileSync(b, "utf8");
    writeFileSync(b, good.replace('"outcome":"allowed"', '"outcome":"blocked"'));
    r = await x.verifyAuditDir(dir, AUDIT_KEY);
    assert.equal(r.ok, false);
    // The first line was edited: under the right key it reads "a wrong key, or the first line was edited".
    assert.deepEqual(r.chains.map((c) => [c.name, c.ok, c.code]), [["pod-a.jsonl", true, null], ["pod-b.jsonl", false, "audit-bad-key"]]);
    writeFileSync(b, good);

    copyFileSync(join(dir, "pod-a.jsonl"), join(dir, "pod-a-copy.jsonl"));
    r = await x.verifyAuditDir(dir, AUDIT_KEY);
    assert.equal(r.ok, false);
    assert.deepEqual(r.chains.map((c) => [c.name, c.code]), [["pod-a-copy.jsonl", null], ["pod-a.jsonl", "audit-replica-duplicate"], ["pod-b.jsonl", null]]);
    await assert.rejects(x.verifyAuditDir(dir, "00"), (e) => e.code === "key-too-short");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyAuditDir and verifyAuditLog take logs over 1 MiB (the generic call() input cap)", async () => {
  const dir = tmp("big");
  try {
    const sink = new x.MemoryAuditSink();
    const g = await x.PaymentGuard.create({ config: { max_per_call_usd: "1", daily_limit_usd: "1000", replica_id: "big" }, audit: sink, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
    for (let i = 0; sink.text().length <= 1.2 * 1024 * 1024; i++) await pay(g, `big-${i}`);
    writeFileSync(join(dir, "big.jsonl"), sink.text());
    assert.throws(() => x.call("audit.verify", { key_hex: AUDIT_KEY, text: sink.text() }), (e) => e.code === "invalid-input");
    const r = await x.verifyAuditDir(dir, AUDIT_KEY);
    assert.equal(r.ok, true, JSON.stringify(r).slice(0, 300));
    assert.deepEqual(r.chains[0].head, g.head);
    assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, sink.text(), g.head), g.head);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
