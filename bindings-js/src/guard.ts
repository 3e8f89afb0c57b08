/**
 * `PaymentGuard`: one guard, a thin executor of the core's payment driver
 * (core/src/driver). The host reads the clock, keeps state in a store,
 * writes audit lines, posts approval webhooks and exports metrics; every
 * rule around the decision steps (compare-and-set transactions and their
 * retries, replay set and forget, approval deadlines, the settlement rule,
 * audit chaining and head repair) is the driver's.
 *
 * A payment is a driver task: {@link PaymentGuard.begin} runs it until it
 * stops where the caller acts (`sign`, then `send`) or ends (`done`);
 * {@link PaymentGuard.resume} feeds the caller's answer and runs on.
 */
import { wasm, mapError, describe, randomBytes } from "./core.js";
import { errorFor, PolicyConfigError, SignerError, X402GuardError } from "./errors.js";
import { Driver } from "./driver.js";
import { Executor, type Stop } from "./executor.js";
import { MemoryStore, NO_REPLICA, type GuardStore } from "./stores.js";
import type { AuditSink } from "./audit.js";
import type { MetricsSink } from "./metrics.js";
import { loadOtel, tracing, type OtelTracerProvider } from "./otel.js";
import type { ApprovalOptions } from "./approvals.js";
import type { GuardConfig } from "./config-types.js";
import type { DriverDoneAction, DriverEvent, DriverProfile, Head, KeyInput, PaymentContext } from "./types.js";

/** The environment variable of the audit chain key (hex), read when `auditKey` is not given (as in Python). */
export const CHAIN_KEY_ENV = "PRESIDIO_X402_CHAIN_KEY";
/** The environment variable of the replay fingerprint key (hex), read when `replayKey` is not given (as in Python). */
export const FINGERPRINT_KEY_ENV = "PRESIDIO_X402_FINGERPRINT_KEY";
/** The shortest key the core accepts, in bytes. */
const MIN_KEY_BYTES = 16;

/** An environment variable where there is an environment (Node, Deno, Bun); `undefined` in a browser. */
function envVar(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/** The options of {@link PaymentGuard.create} (and of every wrapper that creates a guard). */
export interface GuardOptions {
  /** Guard configuration (object or JSON text; every key in docs/CONFIG.md); validated by the core. */
  config?: GuardConfig | string;
  /** HMAC key of replay fingerprints (≥ 16 bytes, 32 advised; default: `$PRESIDIO_X402_FINGERPRINT_KEY`, hex). */
  replayKey?: KeyInput;
  /** HMAC key of the audit chain (default: `$PRESIDIO_X402_CHAIN_KEY`, hex). Keep it: a random one makes the log unverifiable after a restart. */
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
  /**
   * OpenTelemetry: where each payment's spans go (default: the global tracer
   * provider). Spans are emitted only when the optional peer dependency
   * `@opentelemetry/api` is installed.
   */
  tracerProvider?: OtelTracerProvider;
}

/**
 * A payment in progress, stopped where its caller acts: `sign` (call the
 * signer with exactly these details, then resume with `signed` or
 * `signer-failed`), `send` (send exactly this request, then resume with
 * `response`, `network-error` or `unobserved`) or `done` (the verdict: over).
 */
export interface Payment {
  /** The driver's task id. */
  readonly id: number;
  readonly action: Stop;
}

/** The driver's profile for a store and sink: how state is kept and the audit head reconciled. */
function profileOf(store: GuardStore, sink: AuditSink | undefined): DriverProfile {
  // A store that outlives the process (even unshared) is loaded and stored at each step,
  // and keeps the replica's audit head when there is a log (as the Python guard).
  const shared = store.shared === true || store.persistent !== false;
  return {
    shared,
    keep_head: shared && sink !== undefined,
    log_reads_back: typeof sink?.head === "function",
    // Without `casState` the driver sets the fingerprint with its own `replay-set`.
    cas_fingerprint: typeof store.casState === "function",
    // A confirmed line's head rides with a `cas-state` only when the store saves it in the same step.
    cas_head: typeof store.casState === "function" && store.casHead === true,
  };
}

/** One configured guard. Create with {@link PaymentGuard.create}. */
export class PaymentGuard {
  readonly #driver: Driver;
  readonly #exec: Executor;
  /** The core's configured helpers that are not part of a payment (redaction, webhook address check). */
  #core: wasm.Guard;
  readonly #store: GuardStore;
  readonly #sink: AuditSink | undefined;
  readonly #replica: string;
  readonly #clock: () => number;
  readonly #tracerProvider: OtelTracerProvider | undefined;
  readonly #running = new Set<Promise<unknown>>();
  /** The quiet timer of an unsaved audit head (see {@link close}). */
  #quiet: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  private constructor(driver: Driver, core: wasm.Guard, opts: GuardOptions & { store: GuardStore }, sink: AuditSink | undefined, replica: string) {
    this.#driver = driver;
    this.#core = core;
    this.#store = opts.store;
    this.#sink = sink;
    this.#replica = replica;
    this.#clock = opts.clock ?? Date.now;
    this.#tracerProvider = opts.tracerProvider;
    this.#exec = new Executor(driver, {
      store: opts.store, sink, metrics: opts.metrics, clock: this.#clock, approvals: opts.approvals ?? {},
      addressAllowed: (a) => this.#core.webhookAddressAllowed(a),
      ...(opts.tracerProvider ? { tracerProvider: opts.tracerProvider } : {}),
    });
  }

  /**
   * Validates the configuration (a {@link PolicyConfigError} lists every
   * problem with its path), then runs the driver's start-up: with an audit
   * log, this replica's head is reconciled between the store and the log.
   */
  static async create(opts: GuardOptions = {}): Promise<PaymentGuard> {
    const warn = opts.warn ?? ((m: string) => console.warn(m));
    const text = typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config ?? {});
    let core: wasm.Guard;
    try {
      core = new wasm.Guard(text);
    } catch (e) {
      throw mapError(e);
    }
    const replica = (JSON.parse(text) as { replica_id?: string }).replica_id || NO_REPLICA;
    const key = (k: KeyInput | undefined, what: "replayKey" | "auditKey"): KeyInput => {
      if (k !== undefined) return k;
      // The same environment variables as the Python package (README: "Keys"); a bad value is ignored, as there.
      const env = what === "auditKey" ? CHAIN_KEY_ENV : FINGERPRINT_KEY_ENV;
      const text = envVar(env)?.trim();
      if (text) {
        if (/^(?:[0-9a-fA-F]{2})+$/.test(text) && text.length >= 2 * MIN_KEY_BYTES) return text;
        warn(`presidio-hardened-x402: $${env} is not hex of at least ${MIN_KEY_BYTES} bytes: ignored.`);
      }
      warn(`presidio-hardened-x402: no ${what} configured and $${env} is not set; using a random per-process key. ` +
        (what === "auditKey" ? "The audit log will NOT verify after this process exits."
          : "Replays are NOT detected across processes or restarts, even with a shared store (Redis, file)."));
      return randomBytes(32);
    };
    await loadOtel();
    const store = opts.store ?? new MemoryStore();
    const sink = typeof opts.audit === "function" ? { write: opts.audit } : opts.audit;
    const driver = new Driver(text, profileOf(store, sink), key(opts.replayKey, "replayKey"), key(opts.auditKey, "auditKey"));
    const g = new PaymentGuard(driver, core, { ...opts, store }, sink, replica);
    const { id, actions } = driver.open();
    const done = await g.#exec.run(id, actions);
    if (done.do !== "done" || !done.allowed) throw g.errorOf(done.do === "done" ? done : { code: "invalid-input" });
    return g;
  }

  /** The store in use. */
  get store(): GuardStore {
    return this.#store;
  }

  /** This guard's `replica_id` (`null` when none). */
  get replica(): string | null {
    return this.#replica === NO_REPLICA ? null : this.#replica;
  }

  /** The audit head: the last line the driver chained. */
  get head(): Head | null {
    return this.#driver.head();
  }

  /** Redacts a text with this guard's PII settings. */
  redact(text: string): { text: string; count: number; entities: string[] } {
    try {
      return JSON.parse(this.#core.redact(text)) as { text: string; count: number; entities: string[] };
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Whether the core allows a webhook to `address` (an IP literal or host). */
  webhookAddressAllowed(address: string): boolean {
    return this.#core.webhookAddressAllowed(address);
  }

  /** The state blob the driver holds (with a store that is loaded at each step: as of the last step). */
  stateJson(): string {
    return this.#driver.stateJson();
  }

  /**
   * Replaces the state the driver holds with a saved one (`stateJson()`
   * output), for a guard whose store is not loaded at each step (a
   * `MemoryStore`). A state the core cannot read throws `state-corrupt`.
   */
  loadStateJson(blob: string): void {
    if (this.#store.shared === true || this.#store.persistent === true) {
      throw new X402GuardError("invalid-input", "invalid-input: this guard's store is loaded at every step; save the state there");
    }
    try {
      this.#driver.loadStateJson(blob);
    } catch (e) {
      throw mapError(e);
    }
  }

  /**
   * Starts a payment for a request that got a 402 and runs it until the
   * caller must act: `sign` (the payment is allowed and reserved), or `done`
   * (refused: `done.code`, `done.audit_line`; see {@link errorOf}).
   */
  async begin(ctx: PaymentContext): Promise<Payment> {
    const seed = Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
    const { id, actions } = this.#driver.begin({ method: ctx.method ?? "GET", url: ctx.url, payment_required: ctx.paymentRequired ?? null,
      body: ctx.body ?? null, body_bytes: ctx.bodyBytes ?? null, content_type: ctx.contentType ?? null,
      request_body_sha256: ctx.requestBodySha256 ?? null, idempotency_key: ctx.idempotencyKey ?? null, reason: ctx.reason ?? "", seed,
      ...(ctx.purchase ? { purchase: ctx.purchase } : {}), ...(tracing(this.#tracerProvider) ? { spans: true } : {}) },
    this.#clock());
    return this.#run(id, actions);
  }

  /**
   * Replaces the policy of the running guard (a hot reload) with a new
   * configuration, given as at construction (object or JSON text; a TOML
   * file through `loadPolicyFile`). The core validates it and decides what
   * happens to payments in flight (README, "Hot reload"); the reload is
   * audited and counted (`x402_policy_reloads_total`). Resolves with the
   * policy's digest; a refused policy throws its coded error (a
   * {@link PolicyConfigError} with every problem for an invalid one) and the
   * old policy stays in force.
   */
  async reload(config: Record<string, unknown> | string): Promise<{ policySha256: string }> {
    const text = typeof config === "string" ? config : JSON.stringify(config);
    const { id, actions } = this.#driver.reload(text, this.#clock());
    const done = await this.#run(id, actions).then((p) => p.action);
    if (done.do !== "done") throw this.errorOf({ code: "invalid-input" });
    if (!done.allowed) {
      const errors = done.details.errors ?? [];
      throw errors.length > 0 ? new PolicyConfigError(errors) : this.errorOf(done);
    }
    // The helpers outside payments (redaction, webhook addresses) follow the new policy too.
    try {
      this.#core = new wasm.Guard(text);
    } catch (e) {
      throw mapError(e);
    }
    return { policySha256: done.details.policy_sha256 ?? "" };
  }

  /** Feeds the caller's answer to the payment's `sign` or `send` and runs it to its next stop. */
  async resume(p: Payment, event: DriverEvent): Promise<Payment> {
    return this.#run(p.id, this.#driver.handle(p.id, this.#clock(), event));
  }

  /**
   * Halts the guard (the kill switch, see the README's "Operator controls"):
   * the flag is stored in the guard's state, so every process sharing the
   * store sees it, and every payment is refused with `guard-halted` until
   * {@link unhalt}. `reason` and `by` (each at most 256 bytes, no control
   * characters) stay in the state; the audit log gets a `guard_halted` line.
   */
  async halt(reason = "", by = ""): Promise<void> {
    await this.#control({ halt: true, by, reason });
  }

  /** Clears the kill switch set by {@link halt} (audited `guard_resumed`). */
  async unhalt(): Promise<void> {
    await this.#control({ halt: false });
  }

  /** The kill switch as this guard last saw the state: `{by, reason, at_ms}`, or `null` when not halted. */
  get halted(): { by: string; reason: string; at_ms: number } | null {
    const s = JSON.parse(this.#driver.stateJson()) as { halted?: { by: string; reason: string; at_ms: number } };
    return s.halted ?? null;
  }

  async #control(c: { halt: boolean; by?: string; reason?: string }): Promise<void> {
    const { id, actions } = this.#driver.control(c, this.#clock());
    const done = (await this.#run(id, actions)).action;
    if (done.do !== "done" || !done.allowed) throw this.errorOf(done.do === "done" ? done : { code: "invalid-input" });
  }

  /** Like {@link begin}, but throws the coded error when the payment is refused. */
  async check(ctx: PaymentContext): Promise<Payment> {
    const p = await this.begin(ctx);
    if (p.action.do === "done" && !p.action.allowed) throw this.errorOf(p.action);
    return p;
  }

  async #run(id: number, actions: ReturnType<Driver["handle"]>): Promise<Payment> {
    const run = this.#exec.run(id, actions);
    this.#running.add(run);
    try {
      const action = await run;
      if (action.do === "done" && typeof action.unsaved_head_ms === "number") this.#arm(action.unsaved_head_ms);
      return { id, action };
    } finally {
      this.#running.delete(run);
    }
  }

  /** (Re)arms the quiet timer: the head is flushed once nothing ran for `ms`. */
  #arm(ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => {
      this.#quiet = undefined;
      // A failed save is not lost: the driver rereads the head before the next payment.
      this.#flushHead().catch(() => {});
    }, ms);
  }

  /**
   * Runs the driver's flush (core `Driver::flush`) when nothing runs and
   * every queued write is done (its contract); `null` when busy.
   */
  async #flushHead(): Promise<DriverDoneAction | null> {
    if (this.#running.size > 0) return null; // the running task's done re-arms
    await this.#exec.flush();
    if (this.#running.size > 0) return null;
    const { id, actions } = this.#driver.flush(this.#clock());
    const done = (await this.#run(id, actions)).action;
    return done.do === "done" ? done : null;
  }

  /** The coded error of a refused `done` (its class from the core's error table), with its audit line. */
  errorOf(done: Pick<DriverDoneAction, "code"> & Partial<DriverDoneAction>, cause?: unknown): X402GuardError {
    const code = done.code ?? "invalid-input";
    const reason = done.details?.reason ? ` (${done.details.reason})` : "";
    // A SignerError's message is written to hold no secret: it is kept and shown.
    const signer = cause instanceof SignerError ? ` (${cause.message})` : "";
    return errorFor(code, describe(code) + reason + signer, {
      ...(done.audit_line ? { auditLine: done.audit_line } : {}),
      // Any other cause by name only: its message may hold a URL or key material.
      ...(cause instanceof SignerError ? { cause } : cause instanceof Error ? { cause: new Error(cause.name) } : {}),
    });
  }

  /**
   * Waits for running payments and queued writes, saves an audit head the
   * store does not hold yet (the last payment's, when heads ride the
   * compare-and-sets), then closes the sink and the store. A head that could
   * not be saved throws its coded error once both are closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#quiet);
    await Promise.allSettled([...this.#running]);
    await this.#exec.flush();
    const failed: { error: Error | null } = { error: null };
    const flushed = await this.#flushHead().catch((e: unknown) => {
      failed.error = e instanceof Error ? e : this.errorOf({ code: "store-unavailable" });
      return null;
    });
    await this.#exec.flush();
    await this.#sink?.close?.();
    await this.#store.close?.();
    if (failed.error !== null) throw failed.error;
    if (flushed !== null && !flushed.allowed) throw this.errorOf(flushed);
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
