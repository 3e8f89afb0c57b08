/**
 * Webhook approvers: I/O only. The core builds the canonical approval
 * request, decides which addresses are allowed and judges every answer
 * (status, body, `X-MPA-HMAC`, request id). This module posts, times out,
 * caps the body and never follows redirects.
 */

/** Resolves a host name to IP addresses (Node: `dns.promises.lookup`). */
export type Resolver = (host: string) => Promise<string[]>;

/** What the host collects for the core's `finalize`. */
export interface ApprovalEvidence {
  signatures: [string, string][];
  webhooks: { approver_id: string; status: number; body_hex: string; hmac: string | null; timed_out: boolean }[];
}

export interface ApprovalOptions {
  /** Countersignatures of `crypto` approvers for one request: `[approver_id, hex]` pairs. */
  countersign?: (request: { canonical: string; request: Record<string, unknown> }) => Promise<[string, string][]> | [string, string][];
  /** The fetch used for webhooks (default: global fetch). */
  fetch?: typeof fetch;
  /** Host-name resolver; when absent only IP literals and `localhost` are checked. */
  resolve?: Resolver;
  /** Bytes read from a webhook answer before it is cut (the core refuses > 4096). */
  maxResponseBytes?: number;
}

/** The guard's MPA settings, as the core summarises them (no secrets). */
export interface MpaSummary {
  threshold: number;
  timeout_ms: number;
  allow_private_webhooks: boolean;
  approvers: { approver_id: string; mode: "webhook" | "crypto"; webhook_url: string | null; has_secret: boolean }[];
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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lowercase hex of bytes. */
export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

/** Reads at most `cap` bytes of a body, then stops reading. */
export async function readCapped(res: Response, cap: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  try {
    while (n < cap) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      n += value.length;
    }
  } finally {
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

/**
 * Asks one webhook approver. A refused address, a redirect or a transport
 * error is reported as a non-2xx answer (the core counts it as a denial); a
 * timeout as `timed_out`.
 */
async function askWebhook(
  id: string,
  url: string,
  canonical: string,
  timeoutMs: number,
  addressAllowed: (addr: string) => boolean,
  opts: ApprovalOptions,
): Promise<ApprovalEvidence["webhooks"][number]> {
  const refused = { approver_id: id, status: 0, body_hex: "", hmac: null, timed_out: false };
  const host = hostOf(url);
  if (host === null) return refused;
  let addresses: string[];
  let pinTo: string | null = null;
  if (IP_LITERAL.test(host) || /(^|\.)localhost\.?$/i.test(host)) {
    addresses = [host];
  } else if (opts.resolve ?? defaultResolve) {
    try {
      addresses = await (opts.resolve ?? defaultResolve)!(host);
    } catch {
      return refused;
    }
    if (addresses.length === 0) return refused;
    pinTo = addresses[0] ?? null;
    addresses.push(host);
  } else {
    addresses = [host];
  }
  if (!addresses.every(addressAllowed)) return refused;
  // Post to the address just checked (Node), not to a fresh resolution of the name.
  const post: typeof fetch = opts.fetch ?? (pinTo !== null && defaultPinned ? defaultPinned(pinTo) : fetch);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await post(url, {
      method: "POST",
      body: canonical,
      headers: { "content-type": "application/json" },
      redirect: "manual",
      signal: ctrl.signal,
    });
    const body = await readCapped(res, (opts.maxResponseBytes ?? 4096) + 1);
    return { approver_id: id, status: res.status, body_hex: toHex(body), hmac: res.headers.get("x-mpa-hmac"), timed_out: false };
  } catch {
    if (ctrl.signal.aborted) return { ...refused, timed_out: true };
    return refused;
  } finally {
    clearTimeout(timer);
  }
}

/** Collects every approver's raw evidence, in parallel, for the core to judge. */
export async function collectApprovals(
  summary: MpaSummary,
  canonical: string,
  request: Record<string, unknown>,
  addressAllowed: (addr: string) => boolean,
  opts: ApprovalOptions,
): Promise<ApprovalEvidence> {
  const hooks = summary.approvers.filter((a) => a.mode === "webhook" && a.webhook_url);
  const [webhooks, signatures] = await Promise.all([
    Promise.all(hooks.map((a) => askWebhook(a.approver_id, a.webhook_url!, canonical, summary.timeout_ms, addressAllowed, opts))),
    (async () => (opts.countersign ? await opts.countersign({ canonical, request }) : []))().catch(() => [] as [string, string][]),
  ]);
  return { signatures, webhooks };
}
