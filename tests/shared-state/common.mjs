// Shared by the Node worker and the proofs: the payment every worker makes
// and the guard configuration. worker.py builds the same (kept in step by
// the proofs: the Python and Node workers spend from one budget).

/** A real x402 v1 402 body for $0.01 (10,000 atomic USDC on Base; or `amount`) at `url`. */
export function body(url, amount = "10000") {
  return JSON.stringify({
    x402Version: 1,
    error: "X-PAYMENT header is required",
    accepts: [{
      scheme: "exact", network: "base", maxAmountRequired: amount,
      asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
      payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      resource: url, description: "one item", mimeType: "application/json", maxTimeoutSeconds: 60,
      extra: { name: "USD Coin", version: "2" },
    }],
  });
}

/** $1 per call, $10 (or `limitUsd`) per 24 h window, this process's replica id. */
export function config(replica, limitUsd = 10) {
  return { max_per_call_usd: 1, daily_limit_usd: limitUsd, window_seconds: 86400, replica_id: replica };
}

/** Resolves at `atMs` (wall clock), so that processes start together. */
export async function sleepUntil(atMs) {
  const wait = atMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** A settlement header the driver reads as settled (`PAYMENT-RESPONSE` of a paid request). */
export function settled() {
  return Buffer.from(JSON.stringify({ success: true, transaction: "0x" + "ab".repeat(32), network: "base" })).toString("base64");
}

/**
 * The signed event of a well-behaved EIP-3009 signer for a `sign` action: exactly the approved
 * payee and amount, valid for the offer's maxTimeoutSeconds from `nowMs` (the core checks it).
 */
export function signedFor(action, nowMs = Date.now()) {
  return { on: "signed", payload: { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20),
    to: action.pay_to, value: action.amount, validAfter: "0",
    validBefore: String(Math.floor(nowMs / 1000) + (action.requirements?.maxTimeoutSeconds ?? 60)), nonce: "0x" + "00".repeat(32) } } };
}
