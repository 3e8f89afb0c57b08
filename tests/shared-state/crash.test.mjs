// Issue 19, item 3: kill -9 at random points of an audit append, in both hosts.
//
// A Node and a Python worker (worker.mjs / worker.py, mode "append") take turns on ONE audit
// chain (replica `crash`, file sink `audit/crash.jsonl`, FileStore with its head file): each
// pays in a loop, printing every line the file sink told it was written (fsynced), and is
// killed with SIGKILL after a random delay; the next one starts on the same files. After each
// kill the test checks, from the files alone:
//
// * no line reported written is lost (it is in the log, terminated), and nothing before the
//   last kill's complete lines changed;
// * the verifier, given the stored head, either passes (the log may be one line ahead of its
//   head: killed between the line and the head save) or fails at exactly the torn tail
//   (`audit-partial-line` at the line after the last complete one), and the complete lines
//   verify;
// * the next start repairs it (a torn tail is cut; the chain goes on): checked by the next
//   kill's verification and by a last, clean run in each host, after which the log verifies
//   and ends at its stored head or one line past it (a host whose heads ride the compare-and-sets
//   leaves its last settled line's head to the next payment: docs/STORES.md).
// A second test tears the last append at every byte and checks the verifier's answer, then
// has each host repair three of them.
//
// CRASH_KILLS (default 50) kills per host; make test-crash runs 1,000 per host.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileStore, verifyAuditChains } from "presidio-hardened-x402/node";
import { seeded } from "./fault-proxy.mjs";
import { AUDIT_KEY, worker, baseJob } from "./harness.mjs";

const KILLS = Number(process.env.CRASH_KILLS ?? 50);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** The kill lands uniformly in this many ms after the worker is ready (a few payments' time). */
const WINDOW_MS = { node: 150, py: 250 };

const scratch = mkdtempSync(join(tmpdir(), "presidio-x402-crash-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The log's complete (newline-terminated) part and what follows it. */
function split(text) {
  const end = text.lastIndexOf("\n") + 1;
  return { complete: text.slice(0, end), tail: text.slice(end), lines: text.slice(0, end).split("\n").filter(Boolean) };
}

async function heads(storeDir) {
  const s = await FileStore.open(storeDir);
  try {
    return await s.loadHeads();
  } finally {
    await s.close?.();
  }
}

function append(dir, kind, run, attempts) {
  return worker(kind, baseJob({ mode: "append", store: "file", dir: join(dir, "store"), replica: "crash",
    auditDir: join(dir, "audit"), run, attempts, limitUsd: 1_000_000, urlBase: "https://api.example.com/crash" }));
}

/**
 * Checks the log after a kill (see the file notes); `before` is the complete part after the
 * previous kill. Returns what it saw.
 */
async function checkLog(dir, before, reported) {
  const file = join(dir, "audit", "crash.jsonl");
  if (!existsSync(file)) {
    // Killed before the first line of the chain: nothing was reported, no head was saved.
    assert.deepEqual(reported, []);
    assert.equal(before, "");
    assert.deepEqual(await heads(join(dir, "store")), {});
    return { complete: "", torn: false, unterminated: false, ahead: false, lines: 0 };
  }
  const text = readFileSync(file, "utf8");
  const { complete, tail, lines } = split(text);
  assert.ok(complete.startsWith(before), "the complete lines before this kill are unchanged");
  const macs = new Set(lines.map((l) => JSON.parse(l).mac));
  for (const e of reported) assert.ok(macs.has(e.mac), `reported line seq ${e.seq} is in the log, terminated`);
  const h = await heads(join(dir, "store"));
  const r = verifyAuditChains(AUDIT_KEY, [{ name: "crash.jsonl", text }], h);
  const c = r.chains[0];
  let torn = false;
  if (tail === "" || r.ok) {
    // A clean end, or a complete line that lost only its newline (the verifier counts it).
    assert.equal(r.ok, true, JSON.stringify(r));
  } else {
    torn = true;
    assert.equal(c.code, "audit-partial-line", JSON.stringify(c));
    assert.equal(c.line, lines.length + 1, "the failure is exactly the torn tail");
    const rest = verifyAuditChains(AUDIT_KEY, [{ name: "crash.jsonl", text: complete }], h);
    assert.equal(rest.ok, true, `the complete lines verify: ${JSON.stringify(rest)}`);
  }
  return { complete, torn, unterminated: tail !== "" && !torn, ahead: c.head_check === "ahead", lines: lines.length };
}

test(`kill -9 at random points of an audit append: ${KILLS} per host (Node and Python on one chain)`, { timeout: KILLS * 2 * 4000 + 60_000 }, async () => {
  console.log(`crash: seed ${SEED} (CRASH_SEED=${SEED} replays the kill times), ${KILLS} kills per host`);
  const random = seeded(SEED);
  const dir = join(scratch, "kills");
  mkdirSync(join(dir, "audit"), { recursive: true });
  const reported = [];
  const stats = { node: { kills: 0, torn: 0, unterminated: 0, ahead: 0 }, py: { kills: 0, torn: 0, unterminated: 0, ahead: 0 } };
  let before = "";
  const t0 = Date.now();
  for (let i = 0; i < 2 * KILLS; i++) {
    const kind = i % 2 === 0 ? "node" : "py";
    const w = append(dir, kind, `k${i}`);
    await w.until((e) => e.event === "ready");
    await sleep(random() * WINDOW_MS[kind]);
    w.proc.kill("SIGKILL");
    await w.done;
    const lines = w.events.filter((e) => e.event === "line");
    reported.push(...lines);
    const seen = await checkLog(dir, before, lines);
    before = seen.complete;
    const s = stats[kind];
    s.kills++;
    if (seen.torn) s.torn++;
    if (seen.unterminated) s.unterminated++;
    if (seen.ahead) s.ahead++;
  }
  // A clean run in each host: the chain is repaired and goes on to its stored head.
  for (const kind of ["node", "py"]) {
    const w = append(dir, kind, `clean-${kind}`, 2);
    reported.push(...(await w.done).filter((e) => e.event === "line"));
  }
  const text = readFileSync(join(dir, "audit", "crash.jsonl"), "utf8");
  const r = verifyAuditChains(AUDIT_KEY, [{ name: "crash.jsonl", text }], await heads(join(dir, "store")));
  assert.equal(r.ok, true, JSON.stringify(r));
  const c = r.chains[0];
  assert.ok(c.head_check === "equal" || (c.head_check === "ahead" && c.past_head === 1),
    `the log ends at its stored head, or at most its last settled line past it: ${JSON.stringify(c)}`);
  assert.ok(text.endsWith("\n"));
  const macs = new Set(split(text).lines.map((l) => JSON.parse(l).mac));
  const lost = reported.filter((e) => !macs.has(e.mac));
  assert.deepEqual(lost, [], "no line reported written is lost");
  console.log(`crash: ${JSON.stringify(stats)}; ${reported.length} lines reported, ${macs.size} in the log; ` +
    `${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

test("an append torn at every byte: the verifier names the torn line; each host repairs it", { timeout: 120_000 }, async () => {
  // A chain of a few lines, made by the Node worker (its head saved).
  const base = join(scratch, "torn-base");
  mkdirSync(join(base, "audit"), { recursive: true });
  await append(base, "node", "base", 3).done;
  const text = readFileSync(join(base, "audit", "crash.jsonl"), "utf8");
  const lines = split(text).lines;
  const last = lines.at(-1) + "\n";
  const kept = lines.slice(0, -1).map((l) => l + "\n").join("");
  const prev = JSON.parse(lines.at(-2));
  // The kill came before the head save: the stored head is the line before the torn one.
  const h = { crash: { seq: prev.seq, mac: prev.mac } };
  for (let k = 1; k < last.length; k++) {
    const r = verifyAuditChains(AUDIT_KEY, [{ name: "crash.jsonl", text: kept + last.slice(0, k) }], h);
    if (k === last.length - 1) {
      assert.equal(r.ok, true, "a complete line without its newline verifies");
      assert.equal(r.chains[0].head_check, "ahead");
    } else {
      assert.equal(r.ok, false);
      assert.equal(r.chains[0].code, "audit-partial-line", `cut at byte ${k}`);
      assert.equal(r.chains[0].line, lines.length, `cut at byte ${k}: the torn line is named`);
    }
  }
  // Each host repairs a tear of 1 byte, half the line, and all but its newline.
  for (const kind of ["node", "py"]) {
    for (const k of [1, Math.floor(last.length / 2), last.length - 1]) {
      const dir = join(scratch, `torn-${kind}-${k}`);
      cpSync(base, dir, { recursive: true });
      writeFileSync(join(dir, "audit", "crash.jsonl"), kept + last.slice(0, k));
      writeFileSync(join(dir, "store", "head-crash.json"), JSON.stringify(h.crash));
      const w = append(dir, kind, `repair-${k}`, 1);
      const reported = (await w.done).filter((e) => e.event === "line");
      const after = readFileSync(join(dir, "audit", "crash.jsonl"), "utf8");
      assert.ok(after.startsWith(kept), `${kind}, cut at ${k}: the complete lines are kept`);
      const r = verifyAuditChains(AUDIT_KEY, [{ name: "crash.jsonl", text: after }], await heads(join(dir, "store")));
      assert.equal(r.ok, true, `${kind}, cut at ${k}: ${JSON.stringify(r)}`);
      const c = r.chains[0];
      assert.ok(c.head_check === "equal" || (c.head_check === "ahead" && c.past_head === 1), `${kind}, cut at ${k}: ${JSON.stringify(c)}`);
      const macs = new Set(split(after).lines.map((l) => JSON.parse(l).mac));
      for (const e of reported) assert.ok(macs.has(e.mac));
      // A complete line that lost only its newline is kept (the verifier counted it); a torn one is cut.
      const complete = k === last.length - 1;
      assert.equal(after.slice(kept.length).startsWith(last), complete, `${kind}, cut at ${k}: ${complete ? "finished" : "cut"}`);
    }
  }
});
