/**
 * The executor: performs the actions of the core's payment driver and feeds
 * back what happened (the grammar is in the core's `driver` module docs).
 * It decides nothing: which state to load and store, when to retry, when to
 * forget a fingerprint, how long to wait for approvals, how to judge the
 * paid response and how to repair the audit head are the driver's.
 *
 * A batch's actions are performed in order. Answered actions (`load-state`,
 * `cas-state`, `replay-set`, `load-head`, `post-webhook`, `ask-human`, `countersign`,
 * `sleep`) are answered together in the next crossing; `audit` and
 * `save-head` go through one FIFO queue per guard, in the order the driver
 * emitted them across all payments, and a failure stops the batch there;
 * `replay-forget` is best effort; `alert` is posted without waiting for the
 * answer (fire-and-forget, see `postAlert`). A task stops for its caller at `sign`,
 * `send` and `done`.
 */
import type { Driver } from "./driver.js";
import { X402GuardError } from "./errors.js";
import { checkHead, type CasAnswer, type GuardStore } from "./stores.js";
import type { AuditSink } from "./audit.js";
import type { MetricsSink } from "./metrics.js";
import { askHuman, countersign, postWebhook, type ApprovalOptions } from "./approvals.js";
import { emitSpans, type OtelTracerProvider } from "./otel.js";
import type { DriverAction, DriverDoneAction, DriverEvent, DriverSendAction, DriverSignAction, Head } from "./types.js";

/** Where a task waits for its caller: `sign` and `send` are the caller's to perform; `done` ends it. */
export type Stop = DriverSignAction | DriverSendAction | DriverDoneAction;

/** What the executor performs the actions with. */
export interface HostIo {
  store: GuardStore;
  sink: AuditSink | undefined;
  metrics: MetricsSink | undefined;
  clock: () => number;
  approvals: ApprovalOptions;
  /** The core's answer: may a webhook be posted to this address? */
  addressAllowed: (address: string) => boolean;
  /** Where payments' OpenTelemetry spans go (default: the global provider, when `@opentelemetry/api` is installed). */
  tracerProvider?: OtelTracerProvider;
}

type Write = Extract<DriverAction, { do: "audit" | "save-head" }>;

/** A store call's answer as an event; a throw or an answer of the wrong type is `store-error`. */
async function fromStore<T>(call: () => Promise<T>, answer: (v: T) => DriverEvent | null): Promise<DriverEvent> {
  try {
    const ev = answer(await call());
    if (ev !== null) return ev;
  } catch {
    /* reported below */
  }
  return { on: "store-error" };
}

const bool = (v: unknown): v is boolean => typeof v === "boolean";

/**
 * A `cas-state` on a store: its `casState` when it has one, else its
 * `compareAndSet` (the driver then never sends a fingerprint: the profile
 * says `cas_fingerprint: false`; one that comes anyway fails closed). A
 * `save_head` goes to `casState` only for a store whose `casHead` is true
 * (the profile's `cas_head`); for any other it fails closed.
 */
async function casState(store: GuardStore, a: Extract<DriverAction, { do: "cas-state" }>, nowMs: number): Promise<CasAnswer> {
  const replay = a.fingerprint === undefined ? null : { fingerprint: a.fingerprint, ttlMs: a.ttl_ms ?? 0, nowMs };
  const sh = a.save_head;
  if (sh !== undefined) {
    if (!store.casState || store.casHead !== true) throw new Error("cas-state with save_head for a store without casHead");
    return store.casState(a.state, a.version, replay, { replica: sh.replica, head: sh.head, prevSeq: sh.prev_seq });
  }
  if (store.casState) return store.casState(a.state, a.version, replay);
  if (replay !== null) throw new Error("cas-state with a fingerprint for a store without casState");
  return { won: await store.compareAndSet(a.state, a.version) };
}

/** A store's {@link CasAnswer} as the driver's `cas` event (null when malformed). */
function casEvent(r: CasAnswer): DriverEvent | null {
  if (r === null || typeof r !== "object" || !bool(r.won)) return null;
  const ev: DriverEvent & { on: "cas" } = { on: "cas", won: r.won };
  if (r.fresh !== undefined) {
    if (!bool(r.fresh)) return null;
    ev.fresh = r.fresh;
  }
  if (r.headSaved !== undefined) {
    if (!bool(r.headSaved)) return null;
    ev.head_saved = r.headSaved;
  }
  if (r.version !== undefined) {
    if (typeof r.version !== "string" || (r.state !== undefined && r.state !== null && typeof r.state !== "string")) return null;
    // A lost answer is a snapshot only with its state (null: the store is empty); a missing one is not an empty state.
    if (r.won) ev.version = r.version;
    else if (r.state !== undefined) Object.assign(ev, { state: r.state, version: r.version });
  }
  return ev;
}

/** Longest an alert post may take before it is abandoned, in milliseconds. */
const ALERT_TIMEOUT_MS = 10_000;

/**
 * Performs an `alert` action: one POST of the driver's body and headers (the
 * signature header is the core's), no redirects followed, never awaited by
 * the payment and never retried; a failure is dropped (alerts are best effort,
 * the audit line is the record).
 */
export function postAlert(a: Extract<DriverAction, { do: "alert" }>, post: typeof fetch = fetch): void {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ALERT_TIMEOUT_MS);
  void post(a.url, { method: "POST", body: a.body, headers: a.headers, redirect: "manual", signal: ctrl.signal })
    .then((r) => r.body?.cancel())
    .catch(() => {})
    .finally(() => clearTimeout(timer));
}

export class Executor {
  readonly #driver: Driver;
  readonly #io: HostIo;
  /** The audit/head write queue: each batch's writes, in the order the driver emitted them. */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(driver: Driver, io: HostIo) {
    this.#driver = driver;
    this.#io = io;
  }

  /** Resolves once every write queued so far is done. */
  flush(): Promise<unknown> {
    return this.#writes;
  }

  /**
   * Performs task `id`'s batches, starting with `actions` (just returned by
   * the driver), until it stops at `sign`, `send` or `done`. `done`'s metric
   * updates are recorded.
   */
  async run(id: number, actions: DriverAction[]): Promise<Stop> {
    for (;;) {
      // Queued before anything is awaited: the queue order is the driver's emission order.
      const written = this.#queue(actions.filter((a): a is Write => a.do === "audit" || a.do === "save-head"));
      const answers: Promise<DriverEvent>[] = [];
      let failed: DriverEvent | null = null;
      for (const a of actions) {
        if (a.do === "done") {
          this.#io.metrics?.record(a.metrics);
          emitSpans(a.spans, this.#io.tracerProvider);
          return a;
        }
        if (a.do === "sign" || a.do === "send") return a;
        if (a.do === "audit" || a.do === "save-head") {
          failed = await written;
          if (failed !== null) break;
        } else if (a.do === "replay-forget") {
          await this.#io.store.forget(a.fingerprint).catch(() => {});
        } else if (a.do === "alert") {
          postAlert(a, this.#io.approvals.fetch);
        } else {
          answers.push(this.#answer(a));
        }
      }
      const events = failed !== null ? [failed] : await Promise.all(answers);
      if (events.length === 0) throw new X402GuardError("invalid-input", "invalid-input: the driver's batch asked for no answer");
      actions = this.#driver.handle(id, this.#io.clock(), events);
    }
  }

  /** Queues a batch's writes; resolves with the first failure's event (the rest are not performed), or null. */
  #queue(writes: Write[]): Promise<DriverEvent | null> {
    if (writes.length === 0) return Promise.resolve(null);
    const job = this.#writes.then(async (): Promise<DriverEvent | null> => {
      for (const w of writes) {
        if (w.do === "audit") {
          try {
            await this.#io.sink?.write(w.line);
          } catch {
            return { on: "audit-failed" };
          }
        } else {
          const ok = await this.#io.store.saveHead(w.replica, w.head, w.prev_seq).catch(() => false);
          if (ok !== true) return { on: "head-save-failed" };
        }
      }
      return null;
    });
    this.#writes = job.catch(() => null);
    return job;
  }

  /** Performs one action that needs an answer. */
  async #answer(a: Exclude<DriverAction, Stop | Write | { do: "replay-forget" } | { do: "alert" }>): Promise<DriverEvent> {
    const { store, sink, clock } = this.#io;
    switch (a.do) {
      case "load-state":
        return fromStore(() => store.loadVersioned(), (v) =>
          v !== null && typeof v === "object" && (v.state === null || typeof v.state === "string") && typeof v.version === "string"
            ? { on: "state", state: v.state, version: v.version } : null);
      case "cas-state":
        return fromStore(() => casState(store, a, clock()), casEvent);
      case "replay-set":
        return fromStore(() => store.checkAndSet(a.fingerprint, a.ttl_ms, clock()), (fresh) => (bool(fresh) ? { on: "replay", fresh } : null));
      case "load-head":
        return fromStore(async (): Promise<[Head | null, Head | null]> => {
          const stored = a.from_store ? await store.loadHead(a.replica) : null;
          const log = sink?.head ? await sink.head() : null;
          return [stored === null ? null : checkHead(stored), log === null || log === undefined ? null : checkHead(log)];
        }, ([stored, log]) => ({ on: "head", stored, log }));
      case "post-webhook":
        return postWebhook(a, this.#io.addressAllowed, this.#io.approvals, clock);
      case "countersign":
        return countersign(a, this.#io.approvals, clock);
      case "ask-human":
        return askHuman(a, this.#io.approvals, clock);
      case "sleep":
        await new Promise((r) => setTimeout(r, Math.max(0, a.until_ms - clock())));
        return { on: "wake" };
    }
  }
}
