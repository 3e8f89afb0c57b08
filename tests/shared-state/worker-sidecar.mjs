// A worker of the shared-state proofs that pays through the sidecar's HTTP API
// (see proofs.test.mjs): decide, then sign and report exactly as the other
// workers do; the sidecar runs the core's driver on the same Redis tenant.
//
// Usage: node worker-sidecar.mjs '<json job>'; the job is
//   {sidecarUrl, replica, attempts, startAtMs?, urlBase}
// It prints {"event":"done","allowed","codes"} at the end (the sidecar writes
// its own audit chain, so no "line" events).
import { body, settled, signedFor, sleepUntil } from "./common.mjs";

const job = JSON.parse(process.argv[2]);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

async function call(path, payload) {
  const res = await fetch(job.sidecarUrl + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text);
}

const codes = {};
let allowed = 0;
await sleepUntil(job.startAtMs ?? 0);
for (let i = 0; i < job.attempts; i++) {
  const url = `${job.urlBase}/${job.replica}/${i}`;
  const d = await call("/v1/decide", { request: { method: "GET", url }, response: { status: 402, headers: { "content-type": "application/json" }, body: body(url) } });
  if (d.next === "done") {
    codes[d.code] = (codes[d.code] ?? 0) + 1;
    continue;
  }
  allowed++;
  const s = await call(`/v1/payments/${d.payment_id}/signed`, { payload: signedFor(d.sign).payload });
  if (s.next !== "send") throw new Error(`signed: ${JSON.stringify(s)}`);
  const r = await call(`/v1/payments/${d.payment_id}/response`, { status: 200, settlement: settled() });
  if (!r.allowed) throw new Error(`settle refused: ${r.code}`);
}
out({ event: "done", allowed, codes });
