// The core's payment driver through the PACKED package: every scenario of
// vectors/driver/transcripts.json replayed crossing by crossing, each output
// compared byte for byte (Chromium runs the same in browser.test.mjs); the
// error and metric tables the package builds its classes and METRICS from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as x from "presidio-hardened-x402";
import { runTranscripts } from "./vector-runner.mjs";

/** The transcripts file (DRIVER_TRANSCRIPTS overrides it, for development). */
const transcriptsPath = process.env.DRIVER_TRANSCRIPTS ?? fileURLToPath(new URL("../../vectors/driver/transcripts.json", import.meta.url));
const witPath = fileURLToPath(new URL("../../wit/presidio-x402.wit", import.meta.url));
const KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/** The codes of the WIT `error-code` enum, in order. */
function witCodes() {
  const wit = readFileSync(witPath, "utf8");
  const body = wit.slice(wit.indexOf("enum error-code {")).split("}")[0];
  return body.split("\n").map((l) => l.trim()).filter((l) => /^[a-z0-9-]+,?$/.test(l)).map((l) => l.replace(/,$/, ""));
}

test("driver transcripts: every scenario, every crossing byte for byte", () => {
  const doc = JSON.parse(readFileSync(transcriptsPath, "utf8"));
  const r = runTranscripts(x, doc);
  console.log(`# driver transcripts: ${r.scenarios} scenarios, ${r.crossings} crossings`);
  assert.deepEqual(r.failures, []);
  assert.ok(r.scenarios > 0 && r.crossings >= r.scenarios);
});

test("driver transcripts with every begin crossing as values (Driver.begin's path): the same bytes", () => {
  const doc = JSON.parse(readFileSync(transcriptsPath, "utf8"));
  const r = runTranscripts(x, doc, { typedBegin: true });
  assert.deepEqual(r.failures, []);
  assert.ok(r.scenarios > 0);
});

test("the transcript runner fails a wrong output, a wrong error, an unknown call, a bad task and an empty document", () => {
  const open = new x.Driver("{}", "", KEY, KEY).openJson();
  const sc = (crossings, extra = {}) => ({ schema: "presidio-x402-driver-transcripts-v1",
    scenarios: [{ tcId: 1, comment: "c", config: "{}", profile: "", replay_key_hex: KEY, audit_key_hex: KEY, crossings, ...extra }] });
  const bad = (doc) => runTranscripts(x, doc).failures.length;
  assert.equal(bad(sc([{ call: "open", output: open }])), 0);
  assert.equal(bad(sc([{ call: "open", output: open + " " }])), 1);
  assert.equal(bad(sc([{ call: "open", output: open }, { call: "begin", now_ms: 1, input: "{", output: '{"error":"invalid-input"}' }])), 0);
  assert.equal(bad(sc([{ call: "begin", now_ms: 1, input: "{", output: '{"error":"state-corrupt"}' }])), 1);
  assert.equal(bad(sc([{ call: "open", output: '{"error":"invalid-input"}' }])), 1);
  assert.equal(bad(sc([{ call: "close", output: "" }])), 1);
  assert.equal(bad(sc([{ call: "handle", task: 0, now_ms: 1, input: '{"on":"wake"}', output: '{"error":"invalid-input"}' }])), 1);
  assert.equal(bad(sc([{ call: "open", output: open }, { call: "handle", task: 0, now_ms: 1, input: '{"on":"wake"}', output: '{"error":"invalid-input"}' }])), 0);
  assert.equal(bad(sc([])), 1);
  assert.equal(bad({ schema: "presidio-x402-driver-transcripts-v1", scenarios: [] }), 1);
  assert.equal(bad({ scenarios: sc([{ call: "open", output: open }]).scenarios }), 1);
});

test("errorTable(): one row per code of the WIT and the core, each family an exported class", () => {
  const table = x.errorTable();
  assert.equal(x.errorTable(), table, "cached");
  const codes = witCodes();
  assert.ok(codes.length > 50, `WIT codes: ${codes.length}`);
  assert.deepEqual(table.map((r) => r.code), codes);
  const classes = new Set([x.PIIBlockedError, x.PolicyViolationError, x.ReplayDetectedError, x.X402PaymentError, x.MPADeniedError, x.MPATimeoutError]);
  const families = new Set();
  for (const r of table) {
    families.add(r.family);
    assert.equal(r.description, x.describe(r.code), r.code);
    const C = x.errorClassFor(r.code);
    assert.ok(classes.has(C), `${r.code}: ${C?.name}`);
    // The table's class when the package has it; the store family (no JS class) and a lone config code are payment errors.
    assert.equal(C, r.family === "store-unavailable" || r.family === "config" ? x.X402PaymentError : x[r.class], r.code);
    assert.equal(x.errorClassForFamily(r.family), C);
    // The core's rule: a policy violation is exactly a code with a limit_type.
    assert.equal(r.family === "policy-violation", r.limit_type !== null, r.code);
    const e = x.errorFor(r.code, r.description);
    assert.ok(e instanceof C && e instanceof x.X402GuardError && e.code === r.code);
  }
  assert.deepEqual([...families].sort(),
    ["config", "mpa-denied", "mpa-timeout", "payment", "pii-blocked", "policy-violation", "replay-detected", "store-unavailable"]);
  // Codes that were PolicyViolationError by a hand-written list before the table.
  for (const c of ["no-acceptable-offer", "unknown-network", "too-many-reservations", "reservation-expired"]) {
    assert.equal(x.errorClassFor(c), x.X402PaymentError, c);
  }
  assert.equal(x.errorClassFor("no-such-code"), x.X402PaymentError);
});

test("metricTable() and METRICS: the core's names, types, help, labels and buckets", () => {
  const table = x.metricTable();
  assert.equal(x.metricTable(), table, "cached");
  assert.ok(table.length >= 6);
  assert.deepEqual(Object.keys(x.METRICS), table.map((m) => m.name));
  for (const m of table) {
    const d = x.METRICS[m.name];
    assert.deepEqual({ type: d.type, help: d.help, labels: d.labels }, { type: m.type, help: m.help, labels: [...m.labels] });
    assert.deepEqual(d.buckets, m.buckets.map(Number));
    assert.equal(m.type === "histogram", m.buckets.length > 0, m.name);
  }
  assert.deepEqual(x.METRICS.x402_payment_amount_usd.buckets, [0.001, 0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(x.METRICS.x402_payments_total.labels, ["outcome", "network"]);
  assert.throws(() => { x.METRICS.extra = {}; }, TypeError);
});

test("Driver: typed crossings of one payment (memory store) and coded errors", () => {
  assert.throws(() => new x.Driver({ max_per_call_usd: "abc" }, {}, KEY, KEY),
    (e) => e instanceof x.PolicyConfigError && e.errors[0].path === "max_per_call_usd");
  assert.throws(() => new x.Driver({}, {}, "00", KEY), (e) => e instanceof x.X402GuardError && e.code === "key-too-short");
  assert.throws(() => new x.Driver({}, { shared: "yes" }, KEY, KEY), (e) => e.code === "invalid-input");
  const d = new x.Driver({ max_per_call_usd: "0.10" }, {}, KEY, KEY);
  assert.deepEqual(d.open().actions.map((a) => a.do), ["done"]);
  assert.equal(d.head(), null);
  const body = JSON.stringify({ x402Version: 1, error: "pay", accepts: [{ scheme: "exact", network: "base-sepolia", maxAmountRequired: "10000",
    asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", resource: "https://api.example.com/x",
    description: "d", mimeType: "application/json", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] });
  // An unshared store: the state and the replay set live in the driver.
  const { id, actions: pre } = d.begin({ url: "https://api.example.com/x", body, seed: 1 }, 1000);
  assert.deepEqual(pre.map((a) => a.do), ["audit", "sign"]);
  const sign = pre[1];
  assert.equal(sign.amount, "10000");
  assert.equal(sign.x402_version, 1);
  // A payload that authorizes exactly the approved payment (the core checks it: payload binding).
  const payload = { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20), to: sign.pay_to, value: sign.amount,
    validAfter: "0", validBefore: "61", nonce: "0x" + "00".repeat(32) } };
  const send = d.handle(id, 1002, [{ on: "signed", payload }]);
  assert.equal(send[0].do, "send");
  assert.equal(send[0].header.name, "X-PAYMENT");
  const settlement = Buffer.from(JSON.stringify({ success: true })).toString("base64");
  const end = d.handle(id, 1003, { on: "response", status: 200, settlement });
  const done = end.at(-1);
  assert.equal(done.do, "done");
  assert.equal(done.allowed, true);
  assert.equal(done.settlement, "settled");
  assert.ok(done.metrics.some((m) => m.name === "x402_payments_total"));
  assert.equal(d.head().seq, 2);
  assert.equal(x.verifyAuditLog(KEY, [...pre, ...end].filter((a) => a.do === "audit").map((a) => a.line).join("\n") + "\n").seq, 2);
  const state = d.stateJson();
  d.loadStateJson("");
  assert.notEqual(d.stateJson(), state);
  d.loadStateJson(state);
  assert.equal(d.stateJson(), state);
  assert.throws(() => d.loadStateJson("{nope"), (e) => e instanceof x.X402PaymentError && e.code === "state-corrupt");
  assert.throws(() => d.handle(12345, 1, { on: "wake" }), (e) => e instanceof x.X402GuardError && e.code === "invalid-input");
  assert.throws(() => d.handleJson(id, -1, "[]"), (e) => e.code === "invalid-input");
  assert.throws(() => d.beginJson("[]", 1), (e) => e.code === "invalid-input");
  d.free();
});
