// Operator controls through the PACKED package's public API (README "Operator
// controls"): the kill switch (halt -> guard-halted -> unhalt -> paid; shared by
// two processes over a FileStore and by two guards over Redis), velocity limits
// and per-asset caps in atomic units.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, payThrough } from "./helpers.mjs";
import { challenge, startRedis } from "./store-helpers.mjs";

const ASSET = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const CONFIG = { max_per_call_usd: "1", daily_limit_usd: "5" };
const opened = [];
let redis;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const g of opened) await g.close().catch(() => {});
  await redis?.stop();
});

async function guard(config = {}, opts = {}) {
  const g = await x.PaymentGuard.create({ config: { ...CONFIG, ...config }, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {}, ...opts });
  opened.push(g);
  return g;
}

test("halt: every payment refused with guard-halted (audited, policy family); unhalt: paid", async () => {
  const lines = [];
  const g = await guard({}, { audit: (l) => lines.push(JSON.parse(l)) });
  await g.halt("incident 42", "ops");
  assert.equal(g.halted?.reason, "incident 42");
  const refused = await payThrough(g, challenge("halt-1"));
  assert.equal(refused.allowed, false);
  assert.equal(refused.code, "guard-halted");
  assert.equal(refused.family, "policy-violation");
  const err = g.errorOf(refused);
  assert.equal(err.code, "guard-halted");
  assert.deepEqual(refused.metrics.find((m) => m.name === "x402_policy_violations_total")?.labels, { limit_type: "halted" });
  await g.unhalt();
  assert.equal(g.halted, null);
  assert.equal((await payThrough(g, challenge("halt-1"))).allowed, true);
  assert.deepEqual(lines.map((l) => l.event_type), ["guard_halted", "payment_blocked", "guard_resumed", "payment_allowed", "payment_settled"]);
  await assert.rejects(g.halt("a\nb"), (e) => e.code === "invalid-input");
});

test("velocity: the second payment in the interval is refused with velocity-exceeded", async () => {
  const g = await guard({ velocity: { max_payments: 1, interval_seconds: 60 } });
  assert.equal((await payThrough(g, challenge("v-1"))).allowed, true);
  const d = await payThrough(g, challenge("v-2"));
  assert.equal(d.code, "velocity-exceeded");
  assert.equal(g.errorOf(d).code, "velocity-exceeded");
});

test("asset cap in atomic units: refused with asset-cap-exceeded", async () => {
  const g = await guard({ asset_caps: [{ network: "base-sepolia", address: ASSET, max_per_call: "9999" }] });
  assert.equal((await payThrough(g, challenge("a-1", "9999"))).allowed, true);
  assert.equal((await payThrough(g, challenge("a-2", "10000"))).code, "asset-cap-exceeded");
});

test("halt is shared by two processes over a FileStore", async () => {
  const dir = mkdtempSync(join(tmpdir(), "px402-halt-"));
  try {
    const child = `import * as x from "presidio-hardened-x402";
      const g = await x.PaymentGuard.create({ store: await x.FileStore.open(${JSON.stringify(dir)}), replayKey: "${REPLAY_KEY}", auditKey: "${AUDIT_KEY}", warn: () => {} });
      await g.halt("from another process", "ops-cli"); await g.close();`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", child], { cwd: new URL(".", import.meta.url).pathname, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const g = await guard({}, { store: await x.FileStore.open(dir) });
    assert.equal((await payThrough(g, challenge("f-1"))).code, "guard-halted");
    assert.equal(g.halted?.by, "ops-cli");
    await g.unhalt();
    assert.equal((await payThrough(g, challenge("f-1"))).allowed, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("halt is shared by two guards over Redis", async () => {
  const tenant = `halt-${process.pid}`;
  const a = await guard({}, { store: new x.RedisStore({ url: redis.url, tenant }) });
  const b = await guard({}, { store: new x.RedisStore({ url: redis.url, tenant }) });
  await a.halt("redis incident");
  assert.equal((await payThrough(b, challenge("r-1"))).code, "guard-halted");
  await b.unhalt();
  assert.equal((await payThrough(a, challenge("r-1"))).allowed, true);
});
