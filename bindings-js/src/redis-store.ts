/**
 * `RedisStore` (Node): the guard state, replay set and audit heads in Redis,
 * shared by every process (Node or Python) of one tenant. Keys and scripts
 * are those of docs/STORES.md:
 *
 * - `{prefix}:{tenant}:state` hash: `v` (version), `s` (state JSON); read
 *   with one `HMGET`, written by a compare-and-set script;
 * - `{prefix}:{tenant}:replay:{fingerprint}`: `SET … 1 NX PX ttl`;
 * - `{prefix}:{tenant}:head:{replica}` hash: `seq`, `mac`, by compare-and-set
 *   on `seq`.
 *
 * Uses the optional peer dependency `ioredis` (or a client you pass). Any
 * Redis error, timeout or unexpected answer is thrown; the guard refuses the
 * payment with `store-unavailable`.
 */
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { type GuardStore, type VersionedState, REPLICA_ID, checkReplica, checkHead } from "./stores.js";
import type { Head } from "./types.js";

/** The client methods the store uses (an `ioredis` `Redis` instance fits). */
export interface RedisClientLike {
  status?: string;
  connect?(): Promise<unknown>;
  hmget(key: string, ...fields: string[]): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  set(key: string, value: string, ...args: (string | number)[]): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  /** `SCAN cursor MATCH pattern COUNT n` (for {@link RedisStore.loadHeads}). */
  scan?(cursor: string | number, ...args: (string | number)[]): Promise<unknown>;
  quit?(): Promise<unknown>;
  disconnect?(): void;
  on?(event: string, listener: (...args: unknown[]) => void): unknown;
  once?(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** A client to use (not closed by the store). Default: a new `ioredis` client for `url`. */
  client?: RedisClientLike;
  /** `redis://[user:password@]host:port/db` (default `redis://127.0.0.1:6379`). Never printed. */
  url?: string;
  /** Separates applications on one Redis (default `presidio_x402`). No `:` or spaces. */
  prefix?: string;
  /** Separates budgets: one tenant per agent or customer (default `default`). No `:` or spaces. */
  tenant?: string;
  /** Connect and command timeout in ms (default 2000). */
  timeoutMs?: number;
}

/** Compare-and-set of the state hash (docs/STORES.md). */
const CAS_LUA = `local v = redis.call('HGET', KEYS[1], 'v') or '0'
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'v', tostring(tonumber(v) + 1), 's', ARGV[2])
return 1`;

/** Compare-and-set of a replica's audit head on its seq (docs/STORES.md). */
const HEAD_LUA = `local s = redis.call('HGET', KEYS[1], 'seq') or '0'
if s ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'seq', ARGV[2], 'mac', ARGV[3])
return 1`;

interface Script {
  src: string;
  sha: string;
}
const script = (src: string): Script => ({ src, sha: createHash("sha1").update(src).digest("hex") });
const CAS = script(CAS_LUA);
const HEAD = script(HEAD_LUA);

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

function checkName(what: string, v: string): string {
  if (typeof v !== "string" || v === "" || v.length > 128 || /[:\s]/.test(v)) {
    throw new TypeError(`RedisStore: ${what} must be 1-128 characters without ':' or spaces`);
  }
  return v;
}

type IoredisCtor = new (url: string, options: Record<string, unknown>) => RedisClientLike;

function loadIoredis(): IoredisCtor {
  // ioredis 5 and 6 export the class as `Redis`, `default` and the module itself.
  let mod: IoredisCtor & { Redis?: IoredisCtor; default?: IoredisCtor };
  try {
    mod = createRequire(import.meta.url)("ioredis") as typeof mod;
  } catch (e) {
    throw new Error("RedisStore needs the ioredis package: npm install ioredis", { cause: e });
  }
  return mod.Redis ?? mod.default ?? mod;
}

const TIMED_OUT = "Redis command timed out";

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(TIMED_OUT)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/** Our deadline, or ioredis's `commandTimeout` / `connectTimeout`. */
function isTimeout(e: unknown): boolean {
  const m = String((e as Error)?.message ?? "");
  return m === TIMED_OUT || m === "Command timed out" || /ETIMEDOUT/.test(m);
}

/** The guard state, replay set and audit heads of one tenant in Redis (shared). */
export class RedisStore implements GuardStore {
  readonly shared: boolean = true;
  readonly persistent: boolean = true;
  readonly prefix: string;
  readonly tenant: string;
  readonly #client: RedisClientLike;
  readonly #own: boolean;
  readonly #timeoutMs: number;
  #connecting: Promise<unknown> | null = null;
  /** A dropped connection, until the client has closed it (`end`). */
  #dropping: Promise<void> | null = null;

  constructor(opts: RedisStoreOptions = {}) {
    this.prefix = checkName("prefix", opts.prefix ?? "presidio_x402");
    this.tenant = checkName("tenant", opts.tenant ?? "default");
    this.#timeoutMs = opts.timeoutMs ?? 2000;
    if (!(this.#timeoutMs > 0)) throw new TypeError("RedisStore: timeoutMs must be positive");
    if (opts.client) {
      this.#client = opts.client;
      this.#own = false;
    } else {
      const Redis = loadIoredis();
      this.#client = new Redis(opts.url ?? "redis://127.0.0.1:6379", {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: this.#timeoutMs,
        commandTimeout: this.#timeoutMs,
        // No background reconnection loop: a lost connection ends, and the
        // next command connects again (failing fast while Redis is down).
        retryStrategy: () => null,
      });
      // Errors reach callers through rejected commands; no unhandled 'error' events.
      this.#client.on?.("error", () => {});
      this.#own = true;
    }
  }

  #key(...parts: string[]): string {
    return [this.prefix, this.tenant, ...parts].join(":");
  }

  /** Runs one command with a deadline; a lazy client is connected first. */
  async #cmd<T>(fn: (c: RedisClientLike) => Promise<T>): Promise<T> {
    const c = this.#client;
    if (this.#dropping) await this.#dropping;
    if ((c.status === "wait" || c.status === "end") && c.connect) {
      this.#connecting ??= c.connect().finally(() => {
        this.#connecting = null;
      });
    }
    try {
      if (this.#connecting) await timeout(this.#connecting, this.#timeoutMs);
      return await timeout(fn(c), this.#timeoutMs);
    } catch (e) {
      // No answer in time: the connection may be dead without a FIN or RST (a
      // black hole), and every later command on it would time out too. The
      // store's own client drops it; the next command connects anew.
      if (this.#own && isTimeout(e)) this.#drop();
      throw e;
    }
  }

  /** Closes the own client's connection; the next command waits for the close, then connects. */
  #drop(): void {
    const c = this.#client;
    if (this.#dropping || !c.disconnect) return;
    this.#dropping = new Promise<void>((resolve) => {
      c.once?.("end", () => resolve());
      // Never waits longer than one command's deadline, whatever the client does.
      const t = setTimeout(resolve, this.#timeoutMs);
      (t as { unref?: () => void }).unref?.();
      c.disconnect?.();
      if (c.status === "end" || !c.once) resolve();
    }).finally(() => {
      this.#dropping = null;
    });
  }

  async #eval(s: Script, key: string, ...args: string[]): Promise<boolean> {
    const r = await this.#cmd(async (c) => {
      try {
        return await c.evalsha(s.sha, 1, key, ...args);
      } catch (e) {
        if (!/NOSCRIPT/.test(String((e as Error)?.message))) throw e;
        return c.eval(s.src, 1, key, ...args);
      }
    });
    if (r !== 0 && r !== 1) throw new TypeError("Redis returned an unexpected script answer");
    return r === 1;
  }

  async loadVersioned(): Promise<VersionedState> {
    const r = await this.#cmd((c) => c.hmget(this.#key("state"), "v", "s"));
    if (!Array.isArray(r) || r.length !== 2) throw new TypeError("Redis returned an unexpected HMGET answer");
    const [v, s] = r as unknown[];
    if (v === null && s === null) return { state: null, version: "0" };
    if (typeof v !== "string" || !DECIMAL.test(v) || typeof s !== "string") {
      throw new TypeError("the Redis state hash is malformed");
    }
    return { state: s, version: v };
  }

  async compareAndSet(state: string, version: string): Promise<boolean> {
    return this.#eval(CAS, this.#key("state"), version, state);
  }

  async checkAndSet(fingerprint: string, ttlMs: number, _nowMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const r = await this.#cmd((c) => c.set(this.#key("replay", fingerprint), "1", "PX", ttl, "NX"));
    if (r === "OK") return true;
    if (r === null) return false;
    throw new TypeError("Redis returned an unexpected SET answer");
  }

  async forget(fingerprint: string): Promise<void> {
    await this.#cmd((c) => c.del(this.#key("replay", fingerprint)));
  }

  async loadHead(replica: string): Promise<Head | null> {
    return this.#readHead(this.#key("head", checkReplica(replica)));
  }

  /** Every stored head (the `head:{replica}` hashes, found with `SCAN`), for {@link verifyAuditDir}. */
  async loadHeads(): Promise<Record<string, Head>> {
    const prefix = this.#key("head", "");
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const r = await this.#cmd((c) => {
        if (!c.scan) throw new TypeError("the Redis client has no scan()");
        return c.scan(cursor, "MATCH", prefix + "*", "COUNT", 256);
      });
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "string" || !Array.isArray(r[1])) {
        throw new TypeError("Redis returned an unexpected SCAN answer");
      }
      cursor = r[0];
      for (const k of r[1] as unknown[]) keys.add(String(k));
    } while (cursor !== "0");
    const out: Record<string, Head> = {};
    for (const k of [...keys].sort()) {
      const replica = k.slice(prefix.length);
      if (!k.startsWith(prefix) || !REPLICA_ID.test(replica)) throw new TypeError("a Redis head key does not name a replica");
      const h = await this.#readHead(k);
      if (h) out[replica] = h;
    }
    return out;
  }

  async #readHead(key: string): Promise<Head | null> {
    const r = await this.#cmd((c) => c.hmget(key, "seq", "mac"));
    if (!Array.isArray(r) || r.length !== 2) throw new TypeError("Redis returned an unexpected HMGET answer");
    const [seq, mac] = r as unknown[];
    if (seq === null && mac === null) return null;
    if (typeof seq !== "string" || !DECIMAL.test(seq)) throw new TypeError("the Redis head hash is malformed");
    return checkHead({ seq: Number(seq), mac });
  }

  async saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean> {
    const key = this.#key("head", checkReplica(replica));
    const h = checkHead(head);
    if (!Number.isSafeInteger(prevSeq) || prevSeq < 0) throw new TypeError("invalid prevSeq");
    return this.#eval(HEAD, key, String(prevSeq), String(h.seq), h.mac);
  }

  /** Closes the store's own connection (a client passed in stays open). */
  async close(): Promise<void> {
    if (!this.#own) return;
    const c = this.#client;
    try {
      if (c.status === "ready" && c.quit) await timeout(c.quit(), this.#timeoutMs);
    } catch {
      /* closing anyway */
    } finally {
      c.disconnect?.();
    }
  }

  toString(): string {
    return `RedisStore(${this.prefix}:${this.tenant})`;
  }
  toJSON(): string {
    return this.toString();
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `RedisStore { prefix: '${this.prefix}', tenant: '${this.tenant}' }`;
  }
}
