// Issue 8 proofs: shared state across processes, with every rule in the core.
//
// * overspend: 4 Node + 4 Python workers × 250 attempts of $0.01 on one Redis
//   tenant with a $10 window: exactly 1,000 allowed, exactly $10.00 committed;
// * double pay: 8 workers (4 + 4) submit the same purchase at the same instant:
//   exactly one is allowed;
// * crash (Redis, then the file store): kill -9 a worker between reserve and
//   commit. Its reservation keeps counting until its lease ends, then it is
//   released; no audit line it reported written is lost; every chain verifies;
// * the same file store shared by Node and Python processes on one host;
// * the sidecar (its HTTP API, SIDECAR_BIN), Node and Python processes spend
//   one $10 window on one Redis: exactly $10.00 committed.
//
// A real redis-server (Debian) runs on a free 127.0.0.1 port for these tests.
// Run: make test-stores (STORES_PYTHON = the package venv's python).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PaymentGuard, RedisStore, FileStore } from "presidio-hardened-x402/node";
import { body, config, settled, signedFor } from "./common.mjs";
import { REPLAY_KEY, AUDIT_KEY, CENT_ATTO, startRedis, worker, baseJob, eight, spendOf, checkAudit } from "./harness.mjs";

const LEASE_MS = 900_000; // the default reservation lease (reservation_lease_seconds = 900)

let redis; // { proc, port, url, client }
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "presidio-x402-stores-"));
  redis = await startRedis(join(scratch, "redis"));
});

after(async () => {
  redis?.client.disconnect();
  redis?.proc.kill("SIGKILL");
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function redisState(tenant) {
  const s = await redis.client.hget(`presidio_x402:{${tenant}}:state`, "s");
  assert.ok(s, "the shared state exists");
  return s;
}

test("overspend: 4 Node + 4 Python workers × 250 × $0.01 on one Redis, $10 window → exactly 1,000 allowed, $10.00 committed", async () => {
  const auditDir = join(scratch, "audit-overspend");
  mkdirSync(auditDir);
  const startAtMs = Date.now() + 4000; // every process is loaded before the first attempt
  const ws = eight((replica) => baseJob({ mode: "spend", store: "redis", redisUrl: redis.url, tenant: "overspend",
    replica, auditDir, attempts: 250, startAtMs }));
  const results = await Promise.all(ws.map((w) => w.done));
  const done = results.map((evs) => evs.find((e) => e.event === "done"));
  const allowed = done.reduce((n, d) => n + d.allowed, 0);
  const refused = done.reduce((n, d) => n + (d.codes["policy-window-exceeded"] ?? 0), 0);
  const other = done.flatMap((d) => Object.keys(d.codes).filter((c) => c !== "policy-window-exceeded"));
  console.log(`overspend: allowed per worker ${done.map((d) => d.allowed).join(", ")}; total ${allowed}; refused ${refused}`);
  assert.deepEqual(other, [], "the only refusal is the window limit");
  assert.equal(allowed, 1000);
  assert.equal(refused, 1000);
  assert.ok(ws.filter((w) => w.kind === "node").some((_, i) => done[2 * i].allowed > 0), "Node workers spent");
  assert.ok(ws.filter((w) => w.kind === "py").some((_, i) => done[2 * i + 1].allowed > 0), "Python workers spent");
  const s = spendOf(await redisState("overspend"));
  assert.equal(s.committed, 1000n * CENT_ATTO, "exactly $10.00 committed");
  assert.equal(s.reserved, 0n);
  assert.equal(s.open, 0);
  const report = await checkAudit(auditDir, ws);
  assert.equal(report.chains.length, 8);
});

test("double pay: 8 processes submit the same purchase at the same instant → exactly one allowed", async () => {
  const auditDir = join(scratch, "audit-double");
  mkdirSync(auditDir);
  const startAtMs = Date.now() + 4000;
  const ws = eight((replica) => baseJob({ mode: "double", store: "redis", redisUrl: redis.url, tenant: "double",
    replica, auditDir, startAtMs, urlBase: "https://api.example.com/item/the-same-one" }));
  const done = (await Promise.all(ws.map((w) => w.done))).map((evs) => evs.find((e) => e.event === "done"));
  assert.equal(done.reduce((n, d) => n + d.allowed, 0), 1);
  assert.equal(done.reduce((n, d) => n + (d.codes["replay-detected"] ?? 0), 0), 7);
  const s = spendOf(await redisState("double"));
  assert.equal(s.committed, CENT_ATTO);
  await checkAudit(auditDir, ws);
});

/** kill -9 one Node and one Python worker while each holds a reservation. */
async function crashTest(storeJob, readState, guardStore) {
  const auditDir = join(scratch, `audit-crash-${storeJob.store}`);
  mkdirSync(auditDir);
  const ws = [worker("node", baseJob({ ...storeJob, mode: "crash", replica: "node-crash", auditDir, attempts: 3 })),
    worker("py", baseJob({ ...storeJob, mode: "crash", replica: "py-crash", auditDir, attempts: 3 }))];
  for (const w of ws) await w.until((e) => e.event === "reserved");
  for (const w of ws) w.proc.kill("SIGKILL");
  await Promise.all(ws.map((w) => w.done));

  // The dead processes' reservations still count: 6 settled + 2 reserved.
  let s = spendOf(await readState());
  assert.equal(s.committed, 6n * CENT_ATTO);
  assert.equal(s.reserved, 2n * CENT_ATTO);
  assert.equal(s.open, 2);

  // No line a worker reported written is lost; both chains verify.
  await checkAudit(auditDir, ws);

  // After the lease, the next step of any process releases them.
  const now = Date.now();
  for (const [at, open] of [[now + 60_000, 3], [now + LEASE_MS + 1000, 1]]) {
    const g = await PaymentGuard.create({ config: config("checker"), store: await guardStore(), replayKey: REPLAY_KEY,
      auditKey: AUDIT_KEY, clock: () => at, warn: () => {} });
    const url = `https://api.example.com/item/checker/${at}`;
    const p = await g.begin({ method: "GET", url, body: body(url) });
    assert.equal(p.action.do, "sign");
    s = spendOf(await readState());
    assert.equal(s.open, open, `open reservations at +${at - now} ms`);
    const sent = await g.resume(p, signedFor(p.action, at));
    assert.equal((await g.resume(sent, { on: "response", status: 200, settlement: settled() })).action.allowed, true);
    await g.close();
  }
  s = spendOf(await readState());
  assert.equal(s.committed, 8n * CENT_ATTO, "6 paid before the crash + 2 by the checker; the dead reservations are gone");
  assert.equal(s.reserved, 0n);
  assert.equal(s.open, 0);
}

test("crash on Redis: kill -9 between reserve and commit; released after the lease; reported audit lines kept", async () => {
  await crashTest({ store: "redis", redisUrl: redis.url, tenant: "crash" }, () => redisState("crash"),
    async () => new RedisStore({ url: redis.url, tenant: "crash" }));
});

test("crash on the file store (Node and Python sharing one directory): same guarantees", async () => {
  const dir = join(scratch, "filestore");
  await crashTest({ store: "file", dir }, async () => JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).state,
    async () => FileStore.open(dir));
});

test("file store shared by 2 Node + 2 Python processes: exactly the limit is allowed", async () => {
  const dir = join(scratch, "filestore-spend");
  const auditDir = join(scratch, "audit-file-spend");
  mkdirSync(auditDir);
  const startAtMs = Date.now() + 4000;
  // $10 limit, 4 × 300 × $0.01 = $12 offered
  const ws = [0, 1].flatMap((i) => [
    worker("node", baseJob({ mode: "spend", store: "file", dir, replica: `fnode-${i}`, auditDir, attempts: 300, startAtMs })),
    worker("py", baseJob({ mode: "spend", store: "file", dir, replica: `fpy-${i}`, auditDir, attempts: 300, startAtMs })),
  ]);
  const done = (await Promise.all(ws.map((w) => w.done))).map((evs) => evs.find((e) => e.event === "done"));
  assert.equal(done.reduce((n, d) => n + d.allowed, 0), 1000);
  const s = spendOf(JSON.parse(readFileSync(join(dir, "state.json"), "utf8")).state);
  assert.equal(s.committed, 1000n * CENT_ATTO);
  await checkAudit(auditDir, ws);
});

/** Starts the sidecar binary (SIDECAR_BIN; built by `make test-stores`) on a free loopback port. */
async function startSidecar(extraArgs, env) {
  const bin = process.env.SIDECAR_BIN;
  assert.ok(bin, "SIDECAR_BIN names the sidecar binary (make test-stores sets it)");
  const proc = spawn(bin, ["--listen", "127.0.0.1:0", ...extraArgs], {
    env: { PATH: process.env.PATH, X402_AUDIT_KEY: AUDIT_KEY, X402_FINGERPRINT_KEY: REPLAY_KEY, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  const addr = await new Promise((resolve, reject) => {
    proc.stderr.on("data", (d) => {
      err += d;
      const m = /listening on (\S+)/.exec(err);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`the sidecar exited ${code}: ${err.slice(-2000)}`)));
    proc.on("error", reject);
  });
  return { proc, url: `http://${addr}` };
}

/**
 * The commands clients send on `tenant` (MONITOR; a script's own commands are not round trips) while `run`
 * runs: each as its name, with `+head` for a script whose first key is an audit head (the core's `head` script:
 * a head save of its own, not one riding a payment's compare-and-set, whose first key is the state).
 */
async function monitored(tenant, run) {
  const mon = await redis.client.duplicate().monitor();
  const seen = [];
  mon.on("monitor", (_t, args, source) => {
    const keys = args.map(String).filter((x) => x.includes(`{${tenant}}`));
    if (source !== "lua" && keys.length > 0) {
      const cmd = String(args[0]).toLowerCase();
      seen.push(cmd + (cmd.startsWith("eval") && keys[0].includes(":head:") ? "+head" : ""));
    }
  });
  try {
    await run();
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    mon.disconnect();
  }
  return seen;
}

test("round trips per payment with an audit log (MONITOR): 2 in the sidecar, Node and Python (heads ride the compare-and-sets; was 4, then 6; 0.4.0: 8), and head saves of their own when the guard goes quiet (two, or more on a loaded machine)", async () => {
  const N = 10;
  const auditDir = join(scratch, "audit-rt");
  mkdirSync(auditDir);
  const policy = join(scratch, "rt-policy.json");
  writeFileSync(policy, JSON.stringify(config("rt-sc")));
  const sc = await startSidecar(["--policy", policy, "--store", "redis", "--redis-url", redis.url, "--redis-tenant", "rt-sidecar",
    "--audit-dir", auditDir, "--replica-id", "rt-sc"], {});
  try {
    const job = (tenant, replica, attempts) => baseJob({ mode: "spend", store: "redis", redisUrl: redis.url, tenant, replica, auditDir, attempts });
    // Warm: the sidecar's first payment (its first load); then N counted ones.
    await worker("sidecar", { ...job("rt-sidecar", "rt-w", 1), sidecarUrl: sc.url }).done;
    await new Promise((r) => setTimeout(r, 200)); // the warm payment's head is flushed (20 quiet ms)
    const sidecar = await monitored("rt-sidecar", () => worker("sidecar", { ...job("rt-sidecar", "rt-c", N), sidecarUrl: sc.url }).done);
    // 2 per payment; after a quiet spell the first payment's pre-sign line saves its head (its reservation
    // could not check the flushed one), and the last payment's head is saved once the sidecar is quiet
    // again (docs/STORES.md, "Flushing the head"). Quiet spells are wall time (20 ms): a loaded machine has
    // more of them between the worker's payments, and each adds head saves of their own, never a payment
    // round trip. So the payments' count is exact, and the head saves are at least the two and at most two
    // per payment.
    const own = (seen) => seen.filter((c) => c.endsWith("+head")).length;
    const trips = (seen) => seen.filter((c) => !c.endsWith("+head") && c !== "hmget").length;
    assert.equal(trips(sidecar), 2 * N, sidecar.join(" "));
    assert.ok(own(sidecar) >= 2 && own(sidecar) <= 2 * N + 2, sidecar.join(" "));
    assert.equal(sidecar.length, trips(sidecar) + own(sidecar), sidecar.join(" "));
    for (const kind of ["node", "py"]) {
      await worker(kind, job(`rt-${kind}`, `rt-${kind}-w`, 1)).done;
      // Besides the payments' scripts, a new process reads its head and, for its first step, the state;
      // closing saves the last payment's head (and quiet spells, as above, may save more).
      const seen = await monitored(`rt-${kind}`, () => worker(kind, job(`rt-${kind}`, `rt-${kind}-c`, N)).done);
      assert.equal(trips(seen), 2 * N, `${kind}: ${seen.join(" ")}`);
      assert.ok(own(seen) >= 1 && own(seen) <= 2 * N + 1, `${kind}: ${seen.join(" ")}`);
      assert.ok(seen.filter((c) => c === "hmget").length <= 3, `${kind}: ${seen.join(" ")}`);
    }
  } finally {
    sc.proc.kill("SIGTERM");
  }
});

test("sidecar + Node + Python on one Redis, $10 window: 2 sidecar clients, 2 Node, 2 Python workers → exactly $10.00 committed", async () => {
  const auditDir = join(scratch, "audit-sidecar");
  mkdirSync(auditDir);
  const policy = join(scratch, "sidecar-policy.json");
  writeFileSync(policy, JSON.stringify(config("sidecar-0")));
  const tenant = "with-sidecar";
  const sc = await startSidecar(["--policy", policy, "--store", "redis", "--redis-url", redis.url, "--redis-tenant", tenant,
    "--audit-dir", auditDir, "--replica-id", "sidecar-0"], {});
  try {
    const startAtMs = Date.now() + 4000;
    const job = (replica, attempts) => baseJob({ mode: "spend", store: "redis", redisUrl: redis.url, tenant, replica, auditDir, attempts, startAtMs });
    const ws = [
      worker("sidecar", { ...job("sc-a", 300), sidecarUrl: sc.url }),
      worker("sidecar", { ...job("sc-b", 300), sidecarUrl: sc.url }),
      worker("node", job("snode-0", 250)), worker("node", job("snode-1", 250)),
      worker("py", job("spy-0", 250)), worker("py", job("spy-1", 250)),
    ];
    const done = (await Promise.all(ws.map((w) => w.done))).map((evs) => evs.find((e) => e.event === "done"));
    const by = (k) => done.filter((_, i) => ws[i].kind === k).reduce((n, d) => n + d.allowed, 0);
    console.log(`sidecar proof: allowed via sidecar ${by("sidecar")}, Node ${by("node")}, Python ${by("py")}`);
    const other = done.flatMap((d) => Object.keys(d.codes).filter((c) => c !== "policy-window-exceeded"));
    assert.deepEqual(other, [], "the only refusal is the window limit");
    assert.equal(done.reduce((n, d) => n + d.allowed, 0), 1000, "exactly 1,000 × $0.01 allowed");
    for (const k of ["sidecar", "node", "py"]) assert.ok(by(k) > 0, `${k} spent from the shared budget`);
    const s = spendOf(await redisState(tenant));
    assert.equal(s.committed, 1000n * CENT_ATTO, "exactly $10.00 committed");
    assert.equal(s.reserved, 0n);
    assert.equal(s.open, 0);
    const b = await (await fetch(sc.url + "/v1/budgets")).json();
    assert.equal(b.window.used_usd, "10", "the sidecar reads the same budget");
    // Every chain verifies, the sidecar's included (against the heads in Redis).
    const v = await (await fetch(sc.url + "/v1/audit/verify", { method: "POST" })).json();
    assert.equal(v.ok, true, JSON.stringify(v));
    const report = await checkAudit(auditDir, ws.filter((w) => w.kind !== "sidecar"));
    assert.equal(report.chains.length, 5);
  } finally {
    sc.proc.kill("SIGTERM");
  }
});
