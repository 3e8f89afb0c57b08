/** Node-only adapters: the durable file store, file/stream audit sinks, DNS, policy files. */
import { promises as fsp, constants as FS } from "node:fs";
import * as path from "node:path";
import { lookup } from "node:dns/promises";
import type { Writable } from "node:stream";
import { type GuardStore, replaySet } from "./stores.js";
import { headOfLog, type AuditSink } from "./audit.js";
import { loadPolicy } from "./policy.js";
import { X402GuardError } from "./errors.js";
import type { Head } from "./types.js";

/** Writes `data` to `file` atomically: temp file, fsync, rename, fsync of the directory. */
export async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fh = await fsp.open(tmp, "w", 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  const dir = await fsp.open(path.dirname(file), "r");
  try {
    await dir.sync();
  } catch {
    /* some filesystems cannot fsync a directory */
  } finally {
    await dir.close();
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

/** Store directories opened by this process. */
const openDirs = new Set<string>();

/**
 * A durable store in a directory: `state.json`, `replay.json`, `head.json`,
 * each replaced atomically (temp + fsync + rename), so a crash leaves the
 * old or the new version, never a torn one. One process owns a directory at
 * a time (a `lock` file holding its pid; a dead owner's lock is taken over).
 */
export class FileStore implements GuardStore {
  readonly persistent: boolean = true;
  readonly dir: string;
  #replay: Map<string, number> | null = null;
  #locked = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens (creates) the directory and takes the lock. */
  static async open(dir: string): Promise<FileStore> {
    const s = new FileStore(dir);
    await s.#lock();
    return s;
  }

  async #lock(): Promise<void> {
    if (this.#locked) return;
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lockFile = path.join(this.dir, "lock");
    for (let i = 0; i < 2; i++) {
      try {
        const fh = await fsp.open(lockFile, FS.O_CREAT | FS.O_EXCL | FS.O_WRONLY, 0o600);
        await fh.writeFile(String(process.pid));
        await fh.close();
        this.#locked = true;
        openDirs.add(path.resolve(this.dir));
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const pid = Number((await readOr(lockFile)) ?? "0");
        const mine = pid === process.pid && openDirs.has(path.resolve(this.dir));
        if (!mine && (pid === process.pid || !pid || !alive(pid))) {
          await fsp.rm(lockFile, { force: true });
          continue;
        }
        throw new X402GuardError("store-unavailable", "store-unavailable: the store directory is locked by another live process");
      }
    }
    throw new X402GuardError("store-unavailable", "store-unavailable: could not lock the store directory");
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.#queue.then(async () => {
      await this.#lock();
      return fn();
    });
    this.#queue = p.catch(() => {});
    return p;
  }

  #file(name: string): string {
    return path.join(this.dir, name);
  }

  async loadState(): Promise<string | null> {
    return this.#serial(() => readOr(this.#file("state.json")));
  }
  async saveState(state: string): Promise<void> {
    return this.#serial(() => writeAtomic(this.#file("state.json"), state));
  }
  async loadHead(): Promise<Head | null> {
    return this.#serial(async () => {
      const t = await readOr(this.#file("head.json"));
      return t ? (JSON.parse(t) as Head) : null;
    });
  }
  async saveHead(head: Head): Promise<void> {
    return this.#serial(() => writeAtomic(this.#file("head.json"), JSON.stringify(head)));
  }
  async #replaySet(): Promise<Map<string, number>> {
    if (!this.#replay) {
      const t = await readOr(this.#file("replay.json"));
      this.#replay = new Map(t ? (Object.entries(JSON.parse(t)) as [string, number][]) : []);
    }
    return this.#replay;
  }
  async checkAndSet(fp: string, ttlMs: number, nowMs: number): Promise<boolean> {
    return this.#serial(async () => {
      const m = await this.#replaySet();
      for (const [k, v] of m) if (v <= nowMs) m.delete(k);
      const fresh = replaySet(m, fp, ttlMs, nowMs);
      if (fresh) await writeAtomic(this.#file("replay.json"), JSON.stringify(Object.fromEntries(m)));
      return fresh;
    });
  }
  async forget(fp: string): Promise<void> {
    return this.#serial(async () => {
      const m = await this.#replaySet();
      if (m.delete(fp)) await writeAtomic(this.#file("replay.json"), JSON.stringify(Object.fromEntries(m)));
    });
  }
  async close(): Promise<void> {
    await this.#queue;
    if (this.#locked) await fsp.rm(this.#file("lock"), { force: true });
    if (this.#locked) openDirs.delete(path.resolve(this.dir));
    this.#locked = false;
  }
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
  async #open(): Promise<fsp.FileHandle> {
    this.#fh ??= await fsp.open(this.file, "a", 0o600);
    return this.#fh;
  }
  async write(line: string): Promise<void> {
    const fh = await this.#open();
    await fh.appendFile(line + "\n");
    await fh.sync();
  }
  /** The head from the log's last complete lines (reads only the file's tail). */
  async head(): Promise<Head | null> {
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(this.file, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
    try {
      const { size } = await fh.stat();
      for (let span = 64 * 1024; ; span *= 4) {
        const start = Math.max(0, size - span);
        const buf = Buffer.alloc(size - start);
        await fh.read(buf, 0, buf.length, start);
        let text = buf.toString("utf8");
        if (start > 0) text = text.slice(text.indexOf("\n") + 1);
        const h = headOfLog(text);
        if (h !== null || start === 0) return h;
      }
    } finally {
      await fh.close();
    }
  }
  async close(): Promise<void> {
    await this.#fh?.close();
    this.#fh = null;
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
export async function loadPolicyFile(file: string): Promise<Record<string, unknown>> {
  const text = await fsp.readFile(file, "utf8");
  return loadPolicy(text, file.toLowerCase().endsWith(".toml") ? "toml" : "json");
}
