/** Audit sinks: where the core's HMAC-chained JSONL lines go. */
import { callAudit } from "./core.js";
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

/** Reads `seq` and `mac` of the last line of a JSONL log (for resuming a chain). */
export function headOfLog(text: string): Head | null {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const v = JSON.parse(lines[i]!) as { seq?: unknown; mac?: unknown };
      if (typeof v.seq === "number" && typeof v.mac === "string") return { seq: v.seq, mac: v.mac };
    } catch {
      /* an interrupted last line: the one before is the head */
    }
  }
  return null;
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
