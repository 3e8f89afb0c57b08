// The standalone hardened fetch, stores, sinks and approvals against a local
// x402 server on 127.0.0.1 (v1 and v2 402s). Uses the PACKED package.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { startWorld, fakeSigner, REPLAY_KEY, AUDIT_KEY, EMAIL } from "./helpers.mjs";

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

const quiet = () => {};
async function hardened(config = {}, extra = {}) {
  const sink = new x.MemoryAuditSink();
  const metrics = new x.MemoryMetrics();
  const s = extra.signerObj ?? fakeSigner(extra.signer);
  const f = await x.createHardenedFetch({ signer: s.signer, config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, metrics, warn: quiet, ...extra.opts });
  return { f, sink, metrics, calls: s.calls, guard: f.guard };
}
const paidFor = (path) => world.paid.filter((p) => p.path.startsWith(path));

test("v1: allowed, signed with the exact requirement, X-PAYMENT sent, settled and audited", async () => {
  const { f, sink, calls, metrics } = await hardened();
  const res = await f(`${world.url}/v1/allowed`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true, data: 42 });
  assert.equal(calls.length, 1);
  assert.equal(calls[0].x402Version, 1);
  assert.equal(calls[0].requirements.maxAmountRequired, "10000");
  assert.equal(calls[0].amountUsd, "0.01");
  const p = paidFor("/v1/allowed");
  assert.equal(p.length, 1);
  assert.equal(p[0].payload.x402Version, 1);
  assert.equal(p[0].payload.network, "base-sepolia");
  assert.equal(p[0].payload.payload.authorization.value, "10000");
  assert.equal(sink.lines.length, 2);
  assert.match(sink.lines[0], /payment_allowed/);
  assert.match(sink.lines[1], /payment_settled/);
  assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, sink.text(), f.guard.head), f.guard.head);
  assert.equal(metrics.total("x402_payments_total", { outcome: "settled" }), 1);
});

test("v2: PAYMENT-SIGNATURE with accepted = the offer and the resource echo", async () => {
  const { f, calls } = await hardened();
  const res = await f(`${world.url}/v2/allowed`, { method: "POST", body: "q=1" });
  assert.equal(res.status, 200);
  const p = paidFor("/v2/allowed");
  assert.equal(p.length, 1);
  assert.equal(p[0].method, "POST");
  assert.equal(p[0].body, "q=1");
  assert.equal(p[0].payload.x402Version, 2);
  assert.equal(p[0].payload.accepted.amount, "10000");
  assert.equal(p[0].payload.accepted.payTo, calls[0].payTo);
  assert.equal(p[0].payload.resource.url, `${world.url}/v2/allowed`);
});

test("PII in metadata: what leaves the process is the core's redacted copy", async () => {
  const { f, calls, sink, guard } = await hardened();
  const desc = encodeURIComponent(`Report for ${EMAIL}`);
  const res = await f(`${world.url}/v2/pii?desc=${desc}`);
  assert.equal(res.status, 200);
  const sent = paidFor("/v2/pii")[0].payload;
  // Exactly the core's redaction reaches the wire and the signer...
  assert.deepEqual(sent.resource, calls[0].resource);
  assert.equal(calls[0].metadata.description, guard.redact(`Report for ${EMAIL}`).text);
  // ...and if the core's PII engine finds the e-mail, it is gone everywhere.
  const detected = guard.redact(EMAIL).count > 0;
  if (detected) {
    assert.ok(!JSON.stringify(sent.resource).includes(EMAIL));
    assert.ok(!JSON.stringify(calls[0].metadata).includes(EMAIL));
  }
  for (const l of sink.lines) assert.ok(!l.includes(EMAIL) || !detected);
  console.log(`# core PII engine ${detected ? "detects" : "does not (yet) detect"} the e-mail`);
});

test("PII block: refused before signing when the core finds PII", async () => {
  const { f, calls, guard } = await hardened({ pii: { action: "block" } });
  const detected = guard.redact(EMAIL).count > 0;
  const p = f(`${world.url}/v2/pii-block?desc=${encodeURIComponent(EMAIL)}`);
  if (detected) {
    await assert.rejects(p, (e) => e instanceof x.PIIBlockedError && e.code === "pii-blocked");
    assert.equal(calls.length, 0);
  } else {
    assert.equal((await p).status, 200);
  }
});

test("per-call limit: PolicyViolationError, nothing signed or sent, blocked line audited", async () => {
  const { f, calls, sink, metrics } = await hardened();
  await assert.rejects(f(`${world.url}/v2/expensive?amount=2000000`), (e) =>
    e instanceof x.PolicyViolationError && e.code === "policy-per-call-exceeded" && /payment_blocked/.test(e.auditLine));
  assert.equal(calls.length, 0);
  assert.equal(paidFor("/v2/expensive").length, 0);
  assert.equal(sink.lines.length, 1);
  assert.equal(metrics.total("x402_policy_violations_total", { limit_type: "per_call" }), 1);
});

test("budget exhausted: the window limit refuses the third payment", async () => {
  const { f, calls } = await hardened({ daily_limit_usd: "0.025" });
  assert.equal((await f(`${world.url}/v1/b1`)).status, 200);
  assert.equal((await f(`${world.url}/v2/b2`)).status, 200);
  await assert.rejects(f(`${world.url}/v2/b3`), (e) => e instanceof x.PolicyViolationError && e.code === "policy-window-exceeded");
  assert.equal(calls.length, 2);
});

test("duplicate retry is not paid twice (replay detected before signing)", async () => {
  const { f, calls, metrics } = await hardened();
  assert.equal((await f(`${world.url}/v2/dup`)).status, 200);
  await assert.rejects(f(`${world.url}/v2/dup`), (e) => e instanceof x.ReplayDetectedError && e.code === "replay-detected");
  assert.equal(calls.length, 1);
  assert.equal(paidFor("/v2/dup").length, 1);
  assert.equal(metrics.total("x402_replay_detections_total"), 1);
});

test("signer failure releases the spend and the fingerprint; the retry pays once", async () => {
  const s = fakeSigner();
  let fail = true;
  const signer = async (r) => { if (fail) { fail = false; throw new Error("boom key=0xdeadbeef"); } return s.signer(r); };
  const { f, sink } = await hardened({ daily_limit_usd: "0.01" }, { signerObj: { signer, calls: s.calls } });
  await assert.rejects(f(`${world.url}/v1/signfail`), (e) => {
    assert.ok(e instanceof x.X402PaymentError);
    assert.equal(e.code, "signer-failed");
    assert.ok(!String(e.message).includes("deadbeef"));
    assert.ok(!inspect(e, { depth: 9 }).includes("deadbeef"), "the signer's error text (maybe key material) is not attached");
    return true;
  });
  // Not a replay, and the $0.01 budget is whole again.
  assert.equal((await f(`${world.url}/v1/signfail`)).status, 200);
  assert.equal(paidFor("/v1/signfail").length, 1);
  assert.match(sink.lines[1], /payment_failed/);
});

test("settlement failure (paid request answered 402): the money that left stays counted; the same purchase is a replay", async () => {
  const { f, sink } = await hardened({ daily_limit_usd: "0.015" });
  await assert.rejects(f(`${world.url}/v2/settlefail`), (e) => e instanceof x.X402PaymentError && e.code === "settlement-failed"
    && e.response?.status === 402 && /payment_failed/.test(e.auditLine));
  assert.match(sink.lines[1], /"outcome":"failed-after-send"/);
  // The signed authorization left the process: the budget holds it...
  await assert.rejects(f(`${world.url}/v2/after-settlefail`), (e) => e instanceof x.PolicyViolationError && e.code === "policy-window-exceeded");
  // ...and a retry of the same purchase is not signed again.
  const other = await hardened();
  await assert.rejects(other.f(`${world.url}/v2/settlefail?n=2`), (e) => e.code === "settlement-failed");
  await assert.rejects(other.f(`${world.url}/v2/settlefail?n=2`), (e) => e instanceof x.ReplayDetectedError);
  assert.equal(paidFor("/v2/settlefail").length, 2);
});

test("the paid request's transport: refused before any byte releases; a reset after sending keeps the spend; 2xx without a settlement header commits", async () => {
  const failing = (code) => async (req) => {
    if (!req.headers.has("payment-signature")) return fetch(req);
    throw new TypeError("fetch failed", { cause: Object.assign(new Error(code), { code }) });
  };
  const refused = await hardened({}, { opts: { fetch: failing("ECONNREFUSED") } });
  await assert.rejects(refused.f(`${world.url}/v2/refused`), (e) => e.code === "settlement-failed" && e.cause?.message === "TypeError");
  assert.match(refused.sink.lines[1], /"outcome":"failed"/);
  await assert.rejects(refused.f(`${world.url}/v2/refused`), (e) => e.code === "settlement-failed", "released: not a replay");
  const reset = await hardened({}, { opts: { fetch: failing("ECONNRESET") } });
  await assert.rejects(reset.f(`${world.url}/v2/reset`), (e) => e.code === "settlement-failed");
  assert.match(reset.sink.lines[1], /"outcome":"failed-after-send"/);
  await assert.rejects(reset.f(`${world.url}/v2/reset`), (e) => e.code === "replay-detected", "it may have left: kept");
  const bare = async (req) => (req.headers.has("payment-signature") ? new Response("{}", { status: 200 }) : fetch(req));
  const unknown = await hardened({}, { opts: { fetch: bare } });
  assert.equal((await unknown.f(`${world.url}/v2/no-header`)).status, 200);
  assert.match(unknown.sink.lines[1], /"outcome":"unknown"/);
  assert.equal(unknown.metrics.total("x402_payments_total", { outcome: "unknown" }), 1);
});

test("a hostile challenge fails closed with the core's code and is audited", async () => {
  const { f, calls, sink } = await hardened();
  await assert.rejects(f(`${world.url}/v2/garbage`), (e) => e instanceof x.X402PaymentError && e.code === "challenge-bad-base64");
  assert.equal(calls.length, 0);
  assert.match(sink.lines[0], /payment_blocked/);
});

test("concurrent payments never jointly exceed the window limit", async () => {
  const { f, calls } = await hardened({ daily_limit_usd: "0.03" });
  const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => f(`${world.url}/v2/slow-paid?n=${i}`)));
  const ok = results.filter((r) => r.status === "fulfilled").length;
  assert.equal(ok, 3);
  assert.equal(calls.length, 3);
  for (const r of results) if (r.status === "rejected") assert.equal(r.reason.code, "policy-window-exceeded");
});

// ---- webhook approvals --------------------------------------------------------
function mpa(approvers, extra = {}) {
  return {
    max_per_call_usd: 10, daily_limit_usd: 100,
    mpa: { threshold: 2, min_amount_usd: "0.5", timeout_seconds: 1, allow_private_webhooks: true,
      approvers: approvers.map(([id, path, secret]) => ({ approver_id: id, mode: "webhook", webhook_url: `${world.url}/approve/${path}`, ...(secret ? { secret } : {}) })),
      ...extra },
  };
}
const BIG = "1000000"; // $1.00 >= min_amount_usd

test("webhooks 2-of-3: approved; each approver got the core's canonical request", async () => {
  world.hooks.length = 0;
  const { f, metrics } = await hardened(mpa([["a", "yes"], ["b", "yes"], ["c", "no"]]));
  assert.equal((await f(`${world.url}/v2/mpa-ok?amount=${BIG}`)).status, 200);
  assert.equal(world.hooks.length, 3);
  const req = JSON.parse(world.hooks[0].body);
  assert.equal(req.domain, "presidio-x402/mpa-approval/v1");
  assert.equal(req.amount, BIG);
  assert.equal(metrics.total("x402_mpa_events_total", { event: "approved" }), 1);
});

test("webhooks: a timeout makes MPATimeoutError", async () => {
  const { f, calls } = await hardened(mpa([["a", "yes"], ["b", "slow"], ["c", "no"]]));
  await assert.rejects(f(`${world.url}/v2/mpa-timeout?amount=${BIG}`), (e) => e instanceof x.MPATimeoutError && e.code === "mpa-timeout");
  assert.equal(calls.length, 0);
});

test("webhooks: a bad response HMAC is not an approval (MPADeniedError); a good one is", async () => {
  const secret = "approver-hmac-secret-000001";
  const bad = await hardened(mpa([["a", "yes"], ["b", "badsig", secret], ["c", "no"]]));
  await assert.rejects(bad.f(`${world.url}/v2/mpa-badsig?amount=${BIG}`), (e) => e instanceof x.MPADeniedError && e.code === "mpa-denied");
  const good = await hardened(mpa([["a", "yes"], ["b", "signed", secret], ["c", "no"]]));
  assert.equal((await good.f(`${world.url}/v2/mpa-goodsig?amount=${BIG}`)).status, 200);
});

test("webhooks: redirects are not followed and oversized answers are refused", async () => {
  world.hooks.length = 0;
  const { f } = await hardened(mpa([["a", "yes"], ["b", "redirect"], ["c", "huge"]]));
  await assert.rejects(f(`${world.url}/v2/mpa-redirect?amount=${BIG}`), (e) => e instanceof x.MPADeniedError);
  assert.deepEqual(world.hooks.map((h) => h.name).sort(), ["huge", "redirect", "yes"]);
});

test("webhooks: private and loopback addresses are refused unless configured", async () => {
  world.hooks.length = 0;
  const port = new URL(world.url).port;
  // The configuration refuses private IP literals and localhost outright...
  await assert.rejects(hardened(mpa([["a", "yes"], ["b", "yes"], ["c", "yes"]], { allow_private_webhooks: false })), (e) => e instanceof x.PolicyConfigError);
  // ...and a public-looking name that resolves to loopback is refused at send time.
  const cfg = mpa([["a", "yes"], ["b", "yes"], ["c", "yes"]], { allow_private_webhooks: false });
  for (const a of cfg.mpa.approvers) a.webhook_url = a.webhook_url.replace(`127.0.0.1:${port}`, `approver.example:${port}`);
  const resolve = async (host) => (host === "approver.example" ? ["127.0.0.1"] : []);
  const viaLoopback = async (url, init) => fetch(String(url).replace("approver.example", "127.0.0.1"), init);
  const { f, guard } = await hardened(cfg, { opts: { approvals: { resolve, fetch: viaLoopback } } });
  assert.equal(guard.webhookAddressAllowed("127.0.0.1"), false);
  assert.equal(guard.webhookAddressAllowed("::ffff:10.0.0.1"), false);
  assert.equal(guard.webhookAddressAllowed("8.8.8.8"), true);
  await assert.rejects(f(`${world.url}/v2/mpa-private?amount=${BIG}`), (e) => e instanceof x.MPADeniedError && e.code === "mpa-denied");
  assert.equal(world.hooks.length, 0, "no request may reach a private address");
  // Allowed by configuration: the same resolution is accepted.
  cfg.mpa.allow_private_webhooks = true;
  const ok = await hardened(cfg, { opts: { approvals: { resolve, fetch: viaLoopback } } });
  assert.equal((await ok.f(`${world.url}/v2/mpa-private-allowed?amount=${BIG}`)).status, 200);
  assert.equal(world.hooks.length, 3);
});

test("webhooks are posted to the address that was checked (no DNS rebinding between check and POST)", async () => {
  world.hooks.length = 0;
  const port = new URL(world.url).port;
  const cfg = mpa([["a", "yes"], ["b", "yes"], ["c", "yes"]], { allow_private_webhooks: true });
  // A name that real DNS cannot resolve: only the checked answer (127.0.0.1) can reach the approvers.
  for (const a of cfg.mpa.approvers) a.webhook_url = a.webhook_url.replace(`127.0.0.1:${port}`, `approver.invalid:${port}`);
  let asked = 0;
  const resolve = async (host) => { asked++; return host === "approver.invalid" ? ["127.0.0.1"] : []; };
  const { f } = await hardened(cfg, { opts: { approvals: { resolve } } }); // no fetch: the package's pinned one
  assert.equal((await f(`${world.url}/v2/mpa-pinned?amount=${BIG}`)).status, 200);
  assert.equal(world.hooks.length, 3);
  assert.equal(asked, 3, "each name resolved once, for the check");
  // pinnedFetch on its own: the URL's host is kept (Host header), the connection goes to the address.
  const r = await x.pinnedFetch("127.0.0.1")(`http://no-such-host.invalid:${port}/v2/anything`, { method: "GET" });
  assert.equal(r.status, 402);
});

test("Node's default resolver uses dns.promises.lookup", async () => {
  const addrs = await x.resolveHost("localhost");
  assert.ok(addrs.some((a) => a === "127.0.0.1" || a === "::1"), JSON.stringify(addrs));
});

test("countersignatures (crypto approvers) are judged by the core", async () => {
  const cfg = { max_per_call_usd: 10, daily_limit_usd: 100, mpa: { threshold: 2, min_amount_usd: "0.5", approvers: [
    { approver_id: "alice", mode: "crypto", secret: "alice-countersign-key-0001" },
    { approver_id: "bob", mode: "crypto", secret: "bob-countersign-key-0002" }] } };
  const sign = (secret, request) => x.call("mpa.countersign", { secret, request }).signature;
  const good = await hardened(cfg, { opts: { approvals: { countersign: ({ request }) => [["alice", sign("alice-countersign-key-0001", request)], ["bob", sign("bob-countersign-key-0002", request)]] } } });
  assert.equal((await good.f(`${world.url}/v2/cs-ok?amount=${BIG}`)).status, 200);
  const forged = await hardened(cfg, { opts: { approvals: { countersign: ({ request }) => [["alice", sign("alice-countersign-key-0001", request)], ["bob", sign("not-bobs-key-000000000", request)]] } } });
  await assert.rejects(forged.f(`${world.url}/v2/cs-bad?amount=${BIG}`), (e) => e instanceof x.MPADeniedError);
});

test("human approvers: onHumanApproval gets the core's redacted prompt; approve, deny, no callback, no answer", async () => {
  const cfg = (timeout_seconds = 5) => ({ max_per_call_usd: 10, daily_limit_usd: 100, mpa: { threshold: 1, min_amount_usd: "0.5", timeout_seconds,
    approvers: [{ approver_id: "owner", mode: "human" }] } });
  const asked = [];
  const yes = await hardened(cfg(), { opts: { approvals: { onHumanApproval: async (ask) => { asked.push(ask); return "approve"; } } } });
  assert.equal((await yes.f(`${world.url}/v2/human-ok?amount=${BIG}&email=jane.doe@example.com`)).status, 200);
  const [ask] = asked;
  assert.equal(ask.approverId, "owner");
  assert.ok(ask.deadlineMs < ask.prompt.expires_at_ms && ask.signal instanceof AbortSignal);
  assert.deepEqual([ask.prompt.amount_usd, ask.prompt.amount, ask.prompt.token_amount], ["1", BIG, "1"]);
  assert.ok(!ask.prompt.resource_url.includes("jane.doe"), ask.prompt.resource_url);
  const no = await hardened(cfg(), { opts: { approvals: { onHumanApproval: () => "deny" } } });
  await assert.rejects(no.f(`${world.url}/v2/human-no?amount=${BIG}`), (e) => e instanceof x.MPADeniedError && e.code === "mpa-denied");
  const none = await hardened(cfg());
  await assert.rejects(none.f(`${world.url}/v2/human-none?amount=${BIG}`), (e) => e instanceof x.MPADeniedError && e.code === "mpa-human-unavailable");
  const slow = await hardened(cfg(1), { opts: { approvals: { onHumanApproval: ({ signal }) => new Promise((r) => signal.addEventListener("abort", () => r("approve"))) } } });
  await assert.rejects(slow.f(`${world.url}/v2/human-slow?amount=${BIG}`), (e) => e instanceof x.MPATimeoutError && e.code === "mpa-timeout");
  assert.match(slow.sink.lines.at(-1), /"code":"mpa-timeout"/);
});

test("pre-approvals: tokens signed before the request approve exactly that payment (x.preapprove)", async () => {
  const A = "alice-countersign-key-0001", B = "bob-countersign-key-0002";
  const cfg = { max_per_call_usd: 10, daily_limit_usd: 100, mpa: { threshold: 2, min_amount_usd: "0.5", approvers: [
    { approver_id: "alice", mode: "crypto", secret: A }, { approver_id: "bob", mode: "crypto", secret: B }] } };
  const url = `${world.url}/v2/pre-ok?amount=${BIG}`;
  const res = await fetch(url);
  assert.equal(res.status, 402);
  const offer = JSON.parse(Buffer.from(res.headers.get("payment-required"), "base64").toString()).accepts[0];
  const tok = (secret, over = {}) => x.preapprove({ secret, url, network: offer.network, asset: offer.asset, payTo: offer.payTo,
    amount: offer.amount, ...over });
  assert.match(tok(A), /^\d+\.[0-9a-f]{64}$/);
  const good = await hardened(cfg, { opts: { approvals: { countersign: () => [["alice", tok(A)], ["bob", tok(B)]] } } });
  assert.equal((await good.f(url)).status, 200);
  const other = await hardened(cfg, { opts: { approvals: { countersign: () => [["alice", tok(A, { amount: "1" })], ["bob", tok(B)]] } } });
  await assert.rejects(other.f(`${world.url}/v2/pre-ok?amount=${BIG}&n=2`), (e) => e instanceof x.MPADeniedError);
  const late = await hardened(cfg, { opts: { approvals: { countersign: () => [["alice", tok(A, { validForSeconds: -1 })], ["bob", tok(B)]] } } });
  await assert.rejects(late.f(url), (e) => e instanceof x.MPADeniedError);
});

test("an audit sink failure refuses the payment and the chain goes on from the last line written", async () => {
  const lines = [];
  let fail = true;
  const sink = { write: async (l) => { if (fail) throw new Error("disk full"); lines.push(l); } };
  const { f, calls } = await hardened({}, { opts: { audit: sink } });
  await assert.rejects(f(`${world.url}/v2/sink-a`), (e) => e.code === "store-unavailable");
  assert.equal(calls.length, 0, "nothing signed");
  fail = false;
  assert.equal((await f(`${world.url}/v2/sink-b`)).status, 200);
  assert.deepEqual(lines.map((l) => JSON.parse(l).seq), [1, 2]);
  x.verifyAuditLog(AUDIT_KEY, lines.map((l) => l + "\n").join(""));
});

// ---- stores, sinks, errors, policy files, metrics ------------------------------
test("FileStore + FileAuditSink: state, replay set and audit chain survive a restart", async () => {
  const dir = mkdtempSync(join(tmpdir(), "px402-"));
  try {
    const open = async () => {
      const store = await x.FileStore.open(join(dir, "store"));
      const audit = new x.FileAuditSink(join(dir, "audit.jsonl"));
      return hardened({ daily_limit_usd: "0.025" }, { opts: { store, audit } });
    };
    const one = await open();
    assert.equal((await one.f(`${world.url}/v2/fs1`)).status, 200);
    // The directory is shared (docs/STORES.md): a second store sees the same versioned state.
    const peer = await x.FileStore.open(join(dir, "store"));
    assert.deepEqual(await peer.loadVersioned(), await one.guard.store.loadVersioned());
    assert.ok(JSON.parse(readFileSync(join(dir, "store", "state.json"), "utf8")).version >= 1);
    await one.guard.close();
    const two = await open();
    await assert.rejects(two.f(`${world.url}/v2/fs1`), (e) => e.code === "replay-detected");
    assert.equal((await two.f(`${world.url}/v2/fs2`)).status, 200);
    await assert.rejects(two.f(`${world.url}/v2/fs3`), (e) => e.code === "policy-window-exceeded");
    const text = readFileSync(join(dir, "audit.jsonl"), "utf8");
    assert.equal(text.trim().split("\n").length, 6);
    assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, text, two.guard.head), two.guard.head);
    await two.guard.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("FileStore survives a crash (SIGKILL mid-run): state parses, the log verifies and continues", async () => {
  const { spawn } = await import("node:child_process");
  const dir = mkdtempSync(join(tmpdir(), "px402-crash-"));
  try {
    const child = spawn(process.execPath, [new URL("./crash-child.mjs", import.meta.url).pathname, dir, world.url], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise((resolve) => child.stdout.on("data", (d) => { if (String(d).includes("paid 5")) resolve(); }));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    const store = await x.FileStore.open(join(dir, "store"));
    const audit = new x.FileAuditSink(join(dir, "audit.jsonl"));
    const h = await hardened({ max_per_call_usd: 1, daily_limit_usd: 1000 }, { opts: { store, audit } });
    assert.equal((await h.f(`${world.url}/v1/after-crash`)).status, 200);
    await h.guard.close();
    const text = readFileSync(join(dir, "audit.jsonl"), "utf8");
    assert.deepEqual(x.verifyAuditLog(AUDIT_KEY, text, h.guard.head), h.guard.head);
    assert.ok(h.guard.head.seq >= 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("keys never appear in inspect, toString, JSON or errors", async () => {
  const { guard, f } = await hardened();
  for (const s of [inspect(guard, { showHidden: true, depth: 9 }), String(guard), JSON.stringify({ guard })]) {
    assert.ok(!s.includes(REPLAY_KEY) && !s.includes(AUDIT_KEY) && !s.includes("6175646974"), s);
  }
  const err = await f(`${world.url}/v2/expensive?amount=5000000`).catch((e) => e);
  const text = inspect(err) + String(err) + JSON.stringify(err);
  assert.ok(!text.includes(REPLAY_KEY) && !text.includes(AUDIT_KEY));
  assert.ok(!err.message.includes("127.0.0.1"), "no URL in error messages");
});

test("a random per-process audit key is warned about loudly", async () => {
  const warnings = [];
  await x.PaymentGuard.create({ warn: (m) => warnings.push(m) });
  assert.ok(warnings.some((w) => /auditKey/.test(w) && /NOT verify/.test(w)));
});

test("policy files: TOML and JSON validated by the core, every error with its path", async () => {
  const ok = await x.loadPolicy(`max_per_call_usd = "0.10"\ndaily_limit_usd = 5\n[per_endpoint]\n"https://api.example.com/v1/" = "1.5"\n[pii]\naction = "block"\n`, "toml");
  assert.equal(ok.max_per_call_usd, "0.10");
  const g = await x.PaymentGuard.create({ config: ok, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY });
  assert.ok(g);
  await assert.rejects(x.loadPolicy(`max_per_cal_usd = 1\nwindow_seconds = 0\n[mpa]\nthreshold = 5\napprovers = [{approver_id = "a", mode = "webhook"}]\n`, "toml"), (e) => {
    assert.ok(e instanceof x.PolicyConfigError);
    const paths = e.errors.map((x) => x.path);
    assert.ok(paths.includes("max_per_cal_usd") && paths.includes("window_seconds"), JSON.stringify(e.errors));
    assert.ok(paths.some((p) => p.startsWith("mpa")), JSON.stringify(e.errors));
    assert.ok(e.errors.length >= 3);
    return true;
  });
  await assert.rejects(x.loadPolicy("{not json", "json"), (e) => e.code === "config-malformed");
  const dir = mkdtempSync(join(tmpdir(), "px402-pol-"));
  try {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(join(dir, "p.toml"), `daily_limit_usd = "2.50"\nagent_id = "agent-7"\n`);
    writeFileSync(join(dir, "p.json"), JSON.stringify({ per_endpoint: { "not a url": 1 } }));
    assert.equal((await x.loadPolicyFile(join(dir, "p.toml"))).agent_id, "agent-7");
    await assert.rejects(x.loadPolicyFile(join(dir, "p.json")), (e) => e instanceof x.PolicyConfigError && e.errors[0].path.startsWith("per_endpoint"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(x.PaymentGuard.create({ config: { max_per_call_usd: "abc" } }), (e) => e instanceof x.PolicyConfigError && e.errors[0].path === "max_per_call_usd");
});

test("prom-client: the seed's metric names are fed from the core's metric list", async () => {
  const prom = await import("prom-client");
  const registry = new prom.Registry();
  const metrics = x.createPromMetrics(prom, { registry });
  const s = fakeSigner();
  const f = await x.createHardenedFetch({ signer: s.signer, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, metrics, warn: quiet });
  await f(`${world.url}/v2/prom`);
  await f(`${world.url}/v2/prom`).catch(() => {});
  await f(`${world.url}/v2/prom?amount=9000000`).catch(() => {});
  const text = await registry.metrics();
  assert.match(text, /x402_payments_total\{outcome="settled",network="eip155:84532"\} 1/);
  assert.match(text, /x402_payment_amount_usd_sum\{network="eip155:84532"\} 0.01/);
  assert.match(text, /x402_replay_detections_total 1/);
  assert.match(text, /x402_policy_violations_total\{limit_type="per_call"\} 1/);
  for (const n of ["x402_pii_detections_total", "x402_mpa_events_total"]) assert.match(text, new RegExp(`# TYPE ${n} counter`));
});

test("MemoryStore replay set: expired entries are swept, live ones kept (sweeps only when the map doubled: make bench shows the flat cost)", async () => {
  const s = new x.MemoryStore();
  // 5,000 live fingerprints: far past the first sweep size, none may be forgotten.
  for (let i = 0; i < 5000; i++) assert.equal(await s.checkAndSet(`live-${i}`, 1_000_000, 0), true);
  for (const i of [0, 2500, 4999]) assert.equal(await s.checkAndSet(`live-${i}`, 1_000_000, 10), false);
  // Entries that expired are swept and may be used again.
  const t = new x.MemoryStore();
  for (let i = 0; i < 4096; i++) await t.checkAndSet(`old-${i}`, 10, 0);
  assert.equal(await t.checkAndSet("old-7", 10, 5), false);
  assert.equal(await t.checkAndSet("fresh", 10, 20), true);
  assert.equal(await t.checkAndSet("old-7", 10, 20), true);
});

test("a purchase is the request: another POST body or Idempotency-Key is another purchase, another price is not", async () => {
  const { f, sink, calls } = await hardened();
  const post = (city, headers = {}) => f(`${world.url}/v2/identity`, { method: "POST", body: JSON.stringify({ city }), headers });
  assert.equal((await post("Paris")).status, 200);
  assert.equal((await post("Rome")).status, 200, "another body: another purchase");
  await assert.rejects(post("Paris"), (e) => e.code === "replay-detected", "the same body: a replay");
  assert.equal((await post("Paris", { "Idempotency-Key": "order-2" })).status, 200, "another idempotency key");
  await assert.rejects(post("Paris", { "Idempotency-Key": "order-2" }), (e) => e.code === "replay-detected");
  const bodies = paidFor("/v2/identity").map((p) => p.body);
  assert.deepEqual(bodies, ['{"city":"Paris"}', '{"city":"Rome"}', '{"city":"Paris"}'], "the paid request carries its body");
  assert.equal(calls.length, 3);
  world.state.amount = "2000";
  try {
    await assert.rejects(f(`${world.url}/v2/identity`, { method: "POST", body: JSON.stringify({ city: "Rome" }) }),
      (e) => e.code === "replay-detected", "the same request at a higher price: the same purchase");
  } finally {
    delete world.state.amount;
  }
  assert.equal(sink.lines.filter((l) => l.includes('"code":"replay-detected"')).length, 3);
});

test("payload binding: a tampering signer (payee, amount, validity) is refused by the core before sending; released, audited and counted", async () => {
  for (const [field, value, code] of [["to", "0x" + "33".repeat(20), "payload-mismatch"], ["value", "20000", "payload-mismatch"],
    ["validBefore", "99999999999", "payload-expiry-too-long"]]) {
    const honest = fakeSigner();
    const tamper = { calls: honest.calls, signer: async (req) => {
      const p = await honest.signer(req);
      p.authorization[field] = value;
      return p;
    } };
    const { f, sink, metrics } = await hardened({ max_per_call_usd: 0.10, daily_limit_usd: 0.01 }, { signerObj: tamper });
    const before = paidFor("/v1/allowed").length;
    const err = await f(`${world.url}/v1/allowed`).then(() => null, (e) => e);
    assert.ok(err instanceof x.X402PaymentError, String(err));
    assert.equal(err.code, code);
    assert.equal(paidFor("/v1/allowed").length, before, "nothing was sent");
    assert.match(sink.lines.at(-1), new RegExp(`"code":"${code}".*"outcome":"failed"`));
    assert.equal(metrics.total("x402_payload_refusals_total", { code, field: `authorization.${field}` }), 1);
    // Released and forgotten: the same purchase with an honest signer is paid within the same $0.01 budget.
    const g = await x.createHardenedFetch({ signer: honest.signer, guard: f.guard });
    assert.equal((await g(`${world.url}/v1/allowed`)).status, 200);
  }
});

test("payload binding: the opaque opt-out sends a payload the core cannot read", async () => {
  const opaque = { calls: [], signer: async () => ({ token: "remote-signer-envelope" }) };
  const refused = await hardened({}, { signerObj: opaque });
  const err = await refused.f(`${world.url}/v1/allowed`).then(() => null, (e) => e);
  assert.equal(err?.code, "payload-malformed");
  const { f } = await hardened({ payload: { check: "opaque" } }, { signerObj: opaque });
  assert.equal((await f(`${world.url}/v1/allowed`)).status, 200);
  assert.deepEqual(paidFor("/v1/allowed").at(-1).payload.payload, { token: "remote-signer-envelope" });
});
