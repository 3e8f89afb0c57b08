// A local x402 world on 127.0.0.1: a resource server answering v1 and v2
// 402s, and webhook approvers with scripted behaviours.
import http from "node:http";
import { createHmac } from "node:crypto";

export const ASSET = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
export const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
export const REPLAY_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
export const AUDIT_KEY = "6175646974206b657920666f722074657374732c20333220627974657321212121";
export const EMAIL = "alice.smith@example.com";

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64");
const unb64 = (s) => JSON.parse(Buffer.from(s, "base64").toString("utf8"));

/** Starts the world; returns {url, paid, hooks, close}. */
export async function startWorld() {
  const paid = []; // {version, path, payload}
  const hooks = []; // webhook requests {name, body}
  const state = { failSettle: false };
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, "http://127.0.0.1");
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString("utf8");
    const amount = u.searchParams.get("amount") ?? state.amount ?? "10000";
    const desc = u.searchParams.get("desc") ?? "Premium data";
    const payTo = u.searchParams.get("payto") ?? PAY_TO;
    const resource = `http://127.0.0.1:${server.address().port}${u.pathname}${u.search}`;
    if (u.pathname.startsWith("/approve/")) {
      const name = u.pathname.split("/")[2];
      hooks.push({ name, body });
      const reqId = JSON.parse(body).request_id;
      const answer = (approved, withId = true) => JSON.stringify(withId ? { approved, request_id: reqId } : { approved });
      if (name === "slow") return setTimeout(() => { res.end(answer(true)); }, 3000).unref();
      if (name === "redirect") { res.writeHead(302, { location: "/approve/yes" }); return res.end(); }
      if (name === "huge") { res.writeHead(200); return res.end(JSON.stringify({ approved: true, pad: "x".repeat(100000) })); }
      if (name === "no") return res.end(answer(false));
      const text = answer(true);
      const secret = "approver-hmac-secret-000001";
      if (name === "signed") { res.setHeader("X-MPA-HMAC", createHmac("sha256", secret).update(text).digest("hex")); }
      if (name === "badsig") { res.setHeader("X-MPA-HMAC", createHmac("sha256", "wrong-secret-00000000000").update(text).digest("hex")); }
      return res.end(text);
    }
    if (u.pathname === "/v2/garbage") {
      res.writeHead(402, { "PAYMENT-REQUIRED": "%%%not base64%%%" });
      return res.end("{}");
    }
    if (u.pathname === "/v2/slow-paid" && (req.headers["payment-signature"])) await new Promise((r) => setTimeout(r, 20));
    const v = u.pathname.startsWith("/v1/") ? 1 : 2;
    const header = v === 1 ? req.headers["x-payment"] : req.headers["payment-signature"];
    if (!header) {
      if (v === 1) {
        res.writeHead(402, { "content-type": "application/json" });
        return res.end(JSON.stringify({ x402Version: 1, error: "X-PAYMENT header is required", accepts: [{
          scheme: "exact", network: "base-sepolia", maxAmountRequired: amount, asset: ASSET, payTo,
          resource, description: desc, mimeType: "application/json", outputSchema: null, maxTimeoutSeconds: 60,
          extra: { name: "USDC", version: "2" } }] }));
      }
      res.writeHead(402, { "PAYMENT-REQUIRED": b64({ x402Version: 2, error: "Payment required",
        resource: { url: resource, description: desc, mimeType: "application/json" },
        accepts: [{ scheme: "exact", network: "eip155:84532", amount, asset: ASSET, payTo, maxTimeoutSeconds: 300,
          extra: { name: "USDC", version: "2" } }] }), "content-type": "application/json" });
      return res.end("{}");
    }
    const payload = unb64(header);
    paid.push({ version: v, path: u.pathname + u.search, payload, method: req.method, body });
    if (state.failSettle || u.pathname.endsWith("/settlefail")) {
      res.writeHead(402, { "content-type": "application/json" });
      return res.end(JSON.stringify({ x402Version: v, error: "settlement failed", accepts: [] }));
    }
    const settle = { success: true, transaction: "0x" + "ab".repeat(32), network: v === 1 ? "base-sepolia" : "eip155:84532", payer: "0x" + "11".repeat(20) };
    res.writeHead(200, { "content-type": "application/json", [v === 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE"]: b64(settle) });
    res.end(JSON.stringify({ ok: true, data: 42 }));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, paid, hooks, state, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

/** A signer that records its calls and returns a fake EVM exact payload. */
export function fakeSigner({ fail = false } = {}) {
  const calls = [];
  let n = 0;
  const signer = async (req) => {
    calls.push(req);
    if (fail) throw new Error("hardware wallet unplugged (secret 0xdeadbeef)");
    n++;
    // What the guard approved, as @x402/evm signs it: valid for the offer's maxTimeoutSeconds from now.
    return evmPayload({ payTo: req.payTo, amount: req.amount, maxTimeoutSeconds: req.requirements?.maxTimeoutSeconds }, n);
  };
  return { signer, calls };
}

/**
 * An EIP-3009 scheme payload that authorizes exactly `payTo` / `amount` for
 * `maxTimeoutSeconds` from `nowMs` (the core refuses any other: payload binding).
 */
export function evmPayload({ payTo, amount, maxTimeoutSeconds = 60 }, n = 1, nowMs = Date.now()) {
  return { signature: "0x" + String(n).padStart(130, "0"), authorization: { from: "0x" + "11".repeat(20), to: payTo,
    value: amount, validAfter: "0", validBefore: String(Math.floor(nowMs / 1000) + (maxTimeoutSeconds ?? 60)),
    nonce: "0x" + String(n).padStart(64, "0") } };
}

/** The payload a well-behaved signer returns for a driver `sign` action (see `evmPayload`). */
export function payloadFor(action, nowMs = Date.now(), n = 1) {
  return evmPayload({ payTo: action.pay_to, amount: action.amount, maxTimeoutSeconds: action.requirements?.maxTimeoutSeconds }, n, nowMs);
}

/** A settlement header the driver reads as settled. */
export const SETTLED = Buffer.from(JSON.stringify({ success: true, transaction: "0x" + "ab".repeat(32) })).toString("base64");

/**
 * Runs one payment through a guard's driver with a scripted signer and paid
 * response (default: signed, then 200 with a settled header); returns the
 * `done` action.
 */
export async function payThrough(guard, ctx, { signed, response = { status: 200, settlement: SETTLED }, nowMs } = {}) {
  let p = await guard.begin(ctx);
  while (p.action.do !== "done") {
    p = await guard.resume(p, p.action.do === "sign" ? { on: "signed", payload: signed ?? payloadFor(p.action, nowMs) } : { on: "response", ...response });
  }
  return p.action;
}
