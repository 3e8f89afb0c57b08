// A local x402 world with no chain, all on 127.0.0.1 with free ports:
//   - a stub facilitator (/supported, /verify with viem verifyTypedData over
//     the EIP-3009 authorization, /settle with a fake hash, reused nonces
//     refused, failure on demand), logging every body it receives;
//   - a resource server with the real @x402/express 2.27 (v2) routes, plus a
//     minimal hand-written v1 route (402 JSON body, X-PAYMENT,
//     X-PAYMENT-RESPONSE) verified and settled by the same facilitator;
//   - webhook approvers (yes / no / slow) for MPA.
// `node world.mjs` runs it standalone and prints the URLs as JSON.
import express from "express";
import http from "node:http";
import { writeFileSync } from "node:fs";
import { paymentMiddleware, x402ResourceServer } from "@x402/express";
import { declarePaymentIdentifierExtension, PAYMENT_IDENTIFIER } from "@x402/extensions/payment-identifier";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme as ServerEvmScheme } from "@x402/evm/exact/server";
import { verifyTypedData } from "viem";

export const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"; // USDC on Base Sepolia (trusted, 6 decimals)
export const UNTRUSTED = "0x00000000000000000000000000000000DeaDBeef"; // in no trusted table
export const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
/** Settlement of a payment to this payee always fails (the release path). */
export const FAIL_PAY_TO = "0x000000000000000000000000000000000000fa11";
export const EMAIL = "alice.smith@example.com";
const V2_NET = "eip155:84532";
const CHAIN_IDS = { "eip155:84532": 84532, "base-sepolia": 84532 };

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64");
const unb64 = (s) => JSON.parse(Buffer.from(s, "base64").toString("utf8"));
const listen = (app) => new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
const urlOf = (s) => `http://127.0.0.1:${s.address().port}`;

function startFacilitator({ logPath } = {}) {
  const log = []; // {at, endpoint, body}
  const nonces = new Set();
  const state = { failSettle: false };
  const record = (endpoint, body) => {
    log.push({ at: new Date().toISOString(), endpoint, body });
    if (logPath) writeFileSync(logPath, JSON.stringify(log, null, 1));
  };
  const check = async ({ paymentPayload: p, paymentRequirements: req }) => {
    const a = p?.payload?.authorization;
    if (!a || !req?.extra) return { ok: false, reason: "invalid_payload" };
    const chainId = CHAIN_IDS[req.network];
    if (!chainId) return { ok: false, reason: "invalid_network" };
    if (a.to?.toLowerCase() !== req.payTo.toLowerCase()) return { ok: false, reason: "invalid_payee" };
    const need = req.amount ?? req.maxAmountRequired;
    if (BigInt(a.value) !== BigInt(need)) return { ok: false, reason: "invalid_amount" };
    let ok = false;
    try {
      ok = await verifyTypedData({
        address: a.from,
        domain: { name: req.extra.name, version: req.extra.version, chainId, verifyingContract: req.asset },
        types: { TransferWithAuthorization: [
          { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
          { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" }] },
        primaryType: "TransferWithAuthorization",
        message: { ...a, value: BigInt(a.value), validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
        signature: p.payload.signature,
      });
    } catch { ok = false; }
    return ok ? { ok, payer: a.from, nonce: a.nonce } : { ok, reason: "invalid_exact_evm_payload_signature" };
  };
  const f = express();
  f.use(express.json());
  f.get("/supported", (_q, r) => r.json({
    kinds: [{ x402Version: 2, scheme: "exact", network: V2_NET }, { x402Version: 1, scheme: "exact", network: "base-sepolia" }],
    extensions: [], signers: {},
  }));
  // Not part of x402: lets an out-of-process agent count what reached the facilitator.
  f.get("/_log", (_q, r) => r.json({ verify: log.filter((l) => l.endpoint === "verify").length, settle: log.filter((l) => l.endpoint === "settle").length }));
  f.post("/verify", async (q, r) => {
    record("verify", q.body);
    const c = await check(q.body);
    r.json(c.ok ? { isValid: true, payer: c.payer } : { isValid: false, invalidReason: c.reason });
  });
  f.post("/settle", async (q, r) => {
    record("settle", q.body);
    const network = q.body?.paymentRequirements?.network ?? V2_NET;
    const fail = (errorReason, payer) => r.json({ success: false, errorReason, transaction: "", network, payer });
    const c = await check(q.body);
    if (!c.ok) return fail(c.reason);
    if (nonces.has(c.nonce)) return fail("nonce_already_used", c.payer);
    if (state.failSettle || q.body.paymentRequirements.payTo.toLowerCase() === FAIL_PAY_TO) return fail("settlement_failed_on_demand", c.payer);
    nonces.add(c.nonce);
    r.json({ success: true, transaction: "0x" + Buffer.from(c.nonce.slice(2), "hex").toString("hex"), network, payer: c.payer });
  });
  return { app: f, log, state };
}

function v1Route(facilitatorUrl) {
  // Minimal v1 handler (x402-specification-v1): 402 + JSON accepts; X-PAYMENT in; X-PAYMENT-RESPONSE out.
  return async (req, res) => {
    const resource = `${req.protocol}://${req.get("host")}${req.originalUrl}`;
    const requirements = { scheme: "exact", network: "base-sepolia", maxAmountRequired: "1000", asset: USDC, payTo: PAY_TO,
      resource, description: "Legacy v1 quote", mimeType: "application/json", outputSchema: null, maxTimeoutSeconds: 60,
      extra: { name: "USDC", version: "2" } };
    const deny = (error) => res.status(402).json({ x402Version: 1, error, accepts: [requirements] });
    const header = req.get("X-PAYMENT");
    if (!header) return deny("X-PAYMENT header is required");
    let paymentPayload;
    try { paymentPayload = unb64(header); } catch { return deny("invalid X-PAYMENT"); }
    const post = async (path) => (await fetch(`${facilitatorUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ x402Version: 1, paymentPayload, paymentRequirements: requirements }) })).json();
    const v = await post("/verify");
    if (!v.isValid) return deny(v.invalidReason ?? "invalid payment");
    const s = await post("/settle");
    if (!s.success) return deny(s.errorReason ?? "settlement failed");
    res.set("X-PAYMENT-RESPONSE", b64(s)).json({ quote: "v1 data" });
  };
}

function startApprovers() {
  const hooks = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    const name = new URL(req.url, "http://x").pathname.split("/")[2];
    hooks.push({ name, body });
    let reqId = null;
    try { reqId = JSON.parse(body).request_id; } catch {}
    const answer = (approved) => JSON.stringify({ approved, request_id: reqId });
    res.setHeader("content-type", "application/json");
    if (name === "slow") return setTimeout(() => res.end(answer(true)), 5000).unref();
    res.end(answer(name === "yes"));
  });
  return { server, hooks };
}

/** The payment-identifier ids in the `/settle` requests the facilitator received. */
export function paymentIdsIn(log) {
  return log.filter((l) => l.endpoint === "settle").map((l) => l.body?.paymentPayload?.extensions?.[PAYMENT_IDENTIFIER]?.info?.id).filter(Boolean);
}

/** Starts everything; returns {facilitatorUrl, serverUrl, approverUrl, log, hooks, state, close}. */
export async function startWorld({ logPath } = {}) {
  const fac = startFacilitator({ logPath });
  const facServer = await listen(fac.app);
  const facilitatorUrl = urlOf(facServer);
  const rs = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl })).register(V2_NET, new ServerEvmScheme());
  const accepts = (price, payTo = PAY_TO) => [{ scheme: "exact", price, network: V2_NET, payTo }];
  const app = express();
  app.get("/v1/quote", v1Route(facilitatorUrl));
  app.use(paymentMiddleware({
    "GET /v2/cheap": { accepts: accepts("$0.001"), description: "Cheap weather", mimeType: "application/json" },
    "GET /v2/expensive": { accepts: accepts("$2.00"), description: "Expensive report", mimeType: "application/json" },
    "GET /v2/records": { accepts: accepts("$0.001"), description: `Medical records of ${EMAIL}, phone +1 415 555 0134`, mimeType: "application/json" },
    "GET /v2/untrusted": { accepts: [{ scheme: "exact", network: V2_NET, payTo: PAY_TO,
      price: { amount: "1000", asset: UNTRUSTED, extra: { name: "Fake Dollar", version: "1" } } }], description: "Priced in an unknown token", mimeType: "application/json" },
    "GET /v2/flaky": { accepts: accepts("$0.001", FAIL_PAY_TO), description: "Settlement fails", mimeType: "application/json" },
    // Declares the x402 payment-identifier extension (the real @x402/extensions helper): clients send an id per purchase.
    "GET /v2/once": { accepts: accepts("$0.001"), description: "Deduplicated by payment id", mimeType: "application/json",
      extensions: { [PAYMENT_IDENTIFIER]: declarePaymentIdentifierExtension(true) } },
  }, rs));
  for (const p of ["cheap", "expensive", "records", "untrusted", "flaky", "once"]) app.get(`/v2/${p}`, (_q, r) => r.json({ ok: true, route: p }));
  const server = await listen(app);
  const appr = startApprovers();
  await new Promise((r) => appr.server.listen(0, "127.0.0.1", r));
  const all = [facServer, server, appr.server];
  return {
    facilitatorUrl, serverUrl: urlOf(server), approverUrl: urlOf(appr.server),
    log: fac.log, hooks: appr.hooks, state: fac.state,
    close: () => Promise.all(all.map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); }))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const w = await startWorld({ logPath: process.env.FACILITATOR_LOG });
  console.log(JSON.stringify({ facilitatorUrl: w.facilitatorUrl, serverUrl: w.serverUrl, approverUrl: w.approverUrl }));
  process.on("SIGTERM", () => w.close().then(() => process.exit(0)));
}
