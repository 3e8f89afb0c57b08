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
// Payments of at least `mpa.min_amount_usd` need the wallet owner's approval
// (an MPA approver with `mode = "human"`): the driver's `ask-human` action
// reaches `onHumanApproval` below, which opens `prompt.html` in its own window
// (amount in USD and token, payee, network, the redacted description and URL,
// Approve / Deny and a countdown to the approval's deadline). The click comes
// back by runtime messaging and goes into the driver as the vote; closing the
// window is a denial, and no answer by the deadline is a timeout.
//
// The policy is CONFIG unless chrome.storage.local holds `presidio-config`
// (a wallet's options page would write it); a change rebuilds the guard.
//
// `vendor/presidio-hardened-x402/` is the package's dist/ folder (copied by
// `make js-extension`); no bundler is needed.
import { init, PaymentGuard, BrowserStore, MemoryAuditSink, randomBytes } from "./vendor/presidio-hardened-x402/browser.js";

const CONFIG = {
  max_per_call_usd: "5", daily_limit_usd: "20", pii: { action: "redact" },
  mpa: { threshold: 1, min_amount_usd: "1", timeout_seconds: 60, approvers: [{ approver_id: "wallet-owner", mode: "human" }] },
};

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

/** Prompts waiting for the owner, by approval request id: {prompt, deadlineMs, windowId, answer(vote)}. */
const prompts = new Map();

/**
 * The guard's `onHumanApproval`: opens the prompt window and resolves with the
 * owner's vote. Closing the window denies; at the deadline the window closes
 * (the driver already counts the approver as timed out).
 */
function onHumanApproval({ prompt, deadlineMs, signal }) {
  return new Promise((resolve) => {
    const id = prompt.request_id;
    const entry = { prompt, deadlineMs, windowId: null };
    const finish = (vote) => {
      if (!prompts.has(id)) return;
      prompts.delete(id);
      if (entry.windowId !== null) chrome.windows.remove(entry.windowId).catch(() => {});
      resolve(vote);
    };
    entry.answer = finish;
    prompts.set(id, entry);
    signal.addEventListener("abort", () => finish("deny"));
    chrome.windows.create({ url: `prompt.html?id=${encodeURIComponent(id)}`, type: "popup", width: 420, height: 600, focused: true })
      .then((w) => {
        entry.windowId = w.id ?? null;
        if (!prompts.has(id) && entry.windowId !== null) chrome.windows.remove(entry.windowId).catch(() => {});
      }, () => finish("deny"));
  });
}

chrome.windows.onRemoved.addListener((windowId) => {
  for (const entry of prompts.values()) if (entry.windowId === windowId) entry.answer("deny");
});

/** One audit log for the worker's life: guards rebuilt after a policy change chain onto it. */
const audit = new MemoryAuditSink();

async function makeGuard() {
  await init();
  const store = new BrowserStore({ prefix: "presidio:" });
  const k = await keys(store);
  const saved = (await chrome.storage.local.get("presidio-config"))["presidio-config"];
  const guard = await PaymentGuard.create({ config: saved ?? CONFIG, store, audit, replayKey: k.replay, auditKey: k.audit,
    approvals: { onHumanApproval } });
  return { guard, store, audit };
}

let ready = makeGuard();
/** Rebuilds the guard from the stored policy (resolves once it is ready). */
function reload() {
  ready = makeGuard();
  return ready.then(() => true);
}
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && "presidio-config" in changes) void reload();
});

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
self.presidioAuditLog = () => audit.text();
self.presidioReload = reload;

chrome.runtime.onMessage.addListener((msg, sender, send) => {
  // The prompt window (an extension page, never a web page) reads its prompt and answers.
  const ours = sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL("prompt.html"));
  if (ours && msg?.type === "presidio-human-prompt") {
    const e = prompts.get(msg.id);
    send(e ? { prompt: e.prompt, deadlineMs: e.deadlineMs } : { error: "expired" });
    return false;
  }
  if (ours && msg?.type === "presidio-human-vote") {
    prompts.get(msg.id)?.answer(msg.vote === "approve" ? "approve" : "deny");
    send({ ok: true });
    return false;
  }
  const answer = msg?.type === "presidio-decide" ? decide(msg.ctx)
    : msg?.type === "presidio-signed" ? signed(msg.id, msg.payload)
    : msg?.type === "presidio-paid" ? paid(msg.id, msg) : null;
  if (answer === null) return false;
  answer.then(send, (e) => send({ error: e.code ?? "invalid-input" }));
  return true;
});
