// Echoes and secrets: a signer's error never reaches ours, keys are not
// reachable from the guard, URL credentials and PII never leave in logs,
// approval requests or echoes. Uses the PACKED package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as x from "presidio-hardened-x402";
import { startWorld, fakeSigner, payThrough, payloadFor, ASSET, PAY_TO } from "./helpers.mjs";

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

const quiet = () => {};
const REPLAY_KEY = "5e5e5e5e0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c";
const AUDIT_KEY = "a0d1a0d1f0e0d0c0b0a090807060504030201000f1e2d3c4b5a69788796a5b4c";
const APPROVER_SECRET = "approver-hmac-secret-000001";
const SIGNER_TEXT = "private key 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318 rejected";
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64");

test("a signer's error is never chained nor copied into ours", async () => {
  const signer = async () => { throw new Error(SIGNER_TEXT); };
  const f = await x.createHardenedFetch({ signer, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: quiet });
  let caught;
  try {
    await f(`${world.url}/v2/signer-leak`);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof x.X402PaymentError && caught.code === "signer-failed");
  assert.equal(caught.cause, undefined);
  for (const shown of [String(caught), caught.message, caught.stack ?? "", JSON.stringify(caught),
    inspect(caught, { depth: 20, showHidden: true })]) {
    assert.ok(!shown.includes("4c0883a6"), "the signer's text is not in our error");
  }
});

/** Every value reachable through own properties (string and symbol keys, enumerable or not, getters not run). */
function reachable(root, limit = 100_000) {
  const seen = new Set();
  const stack = [root];
  const out = [];
  while (stack.length && seen.size < limit) {
    const o = stack.pop();
    if (o === null || (typeof o !== "object" && typeof o !== "function")) {
      out.push(o);
      continue;
    }
    if (seen.has(o)) continue;
    seen.add(o);
    out.push(o);
    if (ArrayBuffer.isView(o)) continue;
    for (const k of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (d && "value" in d) stack.push(d.value);
      if (typeof k === "string") out.push(k);
    }
    const proto = Object.getPrototypeOf(o);
    if (proto && proto !== Object.prototype && proto !== Function.prototype && proto !== Array.prototype) stack.push(proto);
  }
  return out;
}

function holds(values, needles) {
  const found = new Set();
  for (const v of values) {
    for (const n of needles) {
      const bytes = Buffer.from(n.hex ?? Buffer.from(n.text).toString("hex"), "hex");
      if (typeof v === "string" && (v.includes(bytes.toString("hex")) || (n.text && v.includes(n.text)))) found.add(n.name);
      if (ArrayBuffer.isView(v) && Buffer.from(v.buffer, v.byteOffset, v.byteLength).includes(bytes)) found.add(n.name);
    }
  }
  return [...found];
}

const NEEDLES = [{ name: "replay", hex: REPLAY_KEY }, { name: "audit", hex: AUDIT_KEY }, { name: "approver", text: APPROVER_SECRET }];

test("no key is reachable from the hardened fetch or its guard", async () => {
  const config = { max_per_call_usd: 10, daily_limit_usd: 100,
    mpa: { threshold: 1, min_amount_usd: "0.5", timeout_seconds: 1, allow_private_webhooks: true,
      approvers: [{ approver_id: "a", mode: "webhook", webhook_url: `${world.url}/approve/signed`, secret: APPROVER_SECRET }] } };
  const { signer } = fakeSigner();
  const f = await x.createHardenedFetch({ signer, config, replayKey: Buffer.from(REPLAY_KEY, "hex"), auditKey: Buffer.from(AUDIT_KEY, "hex"),
    audit: new x.MemoryAuditSink(), warn: quiet });
  assert.equal((await f(`${world.url}/v2/secrets-mpa?amount=1000000`)).status, 200); // a payment with an approval ran
  const values = reachable(f);
  assert.ok(values.includes(f.guard), "the walk reaches the guard");
  assert.deepEqual(holds(values, NEEDLES), []);
  assert.deepEqual(holds([inspect(f, { depth: Infinity, showHidden: true }), inspect(f.guard, { depth: Infinity, showHidden: true })], NEEDLES), []);
  // The walk is not blind: a key kept as a plain property is found.
  assert.deepEqual(holds(reachable({ k: [Buffer.from(AUDIT_KEY, "hex")] }), NEEDLES), ["audit"]);
});

const CRED = "http://agent:hunter2@127.0.0.1:4021/weather?api_key=sk_live_51abc&q=1#access_token=tok_9f8e";
const LEAKS = ["hunter2", "sk_live_51abc", "tok_9f8e"];
const v2Header = (url, extra = { name: "USDC", version: "2" }, resource = {}) => b64({ x402Version: 2, error: "Payment required",
  resource: { url, description: "Weather data", mimeType: "application/json", ...resource },
  accepts: [{ scheme: "exact", network: "eip155:84532", amount: "1000000", asset: ASSET, payTo: PAY_TO, maxTimeoutSeconds: 300, extra }] });

test("URL credentials are masked in audit lines, approval requests and the sign action; PII echoes are redacted", async () => {
  world.hooks.length = 0;
  const sink = new x.MemoryAuditSink();
  const guard = await x.PaymentGuard.create({ replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: quiet, config: {
    max_per_call_usd: 10, daily_limit_usd: 100,
    mpa: { threshold: 1, min_amount_usd: "0.5", timeout_seconds: 1, allow_private_webhooks: true,
      approvers: [{ approver_id: "a", mode: "webhook", webhook_url: `${world.url}/approve/yes` }] } } });
  let p = await guard.begin({ method: "GET", url: CRED, paymentRequired: v2Header(CRED,
    { name: "USDC", version: "2", note: "for jane.doe@example.com", "bob.jones@example.com": "owner" },
    { "carol.white@example.com": "contact" }) });
  assert.equal(p.action.do, "sign");
  const sign = JSON.stringify(p.action);
  assert.match(p.action.metadata.request_url, /^http:\/\/\*\*\*@127\.0\.0\.1:4021\/weather\?api_key=\*\*\*&q=1#access_token=\*\*\*$/);
  assert.deepEqual(p.action.requirements.extra, { name: "USDC", version: "2", note: "for <REDACTED>", "<REDACTED>": "owner" });
  p = await guard.resume(p, { on: "signed", payload: payloadFor(p.action) });
  assert.equal(p.action.do, "send");
  assert.equal(p.action.url, CRED, "the request still goes to the raw URL");
  const header = Buffer.from(p.action.header.value, "base64").toString("utf8");
  assert.deepEqual(JSON.parse(header).accepted.extra, { name: "USDC", version: "2", note: "for <REDACTED>", "<REDACTED>": "owner" });
  p = await guard.resume(p, { on: "response", status: 200, settlement: b64({ success: true, transaction: "0x01" }) });
  assert.equal(p.action.allowed, true);
  assert.equal(world.hooks.length, 1);
  const everything = [sign, header, ...sink.lines, ...world.hooks.map((h) => h.body)].join("\n");
  for (const s of [...LEAKS, "jane.doe@example.com", "bob.jones@example.com", "carol.white@example.com"]) {
    assert.ok(!everything.includes(s), `${s} left the process`);
  }
  assert.match(world.hooks[0].body, /api_key=\*\*\*/);
});

test("PII in the echoes is refused under the block action", async () => {
  const guard = await x.PaymentGuard.create({ replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: quiet,
    config: { max_per_call_usd: 10, daily_limit_usd: 100, pii: { action: "block" } } });
  const done = await payThrough(guard, { method: "GET", url: `${world.url}/v2/x`,
    paymentRequired: v2Header(`${world.url}/v2/x`, { name: "USDC", version: "2", "jane.doe@example.com": 1 }) });
  assert.equal(done.allowed, false);
  assert.equal(done.code, "pii-blocked");
});
