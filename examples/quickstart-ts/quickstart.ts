// Quickstart (TypeScript): a hardened x402 fetch with a viem key — one paid request,
// one refusal with its code, and the audit log verified.
//
//   npm install presidio-hardened-x402 @x402/evm viem
//   X402_SERVER_URL=http://127.0.0.1:4021 node quickstart.js     (after tsc; any x402 server)
//
// `make test-e2e` type-checks this file with `tsc --strict` and runs it against the local
// x402 world (examples/x402-world: @x402/express and a facilitator that verifies the signature).
import { createHardenedFetch, MemoryAuditSink, verifyAuditLog, X402GuardError, type GuardConfig } from "presidio-hardened-x402";
import { evmSigner } from "presidio-hardened-x402/evm";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { randomBytes } from "node:crypto";

const server = process.env.X402_SERVER_URL ?? "http://127.0.0.1:4021";
// Every key: docs/CONFIG.md. USD amounts as strings are exact.
const config: GuardConfig = { agent_id: "quickstart", max_per_call_usd: "0.50", daily_limit_usd: "5" };
// Keep both keys (a secret store in production): the audit key verifies the log later.
const replayKey = randomBytes(32).toString("hex");
const auditKey = randomBytes(32).toString("hex");
const audit = new MemoryAuditSink(); // FileAuditSink("audit.jsonl") in production (Node)
const account = privateKeyToAccount(generatePrivateKey()); // your funded key
const pay = await createHardenedFetch({ signer: evmSigner(account), config, replayKey, auditKey, audit });

// 1. A paid request: the guard checks the offer, the signer signs, the server settles.
const res = await pay(`${server}/v2/cheap`);
console.log(`paid: HTTP ${res.status} ${await res.text()}`);

// 2. A refusal: $2.00 is over max_per_call_usd; nothing is signed. Every error has a stable `.code`.
try {
  await pay(`${server}/v2/expensive`);
  console.log("paid?! (the policy should have refused)");
} catch (e) {
  if (!(e instanceof X402GuardError)) throw e;
  console.log(`refused: ${e.code}`);
}

// 3. The audit log: an HMAC chain; verifyAuditLog throws on any edited, missing or reordered line.
await pay.guard.close();
const head = verifyAuditLog(auditKey, audit.text(), pay.guard.head);
console.log(`audit verified: ${audit.lines.length} lines, head seq ${head.seq}`);
