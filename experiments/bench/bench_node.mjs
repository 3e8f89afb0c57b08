// The npm package in Node, on the workload of `make bench` (experiments/bench/run.py).
// Usage: node experiments/bench/bench_node.mjs WORKDIR PACKAGE_DIR OUT.json [TARBALL]
//
// PACKAGE_DIR is the PACKED package installed from the tarball
// (.cache/bench/js/node_modules/presidio-hardened-x402). Two series:
//  * node: PaymentGuard.begin, the driver run to its `sign` action (parse,
//    PII, policy, the driver's own replay check for a memory store, the
//    verdict, the audit line to the sink) on a MemoryStore guard holding the
//    state of n prior payments (PaymentGuard.loadStateJson); each decision is
//    then paid and settled, untimed;
//  * node-core: the two core crossings only (wasm Guard assess + finalize, JSON
//    results parsed), replay answered by a plain Map: where the core's time goes.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, pkg, outPath, tarball] = process.argv.slice(2);
const W = JSON.parse(readFileSync(join(dir, "workload.json"), "utf8"));
const x = await import(pathToFileURL(join(pkg, "dist/node.js")));
const { wasm } = await import(pathToFileURL(join(pkg, "dist/core.js")));

const S = W.sampling;
const RK = Buffer.from(W.replay_key_hex, "hex");
const AK = Buffer.from(W.audit_key_hex, "hex");
const cfgText = W.config_json;
const reqs = W.requests;
const state = (n) => readFileSync(join(dir, `state-${n}.json`), "utf8");
const fp = (k) => k.toString(16).padStart(64, "0");

function stats(ns) {
  const s = Float64Array.from(ns).sort();
  const q = (p) => s[Math.min(s.length - 1, Math.floor(s.length * p))] / 1000;
  return { median_us: q(0.5), p95_us: q(0.95), mean_us: s.reduce((a, b) => a + b, 0) / s.length / 1000, samples: s.length };
}

/** Sizes interleaved in rounds, exactly as the Rust hosts do (see interleave in rust/src/main.rs). */
async function interleave(k, step) {
  const next = new Array(k).fill(0);
  for (let s = 0; s < k; s++) {
    const t0 = performance.now();
    while (next[s] < S.warmup && performance.now() - t0 < 1000) await step(s, next[s]++);
  }
  const out = Array.from({ length: k }, () => []);
  const per = Math.floor(S.samples / S.rounds), lo = Math.floor(S.min_samples / S.rounds), chunk = (S.budget_s / S.rounds) * 1000;
  for (let round = 0; round < S.rounds; round++) {
    for (let j = 0; j < k; j++) {
      const s = round % 2 === 0 ? j : k - 1 - j;
      const t0 = performance.now();
      for (let c = 0; c < per && (c < lo || performance.now() - t0 < chunk); c++) out[s].push(await step(s, next[s]++));
    }
  }
  return out;
}

async function prewarm(step) {
  const t0 = performance.now();
  for (let i = 0; performance.now() - t0 < S.prewarm_s * 1000; i++) await step(i % reqs.length);
}

class AlwaysFresh extends x.MemoryStore {
  async checkAndSet() {
    return true;
  }
}

const guardOpts = (store) => ({ config: cfgText, replayKey: RK, auditKey: AK, audit: () => {}, store });

/** Answers a payment stopped at `sign` with a payload, then a settled 200. */
const SETTLED = Buffer.from(JSON.stringify({ success: true })).toString("base64");
async function payRest(g, p) {
  const sent = await g.resume(p, { on: "signed", payload: { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20), to: p.action.pay_to,
      value: p.action.amount, validAfter: "0", validBefore: String(Math.floor(Date.now() / 1000) + (p.action.requirements?.maxTimeoutSeconds ?? 60)),
      nonce: "0x" + "00".repeat(32) } } });
  return g.resume(sent, { on: "response", status: 200, settlement: SETTLED });
}

// ---- node: PaymentGuard.begin --------------------------------------------------------
const rows = [];
{
  const g = await x.PaymentGuard.create(guardOpts(new AlwaysFresh()));
  await prewarm(async (i) => {
    const p = await g.begin({ url: reqs[i].url, paymentRequired: reqs[i].header, reason: W.reason });
    if (p.action.do === "sign") await payRest(g, p);
  });
}
{
  // A memory-store guard (the common case): the driver holds the state of n prior payments
  // (loaded once, as a restarted agent would) and its own replay set.
  const guards = [];
  for (const n of W.sizes) {
    const g = await x.PaymentGuard.create(guardOpts(new x.MemoryStore()));
    g.loadStateJson(state(n));
    guards.push(g);
  }
  const all = await interleave(W.sizes.length, async (k, i) => {
    const g = guards[k];
    const t0 = process.hrtime.bigint();
    const p = await g.begin({ url: reqs[i].url, paymentRequired: reqs[i].header, reason: W.reason });
    const dt = Number(process.hrtime.bigint() - t0);
    if (p.action.do !== "sign") throw new Error("bench payment refused: " + p.action.code);
    await payRest(g, p);
    return dt;
  });
  W.sizes.forEach((n, k) => {
    const r = { workload: "decision", prior: n, ...stats(all[k]) };
    console.error("node: decision", JSON.stringify(r));
    rows.push(r);
  });
}
{
  const g = await x.PaymentGuard.create(guardOpts(new AlwaysFresh()));
  const corpus = readFileSync(join(dir, "corpus.jsonl"), "utf8").split("\n").filter((l) => l.trim())
    .map((l) => { const f = JSON.parse(l).fields; return [f.url ?? "", f.description ?? "", f.reason ?? ""]; });
  const ns = corpus.map((t) => {
    for (const s of t) g.redact(s);
    const reps = [];
    for (let k = 0; k < S.pii_reps; k++) {
      const t0 = process.hrtime.bigint();
      for (const s of t) g.redact(s);
      reps.push(Number(process.hrtime.bigint() - t0));
    }
    return reps.sort((a, b) => a - b)[reps.length >> 1];
  });
  const r = { workload: "pii", op: "PaymentGuard.redact on url, description, reason", triples: corpus.length, ...stats(ns) };
  console.error("node: pii", JSON.stringify(r));
  rows.push(r);
  const text = readFileSync(join(dir, "audit.jsonl"), "utf8");
  const lines = W.audit.lines;
  const av = [];
  for (let k = 0; k < S.audit_runs + 2; k++) {
    const t0 = process.hrtime.bigint();
    x.verifyAuditLog(W.audit_key_hex, text, W.audit.head);
    if (k >= 2) av.push(Number(process.hrtime.bigint() - t0) / lines);
  }
  const a = { workload: "audit_verify", op: "verifyAuditLog of a 1000-line chain with its head, per line", ...stats(av) };
  console.error("node: audit", JSON.stringify(a));
  rows.push(a);
  for (let k = 0; k < 200; k++) x.callJson(W.call.op, W.call.input);
  const cs = [];
  for (let k = 0; k < 3000; k++) {
    const t0 = process.hrtime.bigint();
    x.callJson(W.call.op, W.call.input);
    cs.push(Number(process.hrtime.bigint() - t0));
  }
  rows.push({ workload: "call", op: `callJson("${W.call.op}", ${W.call.input})`, ...stats(cs) });
}

// ---- node-core: the two crossings --------------------------------------------------
const coreRows = [];
{
  const g = new wasm.Guard(cfgText);
  let head = null;
  await prewarm((i) => {
    const now = Date.now();
    const a = JSON.parse(g.assess("GET", reqs[i].url, reqs[i].header, undefined, W.reason, now, RK));
    const d = JSON.parse(g.finalize(a.id, true, "", AK, head?.seq, head?.mac, now));
    const s = JSON.parse(g.settle(a.id, "settled", AK, d.head.seq, d.head.mac, now));
    head = s.head;
  });
  g.free?.();
}
{
  const sizes = W.sizes.map((n) => {
    const g = new wasm.Guard(cfgText);
    g.loadStateJson(state(n));
    if (g.stateJson() !== state(n)) throw new Error("the loaded state is not the prepared one");
    const seen = new Map();
    for (let k = 0; k < n; k++) seen.set(fp(k), Date.now() + 3_600_000);
    return { g, seen, head: null };
  });
  const all = await interleave(W.sizes.length, (k, i) => {
    const sz = sizes[k], g = sz.g, seen = sz.seen, head = sz.head;
    const now = Date.now();
    const t0 = process.hrtime.bigint();
    const a = JSON.parse(g.assess("GET", reqs[i].url, reqs[i].header, undefined, W.reason, now, RK));
    let fresh;
    if (a.blocked === null && a.fingerprint !== null) {
      const e = seen.get(a.fingerprint);
      fresh = !(e !== undefined && e > now);
      if (fresh) seen.set(a.fingerprint, now + a.replay_ttl_ms);
    }
    const d = JSON.parse(g.finalize(a.id, fresh, "", AK, head?.seq, head?.mac, now));
    const dt = Number(process.hrtime.bigint() - t0);
    if (!d.allowed) throw new Error("bench payment refused: " + d.code);
    const s = JSON.parse(g.settle(a.id, "settled", AK, d.head.seq, d.head.mac, now));
    sz.head = s.head;
    seen.delete(a.fingerprint);
    return dt;
  });
  W.sizes.forEach((n, k) => {
    sizes[k].g.free?.();
    const r = { workload: "decision", prior: n, replay_entries: sizes[k].seen.size, ...stats(all[k]) };
    console.error("node-core: decision", JSON.stringify(r));
    coreRows.push(r);
  });
}

const wasmFile = join(pkg, "dist/wasm/presidio_x402_js_bg.wasm");
const out = {
  hosts: [
    {
      host: "node", label: `npm package in Node ${process.version} (PaymentGuard)`, rows,
      tarball: tarball ?? null, tarball_bytes: tarball ? statSync(tarball).size : null, wasm_bytes: statSync(wasmFile).size,
      notes: ["PaymentGuard.begin (the driver run to its sign action) on a persistent store that loads the prepared state at each step (loadVersioned; its compare-and-set is accepted and dropped); replay set: MemoryStore's check-and-set (replaySet) on a Map holding n live fingerprints; audit sink: a no-op callback; no metrics"],
    },
    {
      host: "node-core", label: "npm package in Node: core crossings only", rows: coreRows,
      notes: ["wasm-bindgen Guard: assess + finalize, JSON results parsed; replay: a plain Map lookup/insert (no sweep)"],
    },
  ],
};
writeFileSync(outPath, JSON.stringify(out, null, 1));
