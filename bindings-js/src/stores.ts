/**
 * Stores keep what the core asks hosts to keep: the guard state blob (with a
 * version for compare-and-set), the replay set (atomic check-and-set with a
 * TTL) and one audit head per replica. They hold no rules: expiry times,
 * limits, reservations and leases all come from the core. The layouts are
 * specified in docs/STORES.md and shared with the Python package.
 */
import type { Head } from "./types.js";

/** A consistent snapshot of the guard state. */
export interface VersionedState {
  /** The core's state JSON, or `null` when nothing is stored yet. */
  state: string | null;
  /**
   * The snapshot's version: a decimal integer as a string (`"0"` when empty),
   * incremented by one by each successful {@link GuardStore.compareAndSet}.
   */
  version: string;
}

/** A fingerprint to set with a compare-and-set ({@link GuardStore.casState}). */
export interface CasReplay {
  fingerprint: string;
  ttlMs: number;
  nowMs: number;
}

/**
 * An audit head to save with a compare-and-set ({@link GuardStore.casState}):
 * the driver's `save_head` member of a `cas-state` (the same three fields as
 * its `save-head` action).
 */
export interface CasHead {
  /** The replica whose head it is (`"-"` for a guard without `replica_id`). */
  replica: string;
  /** The head to store (`seq`, `mac`). */
  head: Head;
  /** The seq the store must hold (0 when none) for the head to be saved. */
  prevSeq: number;
}

/**
 * The answer of {@link GuardStore.casState} (docs/STORES.md): `won` when the
 * state was stored (then `version` is the new version); on a lost version
 * check `state` and `version` are the store's as they stand; `fresh` says,
 * for a call with a fingerprint, whether it was new (and is set) or live
 * (`won: false, fresh: false`: nothing written); `headSaved` says, for a call
 * with a head, whether it was saved with the state (`won: true, headSaved: true`)
 * or refused because the replica's stored seq was not `prevSeq`
 * (`won: false, headSaved: false`: nothing written).
 */
export interface CasAnswer {
  /** True when the state was stored. */
  won: boolean;
  /** With a fingerprint: true when it was new (and is now set), false when it is live. */
  fresh?: boolean;
  /** With a head: true when it was saved with the state, false when the stored seq was not `prevSeq`. */
  headSaved?: boolean;
  /** On a lost version check: the store's state as it stands (`null`: empty). */
  state?: string | null;
  /** The new version (won), or the store's version as it stands (lost). */
  version?: string;
}

/** Where a guard keeps its state. Every method may throw: the guard refuses with `store-unavailable`. */
export interface GuardStore {
  /**
   * True when other processes may change the state (Redis, a shared file
   * directory): every core step then runs as a compare-and-set transaction.
   */
  readonly shared: boolean;
  /**
   * For a store that is not shared: false when nothing outlives the process
   * (the guard then never writes the state). Default true.
   */
  readonly persistent?: boolean;
  /** A consistent snapshot of the state and its version. */
  loadVersioned(): Promise<VersionedState>;
  /** Stores `state` only if the version is still `version`; false when another writer stored first. */
  compareAndSet(state: string, version: string): Promise<boolean>;
  /**
   * Optional, one atomic step (docs/STORES.md, "The transaction"): refuses
   * with the store's state and version when the version is not `version`;
   * else, with `replay`, answers `{won: false, fresh: false}` when the
   * fingerprint is live; else stores `state` (and sets the fingerprint until
   * `nowMs + ttlMs`) and answers `{won: true, fresh: true, version}`. For a store
   * without it the driver asks for `compareAndSet`, then `checkAndSet`: one round trip more.
   *
   * With `head` (only for a store whose {@link GuardStore.casHead} is true), in
   * the same atomic step, after the version check and before the fingerprint's:
   * when the replica's stored head seq (0 when none) is not `head.prevSeq`,
   * nothing is written and the answer is `{won: false, headSaved: false}`; a won
   * step also stores the head and answers `headSaved: true`.
   */
  casState?(state: string, version: string, replay: CasReplay | null, head?: CasHead | null): Promise<CasAnswer>;
  /**
   * True when {@link GuardStore.casState} saves an audit head in its
   * compare-and-set (its `head` parameter): the driver may then let a
   * confirmed line's head ride with a `cas-state` instead of its own
   * `save-head` round trip. Absent or false: it never passes a head.
   */
  readonly casHead?: boolean;
  /**
   * Atomically: if `fingerprint` is present and unexpired at `nowMs`, return
   * false; else store it until `nowMs + ttlMs` and return true.
   */
  checkAndSet(fingerprint: string, ttlMs: number, nowMs: number): Promise<boolean>;
  /** Removes a fingerprint (the core asks for it after a failed payment). */
  forget(fingerprint: string): Promise<void>;
  /** The audit head of `replica` (`"-"` for a guard without `replica_id`). */
  loadHead(replica: string): Promise<Head | null>;
  /**
   * Stores the head of `replica` only if the stored seq (0 when none) is
   * `prevSeq`; false otherwise (two processes claiming one replica id).
   */
  saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean>;
  /**
   * Every stored audit head, replica id → head (optional; the stores here
   * have it): what {@link verifyAuditDir} checks a log directory against.
   */
  loadHeads?(): Promise<Record<string, Head>>;
  /** Releases resources (connections, handles). */
  close?(): Promise<void>;
}

/** The replica name of a guard without `replica_id` (file `head--.json`, Redis key `head:-`). */
export const NO_REPLICA = "-";

/** A replica id: 1-64 characters of `[A-Za-z0-9._:-]`. */
export const REPLICA_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Checks a replica name as used in store keys and file names. */
export function checkReplica(replica: string): string {
  if (typeof replica !== "string" || !REPLICA_ID.test(replica)) throw new TypeError("invalid replica id");
  return replica;
}

/** Checks a head read back from a store; throws on anything else. */
export function checkHead(v: unknown): Head {
  const h = v as Head;
  if (h === null || typeof h !== "object" || !Number.isSafeInteger(h.seq) || h.seq < 0 || typeof h.mac !== "string" || !/^[0-9a-f]{64}$/.test(h.mac)) {
    throw new TypeError("the store holds an invalid audit head");
  }
  return { seq: h.seq, mac: h.mac };
}

/** Most replay entries kept in memory before expired ones are swept. */
const SWEEP_AT = 4096;

/** In-process store (the default): not shared, nothing survives the process. */
/* eslint-disable @typescript-eslint/require-await -- GuardStore is async: an async method turns a thrown
   check (checkReplica) into a rejected promise, as the Redis and browser stores do. */
export class MemoryStore implements GuardStore {
  readonly shared: boolean = false;
  readonly persistent: boolean = false;
  #state: string | null = null;
  #version = 0;
  #heads = new Map<string, Head>();
  #replay = new Map<string, number>();

  async loadVersioned(): Promise<VersionedState> {
    return { state: this.#state, version: String(this.#version) };
  }
  async compareAndSet(state: string, version: string): Promise<boolean> {
    if (version !== String(this.#version)) return false;
    this.#state = state;
    this.#version++;
    return true;
  }
  async loadHead(replica: string): Promise<Head | null> {
    const h = this.#heads.get(checkReplica(replica));
    return h ? { ...h } : null;
  }
  async saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean> {
    checkReplica(replica);
    if ((this.#heads.get(replica)?.seq ?? 0) !== prevSeq) return false;
    this.#heads.set(replica, { seq: head.seq, mac: head.mac });
    return true;
  }
  async loadHeads(): Promise<Record<string, Head>> {
    return Object.fromEntries([...this.#heads].map(([r, h]) => [r, { ...h }]));
  }
  async checkAndSet(fingerprint: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return replaySet(this.#replay, fingerprint, ttlMs, nowMs);
  }
  async forget(fingerprint: string): Promise<void> {
    this.#replay.delete(fingerprint);
  }
}
/* eslint-enable @typescript-eslint/require-await */

/** The check-and-set on a map of fingerprint → expiry (shared by stores). */
export function replaySet(map: Map<string, number>, fp: string, ttlMs: number, nowMs: number): boolean {
  const exp = map.get(fp);
  if (exp !== undefined && exp > nowMs) return false;
  // Sweep expired entries only when the map has doubled since the last sweep,
  // so the cost per payment stays constant however many entries are live.
  if (map.size >= (nextSweep.get(map) ?? SWEEP_AT)) {
    for (const [k, v] of map) if (v <= nowMs) map.delete(k);
    nextSweep.set(map, Math.max(SWEEP_AT, 2 * map.size));
  }
  map.set(fp, nowMs + ttlMs);
  return true;
}

/** Per replay map: the size at which the next sweep runs. */
const nextSweep = new WeakMap<Map<string, number>, number>();
