// Real payment payloads made by the official TypeScript client (`@x402/core` x402Client +
// `@x402/evm` ExactEvmScheme, as installed in bindings-js/test/node_modules), for the driver's
// payload-binding scenarios (gen_driver.py). Deterministic: a fixed key, a fixed clock and fixed
// nonce bytes (viem's ECDSA signatures are deterministic, RFC 6979).
//   node vectors/gen/sdk/evm_payloads.mjs   (writes vectors/fixtures/sdk-payloads-ts.json)
import { createRequire } from "node:module";
import { writeFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const require = createRequire(path.join(root, "bindings-js/test/package.json"));
const { x402Client } = require("@x402/core/client");
const { registerExactEvmScheme } = require("@x402/evm/exact/client");
const { privateKeyToAccount } = require("viem/accounts");

const common = JSON.parse(readFileSync(path.join(here, "common.json"), "utf8"));
Date.now = () => common.now_s * 1000;
globalThis.crypto.getRandomValues = (a) => a.fill(0x5a);

const account = privateKeyToAccount(common.private_key);
const client = registerExactEvmScheme(new x402Client(), { signer: account });

const out = { sdk: "@x402/core+@x402/evm " + JSON.parse(readFileSync(path.join(root, "bindings-js/test/node_modules/@x402/evm/package.json"), "utf8")).version, wallet: account.address,
  now_s: common.now_s, cases: [] };
for (const c of common.cases) {
  const payload = await client.createPaymentPayload(c.payment_required);
  out.cases.push({ name: c.name, payload });
}
writeFileSync(path.join(root, "vectors/fixtures/sdk-payloads-ts.json"), JSON.stringify(out, null, 1) + "\n");
console.log(`sdk-payloads-ts.json: ${out.cases.length} payloads from ${out.sdk}`);
