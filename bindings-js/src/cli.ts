#!/usr/bin/env node
/**
 * The `presidio-x402` command (npm bin): verify audit logs and write the
 * compliance report, with the key from `$PRESIDIO_X402_CHAIN_KEY` (hex).
 *
 *     presidio-x402 verify LOGDIR|FILE [--store-dir DIR | --heads HEADS.json]
 *     presidio-x402 report LOGDIR|FILE [--format markdown|json] [--out FILE] [--store-dir DIR | --heads HEADS.json]
 *     presidio-x402 validate-policy FILE.toml|FILE.json
 *
 * The same checks as Python's `python -m presidio_x402.audit_log verify` and
 * `python -m presidio_x402.compliance_report` (the Python package's
 * `presidio-x402` command has the same three), through the same core: the
 * report's JSON is byte-identical. Exit status: 0 when every chain verifies
 * (the policy is valid), 1 when one does not (it is not: each problem printed
 * as `path: code: description`), 2 on usage errors.
 */
import { promises as fsp } from "node:fs";
import { complianceReport, verifyAuditDir, FileStore, loadPolicyFile, PolicyConfigError, describe } from "./node.js";
import type { Head } from "./types.js";

const USAGE = `usage: presidio-x402 verify LOGDIR|FILE [--store-dir DIR | --heads HEADS.json]
       presidio-x402 report LOGDIR|FILE [--format markdown|json] [--out FILE] [--store-dir DIR | --heads HEADS.json]
       presidio-x402 validate-policy FILE.toml|FILE.json
The chain key is read from $PRESIDIO_X402_CHAIN_KEY (hex).`;

function fail(msg: string): number {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, target, ...rest] = argv;
  if (!cmd || cmd === "-h" || cmd === "--help") return fail("");
  if (cmd !== "verify" && cmd !== "report" && cmd !== "validate-policy") return fail(`unknown command: ${cmd}`);
  if (!target) return fail(cmd === "validate-policy" ? "missing FILE" : "missing LOGDIR|FILE");
  if (cmd === "validate-policy") {
    if (rest.length) return fail(`bad option: ${rest[0]}`);
    try {
      await loadPolicyFile(target);
    } catch (e) {
      if (!(e instanceof PolicyConfigError)) throw e;
      for (const p of e.errors) process.stdout.write(`FAILED: ${p.path || "(root)"}: ${p.code}: ${describe(p.code)}\n`);
      return 1;
    }
    process.stdout.write(`OK: ${target} is a valid policy\n`);
    return 0;
  }
  const opt: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]!;
    const v = rest[i + 1];
    if (!["--store-dir", "--heads", "--format", "--out"].includes(k) || v === undefined) return fail(`bad option: ${k}`);
    opt[k] = v;
  }
  if (opt["--store-dir"] && opt["--heads"]) return fail("--store-dir and --heads are alternatives");
  const format = opt["--format"] ?? "markdown";
  if (format !== "markdown" && format !== "json") return fail(`bad --format: ${format}`);
  const key = process.env.PRESIDIO_X402_CHAIN_KEY;
  if (!key) return fail("PRESIDIO_X402_CHAIN_KEY is not set");
  let heads: Record<string, Head> | undefined;
  if (opt["--store-dir"]) heads = await (await FileStore.open(opt["--store-dir"])).loadHeads();
  else if (opt["--heads"]) heads = JSON.parse(await fsp.readFile(opt["--heads"], "utf8")) as Record<string, Head>;
  if (cmd === "report") {
    const r = await complianceReport(target, key, { heads });
    const text = format === "json" ? r.json + "\n" : r.markdown;
    if (opt["--out"]) await fsp.writeFile(opt["--out"], text);
    else process.stdout.write(text);
    return r.report.chain_ok ? 0 : 1;
  }
  const stat = await fsp.stat(target);
  let d;
  if (stat.isDirectory()) d = await verifyAuditDir(target, key, { heads });
  else {
    const r = await complianceReport(target, key, { heads });
    d = { ok: r.report.chain_ok, chains: r.report.chains, missing: r.report.missing, truncation_checked: r.report.truncation_checked };
  }
  for (const c of d.chains) {
    if (c.ok) process.stdout.write(`OK: ${c.name} (replica ${c.replica ?? "-"}): ${c.head?.seq ?? 0} lines, head mac ${c.head?.mac ?? ""}\n`);
    else process.stdout.write(`FAILED: ${c.name} (replica ${c.replica ?? "-"}) at line ${c.line} (seq ${c.seq ?? "-"}): ${c.code}\n`);
  }
  for (const m of d.missing) process.stdout.write(`FAILED: replica ${m.replica}: stored head at seq ${m.stored_head.seq} but no log: ${m.code}\n`);
  if (!d.truncation_checked) process.stderr.write("WARNING: truncation not checked (no stored head for every chain: give --store-dir or --heads)\n");
  process.stdout.write(`${d.ok ? "OK" : "FAILED"}: ${d.chains.filter((c) => c.ok).length} of ${d.chains.length} chains verify, ${d.missing.length} missing\n`);
  return d.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`presidio-x402: ${e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e)}\n`);
    process.exit(2);
  },
);
