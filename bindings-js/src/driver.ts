/**
 * `Driver`: the core's sans-I/O payment driver (core/src/driver). The host
 * feeds events in and performs the actions that come out; every rule of the
 * protocol around the decision steps (state transactions, replay set and
 * forget, approvals, settlement, audit and head repair) is the core's.
 *
 * Each method exists twice: on JSON text (`openJson`, `beginJson`,
 * `handleJson`: the exact bytes of the core, the same in every host) and on
 * typed values (`open`, `begin`, `handle`). Errors are the package's coded
 * errors (`.code`).
 */
import { wasm, mapError } from "./core.js";
import { X402GuardError } from "./errors.js";
import { NOT_READY, isReady } from "./ready.js";
import { b64encodeBytes } from "./base64.js";
import type { DriverAction, DriverBegin, DriverEvent, DriverProfile, DriverStart, Head, KeyInput } from "./types.js";
import type { GuardConfig } from "./config-types.js";

function keyBytes(k: KeyInput): Uint8Array {
  if (typeof k !== "string") return k;
  if (!/^([0-9a-fA-F]{2})*$/.test(k)) throw new X402GuardError("invalid-input", "invalid-input: a key must be bytes or hex");
  const out = new Uint8Array(k.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(k.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function text(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** One configured guard driving payments: events in, actions out. */
export class Driver {
  readonly #core: wasm.Driver;

  /**
   * A driver for a configuration (object or JSON text, validated by the
   * core: throws a {@link PolicyConfigError} listing every problem), a host
   * profile (object or JSON text; empty: an unshared store, no kept head)
   * and the replay and audit keys (bytes or hex; `key-too-short` under 32 bytes).
   */
  constructor(config: GuardConfig | string, profile: DriverProfile | string, replayKey: KeyInput, auditKey: KeyInput) {
    if (!isReady()) throw new X402GuardError("invalid-input", NOT_READY);
    try {
      this.#core = new wasm.Driver(text(config), text(profile), keyBytes(replayKey), keyBytes(auditKey));
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Starts the guard (reconciles the audit head): `{"id", "actions"}` as the core's JSON text. */
  openJson(): string {
    return this.#core.open();
  }

  /** Starts a payment from `{method, url, payment_required, body | body_base64, content_type, reason, hints, seed, purchase}` JSON text: `{"id", "actions"}` text. */
  beginJson(beginJson: string, nowMs: number): string {
    try {
      return this.#core.begin(beginJson, nowMs);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Starts a control task (the kill switch) from `{"halt": true, "by", "reason"}` or `{"halt": false}` JSON text: `{"id", "actions"}` text, run like a payment's. */
  controlJson(controlJson: string, nowMs: number): string {
    try {
      return this.#core.control(controlJson, nowMs);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Replaces the policy (a hot reload; configuration JSON text, validated by the core): `{"id", "actions"}` text, a task whose `done` says whether it applied. */
  reloadJson(configJson: string, nowMs: number): string {
    try {
      return this.#core.reload(configJson, nowMs);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** {@link reloadJson} on an object or JSON text, parsed. */
  reload(config: Record<string, unknown> | string, nowMs: number): DriverStart {
    return JSON.parse(this.reloadJson(text(config), nowMs)) as DriverStart;
  }

  /** The guard is quiet: saves an audit head the store does not hold yet (the host's contract is on core `Driver::flush`): `{"id", "actions"}` text. */
  flushJson(nowMs: number): string {
    try {
      return this.#core.flush(nowMs);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** {@link flushJson}, parsed. */
  flush(nowMs: number): DriverStart {
    return JSON.parse(this.flushJson(nowMs)) as DriverStart;
  }

  /** One crossing of task `id`: the events' JSON text (one event or an array) in, the actions' JSON text out. */
  handleJson(id: number, nowMs: number, eventsJson: string): string {
    try {
      return this.#core.handle(id, nowMs, eventsJson);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** {@link controlJson} on a value, parsed. */
  control(control: { halt: boolean; by?: string; reason?: string }, nowMs: number): DriverStart {
    return JSON.parse(this.controlJson(JSON.stringify(control), nowMs)) as DriverStart;
  }

  /** {@link openJson}, parsed. */
  open(): DriverStart {
    return JSON.parse(this.openJson()) as DriverStart;
  }

  /**
   * {@link beginJson} on a value, parsed. Without hints the request crosses as
   * values (the same output, without a JSON round trip).
   */
  begin(begin: DriverBegin, nowMs: number): DriverStart {
    return JSON.parse(this.beginText(begin, nowMs)) as DriverStart;
  }

  /** {@link begin}'s output as the driver's JSON text (the same bytes as {@link beginJson}). */
  beginText(begin: DriverBegin, nowMs: number): string {
    const { body_bytes, ...rest } = begin;
    if ((begin.hints && begin.hints.length > 0) || typeof begin.body_base64 === "string" || typeof begin.purchase === "string" || begin.spans === true) {
      const json = body_bytes ? { ...rest, body_base64: b64encodeBytes(body_bytes) } : rest;
      return this.beginJson(JSON.stringify(json), nowMs);
    }
    try {
      return this.#core.beginRequest(begin.method ?? "GET", begin.url, begin.payment_required ?? undefined,
        begin.body ?? undefined, body_bytes ?? undefined, begin.content_type ?? undefined, begin.request_body_sha256 ?? undefined,
        begin.idempotency_key ?? undefined, begin.reason ?? "", begin.seed ?? 0, nowMs);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** {@link handleJson} on values (one event or several), parsed. */
  handle(id: number, nowMs: number, events: DriverEvent | DriverEvent[]): DriverAction[] {
    return JSON.parse(this.handleJson(id, nowMs, JSON.stringify(events))) as DriverAction[];
  }

  /** The state's serialised form (with a shared store: as of the last step). */
  stateJson(): string {
    return this.#core.stateJson();
  }

  /** Replaces the state with a saved one (empty text: a fresh state), for an unshared store. */
  loadStateJson(state: string): void {
    try {
      this.#core.loadStateJson(state);
    } catch (e) {
      throw mapError(e);
    }
  }

  /** The current audit head (`null` before the first line). */
  head(): Head | null {
    return JSON.parse(this.#core.head()) as Head | null;
  }

  /** Releases the core's memory at once (otherwise when the driver is garbage-collected). */
  free(): void {
    this.#core.free();
  }
}
