/**
 * Webhook approvers and countersigners: I/O only. The driver's
 * `post-webhook` action carries the URL, the canonical approval request, its
 * headers (with `x-mpa-request-id`) and the deadline; its `countersign`
 * action the request and the deadline. The core decides which addresses are
 * allowed and judges every answer (status, body, `X-MPA-HMAC`, request id).
 * This module resolves, checks, posts, never follows redirects, caps the
 * body and stops at the deadline.
 */
import type { DriverAction, DriverEvent, HumanPrompt } from "./types.js";

/** Resolves a host name to IP addresses (Node: `dns.promises.lookup`). */
export type Resolver = (host: string) => Promise<string[]>;

export interface ApprovalOptions {
  /** Countersignatures of `crypto` approvers for one request: `[approver_id, hex]` pairs. */
  countersign?: (request: { canonical: string; request: Record<string, unknown> }) => Promise<[string, string][]> | [string, string][];
  /** The fetch used for webhooks (default: global fetch). */
  fetch?: typeof fetch;
  /** Host-name resolver; when absent only IP literals and `localhost` are checked. */
  resolve?: Resolver;
  /** Bytes read from a webhook answer before it is cut (the core refuses > 4096). */
  maxResponseBytes?: number;
  /**
   * Asks a person (a `human` approver) to approve a payment: show `prompt`
   * (built and redacted by the core) until `deadlineMs`, then resolve with
   * `"approve"` (or `true`); anything else is a denial. `signal` aborts at the
   * deadline (close the prompt then: the answer no longer counts). Without it,
   * a human approver is answered `unavailable` and the payment is refused with
   * `mpa-human-unavailable` (unless the other approvers suffice).
   */
  onHumanApproval?: (ask: HumanApprovalRequest) => Promise<"approve" | "deny" | boolean> | "approve" | "deny" | boolean;
}

/** What {@link ApprovalOptions.onHumanApproval} is given. */
export interface HumanApprovalRequest {
  /** The configured approver being asked. */
  approverId: string;
  /** What to show. */
  prompt: HumanPrompt;
  /** Answers after this instant (epoch ms, the guard's clock) count as timeouts. */
  deadlineMs: number;
  /** Aborted at the deadline. */
  signal: AbortSignal;
}

let defaultResolve: Resolver | undefined;
let defaultPinned: ((address: string) => typeof fetch) | undefined;

/**
 * Sets how a webhook is posted to the address that was checked (the Node entry
 * connects to that address, so a second DNS answer cannot redirect the POST:
 * no DNS rebinding between the check and the request).
 */
export function setDefaultPinnedFetch(p: ((address: string) => typeof fetch) | undefined): void {
  defaultPinned = p;
}

/** Sets the resolver used when the options give none (the Node entry sets DNS). */
export function setDefaultResolver(r: Resolver | undefined): void {
  defaultResolve = r;
}

/** Reads at most `cap` bytes of a body, then stops reading; after `withinMs`, stops and gives what it read. */
export async function readCapped(res: Response, cap: number, withinMs = Infinity): Promise<Uint8Array<ArrayBuffer>> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    if (Number.isFinite(withinMs)) timer = setTimeout(() => resolve(null), Math.max(0, withinMs));
  });
  try {
    while (n < cap) {
      const next = await Promise.race([reader.read(), late]);
      if (next === null || next.done) break;
      chunks.push(next.value);
      n += next.value.length;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  const out = new Uint8Array(Math.min(n, cap));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, out.length - at);
    out.set(c.subarray(0, take), at);
    at += take;
    if (at >= out.length) break;
  }
  return out;
}

function hostOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

const IP_LITERAL = /^(\d+\.\d+\.\d+\.\d+|[0-9a-f:.]*:[0-9a-f:.]*)$/i;

type PostWebhook = Extract<DriverAction, { do: "post-webhook" }>;
type Countersign = Extract<DriverAction, { do: "countersign" }>;
type AskHuman = Extract<DriverAction, { do: "ask-human" }>;

/** A timer that resolves with `value` at `deadlineMs` on `clock`; `clear()` stops it. */
function at<T>(deadlineMs: number, clock: () => number, value: () => T): { done: Promise<T>; clear: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<T>((r) => {
    timer = setTimeout(() => r(value()), Math.max(0, deadlineMs - clock()));
  });
  return { done, clear: () => clearTimeout(timer) };
}

/**
 * Performs a `post-webhook` action: the answer's status, capped body and
 * `X-MPA-HMAC`. A refused address, a transport error or a redirect is
 * reported as it is (status 0, or the 3xx) for the core to judge; no answer
 * by the action's deadline is `timed_out`. An answer carries its arrival time
 * (`at_ms`): the driver counts it only if it arrived by the deadline.
 */
export async function postWebhook(a: PostWebhook, addressAllowed: (addr: string) => boolean, opts: ApprovalOptions,
  clock: () => number): Promise<DriverEvent> {
  const refused = { on: "webhook" as const, approver_id: a.approver_id, status: 0, body: "", hmac: null, timed_out: false };
  const ctrl = new AbortController();
  const late = at(a.deadline_ms, clock, () => {
    ctrl.abort();
    return { ...refused, timed_out: true };
  });
  const ask = async (): Promise<DriverEvent> => {
    const host = hostOf(a.url);
    if (host === null) return refused;
    const resolve = opts.resolve ?? defaultResolve;
    let addresses = [host];
    let pinTo: string | null = null;
    if (!IP_LITERAL.test(host) && !/(^|\.)localhost\.?$/i.test(host) && resolve) {
      addresses = await resolve(host);
      if (addresses.length === 0) return refused;
      pinTo = addresses[0] ?? null;
      addresses.push(host);
    }
    if (!addresses.every(addressAllowed)) return refused;
    // Post to the address just checked (Node), not to a fresh resolution of the name.
    const post: typeof fetch = opts.fetch ?? (pinTo !== null && defaultPinned ? defaultPinned(pinTo) : fetch);
    const res = await post(a.url, { method: "POST", body: a.body, headers: a.headers, redirect: "manual", signal: ctrl.signal });
    const body = await readCapped(res, (opts.maxResponseBytes ?? 4096) + 1);
    return { ...refused, status: res.status, body: new TextDecoder().decode(body), hmac: res.headers.get("x-mpa-hmac"), at_ms: clock() };
  };
  try {
    return await Promise.race([ask().catch(() => refused), late.done]);
  } finally {
    late.clear();
  }
}

/**
 * Performs a `countersign` action: the pairs `[approver_id, hex]` (or
 * pre-approval tokens) from `approvals.countersign`; none when there is no
 * callback, it fails, or it has not answered by the action's deadline.
 */
export async function countersign(a: Countersign, opts: ApprovalOptions, clock: () => number): Promise<DriverEvent> {
  const none: DriverEvent = { on: "countersignatures", signatures: [] };
  const cb = opts.countersign;
  if (!cb) return none;
  const late = at(a.deadline_ms, clock, () => null);
  try {
    const got = await Promise.race([Promise.resolve().then(() => cb({ canonical: a.request, request: a.request_json })), late.done]);
    const pairs = Array.isArray(got) ? got.filter((p) => Array.isArray(p) && p.length === 2 && p.every((s) => typeof s === "string")) : [];
    return { on: "countersignatures", signatures: pairs, at_ms: clock() };
  } catch {
    return none;
  } finally {
    late.clear();
  }
}

/**
 * Performs an `ask-human` action: the person's vote from
 * `approvals.onHumanApproval`, with its arrival time; `timeout` when no answer
 * came by the deadline; `unavailable` when there is no callback or it failed
 * (the core judges each).
 */
export async function askHuman(a: AskHuman, opts: ApprovalOptions, clock: () => number): Promise<DriverEvent> {
  const base = { on: "human" as const, approver_id: a.approver_id };
  const cb = opts.onHumanApproval;
  if (!cb) return { ...base, vote: "unavailable" };
  const ctrl = new AbortController();
  const late = at(a.deadline_ms, clock, () => {
    ctrl.abort();
    return null;
  });
  try {
    const got = await Promise.race([
      Promise.resolve().then(() => cb({ approverId: a.approver_id, prompt: a.prompt, deadlineMs: a.deadline_ms, signal: ctrl.signal })),
      late.done,
    ]);
    if (got === null) return { ...base, vote: "timeout" };
    return { ...base, vote: got === true || got === "approve" ? "approve" : "deny", at_ms: clock() };
  } catch {
    return { ...base, vote: "unavailable" };
  } finally {
    late.clear();
  }
}
