/**
 * The one door into the WebAssembly core (wasm-bindgen glue crate
 * `presidio-x402-js`). Every decision is made there; this module only
 * converts values and maps errors.
 */
import * as wasm from "./wasm/presidio_x402_js.js";
import { errorFor, PolicyConfigError, X402GuardError } from "./errors.js";

import { isReady, markReady, NOT_READY } from "./ready.js";

let descriptions: Record<string, string> | undefined;

export { isReady, markReady };

/** @internal the raw wasm-bindgen module. */
export { wasm };

function ensure(): void {
  if (!isReady()) throw new X402GuardError("invalid-input", NOT_READY);
}

/** The fixed description of a core code (never contains input data). */
export function describe(code: string): string {
  ensure();
  descriptions ??= JSON.parse(wasm.errorCodes()) as Record<string, string>;
  return descriptions[code] ?? code;
}

/** The limits the package applies while reading from the network (the core's `driver::tables::limits_json`). */
export interface Limits {
  /** A 402 body is read up to this many bytes + 1 (the core refuses more: `challenge-too-large`). */
  readonly max_challenge_bytes: number;
  /** Longest settlement header the core reads. */
  readonly max_settlement_header_bytes: number;
  /** A 402 body is read within this many ms; then what was read goes to the core (a cut body is refused). */
  readonly challenge_read_ms: number;
}

/** A table the core exports as JSON text, parsed and frozen on first use. */
function table<T>(read: () => string): () => T {
  let value: T | undefined;
  return () => {
    ensure();
    value ??= Object.freeze(JSON.parse(read())) as T;
    return value;
  };
}

/** The core's read limits (parsed once). */
export const limits: () => Limits = table(() => wasm.limitTable());

/** The Lua scripts of the Redis store protocol, by name (the core's `driver::redis`). */
export interface RedisScripts {
  readonly cas: string;
  readonly cas_fp: string;
  readonly cas_head: string;
  readonly replay: string;
  readonly head: string;
  readonly adopt: string;
}

/** The core's Redis scripts (parsed once): what `RedisStore` registers. */
export const redisScripts: () => RedisScripts = table(() => wasm.redisScripts());

/** Converts anything thrown by the glue into a package error with `.code`. */
export function mapError(e: unknown): X402GuardError {
  if (e instanceof X402GuardError) return e;
  const any = e as { code?: unknown; errors?: unknown };
  if (any && typeof any.code === "string") {
    if (Array.isArray(any.errors)) return new PolicyConfigError(any.errors as { path: string; code: string }[]);
    return errorFor(any.code, describe(any.code));
  }
  return new X402GuardError("invalid-input", "core call failed", { cause: e });
}

/** UTF-8 encoder for the byte crossings ({@link callAudit}). */
const UTF8 = new TextEncoder();

/** Runs one core operation by name (JSON in, JSON out); throws a coded error. */
export function call<T = unknown>(op: string, input: unknown): T {
  ensure();
  let out: string;
  try {
    out = wasm.call(op, typeof input === "string" ? input : JSON.stringify(input));
  } catch (e) {
    throw mapError(e);
  }
  return JSON.parse(out) as T;
}

/**
 * @internal An audit verification over a whole log (no 1 MiB input cap). A
 * string `text` member crosses as its own UTF-8 bytes (see the glue's
 * `callAuditUtf8`); everything else as JSON.
 */
export function callAudit<T = unknown>(op: "audit.verify" | "audit.verify-report" | "audit.verify-chains" | "audit.report", input: Record<string, unknown>): T {
  ensure();
  let out: string;
  try {
    const { text, ...rest } = input;
    out = typeof text === "string"
      ? wasm.callAuditUtf8(op, UTF8.encode(JSON.stringify(rest)), UTF8.encode(text))
      : wasm.callAuditUtf8(op, UTF8.encode(JSON.stringify(input)), undefined);
  } catch (e) {
    throw mapError(e);
  }
  return JSON.parse(out) as T;
}

/** Like {@link call} on JSON text, returning JSON text (for exact numbers). */
export function callJson(op: string, inputJson: string): string {
  ensure();
  try {
    return wasm.call(op, inputJson);
  } catch (e) {
    throw mapError(e);
  }
}

/** Every operation name {@link call} understands. */
export function operations(): string[] {
  ensure();
  return JSON.parse(wasm.operations()) as string[];
}

/** `n` random bytes from the platform CSPRNG (via getrandom in the glue). */
export function randomBytes(n = 32): Uint8Array {
  ensure();
  try {
    return wasm.randomBytes(n);
  } catch (e) {
    throw mapError(e);
  }
}
