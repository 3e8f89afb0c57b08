/** Audit sinks: where the core's HMAC-chained JSONL lines go. */
import { b64encodeBytes } from "./base64.js";
import { call, callAudit } from "./core.js";
import type { ChainsReport, Head, KeyInput } from "./types.js";

/** Receives each audit line (no trailing newline), in chain order. */
export interface AuditSink {
  write(line: string): Promise<void> | void;
  /** The head of what the sink already holds (a durable sink is the source of truth). */
  head?(): Promise<Head | null>;
  close?(): Promise<void>;
}

/** A sink that calls `fn` with each line. */
export function callbackSink(fn: (line: string) => void | Promise<void>): AuditSink {
  return { write: (line) => fn(line) };
}

/** A sink that keeps lines in memory (tests, short-lived agents). */
export class MemoryAuditSink implements AuditSink {
  readonly lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
  /** The whole log as JSONL text. */
  text(): string {
    return this.lines.map((l) => l + "\n").join("");
  }
}

/** The window a file sink reads at open: the file's last `min(size, 64 KiB)` bytes. */
export const TAIL_WINDOW_BYTES = 64 * 1024;

/** The core's decision for a log's tail (`audit.repair-tail`; the rule is the core's, see the README). */
export interface TailRepair {
  /** `none`, `append-newline` (at `at`, the file's size) or `truncate` (to `at` bytes). */
  action: "none" | "append-newline" | "truncate";
  /** The file's size, or the size to truncate to. */
  at: number;
  /** The repaired log's head (`null`: it is empty). */
  head: Head | null;
}

/**
 * Asks the core how to repair a log from its last bytes: `window` is the
 * file's last `min(size, TAIL_WINDOW_BYTES)` bytes, `offset` where they
 * start. Throws `audit-malformed-line` when the log's last line is no entry.
 */
export function repairTail(window: Uint8Array, offset: number): TailRepair {
  return call<TailRepair>("audit.repair-tail", { tail_base64: b64encodeBytes(window), offset });
}

/** Reads `seq` and `mac` of the last line of a JSONL log (for resuming a chain), with the core's tail rule ({@link repairTail}). */
export function headOfLog(text: string): Head | null {
  const bytes = new TextEncoder().encode(text);
  const start = Math.max(0, bytes.length - TAIL_WINDOW_BYTES);
  return repairTail(bytes.subarray(start), start).head;
}

/**
 * Verifies the chains of a log directory given as `{name, text}` (one chain
 * per replica) with the core's `audit.verify-chains`: every chain on its own
 * from seq 1, and no two chains of one replica; given the replicas' stored
 * `heads` (replica id → head), also cut tails, chains that do not hold their
 * head and replicas whose log is missing. Returns the per-chain report.
 */
export function verifyAuditChains(key: KeyInput, chains: { name: string; text: string }[], heads?: Record<string, Head> | null): ChainsReport {
  const keyHex = typeof key === "string" ? key : Array.from(key, (b) => b.toString(16).padStart(2, "0")).join("");
  return callAudit<ChainsReport>("audit.verify-chains", { key_hex: keyHex, chains, heads: heads ?? null });
}
