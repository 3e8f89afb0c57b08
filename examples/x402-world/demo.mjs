// `make demo`: start the local x402 world, run every scenario with each agent,
// print a table, verify every audit log, stop everything. Exit 0 only if every
// scenario had its expected outcome.
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { startWorld, EMAIL } from "./world.mjs";
import { runScenarios } from "./agent-ts.mjs";
import { complianceReport } from "presidio-hardened-x402";
import { EXPECTED, checkRows, checkPaymentIds, leaksIn } from "./expected.mjs";

const t0 = performance.now();
const outDir = process.env.DEMO_OUT ?? new URL("../../.cache/demo/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });
const logPath = `${outDir}facilitator-log.json`;
const world = await startWorld({ logPath });
console.log(`world: facilitator ${world.facilitatorUrl}  server ${world.serverUrl}  approvers ${world.approverUrl}`);

const results = [];
let failed = false;
try {
  results.push(await runScenarios(world));
  // Python agents: a child process speaking to the same world (when the venv is given).
  for (const py of (process.env.DEMO_PYTHON_AGENTS ?? "").split(",").filter(Boolean)) {
    const [python, script] = py.split("=");
    results.push(await runChild(python, [script, JSON.stringify({ serverUrl: world.serverUrl, approverUrl: world.approverUrl, facilitatorUrl: world.facilitatorUrl })]));
  }
} catch (e) {
  console.error("demo error:", e); failed = true;
}

const rows = results.flatMap((r) => r.rows);
const pad = (s, n) => String(s).padEnd(n);
const head = ["scenario", "agent", "outcome", "code", "amount", "settle reqs"];
const w = [28, 22, 9, 26, 8, 11];
console.log("\n" + head.map((h, i) => pad(h, w[i])).join(" | "));
console.log(w.map((n) => "-".repeat(n)).join("-|-"));
for (const r of rows) console.log([r.scenario, r.agent, r.outcome, r.code, r.amount, r.settles].map((v, i) => pad(v, w[i])).join(" | "));

const problems = [...checkRows(rows), ...checkPaymentIds(rows, world.log)];
const payid = rows.filter((r) => r.scenario === "payment-identifier declared");
console.log(`\npayment-identifier: ${payid.map((r) => `${r.agent} sent and audited ${r.payment_id}`).join("; ")}`);
const leaks = leaksIn(world.log);
const piiSettle = world.log.filter((l) => l.endpoint === "settle" && String(l.body?.paymentPayload?.resource?.url ?? "").includes("/v2/records"));
console.log(`\nfacilitator log (${logPath}): ${world.log.length} requests; PII route as the facilitator saw it:`);
for (const l of piiSettle) console.log(`  ${JSON.stringify(l.body.paymentPayload.resource)}`);
console.log(leaks.length ? `  LEAK: ${leaks.join(", ")}` : `  no "${EMAIL}" (nor its URL-encoded form, nor the phone number) anywhere in the log`);
for (const r of results) console.log(`audit: ${r.rows[0]?.agent}: ${r.audit.logs} logs, ${r.audit.lines} lines, every HMAC chain verified`);
// Each TypeScript agent's audit chain as a log directory (its own key in key.hex), and its compliance report
// (the same report as `presidio-x402 report DIR` or `python -m presidio_x402.compliance_report DIR`).
const auditRoot = `${outDir}audit/`;
rmSync(auditRoot, { recursive: true, force: true });
for (const [i, c] of (results[0]?.chains ?? []).entries()) {
  const d = `${auditRoot}demo-ts-${i + 1}/`;
  mkdirSync(d, { recursive: true });
  writeFileSync(`${d}audit.jsonl`, c.text);
  writeFileSync(`${d}key.hex`, c.key + "\n", { mode: 0o600 });
  const r = await complianceReport(d, c.key);
  writeFileSync(`${d}report.md`, r.markdown);
  if (!r.report.chain_ok) problems.push(`compliance report of ${d}: chain does not verify`);
  if (i === 0) console.log(`compliance reports: ${auditRoot}demo-ts-N/report.md (e.g. PRESIDIO_X402_CHAIN_KEY=$(cat ${d}key.hex) python -m presidio_x402.compliance_report ${d})`);
}
for (const p of problems) console.log(`UNEXPECTED: ${p}`);
await world.close();
const ok = !failed && problems.length === 0 && leaks.length === 0 && results.every((r) => r.audit.verified);
writeFileSync(`${outDir}rows.json`, JSON.stringify(rows, null, 1));
console.log(`\n${ok ? "demo OK" : "demo FAILED"}: ${rows.length} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(ok ? 0 : 1);

function runChild(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => { out += d; });
    p.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`${cmd} ${args[0]} exited ${code}`));
      try { resolve(JSON.parse(out.trim().split("\n").at(-1))); } catch (e) { reject(e); }
    });
  });
}
