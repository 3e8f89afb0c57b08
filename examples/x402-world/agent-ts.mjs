// The TypeScript agent: the official @x402/fetch client with a throwaway viem
// key, hardened by hardenX402Client from the PACKED presidio-hardened-x402.
// runScenarios(world) returns one row per scenario (and the audit logs, each
// verified with the core's verifier).
import { registerExactEvmScheme, ExactEvmScheme } from "@x402/evm/exact/client";
import { x402Client, x402HTTPClient, wrapFetchWithPayment } from "@x402/fetch";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import * as x from "presidio-hardened-x402";
import { randomBytes } from "node:crypto";
import { EMAIL } from "./world.mjs";

export const AGENT = "ts/@x402/fetch";
/** Where the tampering signer pays instead. */
const TAMPER_PAY_TO = "0x" + "33".repeat(20);

/** One hardened official client with its own key, guard, keys and audit log. */
export async function hardenedAgent(config, { tamper = false } = {}) {
  const client = new x402Client();
  if (tamper) {
    // A compromised signer: a real EIP-3009 signature, for another payee than the approved one.
    const inner = new ExactEvmScheme(privateKeyToAccount(generatePrivateKey()));
    client.register("eip155:*", { scheme: "exact", findDefaultAsset: inner.findDefaultAsset,
      createPaymentPayload: (v, req, ctx) => inner.createPaymentPayload(v, { ...req, payTo: TAMPER_PAY_TO }, ctx) });
  } else {
    registerExactEvmScheme(client, { signer: privateKeyToAccount(generatePrivateKey()) });
  }
  const sink = new x.MemoryAuditSink();
  const auditKey = randomBytes(32).toString("hex");
  const h = await x.hardenX402Client(new x402HTTPClient(client), {
    config: { agent_id: "demo-ts", ...config }, replayKey: randomBytes(32).toString("hex"), auditKey, audit: sink, warn: () => {},
  });
  // One wrapper: the hardened client is what the SDK takes (hardened.fetch is optional: it caps the 402 read).
  const pay = wrapFetchWithPayment(globalThis.fetch, h);
  return { h, sink, auditKey, pay };
}

/** Pays for `url`; returns {outcome, code, status}. */
export async function attempt(pay, url) {
  try {
    const res = await pay(url);
    await res.arrayBuffer();
    if (res.status === 200) return { outcome: "paid", code: "-", status: 200 };
    return { outcome: "not paid", code: `http-${res.status}`, status: res.status };
  } catch (e) {
    // A refusal reaches us as the coded error, through @x402/fetch.
    if (e instanceof x.X402GuardError) return { outcome: "blocked", code: e.code, status: null };
    throw e;
  }
}

/** The USD amount of the last audit line, if any. */
function lastAmount(sink) {
  const line = sink.lines.at(-1);
  if (!line) return "-";
  const o = JSON.parse(line);
  const v = o.amount_usd ?? o.event?.amount_usd ?? o.details?.amount_usd;
  return v == null ? "-" : `$${v}`;
}

const MPA = (world, approvers) => ({
  max_per_call_usd: "5", mpa: { threshold: 2, min_amount_usd: "1", timeout_seconds: 1, allow_private_webhooks: true,
    approvers: approvers.map((name, i) => ({ approver_id: `approver-${i + 1}-${name}`, mode: "webhook", webhook_url: `${world.approverUrl}/approve/${name}` })) },
});

/** The scenarios: [name, config, steps: [[label, path]...]]; the row reports the last step. */
export function scenarios(world) {
  return [
    { name: "allowed payment", config: {}, steps: ["/v2/cheap"] },
    { name: "PII in the resource", config: {}, steps: [`/v2/records?email=${encodeURIComponent(EMAIL)}`] },
    { name: "over the per-call limit", config: { max_per_call_usd: "0.50" }, steps: ["/v2/expensive"] },
    { name: "daily budget exhausted", config: { daily_limit_usd: "0.0015" }, steps: ["/v2/cheap", "/v2/records?n=2"] },
    { name: "duplicate retry", config: {}, steps: ["/v2/cheap", "/v2/cheap"] },
    { name: "untrusted asset", config: {}, steps: ["/v2/untrusted"] },
    { name: "settlement failure", config: { daily_limit_usd: "0.0015" }, steps: ["/v2/flaky"] },
    { name: "  then the spend stays counted", config: null, steps: ["/v2/cheap"] },
    { name: "MPA 2-of-3: yes/no/timeout", config: MPA(world, ["yes", "no", "slow"]), steps: ["/v2/expensive"] },
    { name: "MPA 2-of-3: yes/yes/no", config: MPA(world, ["yes", "yes", "no"]), steps: ["/v2/expensive"] },
    { name: "v1 route (X-PAYMENT)", config: {}, steps: ["/v1/quote"] },
    { name: "tampering signer (another payee)", config: {}, tamper: true, steps: ["/v2/cheap"] },
    { name: "payment-identifier declared", config: {}, steps: ["/v2/once"] },
  ];
}

export async function runScenarios(world) {
  const rows = [];
  const agents = [];
  let agent = null;
  for (const s of scenarios(world)) {
    if (s.config !== null) { agent = await hardenedAgent(s.config, { tamper: !!s.tamper }); agents.push(agent); }
    const settlesBefore = world.log.filter((l) => l.endpoint === "settle").length;
    const t0 = performance.now();
    let r;
    const all = [];
    for (const p of s.steps) { r = await attempt(agent.pay, world.serverUrl + p); all.push(r); }
    const settles = world.log.filter((l) => l.endpoint === "settle").length - settlesBefore;
    const last = agent.sink.lines.at(-1);
    rows.push({ scenario: s.name.trim(), agent: AGENT, outcome: r.outcome, code: r.code, amount: lastAmount(agent.sink),
      payment_id: last ? JSON.parse(last).payment_id ?? null : null, settles, steps: all, ms: Math.round(performance.now() - t0) });
  }
  let auditLines = 0;
  for (const a of agents) {
    x.verifyAuditLog(a.auditKey, a.sink.text(), a.h.guard.head); // throws on any broken chain
    auditLines += a.sink.lines.length;
  }
  // Each agent's chain and key, for `make demo` to write to .cache/demo/audit/ (the compliance report's input).
  const chains = agents.map((a) => ({ key: a.auditKey, text: a.sink.text() }));
  return { rows, audit: { logs: agents.length, lines: auditLines, verified: true }, chains };
}
