// MV3 service worker: one guard for the whole extension, state in
// chrome.storage.local (BrowserStore). Each payment runs in the guard's
// driver; the wallet's UI (popup, content script) performs the two steps the
// driver leaves to it and reports back:
//   {type: "presidio-decide", ctx}      before signing: allowed (with what to sign) or refused;
//   {type: "presidio-signed", id, payload} the wallet's payload (none: signing failed):
//                                        the request to send ({method, url, header}) or the verdict;
//   {type: "presidio-paid", id, status, settlement} or {..., sent} (a network error):
//                                        the verdict on the paid response.
//
// `vendor/presidio-hardened-x402/` is the package's dist/ folder (copied by
// `make js-extension`); no bundler is needed.
import { init, PaymentGuard, BrowserStore, MemoryAuditSink, randomBytes } from "./vendor/presidio-hardened-x402/browser.js";

const CONFIG = { max_per_call_usd: "0.50", daily_limit_usd: "5", pii: { action: "redact" } };

async function keys(store) {
  // A real wallet derives these from its vault; the example keeps them in
  // extension storage so the audit chain verifies across worker restarts.
  const got = await chrome.storage.local.get("presidio-keys");
  if (got["presidio-keys"]) return got["presidio-keys"];
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const k = { replay: hex(randomBytes(32)), audit: hex(randomBytes(32)) };
  await chrome.storage.local.set({ "presidio-keys": k });
  return k;
}

const ready = (async () => {
  await init();
  const store = new BrowserStore({ prefix: "presidio:" });
  const audit = new MemoryAuditSink();
  const k = await keys(store);
  const guard = await PaymentGuard.create({ config: CONFIG, store, audit, replayKey: k.replay, auditKey: k.audit });
  return { guard, store, audit };
})();

/** Payments waiting for the wallet, by id. */
const payments = new Map();

/** What the wallet gets back from a step: the next thing to do, or the verdict. */
function reply(p) {
  const a = p.action;
  if (a.do === "done") {
    payments.delete(p.id);
    return { id: p.id, done: true, allowed: a.allowed, code: a.code, settlement: a.settlement, audit_line: a.audit_line,
      amount_usd: a.details.amount_usd ?? null };
  }
  payments.set(p.id, p);
  if (a.do === "send") return { id: p.id, send: { method: a.method, url: a.url, header: a.header } };
  return { id: p.id, allowed: true, code: null, amount_usd: a.amount_usd, requirements: a.requirements, resource: a.resource };
}

/** Starts a payment for one 402 (ctx: {method, url, paymentRequired?, body?, reason?}). */
async function decide(ctx) {
  const { guard, store } = await ready;
  return { ...reply(await guard.begin(ctx)), backend: store.backend };
}

/** Feeds the wallet's answer to the payment's current step. */
async function step(id, event) {
  const { guard } = await ready;
  const p = payments.get(id);
  if (!p) return { error: "invalid-input" };
  return reply(await guard.resume(p, event));
}

const signed = (id, payload) => step(id, payload ? { on: "signed", payload } : { on: "signer-failed" });
const paid = (id, r) => step(id, typeof r.sent === "boolean" ? { on: "network-error", sent: r.sent }
  : { on: "response", status: r.status, settlement: r.settlement ?? null });

self.presidioDecide = decide;
self.presidioSigned = signed;
self.presidioPaid = paid;

chrome.runtime.onMessage.addListener((msg, _sender, send) => {
  const answer = msg?.type === "presidio-decide" ? decide(msg.ctx)
    : msg?.type === "presidio-signed" ? signed(msg.id, msg.payload)
    : msg?.type === "presidio-paid" ? paid(msg.id, msg) : null;
  if (answer === null) return false;
  answer.then(send, (e) => send({ error: e.code ?? "invalid-input" }));
  return true;
});
