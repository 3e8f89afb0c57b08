/**
 * Error classes. Every error carries the core's stable `.code` (kebab-case,
 * the same strings as the vectors, the WIT enum and the Python exceptions).
 * Messages are the core's fixed descriptions: they never contain keys, URLs
 * or metadata.
 *
 * Which class a code gets comes from the core's error table (`errorTable()`:
 * code -> family), never from a list of codes written here.
 */
import * as wasm from "./wasm/presidio_x402_js.js";
import { isReady, NOT_READY } from "./ready.js";

/** Base class of every error raised by this package. */
export class X402GuardError extends Error {
  /** The core's stable error code. */
  readonly code: string;
  /** Audit line written for this refusal, when one was written. */
  readonly auditLine?: string;
  constructor(code: string, message?: string, extra?: { auditLine?: string; cause?: unknown }) {
    super(message ?? code, extra?.cause !== undefined ? { cause: extra.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    if (extra?.auditLine !== undefined) this.auditLine = extra.auditLine;
  }
}

/** Personal data was found and the PII action is `block`. */
export class PIIBlockedError extends X402GuardError {}
/** A spending policy, payee or asset rule refused the payment. */
export class PolicyViolationError extends X402GuardError {}
/** The same payment was already made within the replay TTL. */
export class ReplayDetectedError extends X402GuardError {}
/** The x402 exchange failed: bad challenge, signer, settlement or store. */
export class X402PaymentError extends X402GuardError {}
/** Multi-party approval was denied. */
export class MPADeniedError extends X402GuardError {}
/** Multi-party approval timed out. */
export class MPATimeoutError extends X402GuardError {}
/** A configuration or policy file is invalid; `.errors` lists every problem. */
export class PolicyConfigError extends X402GuardError {
  readonly errors: { path: string; code: string }[];
  /** `message` defaults to the list of paths and codes. */
  constructor(errors: { path: string; code: string }[], message?: string) {
    super(errors[0]?.code ?? "config-malformed",
      message ?? "invalid configuration: " + errors.map((e) => `${e.path || "(root)"}: ${e.code}`).join("; "));
    this.errors = errors;
  }
}

/** The exception family of a code, as named by the core's error table. */
export type ErrorFamily =
  | "pii-blocked" | "policy-violation" | "replay-detected" | "mpa-denied" | "mpa-timeout"
  | "store-unavailable" | "config" | "payment";

/** One row of the core's error table. */
export interface ErrorTableRow {
  /** The stable code (`policy-per-call-exceeded`, …). */
  code: string;
  /** Its exception family. */
  family: ErrorFamily;
  /** The seed's class name for the family (`StoreUnavailableError` has no JS class: see {@link errorClassFor}). */
  class: string;
  /** The core's fixed description. */
  description: string;
  /** The `limit_type` label of `x402_policy_violations_total` (policy violations only). */
  limit_type: string | null;
}

/** The constructor shape shared by the coded error classes. */
export type ErrorClass = new (code: string, message?: string, extra?: { auditLine?: string; cause?: unknown }) => X402GuardError;

/**
 * The class of each family. A store failure is an {@link X402PaymentError}
 * (there is no separate store class); a `config` code met on its own (not
 * as a validation's `.errors` list, which is a {@link PolicyConfigError})
 * stays an {@link X402PaymentError}, as before the table.
 */
const FAMILY_CLASS: Record<ErrorFamily, ErrorClass> = {
  "pii-blocked": PIIBlockedError,
  "policy-violation": PolicyViolationError,
  "replay-detected": ReplayDetectedError,
  "mpa-denied": MPADeniedError,
  "mpa-timeout": MPATimeoutError,
  "store-unavailable": X402PaymentError,
  "config": X402PaymentError,
  "payment": X402PaymentError,
};

let table: readonly Readonly<ErrorTableRow>[] | undefined;
let byCode: Map<string, Readonly<ErrorTableRow>> | undefined;

/** The core's error table: every code with its family, class name, description and `limit_type` (parsed once). */
export function errorTable(): readonly Readonly<ErrorTableRow>[] {
  if (table) return table;
  if (!isReady()) throw new X402GuardError("invalid-input", NOT_READY);
  const rows = (JSON.parse(wasm.errorTable()) as ErrorTableRow[]).map((r) => Object.freeze(r));
  byCode = new Map(rows.map((r) => [r.code, r]));
  table = Object.freeze(rows);
  return table;
}

/** The error class for a family of the core's error table (a family this package does not know: {@link X402PaymentError}). */
export function errorClassForFamily(family: ErrorFamily): ErrorClass {
  return Object.prototype.hasOwnProperty.call(FAMILY_CLASS, family) ? FAMILY_CLASS[family] : X402PaymentError;
}

/** The error class for a core code (its family in the core's table; an unknown code is an {@link X402PaymentError}). */
export function errorClassFor(code: string): ErrorClass {
  errorTable();
  const row = byCode!.get(code);
  return row ? errorClassForFamily(row.family) : X402PaymentError;
}

/** Builds the error for a core code, with the core's fixed description. */
export function errorFor(code: string, description?: string, extra?: { auditLine?: string; cause?: unknown }): X402GuardError {
  const C = errorClassFor(code);
  return new C(code, description ? `${code}: ${description}` : code, extra);
}

/**
 * Why a signer could not sign, in words that hold no key material: the
 * signer helpers (`presidio-hardened-x402/evm`) throw it, and a hardened
 * fetch keeps it as the `cause` of its `signer-failed` error (with its
 * message appended), where any other signer error is kept by name only.
 */
export class SignerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignerError";
  }
}
