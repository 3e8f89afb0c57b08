/** Everything shared by the Node and browser entry points. */
export { call, callJson, operations, randomBytes, describe, isReady, limits, type Limits } from "./core.js";
export * from "./errors.js";
export * from "./types.js";
export { MemoryStore, NO_REPLICA, type GuardStore, type VersionedState } from "./stores.js";
export { callbackSink, MemoryAuditSink, headOfLog, verifyAuditChains, type AuditSink } from "./audit.js";
export { createPromMetrics, MemoryMetrics, METRICS, metricTable, type MetricsSink, type MetricTableRow, type MetricDef } from "./metrics.js";
export { Driver } from "./driver.js";
export { parsePolicy, validateConfig, loadPolicy, type Validation } from "./policy.js";
export { PaymentGuard, type GuardOptions, type Payment } from "./guard.js";
export { type Stop } from "./executor.js";
export { createHardenedFetch, requestIdentity, paymentOf, type PaymentReceipt, type HardenedFetch, type HardenedFetchOptions, type RequestIdentity, type Signer, type SignRequest } from "./fetch.js";
export { hardenX402Client, type HardenedX402, type HardenOptions } from "./x402-client.js";
export { type ApprovalOptions, type HumanApprovalRequest, type Resolver } from "./approvals.js";
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

/** What a pre-approval binds (see `preapprove`). */
export interface PreapprovalFields {
  /** The approver's secret (as configured for a `crypto` approver). */
  secret: string;
  /** The request URL the agent will pay for (normalised by the core). */
  url: string;
  /** Network (v1 name or CAIP-2), asset and payee as the server offers them. */
  network: string;
  asset: string;
  payTo: string;
  /** Atomic amount (decimal string). */
  amount: string;
  method?: string;
  scheme?: string;
  /** Validity in seconds from `nowMs` (the core refuses more than 24 h). */
  validForSeconds?: number;
  nowMs?: number;
}

/**
 * A pre-approval token for one payment known ahead: a crypto approver signs it
 * before the request, and the agent returns it from `approvals.countersign`
 * (`[[approverId, token]]`). It binds the method, the normalised URL, network,
 * asset, payee, atomic amount and scheme until `not_after_ms`; the core checks it.
 */
export function preapprove(f: PreapprovalFields): string {
  const now = f.nowMs ?? Date.now();
  return _call<{ token: string }>("mpa.preapprove", {
    secret: f.secret, url: f.url, network: f.network, asset: f.asset, pay_to: f.payTo, amount: f.amount,
    method: f.method ?? "GET", scheme: f.scheme ?? "exact", not_after_ms: now + Math.round((f.validForSeconds ?? 300) * 1000),
  }).token;
}
import { call as _call } from "./core.js";
