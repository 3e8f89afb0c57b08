// The audit directory verifier against the replicas' stored heads (issue 14,
// item 7), through the PACKED package: a deleted replica log, a cut tail and a
// wrong head are reported; an intact directory verifies; without heads the
// report says truncation was not checked. Heads come from FileStore, RedisStore
// (a real redis-server on 127.0.0.1) or the caller.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, unlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, payThrough } from "./helpers.mjs";
import { challenge, STORE_CONFIG, startRedis } from "./store-helpers.mjs";

let redis;
let tenantN = 0;
const tenant = () => `dv${process.pid}-${++tenantN}`;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});

const tmp = (name) => mkdtempSync(join(tmpdir(), `px402-${name}-`));
/** The head of the log's last line: the stored head once the guard closed (its settled line's head, flushed
 *  at close; docs/STORES.md). */
const lastHead = (file) => {
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const { seq, mac } = JSON.parse(lines.at(-1));
  return { seq, mac };
};
const cutTail = (file, n) => {
  const lines = readFileSync(file, "utf8").split("\n").filter((l) => l !== "");
  writeFileSync(file, lines.slice(0, -n).map((l) => l + "\n").join(""));
};

/** pod-a pays 3 times, pod-b twice, each guard on `makeStore()` with its own chain in `auditDir`. */
async function fill(makeStore, auditDir) {
  for (const [replica, n] of [["pod-a", 3], ["pod-b", 2]]) {
    const g = await x.PaymentGuard.create({ config: { ...STORE_CONFIG, replica_id: replica }, store: await makeStore(),
      audit: new x.FileAuditSink(join(auditDir, `${replica}.jsonl`)), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
    for (let i = 0; i < n; i++) assert.equal((await payThrough(g, challenge(`${replica}-${i}`))).allowed, true);
    await g.close();
  }
}

async function fileDir() {
  const dir = tmp("dirverify");
  const storeDir = join(dir, "store");
  const auditDir = join(dir, "audit");
  mkdirSync(auditDir);
  await fill(() => x.FileStore.open(storeDir), auditDir);
  return { dir, auditDir, store: await x.FileStore.open(storeDir) };
}

test("stores list every stored head: FileStore, RedisStore, MemoryStore", async () => {
  const { dir, auditDir, store } = await fileDir();
  try {
    const want = { "pod-a": lastHead(join(auditDir, "pod-a.jsonl")), "pod-b": lastHead(join(auditDir, "pod-b.jsonl")) };
    assert.deepEqual(await store.loadHeads(), want);
    const t = tenant();
    const rdir = join(dir, "raudit");
    mkdirSync(rdir);
    await fill(() => new x.RedisStore({ url: redis.url, tenant: t }), rdir);
    const rs = new x.RedisStore({ url: redis.url, tenant: t });
    assert.deepEqual(await rs.loadHeads(), { "pod-a": lastHead(join(rdir, "pod-a.jsonl")), "pod-b": lastHead(join(rdir, "pod-b.jsonl")) });
    await rs.close();
    const m = new x.MemoryStore();
    assert.deepEqual(await m.loadHeads(), {});
    assert.equal(await m.saveHead("-", { seq: 1, mac: "ab".repeat(32) }, 0), true);
    assert.deepEqual(await m.loadHeads(), { "-": { seq: 1, mac: "ab".repeat(32) } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyAuditDir with the file store's heads: intact -> ok; deleted log -> missing; cut tail -> audit-truncated", async () => {
  const { dir, auditDir, store } = await fileDir();
  try {
    let r = await x.verifyAuditDir(auditDir, AUDIT_KEY, { store });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.truncation_checked, true);
    assert.deepEqual(r.missing, []);
    // Each log ends at its stored head: the guard saved its last line's head when it closed.
    assert.deepEqual(r.chains.map((c) => [c.name, c.head_check, c.past_head]), [["pod-a.jsonl", "equal", 0], ["pod-b.jsonl", "equal", 0]]);

    // without heads: passes, but says truncation was not checked
    r = await x.verifyAuditDir(auditDir, AUDIT_KEY);
    assert.equal(r.ok, true);
    assert.equal(r.truncation_checked, false);
    assert.ok(r.chains.every((c) => c.head_check === "unchecked" && c.stored_head === null));

    const a = join(auditDir, "pod-a.jsonl");
    const good = readFileSync(a, "utf8");
    const total = good.trim().split("\n").length;
    // Cutting any tail is caught against the stored head, the last line alone included (THREATS.md).
    for (const n of [1, 2, 4]) {
      cutTail(a, n);
      r = await x.verifyAuditDir(auditDir, AUDIT_KEY, { store });
      assert.equal(r.ok, false);
      const [ca, cb] = r.chains;
      assert.deepEqual([ca.ok, ca.code, ca.line, ca.replica], [false, "audit-truncated", total - n + 1, "pod-a"]);
      assert.deepEqual(ca.stored_head, await store.loadHead("pod-a"));
      assert.equal(cb.ok, true);
      // the cut chain alone, without heads, still verifies: only the heads catch it
      assert.equal((await x.verifyAuditDir(auditDir, AUDIT_KEY)).ok, true);
      writeFileSync(a, good);
    }

    const bHead = lastHead(join(auditDir, "pod-b.jsonl"));
    unlinkSync(join(auditDir, "pod-b.jsonl"));
    r = await x.verifyAuditDir(auditDir, AUDIT_KEY, { store });
    assert.equal(r.ok, false);
    assert.deepEqual(r.chains.map((c) => c.ok), [true]);
    assert.deepEqual(r.missing, [{ replica: "pod-b", stored_head: bHead, code: "audit-log-missing" }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyAuditDir with given heads: a head behind the log is allowed; a wrong head mac is audit-head-mismatch", async () => {
  const { dir, auditDir, store } = await fileDir();
  try {
    const heads = await store.loadHeads();
    const lines = readFileSync(join(auditDir, "pod-a.jsonl"), "utf8").trim().split("\n");
    const second = JSON.parse(lines[1]);
    let r = await x.verifyAuditDir(auditDir, AUDIT_KEY, { heads: { ...heads, "pod-a": { seq: 2, mac: second.mac } } });
    assert.equal(r.ok, true);
    assert.deepEqual([r.chains[0].head_check, r.chains[0].past_head], ["ahead", lines.length - 2]);
    r = await x.verifyAuditDir(auditDir, AUDIT_KEY, { heads: { ...heads, "pod-a": { seq: lines.length, mac: second.mac } } });
    assert.equal(r.ok, false);
    assert.deepEqual([r.chains[0].code, r.chains[0].line], ["audit-head-mismatch", lines.length]);
    await assert.rejects(x.verifyAuditDir(auditDir, AUDIT_KEY, { heads, store }), TypeError);
    await assert.rejects(x.verifyAuditDir(auditDir, AUDIT_KEY, { heads: { "pod a": heads["pod-a"] } }), (e) => e.code === "invalid-input");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyAuditDir with RedisStore heads: intact -> ok; a deleted log and a cut tail are reported", async () => {
  const dir = tmp("dirverify-redis");
  try {
    const t = tenant();
    await fill(() => new x.RedisStore({ url: redis.url, tenant: t }), dir);
    const store = new x.RedisStore({ url: redis.url, tenant: t });
    let r = await x.verifyAuditDir(dir, AUDIT_KEY, { store });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.truncation_checked, true);
    cutTail(join(dir, "pod-b.jsonl"), 1); // its last line alone: the stored head is that line's
    unlinkSync(join(dir, "pod-a.jsonl"));
    r = await x.verifyAuditDir(dir, AUDIT_KEY, { store });
    assert.equal(r.ok, false);
    assert.deepEqual(r.chains.map((c) => [c.name, c.code]), [["pod-b.jsonl", "audit-truncated"]]);
    assert.deepEqual(r.missing.map((m) => [m.replica, m.code]), [["pod-a", "audit-log-missing"]]);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
