/** Everything shared by the Node and browser entry points. */
export { call, callJson, operations, randomBytes, describe, isReady, limits, type Limits } from "./core.js";
export * from "./errors.js";
export * from "./types.js";
export type { OtelTracerProvider } from "./otel.js";
export { MemoryStore, NO_REPLICA, type GuardStore, type VersionedState, type CasAnswer, type CasReplay, type CasHead } from "./stores.js";
export { callbackSink, MemoryAuditSink, headOfLog, repairTail, verifyAuditChains, TAIL_WINDOW_BYTES, type AuditSink, type TailRepair } from "./audit.js";
export { createPromMetrics, MemoryMetrics, METRICS, metricTable, type MetricsSink, type MetricTableRow, type MetricDef } from "./metrics.js";
export { Driver } from "./driver.js";
export { parsePolicy, validateConfig, loadPolicy, type Validation } from "./policy.js";
export type { GuardConfig, PolicyEntity, PolicyUsd, PolicyUsdOrNull, PolicyWallets } from "./config-types.js";
export { PaymentGuard, CHAIN_KEY_ENV, FINGERPRINT_KEY_ENV, type GuardOptions, type Payment } from "./guard.js";
export { type Stop } from "./executor.js";
export { createHardenedFetch, requestIdentity, paymentOf, type PaymentReceipt, type HardenedFetch, type HardenedFetchOptions, type RequestIdentity, type Signer, type SignRequest } from "./fetch.js";
export { hardenX402Client, type HardenedX402, type HardenedX402Members, type X402HTTPClientLike, type HardenOptions } from "./x402-client.js";
export { type ApprovalOptions, type HumanApprovalRequest, type Resolver } from "./approvals.js";
export { BrowserStore } from "./browser-store.js";

/** Verifies an audit log (JSONL text) with the core; returns the head or throws a coded error. */
import { callAudit as _callAudit, describe } from "./core.js";
import { errorFor } from "./errors.js";
import type { Head } from "./types.js";
function hex(k: Uint8Array | string): string {
  return typeof k === "string" ? k : Array.from(k, (b) => b.toString(16).padStart(2, "0")).join("");
}
export function verifyAuditLog(key: Uint8Array | string, text: string, expectedHead?: Head | null): Head {
  const input: Record<string, unknown> = { key_hex: hex(key), text };
  if (expectedHead) input.expected_head = expectedHead;
  return _callAudit<{ head: Head }>("audit.verify", input).head;
}

/** What {@link verifyChain} returns (the same fields as Python's `verify_chain`). */
export interface VerifyResult {
  /** The chain verifies (and reaches `expectedHead` when given). */
  ok: boolean;
  /** The final head when it verifies. */
  head: Head | null;
  /** 1-based number of the first bad line (one past the end for truncation; 0 when not about a line). */
  line: number | null;
  /** The `seq` the bad line claims, when readable. */
  seq: number | null;
  /** Why it failed (`audit-bad-key`: a wrong key or the first line edited, `audit-bad-mac`, `audit-seq-gap`, …). */
  code: string | null;
  /** The core's fixed description of `code`. */
  reason: string | null;
}

/**
 * Verifies an audit log (JSONL text, or its lines) under `key` and returns
 * the result, as Python's `verify_chain(lines, key, expected_head, start)`
 * does ({@link verifyAuditLog} throws instead). `expectedHead`, when known,
 * must be reached exactly (truncation); `start` is the head before the first
 * line. A key the core cannot use (too short, not hex) throws its coded error.
 */
export function verifyChain(lines: string | readonly string[], key: Uint8Array | string,
  options: { expectedHead?: Head | null; start?: Head | null } = {}): VerifyResult {
  const text = typeof lines === "string" ? lines : lines.map((l) => (l.endsWith("\n") ? l : l + "\n")).join("");
  const input: Record<string, unknown> = { key_hex: hex(key), text };
  if (options.expectedHead) input.expected_head = options.expectedHead;
  if (options.start) input.start = options.start;
  const r = _callAudit<{ ok: boolean; head: Head | null; line: number | null; seq: number | null; code: string | null }>("audit.verify-report", input);
  if (r.code === "key-too-short" || r.code === "invalid-input") throw errorFor(r.code, describe(r.code));
  return { ok: r.ok, head: r.head, line: r.line, seq: r.seq, code: r.code, reason: r.code === null ? null : describe(r.code) };
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
