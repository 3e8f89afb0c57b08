// Hot reload and OpenTelemetry through the public API of the packed package:
// PaymentGuard.reload (validated, audited and decided by the core) and each
// payment's span plan turned into spans (@opentelemetry/sdk-trace-base's
// InMemorySpanExporter).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x from "presidio-hardened-x402";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { REPLAY_KEY, AUDIT_KEY, EMAIL, payThrough, payloadFor, SETTLED } from "./helpers.mjs";
import { challenge } from "./store-helpers.mjs";

const URN = "urn:x402:policy:sha256:";

async function guard(config, extra = {}) {
  const lines = [];
  const metrics = [];
  const g = await x.PaymentGuard.create({ config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: (l) => { lines.push(l); },
    metrics: { record: (u) => metrics.push(...u) }, ...extra });
  return { g, lines, metrics, outcomes: () => lines.map((l) => JSON.parse(l).outcome) };
}

const reloads = (metrics) => metrics.filter((m) => m.name === "x402_policy_reloads_total").map((m) => m.labels.result);

test("reload lowers the per-call limit: the next payment is refused; the reload is audited with the policy's digest", async () => {
  const { g, lines, metrics, outcomes } = await guard({ max_per_call_usd: "1", daily_limit_usd: "5" });
  assert.equal((await payThrough(g, challenge("a"))).allowed, true);
  const { policySha256 } = await g.reload({ max_per_call_usd: "0.005", daily_limit_usd: "5" });
  assert.match(policySha256, /^[0-9a-f]{64}$/);
  const done = await payThrough(g, challenge("b"));
  assert.equal(done.code, "policy-per-call-exceeded");
  assert.deepEqual(outcomes(), ["allowed", "settled", "applied", "blocked"]);
  const line = JSON.parse(lines[2]);
  assert.equal(line.event_type, "policy_reload");
  assert.equal(line.resource_url, URN + policySha256);
  assert.ok(!lines[2].includes("0.005"));
  assert.deepEqual(reloads(metrics), ["applied"]);
  await g.close();
});

test("an invalid reload throws its code and the old policy stays in force", async () => {
  const { g, metrics, outcomes } = await guard({ max_per_call_usd: "1", replica_id: "r1" });
  for (const [bad, code] of [[{ max_per_call_usd: "ten" }, "usd-malformed"], [{ max_per_call_usd: "1", nope: 1 }, "config-unknown-field"],
    [{ max_per_call_usd: "1", replica_id: "r2" }, "config-identity-changed"], ["{", "config-malformed"]]) {
    await assert.rejects(g.reload(bad), (e) => e instanceof x.PolicyConfigError && e.code === code && e.errors.length >= 1);
  }
  assert.equal((await payThrough(g, challenge("a"))).allowed, true);
  assert.deepEqual(outcomes(), ["refused", "refused", "refused", "refused", "allowed", "settled"]);
  assert.deepEqual(reloads(metrics), ["refused", "refused", "refused", "refused"]);
  await g.close();
});

test("reload from a TOML policy file (loadPolicyFile)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "x402-reload-"));
  try {
    const { g } = await guard({ max_per_call_usd: "1" });
    writeFileSync(join(dir, "policy.toml"), 'max_per_call_usd = "0.005"\n');
    await g.reload(await x.loadPolicyFile(join(dir, "policy.toml")));
    assert.equal((await payThrough(g, challenge("a"))).code, "policy-per-call-exceeded");
    await g.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reload during an open reservation: the payment finishes under its policy; its spend counts under the new limit", async () => {
  const { g, outcomes } = await guard({ max_per_call_usd: "1", daily_limit_usd: "5" });
  let p = await g.begin(challenge("a"));
  assert.equal(p.action.do, "sign"); // reserved, being signed
  await g.reload({ max_per_call_usd: "0.005", daily_limit_usd: "0.015" });
  p = await g.resume(p, { on: "signed", payload: payloadFor(p.action) });
  p = await g.resume(p, { on: "response", status: 200, settlement: SETTLED });
  assert.equal(p.action.allowed, true); // 0.01 > the new per-call limit, yet it settles
  await g.reload({ max_per_call_usd: "1", daily_limit_usd: "0.015" });
  assert.equal((await payThrough(g, challenge("b"))).code, "policy-window-exceeded"); // 0.01 + 0.01 > 0.015
  assert.deepEqual(outcomes(), ["allowed", "applied", "settled", "applied", "blocked"]);
  await g.close();
});

function otelGuard(config) {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, made: guard(config, { tracerProvider }) };
}

function tree(exporter) {
  const spans = exporter.getFinishedSpans();
  const parentOf = (s) => s.parentSpanContext?.spanId ?? s.parentSpanId;
  const roots = spans.filter((s) => !parentOf(s));
  assert.equal(roots.length, 1, spans.map((s) => s.name).join());
  const root = roots[0];
  const kids = spans.filter((s) => parentOf(s));
  for (const k of kids) {
    assert.equal(parentOf(k), root.spanContext().spanId);
    assert.equal(k.spanContext().traceId, root.spanContext().traceId);
  }
  return { root, kids };
}

function noSecrets(spans, extra = []) {
  for (const s of spans) {
    for (const [k, v] of Object.entries(s.attributes)) {
      for (const bad of [EMAIL, "alice", REPLAY_KEY, AUDIT_KEY, "0x000000000000", ...extra]) {
        assert.ok(!String(v).includes(bad), `${s.name} ${k} holds ${bad}`);
      }
    }
  }
}

test("OpenTelemetry: an allowed payment is one span with a child per control, attributes from the core", async () => {
  const { exporter, made } = otelGuard({ max_per_call_usd: "1" });
  const { g } = await made;
  const c = challenge(`a?email=${EMAIL}`);
  assert.equal((await payThrough(g, c)).allowed, true);
  const { root, kids } = tree(exporter);
  assert.equal(root.name, "x402.payment");
  assert.deepEqual(kids.map((k) => k.name).sort(), ["x402.payee", "x402.pii", "x402.policy", "x402.replay", "x402.send", "x402.settle", "x402.sign"]);
  assert.equal(root.attributes["x402.decision"], "allowed");
  assert.equal(root.attributes["x402.settlement"], "settled");
  assert.equal(root.attributes["x402.network"], "eip155:84532");
  assert.equal(root.attributes["x402.amount_usd"], "0.01");
  assert.equal(root.attributes["x402.endpoint"], "https://api.example.com/a");
  assert.notEqual(root.status.code, 2);
  for (const k of kids) {
    assert.equal(k.attributes["security_rule.ruleset.name"], "presidio-hardened-x402");
    assert.equal(`x402.${k.attributes["security_rule.category"]}`, k.name);
    assert.equal(k.attributes["x402.decision"], "pass");
  }
  noSecrets([root, ...kids]);
  await g.close();
});

test("OpenTelemetry: a refused payment marks the control that refused", async () => {
  const { exporter, made } = otelGuard({ max_per_call_usd: "0.005" });
  const { g } = await made;
  assert.equal((await payThrough(g, challenge(`a?email=${EMAIL}`))).code, "policy-per-call-exceeded");
  const { root, kids } = tree(exporter);
  assert.equal(root.status.code, 2); // ERROR
  assert.equal(root.attributes["x402.code"], "policy-per-call-exceeded");
  assert.deepEqual(kids.map((k) => k.name), ["x402.pii", "x402.payee", "x402.policy"]);
  const policy = kids[2];
  assert.equal(policy.status.code, 2);
  assert.equal(policy.attributes["security_rule.name"], "policy-per-call-exceeded");
  assert.equal(policy.attributes["x402.code"], "policy-per-call-exceeded");
  noSecrets([root, ...kids]);
  await g.close();
});
