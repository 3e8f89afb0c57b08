// Real Solana `exact` payment payloads made by the official TypeScript client (`@x402/core`
// x402Client + `@x402/svm` ExactSvmScheme) for the payload-binding vectors (gen_payload.py,
// gen_driver.py). No network: the mint is read from a loopback JSON-RPC stub (a devnet USDC-like
// mint, 6 decimals, owned by the SPL Token program), the blockhash and memo come from the offer's
// `extra` (recentBlockhash, memo), and ed25519 signatures are deterministic, so the output is too.
// @x402/svm is not a test dependency: install it anywhere and point X402_SVM_DIR at that folder:
//   (cd /tmp/svm && npm install @x402/svm@2.27.0 @x402/core@2.27.0)
//   X402_SVM_DIR=/tmp/svm node vectors/gen/sdk/svm_payloads.mjs   (writes vectors/fixtures/sdk-payloads-svm.json)
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { writeFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const dir = process.env.X402_SVM_DIR;
if (!dir) throw new Error("set X402_SVM_DIR to a folder where @x402/svm is installed");
const require = createRequire(path.join(dir, "package.json"));
const { x402Client } = require("@x402/core/client");
const { ExactSvmScheme } = require("@x402/svm/exact/client");
const { createKeyPairSignerFromPrivateKeyBytes } = require("@solana/kit");

const common = JSON.parse(readFileSync(path.join(here, "common.json"), "utf8"));
Date.now = () => common.now_s * 1000;

// A mint account: mintAuthority None, supply 0, decimals 6, initialized, freezeAuthority None.
const mint = Buffer.alloc(82);
mint[44] = 6;
mint[45] = 1;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    const q = JSON.parse(body);
    const result = q.method === "getAccountInfo"
      ? { context: { slot: 1 }, value: { data: [mint.toString("base64"), "base64"], executable: false,
          lamports: 1461600, owner: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", rentEpoch: 0, space: 82 } }
      : null;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(result ? { jsonrpc: "2.0", id: q.id, result }
      : { jsonrpc: "2.0", id: q.id, error: { code: -32601, message: `stub: ${q.method}` } }));
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const rpcUrl = `http://127.0.0.1:${server.address().port}`;

// A fixed throwaway seed, never funded.
const signer = await createKeyPairSignerFromPrivateKeyBytes(new Uint8Array(32).fill(7));
const client = new x402Client();
client.register("solana:*", new ExactSvmScheme(signer, { rpcUrl }));

const svmModule = require.resolve("@x402/svm/exact/client");
const version = JSON.parse(readFileSync(path.join(svmModule.split("/dist/")[0], "package.json"), "utf8")).version;
const out = { sdk: "@x402/core+@x402/svm " + version, wallet: signer.address, now_s: common.now_s, cases: [] };
for (const c of common.svm_cases) {
  const payload = await client.createPaymentPayload(c.payment_required);
  out.cases.push({ name: c.name, payload });
}
server.close();
writeFileSync(path.join(root, "vectors/fixtures/sdk-payloads-svm.json"), JSON.stringify(out, null, 1) + "\n");
console.log(`sdk-payloads-svm.json: ${out.cases.length} payloads from ${out.sdk}`);
