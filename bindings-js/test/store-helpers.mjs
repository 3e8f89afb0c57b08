// Shared-store test helpers: a real redis-server on a free loopback port,
// synthetic x402 challenges, and child payer processes.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ASSET, PAY_TO } from "./helpers.mjs";

/** 0.01 USD per payment, 0.05 USD a day, leases of the core's default length. */
export const STORE_CONFIG = { max_per_call_usd: "1", daily_limit_usd: "0.05" };

/** A v1 402 body for `https://api.example.com/{path}`, 0.01 USD. */
export function challenge(path, amount = "10000") {
  const url = `https://api.example.com/${path}`;
  const body = JSON.stringify({ x402Version: 1, error: "pay", accepts: [{ scheme: "exact", network: "base-sepolia",
    maxAmountRequired: amount, asset: ASSET, payTo: PAY_TO, resource: url, description: "data", mimeType: "application/json",
    maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] });
  return { url, body };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A loopback port nothing listens on (just released). */
export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Starts `redis-server` (Debian package) on a free 127.0.0.1 port with no
 * persistence, in a temp dir. Throws when it is not installed: the tests
 * fail rather than skip. Returns {url, port, stop}.
 */
export async function startRedis() {
  const bin = execFileSync("sh", ["-c", "command -v redis-server || true"], { encoding: "utf8" }).trim();
  if (!bin) throw new Error("redis-server is not installed (Debian: apt-get install redis-server; make redis-deps)");
  const dir = mkdtempSync(join(tmpdir(), "px402-redis-"));
  const port = await freePort();
  const proc = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no"],
    { stdio: "ignore" });
  let exited = false;
  proc.on("exit", () => { exited = true; });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error("redis-server exited at start");
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.write("PING\r\n"); });
      s.once("data", (d) => { s.destroy(); resolve(String(d).startsWith("+PONG")); });
      s.once("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) { proc.kill("SIGKILL"); throw new Error("redis-server did not start"); }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (!exited) {
        await globalThis.__px402Sentinel?.redisDump(port); // the secret sentinel reads every value (test/sentinel/)
        proc.kill("SIGTERM");
        await new Promise((r) => { if (exited) r(); else proc.once("exit", r); });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Spawns store-child.mjs; resolves {results, code} when it exits (or use .proc to kill it). */
export function payer(args) {
  const proc = spawn(process.execPath, [new URL("./store-child.mjs", import.meta.url).pathname, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const results = [];
  let buf = "";
  const lines = [];
  proc.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      results.push(JSON.parse(line));
      for (const l of lines) l(results);
    }
  });
  const done = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ results, code, signal })));
  /** Resolves once `k` payments were reported. */
  const after = (k) => new Promise((resolve) => {
    if (results.length >= k) return resolve(results);
    lines.push((r) => { if (r.length >= k) resolve(r); });
  });
  return { proc, results, done, after };
}
