/**
 * `PaymentGuard`: the host side of one guard. It reads the clock, keeps
 * state in a store, writes audit lines, posts approval webhooks and exports
 * metrics. Every decision comes from the core:
 *
 * 1. `assess` (core) → 2. replay check-and-set and approvals (I/O here) →
 * 3. `finalize` (core) → sign and send (caller) → 4. `settle` (core).
 *
 * With a shared store (Redis, a shared file directory) each state-changing
 * core step runs as a compare-and-set transaction (docs/STORES.md): load the
 * versioned state, run the step, store it only if nobody stored first, else
 * `undo` the step in the core, back off and retry. A step's audit line is
 * written only after its compare-and-set succeeded.
 */
import { wasm, mapError, describe, randomBytes } from "./core.js";
import { errorFor, X402GuardError, PolicyConfigError } from "./errors.js";
import { MemoryStore, NO_REPLICA, type GuardStore, type VersionedState } from "./stores.js";
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

/** Compare-and-set attempts of one step before refusing (docs/STORES.md). */
const CAS_ATTEMPTS = 64;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function unavailable(cause?: unknown, detail?: string): X402GuardError {
  return new X402GuardError("store-unavailable", "store-unavailable: " + (detail ?? describe("store-unavailable")), cause === undefined ? undefined : { cause });
}

/** A store failure as the package error: coded errors pass, anything else is `store-unavailable`. */
function storeError(e: unknown): X402GuardError {
  if (e instanceof X402GuardError) return e;
  const any = e as { code?: unknown; name?: unknown };
  // A core error (e.g. state-corrupt from loadStateJson) keeps its code.
  if (any && any.name === "PresidioCoreError" && typeof any.code === "string") return mapError(e);
  return unavailable(e);
}

/** The `replica_id` of a validated configuration (`"-"` when none). */
const DUPLICATE_REPLICA = "another process writes the audit chain of this replica (give each process its own replica_id)";
const HEAD_AHEAD = "the stored audit head of this replica is not its audit log's (another process uses the same replica_id, or the log lost lines)";

function replicaOf(configText: string): string {
  try {
    const r = (JSON.parse(configText) as { replica_id?: unknown }).replica_id;
    return typeof r === "string" && r !== "" ? r : NO_REPLICA;
  } catch {
    return NO_REPLICA;
  }
}

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
  readonly #shared: boolean;
  readonly #replica: string;
  readonly #sink: AuditSink | undefined;
  readonly #metrics: MetricsSink | undefined;
  readonly #clock: () => number;
  readonly #approvals: ApprovalOptions;
  readonly #mpa: MpaSummary | null;
  #head: Head | null;
  /** A lost audit line that a later line already chained to: refuse until reopened. */
  #auditBroken = false;
  /** The seq of this replica's head as last stored (the `prevSeq` of the next save). */
  #storedSeq: number;
  /** Whether this replica's head is kept in the store (when there is an audit log). */
  readonly #keepHead: boolean;
  /** Store not shared: the version of the state the core holds. */
  #version: string;
  #io: Promise<void> = Promise.resolve();
  #ioError: unknown = null;
  #tx: Promise<unknown> = Promise.resolve();

  private constructor(core: wasm.Guard, opts: GuardOptions & { store: GuardStore }, init: GuardInit, keys: [Secret, Secret]) {
    this.#core = core;
    [this.#replayKey, this.#auditKey] = keys;
    this.#store = opts.store;
    this.#shared = opts.store.shared === true;
    this.#replica = init.replica;
    this.#sink = typeof opts.audit === "function" ? { write: opts.audit } : opts.audit;
    this.#metrics = opts.metrics;
    this.#clock = opts.clock ?? Date.now;
    this.#approvals = opts.approvals ?? {};
    this.#mpa = JSON.parse(core.mpaSummary()) as MpaSummary | null;
    this.#head = init.head;
    this.#storedSeq = init.storedSeq;
    this.#keepHead = init.keepHead;
    this.#version = init.version;
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
    const replica = replicaOf(text);
    let init: GuardInit;
    try {
      // A shared store is reloaded before each step; loading it here checks it early.
      const snap = await store.loadVersioned();
      if (snap.state) core.loadStateJson(snap.state);
      // The replica's head is kept in the store when there is a log to chain (docs/STORES.md).
      const keepHead = opts.audit !== undefined;
      const stored = keepHead ? await store.loadHead(replica) : null;
      const readsBack = typeof sink?.head === "function";
      const sinkHead = readsBack ? ((await sink!.head!()) ?? null) : null;
      let storedSeq = stored?.seq ?? 0;
      if (readsBack && stored) {
        // A log that reads its own head back must hold the stored head, or be ahead of it (a
        // crash between the line and the head save): anything else is another writer.
        if (sinkHead === null || sinkHead.seq < stored.seq || (sinkHead.seq === stored.seq && sinkHead.mac !== stored.mac)) {
          throw unavailable(undefined, HEAD_AHEAD);
        }
      }
      if (keepHead && sinkHead && sinkHead.seq > storedSeq) {
        if (!(await store.saveHead(replica, sinkHead, storedSeq))) throw unavailable(undefined, DUPLICATE_REPLICA);
        storedSeq = sinkHead.seq;
      }
      init = { head: readsBack ? sinkHead : stored, storedSeq, version: snap.version, replica, keepHead };
    } catch (e) {
      throw storeError(e);
    }
    return new PaymentGuard(core, { ...opts, store }, init, keys);
  }

  /** The store in use. */
  get store(): GuardStore {
    return this.#store;
  }

  /** This guard's `replica_id` (`null` when none). */
  get replica(): string | null {
    return this.#replica === NO_REPLICA ? null : this.#replica;
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

  /** The state blob the core holds (with a shared store: as of the last step). */
  stateJson(): string {
    return this.#core.stateJson();
  }

  /**
   * Step 1 only: the core's assessment (reserves spend when it passes). With
   * a shared store, use {@link decide}: the step must run in the store's
   * transaction.
   */
  assess(ctx: PaymentContext, now = this.#clock()): Assessment {
    if (this.#shared) throw new X402GuardError("invalid-input", "invalid-input: with a shared store, assess runs inside decide()");
    return this.#assess(ctx, now);
  }

  #assess(ctx: PaymentContext, now: number): Assessment {
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
   * Throws `store-unavailable` (never allows) when the store fails.
   */
  async decide(ctx: PaymentContext): Promise<Verdict> {
    if (this.#auditBroken) throw unavailable(undefined, "an audit line could not be written and a later line already chained to it: reopen the guard");
    const a = await this.#run(() => this.#assess(ctx, this.#clock()), () => {});
    let fresh: boolean | undefined;
    let evidence: ApprovalEvidence | null = null;
    if (a.blocked === null && a.fingerprint !== null) {
      try {
        fresh = await this.#store.checkAndSet(a.fingerprint, a.replay_ttl_ms, this.#clock());
        if (typeof fresh !== "boolean") fresh = undefined;
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
    let written: Promise<void> = Promise.resolve();
    const d = await this.#run(() => this.#finalize(a.id, fresh, evidence), (d) => {
      written = this.#record(d);
    });
    if (d.forget_fingerprint && a.fingerprint) await this.#store.forget(a.fingerprint).catch(() => {});
    await written;
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
      return JSON.parse(
        this.#core.finalize(id, fresh, evidence ? JSON.stringify(evidence) : "", this.#auditKey.bytes(), h?.seq, h?.mac, this.#clock()),
      ) as Decision;
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Step 4: after the paid request. Commits or releases the reservation and audits it. */
  async settle(id: number, outcome: SettleOutcome, fingerprint?: string | null): Promise<Decision> {
    let written: Promise<void> = Promise.resolve();
    const d = await this.#run(() => {
      const h = this.#head;
      try {
        return JSON.parse(this.#core.settle(id, outcome, this.#auditKey.bytes(), h?.seq, h?.mac, this.#clock())) as Decision;
      } catch (e) {
        throw mapError(e);
      }
    }, (d) => {
      written = this.#record(d);
    });
    if (d.forget_fingerprint && fingerprint) await this.#store.forget(fingerprint).catch(() => {});
    await written;
    return d;
  }

  /**
   * Runs one state-changing core step. Store not shared: at once (the core
   * holds the state). Shared: as the compare-and-set transaction of
   * docs/STORES.md, one step at a time in this guard. `done` runs once, after
   * the step counts (its head and audit line are taken in step order).
   */
  async #run<T>(step: () => T, done: (r: T) => void): Promise<T> {
    if (!this.#shared) {
      const r = step();
      done(r);
      return r;
    }
    const p = this.#tx.then(async () => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        let snap: VersionedState;
        try {
          snap = await this.#store.loadVersioned();
          if (snap === null || typeof snap !== "object" || (snap.state !== null && typeof snap.state !== "string") || typeof snap.version !== "string") {
            throw new TypeError("the store returned an invalid snapshot");
          }
        } catch (e) {
          throw storeError(e);
        }
        try {
          this.#core.loadStateJson(snap.state ?? "");
        } catch (e) {
          throw mapError(e);
        }
        const r = step(); // a core error: the step did not happen, nothing to undo
        const after = this.#core.stateJson();
        if (after !== snap.state) {
          let ok: unknown;
          try {
            ok = await this.#store.compareAndSet(after, snap.version);
            if (typeof ok !== "boolean") throw new TypeError("the store returned an invalid answer");
          } catch (e) {
            this.#core.undo();
            throw storeError(e);
          }
          if (!ok) {
            // Another process stored first: the step never happened; reload and retry.
            this.#core.undo();
            await sleep(Math.random() * Math.min(2 ** attempt, 50));
            continue;
          }
        }
        done(r);
        return r;
      }
      throw unavailable(undefined, "the shared state stayed contended (compare-and-set kept failing)");
    });
    this.#tx = p.catch(() => {});
    return p;
  }

  /** Takes the decision's head and queues its audit line (in step order). */
  #record(d: Decision): Promise<void> {
    const prev = this.#head;
    this.#head = d.head;
    return this.#commit(d, prev);
  }

  /** Writes the audit line, then the head (and a non-shared store's state), in decision order. */
  #commit(d: Decision, prev: Head | null): Promise<void> {
    this.#metrics?.record(d.metrics);
    const state = !this.#shared && this.#store.persistent !== false ? this.#core.stateJson() : null;
    const head = d.head;
    const step = this.#io.then(async () => {
      try {
        await this.#sink?.write(d.audit_line);
      } catch (e) {
        // The line is lost: the chain goes on from the last line written, or,
        // when a later decision already chained to this one, the guard stops.
        if (this.#head?.seq === head.seq && this.#head.mac === head.mac) this.#head = prev;
        else this.#auditBroken = true;
        throw e;
      }
      if (this.#keepHead) await this.#saveHead(head, prev);
      if (state !== null) {
        if ((await this.#store.compareAndSet(state, this.#version)) !== true) {
          throw unavailable(undefined, "another writer changed a store that is not shared");
        }
        this.#version = String(Number(this.#version) + 1);
      }
    });
    this.#io = step.catch((e) => {
      this.#ioError = e;
    });
    return step.catch((e) => {
      throw storeError(e);
    });
  }

  /** Saves this replica's head by compare-and-set on its seq. */
  async #saveHead(head: Head, prev: Head | null): Promise<void> {
    const s = this.#store;
    if ((await s.saveHead(this.#replica, head, this.#storedSeq)) === true) {
      this.#storedSeq = head.seq;
      return;
    }
    // An earlier save that reported a failure may have landed: the stored head is then our previous one.
    const cur = await s.loadHead(this.#replica);
    if (prev && cur && cur.seq === prev.seq && cur.mac === prev.mac && cur.seq !== this.#storedSeq) {
      this.#storedSeq = cur.seq;
      if ((await s.saveHead(this.#replica, head, cur.seq)) === true) {
        this.#storedSeq = head.seq;
        return;
      }
    }
    throw unavailable(undefined, DUPLICATE_REPLICA);
  }

  /** Waits for pending steps and writes, then closes the store and sink. */
  async close(): Promise<void> {
    await this.#tx;
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

interface GuardInit {
  keepHead: boolean;
  head: Head | null;
  storedSeq: number;
  version: string;
  replica: string;
}

export { PolicyConfigError };
