/**
 * Stores keep what the core asks hosts to keep: the guard state blob, the
 * replay set (atomic check-and-set with a TTL) and the audit head. They hold
 * no rules: expiry times come from the core's `replay_ttl_ms`.
 */
import type { Head } from "./types.js";

/** Where a guard keeps its state. All methods may be async. */
export interface GuardStore {
  /** True when the store outlives the process (state is saved after each step). */
  readonly persistent: boolean;
  loadState(): Promise<string | null>;
  saveState(state: string): Promise<void>;
  loadHead(): Promise<Head | null>;
  saveHead(head: Head): Promise<void>;
  /**
   * Atomically: if `fingerprint` is present and unexpired at `nowMs`, return
   * false; else store it until `nowMs + ttlMs` and return true.
   */
  checkAndSet(fingerprint: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Removes a fingerprint (the core asks for it after a failed payment). */
  forget(fingerprint: string): Promise<void>;
  /** Releases resources (locks, handles). */
  close?(): Promise<void>;
}

/** Most replay entries kept in memory before expired ones are swept. */
const SWEEP_AT = 4096;

/** In-process store (the default). Nothing survives the process. */
export class MemoryStore implements GuardStore {
  readonly persistent: boolean = false;
  #state: string | null = null;
  #head: Head | null = null;
  #replay = new Map<string, number>();

  async loadState(): Promise<string | null> {
    return this.#state;
  }
  async saveState(state: string): Promise<void> {
    this.#state = state;
  }
  async loadHead(): Promise<Head | null> {
    return this.#head;
  }
  async saveHead(head: Head): Promise<void> {
    this.#head = { ...head };
  }
  async checkAndSet(fingerprint: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return replaySet(this.#replay, fingerprint, ttlMs, nowMs);
  }
  async forget(fingerprint: string): Promise<void> {
    this.#replay.delete(fingerprint);
  }
}

/** The check-and-set on a map of fingerprint → expiry (shared by stores). */
export function replaySet(map: Map<string, number>, fp: string, ttlMs: number, nowMs: number): boolean {
  const exp = map.get(fp);
  if (exp !== undefined && exp > nowMs) return false;
  if (map.size >= SWEEP_AT) {
    for (const [k, v] of map) if (v <= nowMs) map.delete(k);
  }
  map.set(fp, nowMs + ttlMs);
  return true;
}
