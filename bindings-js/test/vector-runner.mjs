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
