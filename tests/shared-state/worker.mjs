// A Node worker of the shared-state proofs (see proofs.test.mjs).
//
// Usage: node worker.mjs '<json job>'; the job is
//   {mode: "spend"|"double"|"crash", store: "redis"|"file", redisUrl?, tenant?, dir?,
//    replica, auditDir, replayKey, auditKey, attempts?, startAtMs?, urlBase}
// It prints one JSON object per line on stdout:
//   {"event":"line","seq","mac"}  after an audit line is durably written (fsynced),
//   {"event":"reserved"}          (crash mode) when a payment is reserved and not yet settled,
//   {"event":"done","allowed","codes"} at the end.
import { join } from "node:path";
import { PaymentGuard, RedisStore, FileStore, FileAuditSink } from "presidio-hardened-x402/node";
import { body, config, sleepUntil } from "./common.mjs";

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
async function attempt(url) {
  const v = await guard.decide({ method: "GET", url, body: body(url) });
  out({ event: "line", ...v.decision.head });
  if (!v.allowed) {
    codes[v.code] = (codes[v.code] ?? 0) + 1;
    return null;
  }
  allowed++;
  return v;
}

await sleepUntil(job.startAtMs ?? 0);
if (job.mode === "spend") {
  for (let i = 0; i < job.attempts; i++) {
    const v = await attempt(`${job.urlBase}/${job.replica}/${i}`);
    if (v) {
      const d = await guard.settle(v.assessment.id, "settled", v.assessment.fingerprint);
      out({ event: "line", ...d.head });
    }
  }
} else if (job.mode === "double") {
  const v = await attempt(job.urlBase);
  if (v) {
    const d = await guard.settle(v.assessment.id, "settled", v.assessment.fingerprint);
    out({ event: "line", ...d.head });
  }
} else if (job.mode === "crash") {
  // Some complete payments, then one reserved and never settled: the parent kills us here.
  for (let i = 0; i < job.attempts; i++) {
    const v = await attempt(`${job.urlBase}/${job.replica}/${i}`);
    if (v) {
      const d = await guard.settle(v.assessment.id, "settled", v.assessment.fingerprint);
      out({ event: "line", ...d.head });
    }
  }
  const v = await attempt(`${job.urlBase}/${job.replica}/reserved`);
  if (v) out({ event: "reserved" });
  await new Promise(() => setInterval(() => {}, 1000));
}
out({ event: "done", allowed, codes });
await guard.close();
process.exit(0);
