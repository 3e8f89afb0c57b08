// A Node worker of the shared-state proofs (see proofs.test.mjs).
//
// Usage: node worker.mjs '<json job>'; the job is
//   {mode: "spend"|"double"|"crash"|"faults"|"append"|"bench" (pays until endAtMs), store: "redis"|"redis-cluster"|"file", redisUrl?,
//    clusterNodes? ([{host, port}]: an ioredis Cluster client, cluster.test.mjs), tenant?, dir?,
//    replica, auditDir, replayKey, auditKey, attempts?, startAtMs?, urlBase, limitUsd?,
//    faultsEndAtMs?, recoverAtMs?, drainAtMs?, recoveryAttempts?, rate?, run?}
// Each payment runs in the guard's driver: begin (reserved when allowed), then
// the worker answers the driver's sign and send with a scripted payload and a
// settled 200. It prints one JSON object per line on stdout:
//   {"event":"line","seq","mac"}  after an audit line is durably written (fsynced),
//   {"event":"reserved"}          (crash mode) when a payment is reserved (at sign) and not yet sent,
//   {"event":"done","allowed","codes"} at the end.
// Modes "faults" (faults.test.mjs) and "append" (crash.test.mjs) write the audit log through a sink that reports
// each line once the file sink resolved its write (fsynced), and also prints
//   {"event":"sent","id"}                          when it answers a `send` (the payment leaves),
//   {"event":"result","id","phase","allowed","code"} for every attempt;
// mode "append" prints {"event":"ready"} once the guard is open.
import { join } from "node:path";
import Redis from "ioredis";
import { PaymentGuard, RedisStore, FileStore, FileAuditSink } from "presidio-hardened-x402/node";
import { body, config, settled, signedFor, sleepUntil } from "./common.mjs";

const job = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const store = job.store === "redis"
  ? new RedisStore({ url: job.redisUrl, tenant: job.tenant })
  : job.store === "redis-cluster"
    ? new RedisStore({ client: new Redis.Cluster(job.clusterNodes, { redisOptions: { commandTimeout: 2000 } }), tenant: job.tenant })
    : await FileStore.open(job.dir);
const file = new FileAuditSink(join(job.auditDir, `${job.replica}.jsonl`));
/** The file sink; in mode "faults", reporting each line the sink said it wrote. */
const sink = job.mode !== "faults" && job.mode !== "append" ? file : {
  async write(l) {
    await file.write(l);
    const { seq, mac } = JSON.parse(l);
    out({ event: "line", seq, mac });
  },
  head: () => file.head(),
  close: () => file.close?.(),
};
const guard = await PaymentGuard.create({
  config: config(job.replica, job.limitUsd),
  store,
  replayKey: job.replayKey,
  auditKey: job.auditKey,
  audit: sink,
  warn: () => {},
});

const codes = {};
let allowed = 0;
const line = () => job.mode !== "bench" && guard.head && out({ event: "line", ...guard.head });
async function attempt(url) {
  const p = await guard.begin({ method: "GET", url, body: body(url) });
  line();
  if (p.action.do === "done") {
    codes[p.action.code] = (codes[p.action.code] ?? 0) + 1;
    return null;
  }
  allowed++;
  return p;
}
/** Signs and sends an allowed payment (scripted): the driver settles it. */
async function settle(p) {
  const sent = await guard.resume(p, signedFor(p.action));
  const done = await guard.resume(sent, { on: "response", status: 200, settlement: settled() });
  if (!done.action.allowed) throw new Error(`settle refused: ${done.action.code}`);
  line();
}

await sleepUntil(job.startAtMs ?? 0);
if (job.mode === "spend") {
  for (let i = 0; i < job.attempts; i++) {
    const v = await attempt(`${job.urlBase}/${job.replica}/${i}`);
    if (v) await settle(v);
  }
} else if (job.mode === "bench") {
  // bench-redis.mjs: distinct purchases, one after another, until endAtMs; reports when it began and
  // when each payment ended (the bench counts only the time every process was paying).
  const ends = [];
  const begun = Date.now();
  for (let i = 0; Date.now() < job.endAtMs; i++) {
    const v = await attempt(`${job.urlBase}/${job.replica}/${i}`);
    if (v) await settle(v);
    ends.push(Date.now());
  }
  out({ event: "bench", begun, ends });
} else if (job.mode === "double") {
  const v = await attempt(job.urlBase);
  if (v) await settle(v);
} else if (job.mode === "faults") {
  await faults();
} else if (job.mode === "append") {
  // crash.test.mjs: pays until killed (or `attempts` purchases, then exits).
  out({ event: "ready" });
  for (let i = 0; i < (job.attempts ?? Infinity); i++) await purchase(`${job.run}/${i}`, "append");
} else if (job.mode === "crash") {
  // Some complete payments, then one reserved and never settled: the parent kills us here.
  for (let i = 0; i < job.attempts; i++) {
    const v = await attempt(`${job.urlBase}/${job.replica}/${i}`);
    if (v) await settle(v);
  }
  const v = await attempt(`${job.urlBase}/${job.replica}/reserved`);
  if (v) out({ event: "reserved" });
  await new Promise(() => setInterval(() => {}, 1000));
}
out({ event: "done", allowed, codes });
await guard.close();
process.exit(0);

/** One purchase (its URL is the purchase id), to its end; the driver decides everything. */
async function purchase(id, phase, amount = "10000") {
  const url = `${job.urlBase}/${id}`;
  let p = await guard.begin({ method: "GET", url, body: body(url, amount) });
  if (p.action.do === "sign") p = await guard.resume(p, signedFor(p.action));
  if (p.action.do === "send") {
    out({ event: "sent", id, amount });
    p = await guard.resume(p, { on: "response", status: 200, settlement: settled() });
  }
  const { allowed: ok, code } = p.action;
  out({ event: "result", id, phase, amount, allowed: ok === true, code: code ?? null });
  if (ok) allowed++;
  else codes[code] = (codes[code] ?? 0) + 1;
  return ok === true ? "allowed" : code;
}

/**
 * Mode "faults": until `faultsEndAtMs`, at most `attempts` purchases (retries included), at
 * most `rate` a second; every 4th purchase id is shared by all workers, the others are this worker's.
 * A purchase refused with `store-unavailable` is tried again (same id) up to twice. From
 * `recoverAtMs` (the faults are off), one purchase of this worker's own, then from `drainAtMs`
 * purchases of $0.10 until the budget refuses one
 * (`policy-window-exceeded`), then of $0.01 until it refuses again (so the budget is spent to
 * the cent), at most `recoveryAttempts`: the guard must pay again.
 */
async function faults() {
  const id = (tag, i) => (i % 4 === 0 ? `${tag}-shared/${i}` : `${tag}/${job.replica}/${i}`);
  let calls = 0;
  const run = async (phase, i, amount = "10000") => {
    const tag = amount === "10000" ? phase : `${phase}-${amount}`;
    for (let t = 0; t < 3; t++) {
      calls++;
      const r = await purchase(id(tag, i), phase, amount);
      if (r !== "store-unavailable") return r;
    }
    return "store-unavailable";
  };
  for (let i = 0; calls < job.attempts && Date.now() < job.faultsEndAtMs; i++) {
    await sleepUntil(job.startAtMs + (calls * 1000) / job.rate); // at most `rate` a second, spread over the phase
    await run("faults", i);
  }
  await sleepUntil(job.recoverAtMs);
  // First one purchase of this worker's own ($0.01), then, from `drainAtMs`, all drain the budget:
  // no worker's first payment after the faults races the others' draining.
  await purchase(`recovery-first/${job.replica}`, "recovery", "10000");
  await sleepUntil(job.drainAtMs ?? job.recoverAtMs);
  let amount = "100000"; // $0.10 until the budget refuses, then $0.01 until it refuses again
  for (let i = 0; i < job.recoveryAttempts; i++) {
    if ((await run("recovery", i, amount)) !== "policy-window-exceeded") continue;
    if (amount === "10000") break;
    amount = "10000";
  }
}
