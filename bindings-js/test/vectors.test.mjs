// Every golden vector in vectors/ through the PACKED package's `call`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as pkg from "presidio-hardened-x402";
import { runVectors, isTranscripts } from "./vector-runner.mjs";

const dir = fileURLToPath(new URL("../../vectors/", import.meta.url));

test("the test imports the packed package, not the sources", () => {
  const resolved = import.meta.resolve("presidio-hardened-x402");
  assert.match(resolved, /node_modules\/presidio-hardened-x402\/dist\/node\.js$/);
});

test("every vector passes through call()", () => {
  // The driver transcripts are replayed by driver.test.mjs.
  const docs = readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
    .map((name) => ({ name, doc: JSON.parse(readFileSync(dir + name, "utf8")) })).filter(({ doc }) => !isTranscripts(doc));
  assert.ok(docs.length > 0);
  const call = (op, input) => pkg.callJson(op, input);
  const r = runVectors(call, pkg.operations(), docs);
  console.log(`# ${r.total} vectors in ${r.files} files through the packed package`);
  assert.deepEqual(r.failures, []);
  assert.ok(r.total > 100);
});

test("an unknown operation fails with a code", () => {
  assert.throws(() => pkg.call("no.such-op", {}), (e) => e instanceof pkg.X402GuardError && e.code === "invalid-input");
});

test("the runner itself fails an unknown operation, a miscount, a wrong result and an unused operation", () => {
  const call = (op, input) => pkg.callJson(op, input);
  const t = (result, extra) => ({ tcId: 1, comment: "", flags: [], input: { amount: "10" }, result, ...extra });
  const doc = (algorithm, tests, n = tests.length) => ({ algorithm, numberOfTests: n, testGroups: [{ tests }] });
  assert.equal(runVectors(call, ["money.parse-atomic"], [{ name: "a", doc: doc("money.parse-atomic", [t("valid", { expected: { atomic: "10" } })]) }]).failures.length, 0);
  assert.equal(runVectors(call, ["money.parse-atomic"], [{ name: "a", doc: doc("no.such-op", [t("valid", { expected: {} })]) }]).failures.length, 2);
  assert.equal(runVectors(call, ["money.parse-atomic"], [{ name: "a", doc: doc("money.parse-atomic", [t("valid", { expected: { atomic: "10" } })], 2) }]).failures.length, 1);
  assert.equal(runVectors(call, ["money.parse-atomic"], [{ name: "a", doc: doc("money.parse-atomic", [t("invalid", { code: "amount-malformed" })]) }]).failures.length, 1);
  assert.equal(runVectors(call, ["money.parse-atomic"], [{ name: "a", doc: doc("money.parse-atomic", [t("acceptable", {})]) }]).failures.length, 1);
  assert.equal(runVectors(call, ["money.parse-atomic", "url.normalize"], [{ name: "a", doc: doc("money.parse-atomic", [t("valid", { expected: { atomic: "10" } })]) }]).failures.length, 1);
});
