/**
 * `RedisStore` (Node): the guard state, replay set and audit heads in Redis,
 * shared by every process (Node or Python) of one tenant. Keys and scripts
 * are those of docs/STORES.md; every key carries the tenant as a Redis Cluster
 * hash tag (`{tenant}`), so each script's keys are in one slot:
 *
 * - `{prefix}:{{tenant}}:state` hash: `v` (version), `s` (state JSON);
 *   written by a compare-and-set script;
 * - `{prefix}:{{tenant}}:replay:{fingerprint}`: set by a script (`SET … NX PX`);
 * - `{prefix}:{{tenant}}:head:{replica}` hash: `seq`, `mac`, by compare-and-set
 *   on `seq`.
 *
 * Round trips: the driver runs each step on the state the store last
 * answered (docs/STORES.md); {@link RedisStore.casState} stores the state and
 * sets the fingerprint (and saves an audit head the driver lets ride with it)
 * in one script and answers the state as it stands when it loses. The store
 * answers exactly what Redis says: it keeps nothing.
 *
 * State and heads written under the keys without the hash tag (0.4.0) are
 * still read (and copied once to the new key); see docs/STORES.md.
 *
 * Uses the optional peer dependency `ioredis` (or a client you pass: a
 * `Redis` or a `Cluster`). Any Redis error, timeout or unexpected answer is
 * thrown; the guard refuses the payment with `store-unavailable`.
 */
import { createRequire } from "node:module";
import { createHash } from "node:crypto";
import { type GuardStore, type VersionedState, type CasAnswer, type CasReplay, type CasHead, REPLICA_ID, checkReplica, checkHead } from "./stores.js";
import type { Head } from "./types.js";
import { redisScripts } from "./core.js";

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

interface Script {
  src: string;
  sha: string;
}
const script = (src: string): Script => ({ src, sha: createHash("sha1").update(src).digest("hex") });

/** The core's Lua scripts (docs/STORES.md; `core/src/driver/redis/`), read once on first use. */
interface Scripts {
  cas: Script;
  casFp: Script;
  casHead: Script;
  head: Script;
  replay: Script;
  adopt: Script;
}
let scriptCache: Scripts | undefined;
function scripts(): Scripts {
  if (scriptCache === undefined) {
    const t = redisScripts();
    scriptCache = { cas: script(t.cas), casFp: script(t.cas_fp), casHead: script(t.cas_head), head: script(t.head), replay: script(t.replay), adopt: script(t.adopt) };
  }
  return scriptCache;
}

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
  /** Saves an audit head in its compare-and-set (the core's `cas_head` script; docs/STORES.md). */
  readonly casHead: boolean = true;
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

  /** A key of this tenant: `{prefix}:{{tenant}}:…` (the tenant is the Redis Cluster hash tag). */
  #key(...parts: string[]): string {
    return [this.prefix, `{${this.tenant}}`, ...parts].join(":");
  }

  /** The same key as 0.4.0 named it (no hash tag): read for compatibility, never written. */
  #legacy(...parts: string[]): string {
    return [this.prefix, this.tenant, ...parts].join(":");
  }

  /** True for a Redis Cluster client (its keys must be in one slot per command). */
  get #cluster(): boolean {
    return (this.#client as { isCluster?: unknown }).isCluster === true;
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

  /**
   * Runs a script (`EVALSHA`, then `EVAL` when Redis lacks it); its answer is an
   * array whose first member is a status code: 0, 1, 2 (and 3 for `cas_head`).
   */
  async #eval(s: Script, keys: string[], ...args: string[]): Promise<unknown[]> {
    const r = await this.#cmd(async (c) => {
      try {
        return await c.evalsha(s.sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!/NOSCRIPT/.test(String((e as Error)?.message))) throw e;
        return c.eval(s.src, keys.length, ...keys, ...args);
      }
    });
    const codes = s === scripts().casHead ? [0, 1, 2, 3] : [0, 1, 2];
    if (!Array.isArray(r) || !codes.includes(r[0] as number)) throw new TypeError("Redis returned an unexpected script answer");
    return r as unknown[];
  }

  async loadVersioned(): Promise<VersionedState> {
    const cur = await this.#readState(this.#key("state"));
    if (cur) return cur;
    const old = await this.#readState(this.#legacy("state"));
    if (!old) return { state: null, version: "0" };
    // A 0.4.0 state: copied once under the new key with its version (the next compare-and-set goes on from it).
    await this.#eval(scripts().adopt, [this.#key("state")], "v", old.version, "s", old.state as string);
    return (await this.#readState(this.#key("state"))) ?? { state: null, version: "0" };
  }

  async #readState(key: string): Promise<VersionedState | null> {
    const r = await this.#cmd((c) => c.hmget(key, "v", "s"));
    if (!Array.isArray(r) || r.length !== 2) throw new TypeError("Redis returned an unexpected HMGET answer");
    const [v, s] = r as unknown[];
    if (v === null && s === null) return null;
    if (typeof v !== "string" || !DECIMAL.test(v) || typeof s !== "string") {
      throw new TypeError("the Redis state hash is malformed");
    }
    return { state: s, version: v };
  }

  async compareAndSet(state: string, version: string): Promise<boolean> {
    return (await this.casState(state, version, null)).won;
  }

  /**
   * The compare-and-set, with the fingerprint set and the audit head saved in
   * the same script (docs/STORES.md): `cas`, `cas_fp`, or `cas_head` for a call with a head.
   */
  async casState(state: string, version: string, replay: CasReplay | null, head?: CasHead | null): Promise<CasAnswer> {
    let r: unknown[];
    const replayKeys = (fp: string): string[] =>
      // On one Redis, a fingerprint 0.4.0 set (its key has no hash tag) still counts.
      this.#cluster ? [this.#key("replay", fp)] : [this.#key("replay", fp), this.#legacy("replay", fp)];
    const ttl = (ms: number): string => String(Math.max(1, Math.ceil(ms)));
    if (head !== undefined && head !== null) {
      const [key, prevSeq, h] = this.#headArgs(head.replica, head.head, head.prevSeq);
      const keys = [this.#key("state"), key, ...(replay === null ? [] : replayKeys(replay.fingerprint))];
      const args = [version, state, prevSeq, String(h.seq), h.mac, ...(replay === null ? [] : [ttl(replay.ttlMs)])];
      r = await this.#eval(scripts().casHead, keys, ...args);
      if (r[0] === 3) return { won: false, headSaved: false };
    } else if (replay === null) {
      r = await this.#eval(scripts().cas, [this.#key("state")], version, state);
    } else {
      r = await this.#eval(scripts().casFp, [this.#key("state"), ...replayKeys(replay.fingerprint)], version, state, ttl(replay.ttlMs));
    }
    if (r[0] === 2) return { won: false, fresh: false };
    if (r[0] === 1) {
      if (typeof r[1] !== "string" || !DECIMAL.test(r[1])) throw new TypeError("Redis returned an unexpected script answer");
      const won: CasAnswer = { won: true, version: r[1] };
      if (replay !== null) won.fresh = true;
      if (head !== undefined && head !== null) won.headSaved = true;
      return won;
    }
    const v = r[1] ?? null;
    const s = r[2] ?? null;
    if (v === null && s === null) return { won: false, state: null, version: "0" };
    if (typeof v !== "string" || !DECIMAL.test(v) || typeof s !== "string") throw new TypeError("the Redis state hash is malformed");
    return { won: false, state: s, version: v };
  }

  async checkAndSet(fingerprint: string, ttlMs: number, _nowMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)));
    const keys = [this.#key("replay", fingerprint), this.#key("state")];
    // On one Redis, a fingerprint 0.4.0 set (its key has no hash tag) still counts.
    if (!this.#cluster) keys.push(this.#legacy("replay", fingerprint));
    const r = await this.#eval(scripts().replay, keys, ttl);
    return r[0] === 1;
  }

  async forget(fingerprint: string): Promise<void> {
    await this.#cmd((c) => c.del(this.#key("replay", fingerprint)));
  }

  async loadHead(replica: string): Promise<Head | null> {
    checkReplica(replica);
    const head = await this.#readHead(this.#key("head", replica));
    if (head) return head;
    const old = await this.#readHead(this.#legacy("head", replica));
    if (!old) return null;
    await this.#eval(scripts().adopt, [this.#key("head", replica)], "seq", String(old.seq), "mac", old.mac);
    return this.#readHead(this.#key("head", replica));
  }

  /**
   * Every stored head (the `head:{replica}` hashes, found with `SCAN` on every
   * master of a cluster; 0.4.0's keys too, the new key winning), for {@link verifyAuditDir}.
   */
  async loadHeads(): Promise<Record<string, Head>> {
    const out: Record<string, Head> = {};
    for (const prefix of [this.#legacy("head", ""), this.#key("head", "")]) {
      for (const k of await this.#scan(prefix + "*")) {
        const replica = k.slice(prefix.length);
        if (!k.startsWith(prefix) || !REPLICA_ID.test(replica)) throw new TypeError("a Redis head key does not name a replica");
        const h = await this.#readHead(k);
        if (h) out[replica] = h;
      }
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** The keys matching a `SCAN` pattern (every master of a cluster). */
  async #scan(pattern: string): Promise<string[]> {
    const c = this.#client as RedisClientLike & { nodes?: (role: string) => RedisClientLike[] };
    const nodes = this.#cluster && c.nodes ? c.nodes("master") : [c];
    const keys = new Set<string>();
    for (const node of nodes) {
      let cursor = "0";
      do {
        const r = await this.#cmd(() => {
          if (!node.scan) throw new TypeError("the Redis client has no scan()");
          return node.scan(cursor, "MATCH", pattern, "COUNT", 256);
        });
        if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== "string" || !Array.isArray(r[1])) {
          throw new TypeError("Redis returned an unexpected SCAN answer");
        }
        cursor = r[0];
        for (const k of r[1] as unknown[]) keys.add(String(k));
      } while (cursor !== "0");
    }
    return [...keys].sort();
  }

  async #readHead(key: string): Promise<Head | null> {
    const r = await this.#cmd((c) => c.hmget(key, "seq", "mac"));
    if (!Array.isArray(r) || r.length !== 2) throw new TypeError("Redis returned an unexpected HMGET answer");
    const [seq, mac] = r as unknown[];
    if (seq === null && mac === null) return null;
    if (typeof seq !== "string" || !DECIMAL.test(seq)) throw new TypeError("the Redis head hash is malformed");
    return checkHead({ seq: Number(seq), mac });
  }

  /** A head save's checked arguments: the replica's head key, `prevSeq` (decimal) and the head. */
  #headArgs(replica: string, head: Head, prevSeq: number): [string, string, Head] {
    const key = this.#key("head", checkReplica(replica));
    const h = checkHead(head);
    if (!Number.isSafeInteger(prevSeq) || prevSeq < 0) throw new TypeError("invalid prevSeq");
    return [key, String(prevSeq), h];
  }

  async saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean> {
    const [key, prev, h] = this.#headArgs(replica, head, prevSeq);
    const r = await this.#eval(scripts().head, [key, this.#key("state")], prev, String(h.seq), h.mac);
    return r[0] === 1;
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
