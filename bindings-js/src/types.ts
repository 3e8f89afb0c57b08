/** Shapes of the core's JSON results (see core/src/api_decision.rs). */

/** An audit head: the last line's sequence number and MAC. */
export interface Head {
  seq: number;
  mac: string;
}

/** One metric update computed by the core. */
export interface CoreMetric {
  name: string;
  labels: Record<string, string>;
  /** `null` to increment a counter; a decimal USD string to observe a histogram. */
  observe: string | null;
}

/** The selected offer, with metadata redacted. */
export interface Offer {
  index: number;
  scheme: string;
  network: string;
  network_raw: string;
  amount: string;
  asset: string;
  pay_to: string;
  max_timeout_seconds: number;
  resource_url: string;
  description: string;
  mime_type: string;
  extra: unknown;
}

/** The result of the core's `assess` step. */
export interface Assessment {
  id: number;
  blocked: string | null;
  x402_version: number;
  offer: Offer | null;
  /** The exact requirement to sign (v1: metadata redacted; v2: as offered). */
  requirements: Record<string, unknown> | null;
  metadata: {
    request_url: string;
    resource_url: string;
    description: string;
    reason: string;
    extra: unknown;
    /** The redacted v2 `resource` to echo in the payload (`null` in v1). */
    resource_echo: Record<string, unknown> | null;
  };
  pii_entities: string[];
  pii_count: number;
  amount_usd: string | null;
  limit_usd: string | null;
  current_usd: string | null;
  reservation: unknown;
  fingerprint: string | null;
  replay_ttl_ms: number;
  approval: Record<string, unknown> | null;
  /** The canonical approval request (the webhook POST body), when MPA applies. */
  approval_canonical: string | null;
  pin: [string, string] | null;
  method: string;
  now_ms: number;
}

/** A judged approval vote. */
export interface Vote {
  approver_id: string;
  vote: "approve" | "deny" | "timeout" | "bad";
  code: string | null;
}

/** The result of the core's `finalize` or `settle` step. */
export interface Decision {
  allowed: boolean;
  code: string | null;
  audit_line: string;
  head: Head;
  metrics: CoreMetric[];
  forget_fingerprint: boolean;
  votes?: Vote[];
}

/** What the host knows about one 402 response. */
export interface PaymentContext {
  /** HTTP method of the request being paid for (default GET). */
  method?: string;
  /** The real request URL (not the server's claim). */
  url: string;
  /** The v2 `PAYMENT-REQUIRED` header value, if any. */
  paymentRequired?: string | null;
  /** The 402 body text, if any (v1 challenge). */
  body?: string | null;
  /** The agent's own reason for paying (metadata; scanned for PII). */
  reason?: string;
}

/** A key: raw bytes, or a hex string. */
export type KeyInput = Uint8Array | string;

/** One chain's result from `verifyAuditDir`/`verifyAuditChains` (the core's `audit.verify-chains`). */
export interface ChainReport {
  /** The file name (e.g. `pod-a.jsonl`). */
  name: string;
  ok: boolean;
  /** The replica named by the chain's lines (`null` when none). */
  replica: string | null;
  /** The chain's head when it verified. */
  head: Head | null;
  /** The failure code (`audit-bad-mac`, `audit-replica-duplicate`, …). */
  code: string | null;
  /** 1-based line of the failure. */
  line: number | null;
  /** The failing line's seq, when it could be read. */
  seq: number | null;
}

/** The result of `verifyAuditDir`/`verifyAuditChains`: `ok` when every chain verified. */
export interface ChainsReport {
  ok: boolean;
  chains: ChainReport[];
}
