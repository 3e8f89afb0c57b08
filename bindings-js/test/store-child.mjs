// A payer process for the shared-store tests: pays `n` synthetic 0.01 USD
// challenges through a guard on a shared FileStore or RedisStore, with its
// own replica id and audit file, and prints one JSON line per payment.
//   node store-child.mjs file <dir> <replica> <n> <auditDir> [loop]
//   node store-child.mjs redis <url> <replica> <n> <auditDir> <tenant>
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, payThrough } from "./helpers.mjs";
import { challenge, STORE_CONFIG } from "./store-helpers.mjs";

const [kind, where, replica, n, auditDir, extra] = process.argv.slice(2);
const store = kind === "file" ? await x.FileStore.open(where) : new x.RedisStore({ url: where, tenant: extra });
const audit = new x.FileAuditSink(join(auditDir, `${replica}.jsonl`));
const guard = await x.PaymentGuard.create({ config: { ...STORE_CONFIG, replica_id: replica }, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, store, audit, warn: () => {} });
const loop = extra === "loop";
for (let i = 0; loop || i < Number(n); i++) {
  const ctx = challenge(`${replica}-${i}`);
  let out;
  try {
    const done = await payThrough(guard, ctx);
    out = { i, allowed: done.allowed, code: done.code };
  } catch (e) {
    out = { i, allowed: false, code: e.code ?? String(e) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
await guard.close();
