/**
 * Error classes. Every error carries the core's stable `.code` (kebab-case,
 * the same strings as the vectors, the WIT enum and the Python exceptions).
 * Messages are the core's fixed descriptions: they never contain keys, URLs
 * or metadata.
 */

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
  constructor(errors: { path: string; code: string }[]) {
    super(errors[0]?.code ?? "config-malformed",
      "invalid configuration: " + errors.map((e) => `${e.path || "(root)"}: ${e.code}`).join("; "));
    this.errors = errors;
  }
}

const POLICY = new Set([
  "policy-per-call-exceeded", "policy-window-exceeded", "policy-endpoint-exceeded",
  "wallet-not-trusted", "pay-to-pin-mismatch", "asset-untrusted", "too-many-reservations",
  "reservation-expired", "no-acceptable-offer", "unknown-network",
]);

/** The error class for a core code. */
export function errorClassFor(code: string): new (code: string, message?: string, extra?: { auditLine?: string; cause?: unknown }) => X402GuardError {
  if (code === "pii-blocked") return PIIBlockedError;
  if (code === "replay-detected") return ReplayDetectedError;
  if (code === "mpa-denied" || code === "mpa-expired") return MPADeniedError;
  if (code === "mpa-timeout") return MPATimeoutError;
  if (POLICY.has(code)) return PolicyViolationError;
  return X402PaymentError;
}

/** Builds the error for a core code, with the core's fixed description. */
export function errorFor(code: string, description?: string, extra?: { auditLine?: string; cause?: unknown }): X402GuardError {
  const C = errorClassFor(code);
  return new C(code, description ? `${code}: ${description}` : code, extra);
}
