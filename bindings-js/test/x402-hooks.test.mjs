// hardenX402Client against the REAL @x402 2.27 stack: @x402/fetch
// wrapFetchWithPayment + x402Client/x402HTTPClient + @x402/evm exact with a
// throwaway viem key, a local @x402/express server and a stub facilitator
// (viem verifyTypedData) on 127.0.0.1. No chain, no network.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import express from "express";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme as ServerEvmScheme } from "@x402/evm/exact/server";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { x402Client, x402HTTPClient, wrapFetchWithPayment } from "@x402/fetch";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { verifyTypedData } from "viem";
import { declarePaymentIdentifierExtension, extractPaymentIdentifier, PAYMENT_IDENTIFIER } from "@x402/extensions/payment-identifier";
import * as x from "presidio-hardened-x402";
import { startWorld, REPLAY_KEY, AUDIT_KEY, EMAIL } from "./helpers.mjs";

const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const seen = { verify: [], settle: [] };
let facilitator, server, serverUrl, world;

function listen(app) {
  return new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
}

before(async () => {
  // Stub facilitator: checks the EIP-3009 signature, fakes settlement, refuses a reused nonce.
  const nonces = new Set();
  const f = express();
  f.use(express.json());
  f.get("/supported", (_q, r) => r.json({ kinds: [{ x402Version: 2, scheme: "exact", network: "eip155:84532" }], extensions: [], signers: {} }));
  const check = async ({ paymentPayload: p, paymentRequirements: req }) => {
    const a = p.payload.authorization;
    const ok = await verifyTypedData({
      address: a.from,
      domain: { name: req.extra.name, version: req.extra.version, chainId: 84532, verifyingContract: req.asset },
      types: { TransferWithAuthorization: [
        { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" }] },
      primaryType: "TransferWithAuthorization",
      message: { ...a, value: BigInt(a.value), validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
      signature: p.payload.signature,
    });
    return { ok, payer: a.from, nonce: a.nonce };
  };
  f.post("/verify", async (q, r) => {
    seen.verify.push(q.body.paymentPayload);
    const c = await check(q.body);
    r.json(c.ok ? { isValid: true, payer: c.payer } : { isValid: false, invalidReason: "invalid_signature" });
  });
  f.post("/settle", async (q, r) => {
    seen.settle.push(q.body.paymentPayload);
    const c = await check(q.body);
    if (!c.ok || nonces.has(c.nonce)) return r.json({ success: false, errorReason: "invalid", transaction: "", network: "eip155:84532" });
    nonces.add(c.nonce);
    r.json({ success: true, transaction: "0x" + "cd".repeat(32), network: "eip155:84532", payer: c.payer });
  });
  facilitator = await listen(f);
  const rs = new x402ResourceServer(new HTTPFacilitatorClient({ url: `http://127.0.0.1:${facilitator.address().port}` }))
    .register("eip155:84532", new ServerEvmScheme());
  const app = express();
  app.use(paymentMiddleware({
    "GET /weather": { accepts: [{ scheme: "exact", price: "$0.001", network: "eip155:84532", payTo: PAY_TO }],
      description: `Weather for ${EMAIL}`, mimeType: "application/json" },
    "GET /forecast": { accepts: [{ scheme: "exact", price: "$0.001", network: "eip155:84532", payTo: PAY_TO }],
      description: "Forecast", mimeType: "application/json" },
    // Above the SDK's default $1 cap (spendControls, @x402/core >= 2.23).
    "GET /premium": { accepts: [{ scheme: "exact", price: "$2.00", network: "eip155:84532", payTo: PAY_TO }],
      description: "Premium", mimeType: "application/json" },
    "GET /luxury": { accepts: [{ scheme: "exact", price: "$6.00", network: "eip155:84532", payTo: PAY_TO }],
      description: "Luxury", mimeType: "application/json" },
    "GET /once": { accepts: [{ scheme: "exact", price: "$0.001", network: "eip155:84532", payTo: PAY_TO }],
      description: "Deduplicated", mimeType: "application/json",
      extensions: { [PAYMENT_IDENTIFIER]: declarePaymentIdentifierExtension(true) } },
  }, rs));
  app.get("/once", (_q, r) => r.json({ once: true }));
  app.get("/weather", (_q, r) => r.json({ weather: "sunny" }));
  app.get("/forecast", (_q, r) => r.json({ forecast: "rain" }));
  app.get("/premium", (_q, r) => r.json({ premium: true }));
  app.get("/luxury", (_q, r) => r.json({ luxury: true }));
  server = await listen(app);
  serverUrl = `http://127.0.0.1:${server.address().port}`;
  world = await startWorld();
});

after(async () => {
  server.closeAllConnections(); facilitator.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => facilitator.close(r));
  await world.close();
});

async function setup(config = {}, { wrapped = true, scheme, ...opts } = {}) {
  const client = new x402Client();
  if (scheme) client.register("eip155:*", scheme);
  else registerExactEvmScheme(client, { signer: privateKeyToAccount(generatePrivateKey()) });
  const sink = new x.MemoryAuditSink();
  const h = await x.hardenX402Client(new x402HTTPClient(client), { config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: () => {}, ...opts });
  // The old shape (hardened.fetch + hardened.httpClient) and the one-wrapper shape (the hardened client itself).
  const pay = wrapped ? wrapFetchWithPayment(h.fetch(globalThis.fetch), h.httpClient) : wrapFetchWithPayment(globalThis.fetch, h);
  return { h, sink, pay };
}

test("allowed v2 payment: hooks drive the payment, the redacted resource reaches the server and facilitator, the wrapper reports the settlement", async () => {
  const { h, sink, pay } = await setup();
  const before = seen.settle.length;
  const res = await pay(`${serverUrl}/weather`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { weather: "sunny" });
  assert.equal(seen.settle.length, before + 1);
  const sent = seen.settle.at(-1);
  const echo = { url: `${serverUrl}/weather`, description: `Weather for ${EMAIL}`, mimeType: "application/json" };
  const redacted = { ...echo, description: h.guard.redact(echo.description).text };
  assert.deepEqual(sent.resource, redacted, "the facilitator got the core's redacted echo");
  if (h.guard.redact(EMAIL).count > 0) assert.ok(!JSON.stringify(sent).includes(EMAIL));
  assert.equal(sink.lines.length, 2);
  assert.match(sink.lines[0], /payment_allowed/);
  assert.match(sink.lines[1], /payment_settled/, "the wrapper reported the settled response");
  assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, sink.text(), h.guard.head), h.guard.head);
});

test("a refusal aborts payment creation with the core's code as the reason; nothing is signed or sent", async () => {
  const { pay, sink } = await setup({ max_per_call_usd: "0.0005" });
  const before = seen.verify.length;
  const err = await pay(`${serverUrl}/forecast`).then(() => null, (e) => e);
  assert.ok(err instanceof x.PolicyViolationError, String(err));
  assert.equal(err.code, "policy-per-call-exceeded");
  assert.equal(seen.verify.length, before);
  assert.equal(sink.lines.length, 1);
  assert.match(sink.lines[0], /payment_blocked/);
});

test("without the HTTP client or the hardened fetch the real URL is unknown: the core refuses it (url-invalid, audited), nothing is signed", async () => {
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: privateKeyToAccount(generatePrivateKey()) });
  const sink = new x.MemoryAuditSink();
  await x.hardenX402Client(client, { replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: () => {} });
  const before = seen.verify.length;
  const err = await wrapFetchWithPayment(globalThis.fetch, client)(`${serverUrl}/weather`).then(() => null, (e) => e);
  // The SDK's own wrapper keeps only the message of a plain x402Client's refusal: pass the hardened client instead.
  assert.match(err?.message ?? "", /Failed to create payment payload: url-invalid: /);
  assert.equal(seen.verify.length, before);
  assert.equal(sink.lines.length, 1);
  assert.match(sink.lines[0], /"code":"url-invalid"/);
});

test("a duplicate purchase is aborted as replay-detected by onBeforePaymentCreation", async () => {
  const { pay } = await setup();
  assert.equal((await pay(`${serverUrl}/forecast`)).status, 200);
  const err = await pay(`${serverUrl}/forecast`).then(() => null, (e) => e);
  assert.ok(err instanceof x.ReplayDetectedError && err.code === "replay-detected", String(err));
});

test("v1 (no onPaymentResponse): the hardened fetch reports X-PAYMENT-RESPONSE", async () => {
  const { pay, sink } = await setup();
  const res = await pay(`${world.url}/v1/hooked`);
  assert.equal(res.status, 200);
  const paid = world.paid.filter((p) => p.path === "/v1/hooked");
  assert.equal(paid.length, 1);
  assert.equal(paid[0].payload.x402Version, 1);
  assert.equal(sink.lines.length, 2);
  assert.match(sink.lines[1], /payment_settled/);
});

test("v1 settlement failure: the client gets the 402 and the spend stays counted", async () => {
  const { pay, sink } = await setup({ daily_limit_usd: "0.015" });
  const res = await pay(`${world.url}/v1/settlefail`);
  assert.equal(res.status, 402);
  assert.match(sink.lines[1], /"outcome":"failed-after-send"/);
  const err = await pay(`${world.url}/v1/after-v1-fail`).then(() => null, (e) => e);
  assert.equal(err?.code, "policy-window-exceeded", "the authorization that left is still counted");
});

test("one wrapper: wrapFetchWithPayment(fetch, hardened) pays v2 and v1 and reports both settlements (no hardened.fetch)", async () => {
  for (const url of [`${serverUrl}/weather?k=one`, `${world.url}/v1/one`]) {
    const { h, sink, pay } = await setup({}, { wrapped: false });
    assert.equal(h.httpClient, h, "the hardened client is the x402HTTPClient");
    assert.ok(h instanceof x402HTTPClient);
    const res = await pay(url);
    assert.equal(res.status, 200, url);
    assert.equal(sink.lines.length, 2, url);
    assert.match(sink.lines[1], /payment_settled/, url);
    assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, sink.text(), h.guard.head), h.guard.head);
  }
  // Given the x402Client, the hardened client is a new x402HTTPClient over it.
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: privateKeyToAccount(generatePrivateKey()) });
  const sink = new x.MemoryAuditSink();
  const h = await x.hardenX402Client(client, { replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: () => {} });
  assert.ok(h instanceof x402HTTPClient && h.client === client);
  assert.equal((await wrapFetchWithPayment(globalThis.fetch, h)(`${world.url}/v1/one-from-client`)).status, 200);
  assert.match(sink.lines[1], /payment_settled/);
});

test("a paid response no wrapper saw is unobserved: committed with settlement unknown (v2 at onPaymentResponse, v1 after unobservedAfterMs)", async () => {
  // A transport that never calls the hardened processPaymentResult (the SDK's own one runs instead).
  const bypass = (h) => { h.processPaymentResult = x402HTTPClient.prototype.processPaymentResult; };
  const v2 = await setup({}, { wrapped: false });
  bypass(v2.h);
  assert.equal((await v2.pay(`${serverUrl}/weather?k=unwrapped`)).status, 200);
  assert.match(v2.sink.lines[1], /payment_unconfirmed/);
  const v1 = await setup({}, { wrapped: false, unobservedAfterMs: 50 });
  bypass(v1.h);
  assert.equal((await v1.pay(`${world.url}/v1/unwrapped`)).status, 200);
  assert.equal(v1.sink.lines.length, 1);
  await new Promise((r) => setTimeout(r, 150));
  assert.match(v1.sink.lines[1], /payment_unconfirmed/);
  assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, v1.sink.text(), v1.h.guard.head), v1.h.guard.head);
});

test("a payment another hook aborted after ours is released after unobservedAfterMs (signer-failed); the budget is whole again", async () => {
  const { h, pay, sink } = await setup({ daily_limit_usd: "0.001" }, { unobservedAfterMs: 50 });
  let veto = true;
  h.client.onBeforePaymentCreation(async () => (veto ? { abort: true, reason: "another hook" } : undefined));
  const err = await pay(`${serverUrl}/forecast?k=veto`).then(() => null, (e) => e);
  assert.match(err?.message ?? "", /aborted: another hook/);
  assert.match(sink.lines[0], /payment_allowed/);
  await new Promise((r) => setTimeout(r, 150));
  assert.match(sink.lines[1], /"outcome":"failed"/, "released: nothing was signed");
  veto = false;
  assert.equal((await pay(`${serverUrl}/forecast?k=veto2`)).status, 200);
});

test("payload binding: a tampering scheme client (another payee, amount or validity) is refused by the core in onAfterPaymentCreation; nothing reaches the server", async () => {
  const { ExactEvmScheme } = await import("@x402/evm/exact/client");
  for (const [changes, field, code] of [[{ payTo: "0x" + "33".repeat(20) }, "authorization.to", "payload-mismatch"],
    [{ amount: "2000" }, "authorization.value", "payload-mismatch"],
    [{ maxTimeoutSeconds: 86400 }, "authorization.validBefore", "payload-expiry-too-long"]]) {
    const inner = new ExactEvmScheme(privateKeyToAccount(generatePrivateKey()));
    // A compromised scheme client: a real EIP-3009 signature, over other requirements than the approved ones.
    const tampering = { scheme: "exact", findDefaultAsset: inner.findDefaultAsset, createPaymentPayload: (v, req, ctx) => inner.createPaymentPayload(v, { ...req, ...changes }, ctx) };
    const client = new x402Client().register("eip155:*", tampering);
    const sink = new x.MemoryAuditSink();
    const metrics = new x.MemoryMetrics();
    const h = await x.hardenX402Client(new x402HTTPClient(client), { replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, metrics, warn: () => {} });
    const pay = wrapFetchWithPayment(h.fetch(globalThis.fetch), h.httpClient);
    const before = seen.verify.length;
    const err = await pay(`${serverUrl}/forecast`).then(() => null, (e) => e);
    assert.ok(err, "must throw");
    assert.equal(seen.verify.length, before, "nothing reached the server or the facilitator");
    assert.ok(sink.lines.length > 0, String(err?.message ?? err));
    assert.match(sink.lines.at(-1), new RegExp(`"code":"${code}".*"outcome":"failed"`));
    assert.equal(metrics.total("x402_payload_refusals_total", { code, field }), 1);
  }
});

// ---- the client's own spendControls (issue 17 item 3): every payment reaches the guard ----

test("a default-configured client pays $2 when the guard's policy allows it (the SDK's $1 default is switched off), audited", async () => {
  const { pay, sink, h } = await setup({ max_per_call_usd: "5" });
  assert.equal(h.client.spendControls, false);
  const res = await pay(`${serverUrl}/premium`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { premium: true });
  assert.match(sink.lines[0], /payment_allowed/);
  assert.match(sink.lines[0], /"amount_usd":"2(\.0+)?"/);
  assert.match(sink.lines[1], /payment_settled/);
});

test("a default-configured client's $6 payment is refused by the guard's policy, with its code, audited", async () => {
  const { pay, sink } = await setup({ max_per_call_usd: "5" });
  const before = seen.verify.length;
  const err = await pay(`${serverUrl}/luxury`).then(() => null, (e) => e);
  assert.equal(err?.code, "policy-per-call-exceeded");
  assert.equal(seen.verify.length, before);
  assert.equal(sink.lines.length, 1);
  assert.match(sink.lines[0], /"code":"policy-per-call-exceeded"/);
});

test("spendControls the caller set are refused at hardening (config-client-spend-controls) unless kept", async () => {
  const mk = (controls) => {
    const c = new x402Client();
    registerExactEvmScheme(c, { signer: privateKeyToAccount(generatePrivateKey()) });
    if (controls !== undefined) c.setSpendControls(controls);
    return c;
  };
  const opts = { replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: new x.MemoryAuditSink(), warn: () => {} };
  const custom = mk({ maxAmountPerPayment: "$0.50" });
  const err = await x.hardenX402Client(new x402HTTPClient(custom), opts).then(() => null, (e) => e);
  assert.ok(err instanceof x.PolicyConfigError, String(err));
  assert.equal(err.code, "config-client-spend-controls");
  assert.deepEqual(custom.spendControls, { maxAmountPerPayment: "$0.50" }, "left untouched");
  await x.hardenX402Client(new x402HTTPClient(custom), { ...opts, sdkSpendControls: "keep" });
  assert.deepEqual(custom.spendControls, { maxAmountPerPayment: "$0.50" });
  const bad = await x.hardenX402Client(mk(), { ...opts, sdkSpendControls: "maybe" }).then(() => null, (e) => e);
  assert.equal(bad?.code, "config-bad-type");
  const off = mk(false);
  await x.hardenX402Client(off, opts);
  assert.equal(off.spendControls, false);
});

test("payment-identifier: the server's declaration gets the purchase's id, the facilitator reads it with the SDK, the audit lines hold it; a {recovered:true} retry is the same purchase (same id) and the replay guard refuses it", async () => {
  const { h, sink, pay } = await setup();
  let recoveries = 0;
  h.client.onPaymentResponse(async () => (recoveries++ === 0 ? { recovered: true } : undefined));
  const before = seen.settle.length;
  const err = await pay(`${serverUrl}/once`).then(() => null, (e) => e);
  assert.equal(recoveries, 1, "the client asked for a retry once");
  assert.equal(seen.settle.length, before + 1, "one payment reached the facilitator");
  const sent = seen.settle.at(-1);
  const id = extractPaymentIdentifier(sent, true);
  assert.match(id, /^pay_[A-Za-z0-9_-]{28}$/);
  assert.equal(sent.extensions[PAYMENT_IDENTIFIER].info.required, true, "the declaration is echoed");
  const lines = sink.lines.map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.outcome), ["allowed", "settled", "blocked"]);
  assert.deepEqual(lines.map((l) => l.payment_id), [id, id, id], "the retry was begun as the same purchase");
  assert.equal(lines[2].code, "replay-detected", "a purchase that left is not paid twice");
  assert.ok(err instanceof x.ReplayDetectedError && err.code === "replay-detected", String(err));
  assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, sink.text(), h.guard.head), h.guard.head);
});

test("payment-identifier: a new purchase of the same resource gets a new id; a route that does not declare it gets none", async () => {
  const { sink, pay } = await setup();
  const ids = [];
  for (const q of ["?a", "?b"]) {
    assert.equal((await pay(`${serverUrl}/once${q}`)).status, 200);
    ids.push(extractPaymentIdentifier(seen.settle.at(-1), true));
  }
  assert.notEqual(ids[0], ids[1]);
  assert.equal((await pay(`${serverUrl}/forecast`)).status, 200);
  assert.equal(seen.settle.at(-1).extensions?.[PAYMENT_IDENTIFIER], undefined);
  assert.equal(JSON.parse(sink.lines.at(-1)).payment_id, undefined);
});

// ---- codes survive every path (issue 22 item 1): the caller gets the coded error through @x402/fetch ----

test("every error family reaches the caller of wrapFetchWithPayment(fetch, hardened) as the coded error with its description and audit line; nothing is paid", async () => {
  const approvers = (path) => ({ threshold: 1, min_amount_usd: "0.5", timeout_seconds: 1, allow_private_webhooks: true,
    approvers: [{ approver_id: "a", mode: "webhook", webhook_url: `${world.url}/approve/${path}` }] });
  const failing = { write: async () => { throw new Error("disk full"); } };
  const cases = [
    // [family, class, code, config, options, url (on the local world), pay first]
    ["pii-blocked", x.PIIBlockedError, "pii-blocked", { pii: { action: "block" } }, {}, `/v2/pii?desc=${encodeURIComponent(`for ${EMAIL}`)}`],
    ["policy-violation", x.PolicyViolationError, "policy-per-call-exceeded", { max_per_call_usd: "0.001" }, {}, "/v2/policy"],
    ["replay-detected", x.ReplayDetectedError, "replay-detected", {}, {}, "/v2/replay", true],
    ["mpa-denied", x.MPADeniedError, "mpa-denied", { max_per_call_usd: 10, mpa: approvers("no") }, {}, "/v2/mpa-no?amount=1000000"],
    ["mpa-timeout", x.MPATimeoutError, "mpa-timeout", { max_per_call_usd: 10, mpa: approvers("slow") }, {}, "/v2/mpa-slow?amount=1000000"],
    ["store-unavailable", x.X402PaymentError, "store-unavailable", {}, { audit: failing }, "/v2/store"],
    // A scheme client that signs another amount than the approved one: refused after signing.
    ["payment", x.X402PaymentError, "payload-mismatch", {}, { scheme: await tamperingScheme() }, "/v2/tampered"],
  ];
  const families = new Set(x.errorTable().map((r) => r.family));
  for (const [family, C, code, config, opts, path, payFirst] of cases) {
    families.delete(family);
    const { pay, sink } = await setup(config, { wrapped: false, ...opts });
    if (payFirst) assert.equal((await pay(`${world.url}${path}`)).status, 200);
    const before = world.paid.length;
    const err = await pay(`${world.url}${path}`).then(() => null, (e) => e);
    assert.ok(err instanceof C, `${family}: ${err}`);
    assert.equal(err.code, code, family);
    assert.ok(err.message.startsWith(`${code}: ${x.errorTable().find((r) => r.code === code).description}`), `${family}: ${err.message}`);
    assert.equal(world.paid.length, before, `${family}: nothing paid`);
    if (family === "store-unavailable") continue; // the audit sink is what failed: no line was written
    assert.ok(err.auditLine, `${family}: the audit line`);
    assert.equal(err.auditLine, sink.lines.at(-1), family);
    assert.equal(JSON.parse(err.auditLine).code, code, family);
  }
  // A config code is met at hardening: PolicyConfigError with .code (the spend-controls test), or at creation.
  const bad = await x.hardenX402Client(new x402HTTPClient(new x402Client()), { config: { max_per_cal_usd: "1" }, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} })
    .then(() => null, (e) => e);
  assert.ok(bad instanceof x.PolicyConfigError && x.errorTable().find((r) => r.code === bad.code)?.family === "config", String(bad));
  families.delete("config");
  assert.deepEqual([...families], [], "every family of the core's error table is covered");
});

async function tamperingScheme() {
  const { ExactEvmScheme } = await import("@x402/evm/exact/client");
  const inner = new ExactEvmScheme(privateKeyToAccount(generatePrivateKey()));
  return { scheme: "exact", findDefaultAsset: inner.findDefaultAsset, createPaymentPayload: (v, req, ctx) => inner.createPaymentPayload(v, { ...req, amount: "2000" }, ctx) };
}

test("the hardened createPaymentPayload answers a refusal with a payload that throws the coded error on any use (and can be awaited)", async () => {
  const { h } = await setup({}, { wrapped: false });
  // The refusal payload (what createPaymentPayload answers) throws the coded error on use, and can be awaited.
  const pr = { x402Version: 2, resource: { url: `${world.url}/v2/x` }, accepts: [{ scheme: "exact", network: "eip155:84532", amount: "1000",
    asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e", payTo: PAY_TO, maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] };
  const payload = await h.createPaymentPayload(pr);
  assert.throws(() => payload.x402Version, (e) => e instanceof x.X402GuardError && e.code === "url-invalid");
  assert.throws(() => JSON.stringify(payload), (e) => e.code === "url-invalid");
});
