/** Shapes of the core's JSON results (see core/src/facade/views.rs). */
import type { ErrorFamily } from "./errors.js";

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
  /** The requirement to sign (and send as v2 `accepted`): payment fields as offered, every other field and key redacted. */
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
  /** Or the 402 body as the bytes read (the core decodes them with `contentType`). */
  bodyBytes?: Uint8Array | null;
  /** The 402's `Content-Type` header. */
  contentType?: string | null;
  /** The agent's own reason for paying (metadata; scanned for PII). */
  reason?: string;
  /** SHA-256 (64 hex) of the paid request's body, when it has one: part of the purchase's identity (core/src/replay.rs). */
  requestBodySha256?: string | null;
  /** The caller's idempotency key (the request's `Idempotency-Key` header): another key is another purchase. */
  idempotencyKey?: string | null;
  /** The payment id of an earlier attempt of the same purchase (its `done.details.payment_id`), when this is a retry of it: reused, or the payment is refused with `payment-id-mismatch` (see the README's payment-identifier section). */
  purchase?: string | null;
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
  /** The stored head of its replica, when heads were given and it has one. */
  stored_head: Head | null;
  /**
   * `equal` (the chain ends at its stored head), `ahead` (`past_head` lines
   * past it: the head is saved after its line) or `unchecked` (no stored
   * head, or the chain failed).
   */
  head_check: "equal" | "ahead" | "unchecked";
  /** Lines past the stored head (`null` when unchecked). */
  past_head: number | null;
}

/** A replica with a stored head whose lines no chain holds (a deleted or emptied log). */
export interface MissingLog {
  replica: string;
  stored_head: Head;
  /** `audit-log-missing`. */
  code: string;
}

/** The result of `verifyAuditDir`/`verifyAuditChains`: `ok` when every chain verified and no log is missing. */
export interface ChainsReport {
  ok: boolean;
  chains: ChainReport[];
  /** Replicas whose stored head no chain holds. */
  missing: MissingLog[];
  /** True only when stored heads were given and every non-empty chain was compared with one. */
  truncation_checked: boolean;
}

// ---- the payment driver (core/src/driver: events in, actions out) ----------

/** How the host keeps state and writes its audit log (given once, to the {@link Driver} constructor). */
export interface DriverProfile {
  /** The store may be changed by other processes: every state change is a compare-and-set transaction. */
  shared?: boolean;
  /** The replica's audit head is kept in the store (`load-head` / `save-head`). */
  keep_head?: boolean;
  /** The audit sink can read its own last head back (a file log). */
  log_reads_back?: boolean;
  /**
   * The store's compare-and-set can set a fingerprint in the same atomic step (a `casState`; default true).
   * When false the driver asks for the fingerprint with `replay-set` after the reservation is stored.
   */
  cas_fingerprint?: boolean;
  /**
   * The store's compare-and-set can save an audit head in the same atomic step (a `casState`
   * with a head; `GuardStore.casHead`; default false). When true, with `shared`, `keep_head`
   * and `log_reads_back`, the driver lets a confirmed line's head ride with a `cas-state`
   * (its `save_head`) instead of its own `save-head`.
   */
  cas_head?: boolean;
}

/** A host PII detector's finding (`pii_mode="nlp"`), passed to the core as a hint. */
export interface PiiHint {
  entity_type: string;
  text: string;
  /** Confidence in thousandths (0..=1000). */
  score: number;
}

/** A request that got a 402: what starts a payment (`Driver.begin`). */
export interface DriverBegin {
  /** HTTP method (default GET). */
  method?: string;
  /** The real request URL, as the host's client sent it. */
  url: string;
  /** The v2 `PAYMENT-REQUIRED` header, if any. */
  payment_required?: string | null;
  /** The 402 body as text, if any (at most one of `body`, `body_bytes`, `body_base64`). */
  body?: string | null;
  /** The 402 body as the bytes read (at most `limits().max_challenge_bytes` + 1), decoded by the core. */
  body_bytes?: Uint8Array | null;
  /** The same bytes as standard base64 (the JSON form). */
  body_base64?: string | null;
  /** The 402's `Content-Type` (its `charset` decides the core's decoding). */
  content_type?: string | null;
  /** The agent's reason for paying. */
  reason?: string;
  /** SHA-256 (64 hex) of the request's body, when it has one (part of the purchase's identity: core/src/replay.rs). */
  request_body_sha256?: string | null;
  /** The caller's idempotency key (the request's `Idempotency-Key` header), if any. */
  idempotency_key?: string | null;
  /** Host detector PII hints. */
  hints?: PiiHint[] | null;
  /** Seed of the backoff jitter and of a new payment id (a safe integer). */
  seed?: number;
  /** The payment id of an earlier attempt of the same purchase, when this is a retry of it. */
  purchase?: string | null;
  /** The host has a tracer: `done` carries the payment's span plan (`done.spans`); without it the core builds none. */
  spans?: boolean;
}

/** The start of a task (`Driver.open` / `Driver.begin`): its id (0 when it is already over) and first actions. */
export interface DriverStart {
  id: number;
  actions: DriverAction[];
}

/** How the paid request was judged. */
export type DriverSettlement = "settled" | "unknown" | "failed-after-send" | "failed";

/** The `details` of a `done` action. */
export interface DriverDoneDetails {
  amount_usd?: string | null;
  limit_usd?: string | null;
  current_usd?: string | null;
  fingerprint?: string | null;
  /** The x402 `payment-identifier` id of the purchase, when the server declared the extension (pass it as `purchase` to retry the same purchase). */
  payment_id?: string;
  pii_entities?: string[];
  /** Approvals counted, when multi-party approval applied. */
  approvals?: number | null;
  /** Why the driver refused on its own (`head-not-in-log`, `replica-head-conflict`, …). */
  reason?: string;
  /** A policy reload: the hex SHA-256 of the policy's RFC 8785 form (also in its audit line). */
  policy_sha256?: string;
  /** A refused policy reload: every configuration problem with its path. */
  errors?: { path: string; code: string }[];
}

/** What the sign action asks the signer to sign. */
export interface DriverSignAction {
  do: "sign";
  x402_version: number;
  /** The requirement to sign: payment fields as offered, every other field and key redacted. */
  requirements: Record<string, unknown> | null;
  network: string | null;
  network_raw: string | null;
  /** Atomic amount (decimal string). */
  amount: string | null;
  asset: string | null;
  pay_to: string | null;
  scheme: string | null;
  amount_usd: string | null;
  metadata: { request_url: string; resource_url: string; description: string; reason: string; extra: unknown };
  /** The redacted v2 `resource` to echo in the payload (`null` in v1). */
  resource: Record<string, unknown> | null;
}

/** What the send action asks the host to send: exactly this request, redirects not followed. */
export interface DriverSendAction {
  do: "send";
  method: string;
  url: string;
  /** The payment header (`X-PAYMENT` in v1, `PAYMENT-SIGNATURE` in v2) with its base64 value. */
  header: { name: string; value: string };
  redirect: "manual";
}

/** The last action of a task: the verdict, its code and family, the settlement and the metric updates. */
/** One span of a payment's span plan (`done.spans`: the root first, then one per control; see the README's OpenTelemetry section). */
export interface SpanPlan {
  name: string;
  start_ms: number;
  end_ms: number;
  error: boolean;
  attributes: Record<string, string | number | boolean>;
}

export interface DriverDoneAction {
  do: "done";
  allowed: boolean;
  code: string | null;
  /** The code's exception family (the core's error table). */
  family: ErrorFamily | null;
  settlement: DriverSettlement | null;
  metrics: CoreMetric[];
  details: DriverDoneDetails;
  audit_line: string | null;
  /** A payment's OpenTelemetry span plan (absent for the start-up and reloads). */
  spans?: SpanPlan[];
  /**
   * Present when the audit head is not saved in the store yet (heads riding
   * the compare-and-sets): the guard flushes it after this many quiet
   * milliseconds, or at `close()` (core `Driver::flush`).
   */
  unsaved_head_ms?: number;
}

/**
 * What a person is asked to approve (the `ask-human` action's `prompt`): the
 * approval request's fields plus the redacted description, the token symbol
 * and the amount in whole tokens, all built by the core (see the README's
 * "Human approval"). Amounts are exact decimal strings.
 */
export interface HumanPrompt {
  /** The approval request's id. */
  request_id: string;
  /** When the approval request expires (epoch ms). */
  expires_at_ms: number;
  /** The request URL, credentials masked and PII redacted. */
  resource_url: string;
  /** The HTTP method. */
  method: string;
  /** The CAIP-2 network. */
  network: string;
  /** The token contract or mint. */
  asset: string;
  /** The payee. */
  pay_to: string;
  /** The amount in atomic token units. */
  amount: string;
  /** The payment's value in USD. */
  amount_usd: string;
  /** The x402 scheme. */
  scheme: string;
  /** The configured agent id. */
  agent_id: string | null;
  /** The purchase's replay fingerprint. */
  fingerprint: string;
  /** The offer's description, redacted (at most 4 KiB, as the core parsed it). */
  description: string;
  /** The token's symbol from the trusted asset table (null when unknown). */
  symbol: string | null;
  /** The amount in whole tokens, exact (null without known decimals). */
  token_amount: string | null;
}

/** A person's answer to a prompt, as the host reports it (`unavailable`: no prompt could be shown). */
export type HumanVote = "approve" | "deny" | "timeout" | "unavailable";

/**
 * An audit head riding with a `cas-state` (its `save_head` member): the
 * store saves it in the same atomic step, only when the replica's stored seq
 * (0 when none) is `prev_seq` (the same three fields as the `save-head` action).
 */
export interface DriverSaveHead {
  /** The replica whose head it is (`"-"` for a guard without `replica_id`). */
  replica: string;
  /** The head to save. */
  head: Head;
  /** The seq the store must hold for the head to be saved. */
  prev_seq: number;
}

/**
 * Something the driver asks the host to do; a crossing's actions are
 * performed in order (see the grammar in the core's `driver` module docs).
 */
export type DriverAction =
  | { do: "load-head"; replica: string; from_store: boolean }
  | { do: "load-state" }
  | { do: "cas-state"; state: string; version: string; fingerprint?: string; ttl_ms?: number; save_head?: DriverSaveHead }
  | { do: "replay-set"; fingerprint: string; ttl_ms: number }
  | { do: "replay-forget"; fingerprint: string }
  | { do: "post-webhook"; approver_id: string; url: string; body: string; headers: Record<string, string>; deadline_ms: number }
  | { do: "ask-human"; approver_id: string; prompt: HumanPrompt; deadline_ms: number }
  | { do: "countersign"; request: string; request_json: Record<string, unknown>; deadline_ms: number }
  | { do: "audit"; line: string; head: Head }
  | { do: "save-head"; replica: string; head: Head; prev_seq: number }
  | DriverSignAction
  | DriverSendAction
  | { do: "sleep"; until_ms: number }
  | { do: "alert"; url: string; body: string; headers: Record<string, string> }
  | DriverDoneAction;

/** Something the host reports to the driver (one answer per action that needs one). */
export type DriverEvent =
  | { on: "state"; state: string | null; version: string }
  | { on: "cas"; won: boolean; fresh?: boolean; head_saved?: boolean; state?: string | null; version?: string }
  | { on: "store-error" }
  | { on: "replay"; fresh: boolean }
  | { on: "head"; stored?: Head | null; log?: Head | null }
  | { on: "head-save-failed" }
  | { on: "audit-failed" }
  | { on: "webhook"; approver_id: string; status: number; body?: string; hmac?: string | null; timed_out?: boolean; at_ms?: number }
  | { on: "countersignatures"; signatures: [string, string][]; at_ms?: number }
  | { on: "human"; approver_id: string; vote: HumanVote; at_ms?: number }
  | { on: "signed"; payload: Record<string, unknown> }
  | { on: "signer-failed" }
  | { on: "response"; status: number; settlement?: string | null }
  | { on: "network-error"; sent: boolean }
  | { on: "unobserved" }
  | { on: "wake" };

/** The kinds of {@link DriverAction}. */
export type DriverActionKind = DriverAction["do"];
/** The kinds of {@link DriverEvent}. */
export type DriverEventKind = DriverEvent["on"];
