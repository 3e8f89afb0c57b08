// Headless Chromium (Debian `chromium`, driven by playwright-core): a page
// served from 127.0.0.1 loads the PACKED package's browser entry, runs every
// vector and a guard decision with BrowserStore (IndexedDB); a second page
// replays every driver transcript byte for byte; then the MV3 example
// extension is loaded and its service worker runs one payment (decide, signed,
// paid) and one refusal with BrowserStore on chrome.storage.local; then the
// extension's approval prompt (a human MPA approver) is approved, denied,
// closed and left to expire, each verdict audited.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkgDir = join(here, "node_modules/presidio-hardened-x402");
const vectorsDir = join(here, "../../vectors");
// The driver transcripts (DRIVER_TRANSCRIPTS overrides the file, as in driver.test.mjs).
const transcriptsPath = process.env.DRIVER_TRANSCRIPTS ?? join(vectorsDir, "driver/transcripts.json");
const exampleDir = join(here, "../../examples/browser-extension");
const executablePath = process.env.CHROMIUM ?? execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"]).toString().trim();
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm", ".html": "text/html" };

const PAGE = `<!doctype html><meta charset="utf-8"><title>presidio-hardened-x402 vectors</title>
<script type="module">
import * as x from "/pkg/dist/browser.js";
import { runVectors, isTranscripts } from "/runner.mjs";
window.result = (async () => {
  await x.init();
  const names = await (await fetch("/vectors/")).json();
  const all = await Promise.all(names.map(async (name) => ({ name, doc: await (await fetch("/vectors/" + name)).json() })));
  // The driver transcripts run on their own page (DRIVER_PAGE).
  const docs = all.filter(({ doc }) => !isTranscripts(doc));
  const r = runVectors((op, input) => x.callJson(op, input), x.operations(), docs);
  const store = new x.BrowserStore({ prefix: "page:" });
  const audit = new x.MemoryAuditSink();
  const key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  const guard = await x.PaymentGuard.create({ store, audit, replayKey: key, auditKey: key });
  const header = btoa(JSON.stringify({ x402Version: 2, resource: { url: "https://api.example.com/w" }, accepts: [{ scheme: "exact",
    network: "eip155:84532", amount: "10000", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] }));
  const first = await guard.begin({ url: "https://api.example.com/w", paymentRequired: header });
  const again = await guard.begin({ url: "https://api.example.com/w", paymentRequired: header });
  return { ...r, backend: store.backend, first: first.action.do, again: again.action.code, verified: x.verifyAuditLog(key, audit.text()).seq };
})().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

const DRIVER_PAGE = `<!doctype html><meta charset="utf-8"><title>presidio-hardened-x402 driver transcripts</title>
<script type="module">
import * as x from "/pkg/dist/browser.js";
import { runTranscripts } from "/runner.mjs";
window.result = (async () => {
  await x.init();
  const r = runTranscripts(x, await (await fetch("/transcripts.json")).json());
  const classes = [x.PIIBlockedError, x.PolicyViolationError, x.ReplayDetectedError, x.X402PaymentError, x.MPADeniedError, x.MPATimeoutError];
  const table = x.errorTable();
  return { ...r, codes: table.map((e) => e.code), unmapped: table.filter((e) => !classes.includes(x.errorClassFor(e.code))).map((e) => e.code),
    metrics: Object.keys(x.METRICS), buckets: x.METRICS.x402_payment_amount_usd.buckets };
})().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

let server, base;
before(async () => {
  server = http.createServer((req, res) => {
    const u = new URL(req.url, "http://127.0.0.1");
    let file = null;
    if (u.pathname === "/" || u.pathname === "/index.html") return res.end(PAGE);
    if (u.pathname === "/driver.html") return res.end(DRIVER_PAGE);
    if (u.pathname === "/vectors/") {
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify(readdirSync(vectorsDir).filter((f) => f.endsWith(".json")).sort()));
    }
    if (u.pathname === "/runner.mjs") file = join(here, "vector-runner.mjs");
    else if (u.pathname === "/transcripts.json") file = transcriptsPath;
    else if (u.pathname.startsWith("/vectors/")) file = join(vectorsDir, u.pathname.slice(9));
    else if (u.pathname.startsWith("/pkg/")) file = join(pkgDir, u.pathname.slice(5));
    if (!file || file.includes("..") || !existsSync(file)) { res.statusCode = 404; return res.end(); }
    res.setHeader("content-type", TYPES[extname(file)] ?? "application/octet-stream");
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));

test("Chromium page: every vector through the packed browser entry, and a BrowserStore decision", async () => {
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(m.text()));
    page.on("pageerror", (e) => logs.push(String(e)));
    await page.goto(base + "/");
    const r = await page.evaluate(() => window.result);
    assert.equal(r.error, undefined, r.error + "\n" + logs.join("\n"));
    console.log(`# Chromium ${browser.version()}: ${r.total} vectors in ${r.files} files`);
    assert.deepEqual(r.failures, []);
    assert.ok(r.total > 100);
    assert.equal(r.backend, "indexedDB");
    assert.equal(r.first, "sign");
    assert.equal(r.again, "replay-detected");
    assert.equal(r.verified, 2);
  } finally {
    await browser.close();
  }
});

test("Chromium page: every driver transcript through the packed browser entry, byte for byte", async () => {
  const doc = JSON.parse(readFileSync(transcriptsPath, "utf8"));
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    const logs = [];
    page.on("console", (m) => logs.push(m.text()));
    page.on("pageerror", (e) => logs.push(String(e)));
    await page.goto(base + "/driver.html");
    const r = await page.evaluate(() => window.result);
    assert.equal(r.error, undefined, r.error + "\n" + logs.join("\n"));
    console.log(`# Chromium ${browser.version()}: driver transcripts: ${r.scenarios} scenarios, ${r.crossings} crossings`);
    assert.deepEqual(r.failures, []);
    // Every scenario and every crossing of the file ran in the browser.
    assert.ok(doc.scenarios.length > 0);
    assert.equal(r.scenarios, doc.scenarios.length);
    assert.equal(r.crossings, doc.scenarios.reduce((n, s) => n + s.crossings.length, 0));
    assert.ok(r.codes.length > 50);
    assert.deepEqual(r.unmapped, []);
    assert.ok(r.metrics.includes("x402_payments_total"));
    assert.deepEqual(r.buckets, [0.001, 0.01, 0.1, 1, 10, 100]);
  } finally {
    await browser.close();
  }
});

test("MV3 example extension: the service worker runs payments with BrowserStore on chrome.storage.local", async () => {
  const dir = mkdtempSync(join(tmpdir(), "px402-ext-"));
  const ext = join(dir, "ext");
  cpSync(exampleDir, ext, { recursive: true, filter: (s) => !s.includes("/vendor") });
  cpSync(join(pkgDir, "dist"), join(ext, "vendor/presidio-hardened-x402"), { recursive: true });
  const ctx = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath, headless: true,
    args: [...FLAGS, `--disable-extensions-except=${ext}`, `--load-extension=${ext}`],
  });
  try {
    let [worker] = ctx.serviceWorkers();
    worker ??= await ctx.waitForEvent("serviceworker", { timeout: 20000 });
    assert.match(worker.url(), /^chrome-extension:\/\/.*\/worker\.js$/);
    const header = Buffer.from(JSON.stringify({ x402Version: 2, resource: { url: "https://api.example.com/w", description: "Weather" },
      accepts: [{ scheme: "exact", network: "eip155:84532", amount: "10000", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] })).toString("base64");
    const d = await worker.evaluate((h) => self.presidioDecide({ url: "https://api.example.com/w", paymentRequired: h }), header);
    assert.equal(d.allowed, true, JSON.stringify(d));
    assert.equal(d.backend, "chrome.storage.local");
    assert.equal(d.amount_usd, "0.01");
    // The wallet signs, then sends exactly the driver's request and reports the answer.
    const payload = { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20), to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      value: "10000", validAfter: "0", validBefore: String(Math.floor(Date.now() / 1000) + 60), nonce: "0x" + "00".repeat(32) } };
    const send = await worker.evaluate(([id, p]) => self.presidioSigned(id, p), [d.id, payload]);
    assert.deepEqual([send.send.method, send.send.url, send.send.header.name], ["GET", "https://api.example.com/w", "PAYMENT-SIGNATURE"]);
    const settlement = Buffer.from(JSON.stringify({ success: true })).toString("base64");
    const end = await worker.evaluate(([id, s]) => self.presidioPaid(id, { status: 200, settlement: s }), [d.id, settlement]);
    assert.deepEqual([end.done, end.allowed, end.settlement], [true, true, "settled"]);
    const big = Buffer.from(Buffer.from(header, "base64").toString().replace('"10000"', '"9000000"')).toString("base64");
    const refused = await worker.evaluate((h) => self.presidioDecide({ url: "https://api.example.com/x", paymentRequired: h }), big);
    assert.equal(refused.code, "policy-per-call-exceeded");
    const stored = await worker.evaluate(() => chrome.storage.local.get(null));
    assert.ok(stored["presidio:state"] && stored["presidio:head"].seq === 3, JSON.stringify(Object.keys(stored)));
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A v2 challenge for `url` asking `amount` atomic USDC (Base Sepolia), with a description. */
function challenge(url, amount, description) {
  return Buffer.from(JSON.stringify({ x402Version: 2, resource: { url, description },
    accepts: [{ scheme: "exact", network: "eip155:84532", amount, asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
      payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] })).toString("base64");
}

test("MV3 example extension: the owner's approval prompt: approve → paid, deny or close → mpa-denied, expire → mpa-timeout, all audited", async () => {
  const dir = mkdtempSync(join(tmpdir(), "px402-prompt-"));
  const ext = join(dir, "ext");
  cpSync(exampleDir, ext, { recursive: true, filter: (s) => !s.includes("/vendor") && !s.endsWith(".png") });
  cpSync(join(pkgDir, "dist"), join(ext, "vendor/presidio-hardened-x402"), { recursive: true });
  const ctx = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath, headless: true,
    args: [...FLAGS, `--disable-extensions-except=${ext}`, `--load-extension=${ext}`],
  });
  try {
    let [worker] = ctx.serviceWorkers();
    worker ??= await ctx.waitForEvent("serviceworker", { timeout: 20000 });
    // Starts a payment; the prompt window opens; returns it with the pending decision.
    const ask = async (url, amount, description) => {
      const prompt = ctx.waitForEvent("page", { timeout: 20000 });
      const decision = worker.evaluate(([u, h]) => self.presidioDecide({ url: u, paymentRequired: h }), [url, challenge(url, amount, description)]);
      const page = await prompt;
      assert.match(page.url(), /^chrome-extension:\/\/.*\/prompt\.html\?id=[0-9a-f]{32}$/);
      await page.waitForFunction(() => document.getElementById("usd").textContent.startsWith("$"));
      return { page, decision };
    };
    const text = (page, id) => page.locator("#" + id).textContent();
    // The prompt closes itself after a click: click from inside, without waiting on the page afterwards.
    const click = (page, id) => page.evaluate((b) => void setTimeout(() => document.getElementById(b).click(), 0), id);

    // 1. Approve: the prompt shows what the core built (redacted), then the payment goes through.
    const a = await ask("https://api.example.com/report?email=jane.doe@example.com", "2500000", "Report for jane.doe@example.com");
    assert.equal(await text(a.page, "usd"), "$2.5");
    assert.equal(await text(a.page, "token"), "2.5 USDC");
    assert.equal(await text(a.page, "pay_to"), "0x209693bc6afc0c5328ba36faf03c514ef312287c");
    assert.equal(await text(a.page, "network"), "eip155:84532");
    assert.equal(await text(a.page, "description"), "Report for <REDACTED>");
    const shownUrl = await text(a.page, "url");
    assert.ok(!shownUrl.includes("jane.doe") && shownUrl.startsWith("https://api.example.com/report"), shownUrl);
    assert.match(await text(a.page, "countdown"), /^Expires in (5\d|60) s$/);
    await a.page.setViewportSize({ width: 420, height: 540 });
    const png = await a.page.screenshot({ fullPage: true });
    assert.ok(png.length > 1000);
    // UPDATE_SCREENSHOTS=1 refreshes the picture in the READMEs.
    if (process.env.UPDATE_SCREENSHOTS) writeFileSync(join(exampleDir, "prompt.png"), png);
    await click(a.page, "approve");
    const d = await a.decision;
    assert.deepEqual([d.allowed, d.amount_usd], [true, "2.5"], JSON.stringify(d));
    const payload = { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20), to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      value: "2500000", validAfter: "0", validBefore: String(Math.floor(Date.now() / 1000) + 60), nonce: "0x" + "00".repeat(32) } };
    const send = await worker.evaluate(([id, p]) => self.presidioSigned(id, p), [d.id, payload]);
    const settlement = Buffer.from(JSON.stringify({ success: true })).toString("base64");
    const paid = await worker.evaluate(([id, s]) => self.presidioPaid(id, { status: 200, settlement: s }), [send.id, settlement]);
    assert.deepEqual([paid.done, paid.allowed, paid.settlement], [true, true, "settled"]);

    // 2. Deny.
    const b = await ask("https://api.example.com/b", "2000000", "Deny me");
    await click(b.page, "deny");
    const denied = await b.decision;
    assert.deepEqual([denied.done, denied.allowed, denied.code], [true, false, "mpa-denied"]);

    // 3. Closing the window is a denial.
    const c = await ask("https://api.example.com/c", "2000000", "Close me");
    await c.page.close();
    assert.equal((await c.decision).code, "mpa-denied");

    // 4. Expiry: a 2-second approval window; nobody answers.
    await worker.evaluate(async (cfg) => { await chrome.storage.local.set({ "presidio-config": cfg }); await self.presidioReload(); },
      { max_per_call_usd: "5", daily_limit_usd: "20", mpa: { threshold: 1, min_amount_usd: "1", timeout_seconds: 2,
        approvers: [{ approver_id: "wallet-owner", mode: "human" }] } });
    const e = await ask("https://api.example.com/e", "2000000", "Let me expire");
    const closed = new Promise((r) => e.page.once("close", r));
    const expired = await e.decision;
    assert.deepEqual([expired.allowed, expired.code], [false, "mpa-timeout"]);
    await closed; // the worker closed the prompt at the deadline

    // Every verdict is in the chained audit log, which verifies.
    const log = await worker.evaluate(() => self.presidioAuditLog());
    const keys = (await worker.evaluate(() => chrome.storage.local.get("presidio-keys")))["presidio-keys"];
    const x = await import("presidio-hardened-x402");
    const head = x.verifyAuditLog(keys.audit, log);
    const lines = log.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(head.seq, lines.length);
    const codes = lines.map((l) => l.code ?? l.outcome);
    for (const c of ["mpa-denied", "mpa-timeout"]) assert.ok(codes.includes(c), JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === "mpa-denied").length, 2, JSON.stringify(codes));
    assert.ok(!log.includes("jane.doe"));
    console.log(`# approval prompt: approve, deny, close, expire: ${lines.length} audit lines, chain verified`);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
