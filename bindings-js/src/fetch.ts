/**
 * `createHardenedFetch`: the whole x402 v1/v2 client flow for agents with
 * their own signer. On a 402 it starts a payment in the guard's driver, then
 * performs the driver's `sign` (the signer, with the redacted requirement and
 * metadata) and `send` (exactly the request the driver built,
 * redirects not followed) and reports what happened; the driver judges the
 * paid response.
 */
import { PaymentGuard, type GuardOptions, type Payment } from "./guard.js";
import { readCapped } from "./approvals.js";
import { limits } from "./core.js";
import { SignerError, type X402GuardError } from "./errors.js";
import type { DriverEvent, DriverSendAction, DriverSettlement, DriverSignAction } from "./types.js";

/** What the signer gets: everything needed to sign, with metadata already redacted. */
export interface SignRequest {
  x402Version: 1 | 2;
  /** The requirement to sign (and send as v2 `accepted`): its payment fields as offered, every other field and key redacted. */
  requirements: Record<string, unknown>;
  /** Network (as offered: a v1 name or CAIP-2), amount (atomic units, decimal string), asset and payee of the selected offer. */
  network: string;
  amount: string;
  asset: string;
  payTo: string;
  /** USD value computed exactly by the core (decimal string). */
  amountUsd: string | null;
  /** Redacted metadata (what may leave the process). */
  metadata: DriverSignAction["metadata"] & { resource_echo: Record<string, unknown> | null };
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
}

/** A fetch that pays x402 challenges through the guard. */
export type HardenedFetch = ((input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) & { guard: PaymentGuard };

/** Transport errors raised before any byte of the request left (nothing was sent). */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "EADDRNOTAVAIL"]);

/** Whether a failed fetch may have sent the request: false only when it is known that nothing left. */
function maybeSent(e: unknown): boolean {
  const c = (e as { cause?: { code?: unknown; errors?: { code?: unknown }[] } })?.cause;
  if (!c) return true;
  if (NOT_SENT.has(String(c.code))) return false;
  return !(Array.isArray(c.errors) && c.errors.length > 0 && c.errors.every((x) => NOT_SENT.has(String(x?.code))));
}

/** Performs a `sign` action with the user's signer; a failure keeps the signer's error (for the `signer-failed` error's cause). */
async function sign(signer: Signer, a: DriverSignAction): Promise<{ event: DriverEvent; error?: unknown }> {
  try {
    const payload = await signer({
      x402Version: a.x402_version as 1 | 2, requirements: a.requirements ?? {}, network: a.network_raw ?? "", amount: a.amount ?? "",
      asset: a.asset ?? "", payTo: a.pay_to ?? "", amountUsd: a.amount_usd, metadata: { ...a.metadata, resource_echo: a.resource },
      resource: a.resource,
    });
    // A payload that is not an object is the driver's `signer-failed`.
    return { event: { on: "signed", payload } };
  } catch (error) {
    // Kept for errorOf, which shows a SignerError and only the name of any other error (its text may hold key material).
    return { event: { on: "signer-failed" }, error };
  }
}

/** What a `send` gave: the driver's event, and the response or the transport error. */
export interface Sent {
  event: DriverEvent;
  response?: Response;
  error?: unknown;
}

/**
 * Performs a `send` action: exactly the action's method, URL and payment
 * header, with `original`'s other headers and body, redirects not followed.
 */
export async function sendPaid(base: typeof fetch, original: Request, a: DriverSendAction): Promise<Sent> {
  let req: Request;
  try {
    const body = a.method === "GET" || a.method === "HEAD" ? undefined : await original.arrayBuffer();
    req = new Request(a.url, { method: a.method, headers: original.headers, body, redirect: a.redirect, signal: original.signal });
    req.headers.set(a.header.name, a.header.value);
    req.headers.set("Access-Control-Expose-Headers", "PAYMENT-RESPONSE,X-PAYMENT-RESPONSE");
  } catch (error) {
    return { event: { on: "network-error", sent: false }, error };
  }
  try {
    const response = await base(req);
    const settlement = response.headers.get("payment-response") ?? response.headers.get("x-payment-response");
    return { event: { on: "response", status: response.status, settlement }, response };
  } catch (error) {
    return { event: { on: "network-error", sent: maybeSent(error) }, error };
  }
}

/** What names a request as a purchase besides its method and URL (the core's replay identity, core/src/replay.rs). */
export interface RequestIdentity {
  /** SHA-256 (hex) of the body, `null` when it is empty (the core ignores it for GET and HEAD). */
  requestBodySha256: string | null;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey: string | null;
}

/** Reads `req`'s identity without consuming it (the body is read from a clone). */
export async function requestIdentity(req: Request): Promise<RequestIdentity> {
  let requestBodySha256: string | null = null;
  const bytes = req.body === null ? null : await req.clone().arrayBuffer();
  if (bytes && bytes.byteLength > 0) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    requestBodySha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  return { requestBodySha256, idempotencyKey: req.headers.get("idempotency-key") };
}

/** What a paid response of a hardened fetch cost, as the core judged it (see {@link paymentOf}). */
export interface PaymentReceipt {
  /** The USD value of the payment computed by the core (decimal string), when it was priced. */
  amountUsd: string | null;
  /** The core's settlement judgement of the paid response (`settled`, or `unknown` without a readable settlement header). */
  settlement: DriverSettlement | null;
}

const receipts = new WeakMap<Response, PaymentReceipt>();

/**
 * The payment behind a response returned by a {@link HardenedFetch}, or
 * `undefined` when the response needed none (the server did not answer 402).
 */
export function paymentOf(response: Response): PaymentReceipt | undefined {
  return receipts.get(response);
}

/** Creates a fetch that handles x402 402 responses through the guard. */
export async function createHardenedFetch(options: HardenedFetchOptions): Promise<HardenedFetch> {
  const guard = options.guard ?? (await PaymentGuard.create(options));
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  const { max_challenge_bytes: cap, challenge_read_ms: within } = limits();
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const retry = request.clone();
    const first = await base(request);
    if (first.status !== 402) return first;
    const header = first.headers.get("payment-required");
    // The bytes as read (at most the core's cap + 1, within its deadline): the core decodes them.
    let bodyBytes: Uint8Array | null = null;
    if (!header) bodyBytes = await readCapped(first, cap + 1, within);
    else await first.body?.cancel().catch(() => {});
    let p: Payment = await guard.begin({ method: request.method, url: first.url || request.url, paymentRequired: header, bodyBytes,
      contentType: first.headers.get("content-type"), ...(await requestIdentity(retry)), reason: options.reason?.(request) ?? "" });
    let sent: Sent | undefined;
    let signError: unknown;
    while (p.action.do !== "done") {
      const a = p.action;
      let event: DriverEvent;
      if (a.do === "sign") ({ event, error: signError } = await sign(options.signer, a));
      else ({ event } = sent = await sendPaid(base, retry, a));
      p = await guard.resume(p, event);
    }
    const done = p.action;
    if (done.allowed && sent?.response) {
      receipts.set(sent.response, { amountUsd: done.details.amount_usd ?? null, settlement: done.settlement });
      return sent.response;
    }
    // A signer's own error is not kept (its text may hold key material); a SignerError is worded to hold none.
    const cause = done.code === "signer-failed" ? (signError instanceof SignerError ? signError : undefined) : sent?.error;
    const err = guard.errorOf(done, cause) as X402GuardError & { response?: Response };
    if (sent?.response) err.response = sent.response;
    throw err;
  };
  return Object.assign(f, { guard });
}
