// The configuration reference's examples (docs/examples/policy.{toml,json}) load in the
// packed package and are the same policy; the JSON Schema ships in the tarball.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as x from "presidio-hardened-x402";

const example = (f) => fileURLToPath(new URL(`../../docs/examples/${f}`, import.meta.url));

test("docs/examples/policy.toml and policy.json load, validate and are the same policy", async () => {
  const toml = await x.loadPolicyFile(example("policy.toml"));
  const json = await x.loadPolicyFile(example("policy.json"));
  assert.deepEqual(toml, json);
  assert.equal(json.max_per_call_usd, "0.50");
  assert.equal(json.mpa.approvers.length, 3);
  const g = await x.PaymentGuard.create({ config: toml, replayKey: "11".repeat(32), auditKey: "22".repeat(32), warn: () => {} });
  assert.equal(g.replica, "worker-1");
});

test("a wrong value in the example is reported with its path and the code docs/CONFIG.md lists", async () => {
  const cfg = await x.loadPolicyFile(example("policy.json"));
  const v = x.validateConfig({ ...cfg, window_seconds: 0, pii: { ...cfg.pii, action: "shout" } });
  assert.equal(v.valid, false);
  assert.deepEqual(v.errors.map((e) => `${e.path}: ${e.code}`).sort(), ["pii.action: config-bad-pii", "window_seconds: config-out-of-range"]);
  const doc = readFileSync(fileURLToPath(new URL("../../docs/CONFIG.md", import.meta.url)), "utf8");
  assert.match(doc, /\| `window_seconds` \|[^\n]*`config-out-of-range`/);
  assert.match(doc, /\| `action` \|[^\n]*`config-bad-pii`/);
});

test("the policy JSON Schema ships in the package as presidio-hardened-x402/policy.schema.json", () => {
  const require = createRequire(import.meta.url);
  const shipped = readFileSync(require.resolve("presidio-hardened-x402/policy.schema.json"), "utf8");
  const source = readFileSync(fileURLToPath(new URL("../../schema/policy.schema.json", import.meta.url)), "utf8");
  assert.equal(shipped, source);
  assert.equal(JSON.parse(shipped).title, "X402PolicyConfig");
});
