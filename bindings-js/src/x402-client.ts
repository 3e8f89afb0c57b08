/**
 * `hardenX402Client(client, options)`: hooks the guard into the official
 * `@x402/core` 2.27 `x402Client` / `x402HTTPClient`.
 *
 * - `x402HTTPClient.onPaymentRequired` records the real request URL (the
 *   only hook that sees it).
 * - `onBeforePaymentCreation` runs the core's assess, the replay store,
 *   approvals and the final verdict; a refusal aborts with the core's code
 *   as the reason (`"<code>: <description>"`).
 * - `onAfterPaymentCreation` replaces the v2 `resource` echo with the
 *   redacted copy.
 * - `onPaymentCreationFailure` settles as `signer-failed` (spend released).
 * - `onPaymentResponse` (v2, `@x402/fetch`) commits or releases and audits.
 *
 * Fallback: v1 payments, and `@x402/axios`, never fire `onPaymentResponse`.
 * Wrap the transport's fetch with `hardened.fetch(fetch)` (it sees the paid
 * request's `X-PAYMENT`/`PAYMENT-SIGNATURE` header and the settlement
 * response), or feed responses to `hardened.observeResponse(...)` from an
 * axios response interceptor. A payment never settled keeps its spend
 * reserved until the core's lease ends (over-counting, never under).
 */
import { PaymentGuard, type GuardOptions } from "./guard.js";
import { describe } from "./core.js";
import { X402GuardError } from "./errors.js";
import { b64decodeUtf8, b64encodeUtf8 } from "./base64.js";

type Obj = Record<string, any>;

export interface HardenOptions extends GuardOptions {
  /** An existing guard (else one is created from the options). */
  guard?: PaymentGuard;
  /** The agent's reason for paying (scanned for PII). */
  reason?: () => string;
}

interface Pending {
  id: number;
  fingerprint: string | null;
  version: number;
  echo: Obj | null;
}

/** What {@link hardenX402Client} returns. */
export interface HardenedX402 {
  guard: PaymentGuard;
  /** The `x402Client` with the hooks. */
  client: Obj;
  /** The `x402HTTPClient` with `onPaymentRequired` (pass it to `wrapFetchWithPayment`). */
  httpClient: Obj | null;
  /** Wraps a fetch so v1 (and any unhooked) payments settle from the wire. */
  fetch(base: typeof fetch): typeof fetch;
  /** Settles from a paid response seen by another transport (axios). */
  observeResponse(r: { status: number; requestHeaders: (name: string) => string | null | undefined; responseHeaders: (name: string) => string | null | undefined }): Promise<void>;
}

function payloadKey(payload: Obj): string {
  return JSON.stringify(payload?.payload ?? null);
}

/**
 * Hooks the guard into an `x402Client`, or an `x402HTTPClient` (whose
 * `.client` then gets the payment hooks). Pass the HTTP client to
 * `wrapFetchWithPayment` so the real request URL is seen.
 */
export async function hardenX402Client(target: Obj, options: HardenOptions = {}): Promise<HardenedX402> {
  const guard = options.guard ?? (await PaymentGuard.create(options));
  const isHttp = typeof target.onPaymentRequired === "function" && target.client;
  const client: Obj = isHttp ? target.client : target;
  const httpClient: Obj | null = isHttp ? target : null;
  const urls = new WeakMap<object, string>();
  const methods = new Map<string, string>();
  let lastUrl: string | null = null;
  const byContext = new WeakMap<object, Pending>();
  const byPayload = new WeakMap<object, Pending>();
  const byWire = new Map<string, Pending>();

  httpClient?.onPaymentRequired(async ({ paymentRequired, requestUrl }: Obj) => {
    if (paymentRequired && typeof paymentRequired === "object") urls.set(paymentRequired, requestUrl);
    lastUrl = requestUrl;
  });

  client.onBeforePaymentCreation(async (ctx: Obj) => {
    const pr = ctx.paymentRequired as Obj;
    const url = urls.get(pr) ?? lastUrl;
    if (!url) return { abort: true, reason: "invalid-input: the request URL is unknown (pass hardened.httpClient to wrapFetchWithPayment)" };
    // Assess exactly the requirement the client selected.
    const only = JSON.stringify({ ...pr, accepts: [ctx.selectedRequirements] });
    const v2 = pr.x402Version !== 1;
    let verdict;
    try {
      verdict = await guard.decide({
        method: methods.get(url) ?? "GET",
        url,
        paymentRequired: v2 ? b64encodeUtf8(only) : null,
        body: v2 ? null : only,
        reason: options.reason?.() ?? "",
      });
    } catch (e) {
      // A store failure (store-unavailable, state-corrupt) refuses: never pay unguarded.
      const code = e instanceof X402GuardError ? e.code : "store-unavailable";
      return { abort: true, reason: `${code}: ${describe(code)}` };
    }
    if (!verdict.allowed) {
      const code = verdict.code ?? "invalid-input";
      return { abort: true, reason: `${code}: ${describe(code)}` };
    }
    byContext.set(pr, {
      id: verdict.assessment.id,
      fingerprint: verdict.assessment.fingerprint,
      version: verdict.assessment.x402_version,
      echo: verdict.assessment.metadata.resource_echo,
    });
    return undefined;
  });

  client.onAfterPaymentCreation(async (ctx: Obj) => {
    const p = byContext.get(ctx.paymentRequired);
    if (!p) return;
    byContext.delete(ctx.paymentRequired);
    const payload = ctx.paymentPayload as Obj;
    if (p.version >= 2 && p.echo) payload.resource = p.echo;
    byPayload.set(payload, p);
    byWire.set(payloadKey(payload), p);
  });

  client.onPaymentCreationFailure?.(async (ctx: Obj) => {
    const p = byContext.get(ctx.paymentRequired);
    if (!p) return undefined;
    byContext.delete(ctx.paymentRequired);
    await guard.settle(p.id, "signer-failed", p.fingerprint);
    return undefined;
  });

  const finish = async (p: Pending | undefined, ok: boolean): Promise<void> => {
    if (!p) return;
    for (const [k, v] of byWire) if (v === p) byWire.delete(k);
    await guard.settle(p.id, ok ? "settled" : "settlement-failed", p.fingerprint);
  };

  client.onPaymentResponse(async (ctx: Obj) => {
    const p = byPayload.get(ctx.paymentPayload);
    byPayload.delete(ctx.paymentPayload);
    if (!p || !byWire.has(payloadKey(ctx.paymentPayload))) return undefined;
    await finish(p, ctx.settleResponse?.success === true);
    return undefined;
  });

  const observeResponse: HardenedX402["observeResponse"] = async ({ status, requestHeaders, responseHeaders }) => {
    const wire = requestHeaders("payment-signature") ?? requestHeaders("x-payment");
    if (!wire) return;
    let key: string;
    try {
      key = payloadKey(JSON.parse(b64decodeUtf8(wire)));
    } catch {
      return;
    }
    const p = byWire.get(key);
    if (!p) return;
    const h = responseHeaders("payment-response") ?? responseHeaders("x-payment-response");
    let success: boolean | null = null;
    if (h) {
      try {
        success = JSON.parse(b64decodeUtf8(h)).success === true;
      } catch {
        success = false;
      }
    }
    await finish(p, status >= 200 && status < 300 && success !== false);
  };

  const wrap = (base: typeof fetch): typeof fetch => async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const paidHeader = req.headers.get("payment-signature") ?? req.headers.get("x-payment");
    let res: Response;
    try {
      res = await base(req);
    } catch (e) {
      if (paidHeader) {
        try {
          const p = byWire.get(payloadKey(JSON.parse(b64decodeUtf8(paidHeader))));
          await finish(p, false);
        } catch {
          /* not ours */
        }
      }
      throw e;
    }
    if (!paidHeader && res.status === 402) {
      methods.set(res.url || req.url, req.method);
      if (!httpClient) lastUrl = res.url || req.url;
    }
    // v2 responses settle in onPaymentResponse; v1 (no hook) settles here.
    if (paidHeader && req.headers.has("x-payment")) {
      await observeResponse({ status: res.status, requestHeaders: (n) => req.headers.get(n), responseHeaders: (n) => res.headers.get(n) });
    }
    return res;
  };

  return { guard, client, httpClient, fetch: wrap, observeResponse };
}
