// What every agent must get for every scenario (shared by the demo and the tests).
import { EMAIL, paymentIdsIn } from "./world.mjs";

/** scenario -> [outcome, code, settle requests the facilitator received] */
export const EXPECTED = {
  "allowed payment": ["paid", "-", 1],
  "PII in the resource": ["paid", "-", 1],
  "over the per-call limit": ["blocked", "policy-per-call-exceeded", 0],
  "daily budget exhausted": ["blocked", "policy-window-exceeded", 1],
  "duplicate retry": ["blocked", "replay-detected", 1],
  "untrusted asset": ["blocked", "asset-untrusted", 0],
  // The signed authorization left the process: the server can still settle it, so its
  // spend stays counted (core/src/driver/settlement.rs) and the next payment is over budget.
  "settlement failure": ["not paid", "http-402", 1],
  "then the spend stays counted": ["blocked", "policy-window-exceeded", 0],
  "MPA 2-of-3: yes/no/timeout": ["blocked", "mpa-timeout", 0],
  "MPA 2-of-3: yes/yes/no": ["paid", "-", 1],
  "v1 route (X-PAYMENT)": ["paid", "-", 1],
  // A compromised signer signs a real authorization for another payee: the core refuses the
  // payload before it is sent (core/src/payload/mod.rs), so nothing reaches the facilitator.
  "tampering signer (another payee)": ["blocked", "payload-mismatch", 0],
  // The route declares the x402 payment-identifier extension: the payment carries the purchase's id
  // (core/src/payid.rs), which the facilitator receives and the audit line holds (checkPaymentIds).
  "payment-identifier declared": ["paid", "-", 1],
};

/** The scenario whose route declares payment-identifier. */
export const PAYID_SCENARIO = "payment-identifier declared";

/**
 * Each row's `payment_id` (its last audit line's): set, well formed and received by the facilitator
 * for the declaring route; absent for every other scenario.
 */
export function checkPaymentIds(rows, log) {
  const ids = new Set(paymentIdsIn(log));
  const out = [];
  for (const r of rows) {
    if (r.scenario === PAYID_SCENARIO) {
      if (!/^pay_[A-Za-z0-9_-]{28}$/.test(r.payment_id ?? "")) out.push(`${r.agent} / ${r.scenario}: audit line payment_id ${r.payment_id}`);
      else if (!ids.has(r.payment_id)) out.push(`${r.agent} / ${r.scenario}: ${r.payment_id} never reached the facilitator`);
    } else if (r.payment_id != null) out.push(`${r.agent} / ${r.scenario}: unexpected payment_id ${r.payment_id}`);
  }
  return out;
}

/** Differences between rows and EXPECTED (empty when all is as expected). */
export function checkRows(rows) {
  const out = [];
  for (const r of rows) {
    const e = EXPECTED[r.scenario];
    if (!e) { out.push(`${r.agent}: unknown scenario ${r.scenario}`); continue; }
    const got = [r.outcome, r.code, r.settles];
    const codeOk = Array.isArray(e[1]) ? e[1].includes(r.code) : e[1] === r.code;
    if (got[0] !== e[0] || !codeOk || got[2] !== e[2]) out.push(`${r.agent} / ${r.scenario}: got ${JSON.stringify(got)}, expected ${JSON.stringify(e)}`);
  }
  return out;
}

/** Personal data of the PII route found anywhere in the facilitator log. */
export function leaksIn(log) {
  const text = JSON.stringify(log);
  return [EMAIL, encodeURIComponent(EMAIL), "555 0134", "555%200134"].filter((s) => text.includes(s));
}
