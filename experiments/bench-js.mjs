// Median per-decision time of the npm package in Node, and the tarball size.
// Usage: node experiments/bench-js.mjs [tarball]   (make bench-js)
// Imports the PACKED package installed in bindings-js/test/node_modules.
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = join(root, "bindings-js/test/node_modules/presidio-hardened-x402");
const x = await import(pathToFileURL(join(pkg, "dist/node.js")));
const { wasm } = await import(pathToFileURL(join(pkg, "dist/core.js")));

const N = Number(process.env.N ?? 20000);
const KEY = new Uint8Array(32).fill(7);
const cfg = { max_per_call_usd: null, daily_limit_usd: null };
const header = (i) => Buffer.from(JSON.stringify({ x402Version: 2, error: "Payment required",
  resource: { url: `https://api.example.com/weather/${i}`, description: "Weather data", mimeType: "application/json" },
  accepts: [{ scheme: "exact", network: "eip155:84532", amount: "1000", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", maxTimeoutSeconds: 300, extra: { name: "USDC", version: "2" } }] })).toString("base64");
const headers = Array.from({ length: 1000 }, (_, i) => header(i));

function median(a) {
  const s = Float64Array.from(a).sort();
  return s[s.length >> 1];
}
function stats(name, ns) {
  const m = median(ns) / 1000;
  const p90 = Float64Array.from(ns).sort()[Math.floor(ns.length * 0.9)] / 1000;
  console.log(`${name.padEnd(58)} median ${m.toFixed(2)} µs   p90 ${p90.toFixed(2)} µs   (n=${ns.length})`);
  return m;
}

// 1. The two core crossings of one decision (assess + finalize) through the glue, JSON results parsed.
{
  const g = new wasm.Guard(JSON.stringify(cfg));
  let head = null;
  const t = [], tSettle = [];
  for (let i = 0; i < N + 2000; i++) {
    const now = 1767225600000 + i * 1000;
    const t0 = process.hrtime.bigint();
    const a = JSON.parse(g.assess("GET", `https://api.example.com/weather/${i}`, headers[i % 1000], undefined, "", now, KEY));
    const d = JSON.parse(g.finalize(a.id, true, "", KEY, head?.seq, head?.mac, now));
    const t1 = process.hrtime.bigint();
    head = d.head;
    const s = JSON.parse(g.settle(a.id, "settled", KEY, head.seq, head.mac, now));
    const t2 = process.hrtime.bigint();
    head = s.head;
    if (i >= 2000) { t.push(Number(t1 - t0)); tSettle.push(Number(t2 - t1)); }
  }
  var core = stats("decision: assess + finalize (2 wasm crossings, JSON parsed)", t);
  stats("settle (1 wasm crossing)", tSettle);
}

// 2. The whole host path: PaymentGuard.begin (the driver run to its sign action: audit sink, metrics;
//    MemoryStore: the state and replay set live in the driver), then the signed payload and a settled 200.
{
  let clock = 1767225600000;
  const g = await x.PaymentGuard.create({ config: cfg, replayKey: KEY, auditKey: KEY, audit: () => {}, metrics: new x.MemoryMetrics(), clock: () => clock });
  const settled = Buffer.from(JSON.stringify({ success: true })).toString("base64");
  const t = [], tRest = [];
  for (let i = 0; i < N + 2000; i++) {
    clock += 1000;
    const t0 = process.hrtime.bigint();
    const p = await g.begin({ url: `https://api.example.com/weather/${i}`, paymentRequired: headers[i % 1000] });
    const t1 = process.hrtime.bigint();
    if (p.action.do !== "sign") throw new Error("bench payment refused: " + p.action.code);
    const sent = await g.resume(p, { on: "signed", payload: { signature: "0x" + "11".repeat(65), authorization: { from: "0x" + "22".repeat(20), to: p.action.pay_to,
      value: p.action.amount, validAfter: "0", validBefore: String(Math.floor(Date.now() / 1000) + (p.action.requirements?.maxTimeoutSeconds ?? 60)),
      nonce: "0x" + "00".repeat(32) } } });
    await g.resume(sent, { on: "response", status: 200, settlement: settled });
    const t2 = process.hrtime.bigint();
    if (i >= 2000) { t.push(Number(t1 - t0)); tRest.push(Number(t2 - t1)); }
  }
  stats("PaymentGuard.begin to sign (async host path, MemoryStore)", t);
  stats("PaymentGuard.resume: signed, then the settled response", tRest);
}

// 3. An echo-sized crossing for scale.
{
  const t = [];
  for (let i = 0; i < N; i++) {
    const t0 = process.hrtime.bigint();
    x.callJson("money.parse-atomic", '{"amount":"10000"}');
    t.push(Number(process.hrtime.bigint() - t0));
  }
  stats("call('money.parse-atomic') (small crossing)", t);
}

const version = readFileSync(join(root, "VERSION"), "utf8").trim();
const tarball = process.argv[2] ?? join(root, `.cache/js/presidio-hardened-x402-${version}.tgz`);
const size = statSync(tarball).size;
const wasmSize = statSync(join(pkg, "dist/wasm/presidio_x402_js_bg.wasm")).size;
console.log(`npm tarball: ${(size / 1024).toFixed(1)} KiB (${size} bytes); wasm: ${(wasmSize / 1024).toFixed(1)} KiB`);
console.log(`target: decision median <= 10 µs: ${core <= 10 ? "met" : "NOT met"} (${core.toFixed(2)} µs)`);
