// What the shared-state tests share (proofs.test.mjs, faults.test.mjs): a real
// redis-server on a free 127.0.0.1 port, the workers (worker.mjs, worker.py)
// and reading the core's state.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import Redis from "ioredis";
import { verifyAuditDir } from "presidio-hardened-x402/node";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const PY = process.env.STORES_PYTHON ?? "python3";
export const REPLAY_KEY = "11".repeat(32);
export const AUDIT_KEY = "22".repeat(32);
export const CENT_ATTO = 10n ** 16n; // $0.01 in the core's 10^-18 dollar units

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server in `dir` (made if missing) on `port` (a free one by default) and waits
 * for a PING. `aof`: an append-only file with `appendfsync always` (every write acknowledged
 * is on disk, so a restart in the same `dir` keeps it); otherwise no persistence.
 */
export async function startRedis(dir, { port, aof = false } = {}) {
  port ??= await freePort();
  mkdirSync(dir, { recursive: true });
  const persistence = aof ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", ...persistence,
    "--dir", dir, "--protected-mode", "yes"], { stdio: ["ignore", "pipe", "pipe"] });
  const spawnError = new Promise((_, reject) => proc.on("error", (e) => reject(new Error(`redis-server could not start: ${e.message}`))));
  const url = `redis://127.0.0.1:${port}/0`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => {});
  for (let i = 0; ; i++) {
    try {
      await Promise.race([spawnError, new Promise((r) => setTimeout(r, 100))]);
      if (client.status !== "ready") await client.connect();
      if ((await client.ping()) === "PONG") break;
    } catch (e) {
      if (i > 100 || String(e.message).startsWith("redis-server could not start")) throw e;
      client.disconnect();
    }
  }
  return { proc, port, url, client, dir };
}

/** Starts a worker; `events` fills as it prints; `done` resolves with them when it exits. */
export function worker(kind, job) {
  const script = { node: "worker.mjs", py: "worker.py", sidecar: "worker-sidecar.mjs" }[kind];
  const args = [join(HERE, script), JSON.stringify(job)];
  const proc = spawn(kind === "py" ? PY : process.execPath, args, { cwd: HERE, stdio: ["ignore", "pipe", "pipe"] });
  const events = [];
  let buf = "";
  let err = "";
  const waiters = [];
  proc.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      events.push(JSON.parse(line));
      for (const w of waiters.splice(0)) w();
    }
  });
  proc.stderr.on("data", (d) => (err += d));
  const done = new Promise((resolve, reject) => {
    proc.on("exit", (code, signal) => {
      if (code === 0 || signal === "SIGKILL") resolve(events);
      else reject(new Error(`${kind} worker ${job.replica} exited ${code ?? signal}: ${err.slice(-2000)}`));
    });
  });
  const until = async (pred, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!events.some(pred)) {
      if (proc.exitCode !== null) throw new Error(`${kind} worker ${job.replica} exited early: ${err.slice(-2000)}`);
      if (Date.now() > end) throw new Error(`${kind} worker ${job.replica}: timed out`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 200); });
    }
  };
  return { proc, events, done, until, kind, replica: job.replica };
}

export function baseJob(extra) {
  return { replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, urlBase: "https://api.example.com/item", ...extra };
}

/** The 8 workers: replicas node-0..3 and py-0..3. */
export function eight(make) {
  return [0, 1, 2, 3].flatMap((i) => [worker("node", make(`node-${i}`)), worker("py", make(`py-${i}`))]);
}

/** Committed and reserved spend (10^-18 dollars) of a state's global ledger. */
export function spendOf(stateText) {
  const st = JSON.parse(stateText);
  let committed = 0n;
  let reserved = 0n;
  for (const [, c, r] of st.spend.l["*"] ?? []) {
    committed += BigInt(c);
    reserved += BigInt(r);
  }
  return { committed, reserved, open: st.spend.r.length };
}

/** Every chain in `dir` verifies (with `opts`: stored heads), and every head a worker reported is in its chain. */
export async function checkAudit(dir, workers, opts) {
  const report = await verifyAuditDir(dir, AUDIT_KEY, opts);
  assert.equal(report.ok, true, JSON.stringify(report));
  for (const w of workers) {
    const text = readFileSync(join(dir, `${w.replica}.jsonl`), "utf8");
    const macs = new Set(text.split("\n").filter(Boolean).map((l) => JSON.parse(l).mac));
    const reported = w.events.filter((e) => e.event === "line");
    assert.ok(reported.length > 0, `${w.replica} reported lines`);
    for (const e of reported) assert.ok(macs.has(e.mac), `${w.replica}: reported line seq ${e.seq} is in its chain`);
    for (const l of text.split("\n").filter(Boolean)) assert.equal(JSON.parse(l).replica, w.replica);
  }
  return report;
}
