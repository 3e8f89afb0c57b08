// One payment with the installed npm package, from a project that only has it
// (and a signer: @x402/evm's exact scheme over a throwaway viem key), against
// the local x402 world. Copied into the empty project by tests/dist/run.py.
//
//     node npm_payment.mjs SERVER_URL AUDIT_DIR
//
// Prints one JSON line: the status and body, the guard's judgement, the audit
// key (hex, for `presidio-x402 verify`) and where the package resolved from.
import { createHardenedFetch, FileAuditSink } from "presidio-hardened-x402";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const [serverUrl, auditDir] = process.argv.slice(2);
const scheme = new ExactEvmScheme(privateKeyToAccount(generatePrivateKey()));
// The guard asks for exactly the requirement it approved; the scheme signs it.
const signer = async ({ x402Version, requirements }) => (await scheme.createPaymentPayload(x402Version, requirements)).payload;
const auditKey = randomBytes(32).toString("hex");
const audit = new FileAuditSink(join(auditDir, "agent.jsonl"));
const pay = await createHardenedFetch({
  signer, audit, auditKey, replayKey: randomBytes(32).toString("hex"),
  config: { agent_id: "dist-npm", max_per_call_usd: "0.10", daily_limit_usd: "5" },
});
const res = await pay(`${serverUrl}/v2/cheap?from=npm`);
const body = res.status === 200 ? await res.json() : await res.text();
await audit.close();
console.log(JSON.stringify({
  status: res.status, body, auditKey,
  resolved: import.meta.resolve("presidio-hardened-x402"),
}));
