// Issue 19, item 2: faults injected between 8 workers (4 Node, 4 Python) and a real Redis.
//
// The workers (worker.mjs / worker.py, mode "faults") reach redis-server through a
// fault-injecting proxy (fault-proxy.mjs). For FAULTS_SECONDS (default 15) the proxy adds
// latency to every chunk and, in turns, drops, resets, cuts replies in half and black-holes
// connections; twice (once every 30 s in a longer run), redis-server is killed (SIGKILL) while
// a compare-and-set is on its way to it, and restarted on the same port with its append-only
// file (`appendfsync always`: every write Redis acknowledged is on disk). Then the faults stop
// (Redis stays up), and every worker buys once ($0.01), then all buy again ($0.10, then $0.01)
// until the budget refuses.
// At the end, from Redis, the audit files and what each worker printed:
//
// * no overspend: committed ≤ the limit and committed + reserved = the limit, exactly (BigInt,
//   10^-18 dollars); committed is at least what the workers were told was paid and at most what
//   they sent;
// * no double pay: each purchase id was sent (the signed payment left) at most once, across all
//   workers, although every 4th purchase id is bought by all 8 and a purchase refused with
//   `store-unavailable` is tried again;
// * no audit line lost that a worker was told was written; every chain verifies against the
//   heads stored in Redis;
// * every refusal carries a code of the core's error table;
// * recovery: once the faults stop, every worker is allowed to pay again, and the only refusals
//   are the budget's and replays.
//
// FAULTS_SEED replays a run's fault sequence (printed at the start); FAULTS_SECONDS=300 is the
// long run (make test-faults-long). Run: make test-faults.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { RedisStore, errorTable } from "presidio-hardened-x402/node";
import { FaultProxy, seeded } from "./fault-proxy.mjs";
import { CENT_ATTO, startRedis, worker, baseJob, spendOf, checkAudit } from "./harness.mjs";

const FAULT_S = Number(process.env.FAULTS_SECONDS ?? 15);
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RATE = 4; // purchases per second of one worker in the fault phase, at most (retries included)

const scratch = mkdtempSync(join(tmpdir(), "presidio-x402-faults-"));
let redis;
let proxy;
after(async () => {
  await proxy?.close();
  redis?.client.disconnect();
  redis?.proc.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Kills redis-server (SIGKILL, no shutdown save) and starts it again on its port and files. */
async function restartRedis(downMs) {
  const old = redis;
  old.client.disconnect();
  const exited = new Promise((r) => old.proc.once("exit", r));
  old.proc.kill("SIGKILL");
  await exited;
  await sleep(downMs);
  redis = await startRedis(old.dir, { port: old.port, aof: true });
}

/** The fault turns, each for an equal share of the fault phase; latency is on throughout. */
const TURNS = [
  { name: "latency" },
  { name: "drop", drop: 0.03 },
  { name: "reset", reset: 0.03 },
  { name: "half-reply", halfReply: 0.03 },
  { name: "stall", stall: 0.03 },
  { name: "all", drop: 0.01, reset: 0.01, halfReply: 0.01, stall: 0.005 },
];

test(`faults on a real Redis: 4 Node + 4 Python workers through a fault proxy for ${FAULT_S} s, Redis restarted ${Math.max(2, Math.floor(FAULT_S / 30))} times → no overspend, no double pay, no reported audit line lost, coded refusals, recovery`, { timeout: (FAULT_S * 1.5 + 90) * 1000 }, async () => {
  console.log(`faults: seed ${SEED} (FAULTS_SEED=${SEED} replays the proxy's faults), ${FAULT_S} s`);
  const random = seeded(SEED);
  redis = await startRedis(join(scratch, "redis"), { aof: true });
  proxy = new FaultProxy(redis.port, random);
  const proxyUrl = `redis://127.0.0.1:${await proxy.listen()}/0`;
  const auditDir = join(scratch, "audit");
  mkdirSync(auditDir);

  // A purchase spends at most $0.01 (committed, or a reservation left by a failed step), so the
  // fault phase cannot spend the limit; the recovery phase buys until the budget refuses.
  const cap = FAULT_S * RATE;
  const limitCents = 8 * cap + 400; // at least $4 left for the recovery phase
  const startAtMs = Date.now() + 4000;
  const faultsEndAtMs = startAtMs + FAULT_S * 1000;
  const recoverAtMs = faultsEndAtMs + 3000; // after the timeouts of commands sent into a black hole
  // Each worker's first purchase after the faults comes before any worker drains the budget: a
  // worker slower to reconnect is not left with a budget the others spent.
  const drainAtMs = recoverAtMs + 5000;
  const ws = [0, 1, 2, 3].flatMap((i) => ["node", "py"].map((kind) => worker(kind, baseJob({
    mode: "faults", store: "redis", redisUrl: proxyUrl, tenant: "faults", replica: `${kind}-${i}`, auditDir,
    attempts: cap, limitUsd: limitCents / 100, startAtMs, faultsEndAtMs, recoverAtMs, drainAtMs, recoveryAttempts: cap + 200,
    rate: RATE }))));
  const finished = Promise.all(ws.map((w) => w.done));
  finished.catch(() => {});

  // The fault phase: the turns in order, and restarts of Redis.
  await sleep(startAtMs - Date.now());
  const turnMs = (FAULT_S * 1000) / TURNS.length;
  // Two restarts (in the drop and the half-reply turns); a longer run, one every 30 s.
  const n = Math.max(2, Math.floor(FAULT_S / 30));
  const restarts = (n === 2 ? [0.25, 0.58] : Array.from({ length: n }, (_, k) => (k + 0.5) / n))
    .map((f) => startAtMs + f * FAULT_S * 1000);
  let restarted = 0;
  const inFlightAtKill = []; // compare-and-sets in flight when redis-server was killed
  for (const [i, turn] of TURNS.entries()) {
    proxy.set({ latencyMs: 4, ...turn });
    const end = startAtMs + (i + 1) * turnMs;
    while (Date.now() < end) {
      if (restarted < restarts.length && Date.now() >= restarts[restarted]) {
        // Kill it while a compare-and-set is on its way (waiting at most 3 s for one).
        for (const until = Date.now() + 3000; proxy.inFlight(true) === 0 && Date.now() < until; ) await sleep(1);
        inFlightAtKill.push(proxy.inFlight(true));
        await restartRedis(100 + Math.floor(random() * 400));
        restarted++;
      }
      await sleep(Math.min(50, Math.max(0, end - Date.now())));
    }
  }
  proxy.set({});
  assert.equal(restarted, restarts.length, "Redis was restarted");
  console.log(`faults: proxy ${JSON.stringify(proxy.stats)}; compare-and-sets in flight at the ${restarted} kills of redis-server: ${inFlightAtKill.join(", ")}`);
  assert.ok(inFlightAtKill.every((n) => n > 0), "Redis was killed in the middle of transactions");

  const events = await finished;
  const results = events.flat().filter((e) => e.event === "result");
  const faultPhase = results.filter((r) => r.phase === "faults");
  const count = (rs, code) => rs.filter((r) => r.code === code).length;
  console.log(`faults: fault phase ${faultPhase.length} purchases, ${faultPhase.filter((r) => r.allowed).length} paid, ` +
    `${count(faultPhase, "store-unavailable")} store-unavailable, ${count(faultPhase, "replay-detected")} replay-detected`);

  // Every fault happened, and the guard saw the store fail.
  for (const k of ["drop", "reset", "half-reply", "stall", "delayed"]) assert.ok(proxy.stats[k] > 0, `the proxy injected ${k}`);
  assert.ok(count(faultPhase, "store-unavailable") > 0, "some purchases met a store failure");

  // Every refusal carries a code of the core's table.
  const table = new Set(errorTable().map((r) => r.code));
  for (const r of results) {
    if (!r.allowed) assert.ok(table.has(r.code), `refusal of ${r.id} carries a core code (got ${r.code})`);
  }

  // No double pay: each purchase id left at most once.
  const sent = new Map();
  for (const e of events.flat().filter((e) => e.event === "sent")) sent.set(e.id, (sent.get(e.id) ?? 0) + 1);
  const twice = [...sent].filter(([, n]) => n > 1);
  assert.deepEqual(twice, [], "no purchase id was paid twice");

  // No overspend, exactly (from Redis itself, not through the proxy).
  const direct = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  direct.on("error", () => {});
  const s = spendOf(await direct.hget("presidio_x402:{faults}:state", "s"));
  direct.disconnect();
  const limit = BigInt(limitCents) * CENT_ATTO;
  const atto = (atomic) => BigInt(atomic) * 10n ** 12n; // USDC has 6 decimals; the core counts 10^-18 dollars
  const paid = results.filter((r) => r.allowed).reduce((n, r) => n + atto(r.amount), 0n);
  const sentAmount = events.flat().filter((e) => e.event === "sent").reduce((n, e) => n + atto(e.amount), 0n);
  console.log(`faults: limit ${limit}, committed ${s.committed}, reserved ${s.reserved} (${s.open} open), ` +
    `told paid ${paid}, sent ${sentAmount} (${sent.size} purchases)`);
  assert.ok(s.committed <= limit, "committed ≤ the limit");
  assert.equal(s.committed + s.reserved, limit, "the recovery phase spent the budget to the cent");
  assert.ok(s.committed >= paid, "every payment a worker was told succeeded is committed");
  assert.ok(s.committed <= sentAmount, "nothing is committed that was not sent");

  // No audit line lost that was reported written; every chain verifies against Redis's heads.
  const store = new RedisStore({ url: redis.url, tenant: "faults" });
  const report = await checkAudit(auditDir, ws, { store });
  await store.close();
  assert.equal(report.truncation_checked, true);

  // Recovery: every worker pays again once the faults stop, refused only by the budget or a replay.
  for (const w of ws) {
    const rec = w.events.filter((e) => e.event === "result" && e.phase === "recovery");
    assert.ok(rec.some((r) => r.allowed), `${w.replica} paid again after the faults stopped`);
    const codes = new Set(rec.filter((r) => !r.allowed).map((r) => r.code));
    for (const c of codes) assert.ok(c === "policy-window-exceeded" || c === "replay-detected", `${w.replica} after the faults: ${c}`);
  }
});
