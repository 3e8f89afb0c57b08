// A newcomer's first hour (issue 22 items 5 and 6): errors that say what happened, the same shapes as
// the Python package (verifyChain, PRESIDIO_X402_* key variables, the presidio-x402 command).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as x from "presidio-hardened-x402";

const BIN = join(dirname(createRequire(import.meta.url).resolve("presidio-hardened-x402/package.json")), "dist", "cli.js");
const KEY = "61".repeat(32);
const OTHER = "62".repeat(32);

/** A guard's audit log of `n` refusals (each one line). */
async function log(n = 3, opts = {}) {
  const sink = new x.MemoryAuditSink();
  const g = await x.PaymentGuard.create({ auditKey: KEY, replayKey: KEY, audit: sink, warn: () => {}, ...opts });
  for (let i = 0; i < n; i++) await g.begin({ url: `https://a.example/r${i}`, paymentRequired: null });
  return { g, sink };
}

test("verifyChain returns what Python's verify_chain returns; a wrong key says 'wrong key, or the first line was edited'", async () => {
  const { g, sink } = await log();
  assert.ok(sink.lines.length >= 3);
  const ok = x.verifyChain(sink.text(), KEY, { expectedHead: g.head });
  assert.deepEqual(ok, { ok: true, head: g.head, line: null, seq: null, code: null, reason: null });
  assert.deepEqual(x.verifyChain(sink.lines, KEY).head, g.head, "lines or text");
  const wrong = x.verifyChain(sink.text(), OTHER);
  assert.deepEqual([wrong.ok, wrong.line, wrong.code], [false, 1, "audit-bad-key"]);
  assert.match(wrong.reason, /wrong key/);
  assert.match(wrong.reason, /first line/);
  const later = [...sink.lines];
  later[1] = sink.lines[1].replace('"outcome":"blocked"', '"outcome":"settled"');
  assert.notEqual(later[1], sink.lines[1]);
  assert.deepEqual([x.verifyChain(later, KEY).line, x.verifyChain(later, KEY).code], [2, "audit-bad-mac"]);
  // The throwing form stays, with the same code.
  assert.throws(() => x.verifyAuditLog(OTHER, sink.text()), (e) => e instanceof x.X402GuardError && e.code === "audit-bad-key");
  // A key the core cannot use throws its code.
  assert.throws(() => x.verifyChain(sink.text(), "abcd"), (e) => e.code === "key-too-short");
});

test("keys are checked at creation with a code; config errors carry .code", async () => {
  for (const k of [{ auditKey: "abcd" }, { replayKey: new Uint8Array(4) }]) {
    const e = await x.PaymentGuard.create({ ...k, warn: () => {} }).then(() => null, (err) => err);
    assert.ok(e instanceof x.X402GuardError && e.code === "key-too-short", `${JSON.stringify(k)}: ${e}`);
  }
  const c = await x.PaymentGuard.create({ config: { max_per_cal_usd: "1" }, warn: () => {} }).then(() => null, (err) => err);
  assert.ok(c instanceof x.PolicyConfigError && c.code === "config-unknown-field", String(c));
});

test("PRESIDIO_X402_CHAIN_KEY and PRESIDIO_X402_FINGERPRINT_KEY are read when no key is given (the Python names); a bad value is ignored with a warning", async () => {
  assert.equal(x.CHAIN_KEY_ENV, "PRESIDIO_X402_CHAIN_KEY");
  assert.equal(x.FINGERPRINT_KEY_ENV, "PRESIDIO_X402_FINGERPRINT_KEY");
  const saved = { c: process.env.PRESIDIO_X402_CHAIN_KEY, f: process.env.PRESIDIO_X402_FINGERPRINT_KEY };
  try {
    process.env.PRESIDIO_X402_CHAIN_KEY = OTHER;
    process.env.PRESIDIO_X402_FINGERPRINT_KEY = KEY;
    const warnings = [];
    const { g, sink } = await log(1, { auditKey: undefined, replayKey: undefined, warn: (m) => warnings.push(m) });
    assert.deepEqual(warnings, []);
    assert.ok(x.verifyChain(sink.text(), OTHER, { expectedHead: g.head }).ok, "the chain is under the environment's key");
    process.env.PRESIDIO_X402_CHAIN_KEY = "abcd";
    delete process.env.PRESIDIO_X402_FINGERPRINT_KEY;
    const w2 = [];
    const two = await log(1, { auditKey: undefined, replayKey: undefined, warn: (m) => w2.push(m) });
    assert.equal(x.verifyChain(two.sink.text(), "abcd".repeat(8)).ok, false);
    assert.ok(w2.some((m) => m.includes("$PRESIDIO_X402_CHAIN_KEY is not hex of at least 16 bytes: ignored")), w2.join("\n"));
    // True warnings: a random fingerprint key misses replays across processes even with a shared store.
    assert.ok(w2.some((m) => m.includes("PRESIDIO_X402_FINGERPRINT_KEY is not set") && m.includes("even with a shared store")), w2.join("\n"));
  } finally {
    for (const [k, v] of [["PRESIDIO_X402_CHAIN_KEY", saved.c], ["PRESIDIO_X402_FINGERPRINT_KEY", saved.f]]) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test("the presidio-x402 command: verify (audit-bad-key under a wrong key), validate-policy (every problem with its code)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nc1-"));
  const { sink } = await log(2);
  writeFileSync(join(dir, "audit.jsonl"), sink.text());
  const run = (args, key = KEY) => spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, PRESIDIO_X402_CHAIN_KEY: key }, encoding: "utf8" });
  assert.equal(run(["verify", join(dir, "audit.jsonl")]).status, 0);
  const wrong = run(["verify", join(dir, "audit.jsonl")], OTHER);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stdout, /audit-bad-key/);
  writeFileSync(join(dir, "p.toml"), 'max_per_call_usd = "0.10"\n');
  const ok = run(["validate-policy", join(dir, "p.toml")]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^OK: /);
  writeFileSync(join(dir, "bad.json"), JSON.stringify({ max_per_cal_usd: 1, daily_limit_usd: "x" }));
  const bad = run(["validate-policy", join(dir, "bad.json")]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAILED: max_per_cal_usd: config-unknown-field: /);
  assert.match(bad.stdout, /FAILED: daily_limit_usd: /);
  assert.equal(run(["validate-policy"]).status, 2);
});
