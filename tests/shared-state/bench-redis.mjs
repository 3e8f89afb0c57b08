// Issue 21: shared-state throughput on one Redis (make bench-redis; not part of make test).
//
// 1. Round trips: a Node and a Python worker each make BENCH_RT_PAYMENTS payments, then another
//    2 × BENCH_RT_PAYMENTS (allowed, signed, settled; audit file log on) while MONITOR counts the
//    commands clients send (the commands scripts run inside Redis are not round trips); the
//    difference per payment cancels a process's start-up: 2 per payment, the pre-sign line's head
//    riding with the settlement's compare-and-set.
// 2. Throughput: 1, 2, 4 and 8 processes (Node, then Python) on one tenant, each paying
//    distinct purchases one after another for BENCH_SECONDS; payments/s over all of them.
// Writes experiments/results/bench-redis.{json,md} (read by experiments/bench/report.py).
//
// Usage: node bench-redis.mjs [--out DIR]  (STORES_PYTHON = the package venv's python).
// BENCH_BASELINE=FILE: a bench-redis.json measured with other stores (e.g. 0.4.0's, run just
// before on the same machine), shown next to this run's numbers.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { startRedis, worker, baseJob } from "./harness.mjs";

const out = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1] : "../../experiments/results";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RT_PAYMENTS = Number(process.env.BENCH_RT_PAYMENTS ?? 50);
const PROCS = (process.env.BENCH_PROCS ?? "1,2,4,8").split(",").map(Number);
const KINDS = (process.env.BENCH_KINDS ?? "node,py").split(",");
const scratch = mkdtempSync(join(tmpdir(), "presidio-x402-bench-redis-"));
const redis = await startRedis(join(scratch, "redis"));
const LIMIT_USD = 1_000_000;

/** Commands sent by clients (MONITOR's source is not `lua`) while `run` runs, per tenant key. */
async function roundTrips(kind) {
  const tenant = `rt-${kind}`;
  const base = new Redis(redis.url);
  const mon = await base.monitor();
  let n = 0;
  const seen = {};
  mon.on("monitor", (_t, args, source) => {
    if (source === "lua" || !args.some((a) => String(a).includes(`:${tenant}:`) || String(a).includes(`{${tenant}}`))) return;
    n++;
    seen[String(args[0]).toLowerCase()] = (seen[String(args[0]).toLowerCase()] ?? 0) + 1;
  });
  const auditDir = join(scratch, `audit-${tenant}`);
  mkdirSync(auditDir);
  // One payment first (the tenant's first state), then two counted processes of N and 2N payments:
  // the difference of their commands over N payments cancels a process's start-up (its head load
  // and its first state load).
  const run = async (replica, attempts) => {
    const before = n;
    const w = worker(kind, baseJob({ mode: "spend", store: "redis", redisUrl: redis.url, tenant, replica,
      auditDir, attempts, limitUsd: LIMIT_USD }));
    const evs = await w.done;
    await new Promise((r) => setTimeout(r, 200));
    return { commands: n - before, allowed: evs.find((e) => e.event === "done").allowed };
  };
  await run(`${kind}-warm`, 1);
  const one = await run(`${kind}-rt1`, RT_PAYMENTS);
  const two = await run(`${kind}-rt2`, 2 * RT_PAYMENTS);
  mon.disconnect();
  base.disconnect();
  const payments = two.allowed - one.allowed;
  const perPayment = (two.commands - one.commands) / payments;
  return { kind, payments, commands: two.commands - one.commands, startup: one.commands - perPayment * one.allowed,
    per_payment: Math.round(perPayment * 100) / 100, by_command: seen };
}

async function throughput(kind, procs) {
  const tenant = `tp-${kind}-${procs}`;
  const auditDir = join(scratch, `audit-${tenant}`);
  mkdirSync(auditDir);
  const startAtMs = Date.now() + 3000 + procs * 500; // every process is loaded before the first payment (else counted from its start)
  const endAtMs = startAtMs + SECONDS * 1000;
  const ws = Array.from({ length: procs }, (_, i) => worker(kind, baseJob({ mode: "bench", store: "redis", redisUrl: redis.url,
    tenant, replica: `${kind}-${i}`, auditDir, startAtMs, endAtMs, limitUsd: LIMIT_USD })));
  const evs = await Promise.all(ws.map((w) => w.done));
  const done = evs.map((e) => e.find((x) => x.event === "done"));
  const bench = evs.map((e) => e.find((x) => x.event === "bench"));
  const refused = done.reduce((n, d) => n + Object.values(d.codes).reduce((a, b) => a + b, 0), 0);
  // Only while every process pays: from the last one's first payment (a slow start-up shortens it) to the end.
  const from = Math.max(startAtMs, ...bench.map((b) => b.begun));
  const payments = bench.reduce((n, b) => n + b.ends.filter((t) => t > from && t <= endAtMs).length, 0);
  const seconds = (endAtMs - from) / 1000;
  return { kind, procs, seconds, payments, refused, per_second: Math.round(payments / seconds) };
}

const started = new Date();
const rt = [];
for (const kind of KINDS) rt.push(await roundTrips(kind));
const tp = [];
for (const kind of KINDS) for (const procs of PROCS) {
  const r = await throughput(kind, procs);
  console.log(`bench-redis: ${kind} × ${procs}: ${r.per_second} payments/s (${r.payments} in ${r.seconds} s, ${r.refused} refused)`);
  tp.push(r);
}
redis.client.disconnect();
redis.proc.kill("SIGKILL");
rmSync(scratch, { recursive: true, force: true });
setTimeout(() => process.exit(0), 1000).unref();

const result = { started: started.toISOString(), cpus: cpus().length, loadavg: loadavg(),
  seconds: SECONDS, round_trips: rt, throughput: tp };
mkdirSync(out, { recursive: true });
const base = process.env.BENCH_BASELINE ? JSON.parse(readFileSync(process.env.BENCH_BASELINE, "utf8")) : null;
if (base) result.baseline = { label: process.env.BENCH_BASELINE_LABEL ?? "baseline", ...base };
writeFileSync(join(out, "bench-redis.json"), JSON.stringify(result, null, 2) + "\n");
const name = { node: "Node", py: "Python" };
const row = (r, k, label) => `| ${name[k]}${label} | ${r.round_trips.find((x) => x.kind === k).per_payment} | ` +
  PROCS.map((p) => `${r.throughput.find((x) => x.kind === k && x.procs === p).per_second}/s`).join(" | ") + " |";
const md = [
  "## Shared state on one Redis (`make bench-redis`)",
  "",
  `Run: ${started.toISOString().slice(0, 16).replace("T", " ")} UTC; ${cpus().length} cores (shared with Redis and the workers), load average at the end ${loadavg().map((x) => x.toFixed(2)).join(", ")}. ` +
  `Each process pays distinct $0.01 purchases one after another (allowed, signed, settled; audit log fsynced per line) for ${SECONDS} s on one tenant (counted from the moment every process pays); ` +
  "the round trips are the commands clients sent (MONITOR; commands a script runs inside Redis are not round trips).",
  "",
  "| | round trips per payment | 1 process | 2 processes | 4 processes | 8 processes |",
  "|---|---:|---:|---:|---:|---:|",
  ...KINDS.flatMap((k) => [row(result, k, ""), ...(base ? [row(base, k, `, ${result.baseline.label}`)] : [])]),
  "",
  ...(base ? [`${result.baseline.label}: the same script and workers with those stores, run at ${base.started.slice(11, 16)} UTC ` +
    `(load average at its end ${base.loadavg.map((x) => x.toFixed(2)).join(", ")}).`, ""] : []),
  "Round trips: the reservation's compare-and-set (setting the fingerprint in the same script) and the settlement's, " +
  "which also saves the head of the line written before signing (the cas_head script); each step runs on the state the " +
  "store answered last, so a payment loads nothing (docs/STORES.md; was 4, a head save after each " +
  "line; before that 6; 0.4.0: 8). The settled line's head rides with the next payment's settlement, and the last " +
  "payment's is saved when the guard goes quiet or closes (one save per burst, docs/STORES.md \"Flushing the head\"; the " +
  "difference of an N- and a 2N-payment process cancels it, as it cancels start-up). Without an audit log a payment takes 2 as well. Payments/s are all processes together.",
  "",
];
writeFileSync(join(out, "bench-redis.md"), md.join("\n"));
console.log(`bench-redis: round trips per payment ${rt.map((r) => `${name[r.kind]} ${r.per_payment}`).join(", ")}; wrote ${join(out, "bench-redis.md")}`);
