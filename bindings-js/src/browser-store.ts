/**
 * `BrowserStore`: `chrome.storage.local` when present (wallet extensions,
 * MV3 service workers), else IndexedDB. One key per item; the replay
 * check-and-set is serialised within the JS realm (a service worker or page
 * is one realm; use one guard per extension).
 */
import { type GuardStore, type VersionedState, replaySet, checkReplica, checkHead, NO_REPLICA } from "./stores.js";
import type { Head } from "./types.js";

interface KV {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** The part of `chrome.storage.local` (MV3) this store uses. */
interface ChromeStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

function chromeKV(area: ChromeStorageArea): KV {
  return {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
  };
}

/** An IndexedDB error as an `Error` (a request or transaction error is a `DOMException` or null). */
function idbError(e: DOMException | null): Error {
  return e ?? new Error("IndexedDB request failed");
}

function idbKV(dbName: string): KV {
  const open = (): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const r = indexedDB.open(dbName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore("kv");
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(idbError(r.error));
    });
  let db: Promise<IDBDatabase> | null = null;
  const tx = async <T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    db ??= open();
    const d = await db;
    return new Promise<T>((resolve, reject) => {
      const t = d.transaction("kv", mode);
      const req = fn(t.objectStore("kv"));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(idbError(t.error));
    });
  };
  return {
    get: (key) => tx("readonly", (s) => s.get(key)),
    set: async (key, value) => {
      await tx("readwrite", (s) => s.put(value, key));
    },
  };
}

/**
 * Not shared: one guard per prefix in one JS realm (the guard keeps the state
 * in the core and saves it after each step). Keys: `{prefix}state`,
 * `{prefix}head` (or `{prefix}head:{replica}` with a `replica_id`),
 * `{prefix}replay`.
 */
export class BrowserStore implements GuardStore {
  readonly shared: boolean = false;
  readonly persistent: boolean = true;
  readonly backend: "chrome.storage.local" | "indexedDB";
  readonly #kv: KV;
  readonly #prefix: string;
  #queue: Promise<unknown> = Promise.resolve();
  #version = 0;

  /** `prefix` namespaces the keys (one guard per prefix). */
  constructor(opts: { prefix?: string; dbName?: string } = {}) {
    const c = (globalThis as { chrome?: { storage?: { local?: ChromeStorageArea } } }).chrome;
    this.#prefix = opts.prefix ?? "presidio-x402:";
    if (c?.storage?.local) {
      this.backend = "chrome.storage.local";
      this.#kv = chromeKV(c.storage.local);
    } else {
      this.backend = "indexedDB";
      this.#kv = idbKV(opts.dbName ?? "presidio-x402");
    }
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(fn);
    this.#queue = p.catch(() => {});
    return p;
  }

  #headKey(replica: string): string {
    return this.#prefix + (checkReplica(replica) === NO_REPLICA ? "head" : "head:" + replica);
  }

  async loadVersioned(): Promise<VersionedState> {
    return this.#serial(async () => {
      const state = ((await this.#kv.get(this.#prefix + "state")) as string | undefined) ?? null;
      if (state !== null && typeof state !== "string") throw new TypeError("the store holds an invalid state");
      return { state, version: String(this.#version) };
    });
  }
  async compareAndSet(state: string, version: string): Promise<boolean> {
    return this.#serial(async () => {
      if (version !== String(this.#version)) return false;
      await this.#kv.set(this.#prefix + "state", state);
      this.#version++;
      return true;
    });
  }
  async loadHead(replica: string): Promise<Head | null> {
    const key = this.#headKey(replica);
    return this.#serial(async () => {
      const h = await this.#kv.get(key);
      return h === undefined || h === null ? null : checkHead(h);
    });
  }
  async saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean> {
    const key = this.#headKey(replica);
    return this.#serial(async () => {
      const h = await this.#kv.get(key);
      const seq = h === undefined || h === null ? 0 : checkHead(h).seq;
      if (seq !== prevSeq) return false;
      await this.#kv.set(key, { seq: head.seq, mac: head.mac });
      return true;
    });
  }
  async checkAndSet(fp: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return this.#serial(async () => {
      const obj = ((await this.#kv.get(this.#prefix + "replay")) as Record<string, number> | undefined) ?? {};
      const m = new Map(Object.entries(obj));
      for (const [k, v] of m) if (v <= nowMs) m.delete(k);
      const fresh = replaySet(m, fp, ttlMs, nowMs);
      await this.#kv.set(this.#prefix + "replay", Object.fromEntries(m));
      return fresh;
    });
  }
  async forget(fp: string): Promise<void> {
    return this.#serial(async () => {
      const obj = ((await this.#kv.get(this.#prefix + "replay")) as Record<string, number> | undefined) ?? {};
      delete obj[fp];
      await this.#kv.set(this.#prefix + "replay", obj);
    });
  }
}
