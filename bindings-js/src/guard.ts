/**
 * `PaymentGuard`: the host side of one guard. It reads the clock, keeps
 * state in a store, writes audit lines, posts approval webhooks and exports
 * metrics. Every decision comes from the core:
 *
 * 1. `assess` (core) → 2. replay check-and-set and approvals (I/O here) →
 * 3. `finalize` (core) → sign and send (caller) → 4. `settle` (core).
 */
import { wasm, mapError, describe, randomBytes } from "./core.js";
import { errorFor, X402GuardError, PolicyConfigError } from "./errors.js";
import { MemoryStore, type GuardStore } from "./stores.js";
import type { AuditSink } from "./audit.js";
import type { MetricsSink } from "./metrics.js";
import { collectApprovals, type ApprovalEvidence, type ApprovalOptions, type MpaSummary } from "./approvals.js";
import type { Assessment, Decision, Head, KeyInput, PaymentContext } from "./types.js";

export interface GuardOptions {
  /** Guard configuration (object or JSON text); validated by the core. */
  config?: Record<string, unknown> | string;
  /** HMAC key of replay fingerprints (≥ 32 bytes recommended). */
  replayKey?: KeyInput;
  /** HMAC key of the audit chain. Keep it: a random one makes the log unverifiable after a restart. */
  auditKey?: KeyInput;
  /** State, replay set and audit head (default: a new MemoryStore). */
  store?: GuardStore;
  /** Audit sink, or a callback receiving each line. */
  audit?: AuditSink | ((line: string) => void | Promise<void>);
  /** Metrics exporter (see `createPromMetrics`). */
  metrics?: MetricsSink;
  /** Clock in milliseconds (default `Date.now`). */
  clock?: () => number;
  /** Webhook and countersignature settings for multi-party approval. */
  approvals?: ApprovalOptions;
  /** Where warnings go (default `console.warn`). Never receives URLs, metadata or keys. */
  warn?: (message: string) => void;
}

/** The outcome of {@link PaymentGuard.decide}. */
export interface Verdict {
  allowed: boolean;
  code: string | null;
  assessment: Assessment;
  decision: Decision;
}

/** Failure outcomes the host may report to `settle`. */
export type SettleOutcome = "settled" | "signer-failed" | "settlement-failed";

function hexToBytes(s: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new X402GuardError("invalid-input", "invalid-input: a key must be bytes or hex");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Holds a key so that it never shows in logs, JSON or `util.inspect`. */
class Secret {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  bytes(): Uint8Array {
    return this.#bytes;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[secret]";
  }
}

/** One configured guard. Create with {@link PaymentGuard.create}. */
export class PaymentGuard {
  readonly #core: wasm.Guard;
  readonly #replayKey: Secret;
  readonly #auditKey: Secret;
  readonly #store: GuardStore;
  readonly #sink: AuditSink | undefined;
  readonly #metrics: MetricsSink | undefined;
  readonly #clock: () => number;
  readonly #approvals: ApprovalOptions;
  readonly #mpa: MpaSummary | null;
  #head: Head | null;
  #io: Promise<void> = Promise.resolve();
  #ioError: unknown = null;

  private constructor(core: wasm.Guard, opts: GuardOptions, head: Head | null, keys: [Secret, Secret]) {
    this.#core = core;
    [this.#replayKey, this.#auditKey] = keys;
    this.#store = opts.store ?? new MemoryStore();
    this.#sink = typeof opts.audit === "function" ? { write: opts.audit } : opts.audit;
    this.#metrics = opts.metrics;
    this.#clock = opts.clock ?? Date.now;
    this.#approvals = opts.approvals ?? {};
    this.#mpa = JSON.parse(core.mpaSummary()) as MpaSummary | null;
    this.#head = head;
  }

  /** Validates the configuration (every error with its path), loads state and the audit head. */
  static async create(opts: GuardOptions = {}): Promise<PaymentGuard> {
    const warn = opts.warn ?? ((m: string) => console.warn(m));
    const text = typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config ?? {});
    let core: wasm.Guard;
    try {
      core = new wasm.Guard(text);
    } catch (e) {
      throw mapError(e);
    }
    const key = (k: KeyInput | undefined, what: string): Secret => {
      if (k === undefined) {
        warn(`presidio-hardened-x402: no ${what} configured; using a random per-process key. ` +
          (what === "auditKey" ? "The audit log will NOT verify after a restart." : "Replays across restarts will not be detected."));
        return new Secret(randomBytes(32));
      }
      return new Secret(typeof k === "string" ? hexToBytes(k) : k.slice());
    };
    const keys: [Secret, Secret] = [key(opts.replayKey, "replayKey"), key(opts.auditKey, "auditKey")];
    const store = opts.store ?? new MemoryStore();
    const sink = typeof opts.audit === "function" ? undefined : opts.audit;
    let head: Head | null;
    try {
      const state = await store.loadState();
      if (state) core.loadStateJson(state);
      head = (await sink?.head?.()) ?? (await store.loadHead());
    } catch (e) {
      if (e instanceof X402GuardError) throw e;
      const err = mapError(e);
      throw err.code === "invalid-input" ? new X402GuardError("store-unavailable", "store-unavailable: " + describe("store-unavailable"), { cause: e }) : err;
    }
    return new PaymentGuard(core, { ...opts, store }, head, keys);
  }

  /** The store in use. */
  get store(): GuardStore {
    return this.#store;
  }

  /** The current audit head. */
  get head(): Head | null {
    return this.#head ? { ...this.#head } : null;
  }

  /** Redacts a text with this guard's PII settings. */
  redact(text: string): { text: string; count: number; entities: string[] } {
    try {
      return JSON.parse(this.#core.redact(text));
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Whether the core allows a webhook to `address` (an IP literal or host). */
  webhookAddressAllowed(address: string): boolean {
    return this.#core.webhookAddressAllowed(address);
  }

  /** The state blob (for inspection or manual persistence). */
  stateJson(): string {
    return this.#core.stateJson();
  }

  /** Step 1 only: the core's assessment (reserves spend when it passes). */
  assess(ctx: PaymentContext, now = this.#clock()): Assessment {
    try {
      return JSON.parse(
        this.#core.assess(ctx.method ?? "GET", ctx.url, ctx.paymentRequired ?? undefined, ctx.body ?? undefined, ctx.reason ?? "", now, this.#replayKey.bytes()),
      ) as Assessment;
    } catch (e) {
      throw mapError(e);
    }
  }

  /**
   * Steps 1–3: assess, then the replay store and approvals, then the core's
   * verdict. The audit line is written (and flushed) before this returns.
   */
  async decide(ctx: PaymentContext): Promise<Verdict> {
    const a = this.assess(ctx);
    let fresh: boolean | undefined;
    let evidence: ApprovalEvidence | null = null;
    if (a.blocked === null && a.fingerprint !== null) {
      try {
        fresh = await this.#store.checkAndSet(a.fingerprint, a.replay_ttl_ms, this.#clock());
      } catch {
        fresh = undefined;
      }
      if (fresh && a.approval && a.approval_canonical && this.#mpa) {
        // Answers must arrive before the request expires (the core refuses a lapsed request).
        const expires = Number(a.approval.expires_at_ms);
        const budget = Math.max(0, Math.min(this.#mpa.timeout_ms, expires - this.#clock() - 100));
        evidence = await collectApprovals({ ...this.#mpa, timeout_ms: budget }, a.approval_canonical, a.approval,
          (addr) => this.#core.webhookAddressAllowed(addr), this.#approvals);
      }
    }
    const d = this.#finalize(a.id, fresh, evidence);
    if (d.forget_fingerprint && a.fingerprint) await this.#store.forget(a.fingerprint).catch(() => {});
    await this.#commit(d);
    return { allowed: d.allowed, code: d.code, assessment: a, decision: d };
  }

  /** Like {@link decide}, but throws the coded error when the payment is refused. */
  async check(ctx: PaymentContext): Promise<Verdict> {
    const v = await this.decide(ctx);
    if (!v.allowed) throw this.errorOf(v);
    return v;
  }

  /** The error for a refused verdict. */
  errorOf(v: { code: string | null; decision?: Decision }): X402GuardError {
    const code = v.code ?? "invalid-input";
    return errorFor(code, describe(code), v.decision ? { auditLine: v.decision.audit_line } : undefined);
  }

  #finalize(id: number, fresh: boolean | undefined, evidence: ApprovalEvidence | null): Decision {
    const h = this.#head;
    try {
      const d = JSON.parse(
        this.#core.finalize(id, fresh, evidence ? JSON.stringify(evidence) : "", this.#auditKey.bytes(), h?.seq, h?.mac, this.#clock()),
      ) as Decision;
      this.#head = d.head;
      return d;
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Step 4: after the paid request. Commits or releases the reservation and audits it. */
  async settle(id: number, outcome: SettleOutcome, fingerprint?: string | null): Promise<Decision> {
    const h = this.#head;
    let d: Decision;
    try {
      d = JSON.parse(this.#core.settle(id, outcome, this.#auditKey.bytes(), h?.seq, h?.mac, this.#clock())) as Decision;
    } catch (e) {
      throw mapError(e);
    }
    this.#head = d.head;
    if (d.forget_fingerprint && fingerprint) await this.#store.forget(fingerprint).catch(() => {});
    await this.#commit(d);
    return d;
  }

  /** Writes the audit line, the head and the state, in decision order. */
  #commit(d: Decision): Promise<void> {
    this.#metrics?.record(d.metrics);
    const state = this.#store.persistent ? this.#core.stateJson() : null;
    const head = d.head;
    const step = this.#io.then(async () => {
      await this.#sink?.write(d.audit_line);
      await this.#store.saveHead(head);
      if (state !== null) await this.#store.saveState(state);
    });
    this.#io = step.catch((e) => {
      this.#ioError = e;
    });
    return step.catch((e) => {
      throw new X402GuardError("store-unavailable", "store-unavailable: " + describe("store-unavailable"), { cause: e });
    });
  }

  /** Waits for pending writes and closes the store and sink. */
  async close(): Promise<void> {
    await this.#io;
    await this.#sink?.close?.();
    await this.#store.close?.();
    if (this.#ioError) throw this.#ioError;
  }

  toString(): string {
    return "PaymentGuard";
  }
  toJSON(): string {
    return "PaymentGuard";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "PaymentGuard {}";
  }
}

export { PolicyConfigError };
