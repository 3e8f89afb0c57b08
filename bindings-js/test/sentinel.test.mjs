// The secret sentinel (sentinel/sentinel.mjs) is not blind: a node:test run
// whose tests put a registered key into the console, a file, an error of the
// package or an audit line fails, and names each sink and test; a key of few
// distinct characters is found too, and a longer run of its characters is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const KEY = "c0ffee5eed0102030405060708090a0b0c0d0e0f101112131415161718191a1b";

const LEAKY = `
import { test } from "node:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
const KEY = "${KEY}";
const guard = () => x.PaymentGuard.create({ replayKey: KEY, auditKey: "ab".repeat(8) + "cd".repeat(8) + "0123456789abcdef" + "fedcba9876543210", warn: () => {} });

test("clean", async () => { await guard(); });
test("logs a key at debug", async () => { await guard(); console.debug("replay key is", KEY); });
test("writes a key into a file and removes it", async () => {
  await guard();
  const dir = mkdtempSync(join(tmpdir(), "leak-"));
  writeFileSync(join(dir, "audit.jsonl"), JSON.stringify({ k: Buffer.from(KEY, "hex").toString("base64url") }) + "\\n");
  rmSync(dir, { recursive: true });
});
test("makes an error with a key", async () => { await guard(); void new x.X402PaymentError("invalid-input", "boom " + KEY.toUpperCase()); });
const LOW = "5a".repeat(32); // a key of two distinct hex digits (bytes "Z" * 32)
test("logs a key of few distinct characters", async () => {
  await x.PaymentGuard.create({ replayKey: LOW, auditKey: KEY, warn: () => {} });
  console.log("key", LOW);
});
test("long runs are no key", async () => { console.log("Z".repeat(100), "5a".repeat(80)); });
`;

test("the sentinel fails a run that leaks, naming the sink and the test", () => {
  const sentinelRoot = process.env.PX402_SENTINEL_DIR ? dirname(process.env.PX402_SENTINEL_DIR) : undefined;
  const dir = mkdtempSync(join(sentinelRoot ?? process.env.TMPDIR ?? "/tmp", "px402-leaky-"));
  try {
    symlinkSync(join(here, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "leaky.test.mjs"), LEAKY);
    const env = { ...process.env, TMPDIR: dir };
    for (const k of ["NODE_TEST_CONTEXT", "NODE_OPTIONS", "PX402_SENTINEL_DIR", "PX402_SENTINEL_ROOT", "PX402_SENTINEL"]) delete env[k];
    const r = spawnSync(process.execPath, [join(here, "sentinel", "run.mjs"), "--test", "--test-reporter=spec", "leaky.test.mjs"], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.status, 1, out);
    assert.match(out, /pass 6/, out); // every test passes: the sentinel fails the run
    const leaks = out.split("\n").filter((l) => l.startsWith("LEAK: "));
    assert.ok(leaks.includes("LEAK: replayKey (guard option) in console.debug (test leaky.test.mjs > logs a key at debug)"), out);
    assert.ok(leaks.some((l) => /^LEAK: replayKey \(guard option\) in file \(before rm\) leak-\w+\/audit\.jsonl \(test leaky\.test\.mjs > writes a key into a file and removes it\)$/.test(l)), out);
    assert.ok(leaks.includes("LEAK: replayKey (guard option) in X402PaymentError: message (test leaky.test.mjs > makes an error with a key)"), out);
    assert.ok(leaks.includes("LEAK: replayKey (guard option) in console.log (test leaky.test.mjs > logs a key of few distinct characters)"), out);
    assert.ok(!leaks.some((l) => l.includes("> clean") || l.includes("> long runs are no key")), out);
    assert.ok(!leaks.join("\n").includes(KEY) && !leaks.join("\n").toUpperCase().includes(KEY.toUpperCase()), "findings name secrets, never show them");
    assert.match(out, /secret sentinel: .* LEAKS/, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
