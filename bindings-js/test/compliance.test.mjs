// The compliance report (issue 15 item 2) through the PACKED package:
// complianceReport(dir, key) over guard-written logs, where a broken or cut
// chain fails, and the `presidio-x402` bin. Byte identity with Python: the
// vectors (audit-report.json, whose `json` text every host must produce) and
// bindings-python/tests/test_compliance.py (Python against this bin).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as x from "presidio-hardened-x402";
import { REPLAY_KEY, AUDIT_KEY, payThrough } from "./helpers.mjs";
import { challenge, STORE_CONFIG } from "./store-helpers.mjs";

const tmp = (name) => mkdtempSync(join(tmpdir(), `px402-${name}-`));
const VECTORS = JSON.parse(readFileSync(new URL("../../vectors/audit-report.json", import.meta.url), "utf8"));
const BIN = join(dirname(createRequire(import.meta.url).resolve("presidio-hardened-x402/package.json")), "dist", "cli.js");

/** pod-a pays 3 times, pod-b twice (FileStore heads, FileAuditSink chains). */
async function fill(dir) {
  const auditDir = join(dir, "audit");
  mkdirSync(auditDir);
  const storeDir = join(dir, "store");
  for (const [replica, n] of [["pod-a", 3], ["pod-b", 2]]) {
    const g = await x.PaymentGuard.create({ config: { ...STORE_CONFIG, replica_id: replica }, store: await x.FileStore.open(storeDir),
      audit: new x.FileAuditSink(join(auditDir, `${replica}.jsonl`)), replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
    for (let i = 0; i < n; i++) assert.equal((await payThrough(g, challenge(`${replica}-${i}`))).allowed, true);
    await g.close();
  }
  return { auditDir, store: await x.FileStore.open(storeDir) };
}

test("complianceReport: totals over a guard-written directory, truncation checked with the stored heads", async () => {
  const dir = tmp("report");
  try {
    const { auditDir, store } = await fill(dir);
    const r = await x.complianceReport(auditDir, AUDIT_KEY, { store });
    assert.equal(r.report.chain_ok, true);
    assert.equal(r.report.truncation_checked, true);
    assert.deepEqual(r.report.chain_warnings, []);
    assert.equal(r.report.allowed, 5);
    assert.equal(r.report.settled, 5);
    assert.equal(r.report.total_events, 10);
    assert.equal(JSON.stringify(JSON.parse(r.json)), r.json); // canonical, compact
    assert.match(r.markdown, /\*\*Chain integrity: OK\*\*/);
    const noHeads = await x.complianceReport(auditDir, AUDIT_KEY);
    assert.deepEqual(noHeads.report.chain_warnings, ["truncation not checked: no stored head for every chain"]);
    // cut pod-b's last two lines (its stored head is line 3: the settled line 4's head rides with the next
    // payment's settlement): audit-truncated at line 3, the two lines present still count
    const f = join(auditDir, "pod-b.jsonl");
    const lines = readFileSync(f, "utf8").split("\n").filter((l) => l);
    assert.equal(lines.length, 4);
    writeFileSync(f, lines.slice(0, -2).map((l) => l + "\n").join(""));
    const cut = await x.complianceReport(auditDir, AUDIT_KEY, { store });
    const b = cut.report.chains.find((c) => c.name === "pod-b.jsonl");
    assert.equal(cut.report.chain_ok, false);
    assert.deepEqual([b.code, b.line, b.counted], ["audit-truncated", 3, 2]);
    assert.match(cut.markdown, /Chain integrity: FAILED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("complianceReport: the vectors' chains give the vectors' exact JSON and Markdown", async () => {
  const dir = tmp("report-vec");
  try {
    let n = 0;
    for (const t of VECTORS.testGroups[0].tests.filter((t) => t.result === "valid" && !t.input.heads && t.input.chains.length === 1)) {
      const file = join(dir, `${t.tcId}-${t.input.chains[0].name}`);
      writeFileSync(file, t.input.chains[0].text);
      const r = await x.complianceReport(file, t.input.key_hex);
      // a single file is named by its base name; the vector names it chains[0].name
      assert.equal(r.json, t.expected.json.replaceAll(`"name":"${t.input.chains[0].name}"`, `"name":"${t.tcId}-${t.input.chains[0].name}"`)
        .replaceAll(`${t.input.chains[0].name}: line`, `${t.tcId}-${t.input.chains[0].name}: line`), t.comment);
      n++;
    }
    assert.ok(n >= 4, `${n} vectors checked`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the presidio-x402 bin: report (markdown, json), verify, exit codes", async () => {
  const dir = tmp("report-bin");
  try {
    const { auditDir } = await fill(dir);
    const run = (args, key = AUDIT_KEY) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, PRESIDIO_X402_CHAIN_KEY: key } });
    const md = run(["report", auditDir, "--store-dir", join(dir, "store")]);
    assert.equal(md.status, 0, md.stderr);
    assert.equal(md.stdout, (await x.complianceReport(auditDir, AUDIT_KEY, { store: await x.FileStore.open(join(dir, "store")) })).markdown);
    const js = run(["report", auditDir, "--format", "json"]);
    assert.equal(js.status, 0);
    assert.equal(js.stdout, (await x.complianceReport(auditDir, AUDIT_KEY)).json + "\n");
    const v = run(["verify", auditDir]);
    assert.equal(v.status, 0);
    assert.match(v.stdout, /OK: 2 of 2 chains verify, 0 missing/);
    const wrong = run(["report", auditDir], "33".repeat(32));
    assert.equal(wrong.status, 1);
    assert.match(wrong.stdout, /Chain integrity: FAILED/);
    assert.equal(run(["nonsense"]).status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("verifyAuditLog and verifyChain take the log as UTF-8 bytes: non-ASCII lines verify, an edited or unpaired character does not", () => {
  const key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  let head = null;
  const lines = [];
  for (const url of ["https://api.example.com/café/日本語", "https://api.example.com/🙂?q=ü"]) {
    const event = { event_type: "payment_attempt", outcome: "allowed", resource_url: url, agent_id: "agent-ñ" };
    const r = x.call("audit.append", { key_hex: key, head, event, now_ms: 1767225600000 });
    lines.push(r.line);
    head = r.head;
  }
  const text = lines.join("\n") + "\n";
  assert.deepEqual(x.verifyAuditLog(key, text, head), head);
  assert.deepEqual(x.verifyChain(text, key, { expectedHead: head }).head, head);
  // One character of the second line changed (a 4-byte UTF-8 character for a 2-byte one).
  const edited = text.replace("🙂", "é");
  assert.throws(() => x.verifyAuditLog(key, edited, head), (e) => e.code === "audit-bad-mac");
  // A lone surrogate cannot be UTF-8: it crosses as U+FFFD (as any string into the core), so the MAC fails.
  const lone = text.replace("🙂", "\ud83d");
  assert.equal(x.verifyChain(lone, key).code, "audit-bad-mac");
  // A text member that is not a string is the core's to refuse, as before.
  assert.throws(() => x.verifyAuditLog(key, 42), (e) => e.code === "invalid-input");
});
