// The hostile x402 server (hostile-server.mjs, loopback only) against
// createHardenedFetch and hardenX402Client under the real @x402/fetch client.
// The verdicts are vectors/hostile/cases.json, which the Python package's
// test_hostile.py reads too: the same case, the same verdict.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { registerExactEvmScheme } from "@x402/evm/exact/client";
import { x402Client, x402HTTPClient, wrapFetchWithPayment } from "@x402/fetch";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import * as x from "presidio-hardened-x402";
import { HostileServer, amountOf, loadCases } from "./hostile-server.mjs";
import { REPLAY_KEY, AUDIT_KEY } from "./helpers.mjs";

const CASES = loadCases();

/** A scheme payload for the offer (the server only counts what it authorizes). */
const signer = async (req) => ({
  signature: "0x" + "11".repeat(65),
  authorization: { from: "0x" + "22".repeat(20), to: req.payTo, value: req.amount, validAfter: "0",
    validBefore: String(Math.floor(Date.now() / 1000) + (req.requirements?.maxTimeoutSeconds ?? 60)),
    nonce: "0x" + randomBytes(32).toString("hex") },
});

async function ownFetch(config, sink) {
  return x.createHardenedFetch({ signer, config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: () => {} });
}

async function officialFetch(config, sink) {
  const client = new x402Client();
  registerExactEvmScheme(client, { signer: privateKeyToAccount(generatePrivateKey()) });
  const h = await x.hardenX402Client(new x402HTTPClient(client), { config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, audit: sink, warn: () => {} });
  return wrapFetchWithPayment(h.fetch(globalThis.fetch), h.httpClient);
}

/** Request `i` of a case: its own `?n=<i>` URL, or (with `hosts`) the same URL under the host's `i`-th spelling. */
function caseUrl(origin, inp, i) {
  if (!inp.hosts) return `${origin}/case/${inp.name}?n=${i}`;
  const u = new URL(origin);
  return `http://${inp.hosts[i % inp.hosts.length]}:${u.port}/case/${inp.name}`;
}

async function play(c, make, hooks) {
  const inp = c.input;
  const b = await new HostileServer(CASES).start();
  const a = await new HostileServer(CASES, inp.redirect ? b : null).start();
  const sink = new x.MemoryAuditSink();
  const outcomes = [];
  const codes = [];
  try {
    const f = await make(inp.config, sink);
    for (let i = 0; i < inp.requests; i++) {
      const before = sink.lines.length;
      const t0 = Date.now();
      // A refusal, or the answer to a failed paid request: the audit line is the verdict.
      await f(caseUrl(a.origin, inp, i)).then((r) => r.arrayBuffer(), () => null).catch(() => null);
      // A body is read within the core's deadline (an endless one stops at the cap at once).
      assert.ok(Date.now() - t0 < x.limits().challenge_read_ms + 5000);
      const last = sink.lines.length > before ? JSON.parse(sink.lines.at(-1)) : null;
      outcomes.push(last && last.outcome);
      codes.push(last && (last.code ?? null));
    }
  } finally {
    await a.close();
    await b.close();
  }
  const want = hooks && c.expected.hooks ? c.expected.hooks : c.expected.all;
  const payments = [...(a.payments[inp.name] ?? []), ...(b.payments[inp.name] ?? [])];
  assert.equal(payments.length, want.payments);
  assert.deepEqual(outcomes, want.outcomes);
  assert.deepEqual(codes, want.codes);
  // The limit holds to the cent.
  if (want.spent_atomic !== undefined) assert.equal(payments.reduce((s, p) => s + amountOf(p), 0n), BigInt(want.spent_atomic));
  if (inp.redirect) {
    assert.ok(!(a.seen[inp.name] ?? []).some(Boolean), "a payment header reached the first origin");
    assert.ok((b.payments[inp.name] ?? []).length > 0);
    assert.ok(JSON.parse(sink.lines[0]).resource_url.startsWith(b.origin));
  }
}

test("limits(): the core's read limits", () => {
  const l = x.limits();
  assert.equal(l.max_challenge_bytes, 64 * 1024);
  assert.ok(l.challenge_read_ms > 0 && l.max_settlement_header_bytes > 0);
});

for (const c of CASES.filter((c) => c.input.packages.includes("fetch"))) {
  test(`createHardenedFetch vs the hostile server: ${c.input.name} (${c.comment})`, () => play(c, ownFetch, false));
}

for (const c of CASES.filter((c) => c.input.packages.includes("hooks-js"))) {
  test(`hardenX402Client + @x402/fetch vs the hostile server: ${c.input.name} (${c.comment})`, () => play(c, officialFetch, true));
}
