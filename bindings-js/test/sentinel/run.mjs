// Runs a node command (`node run.mjs --test ... *.test.mjs`) with the secret
// sentinel in every node process it starts (NODE_OPTIONS --import; the
// node:test runner itself does not load --import modules, its test files'
// processes do), then scans what is left and reports (sentinel.mjs). Exits
// with the command's status, or 1 when the command passed and a secret leaked.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
if (process.env.PX402_SENTINEL === "0") {
  const r = spawnSync(process.execPath, args, { stdio: "inherit" });
  console.log("secret sentinel: off (PX402_SENTINEL=0)");
  process.exit(r.status ?? 1);
}
const dir = mkdtempSync(join(tmpdir(), "px402-sentinel-"));
mkdirSync(join(dir, "tmp"));
Object.assign(process.env, {
  PX402_SENTINEL_DIR: dir, PX402_SENTINEL_ROOT: join(dir, "tmp"), TMPDIR: join(dir, "tmp"),
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${fileURLToPath(new URL("./sentinel.mjs", import.meta.url))}`.trim(),
});
const { finalReport } = await import("./sentinel.mjs");
const t0 = Date.now();
const r = spawnSync(process.execPath, args, { stdio: "inherit" });
const leaks = finalReport();
process.exitCode = r.status !== 0 ? (r.status ?? 1) : leaks > 0 ? 1 : 0;
void t0;
