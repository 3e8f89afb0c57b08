// Operator controls through the public API (the PACKED package) against a
// local x402 server: quote drift, wallet pinning warn vs block, budget alerts
// posted to a loopback webhook.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { createHmac } from "node:crypto";
import * as x from "presidio-hardened-x402";
import { startWorld, fakeSigner, REPLAY_KEY, AUDIT_KEY } from "./helpers.mjs";

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
