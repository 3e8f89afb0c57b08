// Module hooks of the secret sentinel (registered by sentinel.mjs): they add
// one-line calls to `globalThis.__px402Sentinel` at the package's choke points
// (key options, core calls, the signer's failure, audit lines, metrics, the
// `warn` option, error construction) and at viem's `privateKeyToAccount`.
// A choke point that is no longer found is a finding (the run fails), so the
// sentinel cannot go blind when the package changes.
import { appendFileSync } from "node:fs";
import { join } from "node:path";

const S = "globalThis.__px402Sentinel";
const PKG = /\/presidio-hardened-x402\/dist\/([a-z0-9-]+)\.js$/;

/** file -> [name, search, replacement] (each search must occur). */
const EDITS = {
  "errors": [
    ["error base class", "export class X402GuardError extends Error {",
      `const __PxBase = ${S}?.Error ?? Error;\nexport class X402GuardError extends __PxBase {`],
  ],
  "guard": [
    ["guard options", "static async create(opts = {}) {", `static async create(opts = {}) {\n${S}?.guardOptions(opts);`],
    ["warn option", "const warn = opts.warn ?? ((m) => console.warn(m));",
      `const warn = ((w) => ${S} ? ${S}.sink("warn option", w) : w)(opts.warn ?? ((m) => console.warn(m)));`],
    ["guard object", "const g = new PaymentGuard(driver, core, { ...opts, store }, sink, replica);",
      `const g = new PaymentGuard(driver, core, { ...opts, store }, sink, replica);\n${S}?.object(g, "PaymentGuard");`],
  ],
  "executor": [
    ["metrics", "this.#io.metrics?.record(a.metrics);", `${S}?.scan("metrics update", JSON.stringify(a.metrics)); this.#io.metrics?.record(a.metrics);`],
    ["audit line", "await this.#io.sink?.write(w.line);", `${S}?.scan("audit line", w.line); await this.#io.sink?.write(w.line);`],
  ],
  "fetch": [
    ["signer error", "    catch (error) {\n        // Kept for errorOf,",
      `    catch (error) {\n${S}?.signerError(error);\n        // Kept for errorOf,`],
  ],
  "core": [
    ["core call", "export function call(op, input) {", `export function call(op, input) {\n${S}?.coreCall(op, input);`],
    ["core result", "    return JSON.parse(out);\n}\n/**\n * @internal An audit",
      `    const __pxR = JSON.parse(out);\n${S}?.coreResult(op, __pxR);\n    return __pxR;\n}\n/**\n * @internal An audit`],
  ],
  "metrics": [
    ["prom registry", "export function createPromMetrics(prom, opts = {}) {",
      `export function createPromMetrics(prom, opts = {}) {\n${S}?.promRegistry(opts.registry ?? prom.register);`],
  ],
};

const VIEM = /\/viem\/_esm\/accounts\/privateKeyToAccount\.js$/;

function missed(url, name) {
  const dir = process.env.PX402_SENTINEL_DIR;
  if (!dir) return;
  appendFileSync(join(dir, `findings-${process.pid}.jsonl`), JSON.stringify({
    test: "(module load)", sink: `instrumentation: "${name}" not found in ${url.replace(/^.*node_modules\//, "")}`,
    label: "(the sentinel cannot see this choke point: update test/sentinel/hooks.mjs)" }) + "\n");
}

function edit(url, source, edits) {
  let s = source;
  for (const [name, search, replacement] of edits) {
    if (!s.includes(search)) { missed(url, name); continue; }
    s = s.replace(search, replacement);
  }
  return s;
}

/** The module `load` hook: patches the package's dist files and viem's account maker. */
export async function load(url, context, nextLoad) {
  const m = PKG.exec(url);
  const isViem = VIEM.test(url);
  if (!m && !isViem) return nextLoad(url, context);
  const r = await nextLoad(url, { ...context, format: "module" });
  let source = typeof r.source === "string" ? r.source : Buffer.from(r.source).toString("utf8");
  if (isViem) {
    source = edit(url, source, [["privateKeyToAccount", "export function privateKeyToAccount(privateKey, options = {}) {",
      `export function privateKeyToAccount(privateKey, options = {}) {\n${S}?.register(privateKey, "EVM private key (viem privateKeyToAccount)");`]]);
  } else if (EDITS[m[1]]) {
    source = edit(url, source, EDITS[m[1]]);
  } else {
    return r;
  }
  return { ...r, source, shortCircuit: true };
}
