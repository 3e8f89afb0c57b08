/**
 * `hardenX402Client(client, options)`: hooks the guard's driver into the
 * official `@x402/core` 2.27 `x402Client` / `x402HTTPClient`. The client
 * signs and sends; the guard's driver decides, audits and judges:
 *
 * - `x402HTTPClient.onPaymentRequired` records the real request URL (the
 *   only hook that sees it; when `hardened.fetch` saw the request redirected,
 *   the URL that answered 402 is judged and paid, never the first).
 * - `onBeforePaymentCreation` begins a payment on exactly the selected
 *   requirement and runs it until the driver asks to `sign` (the client
 *   proceeds) or is `done` (the hook throws the coded error: see below).
 * - `onAfterPaymentCreation` answers `sign` with the client's payload; the
 *   driver's `send` action carries the payment to send, which replaces the
 *   client's payload (its v2 `resource` echo is the core's redacted copy).
 * - payment-identifier: when the server declares the extension, the driver's
 *   payment carries the purchase's id; the id is remembered per
 *   `paymentRequired` object, and a retry the client makes with the same
 *   object (`@x402/fetch` after `onPaymentResponse` returns
 *   `{recovered: true}`) begins with it as `purchase`, so it is the same
 *   purchase (the replay guard still refuses it once the first attempt left).
 * - `onPaymentCreationFailure` answers `signer-failed` (or, when the client
 *   gives up after our hook, `network-error` with nothing sent).
 * - What it returns is the `x402HTTPClient` itself (given an `x402Client`, a
 *   new one over it, made with the installed `@x402/core`), with the guard's
 *   members added: `wrapFetchWithPayment(fetch, hardened)` is all it takes.
 *   Its `processPaymentResult` (which `@x402/fetch` and `@x402/axios` call
 *   with every paid response, v1 included) reports the paid response to the
 *   driver, so v1 settlement needs no second wrapper. A refusal reaches the
 *   caller as the coded error ({@link X402GuardError}: `.code`, the
 *   description, `.auditLine`): `@x402/fetch` 2.27 replaces any error of
 *   `createPaymentPayload` with a bare `Error` (message only, no cause), so
 *   the hardened client's `createPaymentPayload` answers a refusal with a
 *   payload that throws the coded error on first use (the SDK then encodes
 *   it, outside its `try`): nothing is signed or sent either way.
 * - `hardened.fetch(fetch)` (optional) wraps the client's transport: a 402 body reaches
 *   the client read as the core's limits say (`limits()`: at most
 *   `max_challenge_bytes` + 1 bytes within `challenge_read_ms`); it sends the paid
 *   request exactly as the driver's `send` says (redirects not followed) and
 *   answers with the response or the network error before the client sees it.
 *   From axios, report responses with `hardened.observeResponse(...)`.
 *
 * A signed payment whose paid response nobody observed is answered
 * `unobserved` (the driver commits it, settlement `unknown`): when the client
 * reports the response through `onPaymentResponse` (v2) and no wrapper saw
 * it, or `unobservedAfterMs` (default 60 s) after signing. A payment the
 * client neither signed nor reported failed within that time (another hook
 * aborted it) is answered `signer-failed`; a payload that comes later is
 * refused (the hook throws), so it is never sent.
 */
import { PaymentGuard, type GuardOptions, type Payment } from "./guard.js";
import { call, describe, limits } from "./core.js";
import { readCapped } from "./approvals.js";
import { PolicyConfigError, X402GuardError } from "./errors.js";
import { requestIdentity, sendPaid, type RequestIdentity } from "./fetch.js";
import { b64decodeUtf8, b64encodeUtf8 } from "./base64.js";
import type { DriverEvent } from "./types.js";

// The x402 SDK's clients are duck-typed (any SDK version whose hooks match is accepted), so the
// public signature takes and returns them as plain records; inside, they are read through the typed
// views below, and every value taken from them is judged by the core.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Obj = Record<string, any>;

/** A JSON object from the SDK (requirements, payloads). */
type Json = Record<string, unknown>;

/** The hooks of an `x402Client` that the guard registers. */
interface X402ClientHooks {
  onBeforePaymentCreation(hook: (ctx: { paymentRequired: Json; selectedRequirements: unknown }) => Promise<undefined>): unknown;
  onAfterPaymentCreation(hook: (ctx: { paymentRequired: Json; paymentPayload: Json }) => Promise<void>): unknown;
  onPaymentCreationFailure?(hook: (ctx: { paymentRequired: Json }) => Promise<undefined>): unknown;
  onPaymentResponse?(hook: (ctx: { paymentPayload: Json }) => Promise<undefined>): unknown;
}

/** The hook of an `x402HTTPClient` that names the URL that answered 402. */
interface X402HTTPClientHooks {
  onPaymentRequired(hook: (ctx: { paymentRequired: unknown; requestUrl: string }) => Promise<void>): unknown;
}

export interface HardenOptions extends GuardOptions {
  /** An existing guard (else one is created from the options). */
  guard?: PaymentGuard;
  /** The agent's reason for paying (scanned for PII). */
  reason?: () => string;
  /** A payment not signed, or signed and its paid response not reported, within this many ms is answered `signer-failed` / `unobserved` (default 60 000). */
  unobservedAfterMs?: number;
  /**
   * The client's own `spendControls` (`@x402/core` ≥ 2.23: `$1` a payment on
   * known stablecoins by default). They run while the client selects a
   * requirement, before any hook, so a payment they refuse never reaches the
   * guard's audit log or metrics. `"off"` (default): the defaults are switched
   * off and the guard's policy is the one in force; controls the caller set
   * are refused (`config-client-spend-controls`): put those limits in the
   * policy. `"keep"`: leave the client's controls as they are (their refusals
   * are then not audited).
   */
  sdkSpendControls?: "off" | "keep";
}

/**
 * What {@link hardenX402Client} adds to the `x402HTTPClient` it returns (given
 * an `x402HTTPClient`, the result is that client, typed as the SDK's own class
 * and these members).
 */
export interface HardenedX402 {
  /** The guard that decides, audits and judges every payment. */
  guard: PaymentGuard;
  /** The `x402Client` with the hooks. */
  client: Obj;
  /**
   * The `x402HTTPClient` with the hooks (the hardened client itself; `null`
   * only when given an `x402Client` and `@x402/core` could not be imported).
   * @deprecated pass the hardened client itself to `wrapFetchWithPayment`.
   */
  httpClient: Obj | null;
  /** Wraps the client's fetch: paid requests are sent as the driver says and their answers reported. */
  fetch(base: typeof fetch): typeof fetch;
  /** Reports a paid response seen by another transport (axios). */
  observeResponse(r: { status: number; requestHeaders: (name: string) => string | null | undefined; responseHeaders: (name: string) => string | null | undefined }): Promise<void>;
}

/** A payment between the hooks: at `sign`, then at `send` under its wire key until observed. */
interface Pending {
  payment: Payment;
  key: string | null;
  timer?: ReturnType<typeof setTimeout>;
}

/** The key of a payment on the wire: its scheme payload (signature and nonce). */
const wireKey = (payload: Json | null | undefined): string => JSON.stringify(payload?.payload ?? null);

function headerKey(header: string | null | undefined): string | null {
  if (!header) return null;
  try {
    return wireKey(JSON.parse(b64decodeUtf8(header)) as Json | null);
  } catch {
    return null;
  }
}

/**
 * Makes the guard's policy the one in force on `client` (see
 * {@link HardenOptions.sdkSpendControls}): the core decides
 * (`client.spend-controls`) from what the client holds; this only reads the
 * field and calls the setter.
 */
function takeOverSpendControls(target: Obj, mode: unknown): void {
  const client = target as { spendControls?: unknown; setSpendControls?: (controls: false) => unknown };
  const held = client.spendControls;
  const current = typeof client.setSpendControls !== "function" ? "absent" : held === false ? "off"
    : held === undefined || (typeof held === "object" && held !== null && Object.keys(held).length === 0) ? "default" : "custom";
  let action: string;
  try {
    ({ action } = call<{ action: string }>("client.spend-controls", { mode, current }));
  } catch (e) {
    const code = e instanceof X402GuardError ? e.code : "invalid-input";
    throw new PolicyConfigError([{ path: "sdkSpendControls", code }], `${code}: ${describe(code)}`);
  }
  if (action === "switch-off") client.setSpendControls!(false);
}

/** The SDK's `x402HTTPClient`, as far as the overloads of {@link hardenX402Client} tell it apart (its `client` is private in the SDK's types). */
export interface X402HTTPClientLike {
  /** Registers a hook on a 402 answer. */
  onPaymentRequired(hook: never): unknown;
  /** Reports a paid response (called by the SDK's transports). */
  processPaymentResult(paymentPayload: never, getHeader: never, status: number): Promise<unknown>;
}

/** The members {@link hardenX402Client} adds to an `x402HTTPClient` (its `client` stays the SDK's, private in its types). */
export type HardenedX402Members = Omit<HardenedX402, "client">;

/** Is `target` an `x402HTTPClient` (duck-typed)? */
const isHttpClient = (target: Obj): boolean => typeof target.onPaymentRequired === "function" && Boolean(target.client);

/** The installed `@x402/core`'s `x402HTTPClient` class, or `null` (an optional peer). */
async function httpClientClass(): Promise<(new (client: Obj) => Obj) | null> {
  const spec = "@x402/core/client";
  try {
    const m = (await import(spec)) as { x402HTTPClient?: new (client: Obj) => Obj };
    return typeof m.x402HTTPClient === "function" ? m.x402HTTPClient : null;
  } catch {
    return null;
  }
}

/**
 * A payment payload that throws `err` on first use (its `then` is undefined,
 * so it can be awaited): what the hardened `createPaymentPayload` answers a
 * refusal with, so the coded error leaves `wrapFetchWithPayment` as it is.
 */
function refusalPayload(err: X402GuardError): Json {
  const fail = (): never => {
    throw err;
  };
  return new Proxy<Json>({}, {
    get: (_t, key) => (key === "then" ? undefined : fail()),
    has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail, set: fail, deleteProperty: fail, defineProperty: fail,
    getPrototypeOf: fail, setPrototypeOf: fail, isExtensible: fail, preventExtensions: fail,
  });
}

/**
 * Hooks the guard into an `x402HTTPClient` (whose `.client` gets the payment
 * hooks), or an `x402Client`, and returns the hardened `x402HTTPClient`:
 * `wrapFetchWithPayment(fetch, await hardenX402Client(new x402HTTPClient(client), options))`.
 * A refusal throws the coded error; see the module notes.
 */
export async function hardenX402Client<C extends X402HTTPClientLike>(target: C, options?: HardenOptions): Promise<C & HardenedX402Members>;
/** Given an `x402Client`: the hardened `x402HTTPClient` over it (typed loosely: pass an `x402HTTPClient` for the SDK's types). */
export async function hardenX402Client(target: Obj, options?: HardenOptions): Promise<HardenedX402>;
export async function hardenX402Client(target: Obj, options: HardenOptions = {}): Promise<HardenedX402> {
  const isHttp = isHttpClient(target);
  const client = (isHttp ? target.client : target) as Obj;
  takeOverSpendControls(client, options.sdkSpendControls ?? "off");
  const Http = isHttp ? null : await httpClientClass();
  const httpClient: Obj | null = isHttp ? target : Http ? new Http(client) : null;
  const guard = options.guard ?? (await PaymentGuard.create(options));
  const hooks = client as X402ClientHooks;
  const httpHooks = httpClient as X402HTTPClientHooks | null;
  const unobservedAfter = options.unobservedAfterMs ?? 60_000;
  const urls = new WeakMap<object, string>();
  /** The requests the wrapper saw answered 402: URL -> method and identity (at most 1024 kept). */
  const requests = new Map<string, { method: string } & RequestIdentity>();
  let lastUrl: string | null = null;
  /** Requests the wrapper saw redirected to a 402: asked URL -> the URL that answered (at most 1024 kept). */
  const redirected = new Map<string, string>();
  const byContext = new WeakMap<object, Pending>();
  /** paymentRequired object -> the payment id of its purchase (for the client's retries with the same object). */
  const purchases = new WeakMap<object, string>();
  const waiting = new Map<string, Pending>();
  /** The coded errors our hooks threw (the hardened createPaymentPayload answers them with {@link refusalPayload}). */
  const ours = new WeakSet<X402GuardError>();
  const refused = (e: X402GuardError): X402GuardError => (ours.add(e), e);

  /** Takes a signed payment off the waiting list (once). */
  const take = (key: string | null): Pending | undefined => {
    const p = key === null ? undefined : waiting.get(key);
    if (p) {
      waiting.delete(key!);
      clearTimeout(p.timer);
    }
    return p;
  };
  const finish = async (p: Pending, event: DriverEvent): Promise<void> => {
    p.payment = await guard.resume(p.payment, event);
  };
  /** Answers `event` after `unobservedAfter` ms unless the payment moved on. */
  const expire = (p: Pending, event: DriverEvent, still: () => boolean): void => {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => {
      if (still()) finish(p, event).catch(() => {});
    }, unobservedAfter);
    (p.timer as { unref?: () => void }).unref?.();
  };

  // eslint-disable-next-line @typescript-eslint/require-await -- the SDK awaits its hooks
  httpHooks?.onPaymentRequired(async ({ paymentRequired, requestUrl }) => {
    // The URL that answered 402 (after redirects, as the wrapper saw it), not the one the client asked for.
    const real = redirected.get(requestUrl) ?? requestUrl;
    redirected.delete(requestUrl);
    if (paymentRequired && typeof paymentRequired === "object") urls.set(paymentRequired, real);
    lastUrl = real;
  });

  hooks.onBeforePaymentCreation(async (ctx) => {
    const pr = ctx.paymentRequired;
    // The real request URL; unknown (no wrapper or HTTP client saw the 402), the core refuses it: url-invalid.
    const url = urls.get(pr) ?? lastUrl ?? "";
    // Exactly the requirement the client selected.
    const only = JSON.stringify({ ...pr, accepts: [ctx.selectedRequirements] });
    const v2 = pr.x402Version !== 1;
    let payment: Payment;
    try {
      const seen = requests.get(url);
      payment = await guard.begin({ method: seen?.method ?? "GET", requestBodySha256: seen?.requestBodySha256, idempotencyKey: seen?.idempotencyKey,
        url, paymentRequired: v2 ? b64encodeUtf8(only) : null,
        body: v2 ? null : only, reason: options.reason?.() ?? "", purchase: purchases.get(pr) ?? null });
    } catch (e) {
      throw refused(e instanceof X402GuardError ? e : guard.errorOf({ code: "invalid-input" }, e));
    }
    const a = payment.action;
    if (a.do === "done" && a.details?.payment_id) purchases.set(pr, a.details.payment_id);
    // The client aborts (the SDK runs no later hook): nothing is signed.
    if (a.do !== "sign") throw refused(guard.errorOf(a.do === "done" ? a : { code: "invalid-input" }));
    const p: Pending = { payment, key: null };
    byContext.set(pr, p);
    expire(p, { on: "signer-failed" }, () => p.payment.action.do === "sign");
    return undefined;
  });

  hooks.onAfterPaymentCreation(async (ctx) => {
    const p = byContext.get(ctx.paymentRequired);
    if (!p) return;
    clearTimeout(p.timer);
    if (p.payment.action.do === "sign") p.payment = await guard.resume(p.payment, { on: "signed", payload: ctx.paymentPayload });
    const a = p.payment.action;
    if (a.do !== "send") throw refused(guard.errorOf(a.do === "done" ? a : { code: "invalid-input" }));
    const payload = ctx.paymentPayload;
    for (const k of Object.keys(payload)) delete payload[k];
    Object.assign(payload, JSON.parse(b64decodeUtf8(a.header.value)) as Json);
    const ext = payload.extensions as { "payment-identifier"?: { info?: { id?: unknown } } } | undefined;
    const id = ext?.["payment-identifier"]?.info?.id;
    if (typeof id === "string") purchases.set(ctx.paymentRequired, id);
    p.key = wireKey(payload);
    waiting.set(p.key, p);
    expire(p, { on: "unobserved" }, () => take(p.key) !== undefined);
  });

  hooks.onPaymentCreationFailure?.(async (ctx) => {
    const p = byContext.get(ctx.paymentRequired);
    byContext.delete(ctx.paymentRequired);
    clearTimeout(p?.timer);
    if (p?.payment.action.do === "sign") await finish(p, { on: "signer-failed" });
    // Signed, but the client gave up before sending it: nothing left the process.
    else if (p && take(p.key)) await finish(p, { on: "network-error", sent: false });
    return undefined;
  });

  hooks.onPaymentResponse?.(async (ctx) => {
    // The client saw the paid response and no observer reported it.
    const p = take(wireKey(ctx.paymentPayload));
    if (p) await finish(p, { on: "unobserved" });
    return undefined;
  });

  const observeResponse: HardenedX402["observeResponse"] = async ({ status, requestHeaders, responseHeaders }) => {
    const p = take(headerKey(requestHeaders("payment-signature") ?? requestHeaders("x-payment")));
    if (!p) return;
    const settlement = responseHeaders("payment-response") ?? responseHeaders("x-payment-response") ?? null;
    await finish(p, { on: "response", status, settlement });
  };

  const wrap = (base: typeof fetch): typeof fetch => async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const wire = req.headers.get("payment-signature") ?? req.headers.get("x-payment");
    const p = take(headerKey(wire));
    if (!p || p.payment.action.do !== "send") {
      const copy = wire ? null : req.clone();
      const res = await base(req);
      if (wire || res.status !== 402) return res;
      requests.set(res.url || req.url, { method: req.method, ...(await requestIdentity(copy!)) });
      if (requests.size > 1024) requests.delete(requests.keys().next().value!);
      if (!httpClient) lastUrl = res.url || req.url;
      if (res.url && res.url !== req.url) {
        redirected.set(req.url, res.url);
        if (redirected.size > 1024) redirected.delete(redirected.keys().next().value!);
      }
      // The client reads the 402 body as the core's limits say: over the cap or past the deadline it gets it cut (and pays nothing).
      const { max_challenge_bytes: cap, challenge_read_ms: within } = limits();
      const body = await readCapped(res, cap + 1, within);
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    const sent = await sendPaid(base, req, p.payment.action);
    // The driver's verdict and audit line come before the client sees the answer.
    await finish(p, sent.event);
    if (sent.response) return sent.response;
    throw sent.error;
  };

  const extras: HardenedX402 = { guard, client, httpClient, fetch: wrap, observeResponse };
  if (!httpClient) return extras;
  // The hardened client: a refusal is the coded error, every paid response the SDK processes is reported.
  type Create = (pr: Json) => Promise<Json>;
  type Process = (payload: Json, getHeader: (name: string) => string | null | undefined, status: number) => Promise<unknown>;
  const create = (httpClient.createPaymentPayload as Create).bind(httpClient);
  const process = (httpClient.processPaymentResult as Process).bind(httpClient);
  const hardened = httpClient;
  hardened.createPaymentPayload = async (pr: Json): Promise<Json> => {
    try {
      return await create(pr);
    } catch (e) {
      if (e instanceof X402GuardError && ours.has(e)) return refusalPayload(e);
      throw e;
    }
  };
  hardened.processPaymentResult = async (payload: Json, getHeader: (name: string) => string | null | undefined, status: number) => {
    const p = take(wireKey(payload));
    if (p) await finish(p, { on: "response", status, settlement: getHeader("payment-response") ?? getHeader("x-payment-response") ?? null });
    return process(payload, getHeader, status);
  };
  return Object.assign(hardened, { ...extras, httpClient: hardened });
}
