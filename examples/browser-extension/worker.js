// MV3 service worker: one guard for the whole extension, state in
// chrome.storage.local (BrowserStore). A wallet's UI (popup, content script)
// sends {type: "presidio-decide", ctx} before it signs an x402 payment, and
// {type: "presidio-settle", id, outcome} afterwards.
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

/** Decides one 402 (ctx: {method, url, paymentRequired?, body?, reason?}). */
async function decide(ctx) {
  const { guard, store } = await ready;
  const v = await guard.decide(ctx);
  return {
    allowed: v.allowed,
    code: v.code,
    id: v.assessment.id,
    amount_usd: v.assessment.amount_usd,
    requirements: v.assessment.requirements,
    resource: v.assessment.metadata.resource_echo,
    audit_line: v.decision.audit_line,
    backend: store.backend,
  };
}

async function settle(id, outcome) {
  const { guard } = await ready;
  const d = await guard.settle(id, outcome);
  return { allowed: d.allowed, code: d.code };
}

self.presidioDecide = decide;
self.presidioSettle = settle;

chrome.runtime.onMessage.addListener((msg, _sender, reply) => {
  if (msg?.type === "presidio-decide") decide(msg.ctx).then(reply, (e) => reply({ error: e.code ?? "invalid-input" }));
  else if (msg?.type === "presidio-settle") settle(msg.id, msg.outcome).then(reply, (e) => reply({ error: e.code ?? "invalid-input" }));
  else return false;
  return true;
});
