/**
 * `createHardenedFetch`: the whole x402 v1/v2 client flow for agents with
 * their own signer. It reads the challenge (v1 body or v2
 * `PAYMENT-REQUIRED`), asks the core, calls the signer with the exact
 * requirement and the redacted metadata, sends `X-PAYMENT` (v1) or
 * `PAYMENT-SIGNATURE` (v2), reads the settlement header and settles.
 */
import { PaymentGuard, type GuardOptions } from "./guard.js";
import { X402PaymentError, X402GuardError } from "./errors.js";
import { describe } from "./core.js";
import { readCapped } from "./approvals.js";
import { b64decodeUtf8, b64encodeUtf8 } from "./base64.js";
import type { Assessment } from "./types.js";

/** What the signer gets: everything needed to sign, with metadata already redacted. */
export interface SignRequest {
  x402Version: 1 | 2;
  /** The exact requirement to sign (as offered; v1 metadata redacted). */
  requirements: Record<string, unknown>;
  /** Network (CAIP-2), amount (atomic units, decimal string), asset and payee of the selected offer. */
  network: string;
  amount: string;
  asset: string;
  payTo: string;
  /** USD value computed exactly by the core (decimal string). */
  amountUsd: string | null;
  /** Redacted metadata (what may leave the process). */
  metadata: Assessment["metadata"];
  /** The v2 `resource` echo, redacted (null in v1). */
  resource: Record<string, unknown> | null;
}

/**
 * A signer returns the scheme payload (e.g. `{signature, authorization}` for
 * EVM "exact"), or a full PaymentPayload (an object with `x402Version`).
 */
export type Signer = (req: SignRequest) => Promise<Record<string, unknown>>;

export interface HardenedFetchOptions extends GuardOptions {
  signer: Signer;
  /** An existing guard (else one is created from the options). */
  guard?: PaymentGuard;
  /** The underlying fetch (default: global fetch). */
  fetch?: typeof fetch;
  /** The agent's reason for paying, per request (scanned for PII). */
  reason?: (request: Request) => string;
  /** Largest 402 body read (the core refuses challenges over 64 KiB). */
  maxChallengeBytes?: number;
}

/** A fetch that pays x402 challenges through the guard. */
export type HardenedFetch = ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) & { guard: PaymentGuard };

function decodeSettle(h: string | null): { success?: boolean } | null {
  if (!h) return null;
  try {
    return JSON.parse(b64decodeUtf8(h));
  } catch {
    return null;
  }
}

/** Creates a fetch that handles x402 402 responses through the guard. */
export async function createHardenedFetch(options: HardenedFetchOptions): Promise<HardenedFetch> {
  const guard = options.guard ?? (await PaymentGuard.create(options));
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  const cap = options.maxChallengeBytes ?? 64 * 1024 + 1;
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const retry = request.clone();
    const first = await base(request);
    if (first.status !== 402) return first;
    const header = first.headers.get("payment-required");
    let body: string | null = null;
    if (!header) {
      const bytes = await readCapped(first, cap);
      body = new TextDecoder().decode(bytes);
    } else {
      await first.body?.cancel().catch(() => {});
    }
    const url = first.url || request.url;
    const verdict = await guard.check({ method: request.method, url, paymentRequired: header, body, reason: options.reason?.(request) ?? "" });
    const a = verdict.assessment;
    const fp = a.fingerprint;
    const offer = a.offer!;
    const version = a.x402_version as 1 | 2;
    let payload: Record<string, unknown>;
    try {
      const signed = await options.signer({
        x402Version: version,
        requirements: a.requirements!,
        network: offer.network_raw,
        amount: offer.amount,
        asset: offer.asset,
        payTo: offer.pay_to,
        amountUsd: a.amount_usd,
        metadata: a.metadata,
        resource: a.metadata.resource_echo,
      });
      if (signed === null || typeof signed !== "object") throw new TypeError("signer returned no payload");
      payload = "x402Version" in signed
        ? signed
        : version === 1
          ? { x402Version: 1, scheme: offer.scheme, network: offer.network_raw, payload: signed }
          : { x402Version: 2, ...(a.metadata.resource_echo ? { resource: a.metadata.resource_echo } : {}), accepted: a.requirements, payload: signed };
      if (version === 2 && a.metadata.resource_echo) payload.resource = a.metadata.resource_echo;
    } catch {
      const d = await guard.settle(a.id, "signer-failed", fp);
      // The signer's own error is not attached: its text may hold key material.
      throw new X402PaymentError("signer-failed", "signer-failed: " + describe("signer-failed"), { auditLine: d.audit_line });
    }
    retry.headers.set(version === 1 ? "X-PAYMENT" : "PAYMENT-SIGNATURE", b64encodeUtf8(JSON.stringify(payload)));
    retry.headers.set("Access-Control-Expose-Headers", "PAYMENT-RESPONSE,X-PAYMENT-RESPONSE");
    let paid: Response;
    try {
      paid = await base(retry);
    } catch (e) {
      const d = await guard.settle(a.id, "settlement-failed", fp);
      throw new X402PaymentError("settlement-failed", "settlement-failed: " + describe("settlement-failed"), {
        auditLine: d.audit_line, cause: e instanceof Error ? new Error(e.name) : undefined });
    }
    const settle = decodeSettle(paid.headers.get(version === 1 ? "x-payment-response" : "payment-response") ?? paid.headers.get("payment-response"));
    const ok = paid.ok && (settle === null ? true : settle.success === true);
    if (!ok) {
      const d = await guard.settle(a.id, "settlement-failed", fp);
      const err = new X402PaymentError("settlement-failed", "settlement-failed: " + describe("settlement-failed"), { auditLine: d.audit_line });
      (err as X402GuardError & { response?: Response }).response = paid;
      throw err;
    }
    await guard.settle(a.id, "settled", fp);
    return paid;
  };
  return Object.assign(f, { guard });
}
