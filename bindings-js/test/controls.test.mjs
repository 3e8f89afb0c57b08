// Operator controls through the PACKED package's public API (README "Operator
// controls"): the kill switch (halt -> guard-halted -> unhalt -> paid; shared by
// two processes over a FileStore and by two guards over Redis), velocity limits
// and per-asset caps in atomic units; against a local x402 server: quote drift,
// wallet pinning warn vs block, budget alerts posted to a loopback webhook.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, payThrough, startWorld, fakeSigner } from "./helpers.mjs";
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

// ---- quote drift, wallet-pinning modes, budget alerts ----

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

const OTHER = "0x00000000000000000000000000000000000000b0";
const SECRET = "alert-secret-0123456789";

async function hardened(config) {
  const sink = new x.MemoryAuditSink();
  const metrics = new x.MemoryMetrics();
  const s = fakeSigner();
  const f = await x.createHardenedFetch({ signer: s.signer, config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, metrics, warn: () => {} });
  return { f, sink, metrics };
}
const alertsOf = (sink) => sink.lines.map((l) => JSON.parse(l).alerts ?? null);

test("quote drift: a price over the last paid one × (1 + ratio) is refused with quote-drift-exceeded", async () => {
  const { f, sink } = await hardened({ max_quote_increase_ratio: "0.5" });
  assert.equal((await f(`${world.url}/v2/drift?amount=1000`)).status, 200);
  assert.equal((await f(`${world.url}/v2/drift?amount=1500`)).status, 200, "at the ratio");
  await assert.rejects(f(`${world.url}/v2/drift?amount=2251`),
    (e) => e instanceof x.PolicyViolationError && e.code === "quote-drift-exceeded");
  assert.match(sink.lines.at(-1), /"code":"quote-drift-exceeded"/);
});

test("wallet_pinning block refuses a changed payee; warn pays it, audits and counts it", async () => {
  const block = await hardened({ wallet_pinning: "block" });
  assert.equal((await block.f(`${world.url}/v2/pin-b?n=1`)).status, 200);
  await assert.rejects(block.f(`${world.url}/v2/pin-b?n=2&payto=${OTHER}`),
    (e) => e instanceof x.PolicyViolationError && e.code === "pay-to-pin-mismatch");
  const warn = await hardened({ wallet_pinning: "warn" });
  assert.equal((await warn.f(`${world.url}/v2/pin-w?n=1`)).status, 200);
  assert.equal((await warn.f(`${world.url}/v2/pin-w?n=2&payto=${OTHER}`)).status, 200);
  assert.deepEqual(alertsOf(warn.sink), [null, null, ["pay-to-pin-mismatch"], null]);
  assert.equal(warn.metrics.total("x402_alerts_total", { kind: "pay_to_pin" }), 1);
});

test("budget alerts at 0.8 and 0.95 fire once each and reach the webhook, signed", async () => {
  const got = [];
  const hook = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    got.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(204).end();
  });
  await new Promise((r) => hook.listen(0, "127.0.0.1", r));
  try {
    const url = `http://127.0.0.1:${hook.address().port}/alerts`;
    const { f, sink, metrics } = await hardened({ daily_limit_usd: "0.01", budget_alerts: [0.8, 0.95], agent_id: "agent-7",
      alert_webhook: { url, secret: SECRET } });
    for (const [n, amount] of ["4000", "4000", "1000", "600", "200"].entries()) {
      assert.equal((await f(`${world.url}/v2/budget?n=${n}&amount=${amount}`)).status, 200);
    }
    assert.deepEqual(alertsOf(sink), [null, null, ["budget:0.8:*"], null, null, null, ["budget:0.95:*"], null, null, null]);
    assert.equal(metrics.total("x402_alerts_total", { kind: "budget", window: "*", fraction: "0.8" }), 1);
    assert.equal(metrics.total("x402_alerts_total", { kind: "budget", window: "*", fraction: "0.95" }), 1);
    for (let i = 0; i < 250 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got.length, 2);
    const fractions = got.map(({ headers, body }) => {
      assert.equal(headers["x-presidio-signature"], createHmac("sha256", SECRET).update(body).digest("hex"));
      const doc = JSON.parse(body);
      assert.equal(doc.event, "x402_alert");
      assert.equal(doc.agent_id, "agent-7");
      assert.equal(doc.alerts.length, 1);
      assert.equal(doc.alerts[0].limit_usd, "0.01");
      return doc.alerts[0].fraction;
    });
    assert.deepEqual(fractions.sort(), ["0.8", "0.95"]);
  } finally {
    hook.closeAllConnections();
    await new Promise((r) => hook.close(r));
  }
});
