// The secret sentinel of the Node suite: `make test-js` runs every node process
// with NODE_OPTIONS="--import <this file>" (the node:test runner, each test
// file's process, and every node child they start: the CLI, crash and store
// children). It registers the secrets the suite makes and fails the run if any
// shows up where it must not.
//
// Registered (raw, hex (both cases), base64 and base64url forms; forms under 8
// characters are not searched, and one with fewer than 6 distinct characters, such
// as the hex of a key "61" * 32, only from 16 characters on and as a whole run, not
// inside a longer run of its own characters): every
// `replayKey` / `auditKey` and MPA approver secret given to a guard, every
// `secret` given to the core (pre-approvals, countersignatures) and every
// pre-approval token it returns, every EVM private key given to viem's
// `privateKeyToAccount`, every signed payload (the `PAYMENT-SIGNATURE` /
// `X-PAYMENT` header of every request a node:http server receives or
// `fetch` sends, and its `signature`), and the text of every error a signer
// throws into the package.
//
// Scanned, each finding attributed to the test running (root `beforeEach`
// / `afterEach` hooks): every console call (any level), every message
// the package gives its `warn` option, every audit line and metrics update
// the package makes, every prom-client exposition a test's registry gives at
// the test's end, the message, `util.inspect` (hidden properties and cause
// included) and JSON of every error of the package's classes (each distinct
// one once), `util.inspect` of every guard, every file under the run's
// temporary root (TMPDIR points into it) before any `rm` deletes it and at
// the end, and every value of every test Redis (store-helpers' `stop` asks
// it for an uncompressed dump.rdb in its directory, scanned when removed).
//
// Processes share a directory (PX402_SENTINEL_DIR, outside the scanned root):
// `reg-<pid>.jsonl` (registered forms), `findings-<pid>.jsonl`,
// `stats-<pid>.json`. run.mjs makes it, starts the command, then scans every
// file left, prints a line per finding and the summary line, and fails the
// run on any finding. A node process started with the module but without
// run.mjs does the same at its exit (on stderr).
// PX402_SENTINEL=0 turns it off. sentinel.test.mjs proves it can fail.
import { createRequire as _cr } from "node:module";
const fs = _cr(import.meta.url)("node:fs");
import { createRequire, register, syncBuiltinESMExports } from "node:module";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { inspect, format } from "node:util";

const require = createRequire(import.meta.url);
const MIN_FORM = 8;
const MIN_DISTINCT = 6;
const MIN_LOW_FORM = 16;
const MAX_FILE = 16 * 1024 * 1024;

const enabled = process.env.PX402_SENTINEL !== "0";
const top = enabled && !process.env.PX402_SENTINEL_DIR;
if (top) {
  const dir = fs.mkdtempSync(join(tmpdir(), "px402-sentinel-"));
  fs.mkdirSync(join(dir, "tmp"));
  process.env.PX402_SENTINEL_DIR = dir;
  process.env.TMPDIR = join(dir, "tmp"); // os.tmpdir() here and in every child
  process.env.PX402_SENTINEL_ROOT = join(dir, "tmp");
}
const DIR = process.env.PX402_SENTINEL_DIR;
const ROOT = process.env.PX402_SENTINEL_ROOT;

const origFs = { rmSync: fs.rmSync, rmdirSync: fs.rmdirSync, readFileSync: fs.readFileSync, appendFileSync: fs.appendFileSync };
const fileName = (process.argv[1] ?? "node").replace(/^.*\//, "");
let running;
const current = () => running ?? fileName;

// ---- the registry --------------------------------------------------------------------
const forms = new Map(); // form -> label
const secrets = new Set(); // hex of every registered secret
const loaded = new Map(); // reg file -> bytes read
const counts = {};
let busy = false;

function b64(buf, url) {
  const s = buf.toString("base64").replace(/=+$/, "");
  return url ? s.replace(/\+/g, "-").replace(/\//g, "_") : s;
}

function formsOf(buf) {
  const out = new Set([buf.toString("hex"), buf.toString("hex").toUpperCase()]);
  const text = buf.toString("utf8");
  if (!text.includes("\ufffd") && !/[\x00-\x1f]/.test(text)) out.add(text);
  else out.add(buf.toString("latin1"));
  const whole = buf.subarray(0, Math.floor(buf.length / 3) * 3);
  for (const b of [buf, whole]) { out.add(b64(b, false)); out.add(b64(b, true)); }
  return [...out].filter((f) => f.length >= MIN_FORM && (new Set(f).size >= MIN_DISTINCT || f.length >= MIN_LOW_FORM));
}

function addForms(list, label, persist) {
  const fresh = [];
  for (const f of list) if (!forms.has(f)) { forms.set(f, label); fresh.push(f); }
  if (persist && fresh.length && DIR) {
    origFs.appendFileSync(join(DIR, `reg-${process.pid}.jsonl`), fresh.map((form) => JSON.stringify({ form, label })).join("\n") + "\n");
  }
}

/** Registers one secret (text, hex text, bytes) under a label (the label is shown, the value never). */
export function registerSecret(value, label) {
  if (!enabled || value === undefined || value === null) return;
  let buf;
  if (typeof value === "string") {
    const h = value.trim().replace(/^0x/i, "");
    if (h.length >= 2 * MIN_FORM && h.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(h)) registerSecret(Buffer.from(h, "hex"), label);
    if (value.length > 64) {
      // Long text (a signed payload header, an error text, a token) is searched as itself:
      // its hex or base64 would only turn up if something encoded it whole.
      if (secrets.has(value) || value.length < MIN_FORM) return;
      secrets.add(value);
      return addForms([value], label, true);
    }
    buf = Buffer.from(value, "utf8");
  } else if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    buf = Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value);
  } else return;
  if (buf.length < MIN_FORM) return;
  const id = buf.toString("hex");
  if (secrets.has(id)) return;
  secrets.add(id);
  addForms(formsOf(buf), label, true);
}

/** Reads what other processes registered since the last look (only the bytes appended since). */
function refresh() {
  if (!DIR) return;
  let names;
  try { names = fs.readdirSync(DIR); } catch { return; }
  for (const n of names) {
    if (!n.startsWith("reg-") || n === `reg-${process.pid}.jsonl`) continue;
    const from = loaded.get(n) ?? 0;
    let buf;
    try {
      const size = fs.statSync(join(DIR, n)).size;
      if (size <= from) continue;
      const fd = fs.openSync(join(DIR, n), "r");
      try {
        buf = Buffer.alloc(size - from);
        fs.readSync(fd, buf, 0, buf.length, from);
      } finally {
        fs.closeSync(fd);
      }
    } catch { continue; }
    const end = buf.lastIndexOf(10) + 1;
    if (end <= 0) continue;
    for (const line of buf.subarray(0, end).toString("utf8").split("\n")) {
      if (!line) continue;
      try { const { form, label } = JSON.parse(line); if (!forms.has(form)) forms.set(form, label); } catch { /* torn */ }
    }
    loaded.set(n, from + end);
  }
}

// ---- findings ------------------------------------------------------------------------
const seen = new Set();
let findings = 0;
function report(sink, labels, test = current()) {
  for (const label of labels) {
    const k = `${test}\u0000${sink}\u0000${label}`;
    if (seen.has(k)) continue;
    seen.add(k);
    findings++;
    if (DIR) origFs.appendFileSync(join(DIR, `findings-${process.pid}.jsonl`), JSON.stringify({ test, sink, label }) + "\n");
  }
}

// A form of fewer than MIN_DISTINCT characters ("61" * 32) counts only as a whole run: not
// inside a longer run of its own characters (padding or a test string, no key).
const lowChars = new Map(); // form -> its characters (only for such forms)
function charsOfLow(f) {
  let c = lowChars.get(f);
  if (c === undefined) {
    const set = new Set(f);
    c = set.size < MIN_DISTINCT ? set : null;
    lowChars.set(f, c);
  }
  return c;
}
function wholeRun(hay, f, chars, at = (i) => hay[i]) {
  const n = f.length;
  for (let i = hay.indexOf(f); i >= 0; i = hay.indexOf(f, i + 1)) {
    const before = i > 0 ? at(i - 1) : undefined;
    const after = i + n < hay.length ? at(i + n) : undefined;
    if (!(before !== undefined && chars.has(before)) && !(after !== undefined && chars.has(after))) return true;
  }
  return false;
}

function find(text) {
  const out = new Set();
  if (typeof text === "string") {
    for (const [f, l] of forms) {
      if (!text.includes(f)) continue;
      const low = charsOfLow(f);
      if (!low || wholeRun(text, f, low)) out.add(l);
    }
  } else if (text) {
    const b = Buffer.from(text);
    for (const [f, l] of forms) {
      const enc = /[^\x00-\x7f]/.test(f) ? "latin1" : "utf8";
      if (!b.includes(f, 0, enc)) continue;
      const low = charsOfLow(f);
      if (!low) { out.add(l); continue; }
      const fb = Buffer.from(f, enc);
      if (wholeRun(b, fb, new Set(fb), (i) => b[i])) out.add(l);
    }
  }
  return [...out];
}

/** Scans one text of a sink. */
export function scan(kind, sink, text) {
  if (!enabled || busy || text === undefined || text === null) return;
  busy = true;
  try {
    counts[kind] = (counts[kind] ?? 0) + 1;
    const l = find(text);
    if (l.length) report(sink, l);
  } finally {
    busy = false;
  }
}

const safe = (f) => { try { return String(f()); } catch (e) { return `<${e?.name}>`; } };

// ---- files ---------------------------------------------------------------------------
const fileSigs = new Map();
function scanFile(p, why, test) {
  let st;
  try { st = fs.lstatSync(p); } catch { return; }
  if (!st.isFile() || st.size > MAX_FILE) return;
  const sig = `${st.mtimeMs}:${st.size}`;
  if (fileSigs.get(p) === sig) return;
  fileSigs.set(p, sig);
  let data;
  try { data = origFs.readFileSync(p); } catch { return; }
  counts.file = (counts.file ?? 0) + 1;
  const l = find(data);
  if (l.length) report(`${why} ${relative(ROOT, p)}`, l, test);
}

function scanTree(root, why, test) {
  let st;
  try { st = fs.lstatSync(root); } catch { return; }
  if (st.isFile()) return scanFile(root, why, test);
  if (!st.isDirectory()) return;
  let entries;
  try { entries = fs.readdirSync(root, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const p = join(root, e.name);
    if (e.isDirectory()) scanTree(p, why, test);
    else if (e.isFile()) scanFile(p, why, test);
  }
}

function underRoot(p) {
  try { const a = resolve(String(p instanceof URL ? p.pathname : p)); return ROOT && (a === ROOT || a.startsWith(ROOT + "/")) ? a : null; } catch { return null; }
}

function beforeRemove(p) {
  const a = underRoot(p);
  if (!a) return;
  try { fs.lstatSync(a); } catch { return; } // nothing there (rm with force)
  refresh();
  scanTree(a, "file (before rm)");
}

// ---- installation --------------------------------------------------------------------
function install() {
  // node:test: which test is running (for the findings' names), from root
  // hooks in each test file's process (wrapping `test` would move the
  // locations node:test reports).
  // Only in a test file's own process: its children inherit NODE_TEST_CONTEXT,
  // and a hook would make node:test report on their stdout.
  if (process.env.NODE_TEST_CONTEXT && /(^|[/._-])test\.[cm]?js$/.test(process.argv[1] ?? "")) {
    const t = require("node:test");
    t.beforeEach((ctx) => { running = `${fileName} > ${ctx.name}`; });
    t.afterEach(async () => { await endOfTest(); running = undefined; });
  }

  // console, at every level.
  for (const m of ["log", "info", "warn", "error", "debug", "trace", "dir"]) {
    const orig = console[m];
    console[m] = function (...a) {
      scan("console", `console.${m}`, safe(() => (m === "dir" ? inspect(a[0], a[1]) : format(...a))));
      return orig.apply(this, a);
    };
  }

  // rm: a tree under the root is scanned before it goes.
  fs.rmSync = function (p, ...a) { beforeRemove(p); return origFs.rmSync.call(this, p, ...a); };
  fs.rmdirSync = function (p, ...a) { beforeRemove(p); return origFs.rmdirSync.call(this, p, ...a); };
  const rm = fs.promises.rm;
  fs.promises.rm = async function (p, ...a) { beforeRemove(p); return rm.call(this, p, ...a); };
  const rmCb = fs.rm;
  fs.rm = function (p, ...a) { beforeRemove(p); return rmCb.call(this, p, ...a); };
  syncBuiltinESMExports();

  // Signed payloads: what every node:http server receives and every fetch sends.
  const http = require("node:http");
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (ev, req, ...rest) {
    if (ev === "request" && req?.headers) paymentHeaders((h) => req.headers[h.toLowerCase()]);
    return emit.call(this, ev, req, ...rest);
  };
  if (typeof globalThis.fetch === "function") {
    const f = globalThis.fetch;
    globalThis.fetch = function (input, init) {
      try {
        const h = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
        paymentHeaders((n) => h.get(n));
      } catch { /* not ours to judge */ }
      return f.call(this, input, init);
    };
  }

  const NativeError = Error;
  class SentinelError extends NativeError {
    constructor(...a) {
      super(...a);
      const self = this;
      queueMicrotask(() => scanError(self));
    }
  }
  globalThis.__px402Sentinel = {
    Error: SentinelError,
    register: registerSecret,
    scan: (sink, text) => scan(sink.split(" ")[0], sink, text),
    guardOptions(opts) {
      registerSecret(opts?.replayKey, "replayKey (guard option)");
      registerSecret(opts?.auditKey, "auditKey (guard option)");
      let cfg = opts?.config;
      if (typeof cfg === "string") { try { cfg = JSON.parse(cfg); } catch { cfg = undefined; } }
      for (const a of cfg?.mpa?.approvers ?? []) if (a?.secret) registerSecret(a.secret, `approver secret (${a.id ?? "?"}, guard config)`);
    },
    coreCall(op, input) {
      let i = input;
      if (typeof i === "string") { try { i = JSON.parse(i); } catch { return; } }
      if (i && typeof i === "object" && typeof i.secret === "string") registerSecret(i.secret, `secret given to the core (${op})`);
    },
    coreResult(op, out) {
      if (op === "mpa.preapprove" && out?.token) registerSecret(out.token, "pre-approval token");
    },
    signerError(e) {
      // A SignerError (the signer helpers') is worded to hold no secret and is shown in the signer-failed error.
      if (e instanceof NativeError && e.name === "SignerError") return;
      const text = safe(() => (e instanceof NativeError ? e.message : String(e)));
      registerSecret(text, "signer's error text");
      for (const run of text.match(/(?:0x)?[0-9a-fA-F]{8,}/g) ?? []) registerSecret(run, "signer's error text");
    },
    sink(name, fn) {
      return (m, ...rest) => { scan(name.split(" ")[0], name, safe(() => format(m, ...rest))); return fn(m, ...rest); };
    },
    object(o, name) { pendingObjects.push([o, name]); },
    promRegistry(r) { if (r) pendingRegistries.add(r); },
    /** A test Redis about to stop: every key and value into an uncompressed dump.rdb in its --dir (scanned when the dir is removed). */
    redisDump(port) {
      return new Promise((resolve) => {
        const sock = net.connect(port, "127.0.0.1");
        let got = "";
        const done = (ok) => { sock.destroy(); if (!ok) report(`redis on port ${port} (could not be dumped)`, ["(redis dump failed)"]); resolve(); };
        sock.setTimeout(10_000, () => done(false));
        sock.once("error", () => done(false));
        sock.once("connect", () => sock.write("*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$14\r\nrdbcompression\r\n$2\r\nno\r\n*1\r\n$4\r\nSAVE\r\n"));
        sock.on("data", (d) => { got += d; if (got.split("\r\n").filter(Boolean).length >= 2) done(/^\+OK\r\n\+OK\r\n$/.test(got)); });
      });
    },
  };
}

const pendingObjects = [];
const pendingRegistries = new Set();

function paymentHeaders(get) {
  for (const h of ["PAYMENT-SIGNATURE", "X-PAYMENT"]) {
    const v = get(h);
    if (typeof v !== "string" || !v) continue;
    registerSecret(v, `signed payload (${h} header)`);
    try {
      const p = JSON.parse(Buffer.from(v, "base64").toString("utf8"));
      const sig = p?.payload?.signature ?? p?.signature;
      if (typeof sig === "string") registerSecret(sig, "payload signature");
    } catch { /* not a payload */ }
  }
}

const errorsSeen = new Set();
let errorsMade = 0;
function scanError(e) {
  // Errors repeat (a vector file refuses the same way thousands of times): each distinct
  // name, message and own properties is inspected once (hidden properties and the cause
  // included); the stack holds code locations and the message, so it is not formatted.
  errorsMade++;
  const n = e?.name ?? "Error";
  const key = `${n}\u0000${safe(() => e.message)}\u0000${safe(() => JSON.stringify(e))}`;
  if (errorsSeen.has(key)) return;
  errorsSeen.add(key);
  scan("error", `${n}: message`, safe(() => e.message));
  scan("error", `${n}: JSON`, safe(() => JSON.stringify(e)));
  scan("error", `${n}: util.inspect`, safe(() => inspect(e, { showHidden: true, depth: 8 })));
}

async function endOfTest() {
  for (const [o, name] of pendingObjects.splice(0)) scan("inspect", `util.inspect(${name})`, safe(() => inspect(o, { showHidden: true, depth: 6 })));
  for (const r of pendingRegistries) {
    try { scan("metrics", "prom-client exposition", await r.metrics()); } catch { /* a registry that cannot render */ }
  }
  pendingRegistries.clear();
}

function finish() {
  if (!DIR) return;
  for (const [o, name] of pendingObjects.splice(0)) scan("inspect", `util.inspect(${name})`, safe(() => inspect(o, { showHidden: true, depth: 6 })));
  if (errorsMade) counts["errors made"] = errorsMade;
  try { origFs.appendFileSync(join(DIR, `stats-${process.pid}.json`), JSON.stringify({ counts, secrets: secrets.size }) + "\n"); } catch { /* gone */ }
  if (top && finalReport() > 0) process.exitCode = 1;
}

/**
 * The end of a run (run.mjs, or a process started without it): scans every
 * file left under the root with every process's secrets, prints a line per
 * finding of every process and the summary line; returns the number of findings.
 */
export function finalReport() {
  if (!DIR) return 0;
  refresh();
  scanTree(ROOT, "file", "(end of run)");
  const all = [];
  const total = {};
  let procs = 0;
  let nsecrets = 0;
  for (const n of fs.readdirSync(DIR)) {
    const text = (() => { try { return origFs.readFileSync(join(DIR, n), "utf8"); } catch { return ""; } })();
    if (n.startsWith("findings-")) for (const l of text.split("\n")) { if (l) try { all.push(JSON.parse(l)); } catch { /* torn */ } }
    if (n.startsWith("stats-") && n !== `stats-${process.pid}.json`) {
      for (const l of text.split("\n")) {
        if (!l) continue;
        try { const s = JSON.parse(l); procs++; nsecrets += s.secrets; for (const [k, v] of Object.entries(s.counts)) total[k] = (total[k] ?? 0) + v; } catch { /* torn */ }
      }
    }
  }
  total.file = (total.file ?? 0) + (counts.file ?? 0);
  const w = (s) => (top ? process.stderr : process.stdout).write(s + "\n");
  const blind = all.filter((f) => f.sink.startsWith("instrumentation:"));
  const leaks = all.filter((f) => !f.sink.startsWith("instrumentation:"));
  for (const f of blind) w(`SENTINEL BLIND: ${f.sink} ${f.label}`);
  for (const f of leaks) w(`LEAK: ${f.label} in ${f.sink} (test ${f.test})`);
  const scanned = Object.entries(total).sort().map(([k, v]) => `${v} ${k}`).join(", ");
  const verdict = [leaks.length ? `${leaks.length} LEAKS` : "no leak", ...(blind.length ? [`${blind.length} choke points not instrumented`] : [])];
  w(`secret sentinel: ${forms.size} forms of ${nsecrets} secrets registered by ${procs} node processes; ` +
    `scanned ${scanned}; ${verdict.join(", ")}${all.length ? ` (files kept in ${DIR})` : ""}`);
  if (!all.length) origFs.rmSync(DIR, { recursive: true, force: true });
  return all.length;
}

if (enabled) {
  refresh(); // what the processes before this one registered (a child gets its parent's keys)
  install();
  register("./hooks.mjs", import.meta.url);
  process.on("exit", finish);
}
