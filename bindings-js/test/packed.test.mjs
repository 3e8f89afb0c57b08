// `npm pack` gives a package that installs and works outside the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const tarball = fileURLToPath(new URL(`../../.cache/js/presidio-hardened-x402-${version}.tgz`, import.meta.url));

test("the tarball installs in an empty folder outside the repo and decides", () => {
  assert.ok(existsSync(tarball), "run make js-package first");
  const dir = mkdtempSync(join(tmpdir(), "px402-outside-"));
  try {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "outside", private: true, type: "module" }));
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", tarball], { cwd: dir, stdio: "inherit" });
    writeFileSync(join(dir, "main.mjs"), `
      import { PaymentGuard, call } from "presidio-hardened-x402";
      const g = await PaymentGuard.create({ replayKey: "11".repeat(32), auditKey: "22".repeat(32), warn: () => {} });
      const body = JSON.stringify({ x402Version: 1, error: "pay", accepts: [{ scheme: "exact", network: "base-sepolia",
        maxAmountRequired: "10000", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        resource: "https://api.example.com/x", description: "d", mimeType: "application/json", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] });
      const p = await g.begin({ url: "https://api.example.com/x", body });
      console.log(JSON.stringify({ next: p.action.do, usd: p.action.amount_usd, atomic: call("money.parse-atomic", { amount: "10000" }).atomic }));
    `);
    const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: dir }).toString());
    assert.deepEqual(out, { next: "sign", usd: "0.01", atomic: "10000" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
