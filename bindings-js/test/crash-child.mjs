// Pays in a loop with a FileStore and a file audit sink until killed.
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { fakeSigner, REPLAY_KEY, AUDIT_KEY } from "./helpers.mjs";
const [dir, url] = process.argv.slice(2);
const store = await x.FileStore.open(join(dir, "store"));
const audit = new x.FileAuditSink(join(dir, "audit.jsonl"));
const f = await x.createHardenedFetch({ signer: fakeSigner().signer, config: { max_per_call_usd: 1, daily_limit_usd: 1000 }, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, store, audit, warn: () => {} });
for (let i = 1; ; i++) {
  await f(`${url}/v1/crash-${i}`);
  process.stdout.write(`paid ${i}\n`);
}
