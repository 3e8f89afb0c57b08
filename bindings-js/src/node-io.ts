/** Node-only adapters: the durable file store, file/stream audit sinks, DNS, policy files. */
import { promises as fsp, constants as FS } from "node:fs";
import * as path from "node:path";
import { lookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import { Readable, type Writable } from "node:stream";
import { randomBytes } from "node:crypto";
import { type GuardStore, type VersionedState, type CasAnswer, type CasReplay, type CasHead, REPLICA_ID, checkReplica, checkHead } from "./stores.js";
import { repairTail, TAIL_WINDOW_BYTES, type AuditSink, type TailRepair } from "./audit.js";
import type { GuardConfig } from "./config-types.js";
import { loadPolicy } from "./policy.js";
import { X402GuardError } from "./errors.js";
import { verifyAuditChains } from "./audit.js";
import { callAudit } from "./core.js";
import type { ChainsReport, Head, KeyInput } from "./types.js";

/** Writes `data` to `file` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const fh = await fsp.open(tmp, FS.O_CREAT | FS.O_EXCL | FS.O_WRONLY, 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(path.dirname(file));
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, "r");
  try {
    await fh.sync();
  } catch {
    /* some filesystems cannot fsync a directory */
  } finally {
    await fh.close();
  }
}

async function readOr(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One operation at a time per directory within this process (the lock file orders processes). */
const dirQueues = new Map<string, Promise<unknown>>();

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  /** How long to wait for a lock held by a live process before `store-unavailable` (default 10 000 ms). */
  lockTimeoutMs?: number;
}

/** An empty lock file older than this is a crash between its creation and its pid. */
const EMPTY_LOCK_STALE_MS = 2000;

/**
 * A store in a directory shared by the processes of one host, Node or Python
 * (docs/STORES.md): `state.json` (`{"version": N, "state": "…"}`),
 * `replay.json` (fingerprint → expiry ms), `head-{replica}.json`
 * (`{"seq", "mac"}`). Each operation holds the `lock` file (created with
 * `O_CREAT|O_EXCL`, holding the owner's pid); a lock of a dead pid is broken,
 * a lock held by a live process for longer than 10 s is `store-unavailable`.
 * Every write is atomic (temp + fsync + rename + directory fsync): a `kill -9`
 * at any instant leaves the old or the new file.
 */
export class FileStore implements GuardStore {
  readonly shared: boolean = true;
  readonly persistent: boolean = true;
  /** Saves an audit head in its compare-and-set, under the same lock (docs/STORES.md). */
  readonly casHead: boolean = true;
  readonly dir: string;
  /** The directory's real path (the in-process queue key), known after {@link FileStore.open}. */
  #key = "";
  readonly #lockTimeoutMs: number;
  #ready: Promise<void> | null = null;

  constructor(dir: string, opts: FileStoreOptions = {}) {
    this.dir = dir;
    this.#lockTimeoutMs = opts.lockTimeoutMs ?? 10_000;
  }

  /** Creates the directory (mode 0700) and removes temp files of dead processes. */
  static async open(dir: string, opts: FileStoreOptions = {}): Promise<FileStore> {
    const s = new FileStore(dir, opts);
    await s.#prepare();
    return s;
  }

  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
      this.#key = await fsp.realpath(this.dir);
      for (const name of await fsp.readdir(this.dir)) {
        const m = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
        if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) await fsp.rm(this.#file(name), { force: true });
      }
    })();
    this.#ready.catch(() => {
      this.#ready = null;
    });
    return this.#ready;
  }

  #file(name: string): string {
    return path.join(this.dir, name);
  }

  /** Runs `fn` holding the directory's lock (in-process queue, then the lock file). */
  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await this.#prepare();
    const prev = dirQueues.get(this.#key) ?? Promise.resolve();
    const p = prev.then(async () => {
      await this.#acquire();
      try {
        return await fn();
      } finally {
        await this.#release();
      }
    });
    const tail = p.catch(() => {});
    dirQueues.set(this.#key, tail);
    void tail.then(() => {
      if (dirQueues.get(this.#key) === tail) dirQueues.delete(this.#key);
    });
    return p;
  }

  /** Removes the lock file if it still holds our pid. */
  async #release(): Promise<void> {
    const lockFile = this.#file("lock");
    const t = await readOr(lockFile);
    if (t !== null && t.trim() === String(process.pid)) await fsp.rm(lockFile, { force: true });
  }

  async #acquire(): Promise<void> {
    const lockFile = this.#file("lock");
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
      try {
        const fh = await fsp.open(lockFile, FS.O_CREAT | FS.O_EXCL | FS.O_WRONLY, 0o600);
        try {
          await fh.writeFile(String(process.pid));
        } finally {
          await fh.close();
        }
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
      if (await this.#breakStale(lockFile)) continue;
      if (Date.now() >= deadline) {
        throw new X402GuardError("store-unavailable", "store-unavailable: the store directory stayed locked by another live process");
      }
      await sleep(wait * (0.5 + Math.random()));
    }
  }

  /**
   * Breaks the lock when its owner is dead: our own pid (this process holds
   * no lock here outside the queue), a pid that no longer runs, or an empty
   * file left by a crash before its pid was written. The lock is renamed
   * away first, so two processes breaking at once cannot remove a fresh lock.
   */
  async #breakStale(lockFile: string): Promise<boolean> {
    const owner = async (file: string): Promise<{ pid: number | null; mtimeMs: number } | null> => {
      try {
        const [text, st] = await Promise.all([fsp.readFile(file, "utf8"), fsp.stat(file)]);
        const t = text.trim();
        return { pid: /^[1-9][0-9]{0,9}$/.test(t) ? Number(t) : null, mtimeMs: st.mtimeMs };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    };
    const stale = (o: { pid: number | null; mtimeMs: number }): boolean =>
      o.pid === null ? Date.now() - o.mtimeMs > EMPTY_LOCK_STALE_MS : o.pid === process.pid || !alive(o.pid);
    const seen = await owner(lockFile);
    if (seen === null) return true; // released meanwhile
    if (!stale(seen)) return false;
    const aside = `${lockFile}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await fsp.rename(lockFile, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
      throw e;
    }
    const got = await owner(aside);
    if (got !== null && !stale(got)) {
      // A live lock was taken between our read and the rename: put it back unless a new one exists.
      await fsp.link(aside, lockFile).catch(() => {});
    }
    await fsp.rm(aside, { force: true });
    return true;
  }

  async loadVersioned(): Promise<VersionedState> {
    return this.#locked(() => this.#readState());
  }

  async #readState(): Promise<VersionedState> {
    const t = await readOr(this.#file("state.json"));
    if (t === null) return { state: null, version: "0" };
    const v = JSON.parse(t) as { version?: unknown; state?: unknown };
    if (v === null || typeof v !== "object" || !Number.isSafeInteger(v.version) || (v.version as number) < 0 || typeof v.state !== "string") {
      throw new TypeError("state.json is not {version, state}");
    }
    return { state: v.state, version: String(v.version) };
  }

  async compareAndSet(state: string, version: string): Promise<boolean> {
    return (await this.casState(state, version, null)).won;
  }

  /**
   * The compare-and-set with the fingerprint and the audit head, under the
   * directory's lock (docs/STORES.md; the Redis scripts' rule): another
   * version, a head whose stored seq is not `prevSeq`, or a live fingerprint
   * writes nothing; else the replay set, the state and the head are written
   * (each atomically, in that order: a crash between them leaves the log ahead of its head).
   */
  async casState(state: string, version: string, replay: CasReplay | null, head?: CasHead | null): Promise<CasAnswer> {
    let save: { file: string; head: Head; prevSeq: number } | null = null;
    if (head !== undefined && head !== null) {
      if (!Number.isSafeInteger(head.prevSeq) || head.prevSeq < 0) throw new TypeError("invalid prevSeq");
      save = { file: this.#headFile(head.replica), head: checkHead(head.head), prevSeq: head.prevSeq };
    }
    return this.#locked(async () => {
      const cur = await this.#readState();
      if (cur.version !== version) return { won: false, state: cur.state, version: cur.version };
      if (save !== null && ((await this.#readHead(save.file))?.seq ?? 0) !== save.prevSeq) return { won: false, headSaved: false };
      if (replay) {
        const m = await this.#readReplay();
        const exp = m.get(replay.fingerprint);
        if (exp !== undefined && exp > replay.nowMs) return { won: false, fresh: false };
        for (const [k, v] of m) if (v <= replay.nowMs) m.delete(k);
        m.set(replay.fingerprint, replay.nowMs + replay.ttlMs);
        await writeAtomic(this.#file("replay.json"), JSON.stringify(Object.fromEntries(m)));
      }
      const next = String(Number(cur.version) + 1);
      await writeAtomic(this.#file("state.json"), JSON.stringify({ version: Number(next), state }));
      const won: CasAnswer = { won: true, version: next };
      if (replay) won.fresh = true;
      if (save !== null) {
        await writeAtomic(save.file, JSON.stringify({ seq: save.head.seq, mac: save.head.mac }));
        won.headSaved = true;
      }
      return won;
    });
  }

  #headFile(replica: string): string {
    return this.#file(`head-${checkReplica(replica)}.json`);
  }

  async #readHead(file: string): Promise<Head | null> {
    const t = await readOr(file);
    return t === null ? null : checkHead(JSON.parse(t));
  }

  async loadHead(replica: string): Promise<Head | null> {
    const file = this.#headFile(replica);
    return this.#locked(() => this.#readHead(file));
  }

  /** Every stored head (the `head-{replica}.json` files), for {@link verifyAuditDir}. */
  async loadHeads(): Promise<Record<string, Head>> {
    const out: Record<string, Head> = {};
    for (const n of (await fsp.readdir(this.dir)).sort()) {
      const m = /^head-(.+)\.json$/.exec(n);
      if (!m || !REPLICA_ID.test(m[1]!)) continue;
      const h = await this.#readHead(this.#headFile(m[1]!));
      if (h) out[m[1]!] = h;
    }
    return out;
  }

  async saveHead(replica: string, head: Head, prevSeq: number): Promise<boolean> {
    const file = this.#headFile(replica);
    return this.#locked(async () => {
      if (((await this.#readHead(file))?.seq ?? 0) !== prevSeq) return false;
      await writeAtomic(file, JSON.stringify({ seq: head.seq, mac: head.mac }));
      return true;
    });
  }

  async #readReplay(): Promise<Map<string, number>> {
    const t = await readOr(this.#file("replay.json"));
    if (t === null) return new Map();
    const v = JSON.parse(t) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new TypeError("replay.json is not an object");
    const m = new Map<string, number>();
    for (const [k, exp] of Object.entries(v)) {
      if (typeof exp !== "number" || !Number.isFinite(exp)) throw new TypeError("replay.json holds a bad expiry");
      m.set(k, exp);
    }
    return m;
  }

  async checkAndSet(fp: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return this.#locked(async () => {
      const m = await this.#readReplay();
      const exp = m.get(fp);
      if (exp !== undefined && exp > nowMs) return false;
      for (const [k, v] of m) if (v <= nowMs) m.delete(k);
      m.set(fp, nowMs + ttlMs);
      await writeAtomic(this.#file("replay.json"), JSON.stringify(Object.fromEntries(m)));
      return true;
    });
  }

  async forget(fp: string): Promise<void> {
    return this.#locked(async () => {
      const m = await this.#readReplay();
      if (m.delete(fp)) await writeAtomic(this.#file("replay.json"), JSON.stringify(Object.fromEntries(m)));
    });
  }

  /** Waits for this process's pending operations on the directory. */
  async close(): Promise<void> {
    if (this.#key) await dirQueues.get(this.#key);
  }

  toString(): string {
    return "FileStore";
  }
}

/** The core's tail decision for an open log: reads its last 64 KiB (I/O only). */
async function readTail(fh: fsp.FileHandle): Promise<TailRepair> {
  const { size } = await fh.stat();
  const start = Math.max(0, size - TAIL_WINDOW_BYTES);
  const buf = Buffer.alloc(size - start);
  if (buf.length > 0) await fh.read(buf, 0, buf.length, start);
  return repairTail(buf, start);
}

/**
 * Appends each line to a JSONL file and fsyncs it before the payment goes
 * on. The file is the source of truth for the audit head on restart.
 */
export class FileAuditSink implements AuditSink {
  readonly file: string;
  #fh: fsp.FileHandle | null = null;
  constructor(file: string) {
    this.file = file;
  }
  #opening: Promise<fsp.FileHandle> | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Opens the log for appending, after repairing its tail as the core's
   * `audit.repair-tail` decides (a torn append, never reported written, is
   * cut; a complete line missing only its newline gets it), so the next
   * line does not land after a torn one; a new file's directory entry is fsynced.
   */
  #open(): Promise<fsp.FileHandle> {
    if (this.#fh) return Promise.resolve(this.#fh);
    this.#opening ??= (async () => {
      let created = false;
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(this.file, FS.O_RDWR | FS.O_APPEND);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        fh = await fsp.open(this.file, FS.O_RDWR | FS.O_APPEND | FS.O_CREAT, 0o600);
        created = true;
      }
      try {
        // The core decides (audit.repair-tail); this only reads the tail and acts.
        const r = await readTail(fh);
        if (r.action !== "none") {
          if (r.action === "append-newline") await fh.appendFile("\n");
          else await fh.truncate(r.at);
          await fh.sync();
        }
        if (created) await syncDir(path.dirname(path.resolve(this.file)));
      } catch (e) {
        await fh.close().catch(() => {});
        throw e;
      }
      this.#fh = fh;
      return fh;
    })();
    this.#opening.catch(() => {
      this.#opening = null;
    });
    return this.#opening;
  }

  /** Appends the line and resolves only once it is fsynced (durable). */
  write(line: string): Promise<void> {
    const p = this.#queue.then(async () => {
      const fh = await this.#open();
      await fh.appendFile(line + "\n");
      await fh.sync();
    });
    this.#queue = p.catch(() => {});
    return p;
  }
  /** The head of the log once repaired (reads only its last 64 KiB; the core reads the line). */
  async head(): Promise<Head | null> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.file, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    try {
      return (await readTail(fh)).head;
    } finally {
      await fh.close();
    }
  }
  async close(): Promise<void> {
    await this.#queue;
    await this.#fh?.close();
    this.#fh = null;
    this.#opening = null;
  }
}

/** Writes each line to a Node stream (stdout, a socket, a log shipper). */
export function streamAuditSink(stream: Writable): AuditSink {
  return {
    write: (line) =>
      new Promise<void>((resolve, reject) => stream.write(line + "\n", (e) => (e ? reject(e) : resolve()))),
  };
}

/** Resolves a host with `dns.promises.lookup` (every address). */
export async function resolveHost(host: string): Promise<string[]> {
  const r = await lookup(host, { all: true, verbatim: true });
  return r.map((a) => a.address);
}

/** Reads and validates a `.json` or `.toml` policy file; every error is reported with its path. */
export async function loadPolicyFile(file: string): Promise<GuardConfig> {
  const text = await fsp.readFile(file, "utf8");
  return loadPolicy(text, file.toLowerCase().endsWith(".toml") ? "toml" : "json");
}

/** Where {@link verifyAuditDir} takes the replicas' stored heads from. */
export interface AuditDirHeads {
  /** The heads themselves: replica id → head (`"-"` for a guard without `replica_id`). */
  heads?: Record<string, Head>;
  /** A store whose `loadHeads()` gives them (`FileStore`, `RedisStore`, `MemoryStore`). */
  store?: Pick<GuardStore, "loadHeads">;
}

/**
 * Verifies every `*.jsonl` chain of a log directory with the core's
 * `audit.verify-chains` (one chain per replica): each chain on its own from
 * seq 1, and no two chains of one replica (`audit-replica-duplicate`). Given
 * the replicas' stored heads (`opts.heads`, or `opts.store.loadHeads()`), also
 * a cut tail (`audit-truncated`), a chain that does not hold its head
 * (`audit-head-mismatch`) and a replica whose log is gone (`missing`,
 * `audit-log-missing`); without them `truncation_checked` is false. Returns
 * the report; throws a coded error only for a bad key (`key-too-short`) or
 * input.
 */
export async function verifyAuditDir(dir: string, key: KeyInput, opts: AuditDirHeads = {}): Promise<ChainsReport> {
  if (opts.heads && opts.store) throw new TypeError("verifyAuditDir: give heads or store, not both");
  let heads = opts.heads;
  if (opts.store) {
    if (!opts.store.loadHeads) throw new TypeError("verifyAuditDir: the store cannot list its heads (no loadHeads)");
    heads = await opts.store.loadHeads();
  }
  const names = (await fsp.readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.endsWith(".jsonl"))
    .map((d) => d.name)
    .sort();
  const chains: { name: string; text: string }[] = [];
  for (const name of names) chains.push({ name, text: await fsp.readFile(path.join(dir, name), "utf8") });
  return verifyAuditChains(key, chains, heads);
}

/** The compliance report of a log directory (the core's `audit.report`). */
export interface ComplianceReport {
  /** The report as an object (amounts are exact decimal strings). */
  report: ComplianceReportData;
  /** Its canonical JSON text: byte-identical to Python's `ComplianceReport.to_json()`. */
  json: string;
  /** The same facts as Markdown. */
  markdown: string;
}

/** The fields of {@link ComplianceReport.report} (see the core's `audit::report` docs). */
export interface ComplianceReportData {
  v: 1;
  /** Every chain verified and no replica's log is missing. */
  chain_ok: boolean;
  /** Every chain was compared with its replica's stored head. */
  truncation_checked: boolean;
  /** Where each chain failed, missing logs, unchecked truncation. */
  chain_warnings: string[];
  /** Per chain: `counted` lines, and `line`/`seq`/`code` where it failed. */
  chains: { name: string; replica: string | null; ok: boolean; counted: number; head: Head | null; line: number | null; seq: number | null; code: string | null }[];
  /** Replicas with a stored head and no log. */
  missing: { replica: string; stored_head: Head; code: string }[];
  /** Lines not counted (from each failed chain's failure on). */
  unverified_lines: number;
  total_events: number;
  allowed: number;
  blocked: number;
  settled: number;
  unconfirmed: number;
  failed: number;
  /** Exact decimal USD. */
  total_spend_usd: string;
  blocked_by_code: Record<string, number>;
  pii_entity_counts: Record<string, number>;
  agent_summaries: {
    agent_id: string | null; total_payments: number; total_usd: string; pii_redacted: number;
    blocked_pii: number; blocked_policy: number; blocked_replay: number; payment_errors: number;
  }[];
}

/**
 * The compliance report of a log directory (every `*.jsonl`, one chain per
 * replica) or of one log file, from the core's `audit.report`: the chains are
 * verified first and only lines that verified are counted; a failed chain is
 * reported with its line, seq and code, and without stored heads (`opts`, as
 * for {@link verifyAuditDir}) a warning says truncation was not checked.
 * The JSON text is the same bytes as Python's `ComplianceReport`.
 */
export async function complianceReport(dir: string, key: KeyInput, opts: AuditDirHeads = {}): Promise<ComplianceReport> {
  if (opts.heads && opts.store) throw new TypeError("complianceReport: give heads or store, not both");
  let heads = opts.heads;
  if (opts.store) {
    if (!opts.store.loadHeads) throw new TypeError("complianceReport: the store cannot list its heads (no loadHeads)");
    heads = await opts.store.loadHeads();
  }
  const chains: { name: string; text: string }[] = [];
  if ((await fsp.stat(dir)).isDirectory()) {
    const names = (await fsp.readdir(dir, { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith(".jsonl"))
      .map((d) => d.name)
      .sort();
    for (const name of names) chains.push({ name, text: await fsp.readFile(path.join(dir, name), "utf8") });
  } else {
    chains.push({ name: path.basename(dir), text: await fsp.readFile(dir, "utf8") });
  }
  const keyHex = typeof key === "string" ? key : Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");
  const out = callAudit<{ json: string; markdown: string }>("audit.report", { key_hex: keyHex, chains, heads: heads ?? null });
  return { report: JSON.parse(out.json) as ComplianceReportData, json: out.json, markdown: out.markdown };
}

/**
 * A `fetch` for one webhook POST that connects to `address` (already checked
 * by the core) whatever DNS answers next: TLS still verifies the URL's host
 * name. Redirects are never followed (the caller judges the status).
 */
export function pinnedFetch(address: string): typeof fetch {
  const family = address.includes(":") ? 6 : 4;
  const pinned: LookupFunction = (_host, options, cb) => {
    if (options && (options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else cb(null, address, family);
  };
  return ((input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url);
      const mod = u.protocol === "https:" ? https : http;
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      const req = mod.request(u, { method: init?.method ?? "GET", headers, lookup: pinned, signal: init?.signal ?? undefined }, (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(", ") : String(v));
        const status = res.statusCode ?? 0;
        const empty = status === 204 || status === 304 || init?.method === "HEAD";
        try {
          resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers: h }));
        } catch (e) {
          res.destroy();
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      req.on("error", reject);
      req.end(typeof init?.body === "string" ? init.body : undefined);
    }));
}
