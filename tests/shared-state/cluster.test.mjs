// Issue 21: the Redis stores on a real 3-node Redis Cluster (Debian's redis-server in cluster
// mode on free 127.0.0.1 ports, made with `redis-cli --cluster create … --cluster-replicas 0`).
//
// For three tenants whose hash tag (`{tenant}`) falls in a slot of each node in turn, a Node
// (ioredis Cluster) and a Python (redis-py RedisCluster) worker spend one $0.20 window with
// 15 attempts of $0.01 each: exactly 20 allowed and $0.20 committed (no overspend); at the same
// time, on three more tenants, a Node and a Python worker submit one purchase at the same
// instant: exactly one is allowed (no double pay); every audit chain verifies against the heads
// the store lists from the cluster.
//
// Run: make test-redis-cluster (STORES_PYTHON = the package venv's python).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Redis from "ioredis";
import { RedisStore } from "presidio-hardened-x402/node";
import { CENT_ATTO, freePort, worker, baseJob, spendOf, checkAudit } from "./harness.mjs";

const NODES = 3;
let scratch;
const procs = [];
let ports = [];
let cluster; // an ioredis Cluster client for checking

/** Starts one cluster-mode redis-server; resolves once it answers PING. */
async function startNode(dir, port) {
  mkdirSync(dir, { recursive: true });
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
    "--cluster-config-file", join(dir, "nodes.conf"), "--cluster-node-timeout", "2000", "--save", "",
    "--appendonly", "no", "--dir", dir, "--protected-mode", "yes"], { stdio: "ignore" });
  procs.push(proc);
  for (let i = 0; ; i++) {
    try {
      if (execFileSync("redis-cli", ["-p", String(port), "PING"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "PONG") return;
    } catch { /* not yet */ }
    if (i > 100) throw new Error(`redis-server on ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cli = (port, ...args) => execFileSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" });

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "presidio-x402-cluster-"));
  ports = [];
  for (let i = 0; i < NODES; i++) ports.push(await freePort());
  await Promise.all(ports.map((p) => startNode(join(scratch, `node-${p}`), p)));
  execFileSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`),
    "--cluster-replicas", "0", "--cluster-yes"], { stdio: "ignore" });
  for (let i = 0; ; i++) {
    if (ports.every((p) => /cluster_state:ok/.test(cli(p, "CLUSTER", "INFO")))) break;
    if (i > 200) throw new Error("the cluster did not reach cluster_state:ok");
    await new Promise((r) => setTimeout(r, 50));
  }
  cluster = new Redis.Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
  cluster.on("error", () => {});
});

after(async () => {
  cluster?.disconnect();
  for (const p of procs) p.kill("SIGKILL");
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A tenant whose hash tag's slot is on the node at `port` (its keys are `presidio_x402:{tenant}:…`). */
async function tenantOn(port, tag) {
  const slots = await cluster.cluster("SLOTS");
  const owner = (slot) => slots.find(([start, end]) => slot >= start && slot <= end)?.[2]?.[1];
  for (let i = 0; ; i++) {
    const t = `${tag}-${i}`;
    const slot = await cluster.cluster("KEYSLOT", `presidio_x402:{${t}}:state`);
    if (owner(slot) === port) return { tenant: t, slot };
  }
}

const nodes = () => ports.map((port) => ({ host: "127.0.0.1", port }));
/** A Node and a Python worker on each tenant (all at once). */
const pairs = (tenants, make) => tenants.flatMap((t) => [worker("node", make(t, `node-${t}`)), worker("py", make(t, `py-${t}`))]);
const doneOf = async (ws) => (await Promise.all(ws.map((w) => w.done))).map((evs) => evs.find((e) => e.event === "done"));

test("Redis Cluster (3 nodes): Node and Python workers on a tenant of each node: no overspend, no double pay, chains verify", async () => {
  const placed = [];
  for (const port of ports) placed.push({ port, ...(await tenantOn(port, `c${port}`)) });
  const tenants = placed.map((p) => p.tenant);
  const auditDir = join(scratch, "audit");
  mkdirSync(auditDir);
  const job = (tenant, replica, extra) => baseJob({ store: "redis-cluster", clusterNodes: nodes(), tenant, replica, auditDir, ...extra });

  // Overspend: per tenant, a Node and a Python worker × 15 attempts of $0.01 on a $0.20 window.
  const startAtMs = Date.now() + 3000;
  const ws = pairs(tenants, (t, r) => job(t, r, { mode: "spend", attempts: 15, limitUsd: 0.2, startAtMs }));
  // Double pay: per tenant, a Node and a Python worker submit one purchase at the same instant ($10 window).
  const ds = pairs(tenants, (t, r) => job(`${t}-d`, `${r}-d`, { mode: "double", limitUsd: 10, startAtMs,
    urlBase: `https://api.example.com/item/${t}` }));
  const done = await doneOf(ws);
  const dDone = await doneOf(ds);
  const summary = [];
  for (const [i, { tenant, slot, port }] of placed.entries()) {
    const mine = done.slice(2 * i, 2 * i + 2);
    const allowed = mine.reduce((n, d) => n + d.allowed, 0);
    const other = mine.flatMap((d) => Object.keys(d.codes).filter((c) => c !== "policy-window-exceeded"));
    assert.deepEqual(other, [], "the only refusal is the window limit");
    assert.equal(allowed, 20, `exactly 20 allowed on ${tenant} (slot ${slot}, node ${port})`);
    const s = spendOf(await cluster.hget(`presidio_x402:{${tenant}}:state`, "s"));
    assert.equal(s.committed, 20n * CENT_ATTO, "exactly $0.20 committed");
    assert.equal(s.reserved, 0n);
    // The state hash lives on the node that serves the tenant's slot.
    assert.equal(cli(port, "HEXISTS", `presidio_x402:{${tenant}}:state`, "s").trim(), "1");
    const twice = dDone.slice(2 * i, 2 * i + 2);
    assert.equal(twice.reduce((n, d) => n + d.allowed, 0), 1, `exactly one of the same purchase is allowed on ${tenant}-d`);
    assert.ok(twice.every((d) => d.allowed === 1 || d.codes["replay-detected"] === 1), JSON.stringify(twice));
    // Every chain verifies against the heads the store lists (SCAN on every master).
    const heads = await new RedisStore({ client: cluster, tenant }).loadHeads();
    assert.deepEqual(Object.keys(heads).sort(), [`node-${tenant}`, `py-${tenant}`]);
    summary.push(`${tenant} (slot ${slot}, node :${port}): ${allowed} allowed, $${Number(s.committed / CENT_ATTO) / 100} committed, double pay 1 of 2`);
  }
  const heads = {};
  for (const t of [...tenants, ...tenants.map((t) => `${t}-d`)]) Object.assign(heads, await new RedisStore({ client: cluster, tenant: t }).loadHeads());
  await checkAudit(auditDir, [...ws, ...ds], { heads });
  console.log(`redis cluster: ${NODES} nodes; ${summary.join("; ")}; every chain verifies`);
});
