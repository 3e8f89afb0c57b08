// Runs golden vector documents through a `call(op, inputJson) -> json` function,
// with the same rules as core/tests/vectors.rs: `expected` is matched as a
// subset (objects: every listed key present and equal; arrays: same length,
// element by element), `invalid` cases must fail with exactly `code`. An
// unknown operation, a miscounted file or a repeated tcId is a failure; no
// vector is skipped. Shared by the Node test and the Chromium page.

export function matches(expected, actual) {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    return Object.keys(expected).every((k) => Object.prototype.hasOwnProperty.call(actual, k) && matches(expected[k], actual[k]));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((x, i) => matches(x, actual[i]));
  }
  return expected === actual;
}

/** docs: [{name, doc}]; ops: the package's operation list. */
export function runVectors(call, ops, docs) {
  const failures = [];
  const opsSeen = new Set();
  let total = 0;
  for (const { name, doc } of docs) {
    const op = doc.algorithm;
    if (!ops.includes(op)) {
      failures.push(`${name}: unknown operation ${op}`);
      continue;
    }
    opsSeen.add(op);
    let count = 0;
    const ids = new Set();
    for (const g of doc.testGroups ?? []) {
      for (const t of g.tests ?? []) {
        count++;
        total++;
        if (ids.has(t.tcId)) failures.push(`${name}: duplicate tcId ${t.tcId}`);
        ids.add(t.tcId);
        let got;
        let err = null;
        try {
          got = JSON.parse(call(op, JSON.stringify(t.input)));
        } catch (e) {
          err = e;
        }
        let ok;
        if (t.result === "valid") ok = err === null && matches(t.expected, got);
        else if (t.result === "invalid") ok = err !== null && err.code === t.code;
        else ok = false;
        if (!ok) {
          failures.push(`${name} #${t.tcId} (${t.comment}): expected ${t.result} ${JSON.stringify(t.result === "valid" ? t.expected : t.code)}, got ${err ? "error " + (err.code ?? err) : JSON.stringify(got).slice(0, 400)}`);
        }
      }
    }
    if (doc.numberOfTests !== count) failures.push(`${name}: numberOfTests ${doc.numberOfTests} != ${count}`);
  }
  for (const op of ops) if (!opsSeen.has(op)) failures.push(`operation ${op} has no vector file`);
  return { total, files: docs.length, failures };
}

// ---- driver transcripts (vectors/driver/transcripts.json) ------------------
// Every scenario replays its crossings through the package's `Driver` and
// compares each output text byte for byte. `{"error": code}` expects the call
// to throw that `.code`. A document without scenarios, a scenario without
// crossings, an unknown call or a handle whose task is not an open/begin
// crossing is a failure: nothing is skipped.

export const TRANSCRIPTS_SCHEMA = "presidio-x402-driver-transcripts-v1";

/** Whether a vectors/ document is the driver transcripts (not a golden-vector file). */
export function isTranscripts(doc) {
  return doc !== null && typeof doc === "object" && doc.schema === TRANSCRIPTS_SCHEMA;
}

function expectedError(output) {
  if (typeof output !== "string" || !output.startsWith('{"error"')) return null;
  try {
    const v = JSON.parse(output);
    const keys = Object.keys(v);
    return keys.length === 1 && typeof v.error === "string" ? v.error : null;
  } catch {
    return null;
  }
}

/** Replays one crossing; returns the failure text or null. */
function crossing(d, c, i, crossings, typedBegin) {
  let run;
  if (c.call === "open") run = () => d.openJson();
  else if (c.call === "begin") run = typedBegin ? () => d.beginText(JSON.parse(c.input), c.now_ms) : () => d.beginJson(c.input, c.now_ms);
  else if (c.call === "control") run = () => d.controlJson(c.input, c.now_ms);
  else if (c.call === "reload") run = () => d.reloadJson(c.input, c.now_ms);
  else if (c.call === "flush") run = () => d.flushJson(c.now_ms);
  else if (c.call === "handle") {
    const t = crossings[c.task];
    if (!Number.isInteger(c.task) || c.task < 0 || c.task >= i || !t || !["open", "begin", "control", "reload", "flush"].includes(t.call) || expectedError(t.output) !== null) {
      return `crossing ${i}: task ${JSON.stringify(c.task)} is not an earlier successful open/begin/control/reload/flush crossing`;
    }
    const id = JSON.parse(t.output).id;
    run = () => d.handleJson(id, c.now_ms, c.input);
  } else {
    return `crossing ${i}: unknown call ${JSON.stringify(c.call)}`;
  }
  let out = null;
  let err = null;
  try {
    out = run();
  } catch (e) {
    err = e;
  }
  const code = expectedError(c.output);
  if (code !== null) {
    if (err === null) return `crossing ${i} (${c.call}): expected error ${code}, got ${String(out).slice(0, 300)}`;
    if (err.code !== code) return `crossing ${i} (${c.call}): expected error ${code}, got error ${err.code ?? err}`;
    return null;
  }
  if (err !== null) return `crossing ${i} (${c.call}): expected ${String(c.output).slice(0, 300)}, got error ${err.code ?? err}`;
  if (typeof c.output !== "string") return `crossing ${i} (${c.call}): the expected output is not text`;
  if (out !== c.output) {
    let at = 0;
    while (at < out.length && out[at] === c.output[at]) at++;
    return `crossing ${i} (${c.call}): output differs at byte ${at}:\n  expected …${c.output.slice(Math.max(0, at - 80), at + 160)}\n  got      …${out.slice(Math.max(0, at - 80), at + 160)}`;
  }
  return null;
}

/** pkg: the package (its `Driver`); doc: the parsed transcripts document. */
export function runTranscripts(pkg, doc, { typedBegin = false } = {}) {
  const failures = [];
  let scenarios = 0;
  let crossings = 0;
  if (!isTranscripts(doc)) failures.push(`schema ${JSON.stringify(doc?.schema)} is not ${TRANSCRIPTS_SCHEMA}`);
  const list = Array.isArray(doc?.scenarios) ? doc.scenarios : [];
  if (list.length === 0) failures.push("no scenarios");
  const ids = new Set();
  for (const s of list) {
    const name = `scenario #${s.tcId} (${s.comment})`;
    scenarios++;
    if (ids.has(s.tcId)) failures.push(`${name}: duplicate tcId`);
    ids.add(s.tcId);
    if (!Array.isArray(s.crossings) || s.crossings.length === 0) {
      failures.push(`${name}: no crossings`);
      continue;
    }
    let d;
    try {
      d = new pkg.Driver(s.config, s.profile, s.replay_key_hex, s.audit_key_hex);
    } catch (e) {
      failures.push(`${name}: the driver was not made: ${e.code ?? e}`);
      continue;
    }
    try {
      for (let i = 0; i < s.crossings.length; i++) {
        crossings++;
        const f = crossing(d, s.crossings[i], i, s.crossings, typedBegin);
        if (f !== null) {
          // The driver's state has diverged: the rest of the scenario cannot be compared.
          failures.push(`${name}: ${f}`);
          break;
        }
      }
    } finally {
      d.free();
    }
  }
  return { scenarios, crossings, failures };
}
