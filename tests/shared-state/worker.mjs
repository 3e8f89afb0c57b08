// A Node worker of the shared-state proofs (see proofs.test.mjs).
//
// Usage: node worker.mjs '<json job>'; the job is
//   {mode: "spend"|"double"|"crash", store: "redis"|"file", redisUrl?, tenant?, dir?,
//    replica, auditDir, replayKey, auditKey, attempts?, startAtMs?, urlBase}
// Each payment runs in the guard's driver: begin (reserved when allowed), then
// the worker answers the driver's sign and send with a scripted payload and a
// settled 200. It prints one JSON object per line on stdout:
//   {"event":"line","seq","mac"}  after an audit line is durably written (fsynced),
//   {"event":"reserved"}          (crash mode) when a payment is reserved (at sign) and not yet sent,
//   {"event":"done","allowed","codes"} at the end.
import { join } from "node:path";
import { PaymentGuard, RedisStore, FileStore, FileAuditSink } from "presidio-hardened-x402/node";
import { body, config, settled, signedFor, sleepUntil } from "./common.mjs";

const job = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const store = job.store === "redis"
  ? new RedisStore({ url: job.redisUrl, tenant: job.tenant })
  : await FileStore.open(job.dir);
const sink = new FileAuditSink(join(job.auditDir, `${job.replica}.jsonl`));
const guard = await PaymentGuard.create({
  config: config(job.replica),
  store,
  replayKey: job.replayKey,
  auditKey: job.auditKey,
  audit: sink,
  warn: () => {},
});

const codes = {};
let allowed = 0;
const line = () => guard.head && out({ event: "line", ...guard.head });
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
} else if (job.mode === "double") {
  const v = await attempt(job.urlBase);
  if (v) await settle(v);
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
