/** Everything shared by the Node and browser entry points. */
export { call, callJson, operations, randomBytes, describe, isReady } from "./core.js";
export * from "./errors.js";
export * from "./types.js";
export { MemoryStore, NO_REPLICA, type GuardStore, type VersionedState } from "./stores.js";
export { callbackSink, MemoryAuditSink, headOfLog, verifyAuditChains, type AuditSink } from "./audit.js";
export { createPromMetrics, MemoryMetrics, METRICS, type MetricsSink } from "./metrics.js";
export { parsePolicy, validateConfig, loadPolicy, type Validation } from "./policy.js";
export { PaymentGuard, type GuardOptions, type Verdict, type SettleOutcome } from "./guard.js";
export { createHardenedFetch, type HardenedFetch, type HardenedFetchOptions, type Signer, type SignRequest } from "./fetch.js";
export { hardenX402Client, type HardenedX402, type HardenOptions } from "./x402-client.js";
export { type ApprovalOptions, type Resolver, type MpaSummary } from "./approvals.js";
export { BrowserStore } from "./browser-store.js";

/** Verifies an audit log (JSONL text) with the core; returns the head or throws a coded error. */
import { callAudit as _callAudit } from "./core.js";
import type { Head } from "./types.js";
function hex(k: Uint8Array | string): string {
  return typeof k === "string" ? k : Array.from(k, (b) => b.toString(16).padStart(2, "0")).join("");
}
export function verifyAuditLog(key: Uint8Array | string, text: string, expectedHead?: Head | null): Head {
  const input: Record<string, unknown> = { key_hex: hex(key), text };
  if (expectedHead) input.expected_head = expectedHead;
  return _callAudit<{ head: Head }>("audit.verify", input).head;
}
